#!/usr/bin/env bash
# Startup time of `ansinh serve` on embedded SQLite, measured from outside: from spawning the
# process until /healthz answers 200. First start = empty data directory (creates the database,
# migrates, loads ~14,000 administrative units and the legal parameters, creates the admin);
# second start = the same directory again. Usage: scripts/bench-startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release -q -p ansinh
bin=$PWD/target/release/ansinh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start_once() { # dir -> prints seconds until healthy
  local dir=$1 t0 t1 pid
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then echo "port $port busy" >&2; exit 1; fi
  t0=$(date +%s.%N)
  ANSINH_ADMIN_PASSWORD=bench-password-1 "$bin" --data-dir "$dir" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s.%N)
  kill -TERM "$pid"; wait "$pid" || true
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}

echo "run first_start_s second_start_s"
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  a=$(start_once "$dir"); b=$(start_once "$dir")
  echo "$i $a $b"
  rm -rf "$dir"
done
