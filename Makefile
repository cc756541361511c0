# Gantry: `make run` and `make test` work on a fresh Debian 12 machine (they install what they need first).
BUILD_DIR   ?= build
ASAN_DIR    ?= build-asan
PYTHON      := /usr/bin/python3
JOBS        ?= $(shell nproc)
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Debug keeps assert() on; -O1 instead of -O0 keeps the sanitized end-to-end suite about as quick as the plain one.
ASAN_FLAGS  ?= -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DGANTRY_SANITIZE=ON
E2E_FLAGS   ?=
# ccache skips translation units built with a precompiled header unless told these differences are harmless.
export CCACHE_SLOPPINESS ?= pch_defines,time_macros,include_file_mtime,include_file_ctime
# The first sanitizer report fails the run, with a stack trace; a leak at exit is a failure too.
SANITIZER_ENV := ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:print_stacktrace=1 \
                 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                 GANTRY_SANITIZED=1

.PHONY: all deps build run test unit e2e suite sanitize bench fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	bash scripts/run.sh $(BUILD_DIR)/gantry

unit_tests = cd $(1) && ./gantry_unit_tests
# End-to-end: E2E_WORKERS pytest-xdist processes (each test file on one of them; 0 = in the runner itself), then
# alone the tests that take a shared service down (marker `exclusive`). Most tests wait on sockets and timers,
# so on 2 cores 3 workers take well under half the serial time.
E2E_WORKERS ?= 3
e2e_tests  = GANTRY_BIN=$(abspath $(1)/gantry) $(PYTHON) -m pytest -q tests/e2e -n $(E2E_WORKERS) --dist loadfile \
               -m "not exclusive" $(E2E_FLAGS) && \
             GANTRY_BIN=$(abspath $(1)/gantry) $(PYTHON) -m pytest -q tests/e2e -m exclusive $(E2E_FLAGS)
# Gravitee's own v4 definitions (../shared/conformance) through `gantry check`.
conformance_tests = GANTRY_BIN=$(abspath $(1)/gantry) $(PYTHON) -m pytest -q -p no:cacheprovider tests/conformance

unit: build
	$(call unit_tests,$(BUILD_DIR))

e2e: build
	$(call e2e_tests,$(BUILD_DIR))

# Test services (PostgreSQL, redis, mosquitto) run for the length of the suite; their addresses are in the
# environment and in build/services.env.
test: build
	bash scripts/services.sh run -- $(MAKE) --no-print-directory suite SUITE_DIR=$(BUILD_DIR)

# unit + conformance + e2e against the binaries already built in SUITE_DIR (used by test and sanitize, inside the
# services); the shipped example definitions must stay valid too.
suite:
	$(call unit_tests,$(SUITE_DIR))
	$(SUITE_DIR)/gantry check examples/apis/*.json
	$(call conformance_tests,$(SUITE_DIR))
	$(call e2e_tests,$(SUITE_DIR))

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) $(ASAN_FLAGS)

sanitize: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS)
	$(SANITIZER_ENV) bash scripts/services.sh run -- $(MAKE) --no-print-directory suite SUITE_DIR=$(ASAN_DIR)

# The EL parser under libFuzzer for FUZZ_SECONDS (clang, in build-fuzz/); a crash leaves its input in the cwd.
FUZZ_SECONDS ?= 60
fuzz: deps
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build
	bash bench/proxy/run.sh $(abspath $(BUILD_DIR)/gantry)
	bash scripts/services.sh run -- $(PYTHON) bench/deploy/run.py $(BUILD_DIR)/gantry
	bash bench/sse-fanout/run.sh $(abspath $(BUILD_DIR)/gantry)
	$(PYTHON) bench/mqtt/run.py $(BUILD_DIR)/gantry
	$(PYTHON) bench/kafka/run.py $(BUILD_DIR)/gantry

clean:
	-bash scripts/services.sh stop
	rm -rf $(BUILD_DIR) $(ASAN_DIR) build-fuzz bench/proxy/.run bench/sse-fanout/.run bench/mqtt/.run bench/kafka/.run
