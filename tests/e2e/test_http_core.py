"""HTTP/1.1 done right at the gateway: ids, keep-alive, pipelining, chunked bodies, 100-continue, HEAD, close."""
import hashlib
import json

import pytest

from helpers import pattern
from helpers.definitions import proxy_api
from helpers.rawhttp import Conn, chunked, request


@pytest.fixture
def gw(gantry, backend):
    a = backend("A")
    return gantry([proxy_api("core", "/a", [a.url("/base")])], config={"gateway.limits.max_body_bytes": 65536})


def test_ids_on_proxied_response_and_sent_to_backend(gw):
    r = gw.get("/a/x")
    assert r.status_code == 200
    tx, rid = r.headers.get("x-gravitee-transaction-id"), r.headers.get("x-gravitee-request-id")
    assert tx and rid
    seen = r.json()["headers"]
    assert seen.get("x-gravitee-transaction-id") == [tx]
    assert seen.get("x-gravitee-request-id") == [rid]


def test_incoming_transaction_id_is_kept(gw):
    r = gw.get("/a/x", headers={"X-Gravitee-Transaction-Id": "my-own-tx-42"})
    assert r.headers["x-gravitee-transaction-id"] == "my-own-tx-42"
    assert r.json()["headers"]["x-gravitee-transaction-id"] == ["my-own-tx-42"]
    assert r.headers["x-gravitee-request-id"] and r.headers["x-gravitee-request-id"] != "my-own-tx-42"


def test_request_ids_are_unique(gw):
    with gw.client() as c:
        ids = [c.get("/a/x").headers["x-gravitee-request-id"] for _ in range(20)]
        ids += [c.get("/nowhere").headers["x-gravitee-request-id"] for _ in range(5)]
    assert len(set(ids)) == len(ids)


def test_ids_on_404(gw):
    r = gw.get("/nowhere", headers={"X-Gravitee-Transaction-Id": "tx-404"})
    assert r.status_code == 404
    assert r.headers["x-gravitee-transaction-id"] == "tx-404"
    assert r.headers["x-gravitee-request-id"]


def test_keep_alive_serves_several_requests_on_one_connection(gw):
    with Conn(gw.port) as conn:
        for i in range(5):
            conn.send(request("GET", f"/a/k{i}"))
            r = conn.read_response()
            assert r.status == 200
            assert r.json()["path"] == f"/base/k{i}"
            assert conn.still_open(), f"connection closed after request {i}"
        # A 404 is an answer like any other: the connection stays usable.
        conn.send(request("GET", "/nowhere"))
        assert conn.read_response().status == 404
        conn.send(request("GET", "/a/after-404"))
        assert conn.read_response().json()["path"] == "/base/after-404"


def test_keep_alive_with_httpx_client(gw):
    with gw.client() as c:
        paths = [c.get(f"/a/h{i}").json()["path"] for i in range(10)]
    assert paths == [f"/base/h{i}" for i in range(10)]


def test_pipelined_requests_are_answered_in_order(gw):
    # The first is slow so that answering in completion order rather than request order would show.
    batch = request("GET", "/a/slow/300") + request("GET", "/a/p2?n=2") + request("GET", "/a/p3")
    with Conn(gw.port) as conn:
        conn.send(batch)
        responses = [conn.read_response() for _ in range(3)]
    assert [r.status for r in responses] == [200, 200, 200]
    assert [r.json()["path"] for r in responses] == ["/base/slow/300", "/base/p2", "/base/p3"]
    assert responses[1].json()["query"] == "n=2"
    ids = [r.header("x-gravitee-request-id") for r in responses]
    assert all(ids) and len(set(ids)) == 3


