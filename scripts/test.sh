#!/usr/bin/env bash
# The whole test suite, as the README says: formatting, lints, then every test (unit, property,
# contract, HTTP, CLI) on SQLite and on a throwaway PostgreSQL 15 started here. The PostgreSQL
# half cannot be skipped: ANSINH_REQUIRE_POSTGRES=1 makes a missing database an error.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/pg.sh
pg_start
export ANSINH_REQUIRE_POSTGRES=1

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test (SQLite + PostgreSQL)"
cargo test --workspace

echo "== browser flows (Playwright driving Debian's Chromium)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing chromium…"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
cargo build -q -p ansinh
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target="$PWD/$target" ;; esac
(cd e2e && npm ci --no-audit --no-fund --loglevel=error && ANSINH_BIN="$target/debug/ansinh" npm test)
