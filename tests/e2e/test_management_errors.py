"""What the management API refuses, and how: credentials, malformed JSON, invalid definitions (seed 001 until its
connectors exist), context paths of other APIs, unknown ids, illegal state changes. Errors use Gravitee's v2 shape."""
import copy
import re

import httpx
import pytest

from helpers.definitions import proxy_api
from helpers.management import create_api, created_id, deploy, problems, start, stop

SEED_001 = {
    "name": "Data Ingestion to Kafka",
    "apiVersion": "1.0",
    "definitionVersion": "4.0.0",
    "type": "async",
    "description": "Data Ingestion to Kafka",
    "listeners": [{
        "type": "http",
        "paths": [{"path": "/data/ingestion/kafka"}],
        "entrypoints": [{"type": "http-post", "configuration": {"requestHeadersToMessage": False}}],
    }],
    "endpointGroups": [{
        "name": "default",
        "type": "kafka",
        "endpoints": [{
            "name": "default", "type": "kafka", "weight": 1, "inheritConfiguration": False,
            "configuration": {"bootstrapServers": "kafka:9092", "topics": ["demo"],
                              "consumer": {"enabled": False}, "producer": {"enabled": True}},
        }],
    }],
    "flows": [{"name": "", "selectors": [], "request": [], "response": [], "subscribe": [], "publish": [],
               "enabled": True}],
}


def api_def(path, target="http://127.0.0.1:9/", name="X"):
    api = proxy_api("x", path, [target])
    del api["id"]
    api["name"] = name
    return api


def assert_v2_error(r, status):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["httpStatus"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["technicalCode"], str) and body["technicalCode"]
    return body


@pytest.mark.parametrize("auth", [None, ("admin", "wrong"), ("someone", "e2e-password"), ("admin", "")])
def test_bad_credentials_are_401_and_reveal_nothing(gantry, auth):
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, api_def("/secret"))
    with gw.management(auth=auth) as m:
        for method, path in [("GET", "/apis"), ("GET", f"/apis/{api_id}"), ("GET", "/apis/unknown"),
                             ("DELETE", f"/apis/{api_id}"), ("GET", "/no/such/path")]:
            r = m.request(method, path)
            body = assert_v2_error(r, 401)
            assert r.headers["www-authenticate"].startswith("Basic")
            assert api_id not in r.text and "secret" not in r.text
            assert body["message"] == "Unauthorized"
    with gw.management() as m:
        assert m.get(f"/apis/{api_id}").status_code == 200  # nothing was deleted


def test_garbage_authorization_header_is_401(gantry):
    gw = gantry()
    for value in ["Basic", "Basic !!!", "Bearer abc", "Basic " + "QQ==" * 2000]:
        r = httpx.get(gw.management_url + "/management/v2/environments/DEFAULT/apis",
                      headers={"authorization": value}, trust_env=False)
        assert r.status_code == 401


def test_generated_password_is_printed_once_and_stored_hashed(gantry):
    gw = gantry(config={"management.password": ""})
    match = re.search(r"management API password for user 'admin': (\S+)", gw.stderr())
    assert match, gw.log()
    password = match.group(1)
    assert len(password) >= 20
    with gw.management(auth=("admin", password)) as m:
        assert m.get("/apis").status_code == 200
    with open(gw.work_dir + "/gantry.db", "rb") as f:
        assert password.encode() not in f.read()
    gw.restart()
    assert gw.log().count("management API password") == 1  # printed once, at the first start only
    with gw.management(auth=("admin", password)) as m:
        assert m.get("/apis").status_code == 200
    assert password not in gw.stdout()


def test_api_keys_and_passwords_stay_out_of_the_log(gantry):
    gw = gantry(config={"log.level": "debug"})
    with gw.management() as m:
        api_id = create_api(m, api_def("/k"))
        plan = created_id(m.post(f"/apis/{api_id}/plans", json={"name": "K", "security": {"type": "API_KEY"},
                                                                "validation": "AUTO"}))
        m.post(f"/apis/{api_id}/plans/{plan}/_publish")
        app = created_id(m.post("/applications", json={"name": "App"}))
        m.post(f"/apis/{api_id}/subscriptions", json={"applicationId": app, "planId": plan,
                                                      "customApiKey": "my-custom-key-123"})
    assert "my-custom-key-123" not in gw.log()
    assert "e2e-password" not in gw.log()


@pytest.mark.parametrize("body, where", [
    ("{", "line 1, column 2"),
    ('{"name": "x",\n  "listeners": [}', "line 2, column 17"),
    ("[1, 2]", None),
    ("", None),
])
def test_malformed_json_is_400(gantry, body, where):
    gw = gantry()
    with gw.management() as m:
        for path in ["/apis", "/applications"]:
            r = m.post(path, content=body, headers={"content-type": "application/json"})
            err = assert_v2_error(r, 400)
            if where and path == "/apis":
                assert where in err["details"][0]["message"], err
            elif where:
                assert where in err["message"], err


