"""retry on a proxy API: the backend is called again while the condition holds or the call fails, up to
maxRetries more times; then 502, or the last response with lastResponse. The request body is sent each time."""
import uuid

from helpers.definitions import proxy_api
from helpers.flows import http_flow, step


def retrying(backend, **config):
    conf = {"condition": "{#response.status >= 500}", "maxRetries": 3, "delay": 10, "timeout": 5000}
    conf.update(config)
    return proxy_api("rt", "/rt", [backend.url()], flows=[http_flow("f", request=[step("retry", conf)])])


def test_retries_until_the_condition_no_longer_holds(gantry, backend):
    a = backend("A")
    gw = gantry([retrying(a)])
    r = gw.client().post("/rt/flaky/2", params={"key": uuid.uuid4().hex}, content=b"the body")
    assert r.status_code == 200
    assert r.json() == {"attempt": 3, "body": "the body"}
    assert a.stats()["requests"] == 3


def test_gives_up_with_502_after_max_retries(gantry, backend):
    a = backend("A")
    gw = gantry([retrying(a, maxRetries=2)])
    r = gw.get("/rt/flaky/10", params={"key": uuid.uuid4().hex})
    assert r.status_code == 502
    assert a.stats()["requests"] == 3


def test_last_response_is_sent_when_asked(gantry, backend):
    a = backend("A")
    gw = gantry([retrying(a, maxRetries=1, lastResponse=True)])
    r = gw.get("/rt/flaky/10", params={"key": uuid.uuid4().hex})
    assert r.status_code == 503
    assert r.json()["attempt"] == 2


def test_a_slow_backend_is_a_failure_after_timeout(gantry, backend):
    a = backend("A")
    gw = gantry([retrying(a, maxRetries=1, timeout=200, condition="{false}")])
    r = gw.get("/rt/slow/3000")
    assert r.status_code == 502
    assert a.stats()["requests"] == 2
