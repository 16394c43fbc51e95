#!/usr/bin/env bash
# Community models at a million persons (BENCHMARKS.md): the demo population with the seed's
# models and histories, then "whom to visit next" for a collector and the 100 %-group view of a
# commune and a village, timed on SQLite and on a throwaway PostgreSQL 15 (p50/p95/p99, ms).
# Usage: scripts/bench-models.sh [persons] [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
it=${2:-200}
cargo build --release -q -p ansinh-app --example models_bench
B=$PWD/target/release/examples/models_bench
work=$(mktemp -d /tmp/ansinh-bench-models.XXXXXX)
. scripts/pg.sh
cleanup() { pg_stop; rm -rf "$work"; }
trap cleanup EXIT
echo "# persons=$n iterations=$it  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores"
echo "## sqlite"
$B "sqlite:$work/models.db" "$n" "$it"
pg_start >/dev/null
trap cleanup EXIT
echo "## postgres"
$B "$ANSINH_TEST_DATABASE_URL" "$n" "$it"
