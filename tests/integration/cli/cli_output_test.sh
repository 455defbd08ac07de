#!/usr/bin/env bash
# usage: cli_output_test.sh PATH/TO/energy
# Each check prints what it verifies; the first failure stops the script with status 1.
set -uo pipefail
energy=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite:$work/e.db"
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "ok: $*"; }

tenant=$("$energy" --db "$db" tenant add --name t) || fail "tenant add"
building=$("$energy" --db "$db" building add --tenant "$tenant" --name b --tz UTC) || fail "building add"
sensor=$("$energy" --db "$db" sensor add --building "$building" --created 2024-01-01) || fail "sensor add"

# generate to a full disk fails, naming the file.
"$energy" --db "$db" generate --out /dev/full --buildings 1 --sensors 1 --days 1 2>"$work/err" &&
  fail "generate --out /dev/full exited 0"
grep -q "/dev/full" "$work/err" && grep -qi "no space" "$work/err" || fail "generate message: $(cat "$work/err")"
check "generate --out /dev/full fails and says why"

# standard output to a full disk or a closed pipe (SIGPIPE ignored, as under many supervisors).
"$energy" --db "$db" tenant list >/dev/full 2>"$work/err" && fail "tenant list >/dev/full exited 0"
grep -q "writing standard output failed" "$work/err" || fail "stdout message: $(cat "$work/err")"
check "a command writing to /dev/full fails"
(
  trap '' PIPE
  "$energy" --db "$db" generate --out - --buildings 1 --sensors 20 --days 30 2>"$work/err" | head -c 100 >/dev/null
  exit "${PIPESTATUS[0]}"
) && fail "generate into a closed pipe exited 0"
grep -q "failed" "$work/err" || fail "closed pipe message: $(cat "$work/err")"
check "generate into a closed pipe fails"

# An unwritable --errors path fails before anything is imported.
{
  echo "sensor_id,timestamp,value"
  for h in 10 11 12; do echo "$sensor,2024-07-01T$h:00:00Z,1.5"; done
} >"$work/good.csv"
"$energy" --db "$db" import "$work/good.csv" --errors "$work/missing-dir/e.csv" 2>"$work/err" &&
  fail "import with an unwritable --errors exited 0"
grep -q "nothing imported" "$work/err" || fail "errors path message: $(cat "$work/err")"
"$energy" --db "$db" import "$work/good.csv" --quiet >"$work/out" || fail "import good.csv"
grep -q "3 inserted" "$work/out" || fail "the refused import stored readings: $(cat "$work/out")"
check "an unwritable --errors path fails with nothing imported"

# Many bad rows: every one in --errors, 20 on the screen, the count in the summary; control
# characters never reach the terminal raw.
{
  echo "sensor_id,timestamp,value"
  for i in $(seq 1 3000); do printf '%s,2024-07-01T00:00:00Z,\033[2J%d\a\n' "$sensor" "$i"; done
} >"$work/bad.csv"
"$energy" --db "$db" import "$work/bad.csv" --errors "$work/e.csv" --quiet >"$work/out" 2>"$work/err"
status=$?
[ "$status" = 3 ] || fail "import of bad rows: status $status: $(cat "$work/err")"
[ "$(wc -l <"$work/e.csv")" = 3001 ] || fail "--errors has $(wc -l <"$work/e.csv") lines, expected 3001"
grep -q "3000 rejected" "$work/out" || fail "summary: $(cat "$work/out")"
[ "$(grep -c 'malformed_value' "$work/err")" = 20 ] || fail "screen sample: $(head -c 2000 "$work/err")"
grep -q "and 2980 more (all of them are in $work/e.csv)" "$work/err" || fail "screen tail: $(tail -2 "$work/err")"
if grep -q $'\033' "$work/err" || grep -q $'\a' "$work/err" || grep -q $'\033' "$work/e.csv"; then
  fail "a control character was echoed raw"
fi
grep -q '\\x1b\[2J' "$work/err" || fail "escaped ESC not shown: $(head -3 "$work/err")"
check "3000 rejected rows stream to --errors, 20 shown, control characters escaped"

