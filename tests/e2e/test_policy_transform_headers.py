"""transform-headers on a proxy API: set, append, remove and whitelist, on the request (what the backend sees) and
on the response (what the client sees), with EL values; assign-attributes feeding it."""
from helpers.definitions import proxy_api
from helpers.flows import http_flow, step


def test_request_headers_are_transformed_before_the_backend(gantry, backend):
    a = backend("A")
    th = step("transform-headers", {
        "scope": "REQUEST",
        "removeHeaders": ["X-Secret"],
        "addHeaders": [{"name": "X-Tier", "value": "{#request.headers['X-Plan'][0] == 'gold' ? 'premium' : 'basic'}"},
                       {"name": "X-Path", "value": "{#request.path} via {#request.method}"}],
        "appendHeaders": [{"name": "X-Multi", "value": "second"}],
    })
    gw = gantry([proxy_api("th", "/th", [a.url()], flows=[http_flow("f", request=[th])])])
    echo = gw.get("/th/items?q=1", headers={"X-Secret": "s", "X-Plan": "gold", "X-Multi": "first"}).json()
    headers = echo["headers"]
    assert "x-secret" not in headers
    assert headers["x-tier"] == ["premium"]
    assert headers["x-path"] == ["/th/items via GET"]
    assert [v.strip() for value in headers["x-multi"] for v in value.split(",")] == ["first", "second"]


def test_response_headers_are_transformed_before_the_client(gantry, backend):
    a = backend("A")
    th = step("transform-headers", {
        "scope": "RESPONSE",
        "removeHeaders": ["X-Backend-Name"],
        "addHeaders": [{"name": "X-Status", "value": "{#response.status}"},
                       {"name": "X-Request", "value": "{#request.headers['X-Id'][0]}"}],
    })
    gw = gantry([proxy_api("th", "/th", [a.url()], flows=[http_flow("f", response=[th])])])
    r = gw.get("/th", headers={"X-Id": "abc"})
    assert r.status_code == 200
    assert "X-Backend-Name" not in r.headers
    assert r.headers["X-Status"] == "200"
    assert r.headers["X-Request"] == "abc"


def test_whitelist_keeps_only_listed_headers(gantry, backend):
    a = backend("A")
    th = step("transform-headers", {"whitelistHeaders": ["Host", "X-Keep"]})
    gw = gantry([proxy_api("th", "/th", [a.url()], flows=[http_flow("f", request=[th])])])
    headers = gw.get("/th", headers={"X-Keep": "1", "X-Drop": "2"}).json()["headers"]
    assert headers["x-keep"] == ["1"]
    assert "x-drop" not in headers


def test_attributes_assigned_earlier_are_visible(gantry, backend):
    a = backend("A")
    steps = [step("policy-assign-attributes", {"scope": "REQUEST", "attributes": [
                 {"name": "user", "value": "{#request.headers['X-User'][0].toUpperCase()}"}]}),
             step("transform-headers", {"addHeaders": [{"name": "X-Who", "value": "{#context.attributes['user']}"}]})]
    gw = gantry([proxy_api("th", "/th", [a.url()], flows=[http_flow("f", request=steps)])])
    assert gw.get("/th", headers={"X-User": "ada"}).json()["headers"]["x-who"] == ["ADA"]


def test_failing_expression_answers_500(gantry, backend):
    a = backend("A")
    th = step("transform-headers", {"addHeaders": [{"name": "X-V", "value": "{#request.headers['absent'][0]}"}]})
    gw = gantry([proxy_api("th", "/th", [a.url()], flows=[http_flow("f", request=[th])])])
    r = gw.get("/th")
    assert r.status_code == 500
    assert r.json()["message"] == ("Unable to transform headers: header 'X-V': cannot index into null at column 28")
    assert a.stats()["requests"] == 0
