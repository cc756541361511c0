#!/usr/bin/env bash
# `make run`: the example backend, then Gantry with gantry.example.yml, which deploys examples/apis/.
# Ctrl-C stops both.
#
#   scripts/run.sh [GANTRY_BINARY]      (default build/gantry; GANTRY_CONFIG picks another config file)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
gantry=${1:-build/gantry}
config=${GANTRY_CONFIG:-gantry.example.yml}
backend_port=8090  # examples/apis/hello-proxy.json targets it

[ -x "$gantry" ] || { echo "run: no gateway binary at $gantry; run 'make build' first" >&2; exit 1; }

# The gateway port as the gateway will see it: environment first, then the config file's gateway.port.
port=${GANTRY_GATEWAY_PORT:-$(sed -n '/^gateway:/,/^[^ #]/s/^  port: *\([0-9][0-9]*\).*/\1/p' "$config" | head -n1)}
port=${port:-8082}
base="http://localhost:$port"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

backend_pid=""
gantry_pid=""
cleanup() { [ -z "$backend_pid" ] || kill "$backend_pid" 2>/dev/null || true; }
trap cleanup EXIT

mkdir -p build
if port_open "$backend_port"; then
  echo "run: something already listens on 127.0.0.1:$backend_port; using it as the example backend"
else
  /usr/bin/python3 scripts/example-backend.py --port "$backend_port" --quiet </dev/null >build/example-backend.log 2>&1 &
  backend_pid=$!
  for _ in $(seq 50); do port_open "$backend_port" && break; sleep 0.1; done
  port_open "$backend_port" || { echo "run: the example backend did not start; see build/example-backend.log" >&2; exit 1; }
  echo "run: example backend on http://127.0.0.1:$backend_port (pid $backend_pid, log build/example-backend.log)"
fi
if port_open "$port"; then
  echo "run: port $port is already taken (another gateway?); set GANTRY_GATEWAY_PORT to use another" >&2
  exit 1
fi

# In the background so that the tour can name its pid once it listens. Background jobs of a script ignore SIGINT,
# so Ctrl-C reaches the gateway as the SIGTERM we forward: a graceful drain, as in production.
"$gantry" serve --config "$config" &
gantry_pid=$!
trap 'kill -TERM "$gantry_pid" 2>/dev/null || true' INT TERM
for _ in $(seq 100); do
  port_open "$port" && break
  kill -0 "$gantry_pid" 2>/dev/null || break
  sleep 0.1
done

if kill -0 "$gantry_pid" 2>/dev/null; then
  cat <<EOF

Gantry is listening on $base (pid $gantry_pid). Try, from another terminal:
  curl -i $base/hello-api/hello                # proxied to the example backend
  curl    $base/hello-api/items/2
  curl    "$base/hello-api/echo?q=1" -d 'hi'   # the backend echoes what it got, X-Forwarded-* included
  curl -i $base/nowhere                        # 404: no API owns this path
After editing examples/apis/:  kill -HUP $gantry_pid   (redeploys without dropping requests)
Stop: Ctrl-C

EOF
fi

# wait returns early when a trapped signal arrives; keep waiting until the gateway has really finished draining.
while :; do
  if wait "$gantry_pid"; then rc=0; else rc=$?; fi
  kill -0 "$gantry_pid" 2>/dev/null || break
done
exit "$rc"
