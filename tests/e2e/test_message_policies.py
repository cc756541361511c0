"""Flows on message APIs: the seed 001 message-filtering example with subscription metadata from the management
API, transform-headers and messageCondition on messages, a publish-phase filter on http-post, message-rate-limit,
and request-phase policies on the request that opens an SSE stream."""
import time

from helpers.flows import rate_limit, step
from helpers.management import create_api, deploy, published_key_plan, start, subscribe_for_key
from helpers.messages import SseReader, client, message_api, sse_stream
from helpers.waiting import wait_until

SEED_FILTER = "{#message.headers.foo == #subscription.metadata['bar']}"


def channel_flow(name, operations=(), **phases):
    f = {"name": name, "enabled": True,
         "selectors": [{"type": "channel", "channel": "/", "channelOperator": "STARTS_WITH",
                        "operations": list(operations)}],
         "request": [], "response": [], "publish": [], "subscribe": []}
    f.update({k: list(v) for k, v in phases.items()})
    return f


def sse(configuration=None):
    return {"type": "sse", "configuration": configuration or {}}


def events_of(c, path, headers=None, limit=100):
    """Every message event of a finite SSE stream (the mock endpoint's messageCount ends it)."""
    out = []
    with sse_stream(c, path, headers) as r:
        assert r.status_code == 200, r.read()
        reader = SseReader(r)
        while len(out) < limit:
            ev = reader.next_event()
            if ev is None:
                break
            out.append(ev)
    return out


def test_seed_message_filtering_with_subscription_metadata(gantry):
    """Seed 001: a subscribe-phase message-filtering step compares a message header with the metadata of the
    subscription the client's API key belongs to; the subscription is made through the management API."""
    gw = gantry()
    api = message_api("seed-filter", "/seed-filter", [sse()], interval=2, count=3, headers={"foo": "blue"})
    del api["id"]
    api["flows"] = [channel_flow("filter", ["SUBSCRIBE"], subscribe=[
        {"name": "Message filtering", "description": "Apply filter to messages", "enabled": True,
         "policy": "message-filtering", "configuration": {"filter": SEED_FILTER}}])]
    with gw.management() as m:
        api_id = create_api(m, api)
        plan_id = published_key_plan(m, api_id)
        deploy(m, api_id)
        start(m, api_id)
        # Subscriptions made while the API runs: the gateway knows their keys when the management API answers.
        blue = subscribe_for_key(m, api_id, plan_id, "Blue app", {"bar": "blue"})
        red = subscribe_for_key(m, api_id, plan_id, "Red app", {"bar": "red"})
    with client(gw) as c:
        got = events_of(c, "/seed-filter", {"X-Gravitee-Api-Key": blue})
        assert [(e.id, e.data) for e in got] == [(str(i), "mock message") for i in range(3)]
        # Filtered messages are acknowledged too (positions move on), so the finite stream still ends.
        assert events_of(c, f"/seed-filter?api-key={red}") == []
        assert events_of(c, "/seed-filter") == []  # no key: no subscription, empty metadata
        assert events_of(c, "/seed-filter", {"X-Gravitee-Api-Key": "not-a-key"}) == []


def test_transform_headers_and_message_condition_on_sse(gantry):
    flows = [channel_flow("headers", ["SUBSCRIBE"], subscribe=[
        step("transform-headers", {"removeHeaders": ["x-secret"],
                                   "addHeaders": [{"name": "x-content", "value": "{#message.content}"}]}),
        step("transform-headers", {"addHeaders": [{"name": "x-odd", "value": "yes"}]},
             messageCondition="{#message.id == '1' or #message.id == '3'}"),
        step("transform-headers", {"addHeaders": [{"name": "x-variant", "value": "b"}]},
             condition="{#request.headers['x-variant'] == 'b'}"),
    ])]
    api = message_api("th", "/th", [sse({"headersAsComment": True})], interval=2, count=4,
                      headers={"x-secret": "s", "x-keep": "k"})
    api["flows"] = flows
    gw = gantry([api])
    with client(gw) as c:
        got = events_of(c, "/th")
        assert [(e.id, e.data) for e in got] == [(str(i), "mock message") for i in range(4)]
        for i, ev in enumerate(got):
            assert "x-keep: k" in ev.comments
            assert "x-secret: s" not in ev.comments
            assert "x-content: mock message" in ev.comments
            assert ("x-odd: yes" in ev.comments) == (i % 2 == 1), ev
            assert "x-variant: b" not in ev.comments  # the step's condition was false for this request
        got = events_of(c, "/th", {"x-variant": "b"})
        assert all("x-variant: b" in ev.comments for ev in got) and len(got) == 4


