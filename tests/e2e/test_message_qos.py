"""QoS at deploy time: a refused entrypoint x endpoint x qos combination is reported by `gantry check` and by the
gateway with the JSON path, the pair and the allowed levels; the API is not served."""
import json
import subprocess

from helpers.messages import client, message_api
from helpers.waiting import wait_until


def refused_api():
    return message_api("refused", "/refused", [{"type": "websocket", "qos": "at-least-once"},
                                               {"type": "http-get", "qos": "none"}])


EXPECTED = [
    "$.listeners[0].entrypoints[0].qos: qos 'at-least-once' is not supported by entrypoint 'websocket' with "
    "endpoint 'mock' (allowed: none, auto)",
    "$.listeners[0].entrypoints[1].qos: qos 'none' is not supported by entrypoint 'http-get' with endpoint 'mock' "
    "(allowed: auto, at-most-once, at-least-once)",
]


def test_check_reports_refused_pairs(gantry_bin, tmp_path):
    path = tmp_path / "refused.json"
    path.write_text(json.dumps(refused_api()))
    out = subprocess.run([gantry_bin, "check", str(path)], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [f"{path}: {line}" for line in EXPECTED]


def test_gateway_refuses_to_serve_it(gantry):
    ok = message_api("fine", "/fine", [{"type": "sse", "qos": "at-least-once"}], interval=1, count=1)
    gw = gantry([refused_api(), ok])
    wait_until(lambda: "deployed API 'fine'" in gw.log(), 10)
    for line in EXPECTED:
        assert line in gw.log()
    with client(gw) as c:
        assert c.get("/refused", headers={"Accept": "application/json"}).status_code == 404
        with c.stream("GET", "/fine", headers={"Accept": "text/event-stream"}) as r:
            assert r.status_code == 200
