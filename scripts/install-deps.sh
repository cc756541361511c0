#!/usr/bin/env bash
# Installs, idempotently, every Debian 12 package that Gantry's build, tests and benchmarks need.
# Safe to run on a fresh machine and on one that already has everything (then it does nothing but check).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  # clang 14 for the libFuzzer targets (tests/fuzz, `make fuzz`)
  clang
  # Boost 1.81 as individual packages (libboost-all-dev is 1.74; libboost1.81-all-dev drags in OpenMPI)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-context1.81-dev
  # libraries
  libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev libre2-dev
  libsqlite3-dev libpq-dev libhiredis-dev librdkafka-dev libpaho-mqtt-dev libmosquitto-dev libpugixml-dev libnghttp2-dev zlib1g-dev
  libjemalloc-dev  # the gateway binary's allocator (CMakeLists.txt)
  # unit tests and micro-benchmarks; openssl makes the throw-away certificates of the TLS tests
  libgtest-dev libgmock-dev libbenchmark-dev openssl
  # end-to-end tests run on Debian's python with real clients
  python3 python3-pytest python3-pytest-timeout python3-pytest-xdist python3-httpx python3-requests python3-websockets
  python3-aiohttp python3-paho-mqtt python3-confluent-kafka python3-redis python3-psycopg2
  # tests/conformance reads Gravitee's management OpenAPI (YAML)
  python3-yaml
  # real services used by tests (scripts/services.sh), and their command-line clients for poking at them
  mosquitto mosquitto-clients redis-server redis-tools postgresql postgresql-client
  # benchmarks, their peers, and the profilers to look before tuning
  nginx libnginx-mod-nchan wrk hyperfine curl procps util-linux linux-perf valgrind
  pushpin
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing ${missing[*]}; run this script as root (sudo is not installed)" >&2
    exit 1
  fi
  sudo="sudo"
fi

echo "install-deps: installing ${missing[*]}"
# Packages such as nginx, redis-server and postgresql try to start system services on install; the tests start
# their own instances on loopback ports, so keep the package scripts from starting anything.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  created_policy=1
fi
cleanup() { [ "$created_policy" -eq 1 ] && $sudo rm -f "$policy"; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
