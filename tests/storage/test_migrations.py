"""Migrations: one head, upgrade from empty, models equal the migrated schema, down/up round trip.

Runs on SQLite and, in the PostgreSQL pass, on a database of its own on the same server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_alembic.tests import (  # noqa: F401 - collected as tests here
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from antt.storage.engine import normalise_url
from antt.storage.migrate import alembic_config as make_alembic_config
from tests.conftest import PG_URL


@pytest.fixture
def alembic_config():
    return make_alembic_config()


@pytest.fixture
def alembic_engine(tmp_path: Path) -> Iterator[Engine]:
    if not PG_URL:
        engine = create_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    url = make_url(normalise_url(PG_URL))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_alembic"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_upgraded_database_has_every_table_of_the_design(database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert {
        "unit_schemes",
        "units",
        "unit_crosswalk",
        "offences",
        "offence_clauses",
        "reporting_groups",
        "incidents",
        "persons",
        "incident_persons",
        "import_batches",
        "incident_changes",
        "audit_log",
    } <= tables


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(database) -> None:
    with database.transaction(write=False) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
