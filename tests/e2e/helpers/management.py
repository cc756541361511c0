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
