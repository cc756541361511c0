"""Gravitee's client identifier on message APIs: X-Gravitee-Client-Identifier on every response, a hash of the
client's address unless the client names itself (header or query parameter). Kafka consumer groups are keyed by it
(test_gravitee_messages_http_get.py checks the positions it keeps)."""
import hashlib

from helpers.gravitee import definition
from helpers.messages import client

HTTP_GET = "messages/http-get/http-get-entrypoint-mock-endpoint.json"


def get(gw, path, headers=None):
    with client(gw) as c:
        r = c.get(path, headers={"Accept": "application/json", **(headers or {})})
    assert r.status_code == 200, r.text
    return r


def test_a_keyless_client_is_known_by_a_hash_of_its_address(gantry):
    gw = gantry([definition(HTTP_GET)])
    expected = hashlib.sha256(b"127.0.0.1").hexdigest()
    assert get(gw, "/test?limit=1").headers["x-gravitee-client-identifier"] == expected


def test_a_client_named_by_header_or_query_parameter_gets_its_name_back(gantry):
    gw = gantry([definition(HTTP_GET)])
    by_header = get(gw, "/test?limit=1", {"X-Gravitee-Client-Identifier": "device-42"})
    assert by_header.headers["x-gravitee-client-identifier"] == "device-42"
    by_query = get(gw, "/test?limit=1&X-Gravitee-Client-Identifier=device-43")
    assert by_query.headers["x-gravitee-client-identifier"] == "device-43"


def test_error_responses_of_message_apis_carry_it_too(gantry):
    gw = gantry([definition(HTTP_GET)])
    with client(gw) as c:
        r = c.get("/test", headers={"Accept": "text/html", "X-Gravitee-Client-Identifier": "device-44"})
    assert r.status_code == 400
    assert r.headers["x-gravitee-client-identifier"] == "device-44"


def test_a_client_with_an_api_key_is_known_by_its_subscription(gantry):
    from helpers.management import create_api, created_id, deploy, published_key_plan, start
    from helpers.messages import message_api

    gw = gantry()
    api = message_api("cid", "/cid", ["http-get"], interval=1, count=1)
    del api["id"]
    with gw.management() as m:
        api_id = create_api(m, api)
        plan_id = published_key_plan(m, api_id)
        deploy(m, api_id)
        start(m, api_id)
        app_id = created_id(m.post("/applications", json={"name": "cid app"}))
        subscription = created_id(m.post(f"/apis/{api_id}/subscriptions",
                                         json={"applicationId": app_id, "planId": plan_id}))
        key = m.get(f"/apis/{api_id}/subscriptions/{subscription}/api-keys").json()["data"][0]["key"]
    assert get(gw, "/cid", {"X-Gravitee-Api-Key": key}).headers["x-gravitee-client-identifier"] == subscription
    # A name the client gives is echoed; its identity underneath stays the subscription's.
    named = get(gw, "/cid", {"X-Gravitee-Api-Key": key, "X-Gravitee-Client-Identifier": "tablet"})
    assert named.headers["x-gravitee-client-identifier"] == "tablet"
