"""The webhook entrypoint over the mock endpoint: accepted subscriptions created through the management API get
their messages POSTed to a receiver this test runs (headers, auth), with retries then PAUSED on 5xx, the dlq on
4xx, and delivery following pause/resume/close and gantry restarts."""
import base64
import json
import os
import http.server
import re
import threading

import pytest

from helpers.management import create_api, created_id, deploy, start
from helpers.messages import mock_endpoint
from helpers.waiting import wait_until


class Receiver:
    """An HTTP server in a thread that records every callback and answers with `status`."""

    def __init__(self):
        self.status = 200
        self.calls = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = receiver.status
                    receiver.calls.append({"path": self.path, "headers": dict(self.headers.items()),
                                           "body": body.decode(), "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def snapshot(self):
        with self.lock:
            return list(self.calls)

    def answered(self, status):
        return [c for c in self.snapshot() if c["status"] == status]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def webhook_api(dlq=False, **mock):
    entrypoint = {"type": "webhook", "configuration": {"http": {"connectTimeout": 2000, "readTimeout": 2000}}}
    groups = [mock_endpoint(**mock)]
    if dlq:
        entrypoint["dlq"] = {"endpoint": "dlq"}
        groups.append({"name": "dlq-group", "type": "mock",
                       "endpoints": [{"name": "dlq", "type": "mock", "inheritConfiguration": False,
                                      "configuration": {"messageInterval": 1000}}]})
    return {"name": "hooks", "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
            "listeners": [{"type": "subscription", "entrypoints": [entrypoint]}],
            "endpointGroups": groups, "flows": [], "analytics": {"enabled": False}}


def subscribe(m, definition, entrypoint_configuration, metadata=None):
    """A started API with a published PUSH plan, an application and its subscription: (api id, subscription id)."""
    api_id = create_api(m, definition)
    deploy(m, api_id)
    start(m, api_id)
    plan_id = created_id(m.post(f"/apis/{api_id}/plans", json={"name": "Push", "mode": "PUSH", "validation": "AUTO"}))
    assert m.post(f"/apis/{api_id}/plans/{plan_id}/_publish").status_code == 200
    app_id = created_id(m.post("/applications", json={"name": "Receiver app"}))
    r = m.post(f"/apis/{api_id}/subscriptions", json={
        "applicationId": app_id, "planId": plan_id,
        "consumerConfiguration": {"entrypointId": "webhook", "entrypointConfiguration": entrypoint_configuration},
        "metadata": metadata or {}})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "ACCEPTED"
    return api_id, r.json()["id"]


def status_of(m, api_id, sub_id):
    return m.get(f"/apis/{api_id}/subscriptions/{sub_id}").json()["status"]


def figures(gw, sub_id):
    """The last delivery figures the gateway logged for the subscription."""
    found = re.findall(rf"webhook subscription {sub_id}: delivered=(\d+) retried=(\d+) failed=(\d+) dlq=(\d+) "
                       rf"dropped=(\d+)", gw.log())
    if not found:
        return None
    return dict(zip(("delivered", "retried", "failed", "dlq", "dropped"), map(int, found[-1])))


def test_messages_arrive_with_headers_and_basic_auth(gantry, receiver):
    gw = gantry()
    with gw.management() as m:
        _, sub_id = subscribe(m, webhook_api(count=3, headers={"X-Source": "mock"}), {
            "callbackUrl": receiver.url("/hook?tenant=acme"),
            "headers": [{"name": "X-Tenant", "value": "acme"}],
            "auth": {"type": "basic", "basic": {"username": "hooks", "password": "pa:ss"}}})
    calls = wait_until(lambda: len(receiver.snapshot()) >= 3 and receiver.snapshot(), 10, message="3 callbacks")
    assert [c["body"] for c in calls] == ["mock message"] * 3
    for call in calls:
        assert call["path"] == "/hook?tenant=acme"
        assert call["headers"]["X-Tenant"] == "acme"
        assert call["headers"]["X-Source"] == "mock"
        assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(b"hooks:pa:ss").decode()
    wait_until(lambda: (figures(gw, sub_id) or {}).get("delivered") == 3, 10, message="delivered=3 logged")
    assert len(receiver.snapshot()) == 3  # messageCount reached: nothing more


def test_subscribe_flows_run_on_deliveries(gantry, receiver):
    """The API's subscribe-phase flows run on every message before it is POSTed: a filter on the content, and a
    header from the webhook subscription's own metadata (#subscription.metadata)."""
    api = webhook_api(count=6)
    api["flows"] = [{
        "name": "deliveries", "enabled": True,
        "selectors": [{"type": "channel", "channel": "/", "channelOperator": "STARTS_WITH", "operations": ["SUBSCRIBE"],
                       "entrypoints": ["webhook"]}],
        "request": [], "response": [], "publish": [],
        "subscribe": [
            {"name": "odd only", "enabled": True, "policy": "message-filtering",
             "configuration": {"filter": "{#message.id == '1' or #message.id == '3' or #message.id == '5'}",
                               "ackFilteredMessage": True}},
            {"name": "team", "enabled": True, "policy": "transform-headers",
             "configuration": {"addHeaders": [{"name": "X-Team", "value": "{#subscription.metadata['team']}"}]}},
        ]}]
    gw = gantry()
    with gw.management() as m:
        _, sub_id = subscribe(m, api, {"callbackUrl": receiver.url()}, metadata={"team": "blue"})
    wait_until(lambda: (figures(gw, sub_id) or {}).get("delivered") == 3, 10, message="delivered=3 logged")
    calls = receiver.snapshot()
    assert [c["body"] for c in calls] == ["mock message"] * 3  # the three odd ids of six
    assert all(c["headers"]["X-Team"] == "blue" for c in calls), calls


def test_server_errors_retry_then_pause_and_resume_continues(gantry, receiver):
    gw = gantry()
    receiver.status = 500
    with gw.management() as m:
        api_id, sub_id = subscribe(m, webhook_api(interval=20), {
            "callbackUrl": receiver.url(),
            "auth": {"type": "token", "token": {"value": "s3cret"}},
            "retry": {"retryOption": "Retry On Fail", "retryStrategy": "LINEAR", "maxAttempts": 2,
                      "initialDelaySeconds": 1, "maxDelaySeconds": 1}})
        wait_until(lambda: status_of(m, api_id, sub_id) == "PAUSED", 15, message="the subscription PAUSED")
        calls = receiver.snapshot()
        # The first attempt and two retries, all of the same message; then delivery stopped.
        assert [c["body"] for c in calls] == ["mock message"] * 3
        assert all(c["headers"]["Authorization"] == "Bearer s3cret" for c in calls)
        wait_until(lambda: figures(gw, sub_id) == {"delivered": 0, "retried": 2, "failed": 1, "dlq": 0,
                                                   "dropped": 0}, 10, message="retried=2 failed=1 logged")
        wait_until(lambda: "delivery stopped" in gw.log(), 10, message="the loop ended")
        assert len(receiver.snapshot()) == 3

        receiver.status = 200
        assert m.post(f"/apis/{api_id}/subscriptions/{sub_id}/_resume").json()["status"] == "ACCEPTED"
        wait_until(lambda: len(receiver.answered(200)) >= 5, 10, message="deliveries after resume")


def test_client_errors_go_to_the_dlq(gantry, receiver):
    gw = gantry()
    receiver.status = 400
    with gw.management() as m:
        api_id, sub_id = subscribe(m, webhook_api(dlq=True, count=2, content="order"),
                                   {"callbackUrl": receiver.url()})
        # The dlq is a mock endpoint: what it receives it writes to the gateway's log.
        wait_until(lambda: gw.log().count("mock endpoint 'dlq' received message: order") == 2, 10, message="the dlq")
        wait_until(lambda: (figures(gw, sub_id) or {}).get("dlq") == 2, 10, message="dlq=2 logged")
        assert figures(gw, sub_id)["dropped"] == 0
        assert len(receiver.snapshot()) == 2  # a 4xx is not retried
        assert status_of(m, api_id, sub_id) == "ACCEPTED"


def test_client_errors_without_a_dlq_are_dropped_and_counted(gantry, receiver):
    gw = gantry()
    receiver.status = 404
    with gw.management() as m:
        _, sub_id = subscribe(m, webhook_api(count=2), {"callbackUrl": receiver.url()})
        wait_until(lambda: (figures(gw, sub_id) or {}).get("dropped") == 2, 10, message="dropped=2 logged")
    assert len(receiver.snapshot()) == 2


def test_deliveries_follow_restarts_api_stop_and_close(gantry, receiver):
    gw = gantry()
    with gw.management() as m:
        api_id, sub_id = subscribe(m, webhook_api(interval=20), {"callbackUrl": receiver.url()})
    wait_until(lambda: len(receiver.snapshot()) >= 3, 10, message="deliveries")

    gw.restart()  # the subscription is stored: delivery resumes by itself
    before = len(receiver.snapshot())
    wait_until(lambda: len(receiver.snapshot()) >= before + 3, 10, message="deliveries after the restart")

    stopped = f"webhook subscription {sub_id}: delivery stopped"
    with gw.management() as m:
        mark = gw.log_size()
        assert m.post(f"/apis/{api_id}/_stop").status_code == 204
        wait_until(lambda: stopped in gw.log_since(mark), 10, message="the loop ended with the API")
        start(m, api_id)
        before = len(receiver.snapshot())
        wait_until(lambda: len(receiver.snapshot()) >= before + 3, 10, message="deliveries after _start")

        mark = gw.log_size()
        r = m.post(f"/apis/{api_id}/subscriptions/{sub_id}/_close")
        assert r.json()["status"] == "CLOSED"
        wait_until(lambda: stopped in gw.log_since(mark), 10, message="the loop ended with the subscription")
    ended = len(receiver.snapshot())
    # A callback in flight when the loop ended may still land; nothing after it. Within this wait the mock
    # would have produced dozens more at 20 ms.
    threading.Event().wait(1.0)
    assert len(receiver.snapshot()) <= ended + 1


def test_the_readme_example_delivers(gantry, receiver):
    """examples/apis/mock-webhook.json as the README's tour uses it: created through the management API."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "apis", "mock-webhook.json")
    with open(path) as f:
        definition = json.load(f)
    definition["endpointGroups"][0]["endpoints"][0]["configuration"]["messageInterval"] = 20
    gw = gantry()
    with gw.management() as m:
        subscribe(m, definition, {"callbackUrl": receiver.url(), "auth": {"type": "token", "token": {"value": "s3cret"}}})
    calls = wait_until(lambda: len(receiver.snapshot()) >= 2 and receiver.snapshot(), 10, message="2 callbacks")
    assert [(c["headers"]["Authorization"], c["headers"]["X-Source"], c["body"]) for c in calls[:2]] == [
        ("Bearer s3cret", "gantry-demo", "mock message"), ("Bearer s3cret", "gantry-demo", "mock message")]
