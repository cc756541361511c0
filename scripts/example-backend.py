#!/usr/bin/python3
"""The REST backend behind examples/apis/hello-proxy.json: something real to proxy to in `make run`.

Standard library only, so it runs on any Debian python3 with nothing installed.

  GET  /hello         {"message": "hello from the example backend"}
  ANY  /echo[/...]    the request as JSON: method, path, query, headers, body
  GET  /items         the item list;  POST /items adds one (JSON body with a "name")
  GET  /items/{id}    one item, or 404
  GET  /health        200 {"status": "UP"} (the health check in hello-proxy.json polls it)
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ITEMS = [
    {"id": 1, "name": "gantry", "kind": "crane"},
    {"id": 2, "name": "gateway", "kind": "door"},
    {"id": 3, "name": "broker", "kind": "middleman"},
]
ITEMS_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so that the gateway's upstream connections are kept alive, as they would be with a real backend.
    protocol_version = "HTTP/1.1"
    server_version = "gantry-example-backend/1"

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_PATCH(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def do_HEAD(self):
        self.route()

    def route(self):
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        body = self.read_body()
        if path == "/hello" and self.command in ("GET", "HEAD"):
            return self.send_json(200, {"message": "hello from the example backend"})
        if path == "/health":
            return self.send_json(200, {"status": "UP"})
        if path == "/echo" or path.startswith("/echo/"):
            return self.send_json(200, {
                "method": self.command,
                "path": url.path,
                "query": parse_qs(url.query),
                "headers": dict(self.headers.items()),
                "body": body.decode("utf-8", errors="replace"),
            })
        if path == "/items":
            return self.items(body)
        if path.startswith("/items/"):
            return self.item(path[len("/items/"):])
        return self.send_json(404, {"message": f"no route for {self.command} {url.path}"})

    def items(self, body):
        if self.command in ("GET", "HEAD"):
            with ITEMS_LOCK:
                return self.send_json(200, ITEMS)
        if self.command == "POST":
            try:
                name = json.loads(body or b"{}")["name"]
            except (ValueError, KeyError, TypeError):
                return self.send_json(400, {"message": 'expected a JSON body like {"name": "..."}'})
            with ITEMS_LOCK:
                item = {"id": max((i["id"] for i in ITEMS), default=0) + 1, "name": name}
                ITEMS.append(item)
            return self.send_json(201, item)
        return self.send_json(405, {"message": f"{self.command} not allowed on /items"})

    def item(self, ident):
        with ITEMS_LOCK:
            found = [i for i in ITEMS if str(i["id"]) == ident]
        if not found:
            return self.send_json(404, {"message": f"no item {ident}"})
        return self.send_json(200, found[0])

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            return self.rfile.read(length)
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunk = self.rfile.read(size + 2)[:size]
                if size == 0:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        return b""

    def send_json(self, status, value):
        payload = (json.dumps(value) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            super().log_message(fmt, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    args = parser.parse_args()
    try:
        server = ThreadingHTTPServer((args.host, args.port), Handler)
    except OSError as e:
        raise SystemExit(f"example backend: cannot listen on {args.host}:{args.port}: {e.strerror}")
    server.daemon_threads = True
    server.quiet = args.quiet
    print(f"example backend listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
