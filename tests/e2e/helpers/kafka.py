"""Kafka for the end-to-end tests: v4 message APIs over the kafka endpoint, fresh topics on the test broker
(KAFKA_BOOTSTRAP, KAFKA_CONTROL from scripts/services.sh) and an independent client (confluent-kafka)."""
import base64
import os
import uuid

import pytest

from helpers.waiting import wait_until


def bootstrap():
    servers = os.environ.get("KAFKA_BOOTSTRAP")
    if not servers and os.environ.get("KAFKA_CONTROL"):
        pytest.fail("services.sh started the Kafka test broker but KAFKA_BOOTSTRAP is empty")
    if not servers:
        pytest.skip("KAFKA_BOOTSTRAP is not set: run under scripts/services.sh (make test does)")
    return servers


def control(command):
    """A command for the test broker: down, up, topic NAME PARTITIONS (see tests/kafka_broker)."""
    with open(os.environ["KAFKA_CONTROL"], "w") as f:
        f.write(command + "\n")


def new_topic(prefix="t", partitions=1):
    """A topic nobody else uses, created on the broker and visible in its metadata."""
    from confluent_kafka.admin import AdminClient
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    control(f"topic {name} {partitions}")
    admin = AdminClient({"bootstrap.servers": bootstrap()})
    wait_until(lambda: name in admin.list_topics(timeout=5).topics, 10, message=f"topic {name}")
    return name


def producer():
    from confluent_kafka import Producer
    return Producer({"bootstrap.servers": bootstrap(), "linger.ms": 1})


def produce(topic, values, key=None, headers=None):
    p = producer()
    for v in values:
        p.produce(topic, value=v, key=key, headers=headers)
    assert p.flush(15) == 0


def consume(topic, count, timeout=15):
    """The first `count` records of `topic`, read from the beginning by a group of its own."""
    import time

    from confluent_kafka import Consumer
    c = Consumer({"bootstrap.servers": bootstrap(), "group.id": "e2e-" + uuid.uuid4().hex,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    out = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < count and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is not None and not m.error():
                out.append(m)
    finally:
        c.close()
    return out


def kafka_endpoint_group(consumer_topics=(), producer_topics=(), offset_reset="earliest", properties=None,
                         encode_ids=True):
    configuration = {"bootstrapServers": bootstrap()}
    shared = {
        "consumer": {"enabled": bool(consumer_topics), "topics": list(consumer_topics),
                     "autoOffsetReset": offset_reset, "encodeMessageId": encode_ids},
        "producer": {"enabled": bool(producer_topics), "topics": list(producer_topics)},
    }
    if properties:
        shared["properties"] = properties
    return {"name": "kafka-group", "type": "kafka", "sharedConfiguration": shared,
            "endpoints": [{"name": "kafka", "type": "kafka", "weight": 1, "inheritConfiguration": True,
                           "configuration": configuration}]}


def kafka_api(api_id, path, entrypoints, **endpoint):
    eps = [{"type": e} if isinstance(e, str) else e for e in entrypoints]
    return {
        "id": api_id, "name": api_id, "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": path}], "entrypoints": eps}],
        "endpointGroups": [kafka_endpoint_group(**endpoint)],
        "flows": [], "analytics": {"enabled": False},
    }


def decode_id(message_id):
    """'topic@0#41' from Gantry's (base64 by default) message id."""
    return base64.b64decode(message_id).decode()
