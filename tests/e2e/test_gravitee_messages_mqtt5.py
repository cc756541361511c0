"""Gravitee's messages/mqtt5/mqtt5-endpoint-failure.json deployed on Gantry: an MQTT 5 endpoint on an unknown host
("wrong", port 1234) behind http-get, SSE and WebSocket entrypoints. Gravitee's HttpGetEntrypointMqtt5Endpoint- and
SseEntrypointMqtt5EndpointIntegrationTest expect a 500 "Endpoint connection failed" at once: JSON for http-get,
the bare text for SSE. (The other supported file of that folder, the websocket publisher, is deployed by
test_gravitee_messages_websocket.)"""
from helpers.gravitee import definition
from helpers.messages import client

FAILURE = "messages/mqtt5/mqtt5-endpoint-failure.json"


def test_http_get_answers_500_endpoint_connection_failed(gantry):
    # The definition's page lasts 10 s; the failure is answered as soon as the connection attempt fails.
    gw = gantry([definition(FAILURE)])
    with client(gw) as c:
        r = c.get("/test-failure", headers={"Accept": "application/json",
                                            "X-Gravitee-Client-Identifier": "client-1"})
    assert r.status_code == 500
    assert r.json()["message"] == "Endpoint connection failed"
    assert r.json()["http_status_code"] == 500


def test_sse_answers_500_endpoint_connection_failed(gantry):
    gw = gantry([definition(FAILURE)])
    with client(gw) as c, c.stream("GET", "/test-failure", headers={
            "Accept": "text/event-stream", "X-Gravitee-Client-Identifier": "client-1"}) as r:
        assert r.status_code == 500
        assert r.read() == b"Endpoint connection failed"
