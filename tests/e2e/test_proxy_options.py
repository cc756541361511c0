"""http-proxy endpoint options (sharedConfiguration.http): useCompression, propagateClientAcceptEncoding,
followRedirects, maxConcurrentConnections; and the API's responseTemplates for backend failures.

Responses are read with the raw-socket client: no library decodes a body or hides a header here.
"""
import threading
import urllib.parse

import pytest

from helpers import compressed
from helpers.definitions import proxy_api
from helpers.gateway import free_port
from helpers.rawhttp import Conn, request

BIG = 5 * 1024 * 1024  # identity size of the compressed answers


def exchange(gw, path, method="GET", headers=(), body=b""):
    with Conn(gw.port, timeout=30 * gw.slow) as conn:
        conn.send(request(method, path, headers=headers, body=body))
        return conn.read_response(method)


def assert_same_bytes(got, want, what="body"):
    if got == want:
        return
    index = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    pytest.fail(f"{what}: got {len(got)} bytes, expected {len(want)}; first difference at offset {index}: "
                f"got {got[index:index + 60]!r}, expected {want[index:index + 60]!r}", pytrace=False)


def seen_headers(r):
    assert r.status == 200, r
    return r.json()["headers"]


# -- useCompression (default true) ----------------------------------------------------------------------------


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
@pytest.mark.parametrize("kind", ["gzip", "zlib", "raw"], ids=["gzip", "deflate-zlib", "deflate-raw"])
def test_compressed_answer_reaches_client_decompressed(gantry, backend, kind, framing):
    a = backend("A")
    gw = gantry([proxy_api("gz", "/p", [a.url()])])  # useCompression left at its default
    path = f"/p/compressed/{kind}/{BIG}" + ("?cl=1" if framing == "content-length" else "")
    with Conn(gw.port, timeout=30 * gw.slow) as conn:
        conn.send(request("GET", path, headers=[("Accept-Encoding", "br")]))
        r = conn.read_response()
        assert r.status == 200, r
        assert r.header("x-seen-accept-encoding") == "gzip, deflate"
        assert r.header("content-encoding") is None, r.headers
        assert r.header("content-length") is None, r.headers
        assert "chunked" in ",".join(r.headers_all("transfer-encoding")).lower(), r.headers
        assert_same_bytes(r.body, compressed.text(BIG), "decompressed body")
        # The chunked framing ended where it should: the connection carries the next exchange.
        conn.send(request("GET", "/p/after"))
        r = conn.read_response()
    assert r.status == 200 and r.json()["path"] == "/base/after"


@pytest.mark.parametrize("http", [None, {"useCompression": True}], ids=["default", "explicit"])
@pytest.mark.parametrize("client_ae", [None, "br", "gzip", "identity"])
def test_backend_is_asked_for_gzip_deflate_whatever_the_client_accepts(gantry, backend, http, client_ae):
    a = backend("A")
    gw = gantry([proxy_api("gz", "/p", [a.url()], http=http)])
    headers = [("Accept-Encoding", client_ae)] if client_ae else []
    seen = seen_headers(exchange(gw, "/p/echo", headers=headers))
    assert seen.get("accept-encoding") == ["gzip, deflate"]


# -- useCompression: false ------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_ae", [None, "gzip, br"])
def test_no_compression_no_propagation_sends_no_accept_encoding(gantry, backend, client_ae):
    a = backend("A")
    gw = gantry([proxy_api("plain", "/p", [a.url()],
                           http={"useCompression": False, "propagateClientAcceptEncoding": False})])
    headers = [("Accept-Encoding", client_ae)] if client_ae else []
    seen = seen_headers(exchange(gw, "/p/echo", headers=headers))
    assert "accept-encoding" not in seen, seen.get("accept-encoding")
    # A backend that compresses anyway: the gateway does not decode what it did not ask for.
    r = exchange(gw, "/p/compressed/gzip/4096?cl=1", headers=headers)
    assert r.status == 200, r
    assert r.header("x-seen-accept-encoding") == "<none>"
    assert r.header("content-encoding") == "gzip"
    assert_same_bytes(r.body, compressed.body("gzip", 4096), "gzip body")


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
@pytest.mark.parametrize("kind", ["gzip", "zlib"], ids=["gzip", "deflate"])
def test_propagated_accept_encoding_and_body_untouched(gantry, backend, kind, framing):
    a = backend("A")
    gw = gantry([proxy_api("prop", "/p", [a.url()],
                           http={"useCompression": False, "propagateClientAcceptEncoding": True})])
    client_ae = "gzip;q=1.0, deflate;q=0.8, br;q=0.5"
    seen = seen_headers(exchange(gw, "/p/echo", headers=[("Accept-Encoding", client_ae)]))
    assert seen.get("accept-encoding") == [client_ae]

    path = f"/p/compressed/{kind}/{BIG}" + ("?cl=1" if framing == "content-length" else "")
    r = exchange(gw, path, headers=[("Accept-Encoding", client_ae)])
    assert r.status == 200, r
    assert r.header("x-seen-accept-encoding") == client_ae
    assert r.header("content-encoding") == compressed.CONTENT_ENCODING[kind]
    want = compressed.body(kind, BIG)
    if framing == "content-length":
        assert r.header("content-length") == str(len(want))
    assert_same_bytes(r.body, want, f"{kind} body as the backend sent it")


