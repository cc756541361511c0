#!/usr/bin/python3
"""bench/deploy: deploy-to-live latency. For each of N deploys, the API's definition is replaced (a new response
header value), POST .../deployments is called, and the clock runs from the moment that call returns until the gateway
first answers with the new header. Also timed: the management call itself (PUT + deploy).

With POSTGRES_URL set, the same is measured across processes: two gantry processes share one PostgreSQL database,
the deploy goes through the first, and the clock stops when the second serves the new definition.

Usage: bench/deploy/run.py build/gantry [--deploys 200]  (rewrites the bench/deploy section of docs/benchmarks.md)
"""
import argparse
import contextlib
import datetime
import http.server
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import httpx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
BEGIN = "<!-- bench/deploy: begin (written by bench/deploy/run.py; edits inside are overwritten) -->"
END = "<!-- bench/deploy: end -->"
BASE = "/management/v2/environments/DEFAULT"
POLL_MS = 100  # repository.poll_ms of the benchmarked processes
AUTH = ("admin", "bench-password")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Backend(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b"ok"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.send_header("x-backend-port", str(self.server.server_address[1]))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_gantry(binary, work, repository, poll_ms=250):
    os.makedirs(work, exist_ok=True)
    port, mport = free_port(), free_port()
    config = {
        "gateway": {"host": "127.0.0.1", "port": port, "threads": 1},
        "management": {"host": "127.0.0.1", "port": mport, "password": AUTH[1]},
        "repository": dict(repository, poll_ms=poll_ms),
        "log": {"level": "warn", "access": False},
    }
    path = os.path.join(work, "gantry.yml")
    with open(path, "w") as f:
        json.dump(config, f)  # JSON is YAML
    log = open(os.path.join(work, "gantry.log"), "wb")
    proc = subprocess.Popen([binary, "serve", "--config", path], stdout=log, stderr=log, cwd=work)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", mport), timeout=0.2).close()
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port, mport
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit(f"gantry did not start; see {work}/gantry.log")


def definition(backend_port, version):
    return {
        "name": "bench", "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "proxy",
        "listeners": [{"type": "http", "paths": [{"path": "/bench"}], "entrypoints": [{"type": "http-proxy"}]}],
        "endpointGroups": [{"name": "g", "type": "http-proxy", "endpoints": [{
            "name": "e", "type": "http-proxy", "weight": 1, "inheritConfiguration": False,
            "configuration": {"target": f"http://127.0.0.1:{backend_port}/"}}]}],
        "flows": [],
        "description": f"version {version}",
    }


def definition_by_target(backend_ports, version):
    """Without a header policy the version shows as the backend answering: targets alternate between two."""
    return definition(backend_ports[version % 2], version)


def measure(deploys, mgmt_port, serve_port, backend_ports):
    m = httpx.Client(base_url=f"http://127.0.0.1:{mgmt_port}{BASE}", auth=AUTH, trust_env=False, timeout=30)
    g = httpx.Client(base_url=f"http://127.0.0.1:{serve_port}", trust_env=False, timeout=30)
    r = m.post("/apis", json=definition_by_target(backend_ports, 0))
    r.raise_for_status()
    api_id = r.json()["id"]
    m.post(f"/apis/{api_id}/deployments").raise_for_status()
    m.post(f"/apis/{api_id}/_start").raise_for_status()
    deadline = time.monotonic() + 10
    while g.get("/bench").status_code != 200:  # another process picks the start up on its next poll
        if time.monotonic() > deadline:
            sys.exit("the serving gateway never served the started API")
        time.sleep(0.01)
    return m, g, api_id


def run(binary, deploys, work, repository, across):
    backends = [start_backend(), start_backend()]
    ports = [b.server_address[1] for b in backends]
    procs = []
    try:
        one, port1, mport1 = start_gantry(binary, os.path.join(work, "one"), repository, poll_ms=POLL_MS)
        procs.append(one)
        serve_port = port1
        if across:
            two, port2, _ = start_gantry(binary, os.path.join(work, "two"), repository, poll_ms=POLL_MS)
            procs.append(two)
            serve_port = port2
        m, g, api_id = measure(deploys, mport1, serve_port, ports)
        # which backend port answers tells the version: the echo server is identified by its port
        live, calls = [], []
        for version in range(1, deploys + 1):
            target_port = ports[version % 2]
            if across:
                # Deploys would otherwise start right after the other process's poll (the previous one was just
                # seen there) and always wait a whole interval: real deploys arrive at any point of it.
                time.sleep(random.uniform(0, POLL_MS / 1000))
            t0 = time.perf_counter()
            m.put(f"/apis/{api_id}", json=definition_by_target(ports, version)).raise_for_status()
            m.post(f"/apis/{api_id}/deployments", json={"deploymentLabel": f"v{version}"}).raise_for_status()
            t1 = time.perf_counter()
            while True:
                r = g.get("/bench")
                if r.status_code == 200 and backend_port_of(r, ports) == target_port:
                    break
            t2 = time.perf_counter()
            calls.append((t1 - t0) * 1000)
            live.append((t2 - t1) * 1000)
        return live, calls
    finally:
        for p in procs:
            p.terminate()
            p.wait(30)
        for b in backends:
            b.shutdown()


def backend_port_of(response, ports):
    return int(response.headers["x-backend-port"]) if "x-backend-port" in response.headers else None


@contextlib.contextmanager
def fresh_database(url):
    """A new database on the PostgreSQL server of `url`, dropped afterwards: its URI."""
    import psycopg2
    name = "gantry_bench_" + uuid.uuid4().hex[:8]
    admin = psycopg2.connect(url)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def fmt(ms):
    return f"{ms * 1000:.0f} µs" if ms < 1 else f"{ms:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--deploys", type=int, default=200)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="gantry-bench-deploy-")
    rows = []
    load_before = os.getloadavg()[0]
    try:
        live, calls = run(binary, args.deploys, os.path.join(work, "sqlite"),
                          {"type": "sqlite", "path": os.path.join(work, "sqlite", "gantry.db")}, False)
        rows.append(("one process, SQLite", live, calls))
        pg = os.environ.get("POSTGRES_URL")
        if pg:
            for name, across in [("one process, PostgreSQL", False),
                                 ("deploy on process 1, served by process 2 (PostgreSQL, poll 100 ms)", True)]:
                with fresh_database(pg) as uri:
                    live, calls = run(binary, args.deploys, os.path.join(work, f"pg-{across}"),
                                      {"type": "postgres", "uri": uri}, across)
                rows.append((name, live, calls))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_report(rows, args.deploys, load_before, os.getloadavg()[0])


