"""Reading, verifying, anchoring and exporting the audit log, and recording authorisation failures.

The log is append-only with a keyed hash chain (:mod:`antt.storage.audit`). Reading it needs
:data:`Action.READ_AUDIT` city-wide (the log is not divided by unit); each verification, read, export and
checkpoint is itself audited (``audit.verify``, ``audit.read``, ``audit.export``, ``audit.checkpoint``),
once: the auditor's page writes one ``audit.read`` record per view, carrying its chain check.

Verification is incremental by default (only the records since the last good check, after confirming the
signed last-verified position still holds, :mod:`antt.storage.audit_verify`); ``full=True`` walks every
record. Against a checkpoint (:mod:`antt.services.audit_checkpoints`) it also finds records cut from the
end or a log rewritten with the key's help unavailable to the attacker.

Date ranges are local (Asia/Ho_Chi_Minh) calendar days, both ends included; record times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from antt.domain.access import Action, Actor
from antt.domain.periods import VIETNAM_TZ
from antt.errors import InvalidInput, PermissionDenied
from antt.services import audit_checkpoints as checkpoints
from antt.services.audit_checkpoints import Checkpoint, CheckpointForged
from antt.services.sessions import aware_utc, naive_utc
from antt.settings import AUDIT_CHAIN_KEY, AUDIT_CHECKPOINT_KEY
from antt.storage import audit, audit_throttle, audit_verify
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


CHECKPOINT_FORGED = "checkpoint_forged"

#: what a failed check found, in Vietnamese and English ({id}: ChainReport.first_bad_id)
PROBLEMS: dict[str, tuple[str, str]] = {
    audit_verify.EDITED: (
        "bản ghi {id} đã bị sửa (mã băm không khớp nội dung)",
        "record {id} was edited (its hash does not match its content)",
    ),
    audit_verify.UNLINKED: (
        "bản ghi {id} không nối với bản ghi trước nó: đã có bản ghi bị xoá hoặc chèn vào trước {id}",
        "record {id} does not link to the one before it: a record before {id} was deleted or inserted",
    ),
    audit_verify.LEGACY_CHANGED: (
        "các bản ghi cũ (trước khi chuỗi có khoá) đã bị viết lại hoặc cắt bớt",
        "the old records (from before the chain was keyed) were rewritten or cut short",
    ),
    audit_verify.BOUNDARY_FORGED: (
        "dòng audit_boundary không có chữ ký đúng: đã bị sửa",
        "the audit_boundary row is not correctly signed: it was altered",
    ),
    audit_verify.STATE_FORGED: (
        "dòng audit_verified (vị trí đã kiểm tra) không có chữ ký đúng: đã bị sửa",
        "the audit_verified row (the position checked so far) is not correctly signed: it was altered",
    ),
    audit_verify.VERIFIED_CHANGED: (
        "bản ghi {id}, đã kiểm tra nguyên vẹn lần trước, nay bị xoá hoặc băm lại: các bản ghi cuối bị xoá "
        "hoặc nhật ký bị viết lại",
        "record {id}, intact at the last check, is now gone or rehashed: records were deleted from the end "
        "or the log was rewritten",
    ),
    audit_verify.COUNT_CHANGED: (
        "số bản ghi đến bản ghi {id} đã thay đổi kể từ lần kiểm tra trước: có bản ghi bị xoá hoặc chèn",
        "the number of records up to record {id} changed since the last check: records were deleted or "
        "inserted",
    ),
    audit_verify.ANCHOR_HEAD_MISSING: (
        "bản ghi cuối của mốc kiểm toán ({id}) không còn: các bản ghi cuối đã bị xoá",
        "the checkpoint's last record ({id}) is gone: records were deleted from the end",
    ),
    audit_verify.ANCHOR_HEAD_CHANGED: (
        "bản ghi cuối của mốc kiểm toán ({id}) có mã băm khác: nhật ký đã bị băm lại",
        "the checkpoint's last record ({id}) has another hash: the log was rehashed",
    ),
    audit_verify.ANCHOR_COUNT_CHANGED: (
        "số bản ghi đến bản ghi cuối của mốc kiểm toán ({id}) đã khác: có bản ghi bị xoá hoặc chèn",
        "the number of records up to the checkpoint's last record ({id}) differs: records were deleted "
        "or inserted",
    ),
    CHECKPOINT_FORGED: (
        "mốc kiểm toán không đọc được hoặc sai chữ ký (tệp bị sửa hoặc khác khoá)",
        "the checkpoint is unreadable or wrongly signed (the file was edited, or another key)",
    ),
}


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_bad_id: int | None  # the first record whose hash or link does not match
    problem: str | None = None  # a key of PROBLEMS; None: intact
    walked: int = 0  # records rehashed by this check (all of them when full)
    full: bool = False
    full_at: datetime | None = None  # aware UTC: the last full walk that found the chain intact
    checkpoint: Checkpoint | None = None  # the checkpoint the log was compared with

    @property
    def ok(self) -> bool:
        return self.problem is None

    def explanation(self) -> tuple[str, str]:
        """What is wrong, (Vietnamese, English); empty when intact."""
        if self.problem is None:
            return "", ""
        vi, en = PROBLEMS[self.problem]
        return vi.format(id=self.first_bad_id), en.format(id=self.first_bad_id)


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


def verify_audit(
    database: Database,
    actor: Actor,
    client_address: str = "",
    *,
    full: bool = False,
    checkpoint_file: Path | None = None,
    audited: bool = True,
    now: datetime | None = None,
) -> ChainReport:
    """Check the hash chain — only what is new since the last good check, or every record (``full``) —
    and compare the log with the last checkpoint of ``checkpoint_file`` (default: the configured file, if
    it exists). ``first_bad_id`` names the first edited record, the one after a deleted record, or the last
    known-good record that has gone. Audited as ``audit.verify`` (outcome ``failure`` when broken) unless
    ``audited`` is off (the auditor's page records its check in its ``audit.read`` record)."""
    _require_reader(database, actor, "audit.verify", client_address)
    report = _check(database, full=full, checkpoint_file=checkpoint_file, now=now)
    if audited:
        with database.transaction() as session:
            audit.append(
                session,
                actor=actor.name,
                action="audit.verify",
                outcome="success" if report.ok else "failure",
                client=client_address,
                details=_chain_details(report),
                at=aware_utc(naive_utc(now)),
            )
    return report


def _chain_details(report: ChainReport) -> dict[str, object]:
    details: dict[str, object] = {
        "records": report.records,
        "first_bad_id": report.first_bad_id,
        "walked": report.walked,
    }
    if report.problem:
        details["problem"] = report.problem
    details["full"] = report.full
    if report.checkpoint is not None:
        details["checkpoint"] = {"records": report.checkpoint.records, "head_id": report.checkpoint.head_id}
    return details


def _check(
    database: Database, *, full: bool, checkpoint_file: Path | None, now: datetime | None
) -> ChainReport:
    settings = database.settings
    key = settings.derived_key(AUDIT_CHAIN_KEY)
    path = checkpoint_file
    if path is None and settings.checkpoint_path.exists():
        path = settings.checkpoint_path
    checkpoint: Checkpoint | None = None
    if path is not None:
        line = checkpoints.last_line(path)
        if line is not None:
            try:
                checkpoint = checkpoints.parse(line, settings.derived_key(AUDIT_CHECKPOINT_KEY))
            except CheckpointForged:
                return ChainReport(0, None, CHECKPOINT_FORGED)
    with database.transaction(write=False) as session:
        check = audit_verify.verify_chain(session, key, full=full)
        anchor = (
            audit_verify.check_anchor(session, checkpoint.records, checkpoint.head_id, checkpoint.head_hash)
            if checkpoint is not None and check.ok
            else None
        )
        state = audit_verify.load_verified(session, key)
    if anchor is not None and anchor.problem is not None:
        assert checkpoint is not None
        return ChainReport(
            anchor.records_now, checkpoint.head_id, anchor.problem, check.walked, full, None, checkpoint
        )
    if check.ok:
        with database.transaction() as session:
            audit_verify.remember(session, key, check, naive_utc(now))
            state = audit_verify.load_verified(session, key)
    full_at = state.full_at if isinstance(state, audit_verify.Verified) else None
    return ChainReport(
        check.records,
        check.first_bad_id,
        check.problem,
        check.walked,
        check.full,
        aware_utc(full_at) if full_at else None,
        checkpoint,
    )


def checkpoint_audit(
    database: Database,
    actor: Actor,
    path: Path | None = None,
    client_address: str = "",
    now: datetime | None = None,
) -> tuple[Checkpoint | None, ChainReport]:
    """Check the chain (incrementally), then append a signed checkpoint of what was checked to ``path``
    (default: the configured checkpoint file) and return it. Nothing is written when the chain is broken
    (the checkpoint would vouch for the damage). Pending anonymous-failure counts are written first, so
    the checkpoint covers them. Audited as ``audit.checkpoint``, after the checkpoint."""
    _require_reader(database, actor, "audit.checkpoint", client_address)
    target = path or database.settings.checkpoint_path
    moment = naive_utc(now)
    with database.transaction() as session:
        audit_throttle.flush_due(session, moment)
    report = _check(database, full=False, checkpoint_file=target if target.exists() else None, now=now)
    if not report.ok:
        return None, report
    with database.transaction(write=False) as session:
        state = audit_verify.load_verified(session, database.settings.derived_key(AUDIT_CHAIN_KEY))
    if isinstance(state, audit_verify.Verified):
        checkpoint = Checkpoint(state.records, state.last_id, state.last_hash, aware_utc(moment))
    else:  # an empty log
        checkpoint = Checkpoint(0, 0, audit.GENESIS, aware_utc(moment))
    checkpoints.append_line(target, checkpoint.line(database.settings.derived_key(AUDIT_CHECKPOINT_KEY)))
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="audit.checkpoint",
            outcome="success",
            client=client_address,
            details={"records": checkpoint.records, "head_id": checkpoint.head_id, "file": str(target)},
            at=aware_utc(moment),
        )
    return checkpoint, report


