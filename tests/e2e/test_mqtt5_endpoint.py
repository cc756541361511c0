"""The mqtt5 endpoint against mosquitto (scripts/services.sh), checked with an independent MQTT 5 client (paho):
both directions through http-post, sse, websocket and http-get, user properties <-> headers, wildcards, retained
messages. QoS levels are the ones seed 001's matrix gives MQTT 5 for each entrypoint."""
import asyncio
import json
import os
import threading

import websockets

from helpers.messages import SseReader, client, engine_stats, sse_stream
from helpers.mqtt import (Peer, SseCollector, broker_address, mqtt5_api, probe_until_flowing, unique_prefix,
                          user_properties)
from helpers.waiting import wait_until


def sse_ep(qos="at-most-once", headers=True, metadata=True):
    return {"type": "sse", "qos": qos,
            "configuration": {"headersAsComment": headers, "metadataAsComment": metadata}}


def next_real(stream):
    """The next SSE event that is not a readiness probe."""
    while True:
        event = stream.next()
        if event is None or event.data != "probe":
            return event


def flowing(stream, peer, topic):
    probe_until_flowing(lambda: peer.publish(topic, "probe", qos=0),
                        lambda: (e := stream.poll(0.2)) is not None and e.data == "probe")


# ---- publish: client -> Gantry -> broker -------------------------------------------------------------------------

