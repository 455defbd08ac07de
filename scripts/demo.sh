#!/usr/bin/env bash
# The main job: installs missing Debian packages, builds energy (release) and runs the demo:
# a real building's meter data from ../shared/data (or a generated data set when absent) loaded
# into an embedded SQLite file and printed as daily summaries in the building's local time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
command -v ccache >/dev/null && export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
export CMAKE_BUILD_PARALLEL_LEVEL=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release --target energy-cli
exec bash examples/demo/run.sh build/release "$@"
