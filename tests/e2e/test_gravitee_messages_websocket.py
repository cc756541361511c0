"""Gravitee's own WebSocket definitions (messages/websocket/, messages/mqtt5/mqtt5-endpoint-publish.json) deployed
on Gantry, checked against what Gravitee's WebsocketEntrypointKafkaEndpointIntegrationTest and
WebsocketEntrypointMqtt5EndpointIntegrationTest observe: Kafka records arrive as frames in order (qos none and
auto), text and binary frames are published as records, both at once on one socket, and frames reach MQTT 5."""
import asyncio

import pytest
import websockets

from helpers import kafka
from helpers.gravitee import definition, with_changes
from helpers.mqtt import Peer, broker_address, unique_prefix


def kafka_topics(api, topic):
    """The definition with its fixed `test-topic` (consumer and producer) replaced by a fresh topic."""
    def change(a):
        override = a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]
        for side in ("consumer", "producer"):
            if side in override and "topics" in override[side]:
                override[side]["topics"] = [topic]
    return with_changes(api, change)


def mqtt_topic(api, topic):
    def change(a):
        a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["producer"]["topic"] = topic
    return with_changes(api, change)


def run(coroutine, slow):
    return asyncio.run(asyncio.wait_for(coroutine, 30 * slow))


@pytest.mark.parametrize("name,path", [
    ("messages/websocket/websocket-entrypoint-kafka-endpoint-subscriber-none.json", "/test-none"),
    ("messages/websocket/websocket-entrypoint-kafka-endpoint-subscriber.json", "/test-auto"),
])
def test_kafka_records_arrive_as_frames(gantry, slow, name, path):
    topic = kafka.new_topic("wss")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    gw = gantry([kafka_topics(definition(name, kafka=kafka.bootstrap()), topic)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}{path}") as ws:
            return [await ws.recv() for _ in range(3)]

    frames = run(scenario(), slow)
    assert [f if isinstance(f, str) else f.decode() for f in frames] == ["message1", "message2", "message3"]


def test_text_and_binary_frames_are_published_to_kafka(gantry, slow):
    topic = kafka.new_topic("wsp")
    gw = gantry([kafka_topics(definition("messages/websocket/websocket-entrypoint-kafka-endpoint-publisher.json",
                                         kafka=kafka.bootstrap()), topic)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/test") as ws:
            await ws.send("message1")
            await ws.send(b"message2")
            await ws.send("message3")

    run(scenario(), slow)
    records = kafka.consume(topic, 3)
    assert [r.value() for r in records] == [b"message1", b"message2", b"message3"]


def test_published_frames_come_back_to_the_same_socket(gantry, slow):
    topic = kafka.new_topic("wsps")
    gw = gantry([kafka_topics(definition(
        "messages/websocket/websocket-entrypoint-kafka-endpoint-publisher-subscriber.json",
        kafka=kafka.bootstrap()), topic)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/test") as ws:
            await ws.send("message1")
            await ws.send(b"message2")
            await ws.send("message3")
            return [await ws.recv() for _ in range(3)]

    frames = run(scenario(), slow)
    assert [f if isinstance(f, str) else f.decode() for f in frames] == ["message1", "message2", "message3"]
    assert [r.value() for r in kafka.consume(topic, 3)] == [b"message1", b"message2", b"message3"]


@pytest.mark.parametrize("name,path", [
    ("messages/mqtt5/mqtt5-endpoint-publish.json", "/test-publish"),
    # No Gravitee test deploys this one; it is the same scenario with the subscriber disabled explicitly.
    ("messages/websocket/websocket-entrypoint-mqtt5-endpoint-publisher.json", "/test"),
])
def test_frames_are_published_to_mqtt5(gantry, slow, name, path):
    host, port = broker_address()
    topic = unique_prefix() + "/test-topic-publish"
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        gw = gantry([mqtt_topic(definition(name, mqtt=(host, port)), topic)])

        async def scenario():
            async with websockets.connect(f"ws://127.0.0.1:{gw.port}{path}",
                                          extra_headers={"X-Gravitee-Client-Identifier": "ws-client"}) as ws:
                await ws.send("message")

        run(scenario(), slow)
        assert peer.next().payload == b"message"
    finally:
        peer.close()
