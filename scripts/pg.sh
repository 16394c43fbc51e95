# Throwaway PostgreSQL 15 for the test suite. Source this file, then:
#   pg_start   — install postgresql-15 if missing, initdb into a temp dir, start on a free port,
#                export ANSINH_TEST_DATABASE_URL;
#   pg_stop    — stop it and remove the directory (pg_start installs a trap that calls it).
# As root the server runs as the `postgres` user (initdb refuses root); otherwise as you.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_install() {
  if [ -x "$PG_BIN/initdb" ]; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL 15 is missing: sudo apt-get install -y postgresql-15" >&2
    return 1
  fi
  echo "Installing postgresql-15…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  pg_install || return 1
  PG_DIR=$(mktemp -d /tmp/ansinh-pg.XXXXXX)
  PG_PORT=$(pg_free_port)
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$PG_DIR/log" >&2; return 1; }
  PG_RUN=("${run[@]}")
  trap pg_stop EXIT
  export ANSINH_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=
}
