#!/usr/bin/python3
"""An independent MQTT 5 client (python3-paho-mqtt) for the mqtt5 client tests.

  mqtt5_peer.py PORT sub TOPIC COUNT TIMEOUT   prints READY once subscribed, then one JSON line per message
  mqtt5_peer.py PORT pub TOPIC JSON            publishes each message of the JSON list (QoS 1, waits for PUBACK):
                                               {"payload", "qos", "retain", "user", "contentType",
                                                "correlationData", "responseTopic", "messageExpiryInterval"}
"""
import json
import sys
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def connect(port):
    client = mqtt.Client(protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def describe(msg):
    out = {"topic": msg.topic, "payload": msg.payload.decode(), "qos": msg.qos, "retain": bool(msg.retain)}
    p = msg.properties
    if p is not None:
        out["user"] = [list(kv) for kv in getattr(p, "UserProperty", [])]
        for name, key in (("ContentType", "contentType"), ("ResponseTopic", "responseTopic"),
                          ("MessageExpiryInterval", "messageExpiryInterval")):
            if hasattr(p, name):
                out[key] = getattr(p, name)
        if hasattr(p, "CorrelationData"):
            out["correlationData"] = p.CorrelationData.decode()
    return out


def sub(port, topic, count, timeout):
    received = []
    client = mqtt.Client(protocol=mqtt.MQTTv5)
    client.on_message = lambda c, u, m: received.append(describe(m))
    subscribed = []
    client.on_subscribe = lambda c, u, mid, rc, props: subscribed.append(mid)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.subscribe(topic, qos=1)
    deadline = time.time() + timeout
    while not subscribed and time.time() < deadline:
        time.sleep(0.01)
    print("READY", flush=True)
    printed = 0
    while printed < count and time.time() < deadline:
        while printed < len(received):
            print(json.dumps(received[printed]), flush=True)
            printed += 1
        time.sleep(0.01)
    client.loop_stop()


def pub(port, topic, messages):
    client = connect(port)
    for m in messages:
        props = Properties(PacketTypes.PUBLISH)
        for k, v in m.get("user", []):
            props.UserProperty = (k, v)
        if "contentType" in m:
            props.ContentType = m["contentType"]
        if "correlationData" in m:
            props.CorrelationData = m["correlationData"].encode()
        if "responseTopic" in m:
            props.ResponseTopic = m["responseTopic"]
        if "messageExpiryInterval" in m:
            props.MessageExpiryInterval = m["messageExpiryInterval"]
        info = client.publish(m.get("topic", topic), m["payload"], qos=m.get("qos", 1), retain=m.get("retain", False),
                              properties=props)
        info.wait_for_publish(10)
    client.disconnect()
    client.loop_stop()
    print("DONE", flush=True)


if __name__ == "__main__":
    port, command = int(sys.argv[1]), sys.argv[2]
    if command == "sub":
        sub(port, sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        pub(port, sys.argv[3], json.loads(sys.argv[4]))
