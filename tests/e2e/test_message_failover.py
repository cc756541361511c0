"""Message APIs with several endpoints: new subscriptions and publishes spread by the group's load balancer,
secondary endpoints, and failover moving a subscription or a publish off an endpoint that cannot connect. Mock
endpoints fail on demand (`connectionErrors`, Gravitee's test-harness knob); MQTT 5 fails for real, with its first
endpoint pointed at a port where nothing listens. Which endpoint served is read from what the client received (each
mock endpoint sends its own content) or from the gateway's log (a mock endpoint logs each message it receives)."""
import copy

from helpers.gateway import free_port
from helpers.messages import client
from helpers.mqtt import Peer, SseCollector, broker_address, mqtt5_endpoint, probe_until_flowing, unique_prefix
from helpers.waiting import wait_until

HTTP_GET = {"type": "http-get", "configuration": {"messagesLimitCount": 1, "messagesLimitDurationMs": 10000}}
HTTP_POST = {"type": "http-post"}
FAILOVER = {"enabled": True, "maxRetries": 2, "slowCallDuration": 2000, "maxFailures": 5, "perSubscription": False}


def mock(name, secondary=False, errors=0):
    configuration = {"messageInterval": 10, "messageCount": 1, "messageContent": f"from {name}"}
    if errors:
        configuration["connectionErrors"] = [{"status": 500, "message": f"{name} refused"}] * errors
    return {"name": name, "type": "mock", "weight": 1, "secondary": secondary, "inheritConfiguration": False,
            "configuration": configuration}


def api(endpoints, failover=None, entrypoints=(HTTP_GET, HTTP_POST), lb="ROUND_ROBIN", group_type="mock"):
    definition = {
        "id": "group", "name": "group", "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": "/group"}], "entrypoints": list(entrypoints)}],
        "endpointGroups": [{"name": "default-group", "type": group_type, "loadBalancer": {"type": lb},
                            "endpoints": endpoints}],
        "flows": [], "analytics": {"enabled": False},
    }
    if failover:
        definition["failover"] = failover
    return definition


