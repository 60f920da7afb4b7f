"""The users, grants and sessions tables: constraints, and grants read back as domain grants."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from antt.domain.access import Grant, Role
from antt.storage import sessions as session_store
from antt.storage import users as store
from antt.storage.tables import GrantRow

NOW = datetime(2026, 11, 28, 5, 0)
LE_CHAN, AN_LAO = ("2025-07", "11383"), ("2025-07", "11629")


def test_the_migrated_database_has_the_user_tables(database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert {"users", "grants", "sessions"} <= tables
    columns = {c["name"] for c in inspect(database.engine).get_columns("sessions")}
    assert "token" not in columns and {"id", "csrf_secret", "ended_at", "end_reason"} <= columns


def test_an_identity_is_one_user_per_issuer_and_subject(database) -> None:
    with database.transaction() as session:
        store.add_user(session, issuer="https://a", subject="s1", now=NOW)
        store.add_user(session, issuer="https://b", subject="s1", now=NOW)  # another provider: fine
    with pytest.raises(IntegrityError), database.transaction() as session:
        store.add_user(session, issuer="https://a", subject="s1", now=NOW)


def test_grants_read_back_merged_per_role_and_city_wide_wins(database) -> None:
    with database.transaction() as session:
        user = store.add_user(session, issuer="https://a", subject="s", now=NOW)
        assert store.add_grant(session, user.id, "commune_officer", LE_CHAN, "t", NOW) is not None
        assert store.add_grant(session, user.id, "commune_officer", AN_LAO, "t", NOW) is not None
        assert store.add_grant(session, user.id, "commune_officer", LE_CHAN, "t", NOW) is None  # held
        store.add_grant(session, user.id, "leader", LE_CHAN, "t", NOW)
        store.add_grant(session, user.id, "leader", None, "t", NOW)
        assert store.add_grant(session, user.id, "leader", None, "t", NOW) is None
        session.add(GrantRow(user_id=user.id, role="retired_role", granted_by="t", granted_at=NOW))
        session.flush()
        assert set(store.user_grants(session, user.id)) == {
            Grant(Role.COMMUNE_OFFICER, frozenset({LE_CHAN, AN_LAO})),
            Grant.city(Role.LEADER),
        }


def test_a_grant_names_a_whole_unit_that_exists(database) -> None:
    with database.transaction() as session:
        user_id = store.add_user(session, issuer="https://a", subject="s", now=NOW).id
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(
            GrantRow(user_id=user_id, role="leader", unit_scheme="2025-07", granted_by="t", granted_at=NOW)
        )
        session.flush()
    with pytest.raises(IntegrityError), database.transaction() as session:
        store.add_grant(session, user_id, "leader", ("2025-07", "99999"), "t", NOW)


def test_ending_a_users_sessions_ends_only_the_open_ones(database) -> None:
    with database.transaction() as session:
        user_id = store.add_user(session, issuer="https://a", subject="s", now=NOW).id
        for n in range(3):
            session_store.insert_session(
                session, session_id=f"{n:064x}", user_id=user_id, now=NOW, client_address="", csrf_secret="c"
            )
        assert session_store.end_session(session, f"{0:064x}", NOW, "logout")
        assert not session_store.end_session(session, f"{0:064x}", NOW, "logout")
        assert store.open_session_counts(session) == {user_id: 2}
        assert session_store.end_user_sessions(session, user_id, NOW, "user_disabled") == 2
        assert store.open_session_counts(session) == {}