_FIRST_DAY, _LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)  # UTC conversion stays within datetime


def _utc_range(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    for day in (date_from, date_to):
        if not _FIRST_DAY <= day <= _LAST_DAY:
            raise InvalidInput(
                f"Ngày {day:%d/%m/%Y} nằm ngoài khoảng cho phép ({_FIRST_DAY:%d/%m/%Y} – {_LAST_DAY:%d/%m/%Y}).",
                f"The date {day:%d/%m/%Y} is out of range ({_FIRST_DAY:%d/%m/%Y} – {_LAST_DAY:%d/%m/%Y}).",
            )
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


@dataclass(frozen=True)
class AuditView:
    entries: list[AuditEntry]
    chain: ChainReport


def view_audit(
    database: Database,
    actor: Actor,
    date_from: date,
    date_to: date,
    *,
    limit: int = READ_LIMIT,
    client_address: str = "",
    now: datetime | None = None,
) -> AuditView:
    """The auditor's page: the records of a range of local days and an incremental chain check (against
    the configured checkpoint file, if any). One ``audit.read`` record, carrying the check's result."""
    _require_reader(database, actor, "audit.read", client_address)
    start, end = _utc_range(date_from, date_to)
    chain = _check(database, full=False, checkpoint_file=None, now=now)
    with database.transaction() as session:
        entries = [_entry(r) for r in audit.records_between(session, start, end, limit)]
        audit.append(
            session,
            actor=actor.name,
            action="audit.read",
            outcome="success",
            client=client_address,
            details={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "records": len(entries),
                "chain": _chain_details(chain) | {"ok": chain.ok},
            },
            at=aware_utc(naive_utc(now)),
        )
    return AuditView(entries, chain)


def record_anonymous_failure(
    database: Database,
    action: str,
    client_address: str,
    details: dict[str, object],
    now: datetime | None = None,
) -> bool:
    """Audit a failure by someone not signed in (a failed sign-in callback …), at most one record a
    minute per client and action, each counting the attempts it stands for
    (:mod:`antt.storage.audit_throttle`). ``True`` when a record was written now."""
    with database.transaction() as session:
        return audit_throttle.record_anonymous(
            session,
            action=action,
            outcome="failure",
            client=client_address,
            details=details,
            at=naive_utc(now),
        )


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
