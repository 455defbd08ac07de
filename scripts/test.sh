#!/usr/bin/env bash
# Runs every test of energy: installs missing Debian packages, checks formatting, builds the release preset
# (library, adapters, CLI, examples, benchmarks' smoke runs, Python module), runs the whole CTest
# suite (test servers such as PostgreSQL are started and stopped by the tests themselves),
# then builds and runs the core and SQLite adapter tests under AddressSanitizer +
# UndefinedBehaviorSanitizer, then
# short runs of the libFuzzer harnesses (clang-16) and the kill -9 fault suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

jobs=$(nproc)
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs
export CTEST_PARALLEL_LEVEL=$jobs
if command -v ccache >/dev/null; then
  # Relative paths in the cache key, so another clone of the repository (CI's) reuses the objects.
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi

echo "== formatting (.clang-format)"
bash scripts/format.sh --check

echo "== release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release
# Test names must be unique: CTest resolves fixtures by name, and two tests sharing one once let
# the PostgreSQL fixture stop before the second of them ran.
duplicate_tests=$(ctest --preset release -N | sed -n 's/^ *Test *#[0-9]*: //p' | sort | uniq -d)
if [ -n "$duplicate_tests" ]; then
  echo "test names used twice (make them unique):" >&2
  echo "$duplicate_tests" >&2
  exit 1
fi
# A test that fails is run once more (timing-sensitive HTTP and PostgreSQL tests on a loaded
# 2-core machine); one that fails twice fails the job. Known flaky: see the closing note.
ctest --preset release --repeat until-pass:2

echo "== core and SQLite adapter under AddressSanitizer + UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan

echo "== fuzzing, short form (scripts/fuzz.sh 600 for a long campaign)"
bash scripts/fuzz.sh 20

echo "== fault suite, short form (more trials: scripts/faults.sh 50)"
bash scripts/faults.sh 3 build/release
