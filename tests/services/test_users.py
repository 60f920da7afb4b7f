"""Signing in with an e-ID identity (fail closed for unknown identities), grants and revocations, locking
legacy accounts, disabling users — and the audit record each of them leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from antt.domain.access import Actor, Grant, Role
from antt.domain.people import pseudonymise
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied, SignInFailed
from antt.services.sessions import open_session, session_actor
from antt.services.users import (
    disable_user,
    grant,
    list_users,
    lock_legacy,
    record_sign_in_failure,
    register_legacy_account,
    resolve_user,
    revoke,
    sign_in,
)
from antt.storage.audit import verify_chain
from antt.storage.tables import UserRow
from tests.conftest import TEST_KEY
from tests.user_fixtures import (
    AN_LAO,
    HONG_BANG,
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

CITY_ADMIN = Actor.for_user("user:900", [Grant.city(Role.ADMINISTRATOR)], user_id=900)
LE_CHAN_ADMIN = Actor.for_user("user:901", [Grant.on(Role.ADMINISTRATOR, (SCHEME, LE_CHAN))], user_id=901)
ANALYST = Actor.for_user("user:902", [Grant.city(Role.ANALYST)], user_id=902)


def users(database) -> list[UserRow]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(UserRow).order_by(UserRow.id)))


# --- sign-in -----------------------------------------------------------------------------------------


def test_an_unknown_identity_is_created_without_grants_and_refused(database, settings) -> None:
    with pytest.raises(SignInFailed) as caught:
        sign_in(database, settings, identity("new-person"), "192.0.2.9", T0)
    error = caught.value
    assert error.reason == "no_access" and error.http_status == 401
    assert (
        "quản trị viên cấp quyền" in error.message_vi and "until an administrator grants" in error.message_en
    )

    [user] = users(database)
    assert (user.issuer, user.subject, user.status, user.full_name) == (
        ISSUER,
        "new-person",
        "active",
        "Nguyễn Văn Thử",
    )
    assert user.personal_id_pseudonym == pseudonymise("031090123456", TEST_KEY.encode())
    assert user.last_sign_in_at is None
    [record] = audit_records(database, "auth.sign_in")
    assert (record.outcome, record.actor, record.client) == ("denied", f"user:{user.id}", "192.0.2.9")
    assert record.details["reason"] == "no_access" and record.details["user_created"] is True
    assert "031090123456" not in str(record.details)
    # no session was opened
    assert session_actor(database, "A" * 22, T0) is None


def test_once_granted_the_same_identity_signs_in(database, settings) -> None:
    with pytest.raises(SignInFailed):
        sign_in(database, settings, identity("new-person"), "", T0)
    grant(database, OPERATOR, "new-person", "leader", city_wide=True)
    token, actor = sign_in(database, settings, identity("new-person"), "192.0.2.9", T0 + minutes(5))
    assert actor.city_wide and actor.roles == {Role.LEADER}
    assert session_actor(database, token, T0 + minutes(6)) == actor
    [user] = users(database)
    assert user.last_sign_in_at == (T0 + minutes(5)).replace(tzinfo=None)
    outcomes = [(r.outcome, r.details.get("reason")) for r in audit_records(database, "auth.sign_in")]
    assert outcomes == [("denied", "no_access"), ("success", None)]
    assert audit_records(database, "auth.sign_in")[-1].details["roles"] == ["leader"]


def test_a_sign_in_updates_the_name_from_the_identity_provider(database, settings) -> None:
    granted_user(database, settings, "p", "analyst", city_wide=True)
    sign_in(database, settings, identity("p", name="Trần Thị Mới"), "", T0)
    assert users(database)[0].full_name == "Trần Thị Mới"


def test_a_sign_in_failure_before_any_identity_is_audited(database) -> None:
    error = SignInFailed("nonce_mismatch", "vi", "en", detail="nonce differs")
    record_sign_in_failure(database, error, "198.51.100.4", T0)
    [record] = audit_records(database, "auth.sign_in")
    assert (record.actor, record.outcome, record.client) == ("anonymous", "failure", "198.51.100.4")
    assert record.details == {"reason": "nonce_mismatch", "detail": "nonce differs", "attempts": 1}


# --- grants ------------------------------------------------------------------------------------------


def test_a_grant_is_audited_and_granting_again_changes_nothing(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    change = grant(
        database, CITY_ADMIN, user_id, "commune_officer", [LE_CHAN, AN_LAO], client_address="10.0.0.1"
    )
    assert [g.unit_code for g in change.added] == [AN_LAO] and change.already_held == (f"{SCHEME}:{LE_CHAN}",)
    assert {g.unit_code for g in change.user.grants} == {LE_CHAN, AN_LAO}
    assert change.added[0].unit_name == "Xã An Lão" and change.added[0].granted_by == "user:900"
    records = audit_records(database, "user.grant")
    assert [(r.actor, r.outcome) for r in records] == [
        ("cli:test-operator", "success"),
        ("user:900", "success"),
    ]
    assert records[-1].target == f"user:{user_id}" and records[-1].client == "10.0.0.1"
    assert records[-1].details["added"] == [f"{SCHEME}:{AN_LAO}"]


@pytest.mark.parametrize(
    ("actor", "units", "city", "reason"),
    [
        (ANALYST, [LE_CHAN], False, "not_administrator"),
        (Actor("legacy-style", None), [LE_CHAN], False, "not_administrator"),
        (LE_CHAN_ADMIN, [AN_LAO], False, "out_of_scope"),
        (LE_CHAN_ADMIN, [], True, "city_wide_required"),
    ],
)
def test_a_grant_beyond_the_administrators_scope_is_refused_and_audited(
    database, settings, actor, units, city, reason
) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [HONG_BANG])
    with pytest.raises(PermissionDenied):
        grant(database, actor, user_id, "leader", units, city)
    record = audit_records(database, "user.grant")[-1]
    assert (record.actor, record.outcome, record.details["reason"]) == (actor.name, "denied", reason)
    assert {g.role for g in resolve_grants(database, user_id)} == {"commune_officer"}


def resolve_grants(database, user_id):
    return next(u for u in list_users(database, OPERATOR) if u.id == user_id).grants


def test_an_administrator_of_a_commune_may_grant_on_it(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [HONG_BANG])
    grant(database, LE_CHAN_ADMIN, user_id, "commune_officer", [LE_CHAN])
    assert {g.unit_code for g in resolve_grants(database, user_id)} == {HONG_BANG, LE_CHAN}


def test_an_administrator_may_not_change_their_own_grants(database, settings) -> None:
    admin_id = granted_user(database, settings, "admin", "administrator", city_wide=True)
    _, admin = sign_in(database, settings, identity("admin"), "", T0)
    with pytest.raises(PermissionDenied):
        grant(database, admin, admin_id, "analyst", city_wide=True)
    assert audit_records(database, "user.grant")[-1].details["reason"] == "own_account"


@pytest.mark.parametrize(
    ("units", "city", "error"),
    [
        (["99999"], False, NotFound),  # no such commune
        (["31"], False, InvalidInput),  # the city is granted as city-wide
        ([LE_CHAN], True, InvalidInput),  # both
        ([], False, InvalidInput),  # neither
    ],
)
def test_a_grant_names_communes_of_the_current_scheme_or_the_city(
    database, settings, units, city, error
) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    with pytest.raises(error):
        grant(database, OPERATOR, user_id, "leader", units, city)


def test_an_unknown_role_is_refused(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    with pytest.raises(InvalidInput, match="superuser"):
        grant(database, OPERATOR, user_id, "superuser", city_wide=True)


def test_a_revocation_is_audited_and_revoking_nothing_is_not_found(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN, AN_LAO])
    change = revoke(database, CITY_ADMIN, user_id, "commune_officer", [AN_LAO], client_address="10.0.0.1")
    assert [g.unit_code for g in change.removed] == [AN_LAO]
    assert [g.unit_code for g in change.user.grants] == [LE_CHAN]
    [record] = audit_records(database, "user.revoke")
    assert (record.actor, record.outcome, record.details["removed"]) == (
        "user:900",
        "success",
        [f"{SCHEME}:{AN_LAO}"],
    )
    with pytest.raises(NotFound):
        revoke(database, CITY_ADMIN, user_id, "leader")


def test_a_revocation_beyond_the_administrators_scope_is_refused(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN, AN_LAO])
    with pytest.raises(PermissionDenied):
        revoke(database, LE_CHAN_ADMIN, user_id, "commune_officer")  # every unit: An Lão too
    assert audit_records(database, "user.revoke")[-1].outcome == "denied"
    revoke(database, LE_CHAN_ADMIN, user_id, "commune_officer", [LE_CHAN])


def test_users_are_found_by_id_issuer_and_subject_or_a_unique_subject(database, settings) -> None:
    user_id = granted_user(database, settings, "same", "analyst", city_wide=True)
    with database.transaction(write=False) as session:
        assert resolve_user(session, user_id).id == user_id
        assert resolve_user(session, str(user_id)).id == user_id
        assert resolve_user(session, f"{ISSUER} same").id == user_id
        assert resolve_user(session, "same").id == user_id
        with pytest.raises(NotFound):
            resolve_user(session, "nobody")
    from antt.auth.identity import Identity

    with pytest.raises(SignInFailed):
        sign_in(database, settings, Identity("https://other.example", "same"), "", T0)
    with database.transaction(write=False) as session, pytest.raises(Conflict, match="ISSUER SUBJECT"):
        resolve_user(session, "same")


def test_listing_users_needs_an_administrator(database, settings) -> None:
    granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    granted_user(database, settings, "h", "commune_officer", [HONG_BANG])
    assert [u.subject for u in list_users(database, CITY_ADMIN)] == ["o", "h"]
    assert [u.subject for u in list_users(database, LE_CHAN_ADMIN)] == ["o"]
    with pytest.raises(PermissionDenied):
        list_users(database, ANALYST)


# --- locking and disabling ---------------------------------------------------------------------------


def test_lock_legacy_locks_every_legacy_account_and_ends_its_sessions(database, settings) -> None:
    old_a = register_legacy_account(database, OPERATOR, "nguyenvana", "Nguyễn Văn A")
    old_b = register_legacy_account(database, OPERATOR, "tranthib")
    current = granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    legacy_token = open_session(database, old_a.id, "192.0.2.50", T0)
    token, _ = sign_in(database, settings, identity("o"), "", T0)
    assert old_a.legacy and old_a.legacy_login == "nguyenvana" and old_a.status == "active"

    result = lock_legacy(database, CITY_ADMIN, client_address="local", now=T0 + minutes(1))

    assert [u.id for u in result.locked] == [old_a.id, old_b.id] and result.sessions_ended == 1
    assert all(u.status == "locked" and u.open_sessions == 0 for u in result.locked)
    assert session_actor(database, legacy_token, T0 + minutes(2)) is None
    assert session_actor(database, token, T0 + minutes(2)) is not None  # e-ID users are untouched
    assert {u.id: u.status for u in users(database)}[current] == "active"
    locks = audit_records(database, "user.lock")
    assert [(r.target, r.details["sessions_ended"]) for r in locks] == [
        (f"user:{old_a.id}", 1),
        (f"user:{old_b.id}", 0),
    ]
    [summary] = audit_records(database, "users.lock_legacy")
    assert summary.details == {"locked": [old_a.id, old_b.id], "sessions_ended": 1}

    again = lock_legacy(database, CITY_ADMIN, now=T0 + minutes(3))
    assert again.locked == () and again.sessions_ended == 0
    assert len(audit_records(database, "users.lock_legacy")) == 2


def test_lock_legacy_needs_a_city_wide_administrator(database) -> None:
    register_legacy_account(database, OPERATOR, "nguyenvana")
    for actor in (LE_CHAN_ADMIN, ANALYST):
        with pytest.raises(PermissionDenied):
            lock_legacy(database, actor)
    assert [r.outcome for r in audit_records(database, "users.lock_legacy")] == ["denied", "denied"]
    assert users(database)[0].status == "active"


def test_a_legacy_account_cannot_sign_in_or_be_granted(database, settings) -> None:
    from antt.auth.identity import Identity
    from antt.services.users import LEGACY_ISSUER

    old = register_legacy_account(database, OPERATOR, "nguyenvana")
    with pytest.raises(Conflict):
        grant(database, OPERATOR, old.id, "leader", city_wide=True)
    with pytest.raises(SignInFailed) as caught:
        sign_in(database, settings, Identity(LEGACY_ISSUER, "nguyenvana"), "", T0)
    assert caught.value.reason == "legacy_account"


def test_disabling_a_user_ends_their_sessions_at_once_and_refuses_sign_in(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    first, _ = sign_in(database, settings, identity("o"), "", T0)
    second, _ = sign_in(database, settings, identity("o"), "", T0 + minutes(1))

    result = disable_user(database, CITY_ADMIN, user_id, reason="left the force", now=T0 + minutes(2))

    assert (result.previous_status, result.sessions_ended, result.user.status) == ("active", 2, "disabled")
    assert session_actor(database, first, T0 + minutes(2)) is None
    assert session_actor(database, second, T0 + minutes(2)) is None
    with pytest.raises(SignInFailed) as caught:
        sign_in(database, settings, identity("o"), "", T0 + minutes(3))
    assert caught.value.reason == "account_disabled"
    [record] = audit_records(database, "user.disable")
    assert (record.actor, record.target, record.outcome) == ("user:900", f"user:{user_id}", "success")
    assert record.details == {"previous_status": "active", "sessions_ended": 2, "note": "left the force"}


def test_disabling_needs_a_city_wide_administrator_other_than_oneself(database, settings) -> None:
    user_id = granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    with pytest.raises(PermissionDenied):
        disable_user(database, LE_CHAN_ADMIN, user_id)
    admin_id = granted_user(database, settings, "admin", "administrator", city_wide=True)
    _, admin = sign_in(database, settings, identity("admin"), "", T0)
    with pytest.raises(PermissionDenied):
        disable_user(database, admin, admin_id)
    assert [r.details["reason"] for r in audit_records(database, "user.disable")] == [
        "city_wide_required",
        "own_account",
    ]


def test_every_audited_action_keeps_the_chain_intact(database, settings) -> None:
    granted_user(database, settings, "o", "commune_officer", [LE_CHAN])
    sign_in(database, settings, identity("o"), "", T0 + timedelta(hours=1))
    disable_user(database, OPERATOR, "o")
    with database.transaction(write=False) as session:
        check = verify_chain(session)
    assert check.ok and check.records == len(audit_records(database)) >= 4
    assert {r.action for r in audit_records(database)} >= {"auth.sign_in", "user.grant", "user.disable"}
