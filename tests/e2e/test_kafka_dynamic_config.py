"""The kafka endpoint's dynamic configuration (Gravitee's): EL in any string of the endpoint's configuration,
evaluated against the request, and overrides by `gravitee.attributes.endpoint.kafka.<path>` attributes (set here by
assign-attributes), for publishing (http-post) and subscribing (http-get), with and without flows. An evaluated
configuration that does not validate is refused with 500 "Invalid configuration". The http-get definition of
Gravitee's own tests is in test_gravitee_messages_http_get.py."""
import json
import subprocess

from helpers.flows import http_flow, step
from helpers.kafka import consume, kafka_api, new_topic, produce
from helpers.messages import client


def assign(name, value, when_header=None):
    extra = {"condition": f"{{#request.headers['{when_header}'] != null}}"} if when_header else {}
    return step("assign-attributes", {"scope": "REQUEST", "attributes": [{"name": name, "value": value}]}, **extra)


def with_flow(api, *steps):
    api["flows"] = [http_flow("dynamic", request=list(steps))]
    return api


def shared(api):
    return api["endpointGroups"][0]["sharedConfiguration"]


def post_api(topics, *steps):
    api = kafka_api("dyn-post", "/in", [{"type": "http-post", "configuration": {"requestHeadersToMessage": False}}],
                    producer_topics=topics)
    return with_flow(api, *steps) if steps else api


def get_api(topics, offset_reset="latest", *steps):
    api = kafka_api("dyn-get", "/out", [{"type": "http-get", "configuration": {
        "messagesLimitCount": 2, "messagesLimitDurationMs": 5000}}], consumer_topics=topics,
        offset_reset=offset_reset)
    return with_flow(api, *steps) if steps else api


def invalid_configuration(r):
    assert r.status_code == 500, r.text
    assert r.json()["message"] == "Invalid configuration"


def test_producer_topics_overridden_by_attribute(gantry):
    configured, chosen = new_topic("dyn-conf"), new_topic("dyn-chosen")
    gw = gantry([post_api([configured], assign("gravitee.attributes.endpoint.kafka.producer.topics",
                                               "{#request.headers['X-Topic'][0]}", "X-Topic"))])
    with client(gw) as c:
        assert c.post("/in", content=b"to the chosen one", headers={"X-Topic": chosen}).status_code == 202
        assert c.post("/in", content=b"as configured").status_code == 202  # the flow's attribute is unset
    assert [m.value() for m in consume(chosen, 1)] == [b"to the chosen one"]
    assert [m.value() for m in consume(configured, 1)] == [b"as configured"]


def test_expression_in_producer_topics_is_evaluated_per_request(gantry):
    a, b = new_topic("dyn-a"), new_topic("dyn-b")
    api = post_api(["{#request.headers['X-Topic'][0]}"])
    gw = gantry([api])  # no flows: the expression sees the request alone
    with client(gw) as c:
        assert c.post("/in", content=b"one", headers={"X-Topic": a}).status_code == 202
        assert c.post("/in", content=b"two", headers={"X-Topic": b}).status_code == 202
        # No header: the expression cannot be evaluated; a topic name that Kafka refuses does not validate.
        invalid_configuration(c.post("/in", content=b"lost"))
        invalid_configuration(c.post("/in", content=b"lost", headers={"X-Topic": "not a topic"}))
    assert [m.value() for m in consume(a, 1)] == [b"one"]
    assert [m.value() for m in consume(b, 1)] == [b"two"]


def test_a_producer_setting_override_gets_a_producer_of_its_own(gantry):
    topic = new_topic("dyn-gzip")
    gw = gantry([post_api([topic], assign("gravitee.attributes.endpoint.kafka.producer.compressionType",
                                          "{#request.headers['X-Compression'][0]}", "X-Compression"))])
    with client(gw) as c:
        assert c.post("/in", content=b"plain").status_code == 202
        assert c.post("/in", content=b"zipped", headers={"X-Compression": "gzip"}).status_code == 202
        invalid_configuration(c.post("/in", content=b"lost", headers={"X-Compression": "brotli"}))
    assert sorted(m.value() for m in consume(topic, 2)) == [b"plain", b"zipped"]


def test_consumer_offset_reset_overridden_by_attribute(gantry):
    # The configuration reads from `latest`: the records produced before would never show. The attribute (a
    # field that is no list) makes this request's own consumer start at the earliest offset.
    topic = new_topic("dyn-reset")
    produce(topic, [b"old-1", b"old-2"])
    gw = gantry([get_api([topic], "latest",
                         assign("gravitee.attributes.endpoint.kafka.consumer.autoOffsetReset", "earliest"))])
    with client(gw) as c:
        r = c.get("/out", headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert [i["content"] for i in r.json()["items"]] == ["old-1", "old-2"]


def test_consumer_topics_from_an_expression_without_flows(gantry):
    topic = new_topic("dyn-el")
    produce(topic, [b"m1", b"m2"])
    api = get_api(["{#request.headers['X-Topic'][0]}"], "{#request.headers['X-Reset'][0]}")
    gw = gantry([api])
    with client(gw) as c:
        r = c.get("/out", headers={"Accept": "application/json", "X-Topic": topic, "X-Reset": "earliest"})
        assert r.status_code == 200, r.text
        assert [i["content"] for i in r.json()["items"]] == ["m1", "m2"]
        invalid_configuration(c.get("/out", headers={"Accept": "application/json", "X-Topic": topic,
                                                      "X-Reset": "sometimes"}))


def test_literal_values_are_still_checked_at_deploy(gantry_bin, tmp_path):
    api = get_api(["t"], "sometimes")
    path = tmp_path / "api.json"
    path.write_text(json.dumps(api))
    out = subprocess.run([gantry_bin, "check", str(path)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "autoOffsetReset" in out.stdout + out.stderr
