"""Gravitee's failover definitions under http/failover, deployed unchanged (only the backend address is ours) and
checked the way its FailoverV4 integration test checks them: how many calls each backend path received, with
which body and query, and what the client got once the attempts were spent.

The backend is scripted per path (helpers/scripted_backend.py): a 750 ms answer is a slow call for a
slowCallDuration of 500 ms, as in Gravitee's test. Nothing here asserts on durations."""
import concurrent.futures
import socket
import threading

import pytest

from helpers.gravitee import definition
from helpers.management import create_api, deploy, published_key_plan, start, subscribe_for_key
from helpers.scripted_backend import Answer, ScriptedBackend

SLOW = 0.75
OK = "ok from backend"


@pytest.fixture
def scripted():
    server = ScriptedBackend()
    yield server
    server.close()


def parallel_gets(gw, path, count):
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: gw.get(path, timeout=30).status_code, range(count)))


# -- http/failover/api-only-one-endpoint.json ----------------------------------------------------------------------

ONE = "http/failover/api-only-one-endpoint.json"


def test_one_endpoint_fast_call_is_not_retried(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK))
    gw = gantry([definition(ONE, backend=scripted.origin)])
    response = gw.get("/test")
    assert (response.status_code, response.text) == (200, OK)
    assert len(scripted.requests_to("/endpoint")) == 1


