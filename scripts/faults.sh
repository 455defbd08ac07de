#!/usr/bin/env bash
# Fault suite (issue #11), through the energy CLI. Each trial checks that every reading is present
# exactly once with its value (a re-import finds each either unchanged or inserted, never replaced)
# and that the summaries equal a fresh computation on a database that was never interrupted:
#   1. SQLite: kill -9 an import, then an aggregation, at a random moment; finish by running again.
#   2. SQLite: kill -9 the retention job (archive, verify, drop) at a random moment; run it again;
#      then every reading is in the store or the archive (restore + re-import inserts nothing).
#   3. SQLite on a full disk (a small tmpfs; needs root, else skipped with a note): the import fails
#      with a clear error, and the database it leaves is intact and completes on a larger disk.
#   4. PostgreSQL (a throwaway server, when its binaries are installed): the server crashes
#      (immediate stop) and restarts during an import; the import is finished by running it again.
#   usage: scripts/faults.sh [TRIALS] [BUILD_DIR]   (default 10 trials, build/dev)
set -uo pipefail
cd "$(dirname "$0")/.."
trials=${1:-10}
energy=${2:-build/dev}/cli/energy
[ -x "$energy" ] || { echo "no $energy: build the energy_cli target" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL (trial $trial): $*" >&2; exit 1; }

# One data set: 2 buildings x 40 sensors x 30 days of 15-minute readings (230,400 rows; the killed
# imports commit every 50,000 rows, so a kill can land between commits).
trial=setup
"$energy" --db "sqlite:$work/meta.db" generate --out "$work/data.csv" --format csv \
  --buildings 2 --sensors 40 --days 30 2>/dev/null || fail "generate"
total=$(($(wc -l <"$work/data.csv") - 1))
tenant=$("$energy" --db "sqlite:$work/meta.db" tenant list | awk 'NR==2 {print $1}')
buildings=$("$energy" --db "sqlite:$work/meta.db" building list --tenant "$tenant" | awk 'NR>1 {print $1}')
summaries() {  # summaries DB_URI BUILDING... -> their hour, day and month summaries as CSV
  local uri=$1
  shift
  for b in "$@"; do
    for r in hour day month; do
      "$energy" --db "$uri" summaries --building "$b" --resolution "$r" --format csv || return 1
    done
  done
}
ms() { echo $(($(date +%s%N) / 1000000)); }
import_counts() {  # import_counts OUTPUT -> "inserted unchanged replaced" of an import's summary
  echo "$1" | sed -E 's/.*: ([0-9]+) inserted, ([0-9]+) unchanged, ([0-9]+) replaced.*/\1 \2 \3/'
}
cp "$work/meta.db" "$work/ref.db"
t0=$(ms)
"$energy" --db "sqlite:$work/ref.db" import "$work/data.csv" --quiet --commit-every 50000 >/dev/null || fail "reference import"
t1=$(ms)
"$energy" --db "sqlite:$work/ref.db" aggregate >/dev/null || fail "reference aggregate"
t2=$(ms)
import_ms=$((t1 - t0))
aggregate_ms=$((t2 - t1))
pause() {  # pause MS: sleep a random fraction of MS milliseconds
  local at=$((RANDOM % ($1 + 1)))
  sleep "$((at / 1000)).$(printf '%03d' $((at % 1000)))"
}
summaries "sqlite:$work/ref.db" $buildings >"$work/ref.csv" || fail "reference summaries"
[ -s "$work/ref.csv" ] || fail "no reference summaries"

survived=0
for trial in $(seq 1 "$trials"); do
  db=$work/t$trial.db
  cp "$work/meta.db" "$db"
  rm -f "$db-wal" "$db-shm"
  # kill -9 during the import, at a random moment of its (reference) duration.
  "$energy" --db "sqlite:$db" import "$work/data.csv" --quiet --commit-every 50000 >/dev/null 2>&1 &
  pid=$!
  pause "$import_ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # Re-importing completes the job: every row is unchanged (acknowledged before the kill) or
  # inserted, none replaced (a different value would mean a torn or duplicated write).
  out=$("$energy" --db "sqlite:$db" import "$work/data.csv" --quiet) || fail "re-import: $out"
  read -r inserted unchanged replaced < <(import_counts "$out")
  [ "$replaced" = 0 ] || fail "$replaced readings replaced after the kill: $out"
  [ $((inserted + unchanged)) = "$total" ] || fail "$inserted + $unchanged != $total: $out"
  # kill -9 during aggregation, then aggregate to completion.
  "$energy" --db "sqlite:$db" aggregate >/dev/null 2>&1 &
  pid=$!
  pause "$aggregate_ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  "$energy" --db "sqlite:$db" aggregate >/dev/null || fail "aggregate after the kill"
  summaries "sqlite:$db" $buildings >"$work/got.csv" || fail "summaries"
  cmp -s "$work/ref.csv" "$work/got.csv" || fail "summaries differ from a fresh computation: $(diff "$work/ref.csv" "$work/got.csv" | head -5)"
  echo "trial $trial: import killed (then $unchanged already stored, $inserted inserted), aggregation killed; summaries = fresh recompute"
  survived=$((survived + 1))
  rm -f "$db" "$db-wal" "$db-shm"
done
echo "fault suite, import and aggregation: $survived/$trials trials survived ($total readings each; import $import_ms ms, aggregation $aggregate_ms ms uninterrupted)"

# Every reading of data.csv is in DB with its value: re-importing inserts and replaces nothing.
all_present() {  # all_present DB WHAT
  local out inserted unchanged replaced
  out=$("$energy" --db "$1" import "$work/data.csv" --quiet) || fail "$2: re-import: $out"
  read -r inserted unchanged replaced < <(import_counts "$out")
  [ "$inserted" = 0 ] && [ "$replaced" = 0 ] && [ "$unchanged" = "$total" ] ||
    fail "$2: not every reading is present with its value: $out"
}

# 2. Retention killed. Raw days are kept from the middle of the data set on, so half of the days
# are archived and dropped.
first_day=$(sed -n 2p "$work/data.csv" | cut -d, -f2 | cut -c1-10)
raw_days=$(( ($(date -u +%s) - $(date -u -d "$first_day" +%s)) / 86400 - 15 ))
cp "$work/ref.db" "$work/ret.db"
t0=$(ms)
"$energy" --db "sqlite:$work/ret.db" retention --archive "$work/ret-archive" --raw-days "$raw_days" >/dev/null ||
  fail "reference retention"
retention_ms=$(($(ms) - t0))
survived=0
for trial in $(seq 1 "$trials"); do
  db=$work/r$trial.db
  cp "$work/ref.db" "$db"
  "$energy" --db "sqlite:$db" retention --archive "$work/archive$trial" --raw-days "$raw_days" >/dev/null 2>&1 &
  pid=$!
  pause "$retention_ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  out=$("$energy" --db "sqlite:$db" retention --archive "$work/archive$trial" --raw-days "$raw_days" 2>&1) ||
    fail "retention after the kill: $out"
  summaries "sqlite:$db" $buildings >"$work/got.csv" || fail "summaries after retention"
  cmp -s "$work/ref.csv" "$work/got.csv" || fail "summaries changed by retention: $(diff "$work/ref.csv" "$work/got.csv" | head -5)"
  "$energy" --db "sqlite:$db" restore --archive "$work/archive$trial" --from "$first_day" --to 2999-01-01 >/dev/null ||
    fail "restore"
  all_present "sqlite:$db" "retention"
  echo "trial $trial: retention killed, run again ($out); restore + re-import: every reading present"
  survived=$((survived + 1))
  rm -rf "$db" "$db-wal" "$db-shm" "$work/archive$trial"
done
echo "fault suite, retention: $survived/$trials trials survived (retention $retention_ms ms uninterrupted, raw window $raw_days days)"

# 3. A full disk: 512 KiB of tmpfs for a database that needs about three times that (1.2 MB of
# reading chunks plus the WAL; before schema version 5, one row per reading, it needed 20 MB).
trial=full-disk
small=$work/small
mkdir -p "$small"
if mount -t tmpfs -o size=512k tmpfs "$small" 2>/dev/null; then
  cp "$work/meta.db" "$small/full.db"
  if out=$("$energy" --db "sqlite:$small/full.db" import "$work/data.csv" --quiet 2>&1); then
    umount "$small"; fail "the import succeeded on a full disk: $out"
  fi
  echo "$out" | grep -qi "full" || { umount "$small"; fail "no clear error on a full disk: $out"; }
  cp "$small"/full.db* "$work/"
  umount "$small"
  [ "$(sqlite3 "$work/full.db" 'PRAGMA integrity_check')" = ok ] || fail "the database is damaged after the full disk"
  "$energy" --db "sqlite:$work/full.db" import "$work/data.csv" --quiet >/dev/null || fail "import on a larger disk"
  all_present "sqlite:$work/full.db" "full disk"
  "$energy" --db "sqlite:$work/full.db" aggregate >/dev/null || fail "aggregate after the full disk"
  summaries "sqlite:$work/full.db" $buildings >"$work/got.csv" || fail "summaries"
  cmp -s "$work/ref.csv" "$work/got.csv" || fail "summaries differ after the full disk"
  echo "fault suite, full disk: the import failed clearly ($(echo "$out" | grep -i -m1 full | cut -c1-120)); the database passed integrity_check and completed on a larger disk"
else
  echo "fault suite, full disk: SKIPPED (mounting a tmpfs needs root)"
fi

# 4. PostgreSQL crashing and restarting mid-import. The data set is generated into the database
# (its own ids); the reference for the summaries is a rebuild of every building from its readings
# in the same database after the trial, and readings are checked by re-importing as above.
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  trial=postgres-setup
  pg=$work/pg
  trap 'bash tests/integration/test_servers.sh postgres stop "$pg" >/dev/null 2>&1; rm -rf "$work"' EXIT
  bash tests/integration/test_servers.sh postgres start "$pg" >/dev/null || fail "start PostgreSQL"
  base=$(cat "$pg/postgres.uri")
  survived=0
  for trial in $(seq 1 "$trials"); do
    psql "$base" -q -c "CREATE DATABASE faults_$trial" >/dev/null || fail "create database"
    uri=${base%/*}/faults_$trial
    "$energy" --db "$uri" generate --out "$work/pg.csv" --format csv \
      --buildings 2 --sensors 40 --days 30 >/dev/null 2>&1 || fail "generate into PostgreSQL"
    if [ "$trial" = 1 ]; then
      psql "$base" -q -c "CREATE DATABASE faults_timing" >/dev/null || fail "create database"
      "$energy" --db "${base%/*}/faults_timing" generate --out "$work/timing.csv" --format csv \
        --buildings 2 --sensors 40 --days 30 >/dev/null 2>&1 || fail "generate"
      t0=$(ms)
      "$energy" --db "${base%/*}/faults_timing" import "$work/timing.csv" --quiet --commit-every 50000 >/dev/null || fail "reference import"
      pg_import_ms=$(($(ms) - t0))
    fi
    "$energy" --db "$uri" import "$work/pg.csv" --quiet --commit-every 50000 >"$work/pg-import.out" 2>&1 &
    pid=$!
    pause "$pg_import_ms"
    PG_STOP_MODE=immediate bash tests/integration/test_servers.sh postgres restart "$pg" >/dev/null ||
      fail "restart PostgreSQL"
    wait "$pid"
    first_rc=$?
    said=""
    # Whatever the first import said, running it again completes it; nothing it stored is torn.
    out=$("$energy" --db "$uri" import "$work/pg.csv" --quiet) || fail "re-import after the crash: $out"
    read -r inserted unchanged replaced < <(import_counts "$out")
    pg_total=$(($(wc -l <"$work/pg.csv") - 1))
    [ "$replaced" = 0 ] || fail "$replaced readings replaced after the crash: $out"
    [ $((inserted + unchanged)) = "$pg_total" ] || fail "$inserted + $unchanged != $pg_total: $out"
    # A failed first import states what it committed; that many (plus at most the one chunk of
    # 50,000 rows whose commit was in flight at the crash) came back unchanged.
    if [ "$first_rc" != 0 ]; then
      said=$(grep -o '[0-9]* readings were committed' "$work/pg-import.out" | tail -1 | cut -d' ' -f1)
      [ -n "$said" ] || fail "the failed import did not say what it committed: $(cat "$work/pg-import.out")"
      [ "$said" -le "$unchanged" ] && [ "$unchanged" -le $((said + 50000)) ] ||
        fail "the failed import said $said readings were committed, but $unchanged were stored"
    fi
    "$energy" --db "$uri" aggregate >/dev/null || fail "aggregate"
    tenant_pg=$("$energy" --db "$uri" tenant list | awk 'NR==2 {print $1}')
    pg_buildings=$("$energy" --db "$uri" building list --tenant "$tenant_pg" | awk 'NR>1 {print $1}')
    summaries "$uri" $pg_buildings >"$work/pg-got.csv" || fail "summaries"
    for b in $pg_buildings; do "$energy" --db "$uri" rebuild --building "$b" >/dev/null || fail "rebuild"; done
    summaries "$uri" $pg_buildings >"$work/pg-ref.csv" || fail "summaries after the rebuild"
    cmp -s "$work/pg-ref.csv" "$work/pg-got.csv" || fail "incremental summaries differ from a rebuild: $(diff "$work/pg-ref.csv" "$work/pg-got.csv" | head -5)"
    echo "trial $trial: PostgreSQL crashed and restarted mid-import (first import exit $first_rc${said:+, said $said readings were committed}); re-import: $unchanged already stored, $inserted inserted; summaries = rebuild"
    survived=$((survived + 1))
  done
  echo "fault suite, PostgreSQL crash: $survived/$trials trials survived ($pg_total readings each; import $pg_import_ms ms uninterrupted)"
else
  echo "fault suite, PostgreSQL crash: SKIPPED (no PostgreSQL server binaries)"
fi
