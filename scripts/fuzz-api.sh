#!/usr/bin/env bash
# Fuzz the JSON API from its own OpenAPI document with schemathesis (PyPI), as a signed-in
# commune officer on a demo database: every generated request must get an answer that is not a
# server error. Installs schemathesis into a throwaway virtualenv; starts and stops its own
# server on loopback. Figures in RELIABILITY.md.
# Usage: scripts/fuzz-api.sh [max-examples per operation, default 50]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
work=$(mktemp -d /tmp/ansinh-fuzz.XXXXXX)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q schemathesis
cargo build -q -p ansinh
bin=${CARGO_TARGET_DIR:-target}/debug/ansinh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
ANSINH_ADMIN_PASSWORD=fuzz-admin-password "$bin" --data-dir "$work/data" serve --demo --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
token=$("$bin" --data-dir "$work/data" user token --username xa.maihoa 2>/dev/null | tail -1)
"$work/venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
  -H "Authorization: Bearer $token" -n "$n" -c not_a_server_error --phases examples,coverage,fuzzing
