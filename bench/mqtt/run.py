#!/usr/bin/python3
"""bench/mqtt: WebSocket clients publishing through Gantry to mosquitto and back, next to the same clients speaking
MQTT over WebSocket to mosquitto's own websockets listener. Writes its section of docs/benchmarks.md.

  bench/mqtt/run.py [build/gantry]
  env: CONNECTIONS=32 SECONDS=10 WARMUP=2 QOS="none auto" SIZE=64 GANTRY_THREADS=1 OUT=docs/benchmarks.md
       ROUNDS=1: rounds of all the runs one after the other; each row shows the round with the median rate
       PROFILE=1: after the measured runs, one more Gantry run (first QOS) under `perf record -g`, not counted;
       top functions in bench/mqtt/.run/gantry-profile.txt and a summary in the section

Starts its own mosquitto (an MQTT listener and a `protocol websockets` listener on free loopback ports) and its own
Gantry. The load tool (ws_roundtrip.cpp, built here with g++, plain sockets and epoll) runs N clients; each sends a
message and waits for it to come back before sending the next, for SECONDS after WARMUP:
  * through Gantry: client i opens a WebSocket to its own message API (websocket entrypoint, publisher and
    subscriber, on an mqtt5 endpoint whose producer and consumer topic is bench/gantry/<qos>/i): frame -> Gantry ->
    mosquitto -> Gantry -> frame. One API per client, so that each message comes back to its sender only (the
    subscribers of one API share its consumer topic).
  * the peer: client i speaks MQTT 5 over WebSocket to mosquitto's websockets listener, subscribed to and
    publishing on bench/ws/<qos>/i: frame -> mosquitto -> frame.
  * the broker's ceiling: the same MQTT 5 packets on mosquitto's plain TCP listener.
Entrypoint qos `none` is MQTT QoS 0 both ways (the peer publishes and subscribes at QoS 0); `auto` is QoS 1 (the
peer likewise; it does not wait for its PUBACK, as Gantry's client does not wait for Gantry's)."""
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GANTRY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "gantry"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
SECONDS = float(os.environ.get("SECONDS", "10"))
WARMUP = float(os.environ.get("WARMUP", "2"))
QOS = os.environ.get("QOS", "none auto").split()
SIZE = int(os.environ.get("SIZE", "64"))
GANTRY_THREADS = int(os.environ.get("GANTRY_THREADS", "1"))
OUT = os.environ.get("OUT", os.path.join(ROOT, "docs", "benchmarks.md"))
PROFILE = os.environ.get("PROFILE") == "1"
ROUNDS = int(os.environ.get("ROUNDS", "1"))
TOOL_SRC = os.path.join(HERE, "ws_roundtrip.cpp")
RUN_DIR = os.path.join(HERE, ".run")
TOOL = os.path.join(RUN_DIR, "ws_roundtrip")
MQTT_QOS = {"none": 0, "auto": 1}
TICK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"bench/mqtt: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what):
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} did not open port {port}")


