"""The websocket entrypoint over the mock endpoint, with the websockets library: messages as frames, frames
published, publisher/subscriber switches, close 1000 at the end of a finite stream, 1001 when the API stops."""
import asyncio

import websockets

from helpers.messages import engine_stats, message_api
from helpers.waiting import wait_until


def ws_ep(publisher=True, subscriber=True, qos=None):
    ep = {"type": "websocket", "configuration": {"publisher": {"enabled": publisher},
                                                 "subscriber": {"enabled": subscriber}}}
    if qos:
        ep["qos"] = qos
    return ep


def run(coro, slow):
    return asyncio.run(asyncio.wait_for(coro, 60 * slow))


def test_messages_arrive_as_text_frames_then_close_1000(gantry, slow):
    gw = gantry([message_api("ws", "/ws", [ws_ep()], interval=1, count=20)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/ws") as ws:
            got = [await ws.recv() for _ in range(20)]
            assert got == ["mock message"] * 20
            try:
                await ws.recv()
            except websockets.ConnectionClosedOK:
                pass
            return ws.close_code

    assert run(scenario(), slow) == 1000


def test_client_frames_are_published(gantry, slow):
    gw = gantry([message_api("pub", "/pub", [ws_ep(subscriber=False)])])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/pub") as ws:
            await ws.send("hello from ws")
            await ws.send(b"\x00\x01binary")
            await ws.ping()

    run(scenario(), slow)
    wait_until(lambda: "received message: hello from ws" in gw.log(), 10, message="publish log line")
    wait_until(lambda: engine_stats(gw)["published"] >= 2, 10, message="2 published")


def test_subscriber_disabled_sends_nothing(gantry, slow):
    gw = gantry([message_api("quiet", "/quiet", [ws_ep(subscriber=False)], interval=1)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/quiet") as ws:
            try:
                await asyncio.wait_for(ws.recv(), 0.5)
                return "got a message"
            except asyncio.TimeoutError:
                return "nothing"

    assert run(scenario(), slow) == "nothing"


def test_publisher_disabled_ignores_client_frames(gantry, slow):
    gw = gantry([message_api("ro", "/ro", [ws_ep(publisher=False)], interval=1000)])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/ro") as ws:
            assert (await ws.recv()) == "mock message"
            await ws.send("not for the endpoint")
            await ws.ping()

    run(scenario(), slow)
    assert "received message" not in gw.log()


def test_api_redeploy_closes_with_1001(gantry, slow):
    api = message_api("redeploy", "/redeploy", [ws_ep()], interval=20)
    gw = gantry([api])

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/redeploy") as ws:
            await ws.recv()
            api["description"] = "v2"
            gw.write_api(api)
            gw.reload()
            try:
                while True:
                    await ws.recv()
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    assert run(scenario(), slow) == 1001
