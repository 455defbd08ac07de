#!/usr/bin/env bash
# Lints the OpenAPI document energy-server generates from its route table with Redocly CLI
# (the pinned version in package-lock.json). Usage: lint-openapi.sh <path to energy-server>
# Exit status: Redocly's (1 on errors; warnings only: 0).
set -euo pipefail
server=${1:?usage: lint-openapi.sh <energy-server binary>}
here=$(cd "$(dirname "$0")/.." && pwd)
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
doc=$(mktemp --suffix=.json)
trap 'rm -f "$doc"' EXIT
"$server" --openapi >"$doc"
cd "$here"
[[ -d node_modules/@redocly/cli ]] || npm ci --no-fund --no-audit >/dev/null
npx --no-install redocly lint --config redocly.yaml "$doc"
