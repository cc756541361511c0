"""Kafka topics consumed through the gateway, records produced by an independent client (confluent-kafka): SSE
(with metadata), WebSocket, http-get JSON pages with a cursor, Last-Event-ID resume without gap or repeat,
at-least-once across reconnections, and many live SSE subscribers sharing one consumer."""
import asyncio
import threading

import httpx
import pytest
import websockets

from helpers.kafka import control, decode_id, kafka_api, new_topic, produce, producer
from helpers.messages import SseReader, client, engine_stats, sse_stream
from helpers.waiting import wait_until


def sse(qos=None, **configuration):
    ep = {"type": "sse", "configuration": configuration}
    if qos:
        ep["qos"] = qos
    return ep


def test_sse_delivers_records_with_metadata_and_headers(gantry):
    topic = new_topic("sse")
    produce(topic, [b"first", b"second"], key=b"k1", headers=[("x-origin", b"e2e")])
    gw = gantry([kafka_api("s", "/s", [sse(metadataAsComment=True, headersAsComment=True)],
                           consumer_topics=[topic])])
    with client(gw) as c, sse_stream(c, "/s") as r:
        assert r.status_code == 200
        reader = SseReader(r)
        events = [reader.next_event() for _ in range(2)]
    assert [e.data for e in events] == ["first", "second"]
    assert [decode_id(e.id) for e in events] == [f"{topic}@0#0", f"{topic}@0#1"]
    comments = events[1].comments
    for expected in (f"topic: {topic}", "partition: 0", "offset: 1", "key: k1", "x-origin: e2e"):
        assert expected in comments, comments
    assert any(c.startswith("timestamp: ") for c in comments)


