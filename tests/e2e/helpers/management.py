"""Driving the management REST API from a test: create, deploy, start, and wait until the gateway serves."""
import time

import httpx


def created_id(response):
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create_api(m, definition):
    return created_id(m.post("/apis", json=definition))


def deploy(m, api_id, label=None):
    r = m.post(f"/apis/{api_id}/deployments", json={"deploymentLabel": label} if label else {})
    assert r.status_code == 202, r.text
    return r.json()


def start(m, api_id):
    r = m.post(f"/apis/{api_id}/_start")
    assert r.status_code == 204, r.text


def published_key_plan(m, api_id, name="Keys"):
    """An API_KEY plan of the API, published: its id."""
    plan_id = created_id(m.post(f"/apis/{api_id}/plans", json={"name": name, "security": {"type": "API_KEY"}}))
    assert m.post(f"/apis/{api_id}/plans/{plan_id}/_publish").status_code == 200
    return plan_id


def subscribe_for_key(m, api_id, plan_id, app_name, metadata=None):
    """A new application subscribed to the plan (with `metadata`): the API key of its subscription."""
    app_id = created_id(m.post("/applications", json={"name": app_name}))
    body = {"applicationId": app_id, "planId": plan_id}
    if metadata is not None:
        body["metadata"] = metadata
    subscription = created_id(m.post(f"/apis/{api_id}/subscriptions", json=body))
    return m.get(f"/apis/{api_id}/subscriptions/{subscription}/api-keys").json()["data"][0]["key"]


def stop(m, api_id):
    r = m.post(f"/apis/{api_id}/_stop")
    assert r.status_code == 204, r.text


def wait_for(gw, path, predicate, timeout=5.0):
    """Polls the gateway until predicate(response) holds; returns that response."""
    deadline = time.monotonic() + timeout * gw.slow
    last = None
    with gw.client() as c:
        while time.monotonic() < deadline:
            last = c.get(path)
            if predicate(last):
                return last
            time.sleep(0.02)
    raise AssertionError(f"{path}: condition not met within {timeout}s; last: {last.status_code} {last.text[:300]}")


def problems(response):
    """{location: message} of a v2 error body."""
    return {d["location"]: d["message"] for d in response.json().get("details", [])}
