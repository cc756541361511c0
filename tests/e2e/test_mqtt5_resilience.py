"""The mqtt5 endpoint when the broker goes away: a private mosquitto with persistence restarted mid-stream under an
at-least-once SSE subscriber that must miss nothing, publishing again once Gantry reconnected, an unreachable
broker answered with 503 JSON (publish) or 500 (subscribe), and bad endpoint configurations refused at deploy with their JSON paths."""
import subprocess

from helpers.gateway import free_port
from helpers.messages import client
from helpers.mqtt import Peer, PrivateBroker, SseCollector, broker_address, mqtt5_api, probe_until_flowing, \
    unique_prefix
from helpers.waiting import wait_until

FAST_RECONNECT = {"reconnectAttempts": 50, "reconnectInterval": 100}


def sse_alo():
    return {"type": "sse", "qos": "at-least-once", "configuration": {"metadataAsComment": False}}


def test_broker_restart_loses_nothing_for_an_at_least_once_subscriber(gantry):
    broker = PrivateBroker().start()
    try:
        topic = unique_prefix() + "/ledger"
        gw = gantry([
            mqtt5_api("mq-durable", "/mq-durable", [sse_alo()], "127.0.0.1", broker.port, consumer=topic,
                      **FAST_RECONNECT),
            mqtt5_api("mq-post-back", "/mq-post-back", ["http-post"], "127.0.0.1", broker.port,
                      producer=topic + "/posted", **FAST_RECONNECT),
        ])
        stream = SseCollector(gw, "/mq-durable")
        seen = []

        def take(n):
            while len({d for d in seen if d != "probe"}) < n:
                event = stream.next()
                assert event is not None and event.event == "message", f"stream ended: {event!r}\n{gw.log()}"
                seen.append(event.data)

        try:
            peer = Peer("127.0.0.1", broker.side_port)
            probe_until_flowing(lambda: peer.publish(topic, "probe", qos=0),
                                lambda: (e := stream.poll(0.2)) is not None and e.data == "probe")
            for i in range(50):
                peer.publish(topic, f"entry {i}".encode())
            take(50)
            peer.close()

            # Down (SIGTERM: mosquitto saves Gantry's session and its subscription), then up without Gantry's port:
            # what is published now can only reach Gantry through its persistent session.
            broker.stop()
            broker.start(gantry_port=False)
            peer = Peer("127.0.0.1", broker.side_port)
            for i in range(50, 100):
                peer.publish(topic, f"entry {i}".encode())
            peer.close()
            broker.stop()
            broker.start()
            take(100)
            peer = Peer("127.0.0.1", broker.side_port)
            # Every message, in publication order (at-least-once would allow a repeat; none is lost).
            real = list(dict.fromkeys(d for d in seen if d != "probe"))
            assert real == [f"entry {i}" for i in range(100)]

            # The producer reconnected too: a POST is accepted again once it did, and reaches the broker.
            peer.subscribe(topic + "/posted")
            with client(gw) as c:
                wait_until(lambda: c.post("/mq-post-back", content=b"after restart").status_code == 202, 30,
                           message="a publish accepted after the restart")
            assert peer.next().payload == b"after restart"
            peer.close()
        finally:
            stream.close()
    finally:
        broker.remove()


def test_unreachable_broker_is_reported_at_once(gantry):
    dead = free_port()  # nothing listens there
    gw = gantry([mqtt5_api("mq-dead", "/mq-dead", ["http-post"], "127.0.0.1", dead, producer="t/dead",
                           reconnectAttempts=0),
                 mqtt5_api("mq-dead-sse", "/mq-dead-sse", [{"type": "sse", "qos": "at-most-once"}], "127.0.0.1",
                           dead, consumer="t/dead", reconnectAttempts=0)])
    with client(gw) as c:
        r = c.post("/mq-dead", content=b"lost?")
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("application/json")
        assert r.json() == {"message": "The message could not be published", "http_status_code": 503}
    # A subscriber whose endpoint cannot reach the broker gets no stream, but Gravitee's 500 "Endpoint connection
    # failed" (plain text for an SSE client), and the log says why.
    with client(gw) as c:
        r = c.get("/mq-dead-sse", headers={"Accept": "text/event-stream"})
        assert r.status_code == 500
        assert r.text == "Endpoint connection failed"
    assert "broker unreachable" in gw.log()
    assert "endpoint connection failed: MQTT broker unreachable" in gw.log()


def bad_api(shared, configuration=None):
    api = mqtt5_api("mq-bad", "/mq-bad", ["http-post"], "127.0.0.1", 1883)
    endpoint = api["endpointGroups"][0]["endpoints"][0]
    endpoint["sharedConfigurationOverride"] = shared
    if configuration is not None:
        endpoint["configuration"] = configuration
    return api


SHARED = "$.endpointGroups[0].endpoints[0].sharedConfigurationOverride"
CONFIGURATION = "$.endpointGroups[0].endpoints[0].configuration"


def test_bad_configurations_are_refused_at_deploy_with_json_paths(gantry, gantry_bin, tmp_path):
    bad = bad_api({"consumer": {"enabled": True, "topic": "a/#/b"},
                   "producer": {"enabled": True, "topic": "cmd/+"},
                   "security": {"auth": {"password": "secret"}}},
                  configuration={"serverHost": "", "serverPort": 70000})
    wrong_qos = mqtt5_api("mq-qos", "/mq-qos", [{"type": "sse", "qos": "auto"}], "127.0.0.1", 1883,
                          consumer="x/#")
    gw = gantry([bad, wrong_qos])
    expected = [f"{SHARED}.consumer.topic", f"{SHARED}.producer.topic", f"{SHARED}.security.auth.password",
                f"{CONFIGURATION}.serverHost", f"{CONFIGURATION}.serverPort",
                "$.listeners[0].entrypoints[0].qos"]
    wait_until(lambda: all(path in gw.log() for path in expected), 10, message="every problem with its path")
    assert "qos 'auto' is not supported by entrypoint 'sse' with endpoint 'mqtt5' " \
           "(allowed: at-most-once, at-least-once)" in gw.log()
    with client(gw) as c:  # neither API was deployed
        assert c.post("/mq-bad", content=b"x").status_code == 404
        assert c.get("/mq-qos", headers={"Accept": "text/event-stream"}).status_code == 404
    # `gantry check` says the same before anything is deployed.
    check = subprocess.run([gantry_bin, "check", gw.api_path("mq-bad")], capture_output=True, text=True)
    assert check.returncode == 1
    assert all(path in check.stderr for path in expected[:5]), check.stderr


def test_subscribe_to_a_producer_only_endpoint_is_503(gantry):
    host, port = broker_address()
    api = mqtt5_api("mq-po", "/mq-po", [{"type": "sse", "qos": "at-most-once"}, "http-post"], host, port,
                    producer=unique_prefix() + "/only-out")
    gw = gantry([api])
    with client(gw) as c:
        r = c.get("/mq-po", headers={"Accept": "text/event-stream"})
        assert r.status_code == 503
        assert r.json()["http_status_code"] == 503