def test_seed_001_body_is_accepted_as_is_on_both_paths(gantry):
    gw = gantry()
    with gw.management() as m:
        r = m.post("/apis", json=SEED_001)
        api_id = created_id(r)
        assert r.json()["name"] == "Data Ingestion to Kafka"
        exported = m.get(f"/apis/{api_id}/_export/definition")
        assert exported.status_code == 200, exported.text
        assert "kafka" in exported.text and "/data/ingestion/kafka" in exported.text
        m.delete(f"/apis/{api_id}")
    seed_again = copy.deepcopy(SEED_001)
    r = httpx.post(gw.management_url + "/management/organizations/DEFAULT/environments/DEFAULT/v4/apis/",
                   json=seed_again, auth=("admin", "e2e-password"), trust_env=False)
    assert r.status_code == 201, r.text


def test_seed_001_with_a_misspelt_endpoint_names_it_by_json_path(gantry):
    gw = gantry()
    bad = copy.deepcopy(SEED_001)
    bad["endpointGroups"][0]["type"] = "kafak"
    with gw.management() as m:
        r = m.post("/apis", json=bad)
        body = assert_v2_error(r, 400)
        assert body["technicalCode"] == "api.definition.invalid"
        assert "did you mean 'kafka'" in problems(r)["$.endpointGroups[0].type"]


def test_invalid_definition_lists_every_problem(gantry):
    gw = gantry()
    bad = api_def("/bad")
    bad["listeners"][0]["entrypoints"][0]["type"] = "http-prxy"
    bad["endpointGroups"][0]["loadBalancer"]["type"] = "SOMETIMES"
    bad["definitionVersion"] = "4.0.0"
    with gw.management() as m:
        r = m.post("/apis", json=bad)
        assert_v2_error(r, 400)
        found = problems(r)
        assert "did you mean 'http-proxy'" in found["$.listeners[0].entrypoints[0].type"]
        assert "$.endpointGroups[0].loadBalancer.type" in found
        assert r.json()["message"] == f"The API definition is invalid ({len(found)} problems)"
        good = create_api(m, api_def("/good"))
        r = m.put(f"/apis/{good}", json=bad)
        assert_v2_error(r, 400)
        assert m.get(f"/apis/{good}").json()["listeners"][0]["paths"][0]["path"] == "/good"  # unchanged
        r = m.put(f"/apis/{good}", json={**api_def("/good"), "id": "another-id"})
        assert_v2_error(r, 400)


def test_context_path_used_by_another_api_is_refused_naming_it(gantry):
    file_api = proxy_api("from-file", "/filed", ["http://127.0.0.1:9/"])
    gw = gantry([file_api])
    with gw.management() as m:
        first = create_api(m, api_def("/shop", name="Shop"))
        r = m.post("/apis", json=api_def("/shop/", name="Copy"))
        body = assert_v2_error(r, 400)
        assert "Shop" in body["message"] and first in body["message"] and "/shop" in body["message"]
        assert "Shop" in problems(r)["$.listeners[0].paths[0].path"]
        r = m.post("/apis", json=api_def("/filed", name="Clash"))
        body = assert_v2_error(r, 400)
        assert "from-file" in body["message"]
        other = create_api(m, api_def("/other"))
        r = m.put(f"/apis/{other}", json=api_def("/shop"))
        assert_v2_error(r, 400)
        # an API may keep its own paths when it is replaced
        assert m.put(f"/apis/{first}", json=api_def("/shop", name="Shop 2")).status_code == 200


def test_unknown_ids_are_404(gantry):
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, api_def("/known"))
        for method, path in [
            ("GET", "/apis/nope"), ("PUT", "/apis/nope"), ("DELETE", "/apis/nope"),
            ("POST", "/apis/nope/deployments"), ("GET", "/apis/nope/deployments"),
            ("POST", "/apis/nope/_start"), ("GET", "/apis/nope/_export/definition"),
            ("GET", f"/apis/{api_id}/plans/nope"), ("POST", f"/apis/{api_id}/plans/nope/_publish"),
            ("GET", f"/apis/{api_id}/subscriptions/nope"), ("GET", "/applications/nope"),
            ("GET", f"/apis/{api_id}/deployments/nope"), ("GET", "/nothing-here"),
        ]:
            r = m.request(method, path, json=api_def("/x") if method == "PUT" else None)
            assert_v2_error(r, 404)
        assert "cannot be found" in m.get("/apis/nope").json()["message"]


def test_illegal_state_changes_are_400_with_a_clear_message(gantry):
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, api_def("/states"))
        plan = created_id(m.post(f"/apis/{api_id}/plans", json={"name": "P", "security": {"type": "KEY_LESS"}}))
        assert m.post(f"/apis/{api_id}/plans/{plan}/_close").status_code == 200
        r = m.post(f"/apis/{api_id}/plans/{plan}/_publish")
        assert "closed" in assert_v2_error(r, 400)["message"]
        assert_v2_error(m.post(f"/apis/{api_id}/plans/{plan}/_close"), 400)
        assert_v2_error(m.post(f"/apis/{api_id}/_stop"), 400)
        deploy(m, api_id)
        start(m, api_id)
        assert "already started" in assert_v2_error(m.post(f"/apis/{api_id}/_start"), 400)["message"]
        stop(m, api_id)
        assert m.delete(f"/apis/{api_id}").status_code == 204
        r = m.post(f"/apis/{api_id}/deployments")
        assert "deleted" in assert_v2_error(r, 400)["message"]
        assert_v2_error(m.post(f"/apis/{api_id}/_start"), 400)
        r = m.post(f"/apis/{api_id}/deployments", json={"deploymentLabel": "x" * 33})
        assert r.status_code == 400
