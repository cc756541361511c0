#!/usr/bin/env bash
# REST proxy benchmark (`make bench`): wrk against (a) an nginx backend returning 1 KB, (b) nginx proxy_pass to it
# with upstream keep-alive, (c) Gantry with a keyless proxy API to it, (d) the same API with rate-limit (never
# reached) + transform-headers; same connections and duration, one after
# the other, in rounds, with CPUs pinned. Rewrites the proxy section of docs/benchmarks.md (report.py).
#
#   bench/proxy/run.sh [GANTRY_BINARY]      without a usable binary, (c) is skipped and reported as such
#
# Knobs (environment): DURATION=10 WARMUP=2 ROUNDS=3 CONNECTIONS=64 WRK_THREADS=1
#                      PROXY_CPUS BACKEND_CPUS LOAD_CPUS (taskset lists; defaults below), OUT=docs/benchmarks.md
#                      PROFILE=1: after the measured rounds, one more Gantry run under `perf record` (not counted);
#                      call graph in .run/gantry.perf.data, top functions in .run/gantry-profile.txt
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run="$here/.run"
gantry=${1:-}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
OUT=${OUT:-$root/docs/benchmarks.md}

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in nginx wrk taskset curl; do
  command -v "$tool" >/dev/null || die "$tool is missing; run scripts/install-deps.sh"
done

# CPU layout. The proxy under test gets CPUs of its own; the backend and the load generator share the others, so
# both proxies face the same backend and the same client. On 2 cores: proxy on CPU 0, backend and wrk on CPU 1.
cpus=$(nproc)
if [ "$cpus" -ge 4 ]; then
  half=$((cpus / 2))
  : "${PROXY_CPUS:=0-$((half - 1))}" "${BACKEND_CPUS:=$half}" "${LOAD_CPUS:=$((half + 1))-$((cpus - 1))}"
elif [ "$cpus" -ge 2 ]; then
  : "${PROXY_CPUS:=0}" "${BACKEND_CPUS:=1}" "${LOAD_CPUS:=1}"
else
  : "${PROXY_CPUS:=0}" "${BACKEND_CPUS:=0}" "${LOAD_CPUS:=0}"
fi

count_cpus() {  # "0-3,6" -> 5
  local n=0 part
  IFS=, read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    if [[ $part == *-* ]]; then n=$((n + ${part#*-} - ${part%-*} + 1)); else n=$((n + 1)); fi
  done
  echo "$n"
}
workers=$(count_cpus "$PROXY_CPUS")

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Everything we start is recorded here and stopped by that pid on exit, never by name.
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fill() {  # fill TEMPLATE OUTPUT KEY=VALUE...
  local template=$1 out=$2 expr=() kv
  shift 2
  for kv in "$@"; do expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${expr[@]}" "$template" >"$out"
}

wait_listening() {  # wait_listening PORT PID WHAT LOG
  for _ in $(seq 100); do
    port_open "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  log "$3 did not start listening on $1; its log:"
  cat "$4" >&2 || true
  exit 1
}

# Every process of an instance: the given pid and its direct children (nginx master + workers).
family() {
  local pid=$1
  echo "$pid"
  ps -o pid= --ppid "$pid" 2>/dev/null || true
}

cpu_ticks() {  # utime + stime, in clock ticks, of a pid and its children
  local total=0 pid stat
  for pid in $(family "$1"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }  # the command name may contain spaces; fields restart after ") "
    read -ra f <<<"$stat"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

peak_rss_kb() {  # VmHWM summed over a pid and its children
  local total=0 pid kb
  for pid in $(family "$1"); do
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

rm -rf "$run"
mkdir -p "$run/apis" "$run/backend-tmp" "$run/proxy-tmp"
body=$(head -c 1024 /dev/zero | tr '\0' 'x')

backend_port=$(free_port)
fill "$here/nginx-backend.conf" "$run/backend.conf" RUN="$run" PORT="$backend_port" BODY="$body"
taskset -c "$BACKEND_CPUS" nginx -c "$run/backend.conf" -p "$run" -e "$run/backend.err" </dev/null >"$run/backend.out" 2>&1 &
backend_pid=$!
pids+=("$backend_pid")
wait_listening "$backend_port" "$backend_pid" "nginx backend" "$run/backend.err"

proxy_port=$(free_port)
fill "$here/nginx-proxy.conf" "$run/proxy.conf" RUN="$run" PORT="$proxy_port" WORKERS="$workers" BACKEND_PORT="$backend_port"
taskset -c "$PROXY_CPUS" nginx -c "$run/proxy.conf" -p "$run" -e "$run/proxy.err" </dev/null >"$run/proxy.out" 2>&1 &
proxy_pid=$!
pids+=("$proxy_pid")
wait_listening "$proxy_port" "$proxy_pid" "nginx proxy" "$run/proxy.err"

targets=(backend nginx)
gantry_pid=""
gantry_version=""
gantry_skipped=""
if [ -n "$gantry" ] && [ -x "$gantry" ]; then
  gantry_port=$(free_port)
  fill "$here/gantry.yml" "$run/gantry.yml" RUN="$run" PORT="$gantry_port" MANAGEMENT_PORT="$(free_port)" THREADS="$workers"
  fill "$here/api.json" "$run/apis/bench.json" BACKEND_PORT="$backend_port"
  fill "$here/api-policies.json" "$run/apis/bench-policies.json" BACKEND_PORT="$backend_port"
  gantry_version=$("$gantry" version 2>/dev/null | head -n1 || true)
  taskset -c "$PROXY_CPUS" "$gantry" serve --config "$run/gantry.yml" </dev/null >"$run/gantry.log" 2>&1 &
  gantry_pid=$!
  pids+=("$gantry_pid")
  wait_listening "$gantry_port" "$gantry_pid" "gantry" "$run/gantry.log"
  targets+=(gantry gantry_policies)
else
  gantry_skipped="no gateway binary at '${gantry:-<none given>}' (run make bench)"
  log "skipping Gantry: $gantry_skipped"
fi

url_of() {
  case $1 in
    backend) echo "http://127.0.0.1:$backend_port/" ;;
    nginx) echo "http://127.0.0.1:$proxy_port/" ;;
    gantry) echo "http://127.0.0.1:$gantry_port/bench/" ;;
    gantry_policies) echo "http://127.0.0.1:$gantry_port/bench-policies/" ;;
  esac
}
pid_of() {
  case $1 in
    backend) echo "$backend_pid" ;;
    nginx) echo "$proxy_pid" ;;
    gantry|gantry_policies) echo "$gantry_pid" ;;
  esac
}
# The backend alone is loaded from the proxy's CPUs, idle at that moment, rather than from its own.
load_cpus_of() { if [ "$1" = backend ]; then echo "$PROXY_CPUS"; else echo "$LOAD_CPUS"; fi; }

