"""url-rewriting on a proxy API: the backend's URLs in response headers (Location...) and body become the
gateway's, with capture groups in the replacement."""
from helpers.definitions import proxy_api
from helpers.flows import http_flow, step


def rewriting(backend, **config):
    conf = {"fromRegex": r"http://127\.0\.0\.1:\d+/base/(\w+)",
            "toReplacement": "https://gateway.example/ur/{#group[0]}"}
    conf.update(config)
    return proxy_api("ur", "/ur", [backend.url()], flows=[http_flow("f", response=[step("url-rewriting", conf)])])


def test_location_and_body_are_rewritten(gantry, backend):
    a = backend("A")
    gw = gantry([rewriting(a)])
    origin = a.url()
    body = f"see {origin}/one and {origin}/two, not http://elsewhere/base/x".encode()
    r = gw.client().post("/ur/raw", params={"status": "302", "location": f"{origin}/next"}, content=body)
    assert r.status_code == 302
    assert r.headers["Location"] == "https://gateway.example/ur/next"
    assert r.text == ("see https://gateway.example/ur/one and https://gateway.example/ur/two, "
                      "not http://elsewhere/base/x")
    assert r.headers["Content-Length"] == str(len(r.content))


def test_body_is_left_alone_when_told(gantry, backend):
    a = backend("A")
    gw = gantry([rewriting(a, rewriteResponseBody=False)])
    body = f"{a.url()}/one".encode()
    r = gw.client().post("/ur/raw", params={"location": f"{a.url()}/two"}, content=body)
    assert r.content == body
    assert r.headers["Location"] == "https://gateway.example/ur/two"


def test_headers_are_left_alone_when_told(gantry, backend):
    a = backend("A")
    gw = gantry([rewriting(a, rewriteResponseHeaders=False,
                           fromRegex=r"http://127\.0\.0\.1:\d+/base/(?<page>\w+)",
                           toReplacement="/ur/{#groupName['page']}")])
    r = gw.client().post("/ur/raw", params={"location": f"{a.url()}/two"}, content=f"{a.url()}/one".encode())
    assert r.text == "/ur/one"
    assert r.headers["Location"] == f"{a.url()}/two"
