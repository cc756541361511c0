"""TLS on the gateway listener, and https backends with the endpoint's ssl options."""
import socket

import pytest

from helpers.definitions import proxy_api


def test_https_listener_routes_like_http(gantry, backend, certs):
    a = backend("A")
    gw = gantry([proxy_api("tls", "/a", [a.url()])],
                config={"gateway.tls.cert": certs.gateway.cert, "gateway.tls.key": certs.gateway.key})
    with gw.client(verify=certs.gateway.cert) as c:
        r = c.get("/a/x?q=1")
        assert r.status_code == 200
        echo = r.json()
        assert (echo["path"], echo["query"], echo["backend"]) == ("/base/x", "q=1", "A")
        assert echo["headers"]["x-forwarded-proto"] == ["https"]
        assert r.headers["x-gravitee-request-id"]
        r = c.get("/nowhere")
        assert r.status_code == 404
        assert r.json() == {"message": "No context-path matches the request URI.", "http_status_code": 404}
        # Several requests on the one TLS connection.
        assert [c.get(f"/a/k{i}").json()["path"] for i in range(3)] == ["/base/k0", "/base/k1", "/base/k2"]


def test_https_listener_survives_a_plaintext_client(gantry, backend, certs):
    a = backend("A")
    gw = gantry([proxy_api("tls", "/a", [a.url()])],
                config={"gateway.tls.cert": certs.gateway.cert, "gateway.tls.key": certs.gateway.key})
    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as s:
        s.sendall(b"GET /a/x HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            s.recv(1024)
        except (ConnectionResetError, TimeoutError):
            pass
    with gw.client(verify=certs.gateway.cert) as c:
        assert c.get("/a/x").status_code == 200


def https_api(tls_backend, ssl):
    return proxy_api("to-https", "/t", [tls_backend.url()], ssl=ssl)


def test_https_backend_with_trust_all(gantry, backend, certs):
    b = backend("T", cert=certs.backend)
    gw = gantry([https_api(b, {"trustAll": True})])
    r = gw.get("/t/x")
    assert r.status_code == 200 and r.json()["backend"] == "T" and r.json()["path"] == "/base/x"


def test_https_backend_with_pem_trust_store_without_hostname_check(gantry, backend, certs):
    b = backend("T", cert=certs.backend)
    gw = gantry([https_api(b, {"trustStore": {"type": "PEM", "content": certs.backend.pem},
                               "hostnameVerifier": False})])
    r = gw.get("/t/x")
    assert r.status_code == 200 and r.json()["backend"] == "T"


def test_https_backend_with_pem_trust_store_and_hostname_mismatch_is_502(gantry, backend, certs):
    # The backend certificate names backend.invalid, the target says 127.0.0.1.
    b = backend("T", cert=certs.backend)
    gw = gantry([https_api(b, {"trustStore": {"type": "PEM", "content": certs.backend.pem},
                               "hostnameVerifier": True})])
    r = gw.get("/t/x")
    assert r.status_code == 502
    assert r.json()["http_status_code"] == 502


def test_https_backend_with_the_wrong_trust_store_is_502(gantry, backend, certs):
    b = backend("T", cert=certs.backend)
    gw = gantry([https_api(b, {"trustStore": {"type": "PEM", "content": certs.stranger.pem},
                               "hostnameVerifier": False})])
    r = gw.get("/t/x")
    assert r.status_code == 502
    assert r.json()["http_status_code"] == 502


def test_https_backend_without_ssl_options_is_502(gantry, backend, certs):
    b = backend("T", cert=certs.backend)
    gw = gantry([https_api(b, None)])
    r = gw.get("/t/x")
    assert r.status_code == 502
    body = r.json()
    assert body["http_status_code"] == 502 and body["message"]
    # A failed handshake leaves the gateway healthy.
    r = gw.get("/nowhere")
    assert r.status_code == 404


@pytest.mark.parametrize("trust", ["trustAll", "pem"])
def test_https_backend_keeps_serving_many_requests(gantry, backend, certs, trust):
    b = backend("T", cert=certs.backend)
    ssl = {"trustAll": True} if trust == "trustAll" else {
        "trustStore": {"type": "PEM", "content": certs.backend.pem}, "hostnameVerifier": False}
    gw = gantry([https_api(b, ssl)])
    with gw.client() as c:
        for i in range(20):
            r = c.post(f"/t/n{i}", content=b"z" * 1000 * i)
            assert r.status_code == 200 and r.json()["body_len"] == 1000 * i
