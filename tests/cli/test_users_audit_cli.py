"""``antt users`` and ``antt audit`` as an operator runs them: a real subprocess on the test database."""

from __future__ import annotations

import csv
import getpass
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, text, update

from antt.errors import SignInFailed
from antt.services.sessions import open_session, session_actor
from antt.services.users import register_legacy_account, sign_in
from antt.storage.tables import AuditRecord
from tests.cli.test_cli import antt
from tests.user_fixtures import ISSUER, OPERATOR, T0, audit_records, granted_user, identity

CLI_ACTOR = f"cli:{getpass.getuser()}"


def today() -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=7)).date().isoformat()


def new_user(database, settings, subject: str, when: datetime = T0) -> None:
    """A first sign-in: the user is created, without grants, and refused."""
    with pytest.raises(SignInFailed, match="no access"):
        sign_in(database, settings, identity(subject), "", when)


def test_grant_list_and_revoke_print_what_they_did_and_are_audited(cli_env, database, settings) -> None:
    new_user(database, settings, "officer")
    out = antt(cli_env, "users", "grant", f"{ISSUER} officer", "commune_officer", "--unit", "11383").stdout
    assert "role commune_officer" in out and "granted / đã cấp: 11383 Phường Lê Chân" in out

    out = antt(
        cli_env, "users", "grant", "officer", "commune_officer", "--unit", "11383", "--unit", "11629"
    ).stdout
    assert "already held / đã có: 2025-07:11383" in out and "granted / đã cấp: 11629 Xã An Lão" in out

    users = json.loads(antt(cli_env, "users", "list", "--format", "json").stdout)
    [officer] = users
    assert officer["subject"] == "officer" and officer["status"] == "active"
    assert {(g["role"], g["unit_code"]) for g in officer["grants"]} == {
        ("commune_officer", "11383"),
        ("commune_officer", "11629"),
    }

    out = antt(cli_env, "users", "revoke", str(officer["id"]), "commune_officer", "--unit", "11629").stdout
    assert "revoked / đã thu hồi: 11629 Xã An Lão" in out
    grants = audit_records(database, "user.grant")
    assert [(r.actor, r.client, r.outcome) for r in grants] == [(CLI_ACTOR, "cli", "success")] * 2
    [revoked] = audit_records(database, "user.revoke")
    assert (revoked.actor, revoked.target) == (CLI_ACTOR, f"user:{officer['id']}")


def test_a_city_wide_grant_and_the_list_as_a_table(cli_env, database, settings) -> None:
    new_user(database, settings, "leader")
    assert (
        "toàn thành phố / city-wide" in antt(cli_env, "users", "grant", "leader", "leader", "--city").stdout
    )
    table = antt(cli_env, "users", "list").stdout
    assert "leader@city" in table


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["grant", "nobody", "leader", "--city"], 3, "No user 'nobody'"),
        (["grant", "officer", "superuser", "--city"], 2, "Unknown role"),
        (["grant", "officer", "leader", "--unit", "31"], 2, "--city"),
        (["revoke", "officer", "leader"], 3, "has no role leader"),
        (["disable", "nobody"], 3, "No user"),
    ],
)
def test_mistakes_are_one_line_and_non_zero(cli_env, database, settings, args, code, words) -> None:
    new_user(database, settings, "officer")
    proc = antt(cli_env, "users", *args, check=False)
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.count("\n") == 1 and words in proc.stderr


def test_lock_legacy_locks_the_old_accounts_ends_their_sessions_and_says_so(
    cli_env, database, settings
) -> None:
    old = register_legacy_account(database, OPERATOR, "nguyenvana", "Nguyễn Văn A")
    register_legacy_account(database, OPERATOR, "tranthib")
    token = open_session(database, old.id, "192.0.2.50")
    out = antt(cli_env, "users", "lock-legacy").stdout
    assert "locked / đã khoá: user" in out and "login nguyenvana" in out and "login tranthib" in out
    assert "2 legacy account(s) locked" in out and "1 session(s) ended" in out
    assert session_actor(database, token) is None
    assert [r.actor for r in audit_records(database, "user.lock")] == [CLI_ACTOR] * 2
    assert "0 legacy account(s) locked" in antt(cli_env, "users", "lock-legacy").stdout