def test_http_post_publishes_with_headers_as_user_properties(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/commands"
    post = {"type": "http-post", "configuration": {"requestHeadersToMessage": True}}
    gw = gantry([mqtt5_api("mq-post", "/mq-post", [post], host, port, producer=topic)])
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        with client(gw) as c:
            r = c.post("/mq-post", content=b'{"on": true}', headers={"X-Device": "lamp-1", "X-Room": "hall"})
            assert r.status_code == 202, r.text
        msg = peer.next()
        assert msg.topic == topic
        assert msg.payload == b'{"on": true}'
        assert msg.qos == 1  # auto publishes at QoS 1: the 202 came after the broker's PUBACK
        props = {k.lower(): v for k, v in user_properties(msg)}
        assert props["x-device"] == "lamp-1"
        assert props["x-room"] == "hall"
    finally:
        peer.close()
    wait_until(lambda: engine_stats(gw)["published"] >= 1, 10, message="published gauge")


def test_http_post_at_qos_none_publishes_at_mqtt_qos_0(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/fire-and-forget"
    post = {"type": "http-post", "qos": "none"}
    gw = gantry([mqtt5_api("mq-none", "/mq-none", [post], host, port, producer=topic)])
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        with client(gw) as c:
            for i in range(5):
                assert c.post("/mq-none", content=f"n{i}".encode()).status_code == 202
        got = [peer.next() for _ in range(5)]
        assert [m.payload for m in got] == [f"n{i}".encode() for i in range(5)]
        assert {m.qos for m in got} == {0}
    finally:
        peer.close()


def test_producer_retained_and_response_topic(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/state"
    producer = {"topic": topic, "retained": True, "responseTopic": topic + "/replies"}
    gw = gantry([mqtt5_api("mq-ret", "/mq-ret", ["http-post"], host, port, producer=producer)])
    with client(gw) as c:
        assert c.post("/mq-ret", content=b"last known state").status_code == 202
    # Subscribing only now: the broker kept the message because Gantry published it retained.
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        msg = peer.next()
        assert msg.payload == b"last known state"
        assert msg.retain
        assert msg.properties.ResponseTopic == topic + "/replies"
    finally:
        peer.publish(topic, b"", retain=True)  # clears the retained message
        peer.close()


# ---- subscribe: broker -> Gantry -> client -----------------------------------------------------------------------

def test_sse_delivers_messages_with_user_properties_and_metadata(gantry):
    host, port = broker_address()
    prefix = unique_prefix()
    gw = gantry([mqtt5_api("mq-sse", "/mq-sse", [sse_ep()], host, port, consumer=prefix + "/events")])
    peer = Peer(host, port)
    stream = SseCollector(gw, "/mq-sse")
    try:
        assert stream.status == 200
        flowing(stream, peer, prefix + "/events")
        peer.publish(prefix + "/events", b"door opened", user=[("x-site", "north"), ("x-site", "gate 2")],
                     content_type="text/plain", correlation_data=b"req-7")
        event = next_real(stream)
        assert event.event == "message"
        assert event.data == "door opened"
        # Repeated user properties keep their order; content type, correlation data, topic and QoS are metadata.
        assert [c for c in event.comments if c.startswith("x-site")] == ["x-site: north", "x-site: gate 2"]
        assert "contentType: text/plain" in event.comments
        assert "correlationData: req-7" in event.comments
        assert f"topic: {prefix}/events" in event.comments
        assert "qos: 0" in event.comments  # at-most-once: the live subscription is at MQTT QoS 0
    finally:
        stream.close()
        peer.close()


def test_wildcards_plus_and_hash(gantry):
    host, port = broker_address()
    prefix = unique_prefix()
    gw = gantry([mqtt5_api("mq-plus", "/mq-plus", [sse_ep(headers=False)], host, port,
                           consumer=prefix + "/+/temperature"),
                 mqtt5_api("mq-hash", "/mq-hash", [sse_ep(headers=False)], host, port, consumer=prefix + "/hall/#")])
    peer = Peer(host, port)
    plus, hash_ = SseCollector(gw, "/mq-plus"), SseCollector(gw, "/mq-hash")
    try:
        flowing(plus, peer, prefix + "/probe/temperature")
        flowing(hash_, peer, prefix + "/hall/probe")
        for topic, payload in [(prefix + "/kitchen/temperature", "21"),   # +: one level
                               (prefix + "/kitchen/oven/temperature", "x"),  # + is not two levels
                               (prefix + "/hall/humidity", "40"),         # #: any depth below hall
                               (prefix + "/hall/temperature", "19"),      # both
                               (prefix + "/hall/a/b/c", "deep"),
                               (prefix + "/garden/temperature", "15")]:
            peer.publish(topic, payload.encode())
        got_plus = [next_real(plus) for _ in range(3)]
        assert [e.data for e in got_plus] == ["21", "19", "15"]
        assert f"topic: {prefix}/garden/temperature" in got_plus[2].comments
        got_hash = [next_real(hash_) for _ in range(3)]
        assert [e.data for e in got_hash] == ["40", "19", "deep"]
        assert f"topic: {prefix}/hall/a/b/c" in got_hash[2].comments
    finally:
        plus.close()
        hash_.close()
        peer.close()


def test_retained_message_reaches_a_new_subscriber(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/config"
    gw = gantry([mqtt5_api("mq-ret-amo", "/mq-ret-amo", [sse_ep()], host, port, consumer=topic),
                 mqtt5_api("mq-ret-alo", "/mq-ret-alo", [sse_ep("at-least-once")], host, port, consumer=topic)])
    peer = Peer(host, port)
    peer.publish(topic, b"mode=eco", retain=True)
    try:
        for path in ("/mq-ret-amo", "/mq-ret-alo"):  # the shared live subscription, and a session of its own
            stream = SseCollector(gw, path)
            try:
                event = stream.next()
                assert event.data == "mode=eco", path
                assert "retained: true" in event.comments
            finally:
                stream.close()
    finally:
        peer.publish(topic, b"", retain=True)
        peer.close()


def test_sse_at_least_once_delivers_everything_in_order(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/orders"
    gw = gantry([mqtt5_api("mq-alo", "/mq-alo", [sse_ep("at-least-once", metadata=False)], host, port,
                           consumer=topic)])
    peer = Peer(host, port)
    stream = SseCollector(gw, "/mq-alo")
    try:
        flowing(stream, peer, topic)
        for i in range(200):
            peer.publish(topic, f"order {i}".encode())
        assert [next_real(stream).data for _ in range(200)] == [f"order {i}" for i in range(200)]
    finally:
        stream.close()
        peer.close()


def test_at_least_once_client_that_stops_reading_loses_nothing(gantry):
    """A client that reads nothing while 1200 messages of 16 kB arrive (beyond its queue's 4 MB and the socket
    buffers): Gantry stops reading from the broker instead of dropping, and everything arrives once it reads.
    (Not many more: mosquitto itself queues at most 1000 messages for a connection that does not read.)"""
    host, port = broker_address()
    topic = unique_prefix() + "/bulk"
    gw = gantry([mqtt5_api("mq-slow", "/mq-slow", [sse_ep("at-least-once", headers=False, metadata=False)], host,
                           port, consumer=topic)])
    peer = Peer(host, port)
    count, pad = 1200, "x" * 16384
    with client(gw) as c, sse_stream(c, "/mq-slow") as r:
        reader = SseReader(r)
        ready = threading.Event()

        def probe():
            while not ready.is_set():
                peer.publish(topic, b"probe", qos=0)
                ready.wait(0.1)

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            assert reader.next_event().data == "probe"
        finally:
            ready.set()
            prober.join()
        infos = [peer.client.publish(topic, f"{i} {pad}", qos=1) for i in range(count)]
        infos[-1].wait_for_publish(60)
        got = []
        while len(got) < count:
            event = reader.next_event()
            assert event is not None, "stream ended"
            if event.data != "probe":
                got.append(int(event.data.split()[0]))
    peer.close()
    assert got == list(range(count))
    wait_until(lambda: engine_stats(gw)["delivered"] >= count, 10, message="delivered gauge")
    assert engine_stats(gw)["dropped"] == 0


def test_websocket_both_directions(gantry, slow):
    host, port = broker_address()
    prefix = unique_prefix()
    gw = gantry([mqtt5_api("mq-ws", "/mq-ws", ["websocket"], host, port, consumer=prefix + "/down/#",
                           producer=prefix + "/up")])
    peer = Peer(host, port)
    peer.subscribe(prefix + "/up")

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/mq-ws") as ws:
            for _ in range(100):  # until Gantry's subscription is in place
                await asyncio.get_running_loop().run_in_executor(
                    None, lambda: peer.publish(prefix + "/down/probe", b"probe", qos=0))
                try:
                    if await asyncio.wait_for(ws.recv(), 0.2) == "probe":
                        break
                except asyncio.TimeoutError:
                    pass
            else:
                raise AssertionError("no probe came through the websocket")
            await ws.send("switch on")
            await ws.send(b"\x00\x01binary")
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: [peer.publish(prefix + f"/down/{i}", f"status {i}".encode()) for i in range(3)])
            got = []
            while len(got) < 3:
                frame = await ws.recv()
                if frame != "probe":
                    got.append(frame)
            return got

    got = asyncio.run(asyncio.wait_for(scenario(), 60 * slow))
    assert got == ["status 0", "status 1", "status 2"]
    try:
        up = [peer.next(), peer.next()]
        assert [m.payload for m in up] == [b"switch on", b"\x00\x01binary"]
        assert all(m.topic == prefix + "/up" for m in up)
    finally:
        peer.close()


def test_http_get_returns_what_was_published_while_it_waited(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/readings"
    get = {"type": "http-get", "configuration": {"messagesLimitCount": 1, "messagesLimitDurationMs": 30000,
                                                 "headersInPayload": True, "metadataInPayload": True}}
    gw = gantry([mqtt5_api("mq-get", "/mq-get", [get], host, port, consumer=topic)])
    peer = Peer(host, port)
    result = {}

    def fetch():
        with client(gw) as c:
            result["response"] = c.get("/mq-get", headers={"Accept": "application/json"})

    fetcher = threading.Thread(target=fetch)
    fetcher.start()
    try:
        # The GET subscribes when it arrives: publish until it returns with one of them.
        for i in range(300):
            if not fetcher.is_alive():
                break
            peer.publish(topic, f"reading {i}".encode(), user=[("x-unit", "celsius")])
            fetcher.join(0.1)
        fetcher.join(30)
    finally:
        peer.close()
    r = result["response"]
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 1
    assert items[0]["content"].startswith("reading ")
    assert items[0]["headers"]["x-unit"] == ["celsius"]
    assert items[0]["metadata"]["topic"] == topic


EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "apis")


def test_the_mqtt5_examples_work_as_the_readme_shows(gantry, slow):
    host, port = broker_address()
    apis = []
    for name in ("mqtt5-websocket", "mqtt5-http-post"):
        with open(os.path.join(EXAMPLES, name + ".json")) as f:
            api = json.load(f)
        api["endpointGroups"][0]["endpoints"][0]["configuration"] = {"serverHost": host, "serverPort": port}
        apis.append(api)
    gw = gantry(apis)
    peer = Peer(host, port)
    try:
        peer.subscribe("demo/sensors")
        peer.subscribe("demo/chat/in")
        with client(gw) as c:
            r = c.post("/demo/mqtt/post", content=b'{"temperature": 21}', headers={"Content-Type": "application/json"})
            assert r.status_code == 202
        msg = peer.next()
        assert (msg.topic, msg.payload) == ("demo/sensors", b'{"temperature": 21}')
        assert ("content-type", "application/json") in [(k.lower(), v) for k, v in user_properties(msg)]
        assert msg.properties.MessageExpiryInterval <= 3600

        async def chat():
            async with websockets.connect(f"ws://127.0.0.1:{gw.port}/demo/mqtt/ws") as ws:
                for _ in range(100):
                    await asyncio.get_running_loop().run_in_executor(
                        None, lambda: peer.publish("demo/chat/out/probe", b"probe", qos=0))
                    try:
                        if await asyncio.wait_for(ws.recv(), 0.2) == "probe":
                            break
                    except asyncio.TimeoutError:
                        pass
                else:
                    raise AssertionError("no probe came through the websocket")
                await ws.send("hello from a websocket client")
                await asyncio.get_running_loop().run_in_executor(
                    None, lambda: peer.publish("demo/chat/out/bot", b"hello from MQTT"))
                while (frame := await ws.recv()) == "probe":
                    pass
                return frame

        assert asyncio.run(asyncio.wait_for(chat(), 60 * slow)) == "hello from MQTT"
        msg = peer.next()
        assert (msg.topic, msg.payload) == ("demo/chat/in", b"hello from a websocket client")
    finally:
        peer.close()


# ---- dynamic configuration (docs/mqtt5.md): EL and gravitee.attributes.endpoint.mqtt5.* ------------------------

def test_producer_topic_from_an_expression_and_invalid_values_are_500(gantry):
    host, port = broker_address()
    prefix = unique_prefix()
    post = {"type": "http-post", "configuration": {"requestHeadersToMessage": False}}
    gw = gantry([mqtt5_api("mq-dyn", "/mq-dyn", [post], host, port,
                           producer=prefix + "/{#request.headers['X-Room'][0]}")])
    peer = Peer(host, port)
    try:
        peer.subscribe(prefix + "/#")
        with client(gw) as c:
            assert c.post("/mq-dyn", content=b"lights on", headers={"X-Room": "hall"}).status_code == 202
            for headers in ({}, {"X-Room": "a+b"}):  # no header: no value; a wildcard: no topic name
                r = c.post("/mq-dyn", content=b"lost", headers=headers)
                assert r.status_code == 500, r.text
                assert r.json()["message"] == "Invalid configuration"
        msg = peer.next()
        assert (msg.topic, msg.payload) == (prefix + "/hall", b"lights on")
    finally:
        peer.close()


def test_consumer_topic_overridden_by_attribute(gantry):
    host, port = broker_address()
    prefix = unique_prefix()
    api = mqtt5_api("mq-dyn-sub", "/mq-dyn-sub", [sse_ep(metadata=False)], host, port, consumer=prefix + "/default")
    api["flows"] = [{"name": "override", "enabled": True,
                     "selectors": [{"type": "http", "path": "/", "pathOperator": "STARTS_WITH"}],
                     "request": [{"name": "assign", "enabled": True, "policy": "assign-attributes",
                                  "configuration": {"scope": "REQUEST", "attributes": [
                                      {"name": "gravitee.attributes.endpoint.mqtt5.consumer.topic",
                                       "value": "{#request.headers['X-Topic'][0]}"}]}}],
                     "response": [], "subscribe": [], "publish": []}]
    gw = gantry([api])
    peer = Peer(host, port)
    stream = SseCollector(gw, "/mq-dyn-sub", headers={"X-Topic": prefix + "/chosen"})
    try:
        assert stream.status == 200
        flowing(stream, peer, prefix + "/chosen")
        peer.publish(prefix + "/default", b"not for this stream")
        peer.publish(prefix + "/chosen", b"for this stream")
        assert next_real(stream).data == "for this stream"
    finally:
        stream.close()
        peer.close()
