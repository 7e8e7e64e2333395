# shellcheck shell=bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the database tests and
# exports the connection string that @backstage/backend-test-utils reads.
# Installs PostgreSQL from Debian's packages when it is missing.

PG_PORT_BASE="${CONVERGENCE_PG_PORT:-55432}"
PG_PASSWORD="convergence-test"

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bindir)" ]; then
    phase "installing PostgreSQL from Debian's packages"
    [ "$(id -u)" -eq 0 ] || { echo "PostgreSQL is missing; run as root or install it (apt-get install postgresql)" >&2; return 1; }
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

# start_test_postgres: sets PG_DATA_DIR and PG_MAJOR; caller stops it with stop_test_postgres.
start_test_postgres() {
  ensure_postgres_installed
  local bindir
  bindir="$(pg_bindir)"
  PG_MAJOR="$(basename "$(dirname "$bindir")")"
  PG_DATA_DIR="$(mktemp -d /tmp/convergence-pg.XXXXXX)"
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root; the Debian package creates this user.
    id postgres >/dev/null 2>&1 || useradd --system --home "$PG_DATA_DIR" postgres
    chown postgres "$PG_DATA_DIR"
    run_as=(runuser -u postgres --)
  fi
  # The first free port from PG_PORT_BASE on (a crashed run may hold one).
  PG_PORT="$PG_PORT_BASE"
  while (echo >"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done
  local pwfile="$PG_DATA_DIR/pw"
  echo "$PG_PASSWORD" >"$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
  "${run_as[@]}" "$bindir/initdb" -D "$PG_DATA_DIR/data" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" >/dev/null
  "${run_as[@]}" "$bindir/pg_ctl" -D "$PG_DATA_DIR/data" -l "$PG_DATA_DIR/log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DATA_DIR -c max_connections=300 -c fsync=off" start >/dev/null
  PG_STOP=("${run_as[@]}" "$bindir/pg_ctl" -D "$PG_DATA_DIR/data" -m fast stop)
  local url="postgresql://postgres:${PG_PASSWORD}@127.0.0.1:${PG_PORT}"
  # TestDatabases reads BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${PG_MAJOR}_CONNECTION_STRING=$url"
  export CONVERGENCE_TEST_POSTGRES_URL="$url"
  phase "PostgreSQL $PG_MAJOR on 127.0.0.1:$PG_PORT (throwaway, $PG_DATA_DIR)"
}

stop_test_postgres() {
  if [ -n "${PG_DATA_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DATA_DIR"
    PG_DATA_DIR=""
  fi
}
