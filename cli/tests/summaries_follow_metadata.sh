#!/usr/bin/env bash
# The CLI keeps summaries right when metadata changes: a building's new zone is in every day after
# the next `aggregate`; `rebuild` recomputes a building; `settings` switches per-sensor summaries
# and `aggregate --sensor-summaries` refuses a database that does not keep them.
# usage: summaries_follow_metadata.sh <energy binary> <scratch dir>
set -euo pipefail
energy=$1
dir=$2
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }

csv=$dir/meter.csv
echo "start,value" > "$csv"
for h in $(seq 0 71); do
  printf '%s,%d.%03d\n' "$(date -u -d "2024-07-01T00:00:00Z + $h hour" +%Y-%m-%dT%H:%M:%SZ)" \
    $((h % 7 + 1)) $((h * 37 % 1000)) >> "$csv"
done

# One database aggregated under New York, then moved to Kolkata; one under Kolkata from the start.
setup() {  # <db> <zone> -> prints building id, sensor id
  local db=$1 zone=$2
  local t b s
  t=$("$energy" --db "$db" tenant add --name Acme --id 01890000-0000-7000-8000-000000000001)
  b=$("$energy" --db "$db" building add --tenant "$t" --name HQ --tz "$zone" --flat-rate 0.2 \
      --id 01890000-0000-7000-8000-000000000002)
  s=$("$energy" --db "$db" sensor add --building "$b" --interval 3600 --created 2024-01-01)
  "$energy" --db "$db" import "$csv" --sensor "$s" --quiet > /dev/null
  echo "$b $s"
}
read -r b s < <(setup "sqlite:$dir/moved.db" America/New_York)
b_moved=$b
"$energy" --db "sqlite:$dir/moved.db" aggregate > /dev/null
"$energy" --db "sqlite:$dir/moved.db" building add --tenant 01890000-0000-7000-8000-000000000001 \
  --name HQ --tz Asia/Kolkata --flat-rate 0.2 --id "$b" > /dev/null
"$energy" --db "sqlite:$dir/moved.db" aggregate > /dev/null
setup "sqlite:$dir/fresh.db" Asia/Kolkata > /dev/null
"$energy" --db "sqlite:$dir/fresh.db" aggregate > /dev/null
for res in hour day month; do
  moved=$("$energy" --db "sqlite:$dir/moved.db" summaries --building "$b" --resolution $res --format csv)
  fresh=$("$energy" --db "sqlite:$dir/fresh.db" summaries --building "$b" --resolution $res --format csv)
  [ "$moved" = "$fresh" ] || fail "$res summaries after a zone change differ from a fresh database"
  [ "$(echo "$moved" | wc -l)" -gt 1 ] || fail "no $res summaries"
done

# rebuild: recomputes (whole local months around the range: the month bucket is recomputed from raw
# readings) and changes nothing that was right; a range without readings recomputes nothing.
before=$("$energy" --db "sqlite:$dir/moved.db" summaries --building "$b" --resolution hour --format csv)
out=$("$energy" --db "sqlite:$dir/moved.db" rebuild --building "$b" --from 2024-07-02 --to 2024-07-03)
echo "$out" | grep -q "aggregated 72 dirty sensor-hours" || fail "rebuild of one local day: $out"
out=$("$energy" --db "sqlite:$dir/moved.db" rebuild --building "$b" --from 2024-09-01 --to 2024-09-03)
echo "$out" | grep -q "aggregated 0 dirty sensor-hours" || fail "rebuild without readings: $out"
after=$("$energy" --db "sqlite:$dir/moved.db" summaries --building "$b" --resolution hour --format csv)
[ "$before" = "$after" ] || fail "rebuild changed correct summaries"
if "$energy" --db "sqlite:$dir/moved.db" rebuild --building 01890000-0000-7000-8000-0000000000ff \
  2> /dev/null; then fail "rebuild of an unknown building succeeded"; fi

# settings: per-sensor summaries are a property of the database.
set +e
"$energy" --db "sqlite:$dir/moved.db" aggregate --sensor-summaries 2> "$dir/err"
code=$?
set -e
[ $code -eq 2 ] || fail "aggregate --sensor-summaries on a database without them exited $code"
grep -q "settings --per-sensor on" "$dir/err" || fail "no hint: $(cat "$dir/err")"
"$energy" --db "sqlite:$dir/moved.db" settings | grep -q "per-sensor summaries: off" || fail "default"
"$energy" --db "sqlite:$dir/moved.db" settings --per-sensor on 2> /dev/null | grep -q "per-sensor summaries: on" \
  || fail "settings --per-sensor on"
"$energy" --db "sqlite:$dir/moved.db" aggregate --sensor-summaries > /dev/null
rows=$("$energy" --db "sqlite:$dir/moved.db" summaries --building "$b" --sensor "$s" --format csv | wc -l)
[ "$rows" -eq 5 ] || fail "expected 4 Kolkata days of per-sensor summaries (+ header), got $rows lines"
# A building without a flat rate (and no tariff pricing the summaries) has an unknown cost: the
# column is empty (null in JSON) and the screen says why, never "0.00".
t=$("$energy" --db "sqlite:$dir/unpriced.db" tenant add --name Acme)
b=$("$energy" --db "sqlite:$dir/unpriced.db" building add --tenant "$t" --name HQ --tz America/Chicago)
s=$("$energy" --db "sqlite:$dir/unpriced.db" sensor add --building "$b" --interval 3600 --created 2024-01-01)
"$energy" --db "sqlite:$dir/unpriced.db" import "$csv" --sensor "$s" --quiet > /dev/null
"$energy" --db "sqlite:$dir/unpriced.db" aggregate > /dev/null
"$energy" --db "sqlite:$dir/unpriced.db" summaries --building "$b" --format csv > "$dir/unpriced.csv" \
  2> "$dir/unpriced.err"
grep -q "cost left empty" "$dir/unpriced.err" || fail "no notice of the unknown cost"
first=$(sed -n 2p "$dir/unpriced.csv")
[ "$(echo "$first" | cut -d, -f7)" = "" ] || fail "unpriced cost printed as a number: $first"
"$energy" --db "sqlite:$dir/unpriced.db" summaries --building "$b" --format json 2> /dev/null \
  | grep -q '"cost": *null' || fail "unpriced cost not null in JSON"
"$energy" --db "sqlite:$dir/moved.db" summaries --building "$b_moved" --format csv 2> "$dir/priced.err" \
  | sed -n 2p | cut -d, -f7 | grep -Eq '^[0-9]+\.[0-9]+$' || fail "priced cost missing"
echo "ok"
