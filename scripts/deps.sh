#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing energy need.
# Idempotent and quiet when everything is already there. Must run as root (or via sudo).
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build ccache pkg-config git ca-certificates
  libeigen3-dev libhowardhinnant-date-dev tzdata libfmt-dev
  libsqlitecpp-dev libsqlite3-dev sqlite3 libpqxx-dev libpq-dev catch2 libbenchmark-dev
  libsimdjson-dev nlohmann-json3-dev libpugixml-dev libcurl4-openssl-dev zlib1g-dev
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest python3-venv python3-pip
  python3-sklearn python3-matplotlib jupyter-nbconvert python3-ipykernel python3-nbclient
  postgresql-15 mosquitto mosquitto-clients libmosquitto-dev openssl python3-nbformat
  clang-format clang-tidy
  libboost-dev libssl-dev libjwt-dev libargon2-dev wrk python3-aiosmtpd libmodbus-dev
  clang-16 libclang-rt-16-dev llvm libcairo2-dev libpango1.0-dev poppler-utils fonts-dejavu-core
  chromium fonts-liberation
)
if [ "${1:-}" = "--list" ]; then printf '%s\n' "${packages[@]}"; exit 0; fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "energy: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