def test_disable_ends_the_sessions_at_once(cli_env, database, settings) -> None:
    granted_user(database, settings, "officer", "commune_officer", ["11383"])
    token, _ = sign_in(database, settings, identity("officer"), "", datetime.now(timezone.utc))
    assert session_actor(database, token) is not None
    out = antt(cli_env, "users", "disable", "officer", "--reason", "transferred").stdout
    assert "disabled / đã vô hiệu hoá" in out and "1 session(s) ended" in out
    assert session_actor(database, token) is None
    [record] = audit_records(database, "user.disable")
    assert record.actor == CLI_ACTOR and record.details["note"] == "transferred"


def test_break_glass_is_refused_unless_enabled_and_audited_either_way(cli_env, database, settings) -> None:
    new_user(database, settings, "officer")
    proc = antt(cli_env, "users", "--break-glass", "grant", "officer", "leader", "--city", check=False)
    assert proc.returncode == 4 and "ANTT_BREAK_GLASS_ADMIN" in proc.stderr
    assert audit_records(database, "user.grant") == []
    antt(
        {**cli_env, "ANTT_BREAK_GLASS_ADMIN": "1"},
        "users",
        "--break-glass",
        "grant",
        "officer",
        "leader",
        "--city",
    )
    assert [r.outcome for r in audit_records(database, "auth.break_glass")] == ["denied", "success"]
    [record] = audit_records(database, "user.grant")
    assert record.actor == f"break-glass:{CLI_ACTOR}"


def test_audit_verify_passes_on_an_intact_log(cli_env, database, settings) -> None:
    new_user(database, settings, "officer")
    antt(cli_env, "users", "grant", "officer", "leader", "--city")
    out = antt(cli_env, "audit", "verify").stdout
    assert "audit log intact" in out and "2 records" in out


@pytest.mark.parametrize("tamper", ["edit", "edit_details", "delete"])
def test_a_tampered_audit_record_makes_verify_fail_naming_it(cli_env, database, settings, tamper) -> None:
    new_user(database, settings, "officer")
    for role in ("leader", "analyst", "auditor"):
        antt(cli_env, "users", "grant", "officer", role, "--city")
    ids = [r.id for r in audit_records(database)]
    assert len(ids) == 4
    with database.transaction() as session:
        if tamper == "edit":
            session.execute(update(AuditRecord).where(AuditRecord.id == ids[2]).values(actor="someone-else"))
        elif tamper == "edit_details":  # plain SQL, as someone with database access would
            session.execute(text("UPDATE audit_log SET details = '{}' WHERE id = :id"), {"id": ids[2]})
        else:
            session.execute(delete(AuditRecord).where(AuditRecord.id == ids[2]))
    proc = antt(cli_env, "audit", "verify", check=False)
    assert proc.returncode == 9
    bad = ids[2] if tamper != "delete" else ids[3]
    assert proc.stderr.count("\n") == 1 and f"first bad record is {bad}" in proc.stderr


def test_audit_export_as_csv_and_json_is_itself_audited(cli_env, database, settings) -> None:
    new_user(database, settings, "officer", datetime(2026, 3, 4, 17, 30, tzinfo=timezone.utc))  # 5/3 local
    antt(cli_env, "users", "grant", "officer", "leader", "--city")
    out = antt(cli_env, "audit", "export", "--from", "2026-03-05", "--to", "2026-03-05").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["action"], r["outcome"]) for r in rows] == [("auth.sign_in", "denied")]
    assert json.loads(rows[0]["details"])["reason"] == "no_access" and len(rows[0]["hash"]) == 64

    doc = json.loads(
        antt(cli_env, "audit", "export", "--from", today(), "--to", today(), "--format", "json").stdout
    )
    assert [r["action"] for r in doc] == ["user.grant", "audit.export"]
    assert doc[1]["details"] == {"from": "2026-03-05", "to": "2026-03-05", "records": 1}  # the first export
    exports = audit_records(database, "audit.export")
    assert [(r.actor, r.details["records"]) for r in exports] == [(CLI_ACTOR, 1), (CLI_ACTOR, 2)]


def test_audit_export_of_a_reversed_range_is_refused(cli_env) -> None:
    proc = antt(cli_env, "audit", "export", "--from", "2026-03-06", "--to", "2026-03-05", check=False)
    assert proc.returncode == 2 and "before the start date" in proc.stderr
