"""Reading, verifying and exporting the audit log: who may, which days, and that each is audited."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update

from antt.domain.access import Actor, Grant, Role
from antt.errors import InvalidInput, PermissionDenied
from antt.services.audit_log import export_audit, read_audit, record_denied, verify_audit
from antt.storage import audit
from antt.storage.tables import AuditRecord
from tests.user_fixtures import SCHEME, audit_records

AUDITOR = Actor.for_user("user:1", [Grant.city(Role.AUDITOR)], user_id=1)
LE_CHAN_AUDITOR = Actor.for_user("user:2", [Grant.on(Role.AUDITOR, (SCHEME, "11383"))], user_id=2)
LEADER = Actor.for_user("user:3", [Grant.city(Role.LEADER)], user_id=3)


def append_at(database, moment: datetime, action: str = "test.action") -> None:
    with database.transaction() as session:
        audit.append(session, actor="t", action=action, outcome="success", at=moment)


def test_an_export_takes_local_days_and_is_itself_audited(database) -> None:
    # 16:59 and 17:00 UTC on 4 March are 23:59 on 4 March and 00:00 on 5 March in Hải Phòng
    append_at(database, datetime(2026, 3, 4, 16, 59, tzinfo=timezone.utc), "a.before")
    append_at(database, datetime(2026, 3, 4, 17, 0, tzinfo=timezone.utc), "a.first")
    append_at(database, datetime(2026, 3, 6, 16, 59, 59, tzinfo=timezone.utc), "a.last")
    append_at(database, datetime(2026, 3, 6, 17, 0, tzinfo=timezone.utc), "a.after")

    entries = export_audit(database, AUDITOR, date(2026, 3, 5), date(2026, 3, 6), "10.0.0.2")

    assert [e.action for e in entries] == ["a.first", "a.last"]
    assert entries[0].as_dict()["at"] == "2026-03-04T17:00:00.000000Z"
    assert entries[1].prev_hash == entries[0].hash
    [record] = audit_records(database, "audit.export")
    assert (record.actor, record.client) == ("user:1", "10.0.0.2")
    assert record.details == {"from": "2026-03-05", "to": "2026-03-06", "records": 2}


@pytest.mark.parametrize("actor", [LEADER, LE_CHAN_AUDITOR, Actor("old-style")])
def test_reading_the_log_needs_a_city_wide_auditor_or_administrator(database, actor) -> None:
    for call in (
        lambda: export_audit(database, actor, date(2026, 3, 5), date(2026, 3, 6)),
        lambda: read_audit(database, actor, date(2026, 3, 5), date(2026, 3, 6)),
        lambda: verify_audit(database, actor),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert [(r.action, r.outcome) for r in audit_records(database)] == [
        ("audit.export", "denied"),
        ("audit.read", "denied"),
        ("audit.verify", "denied"),
    ]


def test_an_export_range_must_not_end_before_it_starts(database) -> None:
    with pytest.raises(InvalidInput):
        export_audit(database, AUDITOR, date(2026, 3, 6), date(2026, 3, 5))


@pytest.mark.parametrize("days", [(date(1, 1, 1), date(1, 1, 1)), (date(2026, 1, 1), date(9999, 12, 31))])
def test_days_beyond_what_utc_can_hold_are_an_input_error(database, days) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        export_audit(database, AUDITOR, *days)
    with pytest.raises(InvalidInput, match="out of range"):
        read_audit(database, AUDITOR, *days)


def test_a_full_verify_finds_the_first_edited_record(database) -> None:
    for n in range(4):
        append_at(database, datetime(2026, 3, 5, 1, n, tzinfo=timezone.utc))
    assert verify_audit(database, AUDITOR).ok
    with database.transaction() as session:
        session.execute(update(AuditRecord).where(AuditRecord.id == 3).values(outcome="failure"))
    report = verify_audit(database, AUDITOR, full=True)
    assert (report.ok, report.first_bad_id, report.problem) == (False, 3, "record_edited")
    assert [r.outcome for r in audit_records(database, "audit.verify")] == ["success", "failure"]


def test_an_authorisation_failure_is_recorded(database) -> None:
    record_denied(database, LEADER, "view_persons", "GET /persons/17", "192.0.2.3")
    [record] = audit_records(database, "access.denied")
    assert (record.actor, record.target, record.client, record.details) == (
        "user:3",
        "GET /persons/17",
        "192.0.2.3",
        {"action": "view_persons"},
    )
