"""Flows on proxy APIs: default mode (every matching flow, in order) vs best-match, methods and path parameters,
condition selectors and step conditions, disabled steps, matchRequired, plan flows first, and the mock,
latency and override-method policies."""
import time

from helpers.definitions import proxy_api
from helpers.flows import add_header, http_flow, step


def marker_flows():
    return [
        http_flow("root", "/", request=[add_header("X-Root", "1")]),
        http_flow("items", "/items", request=[add_header("X-Items", "1")]),
        http_flow("item", "/items/:id", methods=["GET"], request=[add_header("X-Item", "{#request.pathParams['id']}")]),
    ]


def seen(echo):
    return {k: v[0] for k, v in echo["headers"].items() if k in ("x-root", "x-items", "x-item")}


def test_default_mode_runs_every_matching_flow(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("flows", "/f", [a.url()], flows=marker_flows())])
    assert seen(gw.get("/f/items/42").json()) == {"x-root": "1", "x-items": "1", "x-item": "42"}
    assert seen(gw.get("/f/items").json()) == {"x-root": "1", "x-items": "1"}
    with gw.client() as c:
        assert seen(c.post("/f/items/42").json()) == {"x-root": "1", "x-items": "1"}
    assert seen(gw.get("/f/other").json()) == {"x-root": "1"}


def test_best_match_runs_only_the_most_specific_flow(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("flows", "/f", [a.url()], flows=marker_flows(), flowExecution={"mode": "BEST_MATCH"})])
    assert seen(gw.get("/f/items/42").json()) == {"x-item": "42"}
    assert seen(gw.get("/f/items").json()) == {"x-items": "1"}
    assert seen(gw.get("/f/other").json()) == {"x-root": "1"}


def test_match_required_answers_404_when_no_flow_matches(gantry, backend):
    a = backend("A")
    flows = [http_flow("items", "/items", request=[add_header("X-Items", "1")])]
    gw = gantry([proxy_api("flows", "/f", [a.url()], flows=flows, flowExecution={"matchRequired": True})])
    assert gw.get("/f/items").status_code == 200
    r = gw.get("/f/other")
    assert r.status_code == 404
    assert r.json() == {"message": "No flow matches the request", "http_status_code": 404}


def test_condition_selector_and_step_conditions(gantry, backend):
    a = backend("A")
    flows = [
        {"name": "gold-only", "selectors": [{"type": "condition", "condition": "{#request.headers['X-Tier'][0] == 'gold'}"}],
         "request": [add_header("X-Gold", "yes")]},
        http_flow("steps", request=[
            dict(add_header("X-Cond", "ran"), condition="{#request.params['debug'] != null && #request.params['debug'][0] == 'on'}"),
            dict(add_header("X-Off", "ran"), enabled=False),
        ]),
    ]
    gw = gantry([proxy_api("flows", "/f", [a.url()], flows=flows)])
    h = gw.get("/f", headers={"X-Tier": "gold"}).json()["headers"]
    assert h["x-gold"] == ["yes"] and "x-cond" not in h and "x-off" not in h
    h = gw.get("/f?debug=on", headers={"X-Tier": "silver"}).json()["headers"]
    assert "x-gold" not in h and h["x-cond"] == ["ran"]


def test_plan_flows_run_before_api_flows(gantry, backend):
    a = backend("A")
    plan = {"id": "free", "name": "Free", "security": {"type": "key-less"}, "status": "PUBLISHED", "mode": "STANDARD",
            "flows": [http_flow("plan", request=[add_header("X-Order", "plan")])]}
    api_flows = [http_flow("api", request=[step("transform-headers", {"appendHeaders": [{"name": "X-Order", "value": "api"}]})])]
    gw = gantry([proxy_api("flows", "/f", [a.url()], flows=api_flows, plans=[plan])])
    values = gw.get("/f").json()["headers"]["x-order"]
    assert [v.strip() for value in values for v in value.split(",")] == ["plan", "api"]


def test_mock_answers_without_calling_the_backend(gantry, backend):
    a = backend("A")
    mock = step("mock", {"status": "201", "headers": [{"name": "X-Mock", "value": "{#request.method}"}],
                         "content": "{\"id\": \"{#request.pathParams['id']}\"}"})
    gw = gantry([proxy_api("mock", "/m", [a.url()], flows=[http_flow("m", "/things/:id", request=[mock])])])
    r = gw.get("/m/things/7")
    assert (r.status_code, r.headers["X-Mock"], r.json()) == (201, "GET", {"id": "7"})
    assert r.headers["X-Gravitee-Request-Id"]
    assert a.stats()["requests"] == 0


def test_override_method_and_latency(gantry, backend):
    a = backend("A")
    flows = [http_flow("f", request=[step("policy-override-request-method", {"method": "PUT"}),
                                     step("latency", {"time": 300, "timeUnit": "MILLISECONDS"})])]
    gw = gantry([proxy_api("m", "/m", [a.url()], flows=flows)])
    started = time.monotonic()
    echo = gw.get("/m").json()
    assert time.monotonic() - started >= 0.3
    assert echo["method"] == "PUT"


def test_invalid_expression_is_a_deploy_error_with_its_path(gantry, backend):
    a = backend("A")
    flows = [http_flow("f", request=[dict(add_header("X", "1"), condition="{#request.headers['x'] ==}")])]
    gw = gantry([proxy_api("bad", "/bad", [a.url()], flows=flows)])
    assert gw.get("/bad").status_code == 404
    assert ("$.flows[0].request[0].condition: invalid expression '{#request.headers['x'] ==}': "
            "syntax error at column 26: unexpected end of the expression") in gw.log()