# A wrong answer measured fast is worthless: every target must serve the same 200 and 1 KB body first.
for t in "${targets[@]}"; do
  got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$(url_of "$t")" || true)
  [ "$got" = "200 1024" ] || die "$t at $(url_of "$t") answered '$got', expected '200 1024'; logs in $run/"
done

load_before=$(cut -d' ' -f1 /proc/loadavg)
log "CPUs: proxy $PROXY_CPUS ($workers worker/thread), backend $BACKEND_CPUS, wrk $LOAD_CPUS; load average $load_before"
log "${ROUNDS} rounds x ${#targets[@]} targets x (${WARMUP} s warm-up + ${DURATION} s), wrk -t$WRK_THREADS -c$CONNECTIONS"
: >"$run/samples.tsv"
for round in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do
    url=$(url_of "$t")
    lc=$(load_cpus_of "$t")
    taskset -c "$lc" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null
    before=$(cpu_ticks "$(pid_of "$t")")
    taskset -c "$lc" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" >"$run/wrk-$t-$round.txt"
    after=$(cpu_ticks "$(pid_of "$t")")
    printf '%s\t%s\t%s\t%s\n' "$t" "$round" "$((after - before))" "$DURATION" >>"$run/samples.tsv"
    log "round $round $t: $(awk '/Requests\/sec/ {print $2}' "$run/wrk-$t-$round.txt") req/s"
  done
done

# Profiled apart from the measured rounds: perf's sampling costs the gateway CPU and would skew its figures.
if [ "${PROFILE:-0}" = 1 ] && [ -n "$gantry_pid" ]; then
  if command -v perf >/dev/null; then
    log "profiling Gantry for ${DURATION} s (perf record -g)"
    perf record -F 999 -g -p "$gantry_pid" -o "$run/gantry.perf.data" -- sleep "$DURATION" 2>"$run/perf.err" &
    perf_pid=$!
    taskset -c "$LOAD_CPUS" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$(url_of gantry)" >/dev/null
    wait "$perf_pid" || true
    {
      echo "# where Gantry's CPU went, by shared object"
      perf report -i "$run/gantry.perf.data" --stdio --no-children -g none --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$'
      echo "# hottest functions (self time)"
      perf report -i "$run/gantry.perf.data" --stdio --no-children -g none --sort dso,symbol --percent-limit 0.3 \
        2>/dev/null | grep -v '^#' | grep -v '^$' | cut -c1-220 | sed 's/ *$//'
    } >"$run/gantry-profile.txt" || true
    log "profile: $run/gantry-profile.txt (full: perf report -i $run/gantry.perf.data)"
  else
    log "PROFILE=1 but perf is missing (apt-get install linux-perf)"
  fi
fi

: >"$run/rss.tsv"
for t in "${targets[@]}"; do printf '%s\t%s\n' "$t" "$(peak_rss_kb "$(pid_of "$t")")" >>"$run/rss.tsv"; done

cat >"$run/meta.env" <<EOF
date=$(date -u '+%Y-%m-%d %H:%M UTC')
cpus=$cpus
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
kernel=$(uname -r)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
load_before=$load_before
load_after=$(cut -d' ' -f1 /proc/loadavg)
clk_tck=$(getconf CLK_TCK)
nginx_version=$(nginx -v 2>&1 | sed 's|.*nginx/||')
wrk_version=$(wrk -v 2>&1 | awk 'NR==1 {print $2}')
gantry_version=$gantry_version
gantry_skipped=$gantry_skipped
proxy_cpus=$PROXY_CPUS
backend_cpus=$BACKEND_CPUS
load_cpus=$LOAD_CPUS
workers=$workers
duration=$DURATION
warmup=$WARMUP
rounds=$ROUNDS
connections=$CONNECTIONS
wrk_threads=$WRK_THREADS
EOF

/usr/bin/python3 "$here/report.py" "$run" "$OUT"
