#!/usr/bin/env bash
# Starts and stops, on loopback only, the real services the tests talk to: PostgreSQL, redis-server, mosquitto
# (MQTT 5) and a Kafka-protocol broker (build/gantry_kafka_broker, librdkafka's mock cluster: TESTING.md). No systemd: each runs as a child we own, is stopped by the pid we recorded (never by name), and keeps
# its state under build/services/. `start` writes build/services.env for tests and tools to read.
#
#   scripts/services.sh start            start what is not running yet (already running -> no-op)
#   scripts/services.sh stop             stop every service recorded under build/services/
#   scripts/services.sh status           one line per service
#   scripts/services.sh run -- CMD...    start, run CMD with services.env exported, then stop what this call started
set -Eeuo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$root/build/services"
env_file="$root/build/services.env"
services=(postgres redis mosquitto kafka)

log() { echo "services: $*" >&2; }
trap 'log "failed at line $LINENO: $BASH_COMMAND (logs under $state/)"' ERR

# Ports are picked free at start (not fixed) so that several checkouts on one machine do not collide.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A pid file is trusted only while that pid still runs the program we started: pids get reused.
alive() {
  local name=$1 pidfile="$state/$1.pid" pid cmdline
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$(program_of "$name")"* ]]
}

program_of() {
  case $1 in
    postgres) echo postgres ;;
    redis) echo redis-server ;;
    mosquitto) echo mosquitto ;;
    kafka) echo gantry_kafka_broker ;;
  esac
}

wait_until() {  # wait_until SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then
      log "$what did not come up; see $state/"
      return 1
    fi
    sleep 0.1
  done
}

pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1; }

# initdb and postgres refuse to run as root; as root they run as the postgres user, which must be able to reach
# the data directory. A checkout under /root is not reachable, so then the cluster lives in /tmp instead.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_home() {
  local home="$state/postgres"
  mkdir -p "$home"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$home"
    if ! runuser -u postgres -- test -w "$home"; then
      if [ -s "$state/postgres.home" ] && [ -d "$(cat "$state/postgres.home")" ]; then
        home=$(cat "$state/postgres.home")
      else
        home=$(mktemp -d /tmp/gantry-postgres.XXXXXX)
        chown postgres: "$home"
      fi
    fi
  fi
  echo "$home" >"$state/postgres.home"
  echo "$home"
}

start_postgres() {
  local home bin port
  home=$(pg_home)
  bin=$(pg_bin)
  port=$(free_port)
  if [ ! -s "$home/data/PG_VERSION" ]; then
    rm -rf "$home/data"
    if ! as_pg "$bin/initdb" -D "$home/data" -U gantry --auth=trust -E UTF8 --no-sync >"$home/initdb.log" 2>&1; then
      cat "$home/initdb.log" >&2
      return 1
    fi
  fi
  mkdir -p "$home/sock"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$home/sock"
  # fsync and friends off: test data is thrown away, and durability costs seconds per test run.
  as_pg "$bin/pg_ctl" -D "$home/data" -l "$home/postgres.log" -w -t 30 \
    -o "-p $port -k $home/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  head -n1 "$home/data/postmaster.pid" >"$state/postgres.pid"
  echo "$port" >"$state/postgres.port"
  local exists
  exists=$(as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U gantry -d postgres -tAq \
    -c "select count(*) from pg_database where datname = 'gantry'")
  [ "$exists" = 1 ] || as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U gantry gantry
}

start_redis() {
  local port dir="$state/redis"
  port=$(free_port)
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    </dev/null >"$dir/redis.log" 2>&1 &
  echo $! >"$state/redis.pid"
  echo "$port" >"$state/redis.port"
  wait_until 10 redis redis-cli -p "$port" ping >/dev/null 2>&1
}

start_mosquitto() {
  local port dir="$state/mosquitto"
  port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/mosquitto.conf" <<EOF
# MQTT 5 (and 3.1.1) on loopback, no authentication: a throw-away broker for tests.
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
EOF
  mosquitto -c "$dir/mosquitto.conf" </dev/null >"$dir/mosquitto.log" 2>&1 &
  echo $! >"$state/mosquitto.pid"
  echo "$port" >"$state/mosquitto.port"
  wait_until 10 mosquitto port_open "$port"
}

# Built by `make build` (CMake target gantry_kafka_broker); GANTRY_KAFKA_BROKER names another build of it.
kafka_broker_bin() {
  local candidate
  for candidate in "${GANTRY_KAFKA_BROKER-}" "$root/build/gantry_kafka_broker" "$root"/build*/gantry_kafka_broker; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  log "gantry_kafka_broker is not built; run 'make build' (or set GANTRY_KAFKA_BROKER)"
  return 1
}

