"""The management lifecycle on PostgreSQL, and several gantry processes sharing one database: a deploy made through
one is served by all (each polls the repository's revision, see docs/design-notes.md)."""
import time

from helpers.definitions import proxy_api
from helpers.management import create_api, created_id, deploy, start, stop, wait_for


def definition(path, target):
    api = proxy_api("x", path, [target])
    del api["id"]
    return api


def pg_config(uri):
    return {"repository.type": "postgres", "repository.uri": uri}


def test_lifecycle_on_postgres(gantry, backend, pg_database):
    a, b = backend("A"), backend("B")
    gw = gantry(config=pg_config(pg_database))
    with gw.management() as m:
        api_id = create_api(m, definition("/pg", a.url()))
        plan_id = created_id(m.post(f"/apis/{api_id}/plans", json={"name": "P", "security": {"type": "KEY_LESS"}}))
        m.post(f"/apis/{api_id}/plans/{plan_id}/_publish")
        deploy(m, api_id)
        start(m, api_id)
        assert gw.get("/pg/x").json()["backend"] == "A"
        m.put(f"/apis/{api_id}", json=definition("/pg", b.url()))
        deploy(m, api_id)
        assert gw.get("/pg/x").json()["backend"] == "B"
        stop(m, api_id)
        assert gw.get("/pg/x").status_code == 404
        start(m, api_id)
    gw.restart()
    assert gw.get("/pg/x").json()["backend"] == "B"
    with gw.management() as m:
        assert len(m.get(f"/apis/{api_id}/deployments").json()["data"]) == 2
        stop(m, api_id)
        assert m.delete(f"/apis/{api_id}").status_code == 204
        assert m.get(f"/apis/{api_id}").status_code == 404


def test_two_gateways_on_one_database_both_serve_a_deploy(gantry, backend, pg_database):
    a, b = backend("A"), backend("B")
    config = pg_config(pg_database)
    config["repository.poll_ms"] = 100
    one = gantry(config=config)
    two = gantry(config=config)
    with one.management() as m:
        api_id = create_api(m, definition("/shared", a.url()))
        deploy(m, api_id)
        start(m, api_id)
    assert one.get("/shared").json()["backend"] == "A"
    began = time.monotonic()
    wait_for(two, "/shared", lambda r: r.status_code == 200 and r.json()["backend"] == "A", timeout=1.0)

    with two.management() as m:  # the other process's management API sees the same data
        m.put(f"/apis/{api_id}", json=definition("/shared", b.url()))
        deploy(m, api_id)
    assert two.get("/shared").json()["backend"] == "B"
    wait_for(one, "/shared", lambda r: r.json().get("backend") == "B", timeout=1.0)

    with one.management() as m:
        stop(m, api_id)
    wait_for(two, "/shared", lambda r: r.status_code == 404, timeout=1.0)
    assert time.monotonic() - began < 10


def test_gateway_keeps_serving_when_the_database_goes_away(gantry, backend, pg_database):
    import psycopg2

    a = backend("A")
    gw = gantry(config=pg_config(pg_database))
    with gw.management() as m:
        api_id = create_api(m, definition("/resilient", a.url()))
        deploy(m, api_id)
        start(m, api_id)
    base, name = pg_database.rsplit("/", 1)
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()
    time.sleep(0.6)  # a couple of polls fail meanwhile
    for _ in range(20):
        assert gw.get("/resilient/x").json()["backend"] == "A"  # the last snapshot keeps serving
    with gw.management() as m:
        r = m.get(f"/apis/{api_id}")
        assert r.status_code == 503 and r.json()["technicalCode"] == "repository.unavailable"
    assert gw.log().count("repository poll failed") == 1  # logged once, not at every poll
