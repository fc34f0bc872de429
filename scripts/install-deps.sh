#!/usr/bin/env bash
# Installs the Debian packages sluice needs. Idempotent: does nothing when every package is
# present; otherwise runs `apt-get update` once and installs the rest.
#   scripts/install-deps.sh        everything: build, every test's servers, the browser test
#   scripts/install-deps.sh demo   only what building the binary and `sluice demo` need
set -euo pipefail
profile="${1:-all}"
# Building the `sluice` binary (every library it links) and running the demo's ClickHouse (the
# server only: the demo talks to it over HTTP).
packages=(
  cmake ninja-build g++ make pkg-config ca-certificates
  libsimdjson-dev libfmt-dev libcli11-dev
  clickhouse-server libcurl4-openssl-dev
  librdkafka-dev
  libpq-dev
  libcpp-httplib-dev
  libmariadb-dev
)
if [ "$profile" != demo ]; then
  # Tests and benchmarks, and the servers the tests start; prometheus for promtool, which checks
  # a /metrics scrape independently; clickhouse-client to look into a test's or the demo's server;
  # curl for `sluice bench e2e`'s ClickHouse-only and RowBinary runs (and its test).
  packages+=(git python3 clickhouse-client libgtest-dev libgmock-dev libbenchmark-dev postgresql
             mariadb-server zookeeper chromium prometheus curl)
  # The fuzz targets (fuzz/): clang with libFuzzer and the sanitizer runtimes.
  packages+=(clang libclang-rt-14-dev)
  # The browser test needs node and npm. Debian's packages provide them on a bare machine; a
  # machine with Node.js from elsewhere (whose nodejs package bundles npm) keeps its own.
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
