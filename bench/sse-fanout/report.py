#!/usr/bin/env python3
"""Turns bench/sse-fanout/.run/results.txt into the SSE section of docs/benchmarks.md (between its markers).

    report.py RESULTS OUT DURATION
"""
import datetime
import os
import platform
import re
import sys

BEGIN = "<!-- bench/sse-fanout: begin (written by bench/sse-fanout/run.sh; edits inside are overwritten) -->"
END = "<!-- bench/sse-fanout: end -->"


def parse(path):
    runs, current = [], None
    for line in open(path):
        line = line.strip()
        m = re.match(r"== ([\w-]+) connections=(\d+) rate_per_connection=([\d.]+)", line)
        if m:
            current = {"server": m.group(1), "n": int(m.group(2)), "rate": float(m.group(3))}
            runs.append(current)
            continue
        if current is None:
            continue
        for key, value in re.findall(r"(\w+)=(-?[\d.]+)", line):
            current.setdefault(key, float(value))
    return runs


def fmt(v, unit=""):
    return "–" if v is None or v < 0 else f"{v:,.0f}{unit}"


def section(runs, duration):
    load = os.getloadavg()[0]
    lines = [BEGIN, "## SSE fan-out (bench/sse-fanout)", "",
             f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs, {platform.platform()}; "
             f"load average at the end {load:.2f} (other work shared the machine when well above 0).", "",
             f"Command: `bench/sse-fanout/run.sh build/gantry`: the C++ load tool (bench/sse-fanout/sse_fanout.cpp, "
             f"2 io threads) opens N SSE connections (1,000 per second), waits until all are open, then counts events "
             f"for {duration} s, for each load (connections × events per second to each), from:", "",
             f"* **gantry-mock**: Gantry's sse entrypoint over the mock endpoint, one generator per connection "
             f"(`messageInterval` 1000 / rate ms, qos none): Gantry's SSE delivery alone;",
             f"* **gantry-kafka**: Gantry's sse entrypoint over the Kafka endpoint (qos none): every connection is fed "
             f"by the one consumer Gantry shares per topic, from a feeder producing the rate to the test broker "
             f"(librdkafka's mock cluster, `fetch.wait.max.ms` 10: run.sh says why);",
             f"* **nchan**: nginx with nchan (Debian), as many workers as cores, every connection subscribed "
             f"(`eventsource`) to one channel a feeder publishes to over HTTP;",
             f"* **pushpin**: Pushpin 1.36 (Debian), every connection held on one GRIP channel a feeder publishes "
             f"to over HTTP.", "",
             "The last three are the same fan-out: one published stream, N subscribers. Latency is from the "
             "timestamp the source put in each event to its parsing by the tool (ms resolution). RSS is the "
             "server's resident memory (all its processes summed) once the connections are open, minus before.", "",
             "¹ utime + stime of all the server's processes over the measured seconds, as a share of one core (the "
             "machine has " + str(os.cpu_count()) + "; the load tool and the feeder use the same cores).", "",
             "| server | connections | events/s each | open at end | deliveries/s | expected/s | p50 | p99 | server CPU¹ | CPU-s per 1M deliveries | RSS before | RSS growth per connection |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        before = r.get("before")
        connected = r.get("connected")
        per_conn = (connected - before) / r["n"] if before and connected and before > 0 else None
        cpu = r.get("per_million_events_s", -1)
        cpu_per_million = "–" if cpu < 0 else f"{cpu:.2f}"
        lines.append(f"| {r['server']} | {r['n']:,} | {r['rate']:g} | {fmt(r.get('open_at_end'))} | "
                     f"{fmt(r.get('deliveries_per_s'))} | {r['n'] * r['rate']:,.0f} | {fmt(r.get('p50'), ' ms')} | "
                     f"{fmt(r.get('p99'), ' ms')} | {fmt(r.get('percent'), '%')} | "
                     f"{cpu_per_million} | "
                     f"{fmt(before / 1024 if before else None, ' MB')} | "
                     f"{'–' if per_conn is None else f'{per_conn:.1f} kB'} |")
    lines += ["",
              "Reading it: gantry-mock's events are made inside the gateway, so its latency is delivery alone; "
              "gantry-kafka's cross the broker and Gantry's shared consumer, nchan's its HTTP publisher and shared "
              "memory, Pushpin's its HTTP publish API and ZeroMQ. Connections Pushpin did not keep were answered 500 by its proxy "
              "(its handler logs \"received message out of sequence\" while thousands of holds are set up); the "
              "machine is shared, so rerun before drawing conclusions. Gantry's RSS before a run includes memory "
              "the allocator kept from the previous, larger run; the growth column is what N connections added.",
              "", END]
    return "\n".join(lines)


def main():
    results, out, duration = sys.argv[1:4]
    text = section(parse(results), duration)
    doc = open(out).read() if os.path.exists(out) else "# Benchmarks\n"
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    open(out, "w").write(doc)
    print(text)


if __name__ == "__main__":
    main()
