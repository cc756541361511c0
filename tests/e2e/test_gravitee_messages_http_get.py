"""Gravitee's own http-get definitions (messages/http-get/) deployed on Gantry, checked against what Gravitee's
HttpGetEntrypointMockEndpointIntegrationTest and HttpGetEntrypointKafkaEndpointIntegrationTest observe: message
counts bounded by the entrypoint's count, the `limit` parameter, the producer and the duration; JSON, XML and
text bodies; headers and metadata in the payload; Kafka cursors, paging and topic overrides by attribute."""
import base64
import xml.etree.ElementTree as ET

import pytest

from helpers import kafka
from helpers.gravitee import definition, with_changes
from helpers.messages import client


def json_items(gw, path, accept="application/json", headers=None):
    h = {"Accept": accept}
    h.update(headers or {})
    with client(gw) as c:
        r = c.get(path, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def assert_ordered_mock_messages(items, count):
    assert len(items) == count
    assert [int(i["id"]) for i in items] == list(range(count))
    assert all(i["content"] == "message" for i in items)


# -- mock endpoint --------------------------------------------------------------------------------------------------

def test_count_limit_of_the_entrypoint_bounds_a_fast_producer(gantry):
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint.json")])
    assert_ordered_mock_messages(json_items(gw, "/test")["items"], 12)


def test_mock_content_is_unchanged(gantry):
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint.json")])
    assert {i["content"] for i in json_items(gw, "/test")["items"]} == {"message"}


def test_limit_parameter_lowers_the_count(gantry):
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint.json")])
    assert_ordered_mock_messages(json_items(gw, "/test?limit=5")["items"], 5)


def test_a_producer_that_stops_early_ends_the_page(gantry):
    # The mock produces 5 messages only: the page holds those 5 and ends before the 500 ms run out.
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint-with-limit.json")])
    assert_ordered_mock_messages(json_items(gw, "/test")["items"], 5)


def test_duration_limit_reached_before_the_first_message_gives_an_empty_page(gantry):
    # One message a second, 500 ms to collect: nothing arrives in time, the page is empty (still 200).
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint-with-message-interval.json")])
    assert json_items(gw, "/test")["items"] == []


def test_headers_and_metadata_in_payload(gantry):
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint-with-headers-and-metadata.json")])
    items = json_items(gw, "/test")["items"]
    assert_ordered_mock_messages(items, 12)
    for item in items:
        assert item["headers"]["header1"] == ["headerValue1"]
        assert item["metadata"]["metadata1"] == "metadataValue1"


def test_xml_body(gantry):
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint.json")])
    with client(gw) as c:
        r = c.get("/test", headers={"Accept": "application/xml"})
    assert r.status_code == 200
    items = ET.fromstring(r.text).findall("./items/item")
    assert [int(i.findtext("id")) for i in items] == list(range(12))
    assert all(i.findtext("content") == "message" for i in items)


def test_text_plain_body(gantry):
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint.json")])
    with client(gw) as c:
        r = c.get("/test", headers={"Accept": "text/plain"})
    assert r.status_code == 200
    items, current = [], None
    for line in r.text.split("\n"):
        if line == "item":
            current = {}
            items.append(current)
        elif line.startswith("id: ") and current is not None:
            current["id"] = line[len("id: "):]
        elif line.startswith("content: ") and current is not None:
            current["content"] = line[len("content: "):]
    assert_ordered_mock_messages(items, 12)


def test_gateway_request_timeout_answers_504(gantry):
    # Gravitee's test sets http.requestTimeout=300 ms; the definition's latency policy waits 800 ms first.
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint-timeout.json")],
                config={"gateway.timeouts.request_ms": 300})
    with client(gw) as c:
        r = c.get("/test", headers={"Accept": "application/json"})
    assert r.status_code == 504
    assert r.json()["message"] == "Request timeout"
    assert r.json()["http_status_code"] == 504


