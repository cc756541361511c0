"""http-post into Kafka through the kafka endpoint, checked with an independent client (confluent-kafka): content,
record key, headers, both QoS levels; a broker that is down answers 503 JSON and the gateway carries on; bad
kafka configurations are refused at deploy with their JSON paths."""
import json
import os
import subprocess

import pytest

from helpers.kafka import bootstrap, consume, control, decode_id, kafka_api, new_topic
from helpers.management import create_api, deploy, problems, start, wait_for
from helpers.messages import SseReader, client, engine_stats, sse_stream
from helpers.waiting import wait_until
from test_management_errors import SEED_001

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "apis",
                       "kafka-ingest-and-stream.json")


def post_ep(qos=None, headers=True):
    ep = {"type": "http-post", "configuration": {"requestHeadersToMessage": headers}}
    if qos:
        ep["qos"] = qos
    return ep


@pytest.mark.parametrize("qos", ["AUTO", "NONE"])
def test_post_lands_in_the_topic_with_key_and_headers(gantry, qos):
    topic = new_topic("post")
    gw = gantry([kafka_api("in", "/in", [post_ep(qos)], producer_topics=[topic])])
    with client(gw) as c:
        for i in range(3):
            r = c.post("/in", content=f"order {i}".encode(),
                       headers={"X-Kafka-Record-Key": "customer-7", "X-Trace": f"trace-{i}"})
            assert r.status_code == 202, r.text
    records = consume(topic, 3)
    assert [m.value() for m in records] == [b"order 0", b"order 1", b"order 2"]
    assert {m.key() for m in records} == {b"customer-7"}
    for i, m in enumerate(records):
        headers = {k.lower(): v for k, v in m.headers()}
        assert headers["x-trace"] == f"trace-{i}".encode()
        assert "x-kafka-record-key" not in headers  # the key option is not forwarded as a header
    wait_until(lambda: engine_stats(gw)["published"] == 3, 10, message="3 published")


def test_one_topic_per_message_list(gantry):
    first, second = new_topic("a"), new_topic("b")
    gw = gantry([kafka_api("two", "/two", [post_ep(headers=False)], producer_topics=[first, second])])
    with client(gw) as c:
        assert c.post("/two", content=b"to both").status_code == 202
    assert [m.value() for m in consume(first, 1)] == [b"to both"]
    assert [m.value() for m in consume(second, 1)] == [b"to both"]


@pytest.mark.exclusive  # the broker is shared by every test running at the same time
def test_broker_down_answers_503_json_then_recovers(gantry):
    topic = new_topic("down")
    # A short delivery timeout keeps the test quick; the default bound is 10 s (docs/kafka.md).
    gw = gantry([kafka_api("d", "/d", [post_ep()], producer_topics=[topic],
                           properties={"message.timeout.ms": 2000})])
    with client(gw) as c:
        assert c.post("/d", content=b"before").status_code == 202
        control("down")
        try:
            r = c.post("/d", content=b"during")
            assert r.status_code == 503
            assert r.headers["content-type"].startswith("application/json")
            body = r.json()
            assert body["http_status_code"] == 503
            assert body["message"] == "The message could not be published"
            assert gw.running()
        finally:
            control("up")
        # The same producer reconnects by itself.
        wait_until(lambda: c.post("/d", content=b"after").status_code == 202, 30, interval_s=0.5,
                   message="a publish accepted after the broker came back")
    values = [m.value() for m in consume(topic, 2)]
    assert values[0] == b"before" and b"after" in values[1:]
    assert "%3|" not in gw.stderr() and "%4|" not in gw.stderr()  # librdkafka logs through the gateway's log


def check(gantry_bin, tmp_path, api):
    path = tmp_path / "api.json"
    path.write_text(json.dumps(api))
    return subprocess.run([gantry_bin, "check", str(path)], capture_output=True, text=True)


