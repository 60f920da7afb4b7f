"""Moving the old system's users onto the e-ID: the import (every problem listed, atomic, idempotent,
audited), the link at sign-in (exactly the old grants; refusals for review), the scheduled lock and the
report by commune."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from antt.domain.access import Actor, Grant, Role
from antt.domain.people import pseudonymise
from antt.errors import ImportRejected, InvalidInput, NotFound, PermissionDenied, SignInFailed
from antt.services.legacy_users import (
    cancel_legacy_lock,
    eid_share,
    import_legacy_users,
    legacy_overview,
    legacy_report,
    schedule_legacy_lock,
)
from antt.services.users import lock_legacy, sign_in
from antt.storage.tables import GrantRow, ImportBatch, UserRow
from tests.conftest import TEST_KEY
from tests.legacy_files import (
    AN_ID,
    BAD_ROWS,
    BINH_ID,
    CUONG_ID,
    GOOD_ROWS,
    LAN_ID,
    TWIN_ID,
    write_legacy_csv,
    write_legacy_xlsx,
)
from tests.user_fixtures import AN_LAO, HONG_BANG, LE_CHAN, OPERATOR, SCHEME, T0, audit_records, identity

ANALYST = Actor.for_user("user:902", [Grant.city(Role.ANALYST)], user_id=902)
COMMUNE_ADMIN = Actor.for_user("user:901", [Grant.on(Role.ADMINISTRATOR, (SCHEME, LE_CHAN))], user_id=901)


def snapshot(database) -> tuple[list[tuple], list[tuple]]:
    with database.transaction(write=False) as session:
        users = [
            (u.id, u.issuer, u.subject, u.full_name, u.personal_id_pseudonym, u.status, u.legacy_active)
            for u in session.scalars(select(UserRow).order_by(UserRow.id))
        ]
        grants = [
            (g.id, g.user_id, g.role, g.unit_scheme, g.unit_code)
            for g in session.scalars(select(GrantRow).order_by(GrantRow.id))
        ]
    return users, grants


def imported(database, settings, tmp_path, rows=GOOD_ROWS, **kwargs):
    path = write_legacy_csv(tmp_path / "legacy.csv", rows)
    return import_legacy_users(database, settings, OPERATOR, path, now=T0 - timedelta(days=7), **kwargs)


def legacy(database, login: str) -> UserRow:
    with database.transaction(write=False) as session:
        return session.scalars(select(UserRow).where(UserRow.legacy_login == login)).one()


def grants_of(actor: Actor) -> set[tuple[str, frozenset | None]]:
    return {(g.role.value, g.units) for g in actor.grants}


# --- the import --------------------------------------------------------------------------------------


def test_a_file_with_bad_rows_lists_every_problem_in_both_languages_and_writes_nothing(
    database, settings, tmp_path
) -> None:
    with pytest.raises(ImportRejected) as caught:
        imported(database, settings, tmp_path, BAD_ROWS)
    problems = {(i.row, i.column, i.rule) for i in caught.value.errors}
    assert problems == {
        (3, "old_login", "login.duplicate"),
        (4, "personal_id", "person_id.format"),
        (4, "communes", "communes.unknown"),
        (5, "personal_id", "person_id.format"),
        (5, "role", "role.unknown"),
        (5, "active", "bool.format"),
        (6, "communes", "communes.city_code"),
    }
    for issue in caught.value.issues:
        assert issue.message_vi and issue.message_en and issue.message_vi != issue.message_en
        assert issue.file == "legacy.csv"
    duplicate = next(i for i in caught.value.issues if i.rule == "login.duplicate")
    assert "dòng 2" in duplicate.message_vi and "row 2" in duplicate.message_en
    # a malformed id is never echoed in full
    ids = {i.row: i.value for i in caught.value.issues if i.rule == "person_id.format"}
    assert ids == {4: "********555", 5: "*********012"}
    assert "03109000555" not in str(caught.value) and "123456789012" not in str(caught.value)
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(UserRow)) == 0
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert audit_records(database, "import.legacy_users") == []


def test_a_good_file_records_the_accounts_with_their_grants_and_is_audited(
    database, settings, tmp_path
) -> None:
    summary = imported(database, settings, tmp_path)
    assert (summary.rows_total, summary.new, summary.updated, summary.unchanged) == (6, 6, 0, 0)
    assert (summary.city_wide, summary.inactive) == (2, 1)
    assert summary.by_role == {"analyst": 2, "commune_officer": 3, "leader": 1}
    assert [w.rule for w in summary.warnings] == ["personal_id.shared"]
    assert summary.warnings[0].row == 6 and "pmd.one" in summary.warnings[0].message_en

    an = legacy(database, "nva.lechan")
    assert (an.issuer, an.subject, an.legacy, an.legacy_active, an.status) == (
        "legacy",
        "nva.lechan",
        True,
        True,
        "active",
    )
    assert an.personal_id_pseudonym == pseudonymise(AN_ID, TEST_KEY.encode())
    assert legacy(database, "lvc.old").legacy_active is False
    _users, grants = snapshot(database)
    lan = legacy(database, "htl.multi")
    assert {(g[2], g[4]) for g in grants if g[1] == lan.id} == {("analyst", LE_CHAN), ("analyst", AN_LAO)}
    binh = legacy(database, "ttb.city")
    assert {(g[2], g[3], g[4]) for g in grants if g[1] == binh.id} == {("leader", None, None)}

    [record] = audit_records(database, "import.legacy_users")
    assert record.actor == OPERATOR.name and record.outcome == "success"
    assert record.details["new"] == 6 and "nva.lechan" in record.details["new_logins"]
    assert AN_ID not in str(record.details)


def test_importing_the_same_file_again_changes_nothing(database, settings, tmp_path) -> None:
    imported(database, settings, tmp_path)
    before = snapshot(database)
    again = imported(database, settings, tmp_path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
    assert snapshot(database) == before
    # an xlsx of the same accounts, English headers, the ids typed as numbers: still nothing changes
    numbers = [[*row[:2], int(row[2]), *row[3:]] for row in GOOD_ROWS]
    path = write_legacy_xlsx(tmp_path / "legacy.xlsx", numbers)
    xlsx = import_legacy_users(database, settings, OPERATOR, path)
    assert (xlsx.new, xlsx.updated, xlsx.unchanged) == (0, 0, 6)
    assert "personal_id.number_cell" in xlsx.warnings_by_rule  # 001088003333 lost its zeros in Excel
    assert snapshot(database) == before


def test_a_dry_run_counts_and_writes_nothing(database, settings, tmp_path) -> None:
    summary = imported(database, settings, tmp_path, dry_run=True)
    assert summary.dry_run and summary.new == 6 and summary.batch_id is None
    assert snapshot(database) == ([], [])
    assert audit_records(database) == []


def test_a_changed_row_updates_an_account_nobody_has_taken_over(database, settings, tmp_path) -> None:
    imported(database, settings, tmp_path)
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][3:6] = ["lãnh đạo", "11383 11311", "không"]
    summary = imported(database, settings, tmp_path, rows)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 5)
    assert summary.updated_logins == ("nva.lechan",)
    an = legacy(database, "nva.lechan")
    assert an.legacy_active is False
    _users, grants = snapshot(database)
    assert {(g[2], g[4]) for g in grants if g[1] == an.id} == {("leader", LE_CHAN), ("leader", HONG_BANG)}


def test_only_a_city_wide_administrator_may_import(database, settings, tmp_path) -> None:
    path = write_legacy_csv(tmp_path / "legacy.csv", GOOD_ROWS)
    for actor in (ANALYST, COMMUNE_ADMIN):
        with pytest.raises(PermissionDenied):
            import_legacy_users(database, settings, actor, path)
    denied = audit_records(database, "import.legacy_users")
    assert [(r.actor, r.outcome) for r in denied] == [("user:902", "denied"), ("user:901", "denied")]
    assert snapshot(database) == ([], [])


# --- the link at sign-in -----------------------------------------------------------------------------


def test_a_sign_in_whose_personal_id_matches_takes_the_account_over_with_exactly_its_grants(
    database, settings, tmp_path
) -> None:
    imported(database, settings, tmp_path)
    token, actor = sign_in(database, settings, identity("eid-lan", personal_id=LAN_ID), "192.0.2.5", T0)
    assert token
    assert grants_of(actor) == {("analyst", frozenset({(SCHEME, LE_CHAN), (SCHEME, AN_LAO)}))}
    account = legacy(database, "htl.multi")
    assert account.linked_user_id == actor.user_id
    assert account.linked_at == T0.replace(tzinfo=None)
    [link] = audit_records(database, "user.link_legacy")
    assert (link.outcome, link.actor, link.target) == ("success", actor.name, f"user:{account.id}")
    assert link.details["legacy_login"] == "htl.multi"
    assert sorted(link.details["granted"]) == [f"analyst@{SCHEME}:{LE_CHAN}", f"analyst@{SCHEME}:{AN_LAO}"]
    [signed] = [r for r in audit_records(database, "auth.sign_in") if r.outcome == "success"]
    assert signed.details["linked_legacy_user"] == account.id

    # the next sign-in links nothing again and keeps the same grants
    _token, again = sign_in(
        database, settings, identity("eid-lan", personal_id=LAN_ID), "", T0 + timedelta(hours=1)
    )
    assert grants_of(again) == grants_of(actor)
    assert len(audit_records(database, "user.link_legacy")) == 1
    overview = legacy_overview(database, OPERATOR)
    [line] = [a for a in overview.report.accounts if a.linked]
    assert (line.login, line.linked_user_id, line.linked_at) == ("htl.multi", actor.user_id, T0)


def test_a_person_with_no_legacy_account_still_gets_nothing_until_granted(
    database, settings, tmp_path
) -> None:
    imported(database, settings, tmp_path)
    with pytest.raises(SignInFailed) as caught:
        sign_in(database, settings, identity("stranger", personal_id="031066007777"), "", T0)
    assert caught.value.reason == "no_access"
    assert audit_records(database, "user.link_legacy") == []
    assert legacy_overview(database, OPERATOR).reviews == []


@pytest.mark.parametrize(
    ("personal_id", "reason", "logins"),
    [
        (TWIN_ID, "several_accounts", ("pmd.one", "pmd.two")),
        (CUONG_ID, "legacy_inactive", ("lvc.old",)),
    ],
)
def test_a_match_that_cannot_be_taken_over_is_refused_for_review(
    database, settings, tmp_path, personal_id, reason, logins
) -> None:
    imported(database, settings, tmp_path)
    for hour in (0, 1):  # audited once, however often the person tries
        with pytest.raises(SignInFailed, match="no access"):
            sign_in(
                database, settings, identity("eid-x", personal_id=personal_id), "", T0 + timedelta(hours=hour)
            )
    [refused] = audit_records(database, "user.link_legacy")
    assert refused.outcome == "denied" and refused.details["reason"] == reason
    [review] = legacy_overview(database, OPERATOR).reviews
    assert (review.reason, review.legacy_logins) == (reason, logins)
    assert review.reason_vi and review.reason_en
    assert not any(a.linked for a in legacy_report(database, OPERATOR).accounts)
    _users, grants = snapshot(database)
    assert not [g for g in grants if g[1] == review.user_id]


def test_an_account_already_taken_over_is_refused_to_a_second_identity(database, settings, tmp_path) -> None:
    imported(database, settings, tmp_path)
    _token, first = sign_in(database, settings, identity("eid-an", personal_id=AN_ID), "", T0)
    with pytest.raises(SignInFailed):
        sign_in(database, settings, identity("eid-an-again", personal_id=AN_ID), "", T0 + timedelta(hours=1))
    [review] = legacy_overview(database, OPERATOR).reviews
    assert review.reason == "already_linked" and review.legacy_logins == ("nva.lechan",)
    assert legacy(database, "nva.lechan").linked_user_id == first.user_id
    # an import may not change an account that was taken over
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][4] = "11311"
    with pytest.raises(ImportRejected) as caught:
        imported(database, settings, tmp_path, rows)
    [issue] = caught.value.errors
    assert (issue.rule, issue.row, issue.value) == ("login.linked_changed", 2, "nva.lechan")
    assert f"user {first.user_id}" in issue.message_en


# --- the lock: now, or scheduled ---------------------------------------------------------------------


def test_a_scheduled_lock_takes_effect_at_the_first_sign_in_after_its_day(
    database, settings, tmp_path
) -> None:
    imported(database, settings, tmp_path)
    day = (T0 + timedelta(days=3)).date()  # 01/12/2026: locks at 30/11/2026 17:00 UTC
    lock_at = schedule_legacy_lock(database, OPERATOR, day, now=T0)
    assert lock_at == datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)
    [scheduled] = audit_records(database, "users.lock_legacy_scheduled")
    assert scheduled.details["lock_at"] == "2026-11-30T17:00:00+00:00"
    assert legacy_report(database, OPERATOR).lock_at == lock_at

    # before the day: nothing locked, a sign-in still takes its account over
    _token, an = sign_in(
        database, settings, identity("eid-an", personal_id=AN_ID), "", lock_at - timedelta(minutes=1)
    )
    assert grants_of(an) == {("commune_officer", frozenset({(SCHEME, LE_CHAN)}))}
    assert legacy(database, "ttb.city").status == "active"
    assert audit_records(database, "users.lock_legacy") == []

    # the first sign-in from the day applies the lock: too late to take the account over
    with pytest.raises(SignInFailed):
        sign_in(
            database, settings, identity("eid-binh", personal_id=BINH_ID), "", lock_at + timedelta(minutes=1)
        )
    assert {legacy(database, login).status for login in ("ttb.city", "nva.lechan", "htl.multi")} == {"locked"}
    [run] = audit_records(database, "users.lock_legacy")
    assert run.actor == OPERATOR.name and run.details["scheduled"] is True and len(run.details["locked"]) == 6
    [review] = legacy_overview(database, OPERATOR).reviews
    assert (review.reason, review.legacy_logins) == ("legacy_locked", ("ttb.city",))
    assert legacy_report(database, OPERATOR).lock_at is None
    # the lock is applied once
    with pytest.raises(SignInFailed):
        sign_in(
            database, settings, identity("eid-binh", personal_id=BINH_ID), "", lock_at + timedelta(hours=1)
        )
    assert len(audit_records(database, "users.lock_legacy")) == 1


def test_a_lock_date_must_be_after_today_and_can_be_cancelled_or_replaced_by_a_lock_now(database) -> None:
    with pytest.raises(InvalidInput, match="after today"):
        schedule_legacy_lock(database, OPERATOR, date(2026, 11, 28), now=T0)
    with pytest.raises(NotFound):
        cancel_legacy_lock(database, OPERATOR, now=T0)
    schedule_legacy_lock(database, OPERATOR, date(2026, 12, 10), now=T0)
    when = cancel_legacy_lock(database, OPERATOR, now=T0)
    assert when == datetime(2026, 12, 9, 17, tzinfo=timezone.utc)
    assert legacy_report(database, OPERATOR).lock_at is None
    schedule_legacy_lock(database, OPERATOR, date(2026, 12, 10), now=T0)
    lock_legacy(database, OPERATOR, now=T0)
    assert legacy_report(database, OPERATOR).lock_at is None
    [run] = audit_records(database, "users.lock_legacy")
    assert run.details["schedule_cancelled"] == "2026-12-09T17:00:00+00:00"
    with pytest.raises(PermissionDenied):
        schedule_legacy_lock(database, ANALYST, date(2026, 12, 10), now=T0)


# --- who has moved -----------------------------------------------------------------------------------


def test_the_report_counts_who_has_moved_by_commune_and_the_share_on_the_e_id(
    database, settings, tmp_path
) -> None:
    imported(database, settings, tmp_path)
    sign_in(database, settings, identity("eid-an", personal_id=AN_ID), "", T0)
    report = legacy_report(database, OPERATOR)
    rows = {c.code: (c.accounts, c.linked, c.not_linked, c.inactive) for c in report.communes}
    assert rows == {
        None: (2, 0, 1, 1),  # ttb.city (waiting), lvc.old (inactive)
        LE_CHAN: (2, 1, 1, 0),  # nva.lechan (linked), htl.multi
        AN_LAO: (2, 0, 2, 0),  # pmd.one, htl.multi
        HONG_BANG: (1, 0, 1, 0),  # pmd.two
    }
    assert report.communes[0].code is None  # city-wide first
    share = eid_share(database, OPERATOR)
    # e-ID users with a role: An; old accounts active and not taken over: 4
    assert (share.eid_users, share.legacy_pending, share.legacy_linked, share.legacy_total) == (1, 4, 1, 6)
    assert share.share == pytest.approx(1 / 5)
    # an administrator of Lê Chân sees Lê Chân only
    scoped = legacy_report(database, COMMUNE_ADMIN)
    assert [c.code for c in scoped.communes] == [LE_CHAN]
    assert {a.login for a in scoped.accounts} == {"nva.lechan", "htl.multi"}
    with pytest.raises(PermissionDenied):
        legacy_report(database, ANALYST)


def test_a_personal_id_already_imported_under_another_login_is_a_warning(
    database, settings, tmp_path
) -> None:
    imported(database, settings, tmp_path)
    again = imported(database, settings, tmp_path)
    assert again.warnings_by_rule == {"personal_id.shared": 1}  # the twins, warned once as before
    later = imported(
        database, settings, tmp_path, [["an.new", "Nguyễn Văn An", AN_ID, "leader", "city", "có"]]
    )
    [warning] = later.warnings
    assert (warning.rule, warning.row) == ("personal_id.shared_existing", 2)
    assert "nva.lechan" in warning.message_vi and "review" in warning.message_en
