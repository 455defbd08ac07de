#!/usr/bin/env bash
# The long form of the MQTT crash test: the consumer (examples/mqtt/mqtt_ingest) is killed with
# SIGKILL KILLS times at random points while a publisher sends a known sequence; afterwards every
# reading must be stored exactly once. CTest runs 5 kills; this runs many (default 40).
#   scripts/mqtt_crash_soak.sh [KILLS] [BUILD_DIR]
set -euo pipefail
kills=${1:-40}
build=${2:-build/release}
cmake --build "$build" --target energy_mqtt_tests example_mqtt_ingest -j2 >/dev/null
cd "$build"
ENERGY_MQTT_KILLS=$kills ctest -R 'MQTT consumer killed with SIGKILL' --output-on-failure --timeout 3600
