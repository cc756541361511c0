"""Requests in flight during redeploys finish on their snapshot: 20 redeploys while clients keep requesting, and not
one request fails."""
import threading

from helpers.definitions import proxy_api
from helpers.management import create_api, deploy, start


def definition(path, target, header):
    api = proxy_api("x", path, [target], headers=[("X-Version", header)])
    del api["id"]
    return api


def test_twenty_redeploys_under_load_fail_no_request(gantry, backend):
    a = backend("A")
    gw = gantry()
    with gw.management() as m:
        api_id = create_api(m, definition("/live", a.url(), "0"))
        deploy(m, api_id)
        start(m, api_id)

    stop = threading.Event()
    results = {"ok": 0, "failed": []}
    lock = threading.Lock()

    def client():
        with gw.client() as c:
            while not stop.is_set():
                try:
                    r = c.get("/live/item", headers={"connection": "keep-alive"})
                    ok = r.status_code == 200 and r.json()["backend"] == "A"
                    detail = f"{r.status_code} {r.text[:200]}"
                except Exception as e:  # noqa: BLE001 - any failure counts
                    ok, detail = False, repr(e)
                with lock:
                    if ok:
                        results["ok"] += 1
                    else:
                        results["failed"].append(detail)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        with gw.management() as m:
            for version in range(1, 21):
                r = m.put(f"/apis/{api_id}", json=definition("/live", a.url(), str(version)))
                assert r.status_code == 200, r.text
                deploy(m, api_id, f"v{version}")
                # the management call returns once the new snapshot is live
                assert gw.get("/live/item").json()["headers"]["x-version"] == [str(version)]
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert results["failed"] == [], results["failed"][:5]
    assert results["ok"] > 20