def write_report(rows, deploys, load_before, load_after):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [BEGIN, "## Deploy to live (bench/deploy)", "",
             f"Run {now} on {os.cpu_count()} CPUs, {platform.platform()}. "
             f"Load average before / after: {load_before:.2f} / {load_after:.2f}.", "",
             f"Command: `make bench` (= `bench/deploy/run.py build/gantry`), {deploys} deploys per row. Each deploy "
             "replaces the API's definition (`PUT /apis/{id}`, the endpoint target alternates between two local "
             "backends) and calls `POST /apis/{id}/deployments`. **Deploy to live** runs from the moment that call "
             "returns until the first gateway response from the new definition (the client requests in a tight "
             "loop); **management calls** is the PUT + POST themselves.", "",
             "| setup | deploy to live p50 | p99 | max | management calls p50 | p99 |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, live, calls in rows:
        lines.append(f"| {name} | {fmt(pct(live, 50))} | {fmt(pct(live, 99))} | {fmt(max(live))} | "
                     f"{fmt(pct(calls, 50))} | {fmt(pct(calls, 99))} |")
    lines += ["", "On one process the deploy call returns only once the new snapshot is live, so the first request "
              "after it is already served by the new definition; across processes the other gateway picks the "
              "deploy up on its next poll of the repository revision (`repository.poll_ms`, 100 ms here; deploys are spaced "
              "by a random 0-100 ms so that they land anywhere in the poll interval, as real ones do).", END]
    text = open(DOC).read() if os.path.exists(DOC) else "# Benchmarks\n"
    section = "\n".join(lines)
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(DOC, "w") as f:
        f.write(text)
    print(section)


if __name__ == "__main__":
    main()
