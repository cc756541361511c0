"""ip-filtering on a proxy API: blacklist, whitelist with CIDR ranges (IPv4 and IPv6), X-Forwarded-For."""
import socket

import httpx
import pytest

from helpers.definitions import proxy_api
from helpers.flows import http_flow, step


def filtered_api(backend_url, **configuration):
    return proxy_api("ipf", "/ipf", [backend_url],
                     flows=[http_flow("ip", request=[step("ip-filtering", configuration)])])


def test_blacklisted_client_gets_403(gantry, backend):
    a = backend("A")
    gw = gantry([filtered_api(a.url(), blacklistIps=["127.0.0.0/8"])])
    r = gw.get("/ipf")
    assert r.status_code == 403
    assert r.json() == {"message": "Your IP (127.0.0.1) or some proxies whereby your request pass through are not "
                                   "allowed to reach this resource.", "http_status_code": 403}
    assert a.stats()["requests"] == 0


def test_whitelist_with_cidr(gantry, backend):
    a = backend("A")
    gw = gantry([filtered_api(a.url(), whitelistIps=["10.0.0.0/8", "127.0.0.0/30"])])
    assert gw.get("/ipf").status_code == 200
    gw2 = gantry([filtered_api(a.url(), whitelistIps=["10.0.0.0/8", "::1"])])
    assert gw2.get("/ipf").status_code == 403


def test_x_forwarded_for_is_checked_when_asked(gantry, backend):
    a = backend("A")
    gw = gantry([filtered_api(a.url(), blacklistIps=["192.168.0.0/16"], matchAllFromXForwardedFor=True)])
    assert gw.get("/ipf", headers={"X-Forwarded-For": "10.1.1.1"}).status_code == 200
    assert gw.get("/ipf", headers={"X-Forwarded-For": "10.1.1.1, 192.168.1.9"}).status_code == 403
    plain = gantry([filtered_api(a.url(), blacklistIps=["192.168.0.0/16"])])
    assert plain.get("/ipf", headers={"X-Forwarded-For": "192.168.1.9"}).status_code == 200


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback on this machine")
def test_ipv6_client(gantry, backend):
    a = backend("A")
    config = {"gateway.host": "::"}  # dual-stack: the start-up probe connects over IPv4
    gw = gantry([filtered_api(a.url(), whitelistIps=["::1/128"])], config=config)
    with httpx.Client(base_url=f"http://[::1]:{gw.port}", trust_env=False) as c:
        assert c.get("/ipf").status_code == 200
    gw2 = gantry([filtered_api(a.url(), blacklistIps=["::1"])], config=config)
    with httpx.Client(base_url=f"http://[::1]:{gw2.port}", trust_env=False) as c:
        r = c.get("/ipf")
    assert r.status_code == 403
    assert "(::1)" in r.json()["message"]
