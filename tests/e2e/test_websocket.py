"""A WebSocket upgrade passes through a proxy API to a WebSocket backend (seed 002: "pure WebSocket proxy")."""
import asyncio
import os

import pytest
import websockets

from helpers.definitions import proxy_api


@pytest.fixture
def gw(gantry, backend):
    a = backend("A")
    return gantry([proxy_api("wsapi", "/wsapi", [a.ws_url("/ws")])])


def run(coro, slow):
    return asyncio.run(asyncio.wait_for(coro, 60 * slow))


def test_text_and_binary_frames_echo(gw, slow):
    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/wsapi") as ws:
            await ws.send("hello gantry")
            assert await ws.recv() == "hello gantry"
            payload = bytes(range(256)) * 4
            await ws.send(payload)
            assert await ws.recv() == payload
            big = os.urandom(300_000)  # several TCP segments and more than one read on each side
            await ws.send(big)
            assert await ws.recv() == big
            for i in range(50):
                await ws.send(f"msg {i}")
            assert [await ws.recv() for _ in range(50)] == [f"msg {i}" for i in range(50)]
        assert ws.close_code == 1000

    run(scenario(), slow)


def test_backend_close_reaches_client(gw, slow):
    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/wsapi") as ws:
            await ws.send("close:4001")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            return closed.value.rcvd.code if closed.value.rcvd else None

    assert run(scenario(), slow) == 4001


def test_several_concurrent_sessions(gw, slow):
    async def session(i):
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/wsapi") as ws:
            for j in range(10):
                await ws.send(f"{i}:{j}")
                assert await ws.recv() == f"{i}:{j}"

    async def scenario():
        await asyncio.gather(*(session(i) for i in range(8)))

    run(scenario(), slow)


def test_plain_http_still_works_after_websocket_sessions(gw, slow):
    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/wsapi") as ws:
            await ws.send("x")
            assert await ws.recv() == "x"

    run(scenario(), slow)
    r = gw.get("/wsapi/plain")
    assert r.status_code == 200 and r.json()["path"] == "/ws/plain"
