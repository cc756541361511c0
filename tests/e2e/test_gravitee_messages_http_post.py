"""Gravitee's own http-post definitions (messages/http-post/) deployed on Gantry, checked against what Gravitee's
HttpPostEntrypointMockEndpointIntegrationTest, HttpPostEntrypointKafkaEndpointIntegrationTest and
HttpPostEntrypointMqtt5EndpointIntegrationTest observe: 202 for each accepted message, the body and the request
headers reaching Kafka records and MQTT 5 user properties, topics chosen by attributes, retained MQTT messages."""
import json

import pytest

from helpers import kafka
from helpers.gravitee import definition, with_changes
from helpers.messages import client
from helpers.mqtt import Peer, broker_address, unique_prefix, user_properties

BODY = json.dumps({"field": "value"}).encode()


def post(gw, path, body=BODY, headers=None):
    with client(gw) as c:
        return c.post(path, content=body, headers=headers or {})


# -- mock endpoint --------------------------------------------------------------------------------------------------
# Gravitee's test swaps the mock for a storing mock of its harness (PersistentMockEndpointConnectorFactory) to look at
# the published message; that plugin is Gravitee-only, so what is checked here is what the client sees.

@pytest.mark.parametrize("name", ["messages/http-post/http-post-entrypoint-mock-endpoint.json",
                                  "messages/http-post/http-post-entrypoint-mock-endpoint-with-headers.json"])
def test_mock_accepts_each_message_with_202(gantry, name):
    gw = gantry([definition(name)])
    with client(gw) as c:
        for _ in range(10):
            r = c.post("/test", content=BODY, headers={"X-Test-Header": "header-value"})
            assert r.status_code == 202, r.text


# -- kafka endpoint -------------------------------------------------------------------------------------------------

def producer_topic(api, topic):
    def change(a):
        a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["producer"]["topics"] = [topic]
    return with_changes(api, change)


def header(record, name):
    return dict((k.lower(), v) for k, v in (record.headers() or [])).get(name.lower())


def test_kafka_record_carries_body_and_request_headers(gantry):
    topic = kafka.new_topic("hp")
    gw = gantry([producer_topic(definition("messages/http-post/http-post-entrypoint-kafka-endpoint.json",
                                           kafka=kafka.bootstrap()), topic)])
    assert post(gw, "/test", headers={"X-Test-Header": "header-value"}).status_code == 202
    [record] = kafka.consume(topic, 1)
    assert record.value() == BODY
    assert header(record, "X-Test-Header") == b"header-value"


def test_kafka_topics_from_request_attribute(gantry):
    a, b = kafka.new_topic("hpa"), kafka.new_topic("hpb")
    gw = gantry([definition("messages/http-post/http-post-entrypoint-kafka-endpoint-override-topic.json",
                            kafka=kafka.bootstrap())])
    r = post(gw, "/test", headers={"X-Test-Header": "header-value", "X-Topic-Override-Request-Level": f"{a},{b}"})
    assert r.status_code == 202
    for topic in (a, b):
        [record] = kafka.consume(topic, 1, timeout=8)
        assert record.value() == BODY
        assert header(record, "X-Test-Header") == b"header-value"


def test_kafka_message_attribute_overrides_the_request_one(gantry):
    request_level, a, b = kafka.new_topic("hpr"), kafka.new_topic("hpm"), kafka.new_topic("hpn")
    gw = gantry([definition("messages/http-post/http-post-entrypoint-kafka-endpoint-override-topic.json",
                            kafka=kafka.bootstrap())])
    # Gravitee's test writes a space after the comma: topic names are trimmed.
    r = post(gw, "/test", headers={"X-Test-Header": "header-value", "X-Topic-Override-Request-Level": request_level,
                                   "X-Topic-Override-Message-Level": f"{a}, {b}"})
    assert r.status_code == 202
    for topic in (a, b):
        [record] = kafka.consume(topic, 1, timeout=8)
        assert record.value() == BODY
    # The publish-phase attribute replaced the request-phase one: nothing went to the request-level topic. A record
    # produced now is the first one there.
    kafka.produce(request_level, [b"marker"])
    assert [r.value() for r in kafka.consume(request_level, 1, timeout=5)] == [b"marker"]


# -- mqtt5 endpoint -------------------------------------------------------------------------------------------------

def mqtt_producer_topic(api, topic):
    def change(a):
        a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["producer"]["topic"] = topic
    return with_changes(api, change)


def has_user_property(msg, name, value):
    return any(k.lower() == name.lower() and v == value for k, v in user_properties(msg))


def first_message_after_subscribing(host, port, topic):
    """What a new subscriber receives first: a retained message if the broker keeps one, else the marker that this
    function publishes (not retained) right after subscribing."""
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        peer.publish(topic, b"marker")
        return peer.next()
    finally:
        peer.close()


def test_mqtt5_message_carries_body_and_headers_not_retained(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/test-topic"
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        gw = gantry([mqtt_producer_topic(definition("messages/http-post/http-post-entrypoint-mqtt5-endpoint.json",
                                                    mqtt=(host, port)), topic)])
        assert post(gw, "/test", headers={"X-Test-Header": "header-value"}).status_code == 202
        msg = peer.next()
    finally:
        peer.close()
    assert msg.topic == topic
    assert msg.payload == BODY
    assert not msg.retain
    assert has_user_property(msg, "X-Test-Header", "header-value")
    assert first_message_after_subscribing(host, port, topic).payload == b"marker"


def test_mqtt5_retained_message_reaches_later_subscribers(gantry):
    host, port = broker_address()
    topic = unique_prefix() + "/test-topic-retained"
    body = json.dumps({"field": "value-retained"}).encode()
    gw = gantry([mqtt_producer_topic(definition("messages/http-post/http-post-entrypoint-mqtt5-endpoint-retained.json",
                                                mqtt=(host, port)), topic)])
    assert post(gw, "/http-post-endpoint-mqtt5-endpoint-retained", body=body,
                headers={"X-Test-Header": "header-value"}).status_code == 202
    later = first_message_after_subscribing(host, port, topic)
    assert later.payload == body
    assert later.retain
    assert has_user_property(later, "X-Test-Header", "header-value")
    cleanup = Peer(host, port)  # an empty retained message clears it on the shared broker
    cleanup.publish(topic, b"", retain=True)
    cleanup.close()


def test_mqtt5_topic_from_attribute(gantry):
    host, port = broker_address()
    prefix = unique_prefix()
    configured, from_attribute = prefix + "/test-topic", prefix + "/test-topic-attribute"
    peer = Peer(host, port)
    try:
        peer.subscribe(prefix + "/#")
        gw = gantry([mqtt_producer_topic(definition(
            "messages/http-post/http-post-entrypoint-mqtt5-endpoint-attribute.json", mqtt=(host, port)), configured)])
        attribute_body = json.dumps({"field": "value-attribute"}).encode()
        assert post(gw, "/topic-from-attribute", body=attribute_body,
                    headers={"X-New-Topic": from_attribute}).status_code == 202
        assert post(gw, "/topic-from-attribute").status_code == 202
        got = {m.topic: m for m in (peer.next(), peer.next())}
    finally:
        peer.close()
    assert got[from_attribute].payload == attribute_body
    assert has_user_property(got[from_attribute], "X-New-Topic", from_attribute)
    assert got[configured].payload == BODY
