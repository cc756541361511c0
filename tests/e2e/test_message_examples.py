"""The message API examples of examples/apis/ (the README's tour) deploy and answer as the tour shows."""
import asyncio
import glob
import json
import os

import websockets

from helpers.messages import SseReader, client, sse_stream
from helpers.waiting import wait_until

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "apis")


def examples():
    apis = []
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "mock-*.json"))):
        with open(path) as f:
            apis.append(json.load(f))
    return apis


def test_every_message_example_answers(gantry, slow):
    apis = examples()
    assert {a["listeners"][0]["entrypoints"][0]["type"] for a in apis} == {"sse", "http-get", "http-post",
                                                                          "websocket", "webhook"}
    # mock-webhook.json has no id: the tour creates it through the management API (its subscriptions live in the
    # repository); test_message_webhook.py::test_the_readme_example_delivers follows that part of the tour.
    gw = gantry([a for a in apis if "id" in a])
    with client(gw) as c:
        with sse_stream(c, "/demo/sse") as r:
            ev = SseReader(r).next_event()
            assert (ev.id, ev.data) == ("0", "mock message")
            assert "source: gantry-demo" in ev.comments
        body = c.get("/demo/get", params={"limit": "3"}, headers={"Accept": "application/json"}).json()
        assert body["pagination"] == {"nextCursor": "2", "limit": "3"}
        body = c.get("/demo/get", params={"limit": "3", "cursor": "2"}, headers={"Accept": "application/json"}).json()
        assert [i["id"] for i in body["items"]] == ["3", "4", "5"]
        assert c.post("/demo/post", content=b'{"temperature": 21}').status_code == 202

    async def websocket_tour():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/demo/ws") as ws:
            first = await ws.recv()
            await ws.send("hello from a websocket client")
            return first

    assert asyncio.run(asyncio.wait_for(websocket_tour(), 30 * slow)) == "mock message"
    wait_until(lambda: "received message: hello from a websocket client" in gw.log(), 10)
