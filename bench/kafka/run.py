#!/usr/bin/python3
"""bench/kafka: Kafka through Gantry next to the same work done by a bare librdkafka client of ours (bare_kafka.cpp,
built here with g++ against Debian's librdkafka, the library Gantry links). Writes its section of docs/benchmarks.md.

  bench/kafka/run.py [build/gantry]
  env: CONNECTIONS=32 SECONDS=10 N=100000 PARTITIONS=4 ROUNDS=3 CONSUME_RUNS=5 GANTRY_THREADS=2 OUT=docs/benchmarks.md
       PROPS="linger.ms=5 ...": extra producer properties, given to Gantry's endpoint and to the bare producer alike
       PROFILE=1: one more Gantry run of each direction under `perf record -g` (not counted); the top functions go
       to bench/kafka/.run/profile-{produce,consume}.txt

Both sides talk to the same broker (gantry_kafka_broker, librdkafka's mock cluster: see docs/kafka.md), so its own
speed bounds both; the ratios say what Gantry costs on top of a bare client doing the same work.
  * produce, through Gantry: wrk with CONNECTIONS keep-alive connections POSTs 100-byte bodies to an http-post
    entrypoint at qos auto: each 202 is written after the broker acknowledged the record, and the connection's next
    POST follows it. Bare: CONNECTIONS concurrent "clients" in one librdkafka producer, each producing one 100-byte
    record and producing the next when its delivery report (the acknowledgement) arrives. Same producer properties
    on both sides (Gantry's defaults, see PRODUCER_DEFAULTS). 1 s warm-up, then SECONDS counted.
  * HTTP POST to the mock endpoint (context): the same wrk run on the mock endpoint, no broker: the HTTP side alone.
  * produce, unbounded (context): one producer handing N records to librdkafka as fast as it takes them, timed
    until the last acknowledgement. Nothing waits for anything; no HTTP client can ask for that.
  * consume: N records pre-loaded in a topic. Through Gantry: one SSE client (bare_kafka sse: a socket, counting
    `data:` lines) on an sse entrypoint at qos at-least-once (each run a client of its own, so a consumer group of
    its own; offsets committed only after the events were written to the socket), reading from the start. Bare: a librdkafka consumer in a group of
    its own reading from the start, storing each record's offset after reading it (auto commit). Both timed from
    the first record to the N-th."""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GANTRY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "gantry"))
