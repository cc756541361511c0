"""Plans, applications, subscriptions and API keys: their data and state rules (the gateway enforcing plans is a
later issue)."""
import datetime

import pytest

from helpers.definitions import proxy_api
from helpers.management import create_api, created_id


def api_def(path):
    api = proxy_api("x", path, ["http://127.0.0.1:9/"])
    del api["id"]
    return api


@pytest.fixture
def world(gantry):
    gw = gantry()
    m = gw.management()
    api_id = create_api(m, api_def("/consumers"))
    app_id = created_id(m.post("/applications", json={"name": "Mobile app", "description": "iOS",
                                                      "settings": {"app": {"type": "ios"}}}))
    yield gw, m, api_id, app_id
    m.close()


def plan(m, api_id, security="API_KEY", validation="AUTO", publish=True):
    plan_id = created_id(m.post(f"/apis/{api_id}/plans", json={
        "name": f"{security} {validation}", "security": {"type": security}, "validation": validation}))
    if publish:
        assert m.post(f"/apis/{api_id}/plans/{plan_id}/_publish").status_code == 200
    return plan_id


def test_plan_lifecycle(world):
    gw, m, api_id, _ = world
    r = m.post(f"/apis/{api_id}/plans", json={"name": "Gold", "description": "d", "security": {"type": "api-key"},
                                              "characteristics": ["fast"], "validation": "MANUAL"})
    assert r.status_code == 201
    p = r.json()
    assert (p["status"], p["security"]["type"], p["validation"], p["mode"], p["apiId"]) == \
        ("STAGING", "API_KEY", "MANUAL", "STANDARD", api_id)
    assert p["characteristics"] == ["fast"]
    plan_id = p["id"]
    r = m.put(f"/apis/{api_id}/plans/{plan_id}", json={"name": "Platinum", "validation": "AUTO"})
    assert (r.json()["name"], r.json()["validation"]) == ("Platinum", "AUTO")
    assert m.post(f"/apis/{api_id}/plans/{plan_id}/_deprecate").status_code == 400  # not published yet
    r = m.post(f"/apis/{api_id}/plans/{plan_id}/_publish")
    assert r.json()["status"] == "PUBLISHED" and "publishedAt" in r.json()
    assert m.post(f"/apis/{api_id}/plans/{plan_id}/_publish").status_code == 400
    assert m.post(f"/apis/{api_id}/plans/{plan_id}/_deprecate").json()["status"] == "DEPRECATED"
    assert m.post(f"/apis/{api_id}/plans/{plan_id}/_close").json()["status"] == "CLOSED"
    assert m.put(f"/apis/{api_id}/plans/{plan_id}", json={"name": "x"}).status_code == 400
    statuses = [x["status"] for x in m.get(f"/apis/{api_id}/plans", params={"statuses": "CLOSED"}).json()["data"]]
    assert statuses == ["CLOSED"]
    assert m.delete(f"/apis/{api_id}/plans/{plan_id}").status_code == 204
    assert m.get(f"/apis/{api_id}/plans/{plan_id}").status_code == 404


def test_plan_validation(world):
    _, m, api_id, _ = world
    r = m.post(f"/apis/{api_id}/plans", json={"security": {"type": "API_KEY"}})
    assert r.status_code == 400 and r.json()["details"][0]["location"] == "$.name"
    r = m.post(f"/apis/{api_id}/plans", json={"name": "x", "security": {"type": "BASIC"}})
    assert r.status_code == 400 and "KEY_LESS" in r.json()["details"][0]["message"]
    r = m.post(f"/apis/{api_id}/plans", json={"name": "x"})
    assert r.status_code == 400 and r.json()["details"][0]["location"] == "$.security"


def test_auto_subscription_is_accepted_with_a_generated_key(world):
    _, m, api_id, app_id = world
    plan_id = plan(m, api_id)
    r = m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id})
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["status"] == "ACCEPTED" and sub["plan"]["id"] == plan_id and sub["application"]["id"] == app_id
    keys = m.get(f"/apis/{api_id}/subscriptions/{sub['id']}/api-keys").json()["data"]
    assert len(keys) == 1
    key = keys[0]
    assert len(key["key"]) >= 32 and not key["revoked"] and not key["expired"] and not key["paused"]
    # a second subscription of the same application to the same plan is refused
    r = m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id})
    assert r.status_code == 400 and "already has a subscription" in r.json()["message"]


