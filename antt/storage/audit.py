"""The append-only audit log with a keyed hash chain.

Each record's ``hash`` is HMAC-SHA-256, under the audit chain key (derived from the configured secret, see
:meth:`antt.settings.Settings.derived_key`), of its content and the previous record's hash: editing or
deleting a record breaks every hash after it, and without the key nobody can recompute them.
Records written before the chain was keyed (revision 0003) keep their plain SHA-256 digest; the signed
:class:`~antt.storage.tables.AuditBoundary` row says where they end (:mod:`antt.storage.audit_verify`).

Appends are serialised: SQLite's write transactions already are (``BEGIN IMMEDIATE``); on PostgreSQL
:func:`lock_chain` takes a transaction-level advisory lock before the head is read, so two concurrent
appends can never both link to the same previous record (a fork).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from antt.errors import SettingsError
from antt.settings import AUDIT_CHAIN_KEY, Settings
from antt.storage.tables import AuditRecord

if TYPE_CHECKING:
    from antt.storage import audit_verify

GENESIS = "0" * 64
#: pg_advisory_xact_lock key of the audit chain head ("anttaudt" in ASCII)
CHAIN_LOCK = 0x616E747461756474
SETTINGS_INFO = "antt_settings"  # Session.info key set by antt.storage.engine.Database


def payload(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    obj: str,
    client: str,
    outcome: str,
    details: dict[str, object],
) -> bytes:
    """The bytes a record's hash covers (canonical JSON)."""
    return json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, obj, client, outcome, details],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    ).encode("utf-8")


def legacy_digest(data: bytes) -> str:
    """The unkeyed digest of records written before revision 0003."""
    return hashlib.sha256(data).hexdigest()


def keyed_digest(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def chain_key(session: Session) -> bytes:
    """The audit chain key of the database this session belongs to."""
    settings = session.info.get(SETTINGS_INFO)
    if not isinstance(settings, Settings):
        raise SettingsError(
            "Phiên cơ sở dữ liệu không mang cấu hình: không có khoá chuỗi nhật ký kiểm toán.",
            "The database session carries no settings: there is no audit chain key.",
        )
    return settings.derived_key(AUDIT_CHAIN_KEY)


def lock_chain(session: Session) -> None:
    """Hold the chain head until the transaction ends (PostgreSQL; SQLite writers are serialised by
    ``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def head(session: Session) -> tuple[int, str] | None:
    """The id and hash of the newest record, or ``None`` for an empty log."""
    row = session.execute(select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1))
    found = row.first()
    return None if found is None else (found[0], found[1])


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
    key = chain_key(session)
    details = json.loads(json.dumps(details or {}, default=str))
    at = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    lock_chain(session)
    last = head(session)
    prev_hash = last[1] if last else GENESIS
    record = AuditRecord(
        at=at,
        actor=actor,
        action=action,
        target=obj,
        client=client,
        outcome=outcome,
        details=details,
        prev_hash=prev_hash,
        hash=keyed_digest(key, payload(prev_hash, at, actor, action, obj, client, outcome, details)),
    )
    session.add(record)
    session.flush()
    return record


def records_between(
    session: Session, start: datetime, end: datetime, limit: int | None = None
) -> list[AuditRecord]:
    """Records with ``start <= at < end`` (naive UTC), oldest first, at most ``limit`` of them."""
    query = select(AuditRecord).where(AuditRecord.at >= start, AuditRecord.at < end).order_by(AuditRecord.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def verify_chain(session: Session) -> audit_verify.ChainCheck:
    """Walk the whole chain with this session's key (:func:`antt.storage.audit_verify.verify_chain`)."""
    from antt.storage import audit_verify as checks  # it builds on this module

    return checks.verify_chain(session, chain_key(session), full=True)
