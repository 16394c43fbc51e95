#!/usr/bin/env bash
# Recording payments over HTTP with 50 concurrent clients on loopback (wrk: 2 threads, 50
# connections), POST /api/v1/payments with a fresh request id each, ten collectors with their
# own electronic series, 500 enrolled VSI participants; on SQLite and on PostgreSQL, with the
# hello-world figure (GET /healthz) of the same server beside it. Figures go to BENCHMARKS.md.
#
#   scripts/bench-payments.sh            # both backends (PostgreSQL 15 via scripts/pg.sh)
#   DUR=30s BACKENDS=sqlite scripts/bench-payments.sh
#   PERSONS=1000000 scripts/bench-payments.sh   # the same on a registry of a million persons
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-20s}
PERSONS=${PERSONS:-}
BACKENDS=${BACKENDS:-"sqlite postgres"}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q --bin ansinh
BIN=$PWD/target/release/ansinh
WORK=$(mktemp -d /tmp/ansinh-bench-pay.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export ANSINH_ADMIN_PASSWORD=admin-password-1 ANSINH_TODAY=2026-12-01

cat >"$WORK/pay.lua" <<'LUA'
-- One payment per request: a fresh request id, a participant and a collector in turn.
local tokens, parts = {}, {}
for l in io.lines(os.getenv("WORKDIR") .. "/tokens.txt") do tokens[#tokens + 1] = l end
for l in io.lines(os.getenv("WORKDIR") .. "/parts.txt") do parts[#parts + 1] = l end
local counter, tid = 0, 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init() counter = 0 end
function request()
  counter = counter + 1
  local p = parts[((counter * 7 + tid * 13) % #parts) + 1]
  local t = tokens[((counter + tid) % #tokens) + 1]
  local body = '{"request_id":"w' .. tid .. '-' .. counter .. '-' .. os.time() .. '","items":[{"scheme":"vsi","participation_id":' .. p .. '}]}'
  return wrk.format("POST", "/api/v1/payments", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. t }, body)
end
local codes = {}
function response(status) codes[status] = (codes[status] or 0) + 1 end
function done(summary, latency, requests)
  io.write(string.format("p50 %.1f ms, p99 %.1f ms, %d requests, %d errors\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

setup_py() {
  python3 - "$1" "$WORK" <<'PY'
import json, sys, urllib.error, urllib.request
base, work = sys.argv[1], sys.argv[2]
admin = open(f"{work}/admin.txt").read().strip()
def call(method, path, token, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        e.detail = e.read().decode()
        if "/vsi" not in path:
            print(method, path, e.code, e.detail, file=sys.stderr)
        raise
for i in range(10):
    call("POST", "/api/v1/books", admin, {"collector": f"bench{i:02}", "kind": "electronic", "series": f"BP{i:02}",
         "first_no": 1, "last_no": 999_999, "unit_code": "18322"})
tokens = [l.strip() for l in open(f"{work}/tokens.txt")]
ids, page = [], 1
while len(ids) < 2000:
    r = call("GET", f"/api/v1/persons?place=18322&working_age=yes&page={page}", admin)
    if not r["items"]:
        break
    ids += [p["id"] for p in r["items"]]
    page += 1
parts = []
for pid in ids:
    try:
        p = call("POST", f"/api/v1/persons/{pid}/vsi", tokens[0], {"income": 2_200_000, "mode_months": 1})
        parts.append(p["id"])
    except urllib.error.HTTPError:
        pass  # children, people past working age
    if len(parts) >= 500:
        break
open(f"{work}/parts.txt", "w").write("\n".join(map(str, parts)) + "\n")
print(f"{len(parts)} participants enrolled")
PY
}

bench() {
  local label=$1 db=$2
  local dir="$WORK/$label"
  mkdir -p "$dir"
  local args=(--data-dir "$dir")
  [ -n "$db" ] && args+=(--database "$db")
  if [ -n "$PERSONS" ]; then
    "$BIN" "${args[@]}" demo --persons "$PERSONS" >/dev/null 2>&1
  else
    "$BIN" "${args[@]}" demo >/dev/null 2>&1
  fi
  : >"$WORK/tokens.txt"
  for i in $(seq -f %02g 0 9); do
    echo "bench-password-1" | "$BIN" "${args[@]}" user add --username "bench$i" --role collector --unit 18322 --password-stdin >/dev/null 2>&1
    "$BIN" "${args[@]}" user token --username "bench$i" --label bench 2>/dev/null >>"$WORK/tokens.txt"
  done
  "$BIN" "${args[@]}" user token --username admin --label bench 2>/dev/null >"$WORK/admin.txt"
  "$BIN" "${args[@]}" serve --listen 127.0.0.1:0 >"$dir/serve.log" 2>&1 &
  local pid=$!
  local url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  setup_py "$url"
  echo "== $label: hello world (GET /healthz), 50 connections"
  wrk -t2 -c50 -d"$DUR" --latency "$url/healthz" | grep -E "Requests/sec|99%|50%"
  echo "== $label: payments (POST /api/v1/payments), 50 connections"
  WORKDIR=$WORK wrk -t2 -c50 -d"$DUR" -s "$WORK/pay.lua" "$url" | grep -E "Requests/sec|p50|Non-2xx"
  echo "== $label: renewal list of one collector's commune (GET /api/v1/collect/due)"
  local t
  t=$(head -1 "$WORK/tokens.txt")
  wrk -t2 -c10 -d10s --latency -H "Authorization: Bearer $t" "$url/api/v1/collect/due?days=30" | grep -E "Requests/sec|99%|50%"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

for b in $BACKENDS; do
  case $b in
    sqlite) bench sqlite "" ;;
    postgres)
      # shellcheck source=scripts/pg.sh
      source scripts/pg.sh
      pg_start
      bench postgres "$ANSINH_TEST_DATABASE_URL"
      ;;
  esac
done
