"""Gravitee's plain proxy definitions under http/ (api.json and its variants, endpoint Host header, POST bodies,
SSE through a proxy, tenants, latency, tracing, API products, servers, secrets), deployed unchanged except for
the backend address, and checked the way Gravitee's EndpointHostHeader, HttpPostProxy, SSEProxy, tenant,
request-timeout, API product and multi-server integration tests check them, as far as Gantry has the feature."""

import json
import subprocess

import httpx
import pytest

from helpers.gravitee import definition
from helpers.scripted_backend import Answer, ScriptedBackend
from helpers.waiting import wait_until


@pytest.fixture
def scripted():
    server = ScriptedBackend()
    yield server
    server.close()


# -- http/api.json and the endpoint's Host header ------------------------------------------------------------------

HOST_ECHO = Answer(body="Host header was: {host}")


def test_api_json_proxies_to_the_endpoint_with_the_targets_host(gantry, scripted):
    scripted.script("/endpoint", HOST_ECHO)
    gw = gantry([definition("http/api.json", backend=scripted.origin)])
    response = gw.get("/test", headers={"Host": "my.api.com"})
    assert response.status_code == 200
    # Without propagateClientHost the backend sees its own address, as the target names it.
    assert response.text == f"Host header was: 127.0.0.1:{scripted.port}"


def test_propagate_client_host_sends_the_clients_host(gantry, scripted):
    scripted.script("/endpoint", HOST_ECHO)
    gw = gantry([definition("http/endpointhostheader/api-with-propagateClientHost-endpoint-option.json",
                            backend=scripted.origin)])
    response = gw.get("/test", headers={"Host": "my.api.com"})
    assert (response.status_code, response.text) == (200, "Host header was: my.api.com")


# -- http/post: the request body reaches the backend ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["http/post/api-endpoint-http11.json", "http/post/api-endpoint-http2.json"])
def test_post_body_is_proxied(gantry, scripted, name):
    # api-endpoint-http2.json asks for HTTP/2 to the backend. Gantry speaks HTTP/1.1 to backends and says so
    # with a warning at deploy (documented under Differences); the body arrives all the same.
    scripted.script("/endpoint", Answer(body="OK"))
    gw = gantry([definition(name, backend=scripted.origin)])
    with gw.client() as c:
        response = c.post("/test", content=b"foobar")
    assert (response.status_code, response.text) == (200, "OK")
    (seen,) = scripted.requests_to("/endpoint")
    assert (seen.method, seen.body) == ("POST", b"foobar")


def test_post_chunked_body_is_proxied(gantry, scripted):
    # Gravitee's client streams the body (no Content-Length); so does this one.
    scripted.script("/endpoint", Answer(body="OK"))
    gw = gantry([definition("http/post/api-endpoint-http11.json", backend=scripted.origin)])
    with gw.client() as c:
        response = c.post("/test", content=iter([b"foo", b"bar"]))
    assert (response.status_code, response.text) == (200, "OK")
    assert [s.body for s in scripted.requests_to("/endpoint")] == [b"foobar"]


# -- http/sse: an SSE stream from the gateway's own mock API, proxied ---------------------------------------------

