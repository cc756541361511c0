#!/usr/bin/python3
"""Turns the raw results of bench/proxy/run.sh (in its .run/ folder) into the REST proxy section of
docs/benchmarks.md, replacing only that section so that other benchmarks can write theirs beside it.

usage: report.py RUN_DIR BENCHMARKS_MD
"""

import re
import statistics
import sys
from pathlib import Path

BEGIN = "<!-- bench/proxy: begin (written by bench/proxy/run.sh; edits inside are overwritten) -->"
END = "<!-- bench/proxy: end -->"
PREAMBLE = """# Benchmarks

Figures written by the benchmark scripts (`make bench`); each section below is rewritten by the script named in it.
Absolute figures drift from run to run on shared machines; the ratios within one run are what to compare.
"""
LABELS = {
    "backend": "(a) nginx backend, directly",
    "nginx": "(b) nginx `proxy_pass` + upstream keep-alive",
    "gantry": "(c) Gantry, keyless proxy API",
    "gantry_policies": "(d) Gantry, (c) + rate-limit (never reached) + transform-headers",
}
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS_MS[unit]


def parse_wrk(text):
    latency = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
        "errors": (sum(map(int, sock.groups())) if sock else 0) + (int(non2xx.group(1)) if non2xx else 0),
    }


def load(run):
    meta = dict(line.split("=", 1) for line in (run / "meta.env").read_text().splitlines() if "=" in line)
    tck = int(meta["clk_tck"])
    rss = dict(line.split("\t") for line in (run / "rss.tsv").read_text().splitlines())
    rounds = {}
    for line in (run / "samples.tsv").read_text().splitlines():
        target, rnd, ticks, duration = line.split("\t")
        sample = parse_wrk((run / f"wrk-{target}-{rnd}.txt").read_text())
        sample["cpu_s"] = int(ticks) / tck
        sample["duration"] = float(duration)
        rounds.setdefault(target, []).append(sample)
    results = {}
    for target, samples in rounds.items():
        requests = sum(s["requests"] for s in samples)
        cpu = sum(s["cpu_s"] for s in samples)
        results[target] = {
            "rps": statistics.median(s["rps"] for s in samples),
            "p50": statistics.median(s["p50"] for s in samples),
            "p99": statistics.median(s["p99"] for s in samples),
            "rps_all": [s["rps"] for s in samples],
            "cpu_per_100k": cpu / requests * 100_000 if requests else float("nan"),
            "cpu_use": cpu / sum(s["duration"] for s in samples),
            "rss_mb": int(rss.get(target, 0)) / 1024,
            "errors": sum(s["errors"] for s in samples),
        }
    return meta, results


def ms(value):
    return f"{value * 1000:.0f} µs" if value < 1 else f"{value:.2f} ms"