BROKER = os.path.join(os.path.dirname(GANTRY), "gantry_kafka_broker")
N = int(os.environ.get("N", "100000"))
PARTITIONS = int(os.environ.get("PARTITIONS", "4"))  # of the consumed topic: the mock broker keeps ~45k records each
SECONDS = int(os.environ.get("SECONDS", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
CONSUME_RUNS = int(os.environ.get("CONSUME_RUNS", "5"))  # a consume run lasts ~0.1 s: a round's figure is their median
GANTRY_THREADS = int(os.environ.get("GANTRY_THREADS", "2"))
PROFILE = os.environ.get("PROFILE") == "1"
OUT = os.environ.get("OUT", os.path.join(ROOT, "docs", "benchmarks.md"))
EXTRA = [p.split("=", 1) for p in os.environ.get("PROPS", "").split()]
RUN_DIR = os.path.join(HERE, ".run")
TOOL_SRC = os.path.join(HERE, "bare_kafka.cpp")
TOOL = os.path.join(RUN_DIR, "bare_kafka")
# What Gantry's producer sets on top of librdkafka's defaults (src/endpoints/kafka/client_properties.cpp); the bare
# producer gets the same, so that both sides do the same work.
PRODUCER_DEFAULTS = [("linger.ms", "0"), ("message.timeout.ms", "10000"), ("compression.type", "none"),
                     ("socket.keepalive.enable", "true")]


def log(msg):
    print(f"bench/kafka: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_tool():
    if not os.path.exists(TOOL) or os.path.getmtime(TOOL_SRC) > os.path.getmtime(TOOL):
        os.makedirs(RUN_DIR, exist_ok=True)
        log("building bare_kafka")
        subprocess.run(["g++", "-O2", "-std=c++20", TOOL_SRC, "-o", TOOL, "-lrdkafka"], check=True)


def tool(*args):
    out = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bare_kafka {args[0]} failed: {out.stderr.strip()}")
    return float(re.search(r"rate=([\d.]+)", out.stdout).group(1))


def start_broker(topics):
    p = subprocess.Popen([BROKER] + topics, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    bootstrap = p.stdout.readline().strip()
    assert p.stdout.readline().strip() == "ready"
    return p, bootstrap


def start_gantry(work, bootstrap, topic_in, topic_out):
    port = free_port()
    api = {
        "id": "bench", "name": "bench", "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": "/k"}], "entrypoints": [
            {"type": "http-post", "qos": "auto", "configuration": {"requestHeadersToMessage": False}},
            {"type": "sse", "qos": "at-least-once", "configuration": {"heartbeatIntervalInMs": 5000}}]}],
        "endpointGroups": [{"name": "g", "type": "kafka", "sharedConfiguration": {
            "consumer": {"enabled": True, "topics": [topic_out], "autoOffsetReset": "earliest"},
            "producer": {"enabled": True, "topics": [topic_in]},
            "properties": dict(EXTRA)},
            "endpoints": [{"name": "e", "type": "kafka", "inheritConfiguration": True,
                           "configuration": {"bootstrapServers": bootstrap}}]}],
        "flows": [], "analytics": {"enabled": False}}
    # The same entrypoint on the mock endpoint (no broker): what Gantry's HTTP side alone can take.
    mock = {
        "id": "bench-mock", "name": "bench-mock", "apiVersion": "1.0", "definitionVersion": "4.0.0",
        "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": "/m"}], "entrypoints": [
            {"type": "http-post", "qos": "auto", "configuration": {"requestHeadersToMessage": False}}]}],
        "endpointGroups": [{"name": "g", "type": "mock", "endpoints": [
            {"name": "e", "type": "mock", "weight": 1, "inheritConfiguration": False, "configuration": {}}]}],
        "flows": [], "analytics": {"enabled": False}}
    os.makedirs(os.path.join(work, "apis"))
    for name, definition in (("bench", api), ("bench-mock", mock)):
        with open(os.path.join(work, "apis", f"{name}.json"), "w") as f:
            json.dump(definition, f)
    with open(os.path.join(work, "gantry.yml"), "w") as f:
        f.write(f"gateway:\n  host: 127.0.0.1\n  port: {port}\n  threads: {GANTRY_THREADS}\n"
                f"management:\n  host: 127.0.0.1\n  port: {free_port()}\n  password: bench-password\n"
                f"repository:\n  type: sqlite\n  path: {work}/g.db\napis:\n  dir: {work}/apis\n"
                "log:\n  level: warn\n  access: false\n")
    p = subprocess.Popen([GANTRY, "serve", "--config", os.path.join(work, "gantry.yml")],
                         stdout=open(os.path.join(work, "out.log"), "w"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return p, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gantry did not start")


def wrk(port, work, seconds, path="/k"):
    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = string.rep("x", 100)\n')
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", script,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{bad.group(1)} POSTs were not accepted")
    return rate


def produce_through_gantry(port, work, path="/k"):
    wrk(port, work, 1, path)  # warm-up: connections, the producer, the broker connection
    return wrk(port, work, SECONDS, path)


def producer_props():
    props = dict(PRODUCER_DEFAULTS)
    props.update(dict(EXTRA))
    return [f"{k}={v}" for k, v in props.items()]


def profile(pid, name, action):
    data = os.path.join(RUN_DIR, f"perf-{name}.data")
    rec = subprocess.Popen(["perf", "record", "-g", "-o", data, "-p", str(pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    action()
    rec.send_signal(2)
    rec.wait(30)
    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio", "--percent-limit", "0.7",
                             "-g", "none"], capture_output=True, text=True).stdout
    with open(os.path.join(RUN_DIR, f"profile-{name}.txt"), "w") as f:
        f.write(report)
    log(f"profile of {name}: {RUN_DIR}/profile-{name}.txt")


def sse_path():
    """Each SSE run is a client of its own (X-Gravitee-Client-Identifier): at at-least-once a client's stream
    continues from what its previous one committed, and every run must read the topic from the start."""
    return f"/k?X-Gravitee-Client-Identifier=bench-{uuid.uuid4().hex}"


def median_row(rates):
    return statistics.median(rates), ", ".join(f"{r:,.0f}" for r in rates)


def reading(post, bare_post, mock, sse, bare_consume):
    """What the figures say, in words (the targets, and what bounds each row)."""
    met = lambda ratio: "met" if ratio >= 0.8 else "**not met**"
    return (
        f"Reading: the 0.8× target is {met(post / bare_post)} for produce ({post / bare_post:.2f}×) and "
        f"{met(sse / bare_consume)} for consume ({sse / bare_consume:.2f}×). Produce through Gantry runs at "
        f"{post / mock:.2f}× the same POSTs on the mock endpoint (no broker): Gantry's HTTP side (parsing each "
        "request, running the flow, one response write per request; wrk on the same cores) bounds this row, and it "
        "is what the bare closed loop does not pay — its \"clients\" are function calls. Consume: per "
        "record Gantry builds a message with its metadata, a Gravitee message id naming every partition "
        "(base64), an SSE frame, and tracks the record until the socket write acknowledges it; the SSE client "
        "reading the stream runs on the same cores; the bare consumer only polls and stores the offset.")


def write_section(rows, figures, load_before, load_after):
    busy = max(load_before, load_after) > 1.0
    text = [
        "<!-- bench/kafka: begin (written by bench/kafka/run.py; edits inside are overwritten) -->",
        "## Kafka (bench/kafka)", "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPUs; load average before / "
        f"after: {load_before:.2f} / {load_after:.2f}"
        + (" — **a busy machine**: other work shared the cores, so absolute figures are low and noisy; compare "
           "the ratios." if busy else "."),
        "Broker: gantry_kafka_broker (librdkafka's mock cluster), the same for both columns; Gantry with "
        f"{GANTRY_THREADS} gateway threads, log level warn, no access log (as in the other benches).", "",
        f"Command: `bench/kafka/run.py build/gantry` ({ROUNDS} rounds of every run; each cell is the median round, "
        "the rounds are in the last column). The bare side is bench/kafka/bare_kafka.cpp, librdkafka's C API, built "
        "by the script.", "",
        f"* **produce**: through Gantry, `wrk -t1 -c{CONNECTIONS}` POSTs 100-byte bodies for {SECONDS} s (after 1 s "
        "of warm-up) to an http-post entrypoint at qos auto: each 202 is written after the broker acknowledged the "
        f"record, so each connection has one record in flight. Bare: {CONNECTIONS} \"clients\" in one librdkafka "
        "producer, each producing one 100-byte record and the next when its delivery report arrives — the same "
        "closed loop without HTTP. Both with Gantry's producer defaults (" + ", ".join(producer_props()) + ").",
        f"* **produce, unbounded** (context, not a target): the bare producer handing {N:,} records to librdkafka as "
        "fast as it takes them, timed until the last acknowledgement; no client that waits for its answer can ask "
        "for that.",
        "* **HTTP POST → mock endpoint** (context): the same wrk run against an http-post entrypoint at qos auto on "
        "Gantry's mock endpoint (no broker): the rate Gantry's HTTP side (and wrk, on the same cores) allows.",
        f"* **consume**: {N:,} records pre-loaded in a topic of {PARTITIONS} partitions. Through Gantry, one SSE "
        "client (a socket counting `data:` lines) on an sse entrypoint at qos at-least-once — each run a client of "
        "its own (`X-Gravitee-Client-Identifier`), so a consumer group of its own, offsets committed only after the events were written to the socket — reading from the start "
        "(`autoOffsetReset` earliest). Bare: a librdkafka consumer in a group of its own reading from the start "
        "and storing each record's offset after reading it (auto commit). Both timed from the first record to the "
        f"last; a round's figure is the median of {CONSUME_RUNS} runs of each, one after the other (a run lasts a "
        "fraction of a second).", "",
        "| direction | through Gantry (msgs/s) | bare librdkafka (msgs/s) | ratio (target ≥ 0.8×) "
        "| rounds: Gantry / bare |",
        "|---|---:|---:|---:|---|",
    ]
    for name, g, b in rows:
        if g is None:
            text.append(f"| {name} | — | {b[0]:,.0f} | — | — / {b[1]} |")
        elif b is None:
            text.append(f"| {name} | {g[0]:,.0f} | — | — | {g[1]} / — |")
        else:
            text.append(f"| {name} | {g[0]:,.0f} | {b[0]:,.0f} | {g[0] / b[0]:.2f}× | {g[1]} / {b[1]} |")
    text += ["", reading(*figures)]
    text.append("<!-- bench/kafka: end -->")
    section = "\n".join(text) + "\n"
    doc = open(OUT).read() if os.path.exists(OUT) else "# Benchmarks\n"
    pattern = re.compile(r"<!-- bench/kafka: begin.*?<!-- bench/kafka: end -->\n", re.S)
    doc = pattern.sub(lambda _: section, doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + section
    with open(OUT, "w") as f:
        f.write(doc)
    print(section)


def main():
    build_tool()
    load_before = os.getloadavg()[0]
    work = tempfile.mkdtemp(prefix="bench-kafka-")
    broker, bootstrap = start_broker(["in-gantry", "in-bare", "in-async", f"out:{PARTITIONS}"])
    gantry = None
    try:
        # The records both consumers read, spread evenly (a random partition each).
        tool("produce-async", bootstrap, "out", N, "linger.ms=20", "sticky.partitioning.linger.ms=0")
        gantry, port = start_gantry(work, bootstrap, "in-gantry", "out")
        g_post, g_mock, b_post, b_async, g_sse, b_consume = [], [], [], [], [], []
        for r in range(ROUNDS):
            g_post.append(produce_through_gantry(port, work))
            b_post.append(tool("produce", bootstrap, "in-bare", CONNECTIONS, SECONDS, *producer_props()))
            b_async.append(tool("produce-async", bootstrap, "in-async", N, *producer_props()))
            g_mock.append(produce_through_gantry(port, work, "/m"))
            runs = [(tool("sse", "127.0.0.1", port, sse_path(), N), tool("consume", bootstrap, "out", N))
                    for _ in range(CONSUME_RUNS)]
            g_sse.append(statistics.median(g for g, _ in runs))
            b_consume.append(statistics.median(b for _, b in runs))
            log(f"round {r + 1}: produce {g_post[-1]:,.0f} vs {b_post[-1]:,.0f} (unbounded {b_async[-1]:,.0f}); "
                f"consume {g_sse[-1]:,.0f} vs {b_consume[-1]:,.0f}; HTTP POST to the mock {g_mock[-1]:,.0f}")
        if PROFILE:
            profile(gantry.pid, "produce", lambda: wrk(port, work, SECONDS))
            profile(gantry.pid, "consume", lambda: tool("sse", "127.0.0.1", port, sse_path(), N))
        write_section([("produce: HTTP POST → Kafka (qos auto)", median_row(g_post), median_row(b_post)),
                       ("produce, unbounded async (context)", None, median_row(b_async)),
                       ("HTTP POST → mock endpoint, no broker (context: Gantry's HTTP side alone)",
                        median_row(g_mock), None),
                       ("consume: Kafka → SSE (at-least-once)", median_row(g_sse), median_row(b_consume))],
                      [statistics.median(x) for x in (g_post, b_post, g_mock, g_sse, b_consume)],
                      load_before, os.getloadavg()[0])
    finally:
        if gantry:
            gantry.terminate()
            gantry.wait(10)
        broker.terminate()
        broker.wait(10)


if __name__ == "__main__":
    main()