def cpu_seconds(pid):
    """utime + stime of a process, from /proc (the fields after the command name)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def build_tool():
    if not os.path.exists(TOOL) or os.path.getmtime(TOOL_SRC) > os.path.getmtime(TOOL):
        os.makedirs(os.path.dirname(TOOL), exist_ok=True)
        log("building the load tool")
        subprocess.run(["g++", "-O2", "-std=c++20", TOOL_SRC, "-o", TOOL, "-lpthread"], check=True)


def start_mosquitto(work):
    mqtt_port, ws_port = free_port(), free_port()
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        # set_tcp_nodelay: without it QoS 1 round trips on the TCP listener wait out delayed ACKs (~40 ms); the
        # websockets listener (libwebsockets) sets TCP_NODELAY itself, Gantry's client sets it on its side.
        f.write(f"listener {mqtt_port} 127.0.0.1\nlistener {ws_port} 127.0.0.1\nprotocol websockets\n"
                "allow_anonymous true\npersistence false\nset_tcp_nodelay true\nmax_queued_messages 10000\n"
                "log_type error\nlog_type warning\nlog_dest stderr\n")
    proc = subprocess.Popen(["mosquitto", "-c", conf], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "mosquitto.log"), "w"))
    wait_port(mqtt_port, proc, "mosquitto")
    wait_port(ws_port, proc, "mosquitto")
    return proc, mqtt_port, ws_port


def gantry_api(qos, i, mqtt_port):
    topic = f"bench/gantry/{qos}/{i}"
    return {
        "id": f"bench-mqtt-{qos}-{i}", "name": f"bench-mqtt-{qos}-{i}", "apiVersion": "1.0",
        "definitionVersion": "4.0.0", "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": f"/bench/mqtt/{qos}/{i}"}], "entrypoints": [
            {"type": "websocket", "qos": qos,
             "configuration": {"publisher": {"enabled": True}, "subscriber": {"enabled": True}}}]}],
        "endpointGroups": [{"name": "g", "type": "mqtt5", "endpoints": [{
            "name": "e", "type": "mqtt5", "weight": 1, "inheritConfiguration": False,
            "configuration": {"serverHost": "127.0.0.1", "serverPort": mqtt_port},
            "sharedConfigurationOverride": {"consumer": {"enabled": True, "topic": topic},
                                            "producer": {"enabled": True, "topic": topic}}}]}],
        "flows": [], "analytics": {"enabled": False}}


def start_gantry(work, mqtt_port):
    port = free_port()
    apis = os.path.join(work, "apis")
    os.makedirs(apis)
    for qos in QOS:
        for i in range(CONNECTIONS):
            with open(os.path.join(apis, f"{qos}-{i}.json"), "w") as f:
                json.dump(gantry_api(qos, i, mqtt_port), f)
    with open(os.path.join(work, "gantry.yml"), "w") as f:
        f.write(f"gateway:\n  host: 127.0.0.1\n  port: {port}\n  threads: {GANTRY_THREADS}\n"
                f"apis:\n  dir: {apis}\nlog:\n  level: warn\n  access: false\n")
    proc = subprocess.Popen([GANTRY, "serve", "--config", os.path.join(work, "gantry.yml")],
                            stdout=open(os.path.join(work, "gantry.log"), "w"), stderr=subprocess.STDOUT)
    wait_port(port, proc, "gantry")
    return proc, port


def run_tool(args, pids):
    """Runs the load tool; the servers' CPU time is sampled when it starts and stops measuring."""
    cmd = [TOOL, "--connections", str(CONNECTIONS), "--duration", str(SECONDS), "--warmup", str(WARMUP),
           "--size", str(SIZE)] + args
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    cpu0 = cpu1 = None
    result = None
    for line in proc.stdout:
        line = line.strip()
        if line == "measuring":
            cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
        elif line == "measured":
            cpu1 = {name: cpu_seconds(pid) for name, pid in pids.items()}
        elif line.startswith("{"):
            result = json.loads(line)
    rc = proc.wait()
    if result is None or cpu0 is None or cpu1 is None:
        raise SystemExit(f"the load tool failed ({rc}): {' '.join(cmd)}")
    if rc != 0:
        log(f"the load tool reported failures: {result}")
    result["cpu"] = {name: (cpu1[name] - cpu0[name]) / result["seconds"] for name in pids}
    return result


