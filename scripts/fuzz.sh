#!/usr/bin/env bash
# Builds every libFuzzer harness in fuzz/ with clang-16 (the whole library instrumented with
# -fsanitize=fuzzer-no-link,address,undefined) and runs each for SECONDS (default 20: the CI form;
# give e.g. 3600 for a long campaign). Corpora persist in build/fuzz/corpus/<target> (seeded from
# fuzz/seeds and ../shared/data); findings land in build/fuzz/findings/ and fail the script:
# add each as a seed and a regression test.
#   usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
build=build/fuzz
data=${ENERGY_DATA_DIR:-../shared/data}
all=(fuzz_json_batch fuzz_csv_readings fuzz_greenbutton fuzz_urdb fuzz_model_json fuzz_bills_csv fuzz_jwt
  fuzz_http_request fuzz_api_handlers fuzz_reading_chunk)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# ccache keyed on paths relative to the checkout: a fresh clone elsewhere (CI) reuses the objects
# of earlier fuzz builds on the machine (the instrumented server library takes ~10 minutes on 2 cores).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
if [ ! -f "$build/build.ninja" ]; then
  # -O1 with line tables: findings keep file:line stacks, and the instrumented build stays quick.
  CC=clang-16 CXX=clang++-16 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DCMAKE_C_FLAGS="-O1 -gline-tables-only" \
    -DENERGY_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target "${targets[@]}"

# Seeds: the repository's, plus the shared sample files of each format (copied once).
seed() {  # seed TARGET FILE...
  local dir=$build/corpus/$1
  shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/" || true; done
}
for t in "${all[@]}"; do seed "$t" fuzz/seeds/"${t#fuzz_}"/*; done
seed fuzz_greenbutton "$data"/greenbutton/*.xml
seed fuzz_csv_readings "$data"/eemeter/*.csv
seed fuzz_urdb "$data"/tariffs/*.json
seed fuzz_bills_csv "$data"/tariffs/*.csv

export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/bin/llvm-symbolizer}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/findings" "$build/logs"
status=0
printf '%-20s %12s %10s %8s %s\n' target executions exec/s peak_MB result
for t in "${targets[@]}"; do
  log=$build/logs/$t.log
  extra=()  # a target's dictionary (fuzz/<name>.dict), when it has one
  [ -f "fuzz/${t#fuzz_}.dict" ] && extra+=(-dict="fuzz/${t#fuzz_}.dict")
  if "$build/fuzz/$t" "$build/corpus/$t" -max_total_time="$seconds" -max_len=65536 \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${extra[@]}" \
      -artifact_prefix="$build/findings/$t-" >"$log" 2>&1; then
    result=ok
  else
    result="FINDING (see $log)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  printf '%-20s %12s %10s %8s %s\n' "$t" "${runs:-?}" "${rate:-?}" "${rss:-?}" "$result"
done
exit $status