def test_gateway_request_timeout_ends_with_the_request_phase(gantry):
    # As in Gravitee, the timeout bounds the request phase, not the page collected after it: a 100 ms latency
    # policy, then a page of 1 s, under a 500 ms timeout, is a full page.
    def change(a):
        a["flows"][0]["request"][0]["configuration"]["delay"] = 100
        a["listeners"][0]["entrypoints"][0]["configuration"]["messagesLimitDurationMs"] = 1000
        a["endpointGroups"][0]["endpoints"][0]["configuration"]["messageInterval"] = 100
    api = with_changes(definition("messages/http-get/http-get-entrypoint-mock-endpoint-timeout.json"), change)
    gw = gantry([api], config={"gateway.timeouts.request_ms": 500})
    items = json_items(gw, "/test")["items"]
    assert items and all(i["content"] == "message" for i in items)


def test_tenants_without_a_gateway_tenant_use_every_endpoint(gantry):
    # No Gravitee test deploys this file. A gateway without a tenant of its own ignores endpoint tenants.
    gw = gantry([definition("messages/http-get/http-get-entrypoint-mock-endpoint-with-tenants.json")])
    items = json_items(gw, "/test")["items"]
    assert len(items) == 12
    assert all(i["content"] == "message from endpoint tenant-1" for i in items)


# -- kafka endpoint -------------------------------------------------------------------------------------------------

def on_topic(api, topic):
    """The definition with its fixed consumer topic `test-topic` replaced by a fresh one (the broker is shared)."""
    def change(a):
        for ep in a["endpointGroups"][0]["endpoints"]:
            consumer = ep["sharedConfigurationOverride"]["consumer"]
            consumer["topics"] = [topic if t == "test-topic" else t for t in consumer["topics"]]
    return with_changes(api, change)


def quick(api, duration_ms=1000):
    """The definition with a shorter messagesLimitDurationMs, for a test whose page is known to end on the
    duration (its 10 s would only slow the run down; what is checked does not depend on it)."""
    def change(a):
        a["listeners"][0]["entrypoints"][0]["configuration"]["messagesLimitDurationMs"] = duration_ms
    return with_changes(api, change)


def cursor(topic, offset):
    return base64.b64encode(f"{topic}@0#{offset}".encode()).decode()


def test_kafka_pages_continue_where_the_previous_request_stopped(gantry):
    # As in Gravitee, the consumer group is the client's (its identifier: here a hash of its address), so a request
    # without cursor continues after the same client's previous page.
    topic = kafka.new_topic("hg")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    api = on_topic(definition("messages/http-get/http-get-entrypoint-kafka-endpoint.json",
                              kafka=kafka.bootstrap()), topic)
    gw = gantry([api])
    first = json_items(gw, "/test")["items"]
    assert [i["content"] for i in first] == ["message1", "message2"]
    # limit=1 ends a page on its one record instead of waiting out the definition's 10 s.
    assert [i["content"] for i in json_items(gw, "/test?limit=1")["items"]] == ["message3"]
    # Gravitee's test then finds the topic drained; a record produced now is the next page, alone.
    kafka.produce(topic, [b"message4"])
    assert [i["content"] for i in json_items(gw, "/test?limit=1")["items"]] == ["message4"]


def test_kafka_clients_named_apart_keep_positions_apart(gantry):
    # X-Gravitee-Client-Identifier names the client: each name has its own consumer group, so one client's pages do
    # not move the other's position. The name is echoed back.
    topic = kafka.new_topic("hgcid")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    gw = gantry([on_topic(definition("messages/http-get/http-get-entrypoint-kafka-endpoint.json",
                                     kafka=kafka.bootstrap()), topic)])

    def page(name, path="/test"):
        with client(gw) as c:
            r = c.get(path, headers={"Accept": "application/json", "X-Gravitee-Client-Identifier": name})
        assert r.status_code == 200, r.text
        assert r.headers["x-gravitee-client-identifier"] == name
        return [i["content"] for i in r.json()["items"]]

    assert page("client-a") == ["message1", "message2"]
    assert page("client-b") == ["message1", "message2"]
    assert page("client-a", "/test?limit=1") == ["message3"]
    assert page("client-b", "/test?limit=1") == ["message3"]


