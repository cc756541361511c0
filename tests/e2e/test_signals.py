"""SIGTERM drains in-flight requests and exits 0; SIGHUP reloads apis.dir under load without a failed request."""
import signal
import socket
import threading
import time

import httpx
import pytest

from helpers.definitions import proxy_api
from helpers.waiting import wait_until


def test_sigterm_drains_in_flight_request_and_refuses_new_connections(gantry, backend, slow):
    a = backend("A")
    gw = gantry([proxy_api("drain", "/d", [a.url()])])
    outcome = {}

    def in_flight():
        try:
            with httpx.Client(trust_env=False, timeout=30 * slow) as c:
                outcome["response"] = c.get(gw.url("/d/slow/2000"))
        except Exception as e:  # reported below with the gateway log
            outcome["error"] = repr(e)

    worker = threading.Thread(target=in_flight)
    worker.start()
    time.sleep(0.3)
    gw.proc.send_signal(signal.SIGTERM)
    gw.stopped = True
    time.sleep(0.3)
    refused = False
    try:
        socket.create_connection(("127.0.0.1", gw.port), timeout=2).close()
    except ConnectionRefusedError:
        refused = True
    still_draining = gw.running()
    worker.join(30 * slow)
    assert "error" not in outcome, f"in-flight request failed: {outcome.get('error')}\n{gw.tail()}"
    r = outcome["response"]
    assert r.status_code == 200 and r.json()["path"] == "/base/slow/2000"
    assert still_draining, "the gateway exited before its in-flight request finished"
    assert refused, "a new connection was accepted after SIGTERM"
    assert gw.proc.wait(30 * slow) == 0, gw.tail()


def test_sigterm_when_idle_exits_0(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("idle", "/i", [a.url()])])
    assert gw.get("/i/x").status_code == 200
    gw.stop(expect_code=0)


class Load:
    """Clients hammering the gateway in the background: one reuses its connection, one opens a new one each
    time. Every answer is recorded; anything but a 200 from a known backend is a failure."""

    def __init__(self, gw, path, slow):
        self.gw, self.path, self.slow = gw, path, slow
        self.results = []
        self.failures = []
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(reuse,)) for reuse in (True, False)]

    def run(self, reuse):
        limits = httpx.Limits() if reuse else httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(trust_env=False, timeout=10 * self.slow, limits=limits) as c:
            while not self.stop_event.is_set():
                try:
                    r = c.get(self.gw.url(self.path))
                    if r.status_code != 200:
                        self.failures.append(f"{r.status_code} {r.text[:200]}")
                    else:
                        self.results.append(r.json()["backend"])
                except Exception as e:
                    self.failures.append(repr(e))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for t in self.threads:
            t.join(30)


def test_sighup_reload_under_load_fails_no_request(gantry, backend, slow):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("reloaded", "/r", [a.url()])])
    with Load(gw, "/r/x", slow) as load:
        wait_until(lambda: len(load.results) >= 20, 10 * slow, message="load to get going")
        gw.write_api(proxy_api("reloaded", "/r", [b.url()]))
        gw.write_api(proxy_api("added", "/new", [a.url()]))
        gw.reload()
        wait_until(lambda: gw.get("/r/x").json()["backend"] == "B", 10 * slow, message="/r to move to B")
        seen = len(load.results)
        wait_until(lambda: len(load.results) >= seen + 20, 10 * slow, message="more load after the reload")
    assert load.failures == [], f"{len(load.failures)} failed requests, first: {load.failures[:3]}\n{gw.tail()}"
    assert load.results[0] == "A" and load.results[-1] == "B"
    r = gw.get("/new/y")
    assert r.status_code == 200 and r.json()["backend"] == "A"


def test_sighup_request_in_flight_finishes_on_old_snapshot(gantry, backend, slow):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("snap", "/s", [a.url()])])
    outcome = {}

    def in_flight():
        with httpx.Client(trust_env=False, timeout=30 * slow) as c:
            outcome["response"] = c.get(gw.url("/s/slow/1500"))

    worker = threading.Thread(target=in_flight)
    worker.start()
    time.sleep(0.3)
    gw.write_api(proxy_api("snap", "/s", [b.url()]))
    gw.reload()
    wait_until(lambda: gw.get("/s/x").json()["backend"] == "B", 10 * slow, message="/s to move to B")
    worker.join(30 * slow)
    r = outcome["response"]
    assert r.status_code == 200 and r.json()["backend"] == "A"


def test_sighup_with_invalid_definition_keeps_previous_version(gantry, backend, slow):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("keeper", "/v", [a.url()])])
    assert gw.get("/v/x").json()["backend"] == "A"
    mark = gw.log_size()
    broken = proxy_api("keeper", "/v", [b.url()])
    broken["listeners"][0]["entrypoints"][0]["type"] = "no-such-entrypoint"
    gw.write_api(broken)
    gw.write_api(proxy_api("sibling", "/sib", [b.url()]))  # a valid change in the same reload still applies
    gw.reload()
    wait_until(lambda: gw.get("/sib/x").status_code == 200, 10 * slow, message="the valid sibling to deploy")
    wait_until(lambda: "keeper.json" in gw.log_since(mark), 5 * slow,
               message="the log to report the invalid keeper.json")
    with gw.client() as c:
        for _ in range(5):
            r = c.get("/v/x")
            assert r.status_code == 200 and r.json()["backend"] == "A"


@pytest.mark.parametrize("content", ["{ this is not json", ""])
def test_sighup_with_malformed_file_keeps_previous_version(gantry, backend, slow, content):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("garbled", "/g", [a.url()])])
    mark = gw.log_size()
    gw.write_file("garbled.json", content)
    gw.write_api(proxy_api("marker", "/m", [b.url()]))
    gw.reload()
    wait_until(lambda: gw.get("/m/x").status_code == 200, 10 * slow, message="the marker API to deploy")
    wait_until(lambda: "garbled.json" in gw.log_since(mark), 5 * slow,
               message="the log to report garbled.json")
    r = gw.get("/g/x")
    assert r.status_code == 200 and r.json()["backend"] == "A"


def test_sighup_removed_file_undeploys_the_api(gantry, backend, slow):
    a = backend("A")
    gw = gantry([proxy_api("leaving", "/l", [a.url()]), proxy_api("staying", "/st", [a.url()])])
    assert gw.get("/l/x").status_code == 200
    gw.remove_api("leaving.json")
    gw.reload()
    wait_until(lambda: gw.get("/l/x").status_code == 404, 10 * slow, message="/l to be undeployed")
    assert gw.get("/st/x").status_code == 200
