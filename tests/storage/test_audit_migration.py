"""Revision 0003 keeps a log written with the old unkeyed digest verifiable, and pins where it ends."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.engine import make_url

from antt.errors import SettingsError
from antt.services.database import open_database
from antt.settings import load_settings
from antt.storage import audit, migrate
from antt.storage.engine import normalise_url
from antt.storage.tables import AuditBoundary, AuditRecord
from tests.conftest import PG_URL, TEST_KEY


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = make_url(normalise_url(PG_URL))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_boundary"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def write_legacy_records(database, n: int) -> None:
    """Records as revision 0002's code wrote them: plain SHA-256 chain."""
    prev = audit.GENESIS
    with database.engine.begin() as conn:
        for i in range(n):
            at = datetime(2026, 1, 1, 8, 0) + timedelta(minutes=i)
            data = audit.payload(prev, at, "cli:old", "user.grant", "", "", "success", {"n": i})
            digest = hashlib.sha256(data).hexdigest()
            conn.execute(
                AuditRecord.__table__.insert().values(
                    at=at,
                    actor="cli:old",
                    action="user.grant",
                    object="",
                    client="",
                    outcome="success",
                    details={"n": i},
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest


@pytest.fixture
def upgraded(empty_url):
    database = open_database(load_settings(database_url=empty_url, pseudonym_key=TEST_KEY))
    migrate.upgrade(database, "0002")
    write_legacy_records(database, 4)
    migrate.upgrade(database)
    with database.transaction() as session:
        for i in range(2):
            audit.append(session, actor="cli:new", action="user.revoke", outcome="success", details={"i": i})
    yield database
    database.dispose()


def full_check(database):
    with database.transaction(write=False) as session:
        return audit.verify_chain(session)


def test_old_records_keep_verifying_and_new_ones_are_keyed(upgraded) -> None:
    check = full_check(upgraded)
    assert (check.ok, check.records) == (True, 6)
    with upgraded.transaction(write=False) as session:
        boundary = session.get(AuditBoundary, 1)
        assert boundary is not None and boundary.keyed_from_id == 5
        new = session.scalars(select(AuditRecord).where(AuditRecord.id == 5)).one()
    data = audit.payload(
        new.prev_hash, new.at, new.actor, new.action, new.target, new.client, new.outcome, new.details
    )
    assert new.hash != hashlib.sha256(data).hexdigest()


def test_rewriting_the_old_records_with_the_old_digest_is_found(upgraded) -> None:
    with upgraded.transaction() as session:  # drop legacy record 2, rehash 3 and 4 as the old code did
        session.execute(delete(AuditRecord).where(AuditRecord.id == 2))
        rows = session.scalars(select(AuditRecord).where(AuditRecord.id < 5).order_by(AuditRecord.id)).all()
        prev = audit.GENESIS
        for row in rows:
            data = audit.payload(
                prev, row.at, row.actor, row.action, row.target, row.client, row.outcome, row.details
            )
            row.prev_hash, row.hash = prev, hashlib.sha256(data).hexdigest()
            session.flush()
            prev = row.hash
        session.execute(update(AuditRecord).where(AuditRecord.id == 5).values(prev_hash=prev))
    check = full_check(upgraded)
    assert (check.ok, check.problem, check.first_bad_id) == (False, "legacy_changed", 5)


def test_the_boundary_can_be_neither_removed_nor_moved(upgraded) -> None:
    with upgraded.transaction() as session:
        session.execute(update(AuditBoundary).values(keyed_from_id=99))
    assert full_check(upgraded).problem == "boundary_forged"
    with upgraded.transaction() as session:
        session.execute(delete(AuditBoundary))
    check = full_check(upgraded)  # every record must then be keyed: the first old one is not
    assert (check.problem, check.first_bad_id) == ("record_edited", 1)


def test_upgrading_a_log_with_records_needs_the_key(empty_url) -> None:
    database = open_database(load_settings(database_url=empty_url))
    try:
        migrate.upgrade(database, "0002")
        write_legacy_records(database, 1)
        with pytest.raises(SettingsError, match="ANTT_PSEUDONYM_KEY"):
            migrate.upgrade(database)
        assert migrate.current_revision(database) == "0002"
    finally:
        database.dispose()
