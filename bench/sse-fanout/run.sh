#!/usr/bin/env bash
# SSE fan-out benchmark: bench/sse-fanout/sse_fanout.cpp opens N SSE connections to (a) Gantry, an sse entrypoint
# over the mock endpoint generating RATE events/s per connection, and (b) Pushpin (Debian), a GRIP stream fed by a
# publisher at RATE events/s on one channel all connections hold; both deliver N x RATE events/s. Reports
# deliveries/s, p50/p99 event latency (from a timestamp in each event) and server RSS per connection, and rewrites
# the SSE section of docs/benchmarks.md.
#
#   bench/sse-fanout/run.sh [GANTRY_BINARY]
#
# Knobs (environment): CONNECTIONS="1000 5000 10000" RATE=1 RAMP=1000 (connections/s) DURATION=10 WARMUP=3
#                      OUT=docs/benchmarks.md
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run="$here/.run"
gantry=${1:-$root/build/gantry}
CONNECTIONS=${CONNECTIONS:-"1000 5000 10000"}
RATE=${RATE:-1}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
OUT=${OUT:-$root/docs/benchmarks.md}

log() { echo "sse-fanout: $*" >&2; }
die() { log "$*"; exit 1; }
command -v pushpin >/dev/null || die "pushpin is missing; run scripts/install-deps.sh"
[ -x "$gantry" ] || die "no gantry binary at $gantry (make build)"

mkdir -p "$run"
tool="$run/sse_fanout"
if [ ! -x "$tool" ] || [ "$here/sse_fanout.cpp" -nt "$tool" ]; then
  log "building the load tool"
  g++ -O2 -std=c++20 "$here/sse_fanout.cpp" -o "$tool" -lpthread
fi

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
results="$run/results.txt"
: > "$results"

# ---- (a) Gantry ---------------------------------------------------------------------------------------------------
gport=$(free_port)
mkdir -p "$run/gantry-apis"
interval=$(/usr/bin/python3 -c "print(1000 / $RATE)")
cat > "$run/gantry-apis/sse.json" <<JSON
{"id": "bench-sse", "name": "bench-sse", "definitionVersion": "4.0.0", "type": "message",
 "listeners": [{"type": "http", "paths": [{"path": "/bench/sse"}],
   "entrypoints": [{"type": "sse", "qos": "none", "configuration": {"metadataAsComment": true}}]}],
 "endpointGroups": [{"name": "g", "type": "mock", "endpoints": [{"name": "mock", "type": "mock",
   "configuration": {"messageInterval": $interval, "messageContent": "bench event"}}]}]}
JSON
cat > "$run/gantry.yml" <<YAML
gateway: {host: 127.0.0.1, port: $gport}
apis: {dir: "$run/gantry-apis"}
log: {level: warn}
YAML
"$gantry" serve --config "$run/gantry.yml" > "$run/gantry.log" 2>&1 &
gpid=$!
pids+=("$gpid")
sleep 1
for n in $CONNECTIONS; do
  log "gantry: $n connections"
  echo "== gantry connections=$n rate_per_connection=$RATE" >> "$results"
  "$tool" --port "$gport" --path /bench/sse --connections "$n" --duration "$DURATION" --warmup "$WARMUP" \
    --threads 2 --ramp "${RAMP:-1000}" --pid "$gpid" >> "$results" || log "gantry run with $n connections reported failures"
  sleep 2
done
kill "$gpid"; wait "$gpid" 2>/dev/null || true

# ---- (b) Pushpin ----------------------------------------------------------------------------------------------------
pp="$run/pushpin"
mkdir -p "$pp/run" "$pp/log"
pport=$(free_port)
bport=$(free_port)
offset=$(( ($(free_port) % 1000) + 100 ))
sed -e "s#^rundir=.*#rundir=$pp/run#" -e "s#^logdir=.*#logdir=$pp/log#" -e "s#^http_port=.*#http_port=$pport#" \
    -e "s#^port_offset=.*#port_offset=$offset#" -e "s#^message_rate=.*#message_rate=10000000#" \
    -e "s#^message_hwm=.*#message_hwm=10000000#" -e "s#^routesfile=.*#routesfile=$pp/routes#" \
    -e "s#^include=.*#include=/usr/lib/pushpin/internal.conf#" \
    /etc/pushpin/pushpin.conf > "$pp/pushpin.conf"
# Debian points pushpin at a system-wide zurl (its outbound HTTP client); run our own instead.
sed -i -e "s#^services=.*#services=condure,zurl,pushpin-proxy,pushpin-handler#" "$pp/pushpin.conf"
sed -i -e "s#^\[proxy\]#[proxy]\nzurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in\nzurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream\nzurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out#" "$pp/pushpin.conf"
echo "* 127.0.0.1:$bport" > "$pp/routes"
# The origin answers every request with a GRIP stream hold on channel "bench".
/usr/bin/python3 - "$bport" > "$pp/origin.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b":\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Grip-Hold", "stream")
        self.send_header("Grip-Channel", "bench")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")  # Pushpin holds the client, not this connection
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
ThreadingHTTPServer.request_queue_size = 8192  # N connections arrive at once
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
pids+=("$!")
pushpin --config "$pp/pushpin.conf" > "$pp/pushpin.out" 2>&1 &
ppid=$!
pids+=("$ppid")
sleep 3
publish_port=$((5561 + offset))
# The feeder publishes RATE events/s, each carrying its send time in milliseconds.
/usr/bin/python3 - "$publish_port" "$RATE" > "$pp/feeder.log" 2>&1 <<'PY' &
import json, sys, time, urllib.request
port, rate = int(sys.argv[1]), float(sys.argv[2])
period = 1.0 / rate
next_t = time.monotonic()
while True:
    ts = int(time.time() * 1000)
    item = {"channel": "bench", "formats": {"http-stream": {"content": f"event: message\ndata: ts={ts}\n\n"}}}
    req = urllib.request.Request(f"http://127.0.0.1:{port}/publish/", data=json.dumps({"items": [item]}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=5).read()
    except Exception as e:
        print("publish failed:", e, flush=True)
    next_t += period
    time.sleep(max(0.0, next_t - time.monotonic()))
PY
pids+=("$!")
server_pids() { pgrep -d, -f "$pp/pushpin.conf|condure|pushpin-proxy|pushpin-handler" || true; }
for n in $CONNECTIONS; do
  log "pushpin: $n connections"
  echo "== pushpin connections=$n rate_per_connection=$RATE" >> "$results"
  "$tool" --port "$pport" --path /bench/sse --connections "$n" --duration "$DURATION" --warmup "$WARMUP" \
    --threads 2 --ramp "${RAMP:-1000}" --pid "$(server_pids)" >> "$results" || log "pushpin run with $n connections reported failures"
  sleep 2
done

cat "$results"
/usr/bin/python3 "$here/report.py" "$results" "$OUT" "$RATE" "$DURATION"