def table(results):
    rows = [
        "| target | requests/s (median) | p50 | p99 | CPU-s per 100k requests¹ | CPU used¹ | peak RSS¹ | errors | "
        "requests/s per round |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for target, r in results.items():
        rows.append(
            f"| {LABELS[target]} | {r['rps']:,.0f} | {ms(r['p50'])} | {ms(r['p99'])} | {r['cpu_per_100k']:.2f} | "
            f"{r['cpu_use'] * 100:.0f}% | {r['rss_mb']:.1f} MB | {r['errors']} | "
            f"{', '.join(f'{x:,.0f}' for x in r['rps_all'])} |"
        )
    return "\n".join(rows)


def verdict(meta, results):
    if "gantry" not in results:
        return f"**Gantry was not measured in this run:** {meta.get('gantry_skipped') or 'unknown reason'}."
    g, n = results["gantry"], results["nginx"]
    rps, p99, cpu = g["rps"] / n["rps"], g["p99"] / n["p99"], g["cpu_per_100k"] / n["cpu_per_100k"]
    met = rps >= 1.1 and p99 <= 1.0
    text = (
        f"**Gantry / nginx proxy:** requests/s **{rps:.2f}×** (target ≥ 1.10×), p99 **{p99:.2f}×** "
        f"(target ≤ 1.00×), CPU per request {cpu:.2f}× (lower is better). "
        f"Target {'met' if met else 'not met'} in this run."
    )
    if "gantry_policies" in results:
        ratio = results["gantry_policies"]["rps"] / g["rps"]
        text += (f"\n\n**Policies / plain keyless (d / c):** requests/s **{ratio:.2f}×** (target ≥ 0.92×). "
                 f"Target {'met' if ratio >= 0.92 else 'not met'} in this run.")
    return text


def profile(run):
    """The PROFILE=1 summary (where Gantry's CPU went), or "" when the run was not profiled."""
    path = run / "gantry-profile.txt"
    if not path.exists():
        return ""
    dso, hot, part = [], [], None
    for line in path.read_text().splitlines():
        if line.startswith("# where"):
            part = dso
        elif line.startswith("# hottest"):
            part = hot
        elif part is not None and line.strip():
            part.append(line.split())
    by_dso = ", ".join(f"{name} {pct}" for pct, name, *_ in dso[:4])
    user = [(pct, " ".join(rest)[:110]) for pct, obj, kind, *rest in hot if kind != "[k]"][:8]
    rows = "\n".join(f"  * {pct} `{name}`" for pct, name in user)
    return (f"\nProfile of (c), `PROFILE=1`, an extra unmeasured run under `perf record -g` (by shared object: {by_dso}; "
            f"`PROFILE=1 make bench` repeats it). Hottest user-space functions, self time:\n{rows}\n")


def section(meta, results, run):
    cpus = meta["cpus"]
    w = meta["workers"]
    return f"""{BEGIN}
## REST proxy (bench/proxy)

Run {meta['date']} on {cpus} × {meta['cpu_model']}, Linux {meta['kernel']}, {meta['os']}; nginx {meta['nginx_version']},
wrk {meta['wrk_version']}, {meta['gantry_version'] or 'Gantry: not run'}. Load average before / after: {meta['load_before']} / {meta['load_after']}
(anything above ~0.2 before means other work shared the machine).

Command: `make bench` (= `bench/proxy/run.sh build/gantry`): `wrk -t{meta['wrk_threads']} -c{meta['connections']} --latency`,
{meta['rounds']} rounds of the targets one after the other, each {meta['warmup']} s warm-up then {meta['duration']} s measured;
medians over rounds. Every target answers the same `200` with a 1 KB body (checked before measuring).

{table(results)}

¹ Of the process under test: the backend for (a), the proxy for (b) and (c) (all nginx processes summed: master +
workers). CPU-seconds are utime + stime from `/proc/PID/stat` over the measured runs; "CPU used" is that divided by
the measured time ({w} CPU{'s' if w != '1' else ''} available = {int(w) * 100}%). Peak RSS is `VmHWM` at the end.

{verdict(meta, results)}
{profile(run)}
How it is made fair:
* CPU pinning with `taskset`: the proxy under test gets CPU {meta['proxy_cpus']} alone and runs {w} nginx
  worker{'s' if w != '1' else ''} / {w} Gantry thread{'s' if w != '1' else ''}; the backend (1 nginx worker) is on
  CPU {meta['backend_cpus']} and wrk on CPU {meta['load_cpus']}. Both proxies therefore face the same backend and the
  same client. For (a) wrk runs on CPU {meta['proxy_cpus']} (idle then), so (a) is the backend's ceiling. If a
  proxy's "CPU used" is well below {int(w) * 100}%, the proxy was not the bottleneck (the shared backend + wrk CPU
  was), and its requests/s understate it: compare CPU per request then.
* Both proxies keep upstream connections alive and never close a connection for its request count
  (`keepalive_requests` raised on nginx); no access log on either (`access_log off`, Gantry `log.access: false`,
  `log.level: warn`).
* Gantry does a little more per request than this nginx configuration: it adds `X-Gravitee-Request-Id`,
  `X-Gravitee-Transaction-Id` and `X-Forwarded-*` headers and runs the keyless plan.
{END}"""


def main():
    run, out = Path(sys.argv[1]), Path(sys.argv[2])
    meta, results = load(run)
    text = section(meta, results, run)
    doc = out.read_text() if out.exists() else PREAMBLE
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(doc)
    print(table(results))
    print(verdict(meta, results))
    print(f"bench: wrote {out}")


if __name__ == "__main__":
    main()
