"""The http-proxy endpoint: URL joining, configured headers, hop-by-hop removal, X-Forwarded-*, 502 and 504."""
import pytest

from helpers.definitions import proxy_api
from helpers.gateway import free_port
from helpers.rawhttp import Conn, request


def csv_values(values):
    """Header values as a list of items, whether the proxy folded repeated headers into one or not."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@pytest.mark.parametrize("target, request_path, want_path, want_query", [
    ("/base", "/p", "/base", ""),
    ("/base", "/p/x/y", "/base/x/y", ""),
    ("/base", "/p/x?q=1", "/base/x", "q=1"),
    ("/base/deeper", "/p/x?a=1&b=%2F", "/base/deeper/x", "a=1&b=%2F"),
    ("", "/p/x?q=1", "/x", "q=1"),
])
def test_target_url_joining(gantry, backend, target, request_path, want_path, want_query):
    a = backend("A")
    gw = gantry([proxy_api("join", "/p", [a.origin + target])])
    echo = gw.get(request_path).json()
    assert (echo["path"], echo["query"]) == (want_path, want_query)


def test_target_query_is_combined_with_request_query(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("join", "/p", [a.url("/base?fixed=1")])])
    echo = gw.get("/p/x?q=2").json()
    assert echo["path"] == "/base/x"
    assert sorted(echo["query"].split("&")) == ["fixed=1", "q=2"]
    echo = gw.get("/p/x").json()
    assert echo["query"] == "fixed=1"


def test_configured_headers_are_added_upstream(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("hdr", "/p", [a.url()], headers=[("X-Added", "from-config"), ("X-Team", "gantry")])])
    seen = gw.get("/p/x", headers={"X-Client": "c"}).json()["headers"]
    assert seen["x-added"] == ["from-config"]
    assert seen["x-team"] == ["gantry"]
    assert seen["x-client"] == ["c"]


def test_hop_by_hop_headers_are_not_forwarded(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("hop", "/p", [a.url()])])
    headers = [
        ("Connection", "keep-alive, X-Conn-Named"),
        ("X-Conn-Named", "must-not-pass"),
        ("Keep-Alive", "timeout=5"),
        ("TE", "trailers"),
        ("Trailer", "X-Checksum"),
        ("Upgrade", "something/1.0"),  # not an upgrade request: Connection does not name upgrade
        ("Proxy-Authorization", "Basic Zm9vOmJhcg=="),
        ("X-End-To-End", "kept"),
    ]
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/p/x", headers=headers))
        r = conn.read_response()
    assert r.status == 200
    seen = r.json()["headers"]
    for name in ("x-conn-named", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization"):
        assert name not in seen, f"hop-by-hop header {name} reached the backend: {seen.get(name)}"
    assert "x-conn-named" not in ",".join(seen.get("connection", [])).lower()
    assert seen["x-end-to-end"] == ["kept"]


def test_x_forwarded_headers_are_set(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("xf", "/p", [a.url()])])
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/p/x", host="public.example:8443"))
        seen = conn.read_response().json()["headers"]
    assert csv_values(seen["x-forwarded-for"]) == ["127.0.0.1"]
    assert seen["x-forwarded-proto"] == ["http"]
    assert seen["x-forwarded-host"] == ["public.example:8443"]


def test_x_forwarded_for_appends_to_existing_value(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("xf", "/p", [a.url()])])
    seen = gw.get("/p/x", headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.1"}).json()["headers"]
    assert csv_values(seen["x-forwarded-for"]) == ["203.0.113.7", "10.0.0.1", "127.0.0.1"]


def test_upstream_host_is_the_target_authority(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("host", "/p", [a.url()])])
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/p/x", host="public.example"))
        seen = conn.read_response().json()["headers"]
    assert seen["host"] == [f"127.0.0.1:{a.port}"]


def test_repeated_request_headers_all_reach_backend(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("multi", "/p", [a.url()])])
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/p/x", headers=[("X-Multi", "one"), ("X-Multi", "two")]))
        seen = conn.read_response().json()["headers"]
    assert csv_values(seen["x-multi"]) == ["one", "two"]


def test_request_framing_is_kept_upstream(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("frame", "/p", [a.url()])])
    seen = gw.get("/p/x").json()["headers"]
    assert "content-length" not in seen or seen["content-length"] == ["0"]
    assert "transfer-encoding" not in seen, "a GET without a body was sent upstream with a chunked body"
    with gw.client() as c:
        seen = c.post("/p/x", content=b"12345").json()["headers"]
    assert seen["content-length"] == ["5"]


def test_refused_backend_is_502(gantry):
    dead = free_port()  # bound then released: nothing listens there
    gw = gantry([proxy_api("dead", "/p", [f"http://127.0.0.1:{dead}/base"])])
    r = gw.get("/p/x", headers={"X-Gravitee-Transaction-Id": "tx-502"})
    assert r.status_code == 502
    assert r.headers["content-type"].split(";")[0].strip() == "application/json"
    assert r.json() == {"message": "The upstream refused the connection", "http_status_code": 502}
    assert r.headers["x-gravitee-transaction-id"] == "tx-502"
    assert r.headers["x-gravitee-request-id"]


def test_slow_backend_is_504(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("slowpoke", "/p", [a.url()], http={"readTimeout": 500})])
    r = gw.get("/p/slow/3000")
    assert r.status_code == 504
    body = r.json()
    assert body["http_status_code"] == 504 and body["message"]
    assert r.headers["x-gravitee-request-id"]
    # The endpoint is fine for requests within the timeout.
    r = gw.get("/p/slow/10")
    assert r.status_code == 200 and r.json()["backend"] == "A"


def test_gateway_request_timeout_bounds_the_backend_call(gantry, backend):
    """gateway.timeouts.request_ms (Gravitee's http.requestTimeout) ends a proxied request whose backend is still
    within its own readTimeout: 504 with the gateway's "Request timeout", not the endpoint's."""
    a = backend("A")
    gw = gantry([proxy_api("deadline", "/p", [a.url()], http={"readTimeout": 60000})],
                config={"gateway.timeouts.request_ms": 500})
    r = gw.get("/p/slow/5000")
    assert r.status_code == 504
    assert r.json() == {"message": "Request timeout", "http_status_code": 504}
    assert gw.get("/p/slow/10").status_code == 200
