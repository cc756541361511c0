#!/usr/bin/env bash
# SSE fan-out benchmark: bench/sse-fanout/sse_fanout.cpp opens N SSE connections to each server in turn, and each
# connection receives R events/s, for each load NxR in LOADS:
#   (a) gantry-mock:  Gantry's sse entrypoint over the mock endpoint, one generator per connection;
#   (b) gantry-kafka: Gantry's sse entrypoint over the Kafka endpoint, every connection fed by the one shared
#                     consumer of a topic a feeder produces R records/s to (the test broker, build/);
#   (c) nchan:        nginx + nchan (Debian), every connection subscribed to one channel a feeder publishes to;
#   (d) pushpin:      Pushpin (Debian), every connection held on one GRIP channel a feeder publishes to.
# Reports deliveries/s, p50/p99 event latency (from a timestamp in each event) and server RSS per connection, and
# rewrites the SSE section of docs/benchmarks.md. (b), (c) and (d) are the same fan-out: one published stream, N
# subscribers.
#
#   bench/sse-fanout/run.sh [GANTRY_BINARY]
#
# Knobs (environment): LOADS="1000x1 5000x1 10000x1 1000x100" RAMP=1000 (connections/s) DURATION=10 WARMUP=3
#                      SERVERS="gantry-mock gantry-kafka nchan pushpin" OUT=docs/benchmarks.md
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run="$here/.run"
gantry=${1:-$root/build/gantry}
LOADS=${LOADS:-"1000x1 5000x1 10000x1 1000x100"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
OUT=${OUT:-$root/docs/benchmarks.md}
SERVERS=${SERVERS:-"gantry-mock gantry-kafka nchan pushpin"}
broker=$(dirname "$gantry")/gantry_kafka_broker

log() { echo "sse-fanout: $*" >&2; }
die() { log "$*"; exit 1; }
command -v pushpin >/dev/null || die "pushpin is missing; run scripts/install-deps.sh"
[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] || die "nchan is missing (libnginx-mod-nchan); run scripts/install-deps.sh"
[ -x "$gantry" ] || die "no gantry binary at $gantry (make build)"
[ -x "$broker" ] || die "no Kafka test broker at $broker (make build)"
wants() { [[ " $SERVERS " == *" $1 "* ]]; }

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

# measure NAME PORT PATH PIDS [FEEDER_ARGS...]: one run of the load tool per load NxR, with a feeder publishing R
# events/s for the run when FEEDER_ARGS are given. "{rate}" in PATH is replaced by R.
measure() {
  local name=$1 port=$2 path=$3 server_pids=$4 load n rate fpid
  shift 4
  for load in $LOADS; do
    n=${load%x*} rate=${load#*x} fpid=""
    if [ $# -gt 0 ]; then
      feeder "$rate" "$@" >> "$run/$name-feeder.log" 2>&1 &
      fpid=$!
      sleep 1
    fi
    log "$name: $n connections x $rate events/s"
    echo "== $name connections=$n rate_per_connection=$rate" >> "$results"
    "$tool" --port "$port" --path "${path//\{rate\}/$rate}" --connections "$n" --duration "$DURATION" \
      --warmup "$WARMUP" --threads 2 --ramp "${RAMP:-1000}" --pid "$server_pids" >> "$results" ||
      log "$name run with $n connections reported failures"
    if [ -n "$fpid" ]; then kill "$fpid"; wait "$fpid" 2>/dev/null || true; fi
    sleep 2
  done
}

# A feeder: publishes RATE events/s, each carrying its send time ("ts=<ms>") for the latency column.
#   feeder RATE kafka BOOTSTRAP TOPIC | feeder RATE http URL BODY_TEMPLATE [CONTENT_TYPE] ({ts} in it is replaced)
feeder() {
  exec /usr/bin/python3 - "$@" <<'PY'  # exec: killing the background job stops the feeder itself
import json, sys, time, urllib.request
rate, kind, args = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
if kind == "kafka":
    from confluent_kafka import Producer
    producer = Producer({"bootstrap.servers": args[0], "linger.ms": 0})
def publish(ts):
    if kind == "kafka":
        producer.produce(args[1], value=f"ts={ts}".encode())
        producer.poll(0)
    else:
        req = urllib.request.Request(args[0], data=args[1].replace("{ts}", str(ts)).encode(),
                                     headers={"Content-Type": args[2] if len(args) > 2 else "text/plain"})
        urllib.request.urlopen(req, timeout=5).read()
next_t = time.monotonic()
while True:
    try:
        publish(int(time.time() * 1000))
    except Exception as e:
        print("publish failed:", e, flush=True)
    next_t += 1.0 / rate
    time.sleep(max(0.0, next_t - time.monotonic()))
PY
}

# start_gantry DIR PORT: Gantry on DIR/apis at PORT (management on a port of its own); its pid in $gpid.
start_gantry() {
  cat > "$1/gantry.yml" <<YAML
gateway: {host: 127.0.0.1, port: $2}
management: {host: 127.0.0.1, port: $(free_port), password: bench-password}
repository: {type: sqlite, path: "$1/gantry.db"}
apis: {dir: "$1/apis"}
log: {level: warn, access: false}
YAML
  "$gantry" serve --config "$1/gantry.yml" > "$1/gantry.log" 2>&1 &
  gpid=$!
  pids+=("$gpid")
  sleep 1
}

# ---- (a) Gantry, mock endpoint: one generator per connection ----------------------------------------------------------
if wants gantry-mock; then
  work="$run/gantry-mock"
  rm -rf "$work"; mkdir -p "$work/apis"
  gport=$(free_port)
  for rate in $(for load in $LOADS; do echo "${load#*x}"; done | sort -u); do  # an API per rate, at /bench/sse-RATE
    interval=$(/usr/bin/python3 -c "print(1000 / $rate)")
    cat > "$work/apis/sse-$rate.json" <<JSON
{"id": "bench-sse-$rate", "name": "bench-sse-$rate", "definitionVersion": "4.0.0", "type": "message",
 "listeners": [{"type": "http", "paths": [{"path": "/bench/sse-$rate"}],
   "entrypoints": [{"type": "sse", "qos": "none", "configuration": {"metadataAsComment": true}}]}],
 "endpointGroups": [{"name": "g", "type": "mock", "endpoints": [{"name": "mock", "type": "mock",
   "configuration": {"messageInterval": $interval, "messageContent": "bench event"}}]}]}
JSON
  done
  start_gantry "$work" "$gport"
  measure gantry-mock "$gport" "/bench/sse-{rate}" "$gpid"
  kill "$gpid"; wait "$gpid" 2>/dev/null || true
fi

# ---- (b) Gantry, Kafka endpoint: one shared consumer fanned out to every connection ----------------------------------
if wants gantry-kafka; then
  work="$run/gantry-kafka"
  rm -rf "$work"; mkdir -p "$work/apis"
  # The test broker (librdkafka's mock cluster) answers a fetch only when fetch.wait.max.ms has run out, even with
  # records waiting, where Apache Kafka answers as soon as it has fetch.min.bytes (1): 10 ms instead of 500 keeps
  # that artefact out of the latency column (a bare librdkafka consumer on it: p50 200 ms with 500, 3 ms with 5).
  coproc BROKER { exec "$broker" bench; }
  broker_pid=$BROKER_PID
  pids+=("$broker_pid")
  read -r bootstrap <&"${BROKER[0]}"
  read -r ready <&"${BROKER[0]}"
  [ "$ready" = ready ] || die "the Kafka test broker did not start"
  gport=$(free_port)
  cat > "$work/apis/sse-kafka.json" <<JSON
{"id": "bench-sse-kafka", "name": "bench-sse-kafka", "definitionVersion": "4.0.0", "type": "message",
 "listeners": [{"type": "http", "paths": [{"path": "/bench/kafka"}],
   "entrypoints": [{"type": "sse", "qos": "none", "configuration": {}}]}],
 "endpointGroups": [{"name": "g", "type": "kafka",
   "sharedConfiguration": {"consumer": {"enabled": true, "topics": ["bench"], "autoOffsetReset": "latest"},
     "properties": {"fetch.wait.max.ms": "10"}},
   "endpoints": [{"name": "k", "type": "kafka", "inheritConfiguration": true,
     "configuration": {"bootstrapServers": "$bootstrap"}}]}]}
JSON
  start_gantry "$work" "$gport"
  measure gantry-kafka "$gport" /bench/kafka "$gpid" kafka "$bootstrap" bench
  kill "$gpid" "$broker_pid"; wait "$gpid" "$broker_pid" 2>/dev/null || true
fi

# ---- (c) nginx + nchan: one channel, every connection subscribed ----------------------------------------------------
if wants nchan; then
  work="$run/nchan"
  rm -rf "$work"; mkdir -p "$work/tmp"
  nport=$(free_port)
  # As many workers as Gantry has io threads (one per core); no replay of earlier messages to new subscribers.
  cat > "$work/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
worker_processes $(nproc);
worker_rlimit_nofile 65536;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 32768; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body; proxy_temp_path $work/tmp/proxy; fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi; scgi_temp_path $work/tmp/scgi;
  server {
    listen 127.0.0.1:$nport;
    location = /sub { nchan_subscriber eventsource; nchan_channel_id bench; nchan_subscriber_first_message newest; }
    location = /pub { nchan_publisher; nchan_channel_id bench; nchan_message_buffer_length 16; }
  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work" > "$work/nginx.out" 2>&1 &
  npid=$!
  pids+=("$npid")
  sleep 1
  measure nchan "$nport" /sub "$npid,$(pgrep -d, -P "$npid" || true)" http "http://127.0.0.1:$nport/pub" "ts={ts}"
  kill "$npid"; wait "$npid" 2>/dev/null || true
fi

# ---- (d) Pushpin: one GRIP channel, every connection held on it -----------------------------------------------------
if wants pushpin; then
  pp="$run/pushpin"
  rm -rf "$pp"; mkdir -p "$pp/run" "$pp/log"
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
  pids+=("$!")
  sleep 3
  item='{"items": [{"channel": "bench", "formats": {"http-stream": {"content": "event: message\ndata: ts={ts}\n\n"}}}]}'
  # Pushpin at the 1 event/s loads only: at 50 events/s per connection its handler logged every publish as sent to
  # all receivers, yet no connection (nor a curl beside them) received any (2026-11-24, Pushpin 1.36).
  LOADS=$(for load in $LOADS; do [ "${load#*x}" = 1 ] && echo "$load"; done | xargs) \
  measure pushpin "$pport" /bench/sse "$(pgrep -d, -f "$pp/pushpin.conf|condure|pushpin-proxy|pushpin-handler" || true)" \
    http "http://127.0.0.1:$((5561 + offset))/publish/" "$item" application/json
fi

cat "$results"
/usr/bin/python3 "$here/report.py" "$results" "$OUT" "$DURATION"