def test_propagation_without_client_accept_encoding_sends_none(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("prop", "/p", [a.url()],
                           http={"useCompression": False, "propagateClientAcceptEncoding": True})])
    seen = seen_headers(exchange(gw, "/p/echo"))
    assert "accept-encoding" not in seen, seen.get("accept-encoding")


# -- followRedirects ------------------------------------------------------------------------------------------


def redirect_path(n, to, code=None, prefix="/r"):
    query = {"to": to}
    if code is not None:
        query["code"] = code
    return f"{prefix}/redirect/{n}?" + urllib.parse.urlencode(query)


@pytest.fixture
def follow(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("redir", "/r", [a.url()], http={"followRedirects": True})])
    return gw, a


def test_relative_redirect_chain_is_followed(follow):
    gw, a = follow
    r = exchange(gw, redirect_path(3, "/final/echo?x=1"))
    assert r.status == 200, r
    assert r.header("location") is None
    echo = r.json()
    assert (echo["method"], echo["path"], echo["query"], echo["backend"]) == ("GET", "/final/echo", "x=1", "A")
    assert echo["headers"]["host"] == [f"127.0.0.1:{a.port}"]
    assert a.stats()["redirects"] == ["GET", "GET", "GET"]


def test_absolute_redirect_to_another_backend_is_followed(follow, backend):
    gw, a = follow
    b = backend("B")
    r = exchange(gw, redirect_path(1, f"{b.origin}/elsewhere/echo?y=2"))
    assert r.status == 200, r
    echo = r.json()
    assert (echo["method"], echo["path"], echo["query"], echo["backend"]) == ("GET", "/elsewhere/echo", "y=2", "B")
    assert echo["headers"]["host"] == [f"127.0.0.1:{b.port}"]
    assert a.stats()["redirects"] == ["GET"]
    assert b.stats()["requests"] == 1


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_get_redirects_are_followed(follow, code):
    gw, a = follow
    r = exchange(gw, redirect_path(1, "/final/echo", code))
    assert r.status == 200, r
    echo = r.json()
    assert (echo["method"], echo["path"]) == ("GET", "/final/echo")
    assert a.stats()["redirects"] == ["GET"]


def test_303_after_post_is_followed_with_get(follow):
    gw, a = follow
    r = exchange(gw, redirect_path(1, "/after-post", 303), method="POST", body=b"the form",
                 headers=[("Content-Type", "application/x-www-form-urlencoded")])
    assert r.status == 200, r
    echo = r.json()
    assert (echo["method"], echo["path"], echo["body_len"]) == ("GET", "/after-post", 0)
    assert a.stats()["redirects"] == ["POST"]


def test_307_after_post_is_not_followed(follow):
    gw, a = follow
    r = exchange(gw, redirect_path(1, "/after-post", 307), method="POST", body=b"the form")
    assert r.status == 307, r
    assert r.header("location") == "/after-post"
    stats = a.stats()
    assert stats["redirects"] == ["POST"]
    assert stats["requests"] == 1


