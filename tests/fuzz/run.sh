#!/usr/bin/env bash
# Builds the EL parser fuzz target with clang's libFuzzer (+ AddressSanitizer/UBSan) and runs it for N seconds
# (default 60). Usage: bash tests/fuzz/run.sh [seconds]. The build goes to build-fuzz/, apart from the main build.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
out=build-fuzz
mkdir -p "$out/corpus"
cp -n tests/fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
sources=(src/core/el/lexer.cpp src/core/el/parser.cpp src/core/el/evaluate.cpp src/core/el/value.cpp
         src/core/el/methods.cpp src/core/el/functions.cpp tests/fuzz/el_parser_fuzz.cpp)
if [[ ! -x $out/el_parser_fuzz ]] || [[ -n $(find "${sources[@]}" src/core/el/*.hpp -newer "$out/el_parser_fuzz") ]]; then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc \
    "${sources[@]}" -o "$out/el_parser_fuzz" $(pkg-config --cflags --libs re2) -lboost_json -lpugixml
fi
exec "$out/el_parser_fuzz" -artifact_prefix="$out/" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -dict=tests/fuzz/el.dict "$out/corpus"
