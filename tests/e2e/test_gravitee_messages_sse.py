"""Gravitee's own SSE definitions (messages/sse/, messages/metrics/sse-…) deployed on Gantry, checked against what
Gravitee's SseEntrypointMockEndpointIntegrationTest, SseEntrypointKafkaEndpointIntegrationTest and
MetricsIntegrationTest observe on the wire: a retry block first, then one block per message (id, event, data),
comments for headers and metadata, heartbeats, and a goaway event when the gateway drains."""
import base64
import pytest

from helpers import kafka
from helpers.gravitee import definition, with_changes
from helpers.messages import SseReader, client, sse_stream

HELLO = '{ "message": "hello" }'


def blocks(gw, count, path="/test"):
    """The first `count` SSE blocks (retry, comments, events alike) of a stream on `path`."""
    with client(gw) as c, sse_stream(c, path) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        reader = SseReader(r)
        return [reader.next_block() for _ in range(count)]


def is_retry_only(block):
    return block.retry is not None and not block.data_lines and block.id is None and not block.comments


def test_retry_then_messages_with_ids(gantry):
    gw = gantry([definition("messages/sse/sse-entrypoint-mock-endpoint.json")])
    first, m0, m1 = blocks(gw, 3)
    assert is_retry_only(first)
    for index, block in enumerate((m0, m1)):
        assert block.id == str(index)
        assert block.event == "message"
        assert block.data == HELLO
        assert block.comments == []


def test_headers_and_metadata_as_comments(gantry):
    gw = gantry([definition("messages/sse/sse-entrypoint-with-comments-mock-endpoint.json")])
    first, m0, m1 = blocks(gw, 3)
    assert is_retry_only(first)
    for index, block in enumerate((m0, m1)):
        assert block.id == str(index)
        assert block.data == HELLO
        stamps = [c for c in block.comments if c.startswith("sourceTimestamp: ")]
        assert len(stamps) == 1 and stamps[0][len("sourceTimestamp: "):].isdigit()
        assert sorted(c for c in block.comments if c not in stamps) == ["greeting: mate", "type: informal"]


def test_heartbeats_are_empty_comments(gantry):
    # One message every 3 s, a heartbeat every 2 s: within the first four blocks after retry comes a heartbeat,
    # written exactly ":" on a line of its own.
    gw = gantry([definition("messages/sse/sse-entrypoint-mock-endpoint-heartbeat.json")])
    got = blocks(gw, 3)
    assert is_retry_only(got[0])
    heartbeats = [b for b in got[1:] if b.comments == [""] and not b.data_lines and b.id is None]
    messages = [b for b in got[1:] if b.data_lines]
    assert len(heartbeats) >= 1
    assert all(m.data == HELLO for m in messages)


def test_heartbeat_comes_before_the_first_slow_message(gantry):
    gw = gantry([definition("messages/sse/sse-entrypoint-mock-endpoint-heartbeat.json")])
    retry, heartbeat, message = blocks(gw, 3)
    assert is_retry_only(retry)
    assert heartbeat.comments == [""] and not heartbeat.data_lines
    assert message.id == "0" and message.data == HELLO


def test_drain_sends_goaway(gantry):
    gw = gantry([definition("messages/sse/sse-entrypoint-mock-endpoint.json")])
    events = []
    with client(gw) as c, sse_stream(c, "/test") as r:
        reader = SseReader(r)
        events.append(reader.next_event())
        gw.proc.send_signal(15)
        while True:
            try:
                event = reader.next_event()
            except Exception:  # the connection was closed under the reader
                break
            if event is None:
                break
            events.append(event)
    gw.stop(expect_code=0)
    assert events[-1].event == "goaway"


def test_kafka_records_in_order(gantry):
    topic = kafka.new_topic("sse")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    api = with_changes(definition("messages/sse/sse-entrypoint-kafka-endpoint.json", kafka=kafka.bootstrap()),
                       lambda a: a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["consumer"]
                       .__setitem__("topics", [topic]))
    gw = gantry([api])
    got = blocks(gw, 4)
    assert is_retry_only(got[0])
    assert [(b.event, b.data) for b in got[1:]] == [("message", "message1"), ("message", "message2"),
                                                    ("message", "message3")]


def test_kafka_default_qos_events_carry_their_id(gantry):
    # A deliberate difference (docs/gravitee-compatibility.md): with the default (auto) QoS Gravitee sends no id
    # line; Gantry sends the Kafka position at every QoS, so a client that reconnects resumes with Last-Event-ID.
    topic = kafka.new_topic("sseid")
    kafka.produce(topic, [b"message1"])
    api = with_changes(definition("messages/sse/sse-entrypoint-kafka-endpoint.json", kafka=kafka.bootstrap()),
                       lambda a: a["endpointGroups"][0]["endpoints"][0]["sharedConfigurationOverride"]["consumer"]
                       .__setitem__("topics", [topic]))
    gw = gantry([api])
    retry, message = blocks(gw, 2)
    assert message.data == "message1"
    assert base64.b64decode(message.id).decode() == f"{topic}@0#0"


def test_metrics_definition_streams_its_two_messages_then_ends(gantry):
    # Gravitee's MetricsIntegrationTest checks what its test reporter (a Gravitee-only plugin) receives; what a
    # client sees is the mock's two messages and the end of the stream.
    gw = gantry([definition("messages/metrics/sse-entrypoint-mock-endpoint.json")])
    with client(gw) as c, sse_stream(c, "/test", {"X-Gravitee-Transaction-Id": "my-transaction-id",
                                                  "X-Gravitee-Client-Identifier": "my-client-id"}) as r:
        assert r.status_code == 200
        assert r.headers["x-gravitee-transaction-id"] == "my-transaction-id"
        reader = SseReader(r)
        events = [reader.next_event() for _ in range(2)]
        assert [e.id for e in events] == ["0", "1"]
        assert reader.next_event() is None
