#!/usr/bin/env python3
"""Turns bench/sse-fanout/.run/results.txt into the SSE section of docs/benchmarks.md (between its markers).

    report.py RESULTS OUT RATE DURATION
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
        m = re.match(r"== (\w+) connections=(\d+)", line)
        if m:
            current = {"server": m.group(1), "n": int(m.group(2))}
            runs.append(current)
            continue
        if current is None:
            continue
        for key, value in re.findall(r"(\w+)=(-?[\d.]+)", line):
            current.setdefault(key, float(value))
    return runs


def fmt(v, unit=""):
    return "–" if v is None or v < 0 else f"{v:,.0f}{unit}"


def section(runs, rate, duration):
    load = os.getloadavg()[0]
    lines = [BEGIN, "## SSE fan-out (bench/sse-fanout)", "",
             f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs, {platform.platform()}; "
             f"load average at the end {load:.2f} (other work shared the machine when well above 0).", "",
             f"Command: `bench/sse-fanout/run.sh build/gantry`: the C++ load tool (bench/sse-fanout/sse_fanout.cpp, "
             f"2 io threads) opens N SSE connections (1,000 per second), waits until all are open, then counts events "
             f"for {duration} s. "
             f"Each connection receives {rate} event/s: Gantry's sse entrypoint over the mock endpoint "
             f"(`messageInterval` {1000 / float(rate):g} ms per subscriber, qos none), Pushpin 1.36 (Debian) holding "
             f"every connection on one GRIP channel fed at {rate} event/s. Latency is from the timestamp the source "
             f"put in each event to its parsing by the tool (ms resolution). RSS is the server's resident memory "
             f"(all Pushpin processes summed) once the connections are open, minus before.", "",
             "| server | connections | open at end | deliveries/s | expected/s | p50 | p99 | RSS before | RSS growth per connection |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        before = r.get("before")
        connected = r.get("connected")
        per_conn = (connected - before) / r["n"] if before and connected and before > 0 else None
        lines.append(f"| {r['server']} | {r['n']:,} | {fmt(r.get('open_at_end'))} | "
                     f"{fmt(r.get('deliveries_per_s'))} | {r['n'] * float(rate):,.0f} | {fmt(r.get('p50'), ' ms')} | "
                     f"{fmt(r.get('p99'), ' ms')} | {fmt(before / 1024 if before else None, ' MB')} | "
                     f"{'–' if per_conn is None else f'{per_conn:.1f} kB'} |")
    lines += ["",
              "Reading it: Gantry's events come from the mock endpoint inside the gateway (one generator per "
              "subscriber), Pushpin's cross its HTTP publish API and ZeroMQ first, so the latency columns compare "
              "delivery paths, not just fan-out. Connections Pushpin did not keep were answered 500 by its proxy "
              "(its handler logs \"received message out of sequence\" while thousands of holds are set up); the "
              "machine is shared, so rerun before drawing conclusions. Gantry's RSS before a run includes memory "
              "the allocator kept from the previous, larger run; the growth column is what N connections added.",
              "", END]
    return "\n".join(lines)


def main():
    results, out, rate, duration = sys.argv[1:5]
    text = section(parse(results), rate, duration)
    doc = open(out).read() if os.path.exists(out) else "# Benchmarks\n"
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    open(out, "w").write(doc)
    print(text)


if __name__ == "__main__":
    main()
