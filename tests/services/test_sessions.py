"""Server-side sessions: opaque tokens stored only as hashes, idle and absolute expiry on a controlled
clock, logout, CSRF, and grants that take effect on the next request."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from antt.domain.access import Action, Role
from antt.errors import PermissionDenied
from antt.services.database import open_database
from antt.services.sessions import (
    break_glass_actor,
    csrf_token_valid,
    current_session,
    end_session,
    new_token,
    session_actor,
    token_hash,
)
from antt.services.users import grant, revoke, sign_in
from antt.settings import load_settings
from antt.storage.tables import SessionRow
from tests.conftest import TEST_KEY
from tests.user_fixtures import (
    AN_LAO,
    ISSUER,
    LE_CHAN,
    OPERATOR,
    SCHEME,
    T0,
    audit_records,
    granted_user,
    identity,
    minutes,
)


@pytest.fixture
def officer_token(database, settings) -> str:
    granted_user(database, settings, "officer", "commune_officer", [LE_CHAN])
    return sign_in(database, settings, identity("officer"), "192.0.2.7", T0).token


def test_a_token_is_128_random_bits_url_safe_and_new_each_time() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t) for t in tokens)


def test_the_token_is_never_stored_in_clear(database, officer_token) -> None:
    with database.transaction(write=False) as session:
        rows = list(session.scalars(select(SessionRow)))
        assert [r.id for r in rows] == [hashlib.sha256(officer_token.encode()).hexdigest()]
        # nowhere in any table: dump every text column of every row
        for table in ("users", "grants", "sessions", "audit_log"):
            for row in session.execute(text(f"SELECT * FROM {table}")):
                assert all(officer_token not in str(value) for value in row), table
    assert token_hash(officer_token) == rows[0].id


def test_every_sign_in_opens_a_new_session_with_a_new_token(database, settings, officer_token) -> None:
    again = sign_in(database, settings, identity("officer"), "192.0.2.7", T0 + minutes(1)).token
    assert again != officer_token
    assert session_actor(database, officer_token, T0 + minutes(2)) is not None
    assert session_actor(database, again, T0 + minutes(2)) is not None


def test_the_session_actor_is_scoped_by_the_users_grants(database, officer_token) -> None:
    actor = session_actor(database, officer_token, T0 + minutes(1))
    assert actor is not None and actor.units == frozenset({(SCHEME, LE_CHAN)})
    assert actor.can(Action.VIEW_INCIDENTS, (SCHEME, LE_CHAN))
    assert not actor.can(Action.VIEW_INCIDENTS, (SCHEME, AN_LAO))
    assert actor.roles == {Role.COMMUNE_OFFICER} and actor.name == f"user:{actor.user_id}"


def test_a_grant_and_a_revocation_change_the_actor_on_the_next_request(database, officer_token) -> None:
    grant(database, OPERATOR, f"{ISSUER} officer", "commune_officer", [AN_LAO])
    actor = session_actor(database, officer_token, T0 + minutes(1))
    assert actor is not None and actor.units == {(SCHEME, LE_CHAN), (SCHEME, AN_LAO)}

    revoke(database, OPERATOR, f"{ISSUER} officer", "commune_officer", [LE_CHAN])
    actor = session_actor(database, officer_token, T0 + minutes(2))
    assert actor is not None and actor.units == {(SCHEME, AN_LAO)}

    revoke(database, OPERATOR, f"{ISSUER} officer", "commune_officer")
    actor = session_actor(database, officer_token, T0 + minutes(3))
    assert actor is not None and actor.units == frozenset() and actor.grants == ()
    assert not any(actor.can(a) for a in Action)


def test_a_session_ends_after_30_idle_minutes(database, officer_token) -> None:
    assert session_actor(database, officer_token, T0 + minutes(29)) is not None  # activity at +29
    assert session_actor(database, officer_token, T0 + minutes(58)) is not None  # 29 min after it
    assert session_actor(database, officer_token, T0 + minutes(88)) is None  # 30 min idle
    assert session_actor(database, officer_token, T0 + minutes(89)) is None  # and stays ended
    with database.transaction(write=False) as session:
        row = session.scalars(select(SessionRow)).one()
        assert row.end_reason == "idle_timeout" and row.ended_at is not None
    [record] = audit_records(database, "auth.session_end")
    assert record.details == {"reason": "idle_timeout"}


def test_a_session_ends_12_hours_after_sign_in_however_active(database, officer_token) -> None:
    moment = T0
    while moment + minutes(20) < T0 + timedelta(hours=12):
        moment += minutes(20)
        assert session_actor(database, officer_token, moment) is not None, moment
    assert session_actor(database, officer_token, T0 + timedelta(hours=12)) is None
    [record] = audit_records(database, "auth.session_end")
    assert record.details == {"reason": "absolute_timeout"}


def test_the_timeouts_come_from_the_settings(database_url, database, settings) -> None:
    granted_user(database, settings, "officer", "commune_officer", [LE_CHAN])
    short = load_settings(
        database_url=database_url, pseudonym_key=TEST_KEY, session_idle_minutes=5, session_absolute_hours=1
    )
    db = open_database(short)
    try:
        token = sign_in(db, short, identity("officer"), "", T0).token
        info = current_session(db, token, T0 + minutes(4))
        assert info is not None
        assert info.idle_expires_at == T0 + minutes(9) and info.absolute_expires_at == T0 + minutes(60)
        assert session_actor(db, token, T0 + minutes(10)) is None
    finally:
        db.dispose()


def test_logout_ends_the_session_at_once_and_is_audited(database, officer_token) -> None:
    assert end_session(database, officer_token, T0 + minutes(5), "192.0.2.7")
    assert session_actor(database, officer_token, T0 + minutes(5)) is None
    assert not end_session(database, officer_token, T0 + minutes(6))
    [record] = audit_records(database, "auth.sign_out")
    assert (record.outcome, record.client) == ("success", "192.0.2.7")
    assert record.actor == record.target and record.actor.startswith("user:")


@pytest.mark.parametrize("token", [None, "", "x", "A" * 21, "A" * 23, "A" * 21 + "=", "ä" * 22])
def test_a_malformed_or_unknown_token_has_no_session(database, officer_token, token) -> None:
    assert session_actor(database, token, T0) is None
    assert session_actor(database, new_token(), T0) is None
    assert not end_session(database, token, T0)


def test_the_csrf_token_belongs_to_its_session(database, settings, officer_token) -> None:
    info = current_session(database, officer_token, T0 + minutes(1))
    assert info is not None and len(info.csrf_token) >= 43
    assert csrf_token_valid(info, info.csrf_token)
    assert info.csrf_token not in repr(info)
    for wrong in (None, "", info.csrf_token[:-1], info.csrf_token + "x", officer_token):
        assert not csrf_token_valid(info, wrong)
    other = sign_in(database, settings, identity("officer"), "", T0 + minutes(2)).token
    other_info = current_session(database, other, T0 + minutes(2))
    assert other_info is not None and not csrf_token_valid(other_info, info.csrf_token)


def test_break_glass_is_refused_and_audited_unless_enabled(database, settings) -> None:
    with pytest.raises(PermissionDenied, match="ANTT_BREAK_GLASS_ADMIN"):
        break_glass_actor(settings, database, "cli:root")
    [record] = audit_records(database, "auth.break_glass")
    assert (record.actor, record.outcome) == ("break-glass:cli:root", "denied")


def test_break_glass_when_enabled_is_a_city_wide_administrator_and_each_use_is_audited(
    database_url, database
) -> None:
    enabled = load_settings(database_url=database_url, pseudonym_key=TEST_KEY, break_glass_admin=True)
    actor = break_glass_actor(enabled, database, "cli:root", "local")
    assert actor.name == "break-glass:cli:root" and actor.roles == {Role.ADMINISTRATOR}
    assert actor.can_city_wide(Action.MANAGE_USERS) and not actor.can(Action.VIEW_PERSONS)
    break_glass_actor(enabled, database, "cli:root")
    assert [r.outcome for r in audit_records(database, "auth.break_glass")] == ["success", "success"]
