"""The http-get entrypoint over the mock endpoint: JSON, XML and text bodies in Gravitee's shapes, Accept
negotiation, limit and cursor paging, headers/metadata in payload, and the duration limit."""
import json
import time
import xml.etree.ElementTree as ET

import pytest

from helpers.messages import client, message_api


def get_ep(count=500, duration=5000, headers=False, metadata=False, qos=None):
    ep = {"type": "http-get", "configuration": {"messagesLimitCount": count, "messagesLimitDurationMs": duration,
                                                "headersInPayload": headers, "metadataInPayload": metadata}}
    if qos:
        ep["qos"] = qos
    return ep


def test_json_pages_with_cursor(gantry):
    gw = gantry([message_api("g", "/g", [get_ep(count=4)], interval=1, count=10)])
    with client(gw) as c:
        seen = []
        cursor = None
        for _ in range(4):
            params = {"cursor": cursor} if cursor else {}
            r = c.get("/g", params=params, headers={"Accept": "application/json"})
            assert r.status_code == 200
            assert r.headers["content-type"] == "application/json"
            body = r.json()
            ids = [item["id"] for item in body["items"]]
            seen += ids
            if not ids:  # an empty page gives the cursor back, as Gravitee's does
                assert body["pagination"]["nextCursor"] == cursor
                break
            assert body["pagination"]["nextCursor"] == ids[-1]
            if cursor:
                assert body["pagination"]["cursor"] == cursor
            assert [item["content"] for item in body["items"]] == ["mock message"] * len(ids)
            cursor = body["pagination"]["nextCursor"]
        assert seen == [str(i) for i in range(10)]


def test_limit_parameter_and_star_accept_is_json(gantry):
    gw = gantry([message_api("l", "/l", [get_ep(count=5)], interval=1, count=100)])
    with client(gw) as c:
        r = c.get("/l", params={"limit": "2"}, headers={"Accept": "*/*"})
        body = r.json()
        assert [i["id"] for i in body["items"]] == ["0", "1"]
        assert body["pagination"] == {"nextCursor": "1", "limit": "2"}
        # The configured count caps a larger limit.
        assert len(c.get("/l", params={"limit": "50"}, headers={"Accept": "*/*"}).json()["items"]) == 5


def test_xml_and_headers_metadata_in_payload(gantry):
    gw = gantry([message_api("x", "/x", [get_ep(count=3, headers=True, metadata=True)], interval=1, count=3,
                             headers={"h1": "hv"}, metadata={"m1": "mv"})])
    with client(gw) as c:
        r = c.get("/x", headers={"Accept": "application/xml"})
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/xml"
        root = ET.fromstring(r.text)
        items = root.findall("./items/item")
        assert [i.findtext("id") for i in items] == ["0", "1", "2"]
        assert items[0].findtext("content") == "mock message"
        assert items[0].findtext("headers/h1") == "hv"
        assert items[0].findtext("metadata/m1") == "mv"
        assert root.findtext("pagination/nextCursor") == "2"

        body = c.get("/x", headers={"Accept": "application/json"}).json()
        assert body["items"][0]["headers"] == {"h1": ["hv"]}
        assert body["items"][0]["metadata"]["m1"] == "mv"


def test_text_is_the_default(gantry):
    gw = gantry([message_api("t", "/t", [get_ep(count=2)], interval=1, count=2)])
    expected = ("items\nitem\nid: 0\ncontent: mock message\nitem\nid: 1\ncontent: mock message\n"
                "pagination\nnextCursor: 1\n")
    with client(gw) as c:
        no_accept = c.build_request("GET", "/t")
        del no_accept.headers["accept"]  # httpx sends */* unless told otherwise
        for r in (c.send(no_accept), c.get("/t", headers={"Accept": "text/plain"})):
            assert r.status_code == 200
            assert r.headers["content-type"] == "text/plain"
            assert r.text == expected


def test_unsupported_accept_is_400(gantry):
    gw = gantry([message_api("u", "/u", [get_ep()], interval=1, count=1)])
    with client(gw) as c:
        r = c.get("/u", headers={"Accept": "text/html"})
        assert r.status_code == 400
        assert r.json() == {"message": "Unsupported accept header: text/html", "http_status_code": 400}


def test_duration_limit_ends_a_slow_batch(gantry):
    gw = gantry([message_api("d", "/d", [get_ep(count=100, duration=600)], interval=200)])
    with client(gw) as c:
        started = time.monotonic()
        body = c.get("/d", headers={"Accept": "application/json"}).json()
        elapsed = time.monotonic() - started
        assert 1 <= len(body["items"]) <= 5
        assert elapsed >= 0.5


@pytest.mark.parametrize("qos", ["auto", "at-most-once", "at-least-once"])
def test_qos_levels_page_without_gaps(gantry, qos):
    gw = gantry([message_api("q", "/q", [get_ep(count=3, qos=qos)], interval=1, count=7)])
    with client(gw) as c:
        seen, cursor = [], None
        while True:
            r = c.get("/q", params={"cursor": cursor} if cursor else {}, headers={"Accept": "application/json"})
            ids = [i["id"] for i in r.json()["items"]]
            if not ids:
                break
            seen += ids
            cursor = ids[-1]
        assert seen == [str(i) for i in range(7)]


def test_one_listener_serves_get_post_sse_and_websocket(gantry):
    api = message_api("all", "/all", [get_ep(count=2), {"type": "http-post"}, {"type": "sse"}, {"type": "websocket"}],
                      interval=1, count=2)
    gw = gantry([api])
    with client(gw) as c:
        assert c.get("/all", headers={"Accept": "application/json"}).json()["items"][0]["id"] == "0"
        assert c.post("/all", content=b"x").status_code == 202
        with c.stream("GET", "/all", headers={"Accept": "text/event-stream"}) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
        r = c.put("/all", content=b"x")
        assert r.status_code == 404
        assert r.json()["message"] == "No entrypoint matches the incoming request"
