#!/usr/bin/python3
"""A real HTTP + WebSocket backend for the end-to-end tests.

It runs as its own process so that a test can kill it (failover) and so that its work never competes with the
test's client for the GIL during the 200 MB transfers. It prints `PORT <n>` once it listens on an ephemeral port.

Routes are matched on the *end* of the path, because the gateway prepends the target's base path (/base/x/slow/10
still sleeps): health, ws, status/N, slow/N, bytes/N, static/N, compressed/KIND/N, redirect/N; anything else (including /upload)
is the echo. raw answers the request's body as it is (its Content-Type too, or ?type=; ?status=, ?location=, ?cc= for
Cache-Control); flaky/N answers
503 to the first N requests carrying one ?key=, then 200. /_control/stats also counts the TCP connections the backend accepted.
"""
import argparse
import asyncio
import hashlib
import re
import ssl
import sys
import urllib.parse

from aiohttp import WSMsgType, web

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import compressed  # noqa: E402  (sibling modules; this file runs as a script, not as part of the package)
import pattern  # noqa: E402

ROUTES = [
    ("health", re.compile(r"(?:^|/)health$")),
    ("ws", re.compile(r"(?:^|/)ws$")),
    ("status", re.compile(r"(?:^|/)status/(\d{3})$")),
    ("slow", re.compile(r"(?:^|/)slow/(\d+)$")),
    ("bytes", re.compile(r"(?:^|/)bytes/(\d+)$")),
    ("static", re.compile(r"(?:^|/)static/(\d+)$")),
    ("compressed", re.compile(r"(?:^|/)compressed/(gzip|zlib|raw)/(\d+)$")),
    ("redirect", re.compile(r"(?:^|/)redirect/(\d+)$")),
    ("raw", re.compile(r"(?:^|/)raw$")),
    ("flaky", re.compile(r"(?:^|/)flaky/(\d+)$")),
    ("trickle", re.compile(r"(?:^|/)trickle/(\d+)$")),
]
HEALTH = ROUTES[0][1]


class Backend:
    def __init__(self, name):
        self.name = name
        self.health_status = 200
        self.requests = 0       # every request except health probes and control calls
        self.health_hits = 0
        self.connections = 0     # TCP connections accepted, control calls' included
        self.control_peers = set()  # (host, port) of the connections that carried control calls
        self.request_peers = set()  # (host, port) of the connections that carried any other request
        self.in_flight = 0       # requests being handled (health probes and control calls excepted)
        self.max_in_flight = 0
        self.redirects = []      # method of each request answered by the redirect route
        self.flaky_counts = {}   # ?key= of the flaky route -> requests seen

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

    def accepted(self, make_protocol):
        """Protocol factory for loop.create_server: counts every accepted connection."""
        def factory():
            self.connections += 1
            return make_protocol()
        return factory

    async def handle(self, request):
        path = request.raw_path.partition("?")[0]
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if path.startswith("/_control/"):
            self.control_peers.add(peer)
            return await self.control(request, path)
        if not HEALTH.search(path):
            self.request_peers.add(peer)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                return await self.route(request, path)
            finally:
                self.in_flight -= 1
        return await self.route(request, path)

    async def route(self, request, path):
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
                args = [int(g) if g.isdigit() else g for g in match.groups()]
                return await getattr(self, kind)(request, *args)
        self.requests += 1
        return web.json_response(await self.echo_payload(request), headers=self.base_headers())

    async def control(self, request, path):
        if path.startswith("/_control/health/"):
            self.health_status = int(path.rsplit("/", 1)[1])
            return web.json_response({"health": self.health_status})
        if path == "/_control/stats":
            return web.json_response({
                "requests": self.requests, "health_hits": self.health_hits, "connections": self.connections,
                "control_connections": len(self.control_peers), "request_connections": len(self.request_peers),
                "max_in_flight": self.max_in_flight, "redirects": self.redirects,
            })
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

    async def trickle(self, request, ms):
        # A stream that sends a first piece, then nothing for `ms`, then its end (chunked): what a proxy must pass
        # on as it comes rather than wait to fill a buffer.
        response = web.StreamResponse(headers={**self.base_headers(), "Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"first piece\n")
        await asyncio.sleep(ms / 1000)
        await response.write(b"last piece\n")
        await response.write_eof()
        return response

    async def static(self, request, n):
        return web.Response(body=pattern.expected(0, n), content_type="application/octet-stream",
                            headers=self.base_headers())

    async def compressed(self, request, kind, n):
        # The body is compressed whatever the request's Accept-Encoding says (a test sees what reached the client);
        # the Accept-Encoding the backend received comes back in X-Seen-Accept-Encoding ("<none>" when absent).
        # Chunked, unless ?cl asks for a Content-Length.
        data = compressed.body(kind, n)
        seen = request.headers.getall("Accept-Encoding", [])
        response = web.StreamResponse(headers={
            **self.base_headers(),
            "Content-Type": "text/plain",
            "Content-Encoding": compressed.CONTENT_ENCODING[kind],
            "X-Seen-Accept-Encoding": " | ".join(seen) if seen else "<none>",
            "X-Identity-Length": str(n),
        })
        if "cl" in request.query:
            response.content_length = len(data)
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        view = memoryview(data)
        for offset in range(0, len(data), 1 << 14):
            await response.write(view[offset: offset + (1 << 14)])
        await response.write_eof()
        return response

    async def redirect(self, request, n):
        # /redirect/N?to=LOCATION&code=302: N-1 more redirects (to /redirect/N-1, an absolute path: the target's
        # base path is not repeated), then Location: LOCATION (a path or an absolute URL, percent-encoded in `to`).
        await self.echo_payload(request)  # drains the body
        self.redirects.append(request.method)
        to = request.query.get("to", "/final")
        code = int(request.query.get("code", "302"))
        if n > 1:
            location = f"/redirect/{n - 1}?" + urllib.parse.urlencode({"to": to, "code": code})
        else:
            location = to
        return web.Response(status=code, headers={**self.base_headers(), "Location": location})

    async def raw(self, request):
        body = await request.read()
        content_type = request.query.get("type") or request.headers.get("Content-Type", "application/octet-stream")
        headers = {**self.base_headers(), "Content-Type": content_type,
                   "X-Seen-Content-Type": request.headers.get("Content-Type", "<none>"),
                   "X-Seen-Content-Length": request.headers.get("Content-Length", "<none>")}
        if "location" in request.query:
            headers["Location"] = request.query["location"]
        if "cc" in request.query:
            headers["Cache-Control"] = request.query["cc"]
        return web.Response(body=body, status=int(request.query.get("status", "200")), headers=headers)

    async def flaky(self, request, n):
        body = await request.read()
        key = request.query.get("key", "")
        seen = self.flaky_counts.get(key, 0) + 1
        self.flaky_counts[key] = seen
        status = 503 if seen <= n else 200
        return web.json_response({"attempt": seen, "body": body.decode("utf-8", "replace")}, status=status,
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
    # Like web.TCPSite, with a protocol factory that counts the accepted connections.
    server = await asyncio.get_running_loop().create_server(backend.accepted(runner.server), "127.0.0.1", 0,
                                                            ssl=ssl_context, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    asyncio.run(main(parser.parse_args()))