def test_publish_phase_filter_on_http_post(gantry):
    api = message_api("pub", "/pub", ["http-post"])
    api["flows"] = [channel_flow("pub-filter", ["PUBLISH"], publish=[
        step("message-filtering", {"filter": "{!#message.content.startsWith('drop')}"})])]
    gw = gantry([api])
    with client(gw) as c:
        r = c.post("/pub", content=b"drop this one")
        assert r.status_code == 202  # accepted, as Gravitee answers for a filtered message
        r = c.post("/pub", content=b"keep this one")
        assert r.status_code == 202
    wait_until(lambda: "received message: keep this one" in gw.log(), 10, message="the kept message")
    assert "received message: drop this one" not in gw.log()  # published in order: it would be logged already


def test_message_rate_limit_drop_and_delay(gantry):
    drop = message_api("rl-drop", "/rl-drop", [sse()], interval=1, count=40)
    drop["flows"] = [channel_flow("rl", subscribe=[
        step("message-rate-limit", {"messagesPerSecond": 1, "burst": 3, "strategy": "DROP"})])]
    delay = message_api("rl-delay", "/rl-delay", [sse()], interval=1, count=4)
    delay["flows"] = [channel_flow("rl", subscribe=[step("message-rate-limit", {"messagesPerSecond": 5, "burst": 1})])]
    gw = gantry([drop, delay])
    with client(gw) as c:
        started = time.monotonic()
        got = events_of(c, "/rl-drop")
        elapsed = time.monotonic() - started
        # The burst passes, then at most one more per second: far fewer than the 40 produced. Dropped messages
        # are acknowledged, so the finite stream still ends.
        assert [e.id for e in got[:3]] == ["0", "1", "2"]
        assert len(got) <= 3 + int(elapsed) + 1, (len(got), elapsed)

        started = time.monotonic()
        got = events_of(c, "/rl-delay")
        elapsed = time.monotonic() - started
        # DELAY loses nothing; 4 messages at 5/s with a burst of 1 need at least 3 intervals of 200 ms.
        assert [e.id for e in got] == [str(i) for i in range(4)]
        assert elapsed >= 0.6 - 0.05, elapsed


def test_request_phase_runs_on_the_request_that_opens_the_stream(gantry):
    api = message_api("limited", "/limited", [sse()], interval=2, count=1)
    api["flows"] = [channel_flow("limit", ["SUBSCRIBE"], request=[rate_limit(1, period=1, unit="HOURS")])]
    blocked = message_api("blocked", "/blocked", [sse()], interval=2, count=1)
    blocked["flows"] = [channel_flow("ip", request=[step("ip-filtering", {"blacklistIps": ["127.0.0.0/8"]})])]
    gw = gantry([api, blocked])
    with client(gw) as c:
        with sse_stream(c, "/limited") as r:
            assert r.status_code == 200
            assert r.headers["x-rate-limit-limit"] == "1"
            assert r.headers["x-rate-limit-remaining"] == "0"
            r.read()
        r = c.get("/limited", headers={"Accept": "text/event-stream"})
        assert r.status_code == 429
        assert r.json()["message"].startswith("Rate limit exceeded!")
        assert r.headers["x-rate-limit-remaining"] == "0"
        r = c.get("/blocked", headers={"Accept": "text/event-stream"})
        assert r.status_code == 403


def test_websocket_runs_both_phases(gantry, slow):
    """A websocket publishes and subscribes, so flows of either operation apply to it: a publish-phase filter drops
    client frames, a subscribe-phase filter keeps one endpoint message in two (by content)."""
    import asyncio

    import websockets

    flows = [
        channel_flow("pub", ["PUBLISH"], publish=[step("message-filtering", {"filter": "{#message.content != 'drop'}"})]),
        channel_flow("sub", ["SUBSCRIBE"], subscribe=[step("message-filtering", {
            "filter": "{#message.id == '0' or #message.id == '2' or #message.id == '4'}",
            "ackFilteredMessage": True})]),
    ]
    sub = message_api("ws-sub", "/ws-sub", [{"type": "websocket"}], interval=1, count=6)
    sub["flows"] = flows
    # Publishing on a socket that does not subscribe: it stays open until the client closes it.
    pub = message_api("ws-pub", "/ws-pub", [{"type": "websocket", "configuration": {"subscriber": {"enabled": False}}}])
    pub["flows"] = flows
    gw = gantry([sub, pub])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/ws-pub") as ws:
            await ws.send("drop")
            await ws.send("keep")
            await ws.ping()
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/ws-sub") as ws:
            got = []
            try:
                while True:
                    got.append(await ws.recv())
            except websockets.ConnectionClosedOK:
                pass
            return got

    got = asyncio.run(asyncio.wait_for(scenario(), 60 * slow))
    assert got == ["mock message"] * 3  # ids 0, 2 and 4 of six
    wait_until(lambda: "received message: keep" in gw.log(), 10, message="the kept frame")
    assert "received message: drop" not in gw.log()  # frames are published in order: it would be logged already
