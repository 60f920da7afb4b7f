#!/usr/bin/env bash
# Install ANTT with its test tools, then run the whole suite on SQLite and again on PostgreSQL
# (a local server is started if none answers on 127.0.0.1:5432), plus lint and type checks.
set -euo pipefail
cd "$(dirname "$0")/.."
ANTT_EXTRAS="--extra test" bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== lint and types"
ruff check antt tests bench scripts
mypy

# one worker per core (pytest-xdist); a test module's tests stay on one worker, so a module's demo city is
# built once; on PostgreSQL each worker has a database of its own (tests/conftest.py)
PARALLEL=(-n "${ANTT_TEST_WORKERS:-auto}" --dist loadfile)

echo "== tests on SQLite"
pytest -q "${PARALLEL[@]}" "$@"

echo "== tests on PostgreSQL (the tests that touch a database)"
PG_URL="$(bash scripts/postgres.sh)"
ANTT_TEST_DATABASE_URL="$PG_URL" pytest -q "${PARALLEL[@]}" -m "not sqlite_only and not browser" "$@"
