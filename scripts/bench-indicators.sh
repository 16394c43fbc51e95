#!/usr/bin/env bash
# Coverage indicators at scale (BENCHMARKS.md). For each backend: the demo population with the
# seed's models and the demo's imported lists (compulsory SI, UI, HI cards), then
#  - the full rebuild of the coverage series next to a plain GROUP BY over the same records,
#  - the province dashboard, a commune's and a village's values in process (p50/p95/p99), both
#    as kept between changes and computed afresh (a read right after a change),
#  - over HTTP with 50 concurrent clients on loopback (wrk -t2 -c50): the province dashboard,
#    the commune dashboard and the village's values through the API, with a bearer token.
# Usage: scripts/bench-indicators.sh [sqlite persons] [postgres persons] [duration]
#   BACKENDS=sqlite scripts/bench-indicators.sh 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
N_SQLITE=${1:-1000000}
N_PG=${2:-5000000}
DUR=${3:-20s}
IT=${IT:-200}
BACKENDS=${BACKENDS:-"sqlite postgres"}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p ansinh-app --example indicators_bench
cargo build --release -q --bin ansinh
B=$PWD/target/release/examples/indicators_bench
BIN=$PWD/target/release/ansinh
WORK=$(mktemp -d /tmp/ansinh-bench-ind.XXXXXX)
. scripts/pg.sh
cleanup() { kill $(jobs -p) 2>/dev/null || true; pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT
export ANSINH_TODAY=2026-12-01
echo "# $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  wrk -t2 -c50 -d$DUR"

load() {
  local label=$1 url=$2 n=$3
  echo "## $label, $n persons"
  $B "$url" "$n" "$IT" | tee "$WORK/$label.out"
  local ids province commune village
  ids=$(grep '^ids ' "$WORK/$label.out")
  province=$(echo "$ids" | sed -E 's/.*province=([0-9]+).*/\1/')
  commune=$(echo "$ids" | sed -E 's/.*commune=([0-9]+).*/\1/')
  village=$(echo "$ids" | sed -E 's/.*village=([0-9]+).*/\1/')
  local token
  token=$("$BIN" --database "$url" user token --username admin --label bench 2>/dev/null)
  "$BIN" --database "$url" serve --listen 127.0.0.1:0 >"$WORK/$label.serve.log" 2>&1 &
  local pid=$! base=""
  for _ in $(seq 1 120); do
    base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/$label.serve.log" | head -1 || true)
    [ -n "$base" ] && break
    sleep 1
  done
  [ -n "$base" ] || { cat "$WORK/$label.serve.log"; exit 1; }
  for path in "/healthz" "/api/v1/indicators/$province" "/api/v1/indicators/$commune?indicator=vsi" "/api/v1/indicators/$village/values"; do
    curl -sf -H "Authorization: Bearer $token" "$base$path" >/dev/null
    echo "### GET $path"
    wrk -t2 -c50 -d"$DUR" --latency -H "Authorization: Bearer $token" "$base$path" \
      | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

for backend in $BACKENDS; do
  case $backend in
    sqlite) load sqlite "sqlite:$WORK/ind.db" "$N_SQLITE" ;;
    postgres)
      pg_start >/dev/null
      load postgres "$ANSINH_TEST_DATABASE_URL" "$N_PG"
      ;;
  esac
done
