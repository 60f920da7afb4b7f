"""The append-only audit log with a hash chain.

Each record's ``hash`` is SHA-256 over its content and the previous record's hash, so editing or deleting
any record breaks every hash after it; :func:`verify_chain` finds the first break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from antt.storage.tables import AuditRecord

GENESIS = "0" * 64


def _digest(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    obj: str,
    client: str,
    outcome: str,
    details: dict[str, object],
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, obj, client, outcome, details],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    outcome: str,
    obj: str = "",
    client: str = "",
    details: dict[str, object] | None = None,
    at: datetime | None = None,
) -> AuditRecord:
    """Append one record inside the caller's transaction (so it commits or rolls back with the action)."""
    details = json.loads(json.dumps(details or {}, default=str))
    at = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    last = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).first()
    prev_hash = last.hash if last else GENESIS
    record = AuditRecord(
        at=at,
        actor=actor,
        action=action,
        target=obj,
        client=client,
        outcome=outcome,
        details=details,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, actor, action, obj, client, outcome, details),
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class ChainCheck:
    records: int
    first_bad_id: int | None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(session: Session) -> ChainCheck:
    prev_hash = GENESIS
    count = 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        count += 1
        expected = _digest(
            prev_hash,
            record.at,
            record.actor,
            record.action,
            record.target,
            record.client,
            record.outcome,
            record.details,
        )
        if record.prev_hash != prev_hash or record.hash != expected:
            return ChainCheck(count, record.id)
        prev_hash = record.hash
    return ChainCheck(count, None)


def records_between(
    session: Session, start: datetime, end: datetime, limit: int | None = None
) -> list[AuditRecord]:
    """Records with ``start <= at < end`` (naive UTC), oldest first, at most ``limit`` of them."""
    query = select(AuditRecord).where(AuditRecord.at >= start, AuditRecord.at < end).order_by(AuditRecord.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))
