"""The management API's whole lifecycle against the real gateway: create -> plan -> publish -> deploy -> request
-> update -> redeploy -> stop -> start -> delete; a restart keeps everything; history, rollback, import/export."""
import json

from helpers.definitions import proxy_api
from helpers.management import create_api, created_id, deploy, start, stop, wait_for


def definition(path, target, name="Orders"):
    api = proxy_api("unused", path, [target])
    del api["id"]  # the management API gives the id
    api["name"] = name
    return api


def test_whole_lifecycle(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, definition("/orders", a.url()))
        api = m.get(f"/apis/{api_id}").json()
        assert api["state"] == "STOPPED" and api["deploymentState"] == "NEED_REDEPLOY"
        assert (api["definitionVersion"], api["type"], api["lifecycleState"]) == ("V4", "PROXY", "CREATED")
        assert m.put(f"/apis/{api_id}", json=api).status_code == 200  # what GET shows, PUT takes back
        assert gw.get("/orders").status_code == 404

        plan_id = created_id(m.post(f"/apis/{api_id}/plans", json={"name": "Free", "security": {"type": "KEY_LESS"}}))
        assert m.post(f"/apis/{api_id}/plans/{plan_id}/_publish").json()["status"] == "PUBLISHED"

        deployment = deploy(m, api_id, "first")
        assert deployment["deploymentLabel"] == "first"
        start(m, api_id)
        # _start returns once the gateway serves it: no waiting needed
        assert gw.get("/orders/x").json()["backend"] == "A"

        changed = definition("/orders", b.url(), name="Orders v2")
        r = m.put(f"/apis/{api_id}", json=changed)
        assert r.status_code == 200, r.text
        assert r.json()["deploymentState"] == "NEED_REDEPLOY"
        assert gw.get("/orders/x").json()["backend"] == "A"  # not deployed yet
        deploy(m, api_id, "second")
        assert gw.get("/orders/x").json()["backend"] == "B"
        assert m.get(f"/apis/{api_id}").json()["deploymentState"] == "DEPLOYED"

        stop(m, api_id)
        r = gw.get("/orders/x")
        assert r.status_code == 404
        assert r.json() == {"message": "No context-path matches the request URI.", "http_status_code": 404}
        start(m, api_id)
        assert gw.get("/orders/x").json()["backend"] == "B"

        r = m.delete(f"/apis/{api_id}")
        assert r.status_code == 400 and "stop it" in r.json()["message"]
        stop(m, api_id)
        assert m.delete(f"/apis/{api_id}").status_code == 204
        assert m.get(f"/apis/{api_id}").status_code == 404
        assert gw.get("/orders/x").status_code == 404


def test_seed_body_with_id_is_kept_and_listed(gantry, backend):
    a = backend("A")
    gw = gantry()
    with gw.management() as m:
        api = proxy_api("my-own-id", "/own", [a.url()])
        assert create_api(m, api) == "my-own-id"
        listed = m.get("/apis").json()
        assert [x["id"] for x in listed["data"]] == ["my-own-id"]
        assert listed["pagination"]["totalCount"] == 1
        r = m.post("/apis", json=api)
        assert r.status_code == 400 and "already exists" in r.json()["message"]


def test_restart_keeps_apis_deployments_and_state(gantry, backend):
    a = backend("A")
    gw = gantry()
    with gw.management() as m:
        started_id = create_api(m, definition("/kept", a.url(), name="Kept"))
        deploy(m, started_id)
        start(m, started_id)
        stopped_id = create_api(m, definition("/parked", a.url(), name="Parked"))
        deploy(m, stopped_id)
        plan_id = created_id(m.post(f"/apis/{started_id}/plans", json={"name": "P", "security": {"type": "API_KEY"}}))
    assert gw.get("/kept").status_code == 200

    gw.restart()
    assert gw.get("/kept").json()["backend"] == "A"  # served from the first accepted connection
    assert gw.get("/parked").status_code == 404
    with gw.management() as m:
        assert {x["id"] for x in m.get("/apis").json()["data"]} == {started_id, stopped_id}
        assert m.get(f"/apis/{started_id}").json()["state"] == "STARTED"
        assert len(m.get(f"/apis/{started_id}/deployments").json()["data"]) == 1
        assert m.get(f"/apis/{started_id}/plans/{plan_id}").json()["name"] == "P"