def test_kafka_default_qos_items_carry_their_id(gantry):
    # A deliberate difference (docs/gravitee-compatibility.md): with the default (auto) QoS Gravitee's items carry
    # no id; Gantry sends the Kafka position at every QoS, so a client can always resume with it as its cursor.
    topic = kafka.new_topic("hgid")
    kafka.produce(topic, [b"message1", b"message2"])
    api = on_topic(definition("messages/http-get/http-get-entrypoint-kafka-endpoint.json",
                              kafka=kafka.bootstrap()), topic)
    gw = gantry([api])
    items = json_items(gw, "/test")["items"]
    assert [i["content"] for i in items] == ["message1", "message2"]
    assert [base64.b64decode(i["id"]).decode() for i in items] == [f"{topic}@0#0", f"{topic}@0#1"]


QOS_DEFINITIONS = pytest.mark.parametrize("name,path", [
    ("messages/http-get/http-get-entrypoint-kafka-endpoint-at-least-once.json", "/test-at-least-once"),
    ("messages/http-get/http-get-entrypoint-kafka-endpoint-at-most-once.json", "/test-at-most-once"),
])


@QOS_DEFINITIONS
def test_kafka_qos_pages_carry_ids_and_next_cursor(gantry, name, path):
    topic = kafka.new_topic("hgq")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    gw = gantry([on_topic(definition(name, kafka=kafka.bootstrap()), topic)])
    body = json_items(gw, path)
    assert [(i["id"], i["content"]) for i in body["items"]] == [(cursor(topic, 0), "message1"),
                                                                (cursor(topic, 1), "message2")]
    assert body["pagination"]["nextCursor"] == cursor(topic, 1)
    # Gravitee's test continues without a cursor (test_kafka_qos_pages_continue_without_cursor); the cursor gives
    # the same page. limit=1 ends the page on the one record left instead of waiting out the definition's 10 s.
    body = json_items(gw, f"{path}?cursor={body['pagination']['nextCursor']}&limit=1")
    assert [(i["id"], i["content"]) for i in body["items"]] == [(cursor(topic, 2), "message3")]
    assert body["pagination"]["nextCursor"] == cursor(topic, 2)


@QOS_DEFINITIONS
def test_kafka_empty_page_keeps_the_cursor(gantry, name, path):
    topic = kafka.new_topic("hge")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    gw = gantry([quick(on_topic(definition(name, kafka=kafka.bootstrap()), topic))])
    body = json_items(gw, f"{path}?cursor={cursor(topic, 2)}")
    assert body["items"] == []
    assert body["pagination"]["nextCursor"] == cursor(topic, 2)


@QOS_DEFINITIONS
def test_kafka_qos_pages_continue_without_cursor(gantry, name, path):
    topic = kafka.new_topic("hgc")
    kafka.produce(topic, [b"message1", b"message2", b"message3"])
    gw = gantry([on_topic(definition(name, kafka=kafka.bootstrap()), topic)])
    assert [i["content"] for i in json_items(gw, path)["items"]] == ["message1", "message2"]
    body = json_items(gw, path + "?limit=1")
    assert [i["content"] for i in body["items"]] == ["message3"]
    assert body["pagination"]["nextCursor"] == cursor(topic, 2)
    # Gravitee's test then finds the topic drained; a record produced now is the next page, alone.
    kafka.produce(topic, [b"message4"])
    assert [i["content"] for i in json_items(gw, path + "?limit=1")["items"]] == ["message4"]


