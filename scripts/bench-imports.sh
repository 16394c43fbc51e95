#!/usr/bin/env bash
# Imports at a million rows (issue 12, items 2–3; BENCHMARKS.md "Imports in bounded memory,
# beside other writers"):
#
#  1. Peak memory (max RSS, GNU time) and time of `ansinh import persons` on a 1,000,000-row CSV
#     (the demo population exported in the import layout):
#       - the first load of an empty registry (one transaction, indexes lifted);
#       - the same file with every row bad, all or nothing, and valid rows only (errors and the
#         1,000,000-row rejected-rows XLSX written to disk);
#       - a re-import of 200,000 changed rows into the loaded registry (batch by batch).
#  2. 50 clients recording payments over HTTP (wrk, POST /api/v1/payments) on a server whose
#     registry holds 1,000,000 people, first alone, then while the same server imports
#     1,000,000 new persons sent to POST /api/v1/imports/persons: requests, errors, p50/p99,
#     and how long the import took beside them.
#
#   scripts/bench-imports.sh                 # both backends (PostgreSQL 15 via scripts/pg.sh)
#   ROWS=200000 BACKENDS=sqlite DUR=30s scripts/bench-imports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
DUR=${DUR:-60s}
BACKENDS=${BACKENDS:-"sqlite postgres"}
PARTS=${PARTS:-"cli server"}  # cli: memory and time of the command-line import; server: writers beside an import
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 1; }
cargo build --release -q --bin ansinh
cargo build --release -q -p ansinh-app --example registry_bench
BIN=$PWD/target/release/ansinh
RB=$PWD/target/release/examples/registry_bench
WORK=$(mktemp -d /tmp/ansinh-bench-imp.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
# No pinned day: the generated population is born up to today (by the system clock).
export ANSINH_ADMIN_PASSWORD=admin-password-1

echo "# rows=$ROWS  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores"
$RB populate "sqlite:$WORK/src.db" "$ROWS" >/dev/null
$RB export "sqlite:$WORK/src.db" "$WORK/persons.csv" >/dev/null
echo "csv $(stat -c %s "$WORK/persons.csv") bytes"
# Variants: every row bad (an impossible birth date), 200,000 rows with a new phone, and the
# same people under other citizen ids (new persons, no old SI number) for the import beside
# the writers.
python3 - "$WORK" <<'PY'
import csv, sys
work = sys.argv[1]
src = open(f"{work}/persons.csv", encoding="utf-8-sig", newline="")
rows = csv.reader(src)
head = next(rows)
birth = head.index("Ngày sinh"); phone = head.index("Số điện thoại"); cccd = head.index("Số CCCD")
si = [i for i, h in enumerate(head) if "BHXH" in h]
outs = {k: open(f"{work}/{k}.csv", "w", encoding="utf-8", newline="") for k in ("bad", "changed", "new")}
w = {k: csv.writer(f) for k, f in outs.items()}
for k in w:
    w[k].writerow(head)
for n, r in enumerate(rows):
    b = list(r); b[birth] = "31/02/1980"; w["bad"].writerow(b)
    if n < 200_000:
        c = list(r); c[phone] = "09" + f"{n:08d}"; w["changed"].writerow(c)
    x = list(r); x[cccd] = "040" + x[cccd][3:]
    for i in si:
        x[i] = ""
    w["new"].writerow(x)
for f in outs.values():
    f.close()
PY

timed() { # label, then the command: prints "label: seconds s, max RSS MB"
  local label=$1; shift
  sync
  local code=0
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || code=$?
  read -r secs kb < <(tail -1 "$WORK/time.txt")
  echo "$label: ${secs} s, max RSS $((kb / 1024)) MB, exit $code — $(grep -E 'dòng|rows' "$WORK/out.txt" | tail -1)"
  # Exit 1 is "some rows are bad" (expected for the bad file); anything else is shown.
  [ "$code" -le 1 ] || tail -5 "$WORK/err.txt"
  # The import's own stage timings (logged at info).
  grep -o 'import: .*' "$WORK/err.txt" | sed 's/^/    /' || true
}

cat >"$WORK/pay.lua" <<'LUA'
local tokens, parts = {}, {}
for l in io.lines(os.getenv("WORKDIR") .. "/tokens.txt") do tokens[#tokens + 1] = l end
for l in io.lines(os.getenv("WORKDIR") .. "/parts.txt") do parts[#parts + 1] = l end
local counter, tid, threads = 0, 0, 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function request()
  counter = counter + 1
  local p = parts[((counter * 7 + tid * 13) % #parts) + 1]
  local t = tokens[((counter + tid) % #tokens) + 1]
  local body = '{"request_id":"i' .. tid .. '-' .. counter .. '-' .. os.time() .. '","items":[{"scheme":"vsi","participation_id":' .. p .. '}]}'
  return wrk.format("POST", "/api/v1/payments", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. t }, body)
end
function done(summary, latency, requests)
  io.write(string.format("%d requests, %.0f/s, p50 %.1f ms, p99 %.1f ms, max %.0f ms, non-2xx or failed %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

enrol_py() {
  python3 - "$1" "$WORK" <<'PY'
import json, sys, urllib.error, urllib.request
base, work = sys.argv[1], sys.argv[2]
admin = open(f"{work}/admin.txt").read().strip()
def call(method, path, token, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
for i in range(10):
    call("POST", "/api/v1/books", admin, {"collector": f"bench{i:02}", "kind": "electronic", "series": f"BI{i:02}",
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
        parts.append(call("POST", f"/api/v1/persons/{pid}/vsi", tokens[0], {"income": 2_200_000, "mode_months": 1})["id"])
    except urllib.error.HTTPError:
        pass
    if len(parts) >= 500:
        break
open(f"{work}/parts.txt", "w").write("\n".join(map(str, parts)) + "\n")
PY
}

bench() { # label, then a database URL for each of the three parts (empty: SQLite in the data dir)
  local label=$1 args=()
  [ -n "$2" ] && args=(--database "$2")
  if [[ " $PARTS " == *" cli "* ]]; then
  echo "== $label: memory and time of the command-line import"
  # The demo's villages and inter-family groups, where the file's people live.
  mkdir -p "$WORK/$label-a" "$WORK/$label-b"
  $RB places "${2:-sqlite:$WORK/$label-a/ansinh.db}" >/dev/null
  $RB places "${3:-sqlite:$WORK/$label-b/ansinh.db}" >/dev/null
  timed "first load, $ROWS valid rows" "$BIN" --data-dir "$WORK/$label-a" "${args[@]}" import persons "$WORK/persons.csv"
  timed "re-import, 200,000 rows changed" "$BIN" --data-dir "$WORK/$label-a" "${args[@]}" import persons "$WORK/changed.csv"
  args=()
  [ -n "$3" ] && args=(--database "$3")
  timed "$ROWS bad rows, all or nothing" "$BIN" --data-dir "$WORK/$label-b" "${args[@]}" import persons "$WORK/bad.csv"
  timed "$ROWS bad rows, valid rows only" "$BIN" --data-dir "$WORK/$label-b" "${args[@]}" import persons --valid-rows-only \
    --rejected "$WORK/rejected.xlsx" "$WORK/bad.csv"
  echo "rejected-rows file: $(stat -c %s "$WORK/rejected.xlsx" 2>/dev/null || echo 0) bytes"
  fi
  [[ " $PARTS " == *" server "* ]] || return 0

  echo "== $label: 50 clients writing while the server imports $ROWS new persons"
  args=()
  [ -n "$4" ] && args=(--database "$4")
  local dir="$WORK/$label-c"
  mkdir -p "$dir"
  "$BIN" --data-dir "$dir" "${args[@]}" demo --persons "$ROWS" >/dev/null 2>&1
  : >"$WORK/tokens.txt"
  for i in $(seq -f %02g 0 9); do
    echo "bench-password-1" | "$BIN" --data-dir "$dir" "${args[@]}" user add --username "bench$i" --role collector --unit 18322 --password-stdin >/dev/null 2>&1
    "$BIN" --data-dir "$dir" "${args[@]}" user token --username "bench$i" --label bench 2>/dev/null >>"$WORK/tokens.txt"
  done
  "$BIN" --data-dir "$dir" "${args[@]}" user token --username admin --label bench 2>/dev/null >"$WORK/admin.txt"
  "$BIN" --data-dir "$dir" "${args[@]}" serve --listen 127.0.0.1:0 >"$dir/serve.log" 2>&1 &
  local pid=$! url=""
  for _ in $(seq 1 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  enrol_py "$url"
  echo -n "payments alone:        "
  WORKDIR=$WORK wrk -t2 -c50 -d"$DUR" -s "$WORK/pay.lua" "$url" | tail -1
  local admin started id state
  admin=$(cat "$WORK/admin.txt")
  started=$(date +%s.%N)
  id=$(curl -s -X POST -H "Authorization: Bearer $admin" --data-binary @"$WORK/new.csv" \
    "$url/api/v1/imports/persons?filename=new.csv&mode=valid_rows_only" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  echo -n "payments beside import: "
  WORKDIR=$WORK wrk -t2 -c50 -d"$DUR" -s "$WORK/pay.lua" "$url" | tail -1
  while :; do
    state=$(curl -s -H "Authorization: Bearer $admin" "$url/api/v1/imports/$id")
    echo "$state" | grep -q '"state":"\(done\|failed\)"' && break
    sleep 1
  done
  echo "import beside the payments: $(python3 -c "import time; print(f'{time.time() - $started:.1f}')") s — $(echo "$state" | python3 -c 'import json,sys; j=json.load(sys.stdin); r=j.get("report") or {}; print(j["state"], "rows", r.get("rows"), "created", r.get("created"), "updated", r.get("updated"), "bad", r.get("bad_rows"), j.get("error_en") or "")')"
  ps -o rss= -p "$pid" | awk '{printf "server RSS after the import: %d MB\n", $1/1024}'
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

for b in $BACKENDS; do
  case $b in
    sqlite) bench sqlite "" "" "" ;;
    postgres)
      # shellcheck source=scripts/pg.sh
      source scripts/pg.sh
      pg_start >/dev/null
      trap 'kill $(jobs -p) 2>/dev/null || true; pg_stop; rm -rf "$WORK"' EXIT
      base=${ANSINH_TEST_DATABASE_URL%/*}
      for d in imp_a imp_b imp_c; do psql -q "$ANSINH_TEST_DATABASE_URL" -c "CREATE DATABASE $d" >/dev/null; done
      bench postgres "$base/imp_a" "$base/imp_b" "$base/imp_c"
      ;;
  esac
done
