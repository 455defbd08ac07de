#!/usr/bin/env bash
# The demo: one real building's hourly meter data (OpenEEmeter sample, Illinois, US Central time,
# Apache-2.0 — see ../shared/data/PROVENANCE.md) loaded into an embedded SQLite file with the energy
# CLI, aggregated in the building's local time and printed as daily summaries around the 2016
# daylight-saving changes (a 23-hour and a 25-hour day). Without the shared data it generates a
# realistic 3-building data set instead.
# usage: examples/demo/run.sh BUILD_DIR [DB_FILE]
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [DB_FILE]}
here=$(cd "$(dirname "$0")" && pwd)
energy="$build/cli/energy"
db=${2:-$build/demo/energy-demo.db}
data=${ENERGY_DATA_DIR:-$here/../../../shared/data}
mkdir -p "$(dirname "$db")"
rm -f "$db" "$db-wal" "$db-shm"
export ENERGY_DB="sqlite:$db"

tenant=$("$energy" tenant add --name "Demo Property Management")
if [ -f "$data/eemeter/il-electricity-cdd-only-hourly.csv" ]; then
  building=$("$energy" building add --tenant "$tenant" --name "Springfield office (OpenEEmeter sample)" \
    --tz America/Chicago --sqft 52000 --use office --flat-rate 0.1150)
  meter=$("$energy" sensor add --building "$building" --type electricity --interval 3600 --max 500 \
    --location "main meter" --created 2015-01-01)
  echo "== importing $data/eemeter/il-electricity-cdd-only-hourly.csv into $db"
  "$energy" import "$data/eemeter/il-electricity-cdd-only-hourly.csv" --format csv --sensor "$meter"
  "$energy" aggregate
  echo "== daily summaries, local days in America/Chicago (note 2016-03-13: 23 h, 2016-11-06: 25 h)"
  "$energy" summaries --building "$building" --resolution day --from 2016-03-10 --to 2016-03-16
  "$energy" summaries --building "$building" --resolution day --from 2016-11-04 --to 2016-11-08
  echo "== monthly summaries 2016"
  "$energy" summaries --building "$building" --resolution month --from 2016-01-01 --to 2017-01-01
  mkdir -p "$build/demo"
  report="$build/demo/efficiency-2016-11.pdf"
  echo "== efficiency report for November 2016 (JSON insights below; PDF in $report)"
  "$energy" report --building "$building" --type efficiency --period month --end 2016-12-01 \
    --format pdf --out "$report"
  "$energy" report --building "$building" --type efficiency --period month --end 2016-12-01 \
    --format json | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); [print("-", i["text"]) for i in r["insights"]]'
else
  echo "shared data not found at $data: generating a data set instead"
  "$energy" generate --out "$build/demo/generated.json" --buildings 3 --sensors 4 --days 14 --start 2024-10-28 \
    --tenant "$tenant"
  "$energy" import "$build/demo/generated.json" --format json
  "$energy" aggregate
  for building in $("$energy" building list --tenant "$tenant" --format csv | tail -n +2 | cut -d, -f1); do
    "$energy" summaries --building "$building" --resolution day --from 2024-10-28 --to 2024-11-11
  done
fi
