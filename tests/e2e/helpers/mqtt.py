"""MQTT 5 for the end-to-end tests: message APIs over the mqtt5 endpoint, an independent MQTT 5 client
(python3-paho-mqtt 1.6.1) to publish and subscribe beside Gantry, and a private mosquitto with persistence that a
test may stop and start again on the same port."""
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from helpers.gateway import free_port


def broker_address():
    """(host, port) of the mosquitto scripts/services.sh started; skips outside services.sh."""
    host, port = os.environ.get("MQTT_HOST"), os.environ.get("MQTT_PORT")
    if not host or not port:
        pytest.skip("MQTT_HOST/MQTT_PORT are not set: run under scripts/services.sh (make test does)")
    return host, int(port)


def unique_prefix():
    """A topic prefix of this test's own: the broker is shared by the whole run."""
    return "gantry-e2e/" + uuid.uuid4().hex[:10]


def mqtt5_endpoint(host, port, consumer=None, producer=None, **shared):
    """An endpoint group with one mqtt5 endpoint. consumer/producer: topic strings or dicts of producer fields."""
    cfg = dict(shared)
    if consumer is not None:
        cfg["consumer"] = {"enabled": True, "topic": consumer}
    if producer is not None:
        cfg["producer"] = {"enabled": True, **(producer if isinstance(producer, dict) else {"topic": producer})}
    return {"name": "default-group", "type": "mqtt5",
            "endpoints": [{"name": "default", "type": "mqtt5", "weight": 1, "inheritConfiguration": False,
                           "configuration": {"serverHost": host, "serverPort": port},
                           "sharedConfigurationOverride": cfg}]}


def mqtt5_api(api_id, path, entrypoints, host, port, consumer=None, producer=None, **shared):
    eps = [{"type": e} if isinstance(e, str) else e for e in entrypoints]
    return {
        "id": api_id, "name": api_id, "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": path}], "entrypoints": eps}],
        "endpointGroups": [mqtt5_endpoint(host, port, consumer, producer, **shared)],
        "flows": [], "analytics": {"enabled": False},
    }


class Peer:
    """An MQTT 5 client of its own (paho), connected on creation. Received messages queue up for next()."""

    def __init__(self, host, port, timeout=20):
        self.timeout = timeout
        self.received = queue.Queue()
        self._subscribed = {}
        self._lock = threading.Condition()
        self.client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5)
        self.client.on_message = lambda c, u, m: self.received.put(m)
        self.client.on_subscribe = self._on_subscribe
        self.client.connect(host, port)
        self.client.loop_start()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        with self._lock:
            self._subscribed[mid] = reason_codes
            self._lock.notify_all()

    def subscribe(self, topic, qos=1):
        """Returns once the broker acknowledged the subscription."""
        rc, mid = self.client.subscribe(topic, qos=qos)
        assert rc == mqtt.MQTT_ERR_SUCCESS
        with self._lock:
            assert self._lock.wait_for(lambda: mid in self._subscribed, self.timeout), f"no SUBACK for {topic}"

    def publish(self, topic, payload, qos=1, retain=False, user=None, content_type=None, correlation_data=None):
        """Publishes and waits until written (QoS 0) or acknowledged (QoS 1)."""
        props = Properties(PacketTypes.PUBLISH)
        for name, value in (user or []):
            props.UserProperty = (name, value)
        if content_type:
            props.ContentType = content_type
        if correlation_data:
            props.CorrelationData = correlation_data
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=props)
        info.wait_for_publish(self.timeout)
        assert info.is_published(), f"publish to {topic} not acknowledged"

    def next(self, timeout=None):
        try:
            return self.received.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise AssertionError("no MQTT message arrived") from None

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def user_properties(msg):
    return [tuple(kv) for kv in getattr(msg.properties, "UserProperty", [])] if msg.properties else []


class PrivateBroker:
    """A mosquitto of the test's own, with persistence on, that can be stopped (SIGTERM: it saves its state) and
    started again on the same ports: `port` for Gantry, `side_port` for the test's own clients, so that the test
    can publish while Gantry cannot connect (start(gantry_port=False)). Lives in a directory the broker's own user
    can write to (mosquitto started as root drops to it)."""

    def __init__(self):
        self.port = free_port()
        self.side_port = free_port()
        self.dir = tempfile.mkdtemp(prefix="gantry-e2e-mosquitto-")
        os.chmod(self.dir, 0o777)
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        self.proc = None

    def start(self, gantry_port=True, deadline_s=10):
        listeners = ([self.port] if gantry_port else []) + [self.side_port]
        with open(self.conf, "w") as f:
            f.write("".join(f"listener {p} 127.0.0.1\n" for p in listeners) +
                    f"allow_anonymous true\npersistence true\npersistence_location {self.dir}/\n"
                    f"log_dest file {self.dir}/mosquitto.log\n")
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + deadline_s
        for port in listeners:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if self.proc.poll() is not None or time.monotonic() > end:
                        raise AssertionError(f"private mosquitto did not start: {self.log()}")
                    time.sleep(0.05)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def log(self):
        try:
            with open(os.path.join(self.dir, "mosquitto.log")) as f:
                return f.read()
        except OSError:
            return ""

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def probe_until_flowing(publish_probe, seen_probe, tries=100):
    """Gantry subscribes to the broker asynchronously: publish probes until one comes through, so that what the
    test publishes next is known to be published after the subscription exists."""
    for _ in range(tries):
        publish_probe()
        if seen_probe():
            return
    raise AssertionError("no probe message came through Gantry")


class SseCollector:
    """An SSE stream read on a thread of its own: its events (SseEvent; None once the stream ended) queue up, so
    a test can wait for the next one with a deadline while it publishes."""

    def __init__(self, gw, path, headers=None):
        from helpers.messages import SseReader, client, sse_stream

        self.events = queue.Queue()
        self.client = client(gw)
        self._stream = sse_stream(self.client, path, headers)
        self.response = self._stream.__enter__()
        self.status = self.response.status_code
        self._thread = threading.Thread(target=self._read, args=(SseReader(self.response),), daemon=True)
        self._thread.start()

    def _read(self, reader):
        try:
            while True:
                event = reader.next_event()
                self.events.put(event)
                if event is None:
                    return
        except Exception:  # the test closed the stream
            self.events.put(None)

    def next(self, timeout=20):
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no SSE event arrived") from None

    def poll(self, timeout):
        """The next event if one comes within `timeout` seconds, else None (probing only)."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self):
        # The reader thread is blocked reading: shutting the socket down wakes it (closing the response would wait
        # for the next heartbeat).
        network = self.response.extensions.get("network_stream")
        sock = network.get_extra_info("socket") if network is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self._stream.__exit__(None, None, None)
        finally:
            self.client.close()
        self._thread.join(10)
