#!/usr/bin/env bash
# Regenerates the sample report shown in docs/reports.md from the shared data (../shared/data):
# the OpenEEmeter Illinois hourly meter and its outdoor temperatures (Apache-2.0, see
# ../shared/data/PROVENANCE.md), priced under the SCE GS-2 TOU tariff from the REopt scenario
# (Apache-2.0) for illustration. Writes sample.json, sample.pdf and page PNGs into docs/reports/.
#   docs/reports/make_sample.sh [path/to/energy] [data dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
energy="${1:-$here/../../build/dev/cli/energy}"
data="${2:-${ENERGY_DATA_DIR:-$here/../../../shared/data}}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ENERGY_DB="sqlite:$work/sample.db"

tenant=$("$energy" tenant add --name "Sample Properties")
building=$("$energy" building add --tenant "$tenant" --name "Illinois sample meter" \
  --tz America/Chicago --address "Springfield, IL")
meter=$("$energy" sensor add --building "$building" --type electricity --unit kWh --interval 3600 \
  --created 2015-11-01)
outdoor=$("$energy" sensor add --building "$building" --type temperature \
  --kind instantaneous_value --unit degF --interval 3600 --created 2015-11-01)
"$energy" import "$data/eemeter/il-electricity-cdd-only-hourly.csv" --format csv --sensor "$meter" --quiet
# The temperature file's value column is named tempF: rename it for the CSV reader.
sed '1s/tempF/value/' "$data/eemeter/il-electricity-cdd-hdd-tempF.csv" > "$work/temp.csv"
"$energy" import "$work/temp.csv" --format csv --sensor "$outdoor" --quiet
"$energy" aggregate >/dev/null

common=(--building "$building" --type forecast --period month --end 2017-08-01
        --tariff "$data/tariffs/reopt_incentives.json" --now 2017-08-15T12:00:00Z)
"$energy" report "${common[@]}" --format json --out "$here/sample.json" 2>/dev/null
"$energy" report "${common[@]}" --format pdf --out "$here/sample.pdf" 2>/dev/null
rm -f "$here"/sample-page-*.png
pdftoppm -png -r 50 "$here/sample.pdf" "$here/sample-page"
ls -l "$here"