# --errors on a full disk: the import stops and says what was committed.
"$energy" --db "$db" import "$work/bad.csv" --errors /dev/full --quiet >"$work/out" 2>"$work/err" &&
  fail "import with --errors /dev/full exited 0"
grep -q "writing --errors file /dev/full failed" "$work/err" && grep -q "committed" "$work/err" ||
  fail "--errors /dev/full message: $(cat "$work/err")"
check "--errors on a full disk fails and says what was committed"
# A JSON batch streams in chunks: a document broken after the first chunk (100,000 elements) fails
# naming the byte, line and element, and says what was committed; importing the repaired file
# then finds those readings unchanged.
awk -v s="$sensor" 'BEGIN {
  printf "{\"source\":{\"note\":\"generated\"},\"readings\":[\n"
  for (i = 0; i < 100500; i++)
    printf "%s{\"sensor_id\":\"%s\",\"timestamp\":\"%s\",\"value\":%d.25}\n", (i ? "," : ""), s,
      strftime("%Y-%m-%dT%H:%M:%SZ", 1704153600 + i * 600, 1), i % 50
  printf "]}\n" }' >"$work/batch.json" || fail "generating batch.json"
{ head -c -3 "$work/batch.json"; printf ',\n{"x":]}'; } >"$work/broken.json"
"$energy" --db "$db" import "$work/broken.json" --quiet >"$work/out" 2>"$work/err" &&
  fail "import of a broken JSON document exited 0"
grep -q "malformed JSON at byte" "$work/err" && grep -q "(line 100503)" "$work/err" &&
  grep -q "after readings\[100500\]" "$work/err" && grep -q "100000 readings were committed" "$work/err" ||
  fail "broken JSON message: $(cat "$work/err")"
"$energy" --db "$db" import "$work/batch.json" --quiet >"$work/out" 2>"$work/err" || fail "import batch.json: $(cat "$work/err")"
grep -q "100500 readings: 500 inserted, 100000 unchanged" "$work/out" || fail "re-import: $(cat "$work/out")"
check "a JSON batch broken after its first chunk says what was committed; the re-import completes it"
# --commit-every: a positive number of rows; with small groups the import lands the same rows.
"$energy" --db "$db" import "$work/good.csv" --commit-every 0 2>"$work/err" && fail "--commit-every 0 exited 0"
grep -q "not a positive number of rows" "$work/err" || fail "--commit-every 0 message: $(cat "$work/err")"
"$energy" --db "$db" import "$work/batch.json" --quiet --commit-every 1000 >"$work/out" 2>"$work/err" ||
  fail "import --commit-every 1000: $(cat "$work/err")"
grep -q "100500 readings: 0 inserted, 100500 unchanged" "$work/out" || fail "--commit-every 1000: $(cat "$work/out")"
check "--commit-every takes a positive number of rows"
# A database that cannot be opened fails the import before any reading, and says so (a crash
# test reads this line to know what a failed import committed).
"$energy" --db "postgresql://energy@127.0.0.1:1/energy?connect_timeout=2" import "$work/batch.json" \
  --quiet >"$work/out" 2>"$work/err" && fail "import into an unreachable database exited 0"
grep -q "0 readings were committed; nothing of the input was imported" "$work/err" ||
  fail "unreachable database message: $(cat "$work/err")"
check "an import whose database cannot be opened says nothing was committed"
# A name that is not valid UTF-8 is refused, naming the field, and the bytes are not echoed.
tenants=$("$energy" --db "$db" tenant list | wc -l)
"$energy" --db "$db" tenant add --name $'Acme \xff\x1b[31m' >"$work/out" 2>"$work/err" &&
  fail "tenant add with an invalid UTF-8 name exited 0"
grep -q "name is not valid UTF-8 (byte 5 of 11); nothing stored" "$work/err" ||
  fail "invalid UTF-8 name message: $(cat "$work/err")"
! grep -q $'\x1b' "$work/err" || fail "the invalid name was echoed to the terminal"
[ "$("$energy" --db "$db" tenant list | wc -l)" = "$tenants" ] || fail "a tenant with an invalid name was stored"
check "a name that is not valid UTF-8 is refused and nothing is stored"
echo "all CLI output checks passed"
