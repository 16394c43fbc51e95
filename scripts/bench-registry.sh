#!/usr/bin/env bash
# The registry at a million persons (BENCHMARKS.md): generate the demo population, export it to
# CSV, then in one run time
#   - `import persons` of that CSV into a fresh SQLite database   vs  sqlite3's `.import` of the
#     same file into a bare table, and
#   - the same import into a fresh PostgreSQL database            vs  `\copy` (COPY) of the
#     same file into a bare table,
# and, as the floor no importer can beat, each database's own loader doing the work the import
# leaves done (the same stored rows into the same schema, with the same indexes and
# constraints, lifted and restored by the same SQL as the import's bulk path); and measure
# name-prefix search latency over the million (p50/p95/p99).
# Usage: scripts/bench-registry.sh [persons]      (needs sqlite3 and postgresql-15)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 command (apt-get install sqlite3)" >&2; exit 1; }
cargo build --release -q -p ansinh-app --example registry_bench
B=$PWD/target/release/examples/registry_bench
work=$(mktemp -d /tmp/ansinh-bench.XXXXXX)
. scripts/pg.sh
cleanup() { pg_stop; rm -rf "$work"; }
trap cleanup EXIT
secs() { python3 -c "import time; print(f'{time.time():.3f}')"; }

echo "# persons=$n  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores"
$B populate "sqlite:$work/src.db" "$n"
$B export "sqlite:$work/src.db" "$work/persons.csv"
echo "csv_bytes $(stat -c %s "$work/persons.csv")"
$B search "sqlite:$work/src.db" 1000

# SQLite: our import (parse, validate, resolve places, households, 7 indexes) vs sqlite3 .import.
$B places "sqlite:$work/dst.db" >/dev/null
sync # dirty pages of the previous step are written back before, not during, a timing
$B import "sqlite:$work/dst.db" "$work/persons.csv" | sed 's/^import/sqlite_import/'
sync
t0=$(secs)
sqlite3 "$work/bare.db" ".import --csv $work/persons.csv bare"
t1=$(secs)
echo "sqlite3_dot_import $(python3 -c "print(f'{$t1 - $t0:.3f}')")"
# The floor: sqlite3 copies the rows our import stored into a fresh database with the same
# schema (foreign keys on, as the server runs), dropping and rebuilding the same indexes.
$B places "sqlite:$work/floor.db" >/dev/null
{
  echo "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; ATTACH '$work/dst.db' AS src; BEGIN IMMEDIATE;"
  $B bulk-sql sqlite lift
  echo "INSERT INTO households SELECT * FROM src.households; INSERT INTO persons SELECT * FROM src.persons;"
  $B bulk-sql sqlite restore
  echo "COMMIT;"
} >"$work/floor.sql"
sync
t0=$(secs)
sqlite3 "$work/floor.db" <"$work/floor.sql"
t1=$(secs)
echo "sqlite3_same_rows_same_schema $(python3 -c "print(f'{$t1 - $t0:.3f}')")"

# PostgreSQL: our import (COPY of validated rows) vs \copy of the raw file.
pg_start >/dev/null
trap cleanup EXIT # pg_start set its own trap; ours also stops the server
base=${ANSINH_TEST_DATABASE_URL%/*}
URL0=$ANSINH_TEST_DATABASE_URL
# No autovacuum: on two cores a background ANALYZE of the previous load would land in the
# next measurement (the import and the floor run ANALYZE themselves).
psql -q "$URL0" -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
psql -q "$URL0" -c "CREATE DATABASE bench_import" -c "CREATE DATABASE bench_bare"
$B places "$base/bench_import" >/dev/null
sync
$B import "$base/bench_import" "$work/persons.csv" | sed 's/^import/postgres_import/'
cols=$(head -1 "$work/persons.csv" | sed 's/^\xEF\xBB\xBF//' | python3 -c "import sys,csv; print(', '.join(f'c{i} text' for i,_ in enumerate(next(csv.reader(sys.stdin)))))")
psql -q "$base/bench_bare" -c "CREATE TABLE bare ($cols)"
sync
t0=$(secs)
psql -q "$base/bench_bare" -c "\\copy bare FROM '$work/persons.csv' WITH (FORMAT csv, HEADER true)"
t1=$(secs)
echo "postgres_copy $(python3 -c "print(f'{$t1 - $t0:.3f}')")"
# The floor: binary COPY (what our import sends) of the rows our import stored into a fresh
# database with the same schema,
# lifting and restoring the same indexes and constraints, then ANALYZE, in one transaction.
psql -q "$base/bench_import" -c "\\copy households TO '$work/households.pg' WITH (FORMAT binary)" \
  -c "\\copy persons TO '$work/persons.pg' WITH (FORMAT binary)"
psql -q "$URL0" -c "CREATE DATABASE bench_floor"
$B places "$base/bench_floor" >/dev/null
{
  echo "BEGIN;"
  $B bulk-sql postgres lift
  echo "\\copy households FROM '$work/households.pg' WITH (FORMAT binary)"
  echo "\\copy persons FROM '$work/persons.pg' WITH (FORMAT binary)"
  $B bulk-sql postgres restore
  echo "ANALYZE persons; ANALYZE households; COMMIT;"
} >"$work/floor_pg.sql"
sync
t0=$(secs)
psql -q -v ON_ERROR_STOP=1 "$base/bench_floor" -f "$work/floor_pg.sql"
t1=$(secs)
echo "postgres_copy_same_rows_same_schema $(python3 -c "print(f'{$t1 - $t0:.3f}')")"
$B search "$base/bench_import" 1000 | sed 's/^search/postgres_search/'
