"""HTTP/1.1 over a plain socket, for what client libraries hide: pipelining, 100-continue, stalls, garbage.

The parser is strict on purpose: a gateway that frames a response wrongly must fail here, not be forgiven.
"""
import json
import socket


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (lowercased name, value)
        self.body = body

    def header(self, name):
        values = self.headers_all(name)
        return values[0] if values else None

    def headers_all(self, name):
        return [v for k, v in self.headers if k == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.headers} {self.body[:200]!r}>"


class Conn:
    def __init__(self, port, timeout=10.0, host="127.0.0.1", sock=None):
        self.sock = sock or socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed by peer; unread: {self.buf[:200]!r}")
        self.buf += chunk

    def _read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_head(self):
        status_line = self._read_line().decode("latin-1")
        version, status, *reason = status_line.split(" ", 2)
        assert version in ("HTTP/1.1", "HTTP/1.0"), f"bad status line {status_line!r}"
        headers = []
        while True:
            line = self._read_line()
            if not line:
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        return int(status), (reason[0] if reason else ""), headers

    def read_response(self, method="GET"):
        status, reason, headers = self.read_head()
        r = Response(status, reason, headers, b"")
        if method == "HEAD" or status < 200 or status in (204, 304):
            return r
        te = ",".join(r.headers_all("transfer-encoding")).lower()
        if "chunked" in te:
            body = bytearray()
            while True:
                size = int(self._read_line().split(b";")[0], 16)
                if size == 0:
                    while self._read_line():  # trailers
                        pass
                    break
                body += self._read_exact(size)
                assert self._read_exact(2) == b"\r\n", "chunk not followed by CRLF"
            r.body = bytes(body)
        elif r.header("content-length") is not None:
            r.body = self._read_exact(int(r.header("content-length")))
        else:
            r.body = self.read_until_close()
        return r

    def read_until_close(self):
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                data, self.buf = self.buf, b""
                return data
            self.buf += chunk

    def closed_by_peer(self):
        """True when the peer closed (EOF or reset) within the socket timeout with nothing more to read."""
        if self.buf:
            return False
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def still_open(self, wait_s=0.3):
        old = self.sock.gettimeout()
        self.sock.settimeout(wait_s)
        try:
            return not self.closed_by_peer()
        finally:
            self.sock.settimeout(old)


def request(method, path, host="gw.test", headers=(), body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(*parts):
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
