"""Gravitee's connection-failure, connection-pool and client-abort definitions (http/connectionfailure,
http/api-*-wait-queue / api-mwq-*, http/clientabort), deployed unchanged except for the backend address, and
checked the way its ConnectionFailureV4, HttpProxyMaxWaitQueue(EdgeCases)V4 and ClientAbortPropagationV4
integration tests check them: the status the client gets, the response template that fires, the error key the
gateway reports (Gantry's access log carries it), and which requests reach the backend."""
import concurrent.futures
import socket
import threading
import time

import pytest

from helpers.gravitee import definition, with_changes
from helpers.scripted_backend import Answer, ScriptedBackend
from helpers.waiting import wait_until


@pytest.fixture
def scripted():
    server = ScriptedBackend()
    yield server
    server.close()


class SilentBackend:
    """Accepts connections and reads requests. The first request is answered only after `answer_first`, the
    others only after `answer_rest`: until then the backend stays silent."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests = []  # first line of each request received
        self.conns = []
        self._first = threading.Event()
        self._rest = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        data = b""
        try:
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                self.requests.append(head.split(b"\r\n")[0].decode())
                (self._first if len(self.requests) == 1 else self._rest).wait()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfast")
        except OSError:
            return

    def answer_first(self):
        self._first.set()

    def answer_rest(self):
        self._rest.set()

    def close(self):
        self._first.set()
        self._rest.set()
        self.server.close()
        for conn in self.conns:
            try:
                conn.close()
            except OSError:
                pass


@pytest.fixture
def silent():
    server = SilentBackend()
    yield server
    server.close()


def error_keys(gw, count):
    def errors():
        lines = [e for e in gw.json_lines() if e.get("status", 0) >= 500]
        return lines if len(lines) >= count else None

    return sorted(e.get("error_key") for e in wait_until(errors, 10, message=f"{count} error lines in the log"))


def concurrent_statuses(gw, path, count):
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return sorted(pool.map(lambda _: gw.get(path, timeout=30).status_code, range(count)))


# -- DNS failure, refused connection, reset, TLS handshake failure -------------------------------------------------

def test_dns_failure_answers_502(gantry):
    # The target host, nonexistent-backend.invalid, stays as it is: .invalid never resolves.
    gw = gantry([definition("http/connectionfailure/api-dns-failure.json")])
    response = gw.get("/test")
    assert response.status_code == 502


def test_refused_connection_falls_back_to_the_umbrella_template(gantry):
    # localhost:1 is kept (no backend given): nothing listens there. No template names the refused connection
    # itself, so its parent key GATEWAY_CLIENT_CONNECTION_ERROR picks the template, whose 503 and body show.
    gw = gantry([definition("http/connectionfailure/api-refused-with-umbrella-template.json")])
    response = gw.get("/test")
    assert (response.status_code, response.text) == (503, "umbrella template fired")


def test_connection_reset_by_the_backend_answers_502(gantry, scripted):
    # Gravitee's test deploys http/api.json with a wiremock fault that resets the connection.
    scripted.drop_connections = 100
    gw = gantry([definition("http/api.json", backend=scripted.origin)])
    assert gw.get("/test").status_code == 502


def test_dns_failure_reports_gravitees_error_key(gantry):
    gw = gantry([definition("http/connectionfailure/api-dns-failure.json")])
    assert gw.get("/test").status_code == 502
    assert error_keys(gw, 1) == ["GATEWAY_CLIENT_DNS_RESOLUTION_ERROR"]


def tls_api(backend_origin):
    return definition("http/connectionfailure/api-tls-handshake-with-template.json", backend=backend_origin)


def test_tls_handshake_failure_answers_502(gantry, backend, certs):
    # The backend's certificate is one the endpoint does not trust (trustAll is not set), as in Gravitee's test.
    b = backend("tls", cert=certs.backend)
    gw = gantry([tls_api(b.origin)])
    assert gw.get("/test", headers={"Accept": "application/json"}).status_code == 502


def test_tls_handshake_failure_renders_its_template(gantry, backend, certs):
    b = backend("tls", cert=certs.backend)
    gw = gantry([tls_api(b.origin)])
    response = gw.get("/test", headers={"Accept": "application/json"})
    assert response.status_code == 502
    error = response.json()["error"]
    assert (error["code"], error["status"], error["message"]) == ("GATEWAY_CLIENT_TLS_HANDSHAKE_ERROR", 502, "")
    assert error["detail"]  # the cause of the failure, not empty


# -- http/connectionfailure/api-tiny-pool.json: one connection, a silent backend -----------------------------------

def test_tiny_pool_every_request_times_out_with_504(gantry, silent):
    gw = gantry([definition("http/connectionfailure/api-tiny-pool.json", backend=f"http://127.0.0.1:{silent.port}")],
                config=ONE_THREAD)
    assert concurrent_statuses(gw, "/test", 3) == [504, 504, 504]
    # A request that held the connection timed out reading (GATEWAY_CLIENT_READ_TIMEOUT); one that was still queued
    # for it when connectTimeout ran out never reached the backend (GATEWAY_CLIENT_CONNECT_TIMEOUT).
    keys = error_keys(gw, 3)
    assert "GATEWAY_CLIENT_READ_TIMEOUT" in keys and "GATEWAY_CLIENT_CONNECT_TIMEOUT" in keys, keys
    assert len(silent.requests) == keys.count("GATEWAY_CLIENT_READ_TIMEOUT")


# -- maxWaitQueueSize ------------------------------------------------------------------------------------------------

# Gantry keeps one connection pool per gateway thread (no lock shared by the threads on the request path), so
# `maxConcurrentConnections` is per thread: with one thread these scenarios are Gravitee's exactly
# (docs/gravitee-compatibility.md, Differences).
ONE_THREAD = {"gateway.threads": 1}


def test_disabled_wait_queue_sheds_overflow_with_503(gantry, scripted):
    scripted.script("/endpoint", Answer(body="response from backend", delay_s=2))
    gw = gantry([definition("http/api-max-wait-queue.json", backend=scripted.origin)], config=ONE_THREAD)
    statuses = concurrent_statuses(gw, "/test", 5)
    assert 503 in statuses and 502 not in statuses
    assert statuses.count(200) == 1, statuses


@pytest.mark.parametrize("name, path", [
    ("http/api-mwq-unbounded.json", "/mwq-unbounded"),
    ("http/api-mwq-absent.json", "/mwq-absent"),
    ("http/api-mwq-null.json", "/mwq-null"),
])
def test_unbounded_wait_queue_serves_every_request(gantry, scripted, name, path):
    scripted.script("/endpoint", Answer(body="ok", delay_s=0.3))
    gw = gantry([definition(name, backend=scripted.origin)])
    assert concurrent_statuses(gw, path, 4) == [200] * 4


def test_bounded_wait_queue_serves_some_and_sheds_the_rest(gantry, scripted):
    scripted.script("/endpoint", Answer(body="ok", delay_s=1.5))
    gw = gantry([definition("http/api-mwq-bounded.json", backend=scripted.origin)], config=ONE_THREAD)
    statuses = concurrent_statuses(gw, "/mwq-bounded", 6)
    assert 200 in statuses and 503 in statuses, statuses


# -- http/clientabort/api-client-abort-single-connection.json ------------------------------------------------------

def open_request(gw, path):
    sock = socket.create_connection(("127.0.0.1", gw.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: gw\r\n\r\n".encode())
    return sock


def abort(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def long_read_timeout(api):
    # Without abort propagation the slot would come back only after readTimeout (8 s in the file); a long one
    # makes such a gateway hang this test instead of passing it late.
    api["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["http"]["readTimeout"] = 600000


def one_worker(gantry, api):
    return gantry([api], config=ONE_THREAD)


def test_aborting_an_in_flight_request_frees_the_single_connection(gantry, silent):
    api = with_changes(definition("http/clientabort/api-client-abort-single-connection.json",
                                  backend=f"http://127.0.0.1:{silent.port}"), long_read_timeout)
    gw = one_worker(gantry, api)
    first = open_request(gw, "/test")
    wait_until(lambda: len(silent.requests) == 1, 10, message="the first request at the backend")
    abort(first)
    silent.answer_rest()  # the probe is answered at once; the aborted call's connection stays silent
    response = gw.get("/test", timeout=20)
    assert (response.status_code, response.text) == (200, "fast")
    assert len(silent.requests) == 2


def test_aborting_a_queued_request_never_sends_it(gantry, silent):
    api = with_changes(definition("http/clientabort/api-client-abort-single-connection.json",
                                  backend=f"http://127.0.0.1:{silent.port}"), long_read_timeout)
    gw = one_worker(gantry, api)
    holder = open_request(gw, "/test")
    wait_until(lambda: len(silent.requests) == 1, 10, message="the first request at the backend")
    queued = open_request(gw, "/test")
    time.sleep(0.3)  # lets the gateway read it and queue it for the connection; not an assertion
    abort(queued)
    silent.answer_first()
    silent.answer_rest()
    assert holder.recv(4096).startswith(b"HTTP/1.1 200")
    holder.close()
    response = gw.get("/test", timeout=20)
    assert response.status_code == 200
    assert len(silent.requests) == 2  # the holder and the probe; the aborted one never reached the backend