def test_bad_configs_are_refused_with_json_paths(gantry_bin, tmp_path):
    api = kafka_api("bad", "/bad", [post_ep()], producer_topics=["t"])
    endpoint = api["endpointGroups"][0]["endpoints"][0]
    shared = "$.endpointGroups[0].sharedConfiguration"

    endpoint["configuration"] = {}
    out = check(gantry_bin, tmp_path, api)
    assert out.returncode == 1
    assert "$.endpointGroups[0].endpoints[0].configuration: missing required field 'bootstrapServers'" in out.stderr

    endpoint["configuration"] = {"bootstrapServers": bootstrap()}
    api["endpointGroups"][0]["sharedConfiguration"]["security"] = {"protocol": "SASL_PLAINTEXT"}
    out = check(gantry_bin, tmp_path, api)
    assert out.returncode == 1
    assert f"{shared}.security" in out.stderr

    api["endpointGroups"][0]["sharedConfiguration"]["security"] = {"protocol": "PLAINTEXT"}
    api["endpointGroups"][0]["sharedConfiguration"]["properties"] = {"linger.mss": 5}
    out = check(gantry_bin, tmp_path, api)
    assert out.returncode == 1
    assert f"{shared}.properties['linger.mss']: librdkafka refuses it" in out.stderr

    del api["endpointGroups"][0]["sharedConfiguration"]["properties"]
    api["endpointGroups"][0]["sharedConfiguration"]["producer"]["topics"] = ["not a topic!"]
    out = check(gantry_bin, tmp_path, api)
    assert out.returncode == 1
    assert f"{shared}.producer.topics[0]: 'not a topic!' is not a legal Kafka topic name" in out.stderr


def test_bad_config_is_refused_by_the_management_api(gantry):
    gw = gantry()
    api = kafka_api("badm", "/badm", [post_ep()], producer_topics=["t"])
    api["endpointGroups"][0]["endpoints"][0]["configuration"] = {"bootstrapServers": " , "}
    api["endpointGroups"][0]["sharedConfiguration"]["consumer"] = {"enabled": True}
    with gw.management() as m:
        r = m.post("/apis", json=api)
        assert r.status_code == 400, r.text
        found = problems(r)
        assert "host:port" in found["$.endpointGroups[0].endpoints[0].configuration.bootstrapServers"]
        assert "'topics' or 'topicPattern'" in found["$.endpointGroups[0].sharedConfiguration.consumer"]


def test_seed_001_body_deploys_as_is_and_publishes(gantry):
    """Seed 001's body, only the broker address and topic changed, deployed through the management API."""
    topic = new_topic("seed")
    seed = json.loads(json.dumps(SEED_001))
    configuration = seed["endpointGroups"][0]["endpoints"][0]["configuration"]
    configuration["bootstrapServers"] = bootstrap()
    configuration["topics"] = [topic]
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, seed)
        deploy(m, api_id)
        start(m, api_id)
    # Deployed: a GET finds the API (and no GET entrypoint on it) instead of no route.
    wait_for(gw, "/data/ingestion/kafka", lambda r: "No entrypoint" in r.text)
    with client(gw) as c:
        r = c.post("/data/ingestion/kafka", content=b'{"temperature": 21}')
        assert r.status_code == 202, r.text
    assert [m.value() for m in consume(topic, 1)] == [b'{"temperature": 21}']


def test_kafka_example_of_the_tour(gantry, slow):
    """examples/apis/kafka-ingest-and-stream.json, pointed at the test broker: POST in, SSE out."""
    with open(EXAMPLE) as f:
        api = json.load(f)
    topic = new_topic("demo")
    group = api["endpointGroups"][0]
    group["endpoints"][0]["configuration"]["bootstrapServers"] = bootstrap()
    group["sharedConfiguration"]["consumer"]["topics"] = [topic]
    group["sharedConfiguration"]["producer"]["topics"] = [topic]
    group["sharedConfiguration"]["consumer"]["autoOffsetReset"] = "earliest"  # no race with the SSE client's start
    gw = gantry([api])
    with client(gw) as c:
        assert c.post("/demo/kafka", content=b"hello kafka").status_code == 202
        with sse_stream(c, "/demo/kafka") as r:
            ev = SseReader(r).next_event()
    assert ev.data == "hello kafka"
    assert decode_id(ev.id) == f"{topic}@0#0"
    assert f"topic: {topic}" in ev.comments and "offset: 0" in ev.comments