def established_to(port):
    """Established TCP connections whose local port is `port` (the server side of the gateway's sockets)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def test_sse_is_proxied_and_the_backend_connection_closes_with_the_client(gantry):
    gw = gantry(start=False)
    gw.write_api(definition("http/sse/api-mock-sse-backend.json"))
    gw.write_api(definition("http/sse/api-sse-proxy.json", ports={"GATEWAY_HTTP": gw.port}))
    gw.start()
    with httpx.Client(base_url=gw.base_url, trust_env=False, timeout=10) as c:
        with c.stream("GET", "/test", headers={"Accept": "text/event-stream"}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            data = []
            connections = 0
            for line in response.iter_lines():
                if line.startswith("data:"):
                    data.append(line[5:].strip())
                if len(data) == 3:
                    # While the client reads: its own connection and the proxy's to the SSE API, both ending on
                    # the gateway's port. (Leaving the loop closes the client's connection: httpx drops a
                    # response it stopped reading.)
                    connections = established_to(gw.port)
                    break
            assert len(data) == 3 and all(d.startswith("mock data") for d in data), data
            assert connections >= 2, connections
    # Once the client is gone, the gateway closes its connection to the SSE backend too.
    wait_until(lambda: established_to(gw.port) == 0, 10, message="the proxied SSE connection to close")


# -- http/tenants/api-v4-with-tenants.json -------------------------------------------------------------------------

def test_tenant_gateway_uses_only_its_tenants_endpoints(gantry, scripted):
    gw = gantry([definition("http/tenants/api-v4-with-tenants.json", backend=scripted.origin)],
                config={"gateway.tenant": "tenant-1"})
    for _ in range(2):
        assert gw.get("/test").status_code == 200
    assert (len(scripted.requests_to("/echo")), len(scripted.requests_to("/whoami"))) == (2, 0)


# -- latency, tracing, API products, servers ------------------------------------------------------------------------

def test_latency_policy_api_is_proxied(gantry, scripted):
    # Gravitee's test pairs this file with the gateway-wide http.requestTimeout (504 "Request timeout" when the
    # latency step outlasts it); Gantry has no gateway-wide request timeout, so only the proxying is checked.
    scripted.script("/endpoint", Answer(body="response from backend"))
    gw = gantry([definition("http/api-latency.json", backend=scripted.origin)])
    response = gw.get("/test-latency")
    assert (response.status_code, response.text) == (200, "response from backend")


def test_tracing_api_is_proxied(gantry, scripted):
    # Tracing (OpenTelemetry spans) is Gravitee's; the definition itself, a POST flow with latency steps on the
    # request and the response, runs as written.
    scripted.script("/endpoint", Answer(body="response from backend"))
    gw = gantry([definition("http/api-tracing.json", backend=scripted.origin)])
    with gw.client() as c:
        response = c.post("/test", content=b"traced")
    assert (response.status_code, response.text) == (200, "response from backend")
    assert [s.body for s in scripted.requests_to("/endpoint")] == [b"traced"]


def test_api_product_member_apis_are_each_proxied(gantry, scripted):
    # API products (plans shared across APIs) are Gravitee-only; the three member APIs are plain proxies.
    names = ["http/api-product/api-1.json", "http/api-product/api-2.json", "http/api-product/api-3.json"]
    gw = gantry([definition(name, backend=scripted.origin) for name in names])
    for i in (1, 2, 3):
        response = gw.get(f"/test-{i}/x")
        assert response.status_code == 200
        assert response.json()["path"] == "/endpoint/x"
    assert len(scripted.requests_to("/endpoint/x")) == 3


def test_single_server_api_is_served_by_gantrys_one_server(gantry, scripted):
    # The listener names the server "second"; Gravitee serves it only there (404 on the first server). Gantry
    # has one HTTP server, and serves it there (documented under Differences).
    scripted.script("/endpoint", Answer(body="response from backend"))
    gw = gantry([definition("http/api-single-server.json", backend=scripted.origin)])
    response = gw.get("/test")
    assert (response.status_code, response.text) == (200, "response from backend")


# -- http/secrets: endpoint headers that read a secret --------------------------------------------------------------
# Gravitee resolves {#secrets.get(...)} from a secret provider (Vault, Kubernetes) its test starts; Gantry has no
# secret providers. What any gateway owes the backend is that the expression itself is never sent as the value.
# (api-secured-jks-password-secret-static-ref.json puts the secret in a TLS key store instead: it needs an HTTPS
# backend requiring a client certificate whose key lives in Vault, so it has no test here.)

@pytest.mark.parametrize("name", [
    "http/secrets/api-with-secrets.json",
    "http/secrets/k8s/api-el-key-ref.json",
    "http/secrets/k8s/api-el-ref.json",
    "http/secrets/k8s/api-static-ref.json",
    "http/secrets/vault/api-el-key-ref.json",
    "http/secrets/vault/api-el-ref.json",
    "http/secrets/vault/api-static-ref.json",
])
def test_secret_references_are_refused_at_deploy(gantry_bin, tmp_path, scripted, name):
    # A deliberate difference (docs/gravitee-compatibility.md): without a secret provider the expression would go
    # to the backend as the credential itself; Gantry refuses the definition, naming where the reference is.
    api = definition(name, backend=scripted.origin)
    path = tmp_path / "secret.json"
    path.write_text(json.dumps(api))
    check = subprocess.run([gantry_bin, "check", str(path)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 1, check.stdout + check.stderr
    out = check.stdout + check.stderr
    assert "need a secret provider" in out
    assert "$.endpointGroups[0]" in out, out
    assert not scripted.seen