def served_by(c):
    """Which mock endpoint served one http-get page."""
    response = c.get("/group", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 1
    return items[0]["content"].removeprefix("from ")


def received(gw, name):
    return gw.log().count(f"mock endpoint '{name}' received message")


def test_round_robin_spreads_subscriptions_over_the_endpoints(gantry):
    gw = gantry([api([mock("a"), mock("b")])])
    with client(gw) as c:
        assert [served_by(c) for _ in range(4)] == ["a", "b", "a", "b"]


def test_round_robin_spreads_publishes_over_the_endpoints(gantry):
    gw = gantry([api([mock("a"), mock("b")])])
    with client(gw) as c:
        for i in range(4):
            assert c.post("/group", content=f"m{i}".encode()).status_code == 202
    wait_until(lambda: received(gw, "a") + received(gw, "b") == 4, 10 * gw.slow, message="4 messages logged")
    assert (received(gw, "a"), received(gw, "b")) == (2, 2)


def test_secondary_endpoint_is_not_used_while_the_primary_works(gantry):
    gw = gantry([api([mock("s", secondary=True), mock("a")], failover=FAILOVER)])
    with client(gw) as c:
        assert [served_by(c) for _ in range(3)] == ["a", "a", "a"]
        assert c.post("/group", content=b"m").status_code == 202
    wait_until(lambda: received(gw, "a") == 1, 10 * gw.slow, message="the primary's message logged")
    assert received(gw, "s") == 0


def test_secondary_endpoint_takes_over_when_the_primary_cannot_connect(gantry):
    # The primary refuses its first connection only: that subscription moves to the secondary, the next ones stay.
    gw = gantry([api([mock("a", errors=1), mock("s", secondary=True)], failover=FAILOVER)])
    with client(gw) as c:
        assert [served_by(c) for _ in range(3)] == ["s", "a", "a"]


def test_failover_moves_a_subscription_to_the_next_endpoint(gantry):
    gw = gantry([api([mock("a", errors=1), mock("b")], failover=FAILOVER)])
    with client(gw) as c:
        # Round robin starts with a, which refuses; the retry goes to b. The next turn is b's anyway.
        assert [served_by(c) for _ in range(3)] == ["b", "b", "a"]


def test_failover_moves_a_publish_to_the_next_endpoint(gantry):
    gw = gantry([api([mock("a", errors=1), mock("b")], failover=FAILOVER)])
    with client(gw) as c:
        assert c.post("/group", content=b"m").status_code == 202
    wait_until(lambda: received(gw, "b") == 1, 10 * gw.slow, message="b's message logged")
    assert received(gw, "a") == 0


def test_without_failover_a_refused_connection_is_answered_500(gantry):
    gw = gantry([api([mock("a", errors=1), mock("b")])])
    with client(gw) as c:
        response = c.get("/group", headers={"Accept": "application/json"})
        assert response.status_code == 500
        assert response.json()["message"] == "Endpoint connection failed"
        assert served_by(c) == "b"


def test_spent_failover_is_answered_500_then_the_circuit_opens(gantry):
    # One endpoint, 1 + maxRetries attempts per call, maxFailures 2: two spent calls open the breaker, whose
    # refusal is answered like a spent call, without trying the endpoint (its injected errors stay unused).
    failover = dict(FAILOVER, maxRetries=1, maxFailures=2, openStateDuration=600000)
    gw = gantry([api([mock("a", errors=5)], failover=failover)])
    with client(gw) as c:
        for _ in range(3):
            response = c.get("/group", headers={"Accept": "application/json"})
            assert response.status_code == 500
            assert response.json()["message"] == "Endpoint connection failed"
        assert c.post("/group", content=b"m").status_code == 503  # the open breaker refuses publishes too
    # Each spent call gave up two attempts (logged); the third call and the publish, refused by the open breaker,
    # tried none.
    assert gw.log().count("endpoint 'a' failed to connect (a refused)") == 4


# -- MQTT 5: the first endpoint's broker does not exist ------------------------------------------------------------

def mqtt_group(topic):
    host, port = broker_address()
    dead = mqtt5_endpoint("127.0.0.1", free_port(), consumer=topic, producer=topic)["endpoints"][0]
    live = copy.deepcopy(mqtt5_endpoint(host, port, consumer=topic, producer=topic)["endpoints"][0])
    dead["name"], live["name"] = "dead", "live"
    sse = {"type": "sse", "qos": "at-most-once", "configuration": {"heartbeatIntervalInMs": 10000}}
    return api([dead, live], failover=dict(FAILOVER, slowCallDuration=1500), group_type="mqtt5",
               entrypoints=(sse, HTTP_POST))


def test_mqtt5_failover_publishes_on_the_endpoint_whose_broker_answers(gantry):
    topic = unique_prefix() + "/failover"
    host, port = broker_address()
    peer = Peer(host, port)
    try:
        peer.subscribe(topic)
        gw = gantry([mqtt_group(topic)])
        with client(gw) as c:
            for body in (b"one", b"two"):  # the first goes to the dead endpoint first, the second straight to live
                assert c.post("/group", content=body).status_code == 202
        assert sorted(peer.next().payload for _ in range(2)) == [b"one", b"two"]
    finally:
        peer.close()


def test_mqtt5_failover_subscribes_on_the_endpoint_whose_broker_answers(gantry):
    topic = unique_prefix() + "/failover"
    host, port = broker_address()
    gw = gantry([mqtt_group(topic)])
    peer = Peer(host, port)
    # The first subscription's turn is the dead endpoint's: it cannot connect and moves to the live one. The
    # stream begins once it has (answered 200, not "Endpoint connection failed").
    stream = SseCollector(gw, "/group")
    try:
        assert stream.status == 200
        probe_until_flowing(lambda: peer.publish(topic, "probe", qos=0),
                            lambda: (e := stream.poll(0.2)) is not None and e.data == "probe")
        peer.publish(topic, b"hello", qos=1)
        event = stream.next()
        while event is not None and event.data == "probe":
            event = stream.next()
        assert event is not None and event.data == "hello"
    finally:
        stream.close()
        peer.close()
