"""The kafka endpoint's connection reporting (docs/kafka.md, "Connecting"): a subscription whose broker cannot be
reached is answered 500 "Endpoint connection failed" as soon as librdkafka says so, whichever consumer serves it
(a live subscriber's shared consumer, an http-get page's own consumer, an at-least-once consumer group), and one
whose broker answers begins its stream once the consumer holds its partitions."""
import pytest

from helpers.gateway import free_port
from helpers.kafka import kafka_api, new_topic, produce
from helpers.messages import SseReader, client, sse_stream


def unreachable_api(topic, qos):
    api = kafka_api("k", "/k", [{"type": "sse", "qos": qos}, {"type": "http-get", "qos": "auto"}],
                    consumer_topics=[topic])
    api["endpointGroups"][0]["endpoints"][0]["configuration"]["bootstrapServers"] = f"127.0.0.1:{free_port()}"
    return api


@pytest.mark.parametrize("qos", ["auto", "at-least-once"])  # a live subscriber's shared consumer; a group's own
def test_sse_subscriber_of_an_unreachable_broker_is_answered_500(gantry, qos):
    gw = gantry([unreachable_api("nowhere", qos)])
    with client(gw) as c, sse_stream(c, "/k") as response:
        response.read()
        assert response.status_code == 500
        assert response.text == "Endpoint connection failed"
    assert "kafka gantry-consumer" in gw.log()  # librdkafka's report, which the subscriber was told


def test_http_get_page_of_an_unreachable_broker_is_answered_500(gantry):
    gw = gantry([unreachable_api("nowhere", "auto")])
    with client(gw) as c:
        response = c.get("/k", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.json()["message"] == "Endpoint connection failed"


def test_stream_of_a_reachable_broker_begins_and_delivers(gantry):
    topic = new_topic("connecting")
    produce(topic, [b"before"])
    gw = gantry([kafka_api("k", "/k", [{"type": "sse", "qos": "auto"}], consumer_topics=[topic])])
    with client(gw) as c, sse_stream(c, "/k") as response:
        assert response.status_code == 200
        reader = SseReader(response)
        event = reader.next_block()
        while event is not None and not event.data_lines:  # the retry frame, heartbeats
            event = reader.next_block()
        assert event is not None and event.data == "before"  # autoOffsetReset earliest
