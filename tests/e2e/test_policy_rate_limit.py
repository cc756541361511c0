"""rate-limit, quota and spike-arrest on a proxy API: 429 after the limit, Gravitee's headers and error body, keys,
and one limit shared by two gateway processes through Redis (`ratelimit.type: redis`)."""
import os
import time

import pytest

from helpers.definitions import proxy_api
from helpers.flows import http_flow, rate_limit


def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        env_file = os.path.join(os.path.dirname(__file__), "..", "..", "build", "services.env")
        if os.path.exists(env_file):
            for line in open(env_file):
                if line.startswith("REDIS_URL="):
                    url = line.strip().split("=", 1)[1]
    if not url:
        pytest.fail("REDIS_URL is not set: run the suite through `bash scripts/services.sh run -- ...`")
    return url


def limited_api(backend_url, *steps, api_id="limited", **extra):
    return proxy_api(api_id, "/limited", [backend_url], flows=[http_flow("limits", request=list(steps))], **extra)


def test_rate_limit_answers_429_after_the_limit_with_headers(gantry, backend):
    a = backend("A")
    gw = gantry([limited_api(a.url(), rate_limit(3, period=1, unit="HOURS"))])
    before = int(time.time() * 1000)
    with gw.client() as c:
        answers = [c.get("/limited/x") for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    assert [r.headers["X-Rate-Limit-Remaining"] for r in answers] == ["2", "1", "0", "0", "0"]
    assert all(r.headers["X-Rate-Limit-Limit"] == "3" for r in answers)
    reset = int(answers[0].headers["X-Rate-Limit-Reset"])
    assert before + 3_600_000 <= reset <= int(time.time() * 1000) + 3_600_000
    assert answers[3].json() == {
        "message": "Rate limit exceeded! You reached the limit of 3 requests per 1 hours", "http_status_code": 429}
    assert answers[3].headers["Content-Type"] == "application/json"
    assert answers[0].headers["X-Backend-Name"] == "A"   # the backend's own headers are kept beside them
    assert a.stats()["requests"] == 3                     # refused requests never reach the backend


def test_rate_limit_window_restarts(gantry, backend):
    a = backend("A")
    gw = gantry([limited_api(a.url(), rate_limit(1, period=1, unit="SECONDS"))])
    with gw.client() as c:
        assert c.get("/limited").status_code == 200
        assert c.get("/limited").status_code == 429
        deadline = time.time() + 5
        while time.time() < deadline:
            time.sleep(0.2)
            if c.get("/limited").status_code == 200:
                break
        else:
            pytest.fail("the window never restarted")


def test_rate_limit_key_separates_counters(gantry, backend):
    a = backend("A")
    gw = gantry([limited_api(a.url(), rate_limit(1, unit="HOURS", key="{#request.headers['X-User'][0]}"))])
    with gw.client() as c:
        assert c.get("/limited", headers={"X-User": "ada"}).status_code == 200
        assert c.get("/limited", headers={"X-User": "ada"}).status_code == 429
        assert c.get("/limited", headers={"X-User": "bob"}).status_code == 200


def test_response_template_overrides_the_429_body(gantry, backend):
    a = backend("A")
    templates = {"RATE_LIMIT_TOO_MANY_REQUESTS": {"*/*": {"status": 429, "body": "slow down",
                                                          "headers": {"Content-Type": "text/plain"}}}}
    gw = gantry([limited_api(a.url(), rate_limit(1, unit="HOURS"), responseTemplates=templates)])
    with gw.client() as c:
        c.get("/limited")
        r = c.get("/limited")
    assert (r.status_code, r.text, r.headers["Content-Type"]) == (429, "slow down", "text/plain")
    assert r.headers["X-Rate-Limit-Remaining"] == "0"


def test_quota_and_spike_arrest_headers(gantry, backend):
    a = backend("A")
    gw = gantry([
        limited_api(a.url(), rate_limit(2, unit="DAYS", policy="quota", section="quota"), api_id="quota"),
        proxy_api("spike", "/spike", [a.url()], flows=[http_flow("s", request=[
            rate_limit(2, period=1, unit="HOURS", policy="spike-arrest", section="spike")])]),
    ])
    with gw.client() as c:
        q = [c.get("/limited") for _ in range(3)]
        s = [c.get("/spike") for _ in range(2)]
    assert [r.status_code for r in q] == [200, 200, 429]
    assert [r.headers["X-Quota-Remaining"] for r in q] == ["1", "0", "0"]
    assert q[2].json()["message"] == "Quota exceeded! You reached the limit of 2 requests per 1 days"
    assert [r.status_code for r in s] == [200, 429]   # 2 per hour: one per half-hour slice
    assert s[0].headers["X-Spike-Arrest-Limit"] == "1"
    assert s[0].headers["X-Spike-Arrest-Slice-Period"] == "1800000ms"
    assert s[1].json()["message"] == "Spike limit exceeded! You reached the limit of 1 requests per 1800000 ms"


def test_one_limit_shared_by_two_gateways_through_redis(gantry, backend):
    a = backend("A")
    url = redis_url()
    # A fresh API id per run: the counters outlive the gateways in Redis.
    api_id = f"shared-{os.getpid()}-{int(time.time() * 1000)}"
    api = limited_api(a.url(), rate_limit(4, unit="HOURS"), api_id=api_id)
    config = {"ratelimit.type": "redis", "ratelimit.uri": url}
    gw1 = gantry([api], config=config)
    gw2 = gantry([api], config=config)
    codes = []
    with gw1.client() as c1, gw2.client() as c2:
        for i in range(6):
            r = (c1 if i % 2 == 0 else c2).get("/limited")
            codes.append(r.status_code)
            if r.status_code == 200:
                assert r.headers["X-Rate-Limit-Remaining"] == str(3 - i)
    assert codes == [200, 200, 200, 200, 429, 429]


def test_unreachable_redis_lets_requests_through_by_default(gantry, backend):
    a = backend("A")
    from helpers.gateway import free_port
    config = {"ratelimit.type": "redis", "ratelimit.uri": f"redis://127.0.0.1:{free_port()}"}
    gw = gantry([limited_api(a.url(), rate_limit(1, unit="HOURS"))], config=config)
    with gw.client() as c:
        answers = [c.get("/limited") for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]   # errorStrategy FALLBACK_PASS_TROUGH
    assert answers[0].headers["X-Rate-Limit-Reset"] == "-1"
    blocking = limited_api(a.url(), rate_limit(1, unit="HOURS", errorStrategy="BLOCK_ON_INTERNAL_ERROR"),
                           api_id="blocking")
    blocking["listeners"][0]["paths"] = [{"path": "/blocking"}]
    gw.write_api(blocking)
    gw.reload()
    deadline = time.time() + 10
    with gw.client() as c:
        while time.time() < deadline and c.get("/blocking").status_code == 404:
            time.sleep(0.1)
        r = c.get("/blocking")
    assert r.status_code == 429
    assert r.json()["message"] == "Rate limit blocked the query due to internal error"


def test_async_mode_decides_locally_and_learns_from_redis(gantry, backend, slow):
    """`async: true` on a shared store: requests are decided on the gateway's own estimate and never wait for
    Redis; each hit is counted in Redis in the background, and Redis's answers bring in the other gateways' hits."""
    a = backend("A")
    api_id = f"async-{os.getpid()}-{int(time.time() * 1000)}"
    api = limited_api(a.url(), rate_limit(4, unit="HOURS", **{"async": True}), api_id=api_id)
    # Estimates are per io thread: with one thread each gateway has one, whichever connection a request comes on
    # (the sleep below may outlast a keep-alive connection under the sanitizers).
    config = {"ratelimit.type": "redis", "ratelimit.uri": redis_url(), "gateway.threads": 1}
    gw1 = gantry([api], config=config)
    gw2 = gantry([api], config=config)
    with gw1.client() as c1, gw2.client() as c2:
        first = [c1.get("/limited") for _ in range(4)]
        assert [r.status_code for r in first] == [200] * 4
        assert [r.headers["X-Rate-Limit-Remaining"] for r in first] == ["3", "2", "1", "0"]
        # gw2 has not heard from Redis yet: its first request passes on its own estimate (the price of not
        # waiting). Redis's answer to that hit says 5: from then on gw2 knows the limit is used up.
        assert c2.get("/limited").status_code == 200
        time.sleep(1.0 * slow)
        late = c2.get("/limited")
        assert late.status_code == 429, late.text
        assert c1.get("/limited").status_code == 429  # gw1's own estimate already says 5


def test_async_mode_keeps_limiting_while_redis_is_unreachable(gantry, backend):
    """Without Redis, async mode still counts this gateway's hits (the synchronous mode falls back to passing)."""
    a = backend("A")
    from helpers.gateway import free_port
    config = {"ratelimit.type": "redis", "ratelimit.uri": f"redis://127.0.0.1:{free_port()}"}
    gw = gantry([limited_api(a.url(), rate_limit(2, unit="HOURS", **{"async": True}))], config=config)
    with gw.client() as c:
        assert [c.get("/limited").status_code for _ in range(3)] == [200, 200, 429]