def test_generated_keys_are_unique(world):
    _, m, api_id, _ = world
    plan_id = plan(m, api_id)
    keys = set()
    for i in range(10):
        app = created_id(m.post("/applications", json={"name": f"app {i}"}))
        sub = created_id(m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app, "planId": plan_id}))
        keys.add(m.get(f"/apis/{api_id}/subscriptions/{sub}/api-keys").json()["data"][0]["key"])
    assert len(keys) == 10


def test_manual_subscription_waits_for_accept_or_reject(world):
    _, m, api_id, app_id = world
    plan_id = plan(m, api_id, validation="MANUAL")
    sub_id = created_id(m.post(f"/apis/{api_id}/subscriptions", json={
        "applicationId": app_id, "planId": plan_id, "consumerMessage": "please"}))
    sub = m.get(f"/apis/{api_id}/subscriptions/{sub_id}").json()
    assert sub["status"] == "PENDING" and sub["consumerMessage"] == "please"
    key = m.get(f"/apis/{api_id}/subscriptions/{sub_id}/api-keys").json()["data"][0]
    assert key["paused"]  # not usable before acceptance
    assert m.post(f"/apis/{api_id}/subscriptions/{sub_id}/_pause").status_code == 400
    ending = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")
    r = m.post(f"/apis/{api_id}/subscriptions/{sub_id}/_accept", json={"reason": "welcome", "endingAt": ending})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["publisherMessage"], r.json()["endingAt"]) == ("ACCEPTED", "welcome", ending)
    key = m.get(f"/apis/{api_id}/subscriptions/{sub_id}/api-keys").json()["data"][0]
    assert not key["paused"] and key["expireAt"] == ending
    assert m.post(f"/apis/{api_id}/subscriptions/{sub_id}/_reject").status_code == 400

    other_app = created_id(m.post("/applications", json={"name": "other"}))
    rejected = created_id(m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": other_app, "planId": plan_id}))
    r = m.post(f"/apis/{api_id}/subscriptions/{rejected}/_reject", json={"reason": "no"})
    assert r.json()["status"] == "REJECTED"
    assert m.get(f"/apis/{api_id}/subscriptions/{rejected}/api-keys").json()["data"][0]["revoked"]
    pending = [s["id"] for s in m.get(f"/apis/{api_id}/subscriptions", params={"statuses": "ACCEPTED"}).json()["data"]]
    assert pending == [sub_id]


def test_pause_resume_close(world):
    _, m, api_id, app_id = world
    plan_id = plan(m, api_id)
    sub_id = created_id(m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id}))
    base = f"/apis/{api_id}/subscriptions/{sub_id}"
    assert m.post(base + "/_pause").json()["status"] == "PAUSED"
    assert m.get(base + "/api-keys").json()["data"][0]["paused"]
    assert m.post(base + "/_pause").status_code == 400
    assert m.post(base + "/_resume").json()["status"] == "ACCEPTED"
    assert not m.get(base + "/api-keys").json()["data"][0]["paused"]
    assert m.post(base + "/_close").json()["status"] == "CLOSED"
    assert m.get(base + "/api-keys").json()["data"][0]["revoked"]
    assert m.post(base + "/_resume").status_code == 400
    assert m.post(base + "/_close").status_code == 400


