"""Gravitee's own webhook definitions (messages/webhook/ over Kafka and MQTT 5, messages/metrics/webhook-…)
deployed on Gantry through the management API with a push subscription, checked against what Gravitee's
Webhook*EndpointIntegrationTest and MetricsIntegrationTest observe at the callback: every message POSTed once, in
its body, with the subscription's additional headers.

No Gravitee test deploys webhook-entrypoint-kafka-endpoint.json or webhook-entrypoint-mqtt5-endpoint.json (its
webhook tests use copies under messages/kafka and messages/mqtt5); the scenarios here are those tests' ones."""
from helpers import kafka
from helpers.gravitee import definition, with_changes
from helpers.mqtt import Peer, broker_address, probe_until_flowing, unique_prefix
from helpers.waiting import wait_until
from test_message_webhook import receiver, subscribe  # noqa: F401 (receiver is a fixture)

HEADERS = [{"name": "Header1", "value": "my-header-1-value"}, {"name": "Header2", "value": "my-header-2-value"}]


def bodies(r, path="/webhook"):
    return [c["body"] for c in r.snapshot() if c["path"] == path]


def test_kafka_records_are_posted_once_each_with_headers(gantry, receiver):  # noqa: F811
    topic = kafka.new_topic("wh")
    kafka.produce(topic, [f"message-{i}".encode() for i in range(10)])

    def change(a):
        a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["consumer"]["topics"] = [topic]
    api = with_changes(definition("messages/webhook/webhook-entrypoint-kafka-endpoint.json",
                                  kafka=kafka.bootstrap()), change)
    gw = gantry()
    with gw.management() as m:
        subscribe(m, api, {"callbackUrl": receiver.url("/webhook"), "headers": HEADERS})
    wait_until(lambda: len(bodies(receiver)) >= 10, 20, message="10 callbacks")
    calls = receiver.snapshot()
    assert sorted(c["body"] for c in calls) == sorted(f"message-{i}" for i in range(10))
    for call in calls:
        assert call["headers"]["Header1"] == "my-header-1-value"
        assert call["headers"]["Header2"] == "my-header-2-value"


def test_mqtt5_messages_are_posted_once_each(gantry, receiver):  # noqa: F811
    host, port = broker_address()
    topic = unique_prefix() + "/test-topic"

    def change(a):
        a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["consumer"]["topic"] = topic
    api = with_changes(definition("messages/webhook/webhook-entrypoint-mqtt5-endpoint.json", mqtt=(host, port)),
                       change)
    gw = gantry()
    peer = Peer(host, port)
    try:
        with gw.management() as m:
            subscribe(m, api, {"callbackUrl": receiver.url("/webhook"), "headers": HEADERS})
        probes = []

        def publish_probe():
            probes.append(f"probe-{len(probes)}")
            peer.publish(topic, probes[-1].encode())

        def seen_probe():
            try:
                wait_until(lambda: any(b.startswith("probe-") for b in bodies(receiver)), 0.5)
                return True
            except AssertionError:
                return False

        probe_until_flowing(publish_probe, seen_probe)
        for i in range(10):
            peer.publish(topic, f"message-{i}".encode())
    finally:
        peer.close()
    wait_until(lambda: len([b for b in bodies(receiver) if b.startswith("message-")]) >= 10, 20,
               message="10 callbacks")
    calls = [c for c in receiver.snapshot() if c["body"].startswith("message-")]
    assert [c["body"] for c in calls] == [f"message-{i}" for i in range(10)]
    assert all(c["headers"]["Header1"] == "my-header-1-value" for c in calls)


def test_metrics_definition_posts_the_mock_messages(gantry, receiver):  # noqa: F811
    # Gravitee's MetricsIntegrationTest then reads its test reporter (a Gravitee-only plugin); what the callback
    # sees is the mock's messages.
    gw = gantry()
    with gw.management() as m:
        subscribe(m, definition("messages/metrics/webhook-entrypoint-mock-endpoint.json"),
                  {"callbackUrl": receiver.url("/webhook/test")})
    wait_until(lambda: len(bodies(receiver, "/webhook/test")) >= 10, 20, message="10 callbacks")
    assert all(b == "message" for b in bodies(receiver, "/webhook/test"))