def test_chunked_request_body_reaches_backend_intact(gw):
    parts = [bytes([i]) * (1000 + i * 37) for i in range(30)]  # 46 095 bytes, under the 64 KiB limit
    body = b"".join(parts)

    def gen():
        yield from parts

    with gw.client() as c:
        r = c.post("/a/upload", content=gen())
    assert r.status_code == 200
    assert r.json()["body_len"] == len(body)
    assert r.json()["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_raw_chunked_request_with_extensions_and_trailer(gw):
    body = chunked(b"hello ", b"chunked ", b"world")
    body = body.replace(b"6\r\n", b"6;ext=1\r\n", 1).replace(b"0\r\n\r\n", b"0\r\nX-Checksum: abc\r\n\r\n")
    with Conn(gw.port) as conn:
        conn.send(request("POST", "/a/upload", headers=[("Transfer-Encoding", "chunked")], body=body))
        r = conn.read_response()
    assert r.status == 200
    assert r.json()["body_len"] == len(b"hello chunked world")
    assert r.json()["body_sha256"] == hashlib.sha256(b"hello chunked world").hexdigest()


def test_chunked_response_reaches_client_intact(gw):
    n = 1_000_003
    with Conn(gw.port) as conn:
        conn.send(request("GET", f"/a/bytes/{n}"))
        r = conn.read_response()
        assert r.status == 200
        assert len(r.body) == n
        assert r.body == pattern.expected(0, n)
        conn.send(request("GET", "/a/after"))  # the framing ended where it should: the next answer parses
        assert conn.read_response().json()["path"] == "/base/after"


def test_expect_100_continue(gw):
    body = b"hello world"
    with Conn(gw.port) as conn:
        conn.send(request("POST", "/a/upload", headers=[("Content-Length", str(len(body))),
                                                         ("Expect", "100-continue")]))
        interim = conn.read_response()  # the body is not sent until the gateway says so
        assert interim.status == 100
        conn.send(body)
        final = conn.read_response()
        while final.status == 100:
            final = conn.read_response()
    assert final.status == 200
    assert final.json()["body_len"] == len(body)
    assert final.json()["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_expect_100_continue_with_too_large_body_is_413_without_continue(gw):
    with Conn(gw.port) as conn:
        conn.send(request("POST", "/a/upload", headers=[("Content-Length", str(65536 + 1)),
                                                         ("Expect", "100-continue")]))
        r = conn.read_response()
    assert r.status == 413
    assert r.json()["http_status_code"] == 413
    assert r.json()["message"]
    assert gw.get("/a/ok").status_code == 200


def test_head_has_the_headers_of_get_and_no_body(gw):
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/a/static/1234"))
        got = conn.read_response()
        conn.send(request("HEAD", "/a/static/1234"))
        head = conn.read_response("HEAD")
        assert head.status == got.status == 200
        assert head.header("content-length") == got.header("content-length") == "1234"
        assert head.header("content-type") == got.header("content-type")
        # No body bytes may follow a HEAD answer: the next response must start right away.
        conn.send(request("GET", "/a/static/1234"))
        again = conn.read_response()
        assert again.status == 200
        assert again.body == pattern.expected(0, 1234)


def test_head_of_404(gw):
    with Conn(gw.port) as conn:
        conn.send(request("HEAD", "/nowhere"))
        r = conn.read_response("HEAD")
        assert r.status == 404
        conn.send(request("GET", "/a/next"))
        assert conn.read_response().json()["path"] == "/base/next"


def test_connection_close_is_honoured(gw):
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/a/bye", headers=[("Connection", "close")]))
        r = conn.read_response()
        assert r.status == 200
        assert "close" in (r.header("connection") or "").lower()
        assert conn.closed_by_peer(), "the gateway kept the socket open after Connection: close"


def test_methods_and_bodies_pass_through(gw):
    with gw.client() as c:
        for method in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            body = f"payload for {method}".encode()
            r = c.request(method, "/a/m", content=body)
            assert r.status_code == 200, method
            echo = r.json()
            assert (echo["method"], echo["body_len"], echo["body_sha256"]) == \
                (method, len(body), hashlib.sha256(body).hexdigest())


def test_backend_status_and_headers_pass_through(gw):
    with gw.client() as c:
        r = c.get("/a/status/418")
        assert r.status_code == 418
        assert r.headers["x-backend-name"] == "A"
        assert json.loads(r.text)["backend"] == "A"  # the backend's body, not a gateway error body
        r = c.get("/a/status/500")
        assert r.status_code == 500 and r.json()["backend"] == "A"
        r = c.get("/a/status/204")
        assert r.status_code == 204 and r.content == b""
        assert c.get("/a/after-204").status_code == 200