# The broker reads commands ("down", "up", "topic NAME N") on stdin: here a FIFO opened read-write, so that it never
# sees end-of-file and tests can write to it (echo down > $KAFKA_CONTROL); answers go to its log. It picks its own
# port (librdkafka 2.0.2's mock cluster cannot be told one) and prints the address as its first line.
start_kafka() {
  local bin dir="$state/kafka" bootstrap=""
  bin=$(kafka_broker_bin)
  mkdir -p "$dir"
  # The previous run's log says "ready" too, and the shell may look before the new broker truncates it.
  rm -f "$dir/control" "$dir/kafka.log"
  mkfifo "$dir/control"
  "$bin" --partitions 1 <>"$dir/control" >"$dir/kafka.log" 2>&1 &
  echo $! >"$state/kafka.pid"
  kafka_ready() { grep -qx ready "$dir/kafka.log" 2>/dev/null; }
  wait_until 10 kafka kafka_ready
  bootstrap=$(head -n1 "$dir/kafka.log")
  echo "${bootstrap##*:}" >"$state/kafka.port"
  echo "$bootstrap" >"$state/kafka.bootstrap"
}

stop_one() {
  local name=$1 pid sig=TERM
  if alive "$name"; then
    pid=$(cat "$state/$name.pid")
    # SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
    [ "$name" = postgres ] && sig=INT
    kill -s "$sig" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while [ -d "/proc/$pid" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if [ -d "/proc/$pid" ]; then
      log "$name (pid $pid) ignored SIG$sig; killing it"
      kill -s KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$state/$name.pid" "$state/$name.port"
  [ "$name" != kafka ] || rm -f "$state/kafka.bootstrap" "$state/kafka/control"
  # A cluster that had to live outside the checkout goes with it: nothing else would ever clean /tmp up.
  if [ "$name" = postgres ] && [ -s "$state/postgres.home" ]; then
    case $(cat "$state/postgres.home") in /tmp/gantry-postgres.*) rm -rf "$(cat "$state/postgres.home")" ;; esac
  fi
}

write_env() {
  cat >"$env_file.tmp" <<EOF
# Written by scripts/services.sh start: where the test services listen (shell and dotenv syntax).
POSTGRES_URL=postgresql://gantry@127.0.0.1:$(cat "$state/postgres.port")/gantry
REDIS_URL=redis://127.0.0.1:$(cat "$state/redis.port")
MQTT_HOST=127.0.0.1
MQTT_PORT=$(cat "$state/mosquitto.port")
KAFKA_BOOTSTRAP=$(cat "$state/kafka.bootstrap")
# Commands for the Kafka broker (down | up | topic NAME PARTITIONS), one per line: echo down > \$KAFKA_CONTROL
KAFKA_CONTROL=$state/kafka/control
EOF
  mv "$env_file.tmp" "$env_file"
}

started=()  # what this invocation started, so that `run` stops only those

cmd_start() {
  mkdir -p "$state"
  local name
  for name in "${services[@]}"; do
    if alive "$name"; then
      log "$name already running (pid $(cat "$state/$name.pid"), port $(cat "$state/$name.port"))"
      continue
    fi
    "start_$name"
    started+=("$name")
    log "started $name (pid $(cat "$state/$name.pid"), port $(cat "$state/$name.port"))"
  done
  write_env
}

cmd_stop() {
  local name
  for name in "$@"; do stop_one "$name"; done
  [ $# -ne ${#services[@]} ] || rm -f "$env_file"
}

cmd_status() {
  local name rc=0
  for name in "${services[@]}"; do
    if alive "$name"; then
      echo "$name: running (pid $(cat "$state/$name.pid"), port $(cat "$state/$name.port"))"
    else
      echo "$name: stopped"
      rc=3
    fi
  done
  exit $rc  # exit, not return: a non-zero return would fire the ERR trap meant for real failures
}

cmd_run() {
  [ "${1-}" != "--" ] || shift
  [ $# -gt 0 ] || { log "run needs a command"; exit 2; }
  trap '[ ${#started[@]} -eq 0 ] || cmd_stop "${started[@]}"' EXIT
  trap 'exit 130' INT TERM
  cmd_start
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
  local rc=0
  "$@" || rc=$?
  exit $rc
}

case "${1-}" in
  start) cmd_start ;;
  stop) cmd_stop "${services[@]}" ;;
  status) cmd_status ;;
  run) shift; cmd_run "$@" ;;
  *) echo "usage: $0 start|stop|status|run -- COMMAND..." >&2; exit 2 ;;
esac
