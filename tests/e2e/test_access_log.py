"""The access log: one line per request, as JSON (log.format json) or text."""
from helpers.definitions import proxy_api
from helpers.waiting import wait_until

REQUIRED = ("method", "path", "status", "request_id", "transaction_id", "api", "duration_ms")


def entries_for(gw, request_id):
    return [e for e in gw.json_lines() if e.get("request_id") == request_id]


def test_json_access_log_line_per_request(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("logged-api", "/a", [a.url()])])
    r = gw.get("/a/x?y=1", headers={"X-Gravitee-Transaction-Id": "tx-log"})
    rid = r.headers["x-gravitee-request-id"]
    wait_until(lambda: entries_for(gw, rid), 5, message=f"an access log line for request {rid}")
    entries = entries_for(gw, rid)
    assert len(entries) == 1, entries
    e = entries[0]
    missing = [k for k in REQUIRED if k not in e]
    assert not missing, f"access log line lacks {missing}: {e}"
    assert e["method"] == "GET"
    assert e["path"].split("?")[0] == "/a/x"
    assert e["status"] == 200
    assert e["transaction_id"] == "tx-log"
    assert e["api"] == "logged-api"
    assert isinstance(e["duration_ms"], (int, float)) and e["duration_ms"] >= 0


def test_json_access_log_for_404_and_502(gantry, backend):
    gw = gantry([proxy_api("dead-api", "/d", ["http://127.0.0.1:9/base"])])
    for path, status in (("/nowhere", 404), ("/d/x", 502)):
        r = gw.get(path)
        assert r.status_code == status
        rid = r.headers["x-gravitee-request-id"]
        wait_until(lambda: entries_for(gw, rid), 5, message=f"an access log line for {path}")
        (e,) = entries_for(gw, rid)
        assert e["status"] == status and e["path"] == path
    assert e["api"] == "dead-api"


def test_one_line_per_request_under_keep_alive(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("logged-api", "/a", [a.url()])])
    with gw.client() as c:
        ids = [c.get(f"/a/n{i}").headers["x-gravitee-request-id"] for i in range(10)]
    wait_until(lambda: all(entries_for(gw, rid) for rid in ids), 5, message="all access log lines")
    assert [len(entries_for(gw, rid)) for rid in ids] == [1] * 10
    assert [entries_for(gw, rid)[0]["path"] for rid in ids] == [f"/a/n{i}" for i in range(10)]


def test_text_access_log(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("text-api", "/a", [a.url()])], config={"log.format": "text"})
    assert gw.get("/a/texty-path").status_code == 200
    assert gw.get("/nowhere-texty").status_code == 404

    def line_with(*parts):
        return next((line for line in gw.stdout().splitlines() if all(p in line for p in parts)), None)

    wait_until(lambda: line_with("GET", "/a/texty-path", "200"), 5, message="a text access log line for the 200")
    wait_until(lambda: line_with("GET", "/nowhere-texty", "404"), 5, message="a text access log line for the 404")