def test_websocket_receives_records_as_frames(gantry, slow):
    topic = new_topic("ws")
    ws_ep = {"type": "websocket", "configuration": {"publisher": {"enabled": False},
                                                    "subscriber": {"enabled": True}}}
    gw = gantry([kafka_api("w", "/w", [ws_ep], consumer_topics=[topic])])
    produce(topic, [f"frame {i}".encode() for i in range(5)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/w") as ws:
            return [await ws.recv() for _ in range(5)]

    got = asyncio.run(asyncio.wait_for(scenario(), 30 * slow))
    assert got == [f"frame {i}" for i in range(5)]


def test_http_get_pages_with_a_cursor(gantry):
    topic = new_topic("get")
    produce(topic, [f"m{i}".encode() for i in range(10)])
    get_ep = {"type": "http-get", "configuration": {"messagesLimitCount": 4, "messagesLimitDurationMs": 3000}}
    gw = gantry([kafka_api("g", "/g", [get_ep], consumer_topics=[topic])])
    seen, cursor = [], None
    with client(gw) as c:
        for _ in range(3):
            r = c.get("/g", params={"cursor": cursor} if cursor else {}, headers={"Accept": "application/json"})
            assert r.status_code == 200, r.text
            body = r.json()
            seen += [item["content"] for item in body["items"]]
            cursor = body["pagination"]["nextCursor"]
            assert decode_id(cursor) == f"{topic}@0#{len(seen) - 1}"
    assert seen == [f"m{i}" for i in range(10)]


def read_sse(c, path, count, last_event_id=None):
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    with sse_stream(c, path, headers) as r:
        assert r.status_code == 200
        reader = SseReader(r)
        return [reader.next_event() for _ in range(count)]


def test_last_event_id_resumes_without_gap_or_repeat(gantry):
    topic = new_topic("resume", partitions=2)
    p = producer()
    for i in range(20):
        p.produce(topic, value=f"r{i}".encode(), partition=i % 2)
    assert p.flush(15) == 0
    gw = gantry([kafka_api("r", "/r", [sse()], consumer_topics=[topic])])
    with client(gw) as c:
        first = read_sse(c, "/r", 7)
        rest = read_sse(c, "/r", 13, last_event_id=first[-1].id)
    values = [e.data for e in first + rest]
    assert sorted(values) == sorted(f"r{i}" for i in range(20))  # every record once: no gap, no repeat
    # Within a partition the order holds.
    for parity in (0, 1):
        mine = [int(v[1:]) for v in values if int(v[1:]) % 2 == parity]
        assert mine == sorted(mine)


def test_at_least_once_delivers_everything_across_reconnections(gantry):
    topic = new_topic("alo")
    total, per_connection = 10_000, 1_000  # the figures
    gw = gantry([kafka_api("a", "/a", [sse("AT_LEAST_ONCE")], consumer_topics=[topic])])
    done = threading.Event()

    def produce_slowly():
        p = producer()
        for i in range(total):
            p.produce(topic, value=f"a{i}".encode())
            if i % 100 == 99:
                p.flush(15)
        p.flush(15)
        done.set()

    thread = threading.Thread(target=produce_slowly)
    thread.start()
    received, last_id = [], None
    try:
        with client(gw) as c:
            while len(received) < total:
                batch = read_sse(c, "/a", min(per_connection, total - len(received)), last_event_id=last_id)
                received += [e.data for e in batch]
                last_id = batch[-1].id
    finally:
        thread.join()
    assert done.is_set()
    assert received == [f"a{i}" for i in range(total)]  # all of them, each once, in order


def test_many_live_sse_subscribers_share_one_consumer(gantry, slow):
    topic = new_topic("fan")
    subscribers, count = 100, 5
    gw = gantry([kafka_api("fan", "/fan", [sse()], consumer_topics=[topic])])

    async def scenario():
        async with httpx.AsyncClient(base_url=gw.base_url, trust_env=False, timeout=30 * slow) as c:
            opened = asyncio.Event()
            connected = 0

            async def one():
                nonlocal connected
                async with c.stream("GET", "/fan", headers={"Accept": "text/event-stream"}) as r:
                    assert r.status_code == 200
                    connected += 1
                    if connected == subscribers:
                        opened.set()
                    got = []
                    block = []
                    async for line in r.aiter_lines():
                        line = line.rstrip("\r\n")
                        if line.startswith("data:"):
                            block.append(line[5:].lstrip())
                        elif line == "" and block:
                            got.append("\n".join(block))
                            block = []
                            if len(got) == count:
                                return got
                    return got

            tasks = [asyncio.create_task(one()) for _ in range(subscribers)]
            await asyncio.wait_for(opened.wait(), 30 * slow)
            await asyncio.to_thread(wait_until, lambda: engine_stats(gw)["endpoint_subscriptions"] == subscribers,
                                    15, 0.1, "every subscription open")
            await asyncio.to_thread(produce, topic, [f"f{i}".encode() for i in range(count)])
            return await asyncio.gather(*tasks)

    results = asyncio.run(asyncio.wait_for(scenario(), 60 * slow))
    assert all(r == [f"f{i}" for i in range(count)] for r in results)
    # The gateway's evidence: one shared consumer for this API and topic, however many subscribers.
    started = [line for line in gw.log().splitlines() if "shared consumer started" in line and "'fan'" in line]
    assert len(started) == 1, started


@pytest.mark.exclusive  # the broker is shared by every test running at the same time
def test_broker_outage_mid_stream_loses_nothing_at_least_once(gantry):
    topic = new_topic("outage")
    gw = gantry([kafka_api("o", "/o", [sse("AT_LEAST_ONCE")], consumer_topics=[topic])])
    produce(topic, [f"o{i}".encode() for i in range(50)])
    with client(gw) as c, sse_stream(c, "/o") as r:
        reader = SseReader(r)
        got = [reader.next_event().data for _ in range(50)]
        control("down")
        try:
            wait_until(lambda: "brokers are down" in gw.log() or "Connection refused" in gw.log(), 15,
                       message="the gateway noticing the outage")
        finally:
            control("up")
        produce(topic, [f"o{i}".encode() for i in range(50, 100)])
        got += [reader.next_event().data for _ in range(50)]  # the same stream, still open
    assert got == [f"o{i}" for i in range(100)]


def test_request_attributes_choose_the_consumer_group_and_topics(gantry):
    """gravitee.attribute.kafka.groupId and .topics, set in the request phase (assign-attributes), choose the
    subscriber's consumer group and topics: a client that comes back in its group continues where the group's
    committed position is, without any Last-Event-ID; another group starts from the beginning."""
    topic, other = new_topic("grp"), new_topic("grp-other")
    produce(topic, [b"g0", b"g1"])
    produce(other, [b"from the other topic"])
    # The test broker (librdkafka's mock cluster) gives a group's partitions to a new member only when the previous
    # member's session has expired, even after that member closed (confluent-kafka's own consumer waits as long):
    # a short session keeps the test quick.
    api = kafka_api("grp", "/grp", [sse("AT_LEAST_ONCE")], consumer_topics=[topic],
                    properties={"session.timeout.ms": "6000", "heartbeat.interval.ms": "500"})
    api["flows"] = [{"name": "choose", "enabled": True, "selectors": [], "publish": [], "subscribe": [],
                     "response": [], "request": [{
                         "name": "attributes", "enabled": True, "policy": "policy-assign-attributes",
                         "configuration": {"attributes": [
                             {"name": "gravitee.attribute.kafka.groupId",
                              "value": "{#request.headers['x-group'][0]}"},
                             {"name": "gravitee.attribute.kafka.topics",
                              "value": "{#request.headers['x-topics'] != null ? #request.headers['x-topics'][0] : '"
                                       + topic + "'}"}]}}]}]
    gw = gantry([api])
    group = f"team-{topic}"
    with client(gw) as c:
        first = read_sse_with(c, "/grp", 2, {"x-group": group})
        assert [e.data for e in first] == ["g0", "g1"]
        # Delivered means written to the client's socket (docs/qos.md): the group committed both.
        produce(topic, [b"g2", b"g3"])
        again = read_sse_with(c, "/grp", 2, {"x-group": group})
        assert [e.data for e in again] == ["g2", "g3"]  # the group's committed position, not the beginning
        fresh = read_sse_with(c, "/grp", 1, {"x-group": group + "-b"})
        assert [e.data for e in fresh] == ["g0"]
        switched = read_sse_with(c, "/grp", 1, {"x-group": group + "-c", "x-topics": other})
        assert [e.data for e in switched] == ["from the other topic"]


def read_sse_with(c, path, count, headers):
    with sse_stream(c, path, headers) as r:
        assert r.status_code == 200
        reader = SseReader(r)
        return [reader.next_event() for _ in range(count)]
