"""assign-content on a proxy API, and #request.content / #response.content: the body is held only for APIs whose
flows use it, replaced before the backend (request) or before the client (response), with its new length."""
from helpers import compressed
from helpers.rawhttp import Conn, request
from helpers.definitions import proxy_api
from helpers.flows import http_flow, step


def assign(body):
    return step("policy-assign-content", {"body": body})


def test_request_body_is_replaced_before_the_backend(gantry, backend):
    a = backend("A")
    flow = http_flow("f", request=[assign('{"greeting": "hello {#request.headers[\'X-User\'][0]}", '
                                          '"was": {#request.content}}')])
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[flow])])
    r = gw.client().post("/ac/raw", content=b'{"n": 1}',
                         headers={"Content-Type": "application/json", "X-User": "ada"})
    assert r.status_code == 200
    expected = b'{"greeting": "hello ada", "was": {"n": 1}}'
    assert r.content == expected
    assert r.headers["X-Seen-Content-Length"] == str(len(expected))


def test_a_request_without_body_gets_one(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[http_flow("f", request=[assign("made {#request.method}")])])])
    r = gw.get("/ac/raw")
    assert r.content == b"made GET"
    assert r.headers["X-Seen-Content-Length"] == "8"


def test_response_body_is_replaced_before_the_client(gantry, backend):
    a = backend("A")
    flow = http_flow("f", response=[assign("<wrapped status=\"{#response.status}\">{#response.content}</wrapped>")])
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[flow])])
    r = gw.client().post("/ac/raw", content=b"abc", headers={"Content-Type": "text/plain"})
    assert r.status_code == 200
    assert r.text == '<wrapped status="200">abc</wrapped>'
    assert r.headers["Content-Length"] == str(len(r.content))
    assert r.headers["X-Backend-Name"] == "A"
    # HEAD: no body to replace, the header passes.
    with gw.client() as c:
        assert c.head("/ac/raw").status_code == 200


def test_compressed_response_is_decoded_for_the_policy(gantry, backend):
    a = backend("A")
    flow = http_flow("f", response=[assign("{#response.content.length()}")])
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[flow])])
    r = gw.get("/ac/compressed/gzip/5000", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert "Content-Encoding" not in r.headers
    assert r.text == str(len(compressed.text(5000)))


def test_request_content_in_other_policies_holds_the_body(gantry, backend):
    """No content policy, but an EL reads #request.content: the body is held for it and still reaches the backend."""
    a = backend("A")
    th = step("transform-headers", {"addHeaders": [{"name": "X-Body", "value": "{#request.content}"}]})
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[http_flow("f", request=[th])])])
    echo = gw.client().post("/ac/echo", content=b"payload-1").json()
    assert echo["headers"]["x-body"] == ["payload-1"]
    assert echo["body_len"] == 9


def test_conditions_can_read_the_response_content(gantry, backend):
    a = backend("A")
    th = step("transform-headers", {"addHeaders": [{"name": "X-Match", "value": "yes"}]},
              condition="{#response.content.contains('needle')}")
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[http_flow("f", response=[th])])])
    with gw.client() as c:
        assert c.post("/ac/raw", content=b"hay needle hay").headers.get("X-Match") == "yes"
        assert "X-Match" not in c.post("/ac/raw", content=b"hay hay").headers


def test_request_body_over_the_bound_is_refused(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("ac", "/ac", [a.url()], flows=[http_flow("f", request=[assign("{#request.content}")])])])
    with Conn(gw.port) as conn:  # the declared length alone is refused: only the head is sent
        conn.send(request("POST", "/ac/raw", headers=[("Content-Length", str(8 * 1024 * 1024 + 1))]))
        r = conn.read_response()
    assert r.status == 413
    assert a.stats()["requests"] == 0


def test_failing_template_answers_500(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("ac", "/ac", [a.url()],
                           flows=[http_flow("f", request=[assign("{#request.headers['absent'][0]}")])])])
    r = gw.get("/ac/raw")
    assert r.status_code == 500
    assert r.json()["message"] == "Unable to assign body content: cannot index into null at column 28"
    assert a.stats()["requests"] == 0
