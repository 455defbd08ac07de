#!/usr/bin/env bash
# Fault suite (issue #11): kill -9 an import or an aggregation at a random moment, finish the job
# by running it again, and check that every reading is present exactly once with its value (the
# re-import finds each either unchanged or inserted, never replaced) and that the summaries equal a
# fresh computation on a database that was never interrupted. SQLite, through the energy CLI.
#   usage: scripts/faults.sh [TRIALS] [BUILD_DIR]   (default 10 trials, build/dev)
set -uo pipefail
cd "$(dirname "$0")/.."
trials=${1:-10}
energy=${2:-build/dev}/cli/energy
[ -x "$energy" ] || { echo "no $energy: build the energy_cli target" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL (trial $trial): $*" >&2; exit 1; }

# One data set: 2 buildings x 40 sensors x 30 days of 15-minute readings (230,400 rows: three
# import chunks, so a kill can land between commits).
trial=setup
"$energy" --db "sqlite:$work/meta.db" generate --out "$work/data.csv" --format csv \
  --buildings 2 --sensors 40 --days 30 2>/dev/null || fail "generate"
total=$(($(wc -l <"$work/data.csv") - 1))
tenant=$("$energy" --db "sqlite:$work/meta.db" tenant list | awk 'NR==2 {print $1}')
buildings=$("$energy" --db "sqlite:$work/meta.db" building list --tenant "$tenant" | awk 'NR>1 {print $1}')
summaries() {  # summaries DB -> every building's hour, day and month summaries as CSV
  for b in $buildings; do
    for r in hour day month; do
      "$energy" --db "sqlite:$1" summaries --building "$b" --resolution "$r" --format csv || return 1
    done
  done
}
ms() { echo $(($(date +%s%N) / 1000000)); }
cp "$work/meta.db" "$work/ref.db"
t0=$(ms)
"$energy" --db "sqlite:$work/ref.db" import "$work/data.csv" --quiet >/dev/null || fail "reference import"
t1=$(ms)
"$energy" --db "sqlite:$work/ref.db" aggregate >/dev/null || fail "reference aggregate"
t2=$(ms)
import_ms=$((t1 - t0))
aggregate_ms=$((t2 - t1))
pause() {  # pause MS: sleep a random fraction of MS milliseconds
  local at=$((RANDOM % ($1 + 1)))
  sleep "$((at / 1000)).$(printf '%03d' $((at % 1000)))"
}
summaries "$work/ref.db" >"$work/ref.csv" || fail "reference summaries"
[ -s "$work/ref.csv" ] || fail "no reference summaries"

survived=0
for trial in $(seq 1 "$trials"); do
  db=$work/t$trial.db
  cp "$work/meta.db" "$db"
  rm -f "$db-wal" "$db-shm"
  # kill -9 during the import, at a random moment of its (reference) duration.
  "$energy" --db "sqlite:$db" import "$work/data.csv" --quiet >/dev/null 2>&1 &
  pid=$!
  pause "$import_ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # Re-importing completes the job: every row is unchanged (acknowledged before the kill) or
  # inserted, none replaced (a different value would mean a torn or duplicated write).
  out=$("$energy" --db "sqlite:$db" import "$work/data.csv" --quiet) || fail "re-import: $out"
  read -r inserted unchanged replaced < <(echo "$out" |
    sed -E 's/.*: ([0-9]+) inserted, ([0-9]+) unchanged, ([0-9]+) replaced.*/\1 \2 \3/')
  [ "$replaced" = 0 ] || fail "$replaced readings replaced after the kill: $out"
  [ $((inserted + unchanged)) = "$total" ] || fail "$inserted + $unchanged != $total: $out"
  # kill -9 during aggregation, then aggregate to completion.
  "$energy" --db "sqlite:$db" aggregate >/dev/null 2>&1 &
  pid=$!
  pause "$aggregate_ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  "$energy" --db "sqlite:$db" aggregate >/dev/null || fail "aggregate after the kill"
  summaries "$db" >"$work/got.csv" || fail "summaries"
  cmp -s "$work/ref.csv" "$work/got.csv" || fail "summaries differ from a fresh computation: $(diff "$work/ref.csv" "$work/got.csv" | head -5)"
  echo "trial $trial: import killed (then $unchanged already stored, $inserted inserted), aggregation killed; summaries = fresh recompute"
  survived=$((survived + 1))
  rm -f "$db" "$db-wal" "$db-shm"
done
echo "fault suite: $survived/$trials trials survived ($total readings each; import $import_ms ms, aggregation $aggregate_ms ms uninterrupted)"