def profile(gantry_pid, args):
    """One unmeasured Gantry run under perf (sampling costs the gateway CPU, so it is kept apart from the figures).
    Returns a summary line for the section, or None."""
    if not shutil.which("perf"):
        log("PROFILE=1 but perf is missing (apt-get install linux-perf)")
        return None
    data = os.path.join(RUN_DIR, "gantry.perf.data")
    log(f"profiling Gantry (perf record -g, {WARMUP + SECONDS:g} s)")
    perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(gantry_pid), "-o", data, "--", "sleep",
                             str(WARMUP + SECONDS)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run_tool(args, {})
    perf.wait()
    report = ["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none"]
    by_dso = subprocess.run(report + ["--sort", "dso"], capture_output=True, text=True).stdout
    by_sym = subprocess.run(report + ["--sort", "dso,symbol", "--percent-limit", "0.5"], capture_output=True,
                            text=True).stdout
    with open(os.path.join(RUN_DIR, "gantry-profile.txt"), "w") as f:
        f.write(by_dso + "\n" + by_sym)
    dsos = [l.split() for l in by_dso.splitlines() if l.strip() and not l.startswith("#")]
    syms = [l.split(None, 3) for l in by_sym.splitlines() if l.strip() and not l.startswith("#")]
    top_dso = ", ".join(f"{d[1]} {d[0]}" for d in dsos[:4] if len(d) >= 2)
    # perf pads the symbol column and may append IPC columns: the name ends at the first run of spaces.
    top = [(x[0], x[1], re.split(r"\s{2,}", x[3].strip())[0][:100]) for x in syms if len(x) == 4][:8]
    top_sym = "".join(f"\n  * {share} `{name}` ({dso})" for share, dso, name in top)
    return (f"Profile of the Gantry row (`PROFILE=1`: an extra unmeasured run under `perf record -g`; by shared "
            f"object: {top_dso}). Hottest functions, self time:{top_sym}")


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    distro = ""
    with open("/etc/os-release") as f:
        for line in f:
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip().strip('"')
    mosq = subprocess.run(["mosquitto", "-h"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{os.cpu_count()} × {model}, Linux {platform.release()}, {distro}; {mosq}"


def us(v):
    return f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:.0f} µs"


def knobs():
    """The environment settings of this run that differ from the defaults, as a command prefix."""
    defaults = {"CONNECTIONS": "32", "SECONDS": "10", "WARMUP": "2", "QOS": "none auto", "SIZE": "64",
                "GANTRY_THREADS": "1", "ROUNDS": "1"}
    set_ = [f"{k}={os.environ[k]!r}" if " " in os.environ[k] else f"{k}={os.environ[k]}"
            for k, v in defaults.items() if os.environ.get(k, v) != v]
    return " ".join(set_) + " " if set_ else ""


def cpu_per_trip(r):
    """CPU-µs all server processes (Gantry and mosquitto, or mosquitto alone) spent per round trip."""
    return sum(r["cpu"].values()) * r["seconds"] / max(r["round_trips"], 1) * 1e6


def pct(v):
    return f"{v * 100:.0f}%"


def write_section(rows, started, load_before, load_after, about, profiled):
    target_names = {"gantry": "WebSocket → Gantry → mosquitto → Gantry → WebSocket",
                    "mqtt-ws": "MQTT over WebSocket → mosquitto's websockets listener (peer)",
                    "mqtt": "MQTT over TCP → mosquitto (broker's ceiling, for reference)"}
    busy = load_before > 0.5
    text = [
        "<!-- bench/mqtt: begin (written by bench/mqtt/run.py; edits inside are overwritten) -->",
        "## MQTT 5 over WebSocket (bench/mqtt)", "",
        f"Run {started} on {about}. Load average before / after: {load_before:.2f} / {load_after:.2f}" +
        (" — **a busy machine**: other work shared the 2 cores, so absolute figures are low and noisy; compare the "
         "ratios, and the CPU per round trip." if busy else
         " (anything well above 0 before means other work shared the machine)."),
        "",
        f"Command: `{knobs()}bench/mqtt/run.py build/gantry` (its own mosquitto and Gantry; Gantry with {GANTRY_THREADS} "
        f"gateway thread{'s' if GANTRY_THREADS != 1 else ''}, log level warn). {CONNECTIONS} clients "
        f"(bench/mqtt/ws_roundtrip.cpp: one epoll thread, plain sockets), each sending a {SIZE}-byte message and "
        f"waiting for it to come back before sending the next; {WARMUP:g} s warm-up, then {SECONDS:g} s measured" +
        (f"; {ROUNDS} rounds of all the runs one after the other, each row the round with the median rate. "
         if ROUNDS > 1 else ". ") +
        "Through Gantry each client has a message API of its own (websocket entrypoint, publisher + subscriber, "
        "mqtt5 endpoint whose producer and consumer topic is the same), so a message comes back to its sender only; "
        "the peer clients speak MQTT 5 over WebSocket to mosquitto's `protocol websockets` listener, each "
        "subscribed to and publishing on a topic of its own. Entrypoint qos `none` = MQTT QoS 0 both ways; `auto` "
        "= QoS 1 both ways (the peer publishes and subscribes at QoS 1 too).", "",
        "| qos | path | round trips/s | p50 | p99 | max | lost | CPU: Gantry | CPU: mosquitto | server CPU-µs per "
        "round trip | CPU: client |" + (" round trips/s per round |" if ROUNDS > 1 else ""),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---|" if ROUNDS > 1 else ""),
    ]
    for qos, target, r in rows:
        g = r["cpu"].get("gantry")
        text.append(f"| {qos} | {target_names[target]} | {r['rate']:,.0f} | {us(r['p50_us'])} | {us(r['p99_us'])} | "
                    f"{us(r['max_us'])} | {r['lost']} | {pct(g) if g is not None else '—'} | "
                    f"{pct(r['cpu']['mosquitto'])} | {cpu_per_trip(r):.1f} | {pct(r['client_cpu'])} |" +
                    (" " + ", ".join(f"{x:,.0f}" for x in r["rates"]) + " |" if ROUNDS > 1 else ""))
    text.append("")
    summary = []
    for qos in QOS:
        by = {t: r for q, t, r in rows if q == qos}
        if "gantry" in by and "mqtt-ws" in by:
            g, p = by["gantry"], by["mqtt-ws"]
            summary.append(f"qos {qos}: round trips/s **{g['rate'] / p['rate']:.2f}×**, p50 "
                           f"**{g['p50_us'] / max(p['p50_us'], 1):.2f}×**, p99 "
                           f"**{g['p99_us'] / max(p['p99_us'], 1):.2f}×**, server CPU per round trip "
                           f"{cpu_per_trip(g) / cpu_per_trip(p):.1f}×")
    text.append("**Gantry / mosquitto's own WebSocket listener:** " + "; ".join(summary) +
                " (round trips/s: higher is better; latency: lower is better).")
    text += [
        "",
        "Reading it: CPU is per process over the measured seconds (utime + stime from `/proc`, 100% = one core "
        "of the two); CPU-µs per round trip sums the servers on the path and depends less on what else ran on the "
        "machine than the rates do. Through Gantry every message crosses two more sockets and a second process "
        "(client → Gantry → mosquitto → Gantry → client instead of client → mosquitto → client), and on 2 cores "
        "Gantry, mosquitto and the client share what the peer rows share between mosquitto and the client: if "
        "Gantry spent as much CPU per message as mosquitto, round trips/s would be about 0.5× the peer's, and the "
        "CPU-per-round-trip ratio about 2×. Inside Gantry each message also crosses from the gateway io thread to "
        "the MQTT connector thread and back (docs/mqtt5.md, \"Threads\"). The load tool is C++ (one thread) and "
        f"used at most {max(r['client_cpu'] for _, _, r in rows) * 100:.0f}% of a core in any row, so it was not "
        "the bottleneck. `lost` counts messages not back within 1 s (none expected).",
    ]
    by = {(q, t): r for q, t, r in rows}
    slower_tcp = [q for q in QOS if (q, "mqtt") in by and (q, "mqtt-ws") in by
                  and by[(q, "mqtt")]["rate"] < by[(q, "mqtt-ws")]["rate"]]
    if slower_tcp:
        text[-1] += (" mosquitto's plain TCP listener came out slower than its websockets listener here (qos "
                     f"{', '.join(slower_tcp)}); not investigated, the TCP row is only there for scale.")
    broken = [f"{q}/{t} ({r['ready']} of {r['connections']} clients ready, {r['failed']} failed)"
              for q, t, r in rows if r["failed"] or r["ready"] < r["connections"]]
    if broken:
        text[-1] += " **Incomplete runs:** " + "; ".join(broken) + "."
    if profiled:
        text += ["", profiled]
    text += [
        "<!-- bench/mqtt: end -->",
    ]
    section = "\n".join(text) + "\n"
    doc = open(OUT).read() if os.path.exists(OUT) else "# Benchmarks\n"
    pattern = re.compile(r"<!-- bench/mqtt: begin.*?<!-- bench/mqtt: end -->\n", re.S)
    doc = pattern.sub(lambda _: section, doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + section
    with open(OUT, "w") as f:
        f.write(doc)
    print(section)


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def main():
    if not shutil.which("mosquitto"):
        raise SystemExit("mosquitto is missing (scripts/install-deps.sh installs it)")
    if not os.access(GANTRY, os.X_OK):
        raise SystemExit(f"no gantry binary at {GANTRY} (make build)")
    build_tool()
    work = tempfile.mkdtemp(prefix="bench-mqtt-")
    os.chmod(work, 0o755)  # mosquitto started as root drops to its own user
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()[0]
    mosquitto = gantry = None
    rows = []
    profiled = None
    try:
        mosquitto, mqtt_port, ws_port = start_mosquitto(work)
        gantry, gantry_port = start_gantry(work, mqtt_port)
        time.sleep(1)  # the producers connect at deployment
        results = {}
        for round_no in range(ROUNDS):
            for qos in QOS:
                q = str(MQTT_QOS[qos])
                runs = [("gantry", ["--mode", "gantry", "--port", str(gantry_port), "--qos", q,
                                    "--path", f"/bench/mqtt/{qos}/{{i}}"],
                         {"gantry": gantry.pid, "mosquitto": mosquitto.pid}),
                        ("mqtt-ws", ["--mode", "mqtt-ws", "--port", str(ws_port), "--qos", q,
                                     "--topic", f"bench/ws/{qos}/{{i}}"], {"mosquitto": mosquitto.pid}),
                        ("mqtt", ["--mode", "mqtt", "--port", str(mqtt_port), "--qos", q,
                                  "--topic", f"bench/tcp/{qos}/{{i}}"], {"mosquitto": mosquitto.pid})]
                for target, args, pids in runs:
                    log(f"round {round_no + 1}/{ROUNDS}, qos {qos}: {target}")
                    r = run_tool(args, pids)
                    log(f"  {r['rate']:,.0f} round trips/s, p50 {us(r['p50_us'])}, p99 {us(r['p99_us'])}, "
                        f"lost {r['lost']}, cpu {r['cpu']}, client {r['client_cpu']:.2f}")
                    results.setdefault((qos, target), []).append(r)
        # Per path, the round with the median rate (its latencies and CPU with it); every round's rate is listed.
        for (qos, target), runs in results.items():
            ranked = sorted(runs, key=lambda r: r["rate"])
            chosen = dict(ranked[(len(ranked) - 1) // 2])
            chosen["rates"] = [r["rate"] for r in runs]
            rows.append((qos, target, chosen))
        if PROFILE:
            qos = QOS[0]
            profiled = profile(gantry.pid, ["--mode", "gantry", "--port", str(gantry_port), "--qos",
                                            str(MQTT_QOS[qos]), "--path", f"/bench/mqtt/{qos}/{{i}}"])
    finally:
        stop(gantry)
        stop(mosquitto)
    write_section(rows, started, load_before, os.getloadavg()[0], machine(), profiled)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
