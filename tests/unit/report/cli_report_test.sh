#!/usr/bin/env bash
# `energy report` through the CLI on the shared data (docs/reports/make_sample.sh): the PDF text
# shows the JSON's numbers, the CSV's days add up to the JSON's consumption, usage errors exit 2.
#   cli_report_test.sh ENERGY_BINARY DATA_DIR MAKE_SAMPLE_SCRIPT
set -euo pipefail
energy=$1 data=$2 script=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash "$script" "$energy" "$data" "$out" >/dev/null 2>&1

json_field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[k]
print(d)' "$out/sample.json" "$@"; }

consumption=$(json_field kpis consumption_kwh)
cost=$(json_field kpis cost)
text=$(pdftotext "$out/sample.pdf" - | tr -s ' \n' '  ')
grep -qF "$consumption kWh" <<<"$text" || { echo "PDF lacks consumption $consumption"; exit 1; }
grep -qF "$cost USD" <<<"$text" || { echo "PDF lacks cost $cost"; exit 1; }
# The CSV's daily consumption adds up to the KPI exactly (Wh as integers).
csv_sum=$(/usr/bin/python3 -c 'import csv,sys
from decimal import Decimal
print(sum(Decimal(r["consumption_kwh"]) for r in csv.DictReader(open(sys.argv[1]))))' "$out/sample-daily.csv")
[ "$(/usr/bin/python3 -c "from decimal import Decimal; print(Decimal('$csv_sum') == Decimal('$consumption'))")" = True ] ||
  { echo "CSV days add up to $csv_sum, JSON says $consumption"; exit 1; }
for f in "$out"/sample-page-*.png; do [ -s "$f" ] || { echo "empty page image $f"; exit 1; }; done

export ENERGY_DB="sqlite:$out/usage.db"
expect_usage() {
  set +e
  "$energy" report "$@" >/dev/null 2>"$out/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || { echo "energy report $*: exit $rc, expected 2"; cat "$out/err"; exit 1; }
}
expect_usage --type summary --building "$(cat "$out/building-id")"
expect_usage --period fortnight --building "$(cat "$out/building-id")"
expect_usage --building 00000000-0000-7000-8000-000000000000
expect_usage --building not-a-uuid
expect_usage --building "$(cat "$out/building-id")" --format pdf
expect_usage --building "$(cat "$out/building-id")" --end 2017-02-30
# A building without data still gets a report; a full disk is an error that says so.
t=$("$energy" tenant add --name t)
b=$("$energy" building add --tenant "$t" --name "No data" --tz UTC)
"$energy" sensor add --building "$b" >/dev/null
"$energy" report --building "$b" --end 2024-04-01 --format json --out "$out/empty.json" 2>/dev/null
[ "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["has_data"])' "$out/empty.json")" = False ] ||
  { echo "a building without data: has_data is not false"; exit 1; }
set +e
"$energy" report --building "$b" --end 2024-04-01 --format json --out /dev/full 2>"$out/err"
rc=$?
set -e
[ $rc -eq 1 ] && grep -qi "no space" "$out/err" || { echo "--out /dev/full: exit $rc: $(cat "$out/err")"; exit 1; }
echo "ok"
