"""Webhook subscriptions over the kafka endpoint: each accepted subscription reads the topic through a consumer
group of its own (named after the subscription), so its position survives a gantry restart: at-least-once
delivery resumes after the last acknowledged record, with no gap."""
from helpers.kafka import bootstrap, kafka_endpoint_group, new_topic, produce
from helpers.waiting import wait_until
from test_message_webhook import Receiver, figures, receiver, subscribe  # noqa: F401 (receiver is a fixture)


# Known gap (docs/kafka.md): at shutdown the subscription's consumer does not yet leave its group, so after a
# restart the broker hands its partitions to the new consumer only when the old member's session expires. A short
# session keeps this test quick; the assertion is what matters: nothing lost, nothing skipped.
PROPS = {"session.timeout.ms": "6000", "heartbeat.interval.ms": "500"}


def kafka_webhook_api(topic, qos):
    return {"name": "kafka-hooks", "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
            "listeners": [{"type": "subscription", "entrypoints": [
                {"type": "webhook", "qos": qos,
                 "configuration": {"http": {"connectTimeout": 2000, "readTimeout": 2000}}}]}],
            "endpointGroups": [kafka_endpoint_group(consumer_topics=[topic], properties=PROPS)],
            "flows": [], "analytics": {"enabled": False}}


def bodies(receiver_):
    return [c["body"] for c in receiver_.snapshot() if c["status"] == 200]


def test_webhook_subscription_reads_the_topic_and_resumes_after_a_restart(gantry, receiver):
    bootstrap()
    topic = new_topic("hook")
    produce(topic, [f"k{i}".encode() for i in range(20)], headers=[("X-Origin", b"producer")])
    gw = gantry()
    with gw.management() as m:
        _, sub_id = subscribe(m, kafka_webhook_api(topic, "AT_LEAST_ONCE"), {"callbackUrl": receiver.url()})
    wait_until(lambda: len(bodies(receiver)) >= 20, 20, message="the first 20 records")
    first = receiver.snapshot()[0]
    assert first["headers"].get("X-Origin") == "producer"  # Kafka headers travel as HTTP headers

    gw.restart()
    produce(topic, [f"k{i}".encode() for i in range(20, 40)])
    wait_until(lambda: len(set(bodies(receiver))) >= 40, 30, message="the next 20 records after the restart")
    seen = bodies(receiver)
    # At-least-once: every record, in order of first arrival; a record in flight at the restart may come twice.
    assert list(dict.fromkeys(seen)) == [f"k{i}" for i in range(40)]
    assert len(seen) - 40 <= 1
    assert wait_until(lambda: (figures(gw, sub_id) or {}).get("delivered", 0) >= 20, 10, message="figures")


def test_a_closed_subscription_stops_reading(gantry, receiver):
    bootstrap()
    topic = new_topic("hookclose")
    gw = gantry()
    with gw.management() as m:
        api_id, sub_id = subscribe(m, kafka_webhook_api(topic, "AUTO"), {"callbackUrl": receiver.url()})
        produce(topic, [b"before"])
        wait_until(lambda: bodies(receiver) == ["before"], 20, message="the first record")
        assert m.post(f"/apis/{api_id}/subscriptions/{sub_id}/_close").status_code == 200
    wait_until(lambda: f"webhook subscription {sub_id}: delivery stopped" in gw.log(), 10, message="loop ended")
    produce(topic, [b"after"])
    other = Receiver()  # a second, independent subscription proves records still flow after the close
    try:
        with gw.management() as m:
            subscribe(m, kafka_webhook_api(topic, "AUTO"), {"callbackUrl": other.url()})
        wait_until(lambda: "after" in [c["body"] for c in other.snapshot()], 20, message="the other subscriber")
    finally:
        other.close()
    assert bodies(receiver) == ["before"]