def test_custom_keys_renew_and_revoke(world):
    _, m, api_id, app_id = world
    plan_id = plan(m, api_id)
    r = m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id,
                                                      "customApiKey": "short"})
    assert r.status_code == 400 and r.json()["details"][0]["location"] == "$.customApiKey"
    sub_id = created_id(m.post(f"/apis/{api_id}/subscriptions", json={
        "applicationId": app_id, "planId": plan_id, "customApiKey": "my-custom-key-1"}))
    base = f"/apis/{api_id}/subscriptions/{sub_id}/api-keys"
    assert m.get(base).json()["data"][0]["key"] == "my-custom-key-1"

    other_app = created_id(m.post("/applications", json={"name": "other"}))
    r = m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": other_app, "planId": plan_id,
                                                      "customApiKey": "my-custom-key-1"})
    assert r.status_code == 400 and "another application" in r.json()["details"][0]["message"]

    r = m.post(base + "/_renew", json={})
    assert r.status_code == 200
    fresh = r.json()
    keys = {k["id"]: k for k in m.get(base).json()["data"]}
    assert len(keys) == 2
    old = next(k for k in keys.values() if k["key"] == "my-custom-key-1")
    assert "expireAt" in old and not old["expired"]  # a grace period to switch over
    r = m.post(base + "/_renew", json={"customApiKey": "my-custom-key-2"})
    assert r.json()["key"] == "my-custom-key-2"

    r = m.post(f"{base}/{fresh['id']}/_revoke")
    assert r.status_code == 200 and r.json()["revoked"] and "revokedAt" in r.json()
    assert m.post(f"{base}/{fresh['id']}/_revoke").status_code == 400
    assert m.post(f"{base}/nope/_revoke").status_code == 404
    r = m.put(f"{base}/{old['id']}", json={"expireAt": "2001-01-01T00:00:00Z"})
    assert r.status_code == 200 and r.json()["expired"]


def test_subscription_rules(world):
    _, m, api_id, app_id = world
    keyless = plan(m, api_id, security="KEY_LESS")
    staging = plan(m, api_id, publish=False)
    for plan_id, expected in [(keyless, "keyless"), (staging, "STAGING")]:
        r = m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id})
        assert r.status_code == 400 and expected in r.json()["message"]
    published = plan(m, api_id)
    r = m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": "nope", "planId": published})
    assert r.status_code == 404 and "Application [nope]" in r.json()["message"]
    r = m.post(f"/apis/{api_id}/subscriptions", json={"planId": staging})
    assert r.status_code == 400 and r.json()["details"][0]["location"] == "$.applicationId"


def test_closing_a_plan_closes_its_subscriptions(world):
    _, m, api_id, app_id = world
    plan_id = plan(m, api_id)
    sub_id = created_id(m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id}))
    assert m.delete(f"/apis/{api_id}/plans/{plan_id}").status_code == 400  # still subscribed
    m.post(f"/apis/{api_id}/plans/{plan_id}/_close")
    assert m.get(f"/apis/{api_id}/subscriptions/{sub_id}").json()["status"] == "CLOSED"
    assert m.get(f"/apis/{api_id}/subscriptions/{sub_id}/api-keys").json()["data"][0]["revoked"]


def test_applications_crud(world):
    _, m, api_id, app_id = world
    app = m.get(f"/applications/{app_id}").json()
    assert (app["name"], app["status"], app["settings"]) == ("Mobile app", "ACTIVE", {"app": {"type": "ios"}})
    r = m.put(f"/applications/{app_id}", json={"name": "Renamed", "apiKeyMode": "EXCLUSIVE"})
    assert (r.json()["name"], r.json()["apiKeyMode"]) == ("Renamed", "EXCLUSIVE")
    plan_id = plan(m, api_id)
    sub_id = created_id(m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app_id, "planId": plan_id}))
    assert [a["id"] for a in m.get("/applications").json()["data"]] == [app_id]
    assert m.delete(f"/applications/{app_id}").status_code == 204
    assert m.get(f"/applications/{app_id}").status_code == 404
    assert m.get("/applications").json()["data"] == []
    assert m.get(f"/apis/{api_id}/subscriptions/{sub_id}").json()["status"] == "CLOSED"
    assert m.post("/applications", json={"name": "  "}).status_code == 400


def test_shared_mode_application_uses_one_key_across_apis(world):
    _, m, api_id, _ = world
    other_api = create_api(m, api_def("/consumers-2"))
    shared = created_id(m.post("/applications", json={"name": "shared", "apiKeyMode": "SHARED"}))
    exclusive = created_id(m.post("/applications", json={"name": "exclusive", "apiKeyMode": "EXCLUSIVE"}))

    def key_of(api, app):
        sub = created_id(m.post(f"/apis/{api}/subscriptions", json={"applicationId": app, "planId": plan(m, api)}))
        return m.get(f"/apis/{api}/subscriptions/{sub}/api-keys").json()["data"][0]["key"]

    assert key_of(api_id, shared) == key_of(other_api, shared)
    assert key_of(api_id, exclusive) != key_of(other_api, exclusive)
