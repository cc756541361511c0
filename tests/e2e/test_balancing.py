"""Endpoint groups: load balancers, secondary endpoints, failover with a killed backend, health checks."""
import collections

import pytest

from helpers.definitions import FAILOVER, endpoint, health_check, proxy_api
from helpers.gateway import free_port
from helpers.waiting import wait_until


def served_by(gw, path, n):
    with gw.client() as c:
        names = []
        for _ in range(n):
            r = c.get(path)
            assert r.status_code == 200, r.text
            names.append(r.json()["backend"])
        return names


@pytest.mark.parametrize("lb", ["ROUND_ROBIN", "round-robin"])
def test_round_robin_alternates(gantry, backend, lb):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("rr", "/lb", [a.url(), b.url()], lb=lb)])
    names = served_by(gw, "/lb/x", 10)
    assert collections.Counter(names) == {"A": 5, "B": 5}
    assert all(x != y for x, y in zip(names, names[1:])), names


@pytest.mark.parametrize("lb", ["WEIGHTED_ROUND_ROBIN", "weighted-round-robin"])
def test_weighted_round_robin_follows_weights(gantry, backend, lb):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("wrr", "/lb", [endpoint(a.url(), "ea", weight=3), endpoint(b.url(), "eb", weight=1)],
                           lb=lb)])
    names = served_by(gw, "/lb/x", 40)
    assert collections.Counter(names) == {"A": 30, "B": 10}, names


@pytest.mark.parametrize("lb", ["RANDOM", "random"])
def test_random_uses_every_endpoint(gantry, backend, lb):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("rnd", "/lb", [a.url(), b.url()], lb=lb)])
    assert set(served_by(gw, "/lb/x", 40)) == {"A", "B"}


def test_weighted_random_favours_the_heavier_endpoint(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("wrnd", "/lb", [endpoint(a.url(), "ea", weight=3), endpoint(b.url(), "eb", weight=1)],
                           lb="WEIGHTED_RANDOM")])
    counts = collections.Counter(served_by(gw, "/lb/x", 100))
    # Binomial(100, 0.75): both bounds fail with probability below 1e-8.
    assert counts["B"] > 0 and counts["A"] > counts["B"], counts


def test_secondary_serves_when_primary_is_down(gantry, backend):
    s = backend("S")
    dead = f"http://127.0.0.1:{free_port()}/base"
    gw = gantry([proxy_api("sec", "/sec", [endpoint(dead, "primary"), endpoint(s.url(), "secondary", secondary=True)],
                           failover=FAILOVER)])
    assert served_by(gw, "/sec/x", 10) == ["S"] * 10


def test_secondary_gets_nothing_while_primary_is_healthy(gantry, backend):
    p, s = backend("P"), backend("S")
    gw = gantry([proxy_api("sec", "/sec", [endpoint(p.url(), "primary"),
                                          endpoint(s.url(), "secondary", secondary=True)],
                           failover=FAILOVER)])
    assert served_by(gw, "/sec/x", 10) == ["P"] * 10
    assert s.stats()["requests"] == 0


def test_failover_when_a_backend_is_killed(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("fo", "/fo", [endpoint(a.url(), "ea"), endpoint(b.url(), "eb")], failover=FAILOVER)])
    assert set(served_by(gw, "/fo/x", 4)) == {"A", "B"}
    a.kill()
    # Every request after the kill must still succeed (served_by asserts 200 on each).
    assert served_by(gw, "/fo/x", 20) == ["B"] * 20


def test_failover_with_fresh_connections(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("fo", "/fo", [endpoint(a.url(), "ea"), endpoint(b.url(), "eb")], failover=FAILOVER)])
    assert gw.get("/fo/x").status_code == 200
    a.kill()
    for _ in range(10):
        r = gw.get("/fo/x")  # a new client connection each time
        assert r.status_code == 200 and r.json()["backend"] == "B"


def test_health_check_takes_endpoint_out_and_back(gantry, backend, slow):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("hc", "/hc", [endpoint(a.url(), "ea"), endpoint(b.url(), "eb")],
                           services=health_check())])
    assert set(served_by(gw, "/hc/x", 4)) == {"A", "B"}
    wait_until(lambda: a.stats()["health_hits"] > 0, 10 * slow, message="the health check to probe A")

    a.set_health(503)
    wait_until(lambda: served_by(gw, "/hc/x", 10) == ["B"] * 10, 20 * slow, interval_s=0.5,
               message="all traffic to go to B once A is unhealthy")
    # Once out, A stays out.
    assert served_by(gw, "/hc/x", 10) == ["B"] * 10

    a.set_health(200)
    wait_until(lambda: "A" in served_by(gw, "/hc/x", 4), 20 * slow, interval_s=0.5,
               message="A to get traffic again once healthy")
