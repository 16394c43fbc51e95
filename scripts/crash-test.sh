#!/usr/bin/env bash
# Crash test: kill -9 the server (and a command-line import running beside it) while clients
# write, N times; after each crash restart and check that the SQLite file is intact, that no
# acknowledged write was lost, that the import's ledger says exactly what it wrote (into a
# registry that holds people an import commits batch by batch, each batch with its ledger
# entry; the rows present are the sum of what the ledgers record), and that the derived counts
# agree with a recount; at the end, the same import run again completes the file. Loopback
# only; every loop is bounded. Figures in RELIABILITY.md.
# Usage: scripts/crash-test.sh [runs, default 5] [import rows, default 300000]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
rows=${2:-300000}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 command (apt-get install sqlite3)" >&2; exit 1; }
cargo build -q --release -p ansinh
bin=$PWD/${CARGO_TARGET_DIR:-target}/release/ansinh
work=$(mktemp -d /tmp/ansinh-crash.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"

# The import file: heads of their own households in Thanh Bình (a demo village).
python3 - "$rows" >"$work/import.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("cccd,full_name,birth_date,sex,household_code,relation,unit_code")
for i in range(n):
    # Registered in Bạc Liêu (095), a man (0) born in 1980: no demo person has such a number.
    print(f"095080{i:06d},Nguyễn Văn Thử,1980,Nam,CR-{i},Chủ hộ,18322-01")
PY

start_server() {
  ANSINH_ADMIN_PASSWORD=crash-admin-password "$bin" --data-dir "$work/data" serve --demo --listen "127.0.0.1:$port" \
    >>"$work/serve.log" 2>&1 &
  server=$!
  pids+=("$server")
  for _ in $(seq 1 300); do curl -sf "$url/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start" >&2; tail -20 "$work/serve.log" >&2; exit 1
}

start_server
token=$("$bin" --data-dir "$work/data" user token --username xa.maihoa 2>/dev/null | tail -1)
total_acked=0; total_lost=0; imports_whole=0; imports_absent=0; imports_partial=0
for run in $(seq 1 "$runs"); do
  : >"$work/acked"
  # Writers: 4 threads creating persons for at most 20 s, recording every 201.
  python3 - "$url" "$token" "$run" "$work/acked" <<'PY' &
import json, sys, threading, time, urllib.request
url, token, run, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
lock = threading.Lock()
def writer(w):
    deadline = time.time() + 20
    for i in range(100000):
        if time.time() > deadline:
            return
        # Registered in Sóc Trăng (094), a woman (1) born in 1980.
        cccd = f"094180{run % 10}{w}{i:04d}"
        body = json.dumps({"cccd": cccd, "full_name": "Trần Thị Ghi", "birth_date": "1980", "sex": "female",
                           "unit_code": "18322-01-01"}).encode()
        req = urllib.request.Request(url + "/api/v1/persons", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                if r.status == 201:
                    with lock, open(out, "a") as f:
                        f.write(cccd + "\n")
        except Exception:
            time.sleep(0.05)  # refused while the server is down or busy: not acknowledged
threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
for t in threads: t.start()
for t in threads: t.join()
PY
  writers=$!
  pids+=("$writers")
  # Beside the server, a command-line import into the same database.
  "$bin" --data-dir "$work/data" import persons "$work/import.csv" >/dev/null 2>&1 &
  importer=$!
  pids+=("$importer")
  sleep "$(python3 -c "import random; print(round(random.uniform(0.3, 3.0), 2))")"
  kill -9 "$server" "$importer" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  wait "$importer" 2>/dev/null || true
  start_server
  wait "$writers" 2>/dev/null || true
  # The file is whole.
  integrity=$(sqlite3 "$work/data/ansinh.db" "PRAGMA integrity_check;")
  [ "$integrity" = "ok" ] || { echo "run $run: integrity_check: $integrity" >&2; exit 1; }
  # Every acknowledged write is there.
  acked=$(wc -l <"$work/acked")
  lost=$(sqlite3 "$work/data/ansinh.db" <<SQL
CREATE TEMP TABLE acked (cccd TEXT);
.mode csv
.import $work/acked acked
SELECT COUNT(*) FROM acked WHERE cccd NOT IN (SELECT cccd FROM persons);
SQL
)
  # The import's ledger agrees with what is there: every person of the file was created by one
  # of its jobs, in a batch whose ledger entry committed with it.
  imported=$(sqlite3 "$work/data/ansinh.db" "SELECT COUNT(*) FROM persons WHERE cccd LIKE '095080%';")
  ledger=$(sqlite3 "$work/data/ansinh.db" "SELECT COALESCE(SUM(created), 0) FROM import_jobs WHERE filename = 'import.csv';")
  [ "$imported" = "$ledger" ] || { echo "run $run: $imported rows present, the ledgers say $ledger" >&2; exit 1; }
  if [ "$imported" = "0" ]; then imports_absent=$((imports_absent + 1));
  elif [ "$imported" = "$rows" ]; then imports_whole=$((imports_whole + 1));
  else imports_partial=$((imports_partial + 1)); fi
  # Derived counts agree with a recount (the server is running; the check only reads).
  "$bin" --data-dir "$work/data" indicators rebuild --verify >/dev/null || { echo "run $run: derived counts differ" >&2; exit 1; }
  echo "run $run: acknowledged $acked, lost $lost, import rows present $imported, integrity ok, counts ok"
  total_acked=$((total_acked + acked)); total_lost=$((total_lost + lost))
done
# The same import run again completes the file (rows already written are unchanged).
"$bin" --data-dir "$work/data" import persons "$work/import.csv" >/dev/null 2>&1
imported=$(sqlite3 "$work/data/ansinh.db" "SELECT COUNT(*) FROM persons WHERE cccd LIKE '095080%';")
[ "$imported" = "$rows" ] || { echo "the import run again left $imported of $rows rows" >&2; exit 1; }
echo "runs $runs: acknowledged writes $total_acked, lost $total_lost; imports whole $imports_whole, absent $imports_absent, stopped between batches with the ledger agreeing $imports_partial; run again: $imported of $rows rows"
[ "$total_lost" = 0 ]