def test_kafka_failure_is_reported_in_the_page(gantry):
    # bootstrapServers "wrong" stays as it is (no kafka= rewrite): the consumer cannot be created.
    gw = gantry([quick(definition("messages/http-get/http-get-entrypoint-kafka-endpoint-failure.json"))])
    body = json_items(gw, "/test-failure")
    assert body["items"] == []
    assert body["error"]["id"]
    assert body["error"]["metadata"]["key"] == "FAILURE_ENDPOINT_CONFIGURATION_INVALID"


def test_kafka_tenants_without_a_gateway_tenant_round_robin_over_both_endpoints(gantry):
    # No Gravitee test deploys this file. A gateway without a tenant of its own ignores endpoint tenants, so the
    # group's round-robin sends successive requests to each endpoint (each reading a topic of its own) in turn.
    first, second = kafka.new_topic("hgt1"), kafka.new_topic("hgt2")
    kafka.produce(first, [b"one-1", b"one-2"])
    kafka.produce(second, [b"two-1", b"two-2"])

    def change(a):
        for endpoint, topic in zip(a["endpointGroups"][0]["endpoints"], (first, second)):
            endpoint["sharedConfigurationOverride"]["consumer"]["topics"] = [topic]
    gw = gantry([with_changes(definition("messages/http-get/http-get-entrypoint-kafka-endpoint-with-tenants.json",
                                         kafka=kafka.bootstrap()), change)])
    pages = sorted([i["content"] for i in json_items(gw, "/test")["items"]] for _ in range(2))
    assert pages == [["one-1", "one-2"], ["two-1", "two-2"]]


def test_kafka_topics_overridden_by_attribute(gantry):
    topic, other = kafka.new_topic("hgo"), kafka.new_topic("hgo-attr")
    kafka.produce(topic, [b"message1", b"message2"])
    kafka.produce(other, [b"another-message"])
    api = on_topic(definition("messages/http-get/http-get-entrypoint-kafka-endpoint-override-topic.json",
                              kafka=kafka.bootstrap()), topic)
    gw = gantry([api])
    items = json_items(gw, f"/test/{other}", headers={"X-Topic-Override-Request-Level": f"{topic},{other}"})["items"]
    got = sorted((i["metadata"]["topic"], i["content"]) for i in items)
    assert got == sorted([(topic, "message1"), (topic, "message2"), (other, "another-message")])
    assert [i["content"] for i in items if i["metadata"]["topic"] == topic] == ["message1", "message2"]


def test_kafka_dynamic_configuration_overrides_topics_and_offset_reset(gantry):
    topic, other = kafka.new_topic("hgd"), kafka.new_topic("hgd-dyn")
    kafka.produce(topic, [b"message1", b"message2"])
    kafka.produce(other, [b"another-message"])
    gw = gantry([definition("messages/http-get/http-get-entrypoint-kafka-endpoint-dynamic-configuration.json",
                            kafka=kafka.bootstrap())])
    items = json_items(gw, "/test/test-dynamic-configuration",
                       headers={"X-AutoOffsetReset": "earliest",
                                "X-Topic-Override-Request-Level": f"{topic},{other}"})["items"]
    got = sorted((i["metadata"]["topic"], i["content"]) for i in items)
    assert got == sorted([(topic, "message1"), (topic, "message2"), (other, "another-message")])


def test_kafka_dynamic_configuration_violation_is_500(gantry):
    topic = kafka.new_topic("hgv")
    gw = gantry([quick(definition("messages/http-get/http-get-entrypoint-kafka-endpoint-dynamic-configuration.json",
                                  kafka=kafka.bootstrap()))])
    with client(gw) as c:
        r = c.get("/test/x", headers={"Accept": "application/json", "X-AutoOffsetReset": "constraint_violation",
                                      "X-Topic-Override-Request-Level": topic})
    assert r.status_code == 500
    assert r.json()["message"] == "Invalid configuration"
