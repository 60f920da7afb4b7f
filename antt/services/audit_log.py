"""Reading, verifying and exporting the audit log, and recording authorisation failures.

The log is append-only with a hash chain (:mod:`antt.storage.audit`). Reading it needs
:data:`Action.READ_AUDIT` city-wide (the log is not divided by unit); each verification, read and export
is itself audited (``audit.verify``, ``audit.read``, ``audit.export``).

Date ranges are local (Asia/Ho_Chi_Minh) calendar days, both ends included; record times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from antt.domain.access import Action, Actor
from antt.domain.periods import VIETNAM_TZ
from antt.errors import InvalidInput, PermissionDenied
from antt.services.sessions import aware_utc, naive_utc
from antt.storage import audit
from antt.storage.engine import Database
from antt.storage.tables import AuditRecord

READ_LIMIT = 1000


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # aware UTC
    actor: str
    action: str
    object: str
    client: str
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """The record as exported: every field, ``at`` in ISO 8601 UTC (``…Z``)."""
        return {
            "id": self.id,
            "at": self.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": self.actor,
            "action": self.action,
            "object": self.object,
            "client": self.client,
            "outcome": self.outcome,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_bad_id: int | None  # the first record whose hash or link does not match

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def _entry(record: AuditRecord) -> AuditEntry:
    return AuditEntry(
        record.id,
        aware_utc(record.at),
        record.actor,
        record.action,
        record.target,
        record.client,
        record.outcome,
        dict(record.details),
        record.prev_hash,
        record.hash,
    )


def _require_reader(database: Database, actor: Actor, action: str, client_address: str) -> None:
    if actor.can_city_wide(Action.READ_AUDIT):
        return
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action=action,
            outcome="denied",
            client=client_address,
            details={"reason": "read_audit_city_wide_required"},
        )
    raise PermissionDenied(
        "Chỉ thanh tra hoặc quản trị viên toàn thành phố được đọc nhật ký kiểm toán.",
        "Only a city-wide auditor or administrator may read the audit log.",
    )


def verify_audit(database: Database, actor: Actor, client_address: str = "") -> ChainReport:
    """Walk the whole hash chain; ``first_bad_id`` names the first edited record (or the one after a
    deleted record). The check is audited (``audit.verify``, outcome ``failure`` when broken)."""
    _require_reader(database, actor, "audit.verify", client_address)
    with database.transaction(write=False) as session:
        check = audit.verify_chain(session)
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="audit.verify",
            outcome="success" if check.ok else "failure",
            client=client_address,
            details={"records": check.records, "first_bad_id": check.first_bad_id},
        )
    return ChainReport(check.records, check.first_bad_id)


def _utc_range(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    if date_to < date_from:
        raise InvalidInput(
            f"Ngày kết thúc {date_to:%d/%m/%Y} trước ngày bắt đầu {date_from:%d/%m/%Y}.",
            f"The end date {date_to:%d/%m/%Y} is before the start date {date_from:%d/%m/%Y}.",
        )
    start = datetime.combine(date_from, time(), VIETNAM_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time(), VIETNAM_TZ)
    return naive_utc(start), naive_utc(end)


def export_audit(
    database: Database, actor: Actor, date_from: date, date_to: date, client_address: str = ""
) -> list[AuditEntry]:
    """Every record of the local days ``date_from`` … ``date_to``, oldest first, with its hashes (so the
    export can be checked on its own). The export is audited (``audit.export``) after it is read."""
    _require_reader(database, actor, "audit.export", client_address)
    start, end = _utc_range(date_from, date_to)
    with database.transaction() as session:
        entries = [_entry(r) for r in audit.records_between(session, start, end)]
        audit.append(
            session,
            actor=actor.name,
            action="audit.export",
            outcome="success",
            client=client_address,
            details={"from": date_from.isoformat(), "to": date_to.isoformat(), "records": len(entries)},
        )
    return entries


def read_audit(
    database: Database,
    actor: Actor,
    date_from: date,
    date_to: date,
    *,
    limit: int = READ_LIMIT,
    client_address: str = "",
) -> list[AuditEntry]:
    """The records of a range of local days for the auditor's page (at most ``limit``, oldest first);
    audited as ``audit.read``."""
    _require_reader(database, actor, "audit.read", client_address)
    start, end = _utc_range(date_from, date_to)
    with database.transaction() as session:
        entries = [_entry(r) for r in audit.records_between(session, start, end, limit)]
        audit.append(
            session,
            actor=actor.name,
            action="audit.read",
            outcome="success",
            client=client_address,
            details={"from": date_from.isoformat(), "to": date_to.isoformat(), "records": len(entries)},
        )
    return entries


def record_denied(
    database: Database,
    actor: Actor,
    action: Action | str,
    obj: str = "",
    client_address: str = "",
    now: datetime | None = None,
) -> None:
    """Audit an authorisation failure (``access.denied``): ``actor`` tried ``action`` on ``obj`` (a
    route, a unit, a record) and was refused (403) or shown nothing (404)."""
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="access.denied",
            outcome="denied",
            obj=obj,
            client=client_address,
            details={"action": str(action)},
            at=aware_utc(naive_utc(now)),
        )
