#!/usr/bin/env bash
# Throwaway test servers on loopback for the integration tests, driven by CTest fixtures:
#   test_servers.sh postgres start|stop|restart <state-dir>
#   test_servers.sh moto     start|stop         <state-dir>
# `start` writes <state-dir>/postgres.uri (a postgresql:// URI) or <state-dir>/s3.endpoint
# (http://127.0.0.1:<port>) where the tests read them; `stop` stops the server and removes its
# temporary directory. Both are idempotent: `stop` without a running server is not an error, and
# `start` first stops a server left over from an interrupted run.
set -euo pipefail

service=${1:?service (postgres|moto)}
action=${2:?action (start|stop|restart)}
state=${3:?state directory}
mkdir -p "$state"

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x $d/pg_ctl ]]; then echo "$d"; return; fi
  done
  echo "test_servers.sh: no PostgreSQL server binaries (install postgresql-15)" >&2
  exit 1
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_stop() {
  [[ -f $state/postgres.env ]] || return 0
  # shellcheck disable=SC1091
  source "$state/postgres.env"
  if [[ -d ${PGTMP:-}/data ]]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PGTMP/data" -w -m fast stop >/dev/null 2>&1 || true
  fi
  [[ -n ${PGTMP:-} && $PGTMP == /tmp/energy-pg.* ]] && rm -rf "$PGTMP"
  rm -f "$state/postgres.env" "$state/postgres.uri"
}

pg_start_server() {
  # Fast, non-durable settings: a test server that loses data on an OS crash is fine, and the
  # restart fault test uses a clean `pg_ctl stop -m fast` (which flushes) or `-m immediate`.
  # PG_DURABILITY="-c fsync=on -c full_page_writes=on" gives a production server's WAL flushes
  # (benchmarks).
  as_pg "$(pg_bin)/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP ${PG_DURABILITY:--c fsync=off -c full_page_writes=off} -c max_connections=300 -c shared_buffers=128MB" \
    start >/dev/null
}

pg_start() {
  pg_stop
  PGTMP=$(mktemp -d /tmp/energy-pg.XXXXXX)
  chmod 755 "$PGTMP"
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$PGTMP"
  as_pg "$(pg_bin)/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$PGTMP/initdb.log" 2>&1 \
    || { cat "$PGTMP/initdb.log" >&2; exit 1; }
  PGPORT=$(free_port)
  printf 'PGTMP=%q\nPGPORT=%q\n' "$PGTMP" "$PGPORT" >"$state/postgres.env"
  pg_start_server || { cat "$PGTMP/log" >&2; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$PGPORT/postgres" >"$state/postgres.uri"
  echo "PostgreSQL on 127.0.0.1:$PGPORT in $PGTMP"
}

pg_restart() {
  # shellcheck disable=SC1091
  source "$state/postgres.env"
  as_pg "$(pg_bin)/pg_ctl" -D "$PGTMP/data" -w -m "${PG_STOP_MODE:-fast}" stop >/dev/null
  sleep "${PG_DOWN_SECONDS:-0}"
  pg_start_server
}

moto_stop() {
  [[ -f $state/moto.pid ]] || return 0
  local pid
  pid=$(cat "$state/moto.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$state/moto.pid" "$state/s3.endpoint"
}

moto_start() {
  moto_stop
  local exe port
  exe=$(command -v moto_server || true)
  # CI may run without the pyenv shims on PATH: look where pyenv installs console scripts.
  if [[ -z $exe ]]; then
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/shims/moto_server "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/moto_server; do
      if [[ -x $candidate ]]; then exe=$candidate; break; fi
    done
  fi
  [[ -n $exe ]] || { echo "test_servers.sh: moto_server not found (pip package moto[server])" >&2; exit 1; }
  port=$(free_port)
  # setsid: the server must outlive this script (CTest waits for the setup test to finish).
  setsid "$exe" -H 127.0.0.1 -p "$port" >"$state/moto.log" 2>&1 </dev/null &
  echo $! >"$state/moto.pid"
  for _ in $(seq 300); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      echo "http://127.0.0.1:$port" >"$state/s3.endpoint"
      echo "moto S3 on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  cat "$state/moto.log" >&2
  moto_stop
  exit 1
}

case "$service:$action" in
  postgres:start) pg_start ;;
  postgres:stop) pg_stop ;;
  postgres:restart) pg_restart ;;
  moto:start) moto_start ;;
  moto:stop) moto_stop ;;
  *) echo "usage: test_servers.sh postgres|moto start|stop|restart <state-dir>" >&2; exit 2 ;;
esac
