#!/usr/bin/env bash
# The main job: installs missing Debian packages, builds energy (release) and runs the demo:
# a real building's meter data from ../shared/data (or a generated data set when absent) loaded
# into an embedded SQLite file and printed as daily summaries in the building's local time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
if command -v ccache >/dev/null; then
  # Relative paths in the cache key, so another clone of the repository (CI's) reuses the objects.
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
export CMAKE_BUILD_PARALLEL_LEVEL=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release --target energy-cli
exec bash examples/demo/run.sh build/release "$@"
