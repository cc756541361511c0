"""A real HTTP/1.1 backend whose answers a test scripts per path, in the spirit of the stubs Gravitee's
integration tests give wiremock: "first call 500, then 200", "answer after 750 ms", "echo the Host header".

It runs in the test process on its own threads (http.server), records every request it received (method, path,
query, headers, body) and counts the TCP connections it accepted. The delays are stimuli for the gateway
(slowCallDuration, pool sizes); tests never assert on how long anything took.
"""
import http.server
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int = 200
    body: str = "ok from backend"
    delay_s: float = 0.0
    headers: dict = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict  # lower-case name -> value (last one wins)
    body: bytes


class ScriptedBackend:
    """backend.script("/endpoint", Answer(500), Answer(200)): the first call to /endpoint gets 500, every later one
    200 (the last answer repeats). Paths nobody scripted answer 200 with a JSON echo of the request."""

    def __init__(self):
        self._lock = threading.Lock()
        self._scripts = {}
        self.seen = []
        self.connections = 0
        self.drop_connections = 0  # this many next connections are reset at once, before any byte is read
        self.dropped = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                with owner._lock:
                    owner.connections += 1
                    self.dropping = owner.drop_connections > 0
                    if self.dropping:
                        owner.drop_connections -= 1
                        owner.dropped += 1
                if self.dropping:
                    # SO_LINGER 0: the close sends a reset, as a backend that fails the connection would.
                    self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.request.close()
                    return
                super().setup()

            def handle(self):
                if not self.dropping:
                    super().handle()

            def finish(self):
                if not self.dropping:
                    super().finish()

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = self._read_chunked()
                parts = urlsplit(self.path)
                seen = Seen(self.command, parts.path, parts.query,
                            {k.lower(): v for k, v in self.headers.items()}, body)
                answer = owner._next_answer(seen)
                if answer.delay_s:
                    time.sleep(answer.delay_s)
                if answer.body is None:
                    payload = json.dumps({"method": seen.method, "path": seen.path, "query": seen.query,
                                          "headers": seen.headers, "body": body.decode(errors="replace")}).encode()
                    content_type = "application/json"
                else:
                    payload = answer.body.format(host=seen.headers.get("host", "")).encode()
                    content_type = "text/plain"
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _read_chunked(self):
                data = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def script(self, path, *answers):
        with self._lock:
            self._scripts[path] = list(answers)

    def _next_answer(self, seen):
        with self._lock:
            self.seen.append(seen)
            answers = self._scripts.get(seen.path)
            if not answers:
                return Answer(body=None)
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def requests_to(self, path):
        with self._lock:
            return [s for s in self.seen if s.path == path]

    def reset(self):
        with self._lock:
            self.seen.clear()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
