#!/usr/bin/python3
"""bench/kafka: Kafka through Gantry next to the same work done by a bare client (confluent-kafka, librdkafka).

  bench/kafka/run.py [build/gantry]          (N=40000 messages of 100 bytes; env N, SECONDS, CONNECTIONS)

Produce: HTTP POST (wrk, keep-alive connections, 100-byte bodies, qos auto: each 202 waits for the broker's
acknowledgement) vs a confluent-kafka producer sending as fast as it can and waiting for every delivery report.
Consume: N records pre-loaded in a topic, read from the start through Gantry's SSE entrypoint (curl, counted by
`grep`) vs a confluent-kafka consumer. Both sides use the same test broker (gantry_kafka_broker, librdkafka's mock
cluster: see docs/kafka.md), so the broker's own speed bounds both. Writes its section of docs/benchmarks.md."""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GANTRY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "gantry"))
BROKER = os.path.join(os.path.dirname(GANTRY), "gantry_kafka_broker")
N = int(os.environ.get("N", "40000"))  # the mock broker keeps ~45k records per partition
SECONDS = int(os.environ.get("SECONDS", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
OUT = os.environ.get("OUT", os.path.join(ROOT, "docs", "benchmarks.md"))
BODY = b"x" * 100


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
            "properties": {"linger.ms": 5}},
            "endpoints": [{"name": "e", "type": "kafka", "inheritConfiguration": True,
                           "configuration": {"bootstrapServers": bootstrap}}]}],
        "flows": [], "analytics": {"enabled": False}}
    os.makedirs(os.path.join(work, "apis"))
    with open(os.path.join(work, "apis", "bench.json"), "w") as f:
        json.dump(api, f)
    with open(os.path.join(work, "gantry.yml"), "w") as f:
        f.write(f"gateway:\n  host: 127.0.0.1\n  port: {port}\n  threads: 2\n"
                f"management:\n  host: 127.0.0.1\n  port: {free_port()}\n  password: bench-password\n"
                f"repository:\n  type: sqlite\n  path: {work}/g.db\napis:\n  dir: {work}/apis\nlog:\n  level: warn\n")
    p = subprocess.Popen([GANTRY, "serve", "--config", os.path.join(work, "gantry.yml")],
                         stdout=open(os.path.join(work, "out.log"), "w"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return p, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gantry did not start")


def produce_through_gantry(port, work):
    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = string.rep("x", 100)\n'
                'local ok = 0\nresponse = function(status) end\n')
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script,
                          f"http://127.0.0.1:{port}/k"], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


def produce_bare(bootstrap, topic):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    delivered = [0]

    def done(err, _msg):
        if err is None:
            delivered[0] += 1

    started = time.monotonic()
    for _ in range(N):
        while True:
            try:
                p.produce(topic, BODY, on_delivery=done)
                break
            except BufferError:
                p.poll(0.01)
        p.poll(0)
    p.flush(60)
    return delivered[0] / (time.monotonic() - started)


def preload(bootstrap, topic):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20})
    for _ in range(N):
        while True:
            try:
                p.produce(topic, BODY)
                break
            except BufferError:
                p.poll(0.01)
    assert p.flush(120) == 0


def consume_bare(bootstrap, topic):
    from confluent_kafka import Consumer
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-" + uuid.uuid4().hex,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    got, started = 0, None
    while got < N:
        batch = c.consume(1000, 1.0)
        if batch and started is None:
            started = time.monotonic()
        got += sum(1 for m in batch if not m.error())
    rate = N / (time.monotonic() - started)
    c.close()
    return rate


def consume_through_gantry(port):
    # One SSE client reading raw bytes; events are counted by their `data:` lines, from the first one on.
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /k HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
    got, started, tail = 0, None, b""
    while got < N:
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise SystemExit(f"the SSE stream ended after {got} events")
        data = tail + chunk
        found = data.count(b"\ndata:")
        if found and started is None:
            started = time.monotonic()
        got += found
        tail = data[-6:]
        got -= tail.count(b"\ndata:")  # counted again with the next chunk
    sock.close()
    return got / (time.monotonic() - started)


def write_section(rows):
    load = os.getloadavg()[0]
    text = [
        "<!-- bench/kafka: begin (written by bench/kafka/run.py; edits inside are overwritten) -->",
        "## Kafka (bench/kafka)", "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPUs; load average at the "
        f"end {load:.2f} (other work shared the machine when well above 0). Broker: gantry_kafka_broker "
        "(librdkafka's mock cluster), the same for both columns.", "",
        f"Command: `bench/kafka/run.py build/gantry`. Produce: {N:,} × 100-byte bodies; Gantry = `wrk -t1 "
        f"-c{CONNECTIONS}` POSTs for {SECONDS} s to an http-post entrypoint at qos auto (202 after the broker's "
        "acknowledgement); bare = a confluent-kafka producer (`linger.ms` 5) waiting for every delivery report. "
        f"Consume: {N:,} records pre-loaded; Gantry = one SSE client (qos at-least-once: a consumer of its own, "
        "back-pressure instead of drops) reading from the start (`autoOffsetReset` earliest), timed from its first "
        "event to the last; bare = a confluent-kafka consumer, timed the same way.", "",
        "| direction | through Gantry (msgs/s) | bare client (msgs/s) | ratio (target ≥ 0.8×) |",
        "|---|---:|---:|---:|",
    ]
    for name, g, b in rows:
        text.append(f"| {name} | {g:,.0f} | {b:,.0f} | {g / b:.2f}× |")
    text.append("<!-- bench/kafka: end -->")
    section = "\n".join(text) + "\n"
    doc = open(OUT).read() if os.path.exists(OUT) else "# Benchmarks\n"
    pattern = re.compile(r"<!-- bench/kafka: begin.*?<!-- bench/kafka: end -->\n", re.S)
    doc = pattern.sub(lambda _: section, doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + section
    with open(OUT, "w") as f:
        f.write(doc)
    print(section)


def main():
    work = tempfile.mkdtemp(prefix="bench-kafka-")
    broker, bootstrap = start_broker(["in-gantry", "in-bare", "out"])
    gantry = None
    try:
        preload(bootstrap, "out")
        gantry, port = start_gantry(work, bootstrap, "in-gantry", "out")
        post_rate, bad = produce_through_gantry(port, work)
        print(f"produce through Gantry: {post_rate:,.0f}/s", file=sys.stderr)
        assert bad == 0, f"{bad} POSTs were not accepted"
        bare_produce = produce_bare(bootstrap, "in-bare")
        print(f"produce bare: {bare_produce:,.0f}/s", file=sys.stderr)
        sse_rate = consume_through_gantry(port)
        print(f"consume through Gantry: {sse_rate:,.0f}/s", file=sys.stderr)
        bare_consume = consume_bare(bootstrap, "out")
        write_section([("produce: HTTP POST → Kafka", post_rate, bare_produce),
                       ("consume: Kafka → SSE", sse_rate, bare_consume)])
    finally:
        if gantry:
            gantry.terminate()
            gantry.wait(10)
        broker.terminate()
        broker.wait(10)


if __name__ == "__main__":
    main()
