#!/usr/bin/env bash
# A throwaway mosquitto broker on a free loopback port, for the MQTT tests (CTest fixture
# mqtt_broker) and the benchmark:
#   mosquitto.sh start|start-secure|stop|restart <state-dir>
# `start` writes <state-dir>/mosquitto.port; `start-secure` makes a TLS-only broker with a fresh
# CA (<state-dir>/ca.pem; the server certificate names localhost and 127.0.0.1) that requires the
# user "energy" with the password in <state-dir>/password; `restart` stops the broker (SIGTERM: it saves its
# persistent sessions) and starts it again on the same port. `stop` is idempotent, and `start`
# first stops a broker left over from an interrupted run.
set -euo pipefail

action=${1:?action (start|stop|restart)}
state=${2:?state directory}
mkdir -p "$state"
state=$(cd "$state" && pwd)

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

broker_stop() {
  [[ -f $state/mosquitto.pid ]] || return 0
  local pid
  pid=$(cat "$state/mosquitto.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$state/mosquitto.pid"
}

make_secrets() {
  local d=$state
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=energy test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" \
    -out "$d/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/san.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/san.ext" -out "$d/server.pem" >/dev/null 2>&1
  /usr/bin/python3 -c 'import secrets; print(secrets.token_hex(12))' >"$d/password"
  : >"$d/passwd"
  mosquitto_passwd -b "$d/passwd" energy "$(cat "$d/password")"
  chmod 600 "$d/passwd" "$d/server.key" "$d/ca.key"
}

broker_start() {
  local port=$1
  mkdir -p "$state/data"
  {
    echo "listener $port 127.0.0.1"
    if [[ -f $state/secure ]]; then
      echo "cafile $state/ca.pem"
      echo "certfile $state/server.pem"
      echo "keyfile $state/server.key"
      echo "allow_anonymous false"
      echo "password_file $state/passwd"
    else
      echo "allow_anonymous true"
    fi
    # Started as root, mosquitto would drop to the mosquitto user and could not write here.
    [[ $(id -u) == 0 ]] && echo "user root"
    echo "persistence true"
    echo "persistence_location $state/data/"
    # The default (1000) silently drops QoS 1 messages queued for an offline session: the
    # kill -9 tests would lose readings that were never the consumer's fault.
    echo "max_queued_messages 0"
    echo "max_inflight_messages 100"
    echo "log_dest file $state/mosquitto.log"
  } >"$state/mosquitto.conf"
  # setsid: the broker must outlive this script (CTest waits for the setup test to finish).
  setsid mosquitto -c "$state/mosquitto.conf" >/dev/null 2>&1 </dev/null &
  echo $! >"$state/mosquitto.pid"
  for _ in $(seq 300); do
    if grep -q "Opening ipv4 listen socket on port $port" "$state/mosquitto.log" 2>/dev/null &&
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port" >"$state/mosquitto.port"
      echo "mosquitto on 127.0.0.1:$port ($state)"
      return 0
    fi
    sleep 0.1
  done
  cat "$state/mosquitto.log" >&2 || true
  broker_stop
  exit 1
}

case "$action" in
  start)
    broker_stop
    rm -rf "$state/data" "$state/mosquitto.log" "$state/secure"
    broker_start "$(free_port)"
    ;;
  start-secure)
    broker_stop
    rm -rf "$state/data" "$state/mosquitto.log"
    make_secrets
    touch "$state/secure"
    broker_start "$(free_port)"
    ;;
  restart)
    port=$(cat "$state/mosquitto.port")
    broker_stop
    broker_start "$port"
    ;;
  stop)
    broker_stop
    rm -f "$state/mosquitto.port"
    ;;
  *) echo "usage: mosquitto.sh start|start-secure|stop|restart <state-dir>" >&2; exit 2 ;;
esac
