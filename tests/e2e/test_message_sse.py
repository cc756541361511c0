"""The sse entrypoint over the mock endpoint: frames parsed from a streamed response, heartbeats, comments,
Last-Event-ID resume, the end of a finite stream, and goaway when the API is redeployed or the gateway stops."""
import time

import pytest

from helpers.messages import SseReader, client, message_api, sse_stream
from helpers.waiting import wait_until


def sse(configuration=None, qos=None):
    ep = {"type": "sse", "configuration": configuration or {}}
    if qos:
        ep["qos"] = qos
    return ep


def test_frames_ids_and_content(gantry):
    gw = gantry([message_api("events", "/events", [sse()], interval=5, count=5)])
    with client(gw) as c, sse_stream(c, "/events") as r:
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/event-stream;charset=UTF-8"
        assert r.headers["cache-control"] == "no-cache"
        assert r.headers["x-gravitee-request-id"]
        reader = SseReader(r)
        first = reader.next_block()
        assert first.retry == 5000  # `retry:` comes first
        events = [reader.next_event() for _ in range(5)]
        assert [e.id for e in events] == ["0", "1", "2", "3", "4"]
        assert [e.event for e in events] == ["message"] * 5
        assert [e.data for e in events] == ["mock message"] * 5
        assert reader.next_event() is None  # messageCount reached: the stream ends


def test_multi_line_content_and_comments(gantry):
    cfg = {"metadataAsComment": True, "headersAsComment": True, "heartbeatIntervalInMs": 2000}
    gw = gantry([message_api("ml", "/ml", [sse(cfg)], interval=5, count=1, content="line one\nline two",
                             headers={"x-h": "hv"}, metadata={"m1": "mv"})])
    with client(gw) as c, sse_stream(c, "/ml") as r:
        reader = SseReader(r)
        assert reader.next_block().retry == 2000
        ev = reader.next_event()
        assert ev.data_lines == ["line one", "line two"]
        assert "x-h: hv" in ev.comments
        assert "m1: mv" in ev.comments
        assert any(c.startswith("sourceTimestamp: ") for c in ev.comments)


def test_heartbeat_comments_while_idle(gantry):
    cfg = {"heartbeatIntervalInMs": 2000}
    gw = gantry([message_api("hb", "/hb", [sse(cfg)], interval=60000)])
    with client(gw) as c, sse_stream(c, "/hb") as r:
        reader = SseReader(r)
        reader.next_block()  # retry
        assert reader.next_event().id == "0"  # the first message comes at once; the next one in a minute
        started = time.monotonic()
        block = reader.next_block()
        assert block.comments == [""] and not block.data_lines  # ":" heartbeat
        assert time.monotonic() - started >= 1.5


def test_heartbeat_below_minimum_is_refused(gantry_bin, tmp_path):
    import json
    import subprocess
    api = message_api("bad", "/bad", [sse({"heartbeatIntervalInMs": 500})])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(api))
    out = subprocess.run([gantry_bin, "check", str(path)], capture_output=True, text=True)
    assert out.returncode == 1
    assert ("$.listeners[0].entrypoints[0].configuration.heartbeatIntervalInMs: must be at least 2000 (got 500)"
            in out.stderr)


def test_last_event_id_resumes_after_it(gantry):
    gw = gantry([message_api("resume", "/resume", [sse()], interval=5, count=10)])
    with client(gw) as c, sse_stream(c, "/resume", {"Last-Event-ID": "6"}) as r:
        reader = SseReader(r)
        ids = []
        while (ev := reader.next_event()) is not None:
            ids.append(ev.id)
        assert ids == ["7", "8", "9"]


@pytest.mark.parametrize("qos", ["none", "auto", "at-most-once", "at-least-once"])
def test_every_qos_level_streams(gantry, qos):
    gw = gantry([message_api("q", "/q", [sse(qos=qos)], interval=1, count=50)])
    with client(gw) as c, sse_stream(c, "/q") as r:
        reader = SseReader(r)
        ids = []
        while (ev := reader.next_event()) is not None:
            ids.append(int(ev.id))
        assert ids == list(range(50))


def test_redeploy_sends_goaway_and_new_streams_work(gantry):
    api = message_api("live", "/live", [sse()], interval=50)
    gw = gantry([api])
    with client(gw) as c, sse_stream(c, "/live") as r:
        reader = SseReader(r)
        assert reader.next_event().event == "message"
        api["description"] = "v2"
        gw.write_api(api)
        gw.reload()
        ev = reader.next_event()
        while ev is not None and ev.event == "message":
            ev = reader.next_event()
        assert ev is not None and ev.event == "goaway"
        assert reader.next_event() is None  # then the stream ends
    with client(gw) as c, sse_stream(c, "/live") as r:
        assert SseReader(r).next_event().event == "message"


def test_gateway_stop_sends_goaway_quickly(gantry):
    gw = gantry([message_api("stop", "/stop", [sse()], interval=50)])
    with client(gw) as c, sse_stream(c, "/stop") as r:
        reader = SseReader(r)
        assert reader.next_event().event == "message"
        started = time.monotonic()
        gw.proc.send_signal(15)
        ev = reader.next_event()
        while ev is not None and ev.event == "message":
            ev = reader.next_event()
        assert ev is not None and ev.event == "goaway"
    assert gw.proc.wait(10 * gw.slow) == 0
    gw.stopped = True
    # Not held until the drain deadline (30 s by default) by the open stream.
    assert time.monotonic() - started < 10 * gw.slow


def test_removed_api_ends_stream_then_404(gantry):
    gw = gantry([message_api("gone", "/gone", [sse()], interval=50)])
    with client(gw) as c, sse_stream(c, "/gone") as r:
        reader = SseReader(r)
        assert reader.next_event().event == "message"
        gw.remove_api("gone.json")
        gw.reload()
        ev = reader.next_event()
        while ev is not None and ev.event == "message":
            ev = reader.next_event()
        assert ev.event == "goaway"
    with client(gw) as c:
        wait_until(lambda: c.get("/gone", headers={"Accept": "text/event-stream"}).status_code == 404, 10)
