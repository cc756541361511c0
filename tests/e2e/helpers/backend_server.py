#!/usr/bin/python3
"""A real HTTP + WebSocket backend for the end-to-end tests.

It runs as its own process so that a test can kill it (failover) and so that its work never competes with the
test's client for the GIL during the 200 MB transfers. It prints `PORT <n>` once it listens on an ephemeral port.

Routes are matched on the *end* of the path, because the gateway prepends the target's base path (/base/x/slow/10
still sleeps): health, ws, status/N, slow/N, bytes/N, static/N; anything else (including /upload) is the echo.
"""
import argparse
import asyncio
import hashlib
import re
import ssl
import sys

from aiohttp import WSMsgType, web

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import pattern  # noqa: E402  (sibling module; this file runs as a script, not as part of the package)

ROUTES = [
    ("health", re.compile(r"(?:^|/)health$")),
    ("ws", re.compile(r"(?:^|/)ws$")),
    ("status", re.compile(r"(?:^|/)status/(\d{3})$")),
    ("slow", re.compile(r"(?:^|/)slow/(\d+)$")),
    ("bytes", re.compile(r"(?:^|/)bytes/(\d+)$")),
    ("static", re.compile(r"(?:^|/)static/(\d+)$")),
]


class Backend:
    def __init__(self, name):
        self.name = name
        self.health_status = 200
        self.requests = 0       # every request except health probes and control calls
        self.health_hits = 0

    def base_headers(self):
        return {"X-Backend-Name": self.name}

    async def echo_payload(self, request):
        # The body is hashed as it streams in: a 200 MB upload must not be held in memory here either.
        digest = hashlib.sha256()
        length = 0
        async for chunk in request.content.iter_chunked(1 << 16):
            digest.update(chunk)
            length += len(chunk)
        headers = {}
        for key, value in request.headers.items():
            headers.setdefault(key.lower(), []).append(value)
        raw = request.raw_path
        path, _, query = raw.partition("?")
        return {
            "method": request.method,
            "path": path,
            "query": query,
            "headers": headers,
            "body_len": length,
            "body_sha256": digest.hexdigest(),
            "backend": self.name,
        }

    async def handle(self, request):
        path = request.raw_path.partition("?")[0]
        if path.startswith("/_control/"):
            return await self.control(request, path)
        for kind, regex in ROUTES:
            match = regex.search(path)
            if match:
                if kind == "health":
                    self.health_hits += 1
                    return web.json_response({"status": self.health_status}, status=self.health_status,
                                             headers=self.base_headers())
                if kind == "ws" and request.headers.get("Upgrade", "").lower() == "websocket":
                    self.requests += 1
                    return await self.websocket(request)
                if kind == "ws":
                    break
                self.requests += 1
                return await getattr(self, kind)(request, int(match.group(1)))
        self.requests += 1
        return web.json_response(await self.echo_payload(request), headers=self.base_headers())

    async def control(self, request, path):
        if path.startswith("/_control/health/"):
            self.health_status = int(path.rsplit("/", 1)[1])
            return web.json_response({"health": self.health_status})
        if path == "/_control/stats":
            return web.json_response({"requests": self.requests, "health_hits": self.health_hits})
        return web.json_response({"error": "unknown control"}, status=404)

    async def status(self, request, code):
        payload = await self.echo_payload(request)
        if code in (204, 304) or code < 200:
            return web.Response(status=code, headers=self.base_headers())
        return web.json_response(payload, status=code, headers=self.base_headers())

    async def slow(self, request, ms):
        payload = await self.echo_payload(request)
        await asyncio.sleep(ms / 1000)
        return web.json_response(payload, headers=self.base_headers())

    async def bytes(self, request, n):
        # Written block by block so an arbitrarily large answer never sits in memory. Without ?cl the answer
        # is chunked; with it the Content-Length is declared up front.
        response = web.StreamResponse(headers={**self.base_headers(), "Content-Type": "application/octet-stream"})
        if "cl" in request.query:
            response.content_length = n
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        for block in pattern.blocks(n):
            await response.write(block)
        await response.write_eof()
        return response

    async def static(self, request, n):
        return web.Response(body=pattern.expected(0, n), content_type="application/octet-stream",
                            headers=self.base_headers())

    async def websocket(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                if msg.data.startswith("close:"):
                    await ws.close(code=int(msg.data.split(":", 1)[1]), message=b"asked to")
                    break
                await ws.send_str(msg.data)
            elif msg.type == WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        return ws


async def main(args):
    backend = Backend(args.name)
    app = web.Application(client_max_size=1 << 40)
    app.router.add_route("*", "/{tail:.*}", backend.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ssl_context = None
    if args.cert:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(args.cert, args.key)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    asyncio.run(main(parser.parse_args()))