def test_one_endpoint_slow_calls_are_retried_then_502(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK, delay_s=SLOW))
    gw = gantry([definition(ONE, backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert len(scripted.requests_to("/endpoint")) == 3  # the call and its two retries
    assert response.status_code == 502


def test_one_endpoint_succeeds_on_first_retry(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK, delay_s=SLOW), Answer(body=OK))
    gw = gantry([definition(ONE, backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert (response.status_code, response.text) == (200, OK)
    assert len(scripted.requests_to("/endpoint")) == 2


def test_one_endpoint_retries_resend_the_request_body(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK, delay_s=SLOW))
    gw = gantry([definition(ONE, backend=scripted.origin)])
    with gw.client(timeout=30) as c:
        response = c.post("/test", content=b"body")
    # The definition's only flow selects GET; a POST is proxied all the same.
    assert response.status_code == 502
    calls = scripted.requests_to("/endpoint")
    assert [(s.method, s.body) for s in calls] == [("POST", b"body")] * 3


def test_one_endpoint_connection_failures_are_retried_then_502(gantry):
    # A backend that accepts each connection and closes it at once, before any answer (Gravitee's test uses a
    # raw server that throws on connect).
    accepted = []
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        gw = gantry([definition(ONE, backend=f"http://127.0.0.1:{port}")])
        response = gw.get("/test", timeout=30)
        assert response.status_code == 502
        assert len(accepted) == 3
    finally:
        server.close()


def test_one_endpoint_circuit_opens_after_max_failures(gantry, scripted):
    # maxFailures is absent, so 5 (Gravitee's default): five requests whose three attempts are all slow.
    scripted.script("/endpoint", Answer(body=OK, delay_s=SLOW))
    gw = gantry([definition(ONE, backend=scripted.origin)])
    assert parallel_gets(gw, "/test", 5) == [502] * 5
    assert len(scripted.requests_to("/endpoint")) == 15
    scripted.reset()
    assert gw.get("/test").status_code == 502
    assert scripted.requests_to("/endpoint") == []  # the breaker is open: the backend is not called


# -- http/failover/api-three-endpoints*.json: retries go round the group --------------------------------------------

THREE = "http/failover/api-three-endpoints.json"


def script_three(scripted, slow=(True, True, True)):
    for i, is_slow in enumerate(slow, 1):
        scripted.script(f"/endpoint-{i}", Answer(body=f"{OK} - {i}", delay_s=SLOW if is_slow else 0))


def calls_per_endpoint(scripted):
    return [len(scripted.requests_to(f"/endpoint-{i}")) for i in (1, 2, 3)]


def test_three_endpoints_fast_call_uses_the_first(gantry, scripted):
    script_three(scripted, (False, False, False))
    gw = gantry([definition(THREE, backend=scripted.origin)])
    response = gw.get("/test")
    assert (response.status_code, response.text) == (200, f"{OK} - 1")
    assert calls_per_endpoint(scripted) == [1, 0, 0]


def test_three_endpoints_slow_everywhere_tries_each_once(gantry, scripted):
    script_three(scripted)
    gw = gantry([definition(THREE, backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert response.status_code == 502
    assert calls_per_endpoint(scripted) == [1, 1, 1]


def test_three_endpoints_succeed_on_second_retry(gantry, scripted):
    script_three(scripted, (True, True, False))
    gw = gantry([definition(THREE, backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert (response.status_code, response.text) == (200, f"{OK} - 3")
    assert calls_per_endpoint(scripted) == [1, 1, 1]


def test_three_endpoints_with_query_params_keep_each_endpoints_query(gantry, scripted):
    script_three(scripted, (True, True, False))
    gw = gantry([definition("http/failover/api-three-endpoints-query-params.json", backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert (response.status_code, response.text) == (200, f"{OK} - 3")
    assert [[s.query for s in scripted.requests_to(f"/endpoint-{i}")] for i in (1, 2, 3)] == \
        [["e=1"], ["e=2"], ["e=3"]]


def test_three_endpoints_post_resends_the_body_to_each(gantry, scripted):
    script_three(scripted, (True, True, False))
    gw = gantry([definition("http/failover/api-three-endpoints-post.json", backend=scripted.origin)])
    with gw.client(timeout=30) as c:
        response = c.post("/test", content=b"request-body")
    assert (response.status_code, response.text) == (200, f"{OK} - 3")
    for i in (1, 2, 3):
        assert [(s.method, s.body) for s in scripted.requests_to(f"/endpoint-{i}")] == [("POST", b"request-body")]


# -- failureCondition and forceNextEndpointOnFailure ---------------------------------------------------------------

def test_failure_condition_retries_a_500(gantry, scripted):
    scripted.script("/endpoint", Answer(500, "error"), Answer(body=OK))
    gw = gantry([definition("http/failover/api-failure-condition.json", backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert (response.status_code, response.text) == (200, OK)
    assert len(scripted.requests_to("/endpoint")) == 2


def test_failure_condition_does_not_retry_a_success(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK))
    gw = gantry([definition("http/failover/api-failure-condition.json", backend=scripted.origin)])
    response = gw.get("/test")
    assert (response.status_code, response.text) == (200, OK)
    assert len(scripted.requests_to("/endpoint")) == 1


def test_failure_condition_retries_a_post_with_its_body(gantry, scripted):
    # Gravitee's suite deploys this POST variant without a test of its own; we check the body is sent again.
    scripted.script("/endpoint", Answer(500, "error"), Answer(body=OK))
    gw = gantry([definition("http/failover/api-failure-condition-post.json", backend=scripted.origin)])
    with gw.client(timeout=30) as c:
        response = c.post("/test", content=b"payload")
    assert (response.status_code, response.text) == (200, OK)
    assert [s.body for s in scripted.requests_to("/endpoint")] == [b"payload", b"payload"]


def test_force_next_endpoint_tries_each_endpoint_once(gantry, scripted):
    for i in (1, 2, 3):
        scripted.script(f"/endpoint-{i}", Answer(500, f"error-{i}"))
    gw = gantry([definition("http/failover/api-three-endpoints-force-next.json", backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert response.status_code == 502
    assert calls_per_endpoint(scripted) == [1, 1, 1]


def test_force_next_endpoint_loops_back_to_the_first(gantry, scripted):
    scripted.script("/endpoint-1", Answer(500, "error-1"))
    scripted.script("/endpoint-2", Answer(500, "error-2"), Answer(body=OK))
    scripted.script("/endpoint-3", Answer(500, "error-3"))
    gw = gantry([definition("http/failover/api-three-endpoints-force-next-full-loop.json", backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    # default(500) -> second(500) -> third(500) -> default(500) -> second(200)
    assert (response.status_code, response.text) == (200, OK)
    assert calls_per_endpoint(scripted) == [2, 2, 1]


# -- http/failover/api-one-circuit-breaker-per-subscription.json ---------------------------------------------------

PER_SUBSCRIPTION = "http/failover/api-one-circuit-breaker-per-subscription.json"


def test_circuit_breaker_per_subscription_keyless_consumers_open_their_own(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK, delay_s=SLOW))
    gw = gantry([definition(PER_SUBSCRIPTION, backend=scripted.origin)])
    # maxRetries 1, maxFailures 2: two keyless requests, two slow attempts each, open the keyless breaker.
    assert parallel_gets(gw, "/test", 2) == [502, 502]
    assert len(scripted.requests_to("/endpoint")) == 4
    scripted.reset()
    assert gw.get("/test").status_code == 502
    assert scripted.requests_to("/endpoint") == []


def test_circuit_breaker_per_subscription_api_key_consumer_keeps_its_own(gantry, scripted):
    # Gravitee's test in full: once the keyless consumers opened their breaker, an API-key subscriber's is still
    # closed. The subscription is made through the management API (the definition's own plans are left out: the
    # management API creates them).
    scripted.script("/endpoint", Answer(body=OK, delay_s=SLOW))
    api = definition(PER_SUBSCRIPTION, backend=scripted.origin)
    del api["id"]
    del api["plans"]
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, api)
        plan_id = published_key_plan(m, api_id)
        deploy(m, api_id)
        start(m, api_id)
        key = subscribe_for_key(m, api_id, plan_id, "Subscriber")
    assert parallel_gets(gw, "/test", 2) == [502, 502]
    assert len(scripted.requests_to("/endpoint")) == 4
    scripted.reset()
    scripted.script("/endpoint", Answer(body=OK))
    assert gw.get("/test").status_code == 502  # the keyless breaker is open
    assert gw.get("/test", headers={"X-Gravitee-Api-Key": "not-a-key"}).status_code == 502  # an unknown key too
    assert scripted.requests_to("/endpoint") == []
    response = gw.get("/test", headers={"X-Gravitee-Api-Key": key})
    assert (response.status_code, response.text) == (200, OK)
    assert len(scripted.requests_to("/endpoint")) == 1


# -- http/failover/connectionfailure/api-proxy-*: connection errors on one endpoint --------------------------------
# Gravitee injects the errors with a test-only endpoint plugin reading `connectionErrors` from the endpoint's
# configuration. Gantry ignores that field (a warning at deploy); the backend fails the connections instead, by
# resetting them as soon as they are accepted. Gravitee reads the attempts from a header its plugin adds; we count
# the connections the backend saw.

def test_proxy_connection_no_failure_one_attempt(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK))
    gw = gantry([definition("http/failover/connectionfailure/api-proxy-only-one-endpoint-no-fail-connect.json",
                            backend=scripted.origin)])
    response = gw.get("/test")
    assert (response.status_code, response.text) == (200, OK)
    assert len(scripted.requests_to("/endpoint")) == 1
    assert scripted.dropped == 0


def test_proxy_connection_fails_first_then_succeeds_on_retry(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK))
    scripted.drop_connections = 1
    gw = gantry([definition("http/failover/connectionfailure/api-proxy-only-one-endpoint-fail-first-connect.json",
                            backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert (response.status_code, response.text) == (200, OK)
    assert scripted.dropped == 1
    assert len(scripted.requests_to("/endpoint")) == 1


def test_proxy_connection_fails_each_time_then_502(gantry, scripted):
    scripted.script("/endpoint", Answer(body=OK))
    scripted.drop_connections = 100
    gw = gantry([definition("http/failover/connectionfailure/api-proxy-only-one-endpoint-fail-each-connect.json",
                            backend=scripted.origin)])
    response = gw.get("/test", timeout=30)
    assert response.status_code == 502
    assert scripted.dropped == 3  # the call and its two retries
    assert scripted.requests_to("/endpoint") == []


# -- http/failover/connectionfailure/api-message-*: a message API over the mock endpoint ---------------------------
# Gravitee's test-only mock plugins fail or delay each connection attempt as `connectionErrors` /
# `connectionLatencies` list; Gantry's mock endpoint reads the same fields (its attempts are counted per endpoint
# from deployment on). Gravitee reads the attempts from a header its plugin adds; here the next request shows how
# many were used up: once the list is spent, a call connects at its first attempt. Gravitee answers a call whose
# attempts are all spent 502; Gantry answers it as any endpoint that cannot connect, 500 "Endpoint connection
# failed" (docs/gravitee-compatibility.md).

MESSAGE_FAILURES = "http/failover/connectionfailure/api-message-only-one-endpoint-"


def five_hellos(gw):
    response = gw.get("/test", headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 5  # messagesLimitCount and the mock's messageCount
    assert all(item["content"].startswith('{ "message": "hello" }') for item in items)


@pytest.mark.parametrize("name", [
    "http/failover/connectionfailure/api-message-only-one-endpoint-no-fail-connect.json",
    "http/failover/connectionfailure/api-message-only-one-endpoint-no-latency.json",
])
def test_message_api_over_mock_without_injected_failures(gantry, name):
    five_hellos(gantry([definition(name)]))


@pytest.mark.parametrize("name", [
    "http/failover/connectionfailure/api-message-only-one-endpoint-fail-first-connect.json",
    "http/failover/connectionfailure/api-message-only-one-endpoint-latency-first-connect.json",
])
def test_message_api_connects_on_the_first_retry(gantry, name):
    gw = gantry([definition(name)])
    five_hellos(gw)  # the first attempt failed (or was slower than slowCallDuration), the retry connected
    assert gw.log().count("endpoint 'default' failed to connect") == 1


@pytest.mark.parametrize("name", [
    "http/failover/connectionfailure/api-message-only-one-endpoint-fail-each-connect.json",
    "http/failover/connectionfailure/api-message-only-one-endpoint-latency-each-connect.json",
])
def test_message_api_fails_once_every_attempt_failed(gantry, name):
    gw = gantry([definition(name)])
    response = gw.get("/test", headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 500  # Gravitee: 502
    assert response.json()["message"] == "Endpoint connection failed"
    assert gw.log().count("endpoint 'default' failed to connect") == 3  # the call and its two retries
    # They used the three injected failures up: the next call connects at its first attempt.
    five_hellos(gw)
    assert gw.log().count("endpoint 'default' failed to connect") == 3


# -- http/failover/kafka-two-endpoints.json ------------------------------------------------------------------------
# No Gravitee test deploys this file. Its intent: the first endpoint's broker cannot be reached, failover moves
# publishing (http-post) and consuming (http-get) to the second one. (Gravitee's FailoverV4Mqtt5EndpointIntegrationTest
# does the same over MQTT 5: tests/e2e/test_message_failover.py.)

def kafka_failover_api(topic):
    from helpers.kafka import bootstrap
    from helpers.gateway import free_port

    api = definition("http/failover/kafka-two-endpoints.json", kafka=bootstrap())
    first, second = api["endpointGroups"][0]["endpoints"]
    first["configuration"]["bootstrapServers"] = f"127.0.0.1:{free_port()}"  # nothing listens there
    for endpoint in (first, second):
        override = endpoint["sharedConfigurationOverride"]
        override["consumer"]["topics"] = [topic]  # a topic of this test's own on the shared test broker
        override["producer"]["topics"] = [topic]
    # The definition's 500 ms also bounds the second endpoint's first publish: a new producer's connection, metadata
    # and acknowledgement, which on a loaded 2-core machine (the suite's other workers) took longer and spent the
    # retries (503). The behaviour under test is the same with more time.
    api["failover"]["slowCallDuration"] = 3000
    return api


def test_kafka_failover_publishes_and_consumes_on_the_second_endpoint(gantry):
    from helpers.kafka import consume, new_topic

    topic = new_topic("failover")
    gw = gantry([kafka_failover_api(topic)])
    with gw.client(timeout=30) as c:
        # Round robin: the first publish goes to the dead endpoint first and is retried on the second once it is
        # not confirmed within slowCallDuration; the second publish's turn is the second endpoint's.
        for body in (b"one", b"two"):
            assert c.post("/test", content=body).status_code in (200, 202)
        assert [r.value() for r in consume(topic, 2)] == [b"one", b"two"]
        # The consuming side: this subscription's turn is the dead endpoint's again; its broker cannot be reached,
        # so it moves to the second endpoint, which reads the topic from the earliest offset.
        response = c.get("/test", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert [item["content"] for item in response.json()["items"]] == ["one", "two"]
    log = gw.log()
    assert log.count("endpoint 'default': publish failed (not confirmed within slowCallDuration)") == 1
    assert log.count("endpoint 'default' failed to connect") == 1
    assert "endpoint 'second'" not in log
