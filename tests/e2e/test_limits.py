"""Request limits: 431, 413, 408 and 400, each with the JSON error body, and the gateway keeps serving."""
import socket

import pytest

from helpers.definitions import proxy_api
from helpers.rawhttp import Conn, request

MAX_HEADER = 4096
MAX_BODY = 65536
HEADER_TIMEOUT_MS = 1000


@pytest.fixture
def gw(gantry, backend):
    a = backend("A")
    return gantry([proxy_api("limits", "/a", [a.url()])], config={
        "gateway.limits.max_header_bytes": MAX_HEADER,
        "gateway.limits.max_body_bytes": MAX_BODY,
        "gateway.timeouts.request_header_ms": HEADER_TIMEOUT_MS,
    })


def assert_error(r, status):
    assert r.status == status, r
    body = r.json()
    assert body["http_status_code"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert r.header("x-gravitee-request-id") and r.header("x-gravitee-transaction-id")


def assert_still_serving(gw):
    r = gw.get("/a/still-serving")
    assert r.status_code == 200 and r.json()["path"] == "/base/still-serving"


def test_headers_under_the_limit_pass(gw):
    with Conn(gw.port) as conn:
        conn.send(request("GET", "/a/x", headers=[("X-Filler", "f" * (MAX_HEADER // 2))]))
        r = conn.read_response()
    assert r.status == 200
    assert r.json()["headers"]["x-filler"] == ["f" * (MAX_HEADER // 2)]


@pytest.mark.parametrize("shape", ["one-huge-header", "many-headers", "huge-request-line"])
def test_headers_too_large_is_431(gw, shape):
    # gantry.example.yml: max_header_bytes covers the request line and the headers; larger -> 431.
    if shape == "one-huge-header":
        raw = request("GET", "/a/x", headers=[("X-Big", "b" * (2 * MAX_HEADER))])
    elif shape == "many-headers":
        raw = request("GET", "/a/x", headers=[(f"X-H{i}", "v" * 60) for i in range(2 * MAX_HEADER // 60)])
    else:
        raw = request("GET", "/a/x?q=" + "q" * (2 * MAX_HEADER))
    with Conn(gw.port) as conn:
        conn.send(raw)
        r = conn.read_response()
    assert_error(r, 431)
    assert_still_serving(gw)


def test_body_under_the_limit_passes(gw):
    body = b"x" * (MAX_BODY - 1)
    with gw.client() as c:
        r = c.post("/a/upload", content=body)
    assert r.status_code == 200 and r.json()["body_len"] == len(body)


def test_declared_body_too_large_is_413(gw):
    with Conn(gw.port) as conn:
        # Only the head is sent: the declared length alone must be enough to refuse.
        conn.send(request("POST", "/a/upload", headers=[("Content-Length", str(MAX_BODY + 1))]))
        r = conn.read_response()
    assert_error(r, 413)
    assert_still_serving(gw)


def test_chunked_body_too_large_is_413(gw):
    with Conn(gw.port) as conn:
        conn.send(request("POST", "/a/upload", headers=[("Transfer-Encoding", "chunked")]))
        chunk = b"%x\r\n%s\r\n" % (4096, b"c" * 4096)
        sent = 0
        try:
            # Slightly over the limit, then the terminator; a gateway that answers early may close on us.
            while sent <= MAX_BODY + 4096:
                conn.send(chunk)
                sent += 4096
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = conn.read_response()
    assert_error(r, 413)
    assert_still_serving(gw)


@pytest.mark.parametrize("partial", [b"GET /a/x HT", b"GET /a/x HTTP/1.1\r\nHost: gw.test\r\nX-Half: "],
                         ids=["half-request-line", "half-headers"])
def test_slow_client_gets_408_then_close(gw, slow, partial):
    with Conn(gw.port, timeout=10 * slow) as conn:
        conn.send(partial)
        r = conn.read_response()
        assert_error(r, 408)
        assert conn.closed_by_peer(), "the gateway kept the connection open after 408"
    assert_still_serving(gw)


def test_slow_client_does_not_block_others(gw, slow):
    stalled = [Conn(gw.port, timeout=10 * slow) for _ in range(4)]
    try:
        for conn in stalled:
            conn.send(b"GET /a/x HTTP/1.1\r\nHost: gw.test\r\n")
        assert_still_serving(gw)
    finally:
        for conn in stalled:
            conn.close()


@pytest.mark.parametrize("garbage", [
    b"THIS IS NOT HTTP AT ALL\r\n\r\n",
    b"GET /a/x HTTP/1.1\r\nHost: gw.test\r\nheader line without colon\r\n\r\n",
    b"GET /a/x HTTP/1.1\r\nHost: gw.test\r\nContent-Length: twelve\r\n\r\n",
    b"\x00\x01\x02\x03 / HTTP/1.1\r\n\r\n",
], ids=["not-http", "header-without-colon", "non-numeric-content-length", "binary-method"])
def test_malformed_request_is_400(gw, garbage):
    with Conn(gw.port) as conn:
        conn.send(garbage)
        r = conn.read_response()
    assert_error(r, 400)
    assert_still_serving(gw)


def test_client_vanishing_mid_body_does_not_hurt_the_gateway(gw):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", gw.port)) as s:
            s.sendall(request("POST", "/a/upload", headers=[("Content-Length", "5000")]) + b"partial")
    assert_still_serving(gw)