@pytest.mark.parametrize("http", [None, {"followRedirects": False}], ids=["default", "explicit"])
def test_redirect_reaches_client_when_not_following(gantry, backend, http):
    a = backend("A")
    gw = gantry([proxy_api("redir", "/r", [a.url()], http=http)])
    r = exchange(gw, redirect_path(2, "/final"))
    assert r.status == 302, r
    assert r.header("location") == "/redirect/1?" + urllib.parse.urlencode({"to": "/final", "code": 302})
    assert r.header("x-backend-name") == "A"
    stats = a.stats()
    assert stats["redirects"] == ["GET"]
    assert stats["requests"] == 1


# -- responseTemplates ----------------------------------------------------------------------------------------


def template(body, content_type, status=503):
    return {"status": status, "body": body, "headers": {"Content-Type": content_type}}


def dead_api(templates):
    dead = free_port()  # bound then released: nothing listens there
    return proxy_api("dead", "/d", [f"http://127.0.0.1:{dead}/base"], responseTemplates=templates)


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html"])
def test_parent_key_template_applies_to_refused_connection(gantry, accept):
    gw = gantry([dead_api({"GATEWAY_CLIENT_CONNECTION_ERROR": {"*/*": template('{"custom":true}',
                                                                                 "application/json")}})])
    r = exchange(gw, "/d/x", headers=[("Accept", accept)] if accept else [])
    assert r.status == 503, r
    assert r.body == b'{"custom":true}'
    assert r.header("content-type") == "application/json"
    assert r.header("x-gravitee-request-id")


@pytest.mark.parametrize("accept, want", [
    ("application/json", "json"),
    (None, "any"),
    ("*/*", "any"),
    ("text/html", "any"),
])
def test_template_is_chosen_by_accepted_media_type(gantry, accept, want):
    gw = gantry([dead_api({"GATEWAY_CLIENT_CONNECTION_ERROR": {
        "application/json": template('{"custom":"json"}', "application/json"),
        "*/*": template("custom for anything", "text/plain", status=500),
    }})])
    r = exchange(gw, "/d/x", headers=[("Accept", accept)] if accept else [])
    if want == "json":
        assert (r.status, r.body, r.header("content-type")) == (503, b'{"custom":"json"}', "application/json"), r
    else:
        assert (r.status, r.body, r.header("content-type")) == (500, b"custom for anything", "text/plain"), r


def test_fine_key_template_wins_over_parent_key(gantry):
    gw = gantry([dead_api({
        "GATEWAY_CLIENT_CONNECTION_ERROR": {"*/*": template("parent", "text/plain")},
        "GATEWAY_CLIENT_CONNECTION_REFUSED": {"*/*": template("refused", "text/plain", status=502)},
    })])
    r = exchange(gw, "/d/x")
    assert (r.status, r.body) == (502, b"refused"), r


# -- maxConcurrentConnections ---------------------------------------------------------------------------------


def concurrent_slow_gets(gw, n=2, path="/p/slow/1000"):
    barrier = threading.Barrier(n)
    results = [None] * n

    def one(i):
        barrier.wait()
        try:
            results[i] = exchange(gw, path)
        except Exception as e:  # noqa: BLE001  (reported by the assertion below)
            results[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60 * gw.slow)
    return results


def test_max_concurrent_connections_one_queues_the_second_request(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("one", "/p", [a.url()], http={"maxConcurrentConnections": 1})],
                config={"gateway.threads": 1})
    results = concurrent_slow_gets(gw)
    for r in results:
        assert not isinstance(r, Exception) and r.status == 200, r
        assert r.json()["path"] == "/base/slow/1000"
    stats = a.stats()
    assert stats["requests"] == 2
    assert stats["request_connections"] == 1, stats
    assert stats["connections"] - stats["control_connections"] == 1, stats
    assert stats["max_in_flight"] == 1, stats


def test_connection_counter_sees_parallel_connections_without_the_limit(gantry, backend):
    # The counterpart of the test above: the same load with the default limit takes two backend connections, so
    # the counter does see a second connection when there is one.
    a = backend("A")
    gw = gantry([proxy_api("many", "/p", [a.url()])], config={"gateway.threads": 1})
    results = concurrent_slow_gets(gw)
    for r in results:
        assert not isinstance(r, Exception) and r.status == 200, r
    stats = a.stats()
    assert stats["max_in_flight"] == 2, stats
    assert stats["request_connections"] == 2, stats
    assert stats["connections"] - stats["control_connections"] == 2, stats
