#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and an empty test database exists;
# print its SQLAlchemy URL. Starts the local Debian cluster if it is installed but stopped.
set -euo pipefail
HOST=127.0.0.1 PORT=5432 DB="${ANTT_TEST_PG_DB:-antt_test}" USER_NAME="${ANTT_TEST_PG_USER:-postgres}"
if ! pg_isready -q -h "$HOST" -p "$PORT"; then
  if command -v pg_ctlcluster >/dev/null; then
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  fi
  for _ in $(seq 30); do pg_isready -q -h "$HOST" -p "$PORT" && break; sleep 1; done
  pg_isready -q -h "$HOST" -p "$PORT" || { echo "postgres: no server on $HOST:$PORT" >&2; exit 1; }
fi
psql_admin() {
  if psql -h "$HOST" -U "$USER_NAME" -d postgres -Atqc "select 1" >/dev/null 2>&1; then
    psql -h "$HOST" -U "$USER_NAME" -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"
  else  # no trust auth on TCP: use the local socket as the postgres OS user
    su postgres -c "psql -d postgres -v ON_ERROR_STOP=1 -Atqc \"$1\""
  fi
}
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >&2
psql_admin "CREATE DATABASE $DB" >&2
echo "postgresql+psycopg://$USER_NAME@$HOST:$PORT/$DB"