def test_deployment_history_and_rollback(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, definition("/hist", a.url()))
        first = deploy(m, api_id, "v1")
        start(m, api_id)
        m.put(f"/apis/{api_id}", json=definition("/hist", b.url()))
        deploy(m, api_id, "v2")
        assert gw.get("/hist").json()["backend"] == "B"

        history = m.get(f"/apis/{api_id}/deployments").json()["data"]
        assert [d["deploymentLabel"] for d in history] == ["v2", "v1"]
        assert [d["current"] for d in history] == [True, False]
        assert all(d["createdAt"].endswith("Z") for d in history)
        one = m.get(f"/apis/{api_id}/deployments/{first['id']}").json()
        assert one["definition"]["endpointGroups"][0]["endpoints"][0]["configuration"]["target"] == a.url()

        r = m.post(f"/apis/{api_id}/_rollback", json={"eventId": first["id"]})
        assert r.status_code == 204, r.text
        assert gw.get("/hist").json()["backend"] == "A"
        history = m.get(f"/apis/{api_id}/deployments").json()["data"]
        assert len(history) == 3 and history[0]["deploymentLabel"] == "Rollback to #1"
        exported = m.get(f"/apis/{api_id}/_export/definition").json()["api"]
        assert exported["endpointGroups"][0]["endpoints"][0]["configuration"]["target"] == a.url()

        second = history[1]  # "v2"
        assert m.post(f"/apis/{api_id}/deployments/{second['id']}/_redeploy").status_code == 204
        assert gw.get("/hist").json()["backend"] == "B"
        assert m.post(f"/apis/{api_id}/deployments/nope/_redeploy").status_code == 404


def test_export_is_exactly_what_was_sent_and_import_round_trips(gantry, backend):
    a = backend("A")
    gw = gantry()
    text = json.dumps(definition("/exp", a.url()), indent=3) .replace('"Orders"', '"Orders",   "crossId": "x-1"')
    with gw.management() as m:
        r = m.post("/apis", content=text, headers={"content-type": "application/json"})
        api_id = created_id(r)
        created_id(m.post(f"/apis/{api_id}/plans", json={"name": "Gold", "security": {"type": "API_KEY"},
                                                          "characteristics": ["fast"]}))
        exported = m.get(f"/apis/{api_id}/_export/definition")
        assert exported.status_code == 200
        # the definition comes back byte for byte, with only the generated id added
        assert text[1:] in exported.text
        body = exported.json()
        assert body["api"]["id"] == api_id and body["plans"][0]["characteristics"] == ["fast"]

        stop_and_delete = m.delete(f"/apis/{api_id}")
        assert stop_and_delete.status_code == 204
        r = m.post("/apis/_import/definition", json=body)
        assert created_id(r) == api_id
        again = m.get(f"/apis/{api_id}/_export/definition").json()
        assert again["api"] == body["api"]
        assert [p["name"] for p in again["plans"]] == ["Gold"]


def test_openapi_document_describes_the_api(gantry):
    gw = gantry()
    import httpx
    r = httpx.get(gw.management_url + "/management/openapi.yaml", trust_env=False)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/yaml")
    assert r.text.startswith("openapi: 3")
    for path in ("/apis:", "/apis/{apiId}/deployments:", "/apis/{apiId}/_start:", "/applications:",
                 "/apis/{apiId}/subscriptions/{subscriptionId}/api-keys/_renew:"):
        assert path in r.text


def test_older_v4_path_of_the_seed_creates_apis(gantry, backend):
    a = backend("A")
    gw = gantry()
    import httpx
    with httpx.Client(base_url=gw.management_url, auth=("admin", gw.management_password), trust_env=False) as c:
        r = c.post("/management/organizations/DEFAULT/environments/DEFAULT/v4/apis/", json=definition("/v4", a.url()))
        assert r.status_code == 201, r.text
        api_id = r.json()["id"]
        assert c.get(f"/management/v2/organizations/DEFAULT/environments/DEFAULT/apis/{api_id}").status_code == 200
        assert c.get(f"/management/v2/environments/OTHER/apis/{api_id}").status_code == 404


def test_lists_are_paginated_as_asked(gantry):
    gw = gantry()
    with gw.management() as m:
        ids = [create_api(m, definition(f"/page-{i}", "http://127.0.0.1:9/")) for i in range(5)]
        everything = [a["id"] for a in m.get("/apis").json()["data"]]
        assert sorted(everything) == sorted(ids)
        body = m.get("/apis", params={"page": 2, "perPage": 2}).json()
        assert [a["id"] for a in body["data"]] == everything[2:4]
        assert body["pagination"] == {"page": 2, "perPage": 2, "pageCount": 3, "pageItemsCount": 2, "totalCount": 5}
        assert [a["id"] for a in m.get("/apis", params={"page": 3, "perPage": 2}).json()["data"]] == everything[4:]
        assert m.get("/apis", params={"page": 9, "perPage": 2}).json()["data"] == []
