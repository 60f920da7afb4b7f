"""Verifying the audit chain: from the first record (full) or only what is new since the last check.

The last verified position (``audit_verified``: record count, id and hash of the last record checked) is
signed with the audit chain key, so someone with database access but not the key can neither move it
forward over records they edited nor hide that they rewrote the records before it: an incremental check
first confirms that the record it remembers is still there, unchanged, with as many records up to it as
before, then walks only the records after it. A full walk still finds an edited record anywhere.

The legacy prefix (records hashed with plain SHA-256 before revision 0003) is pinned by the signed
``audit_boundary`` row: the first keyed record must link to its ``legacy_head``, and without the row every
record must be keyed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from antt.storage.audit import GENESIS, keyed_digest, legacy_digest, lock_chain, payload
from antt.storage.tables import AuditBoundary, AuditRecord, AuditVerified

BATCH = 5000

# what is wrong, as ChainCheck.problem
EDITED = "record_edited"  # the record's hash does not match its content
UNLINKED = (
    "record_unlinked"  # the record does not link to the one before it: a record was deleted or inserted
)
LEGACY_CHANGED = "legacy_changed"  # the records before the keyed chain were rewritten or cut short
BOUNDARY_FORGED = "boundary_forged"  # the audit_boundary row is not signed with the key
STATE_FORGED = "verified_state_forged"  # the audit_verified row is not signed with the key
VERIFIED_CHANGED = "verified_record_changed"  # the last record verified before is gone or was rehashed
COUNT_CHANGED = "verified_count_changed"  # records were deleted or inserted before the last verified one


@dataclass(frozen=True)
class ChainCheck:
    records: int  # records in the chain as far as it was checked
    first_bad_id: int | None  # the first record found wrong (or the last one known good when it is gone)
    problem: str | None = None
    walked: int = 0  # records whose hashes were recomputed by this check
    full: bool = False
    head_id: int = 0
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Boundary:
    keyed_from_id: int
    legacy_head: str


@dataclass(frozen=True)
class Verified:
    records: int
    last_id: int
    last_hash: str
    verified_at: datetime
    full_at: datetime | None


def boundary_mac(key: bytes, keyed_from_id: int, legacy_head: str) -> str:
    return hmac.new(
        key, f"antt audit boundary|{keyed_from_id}|{legacy_head}".encode(), hashlib.sha256
    ).hexdigest()


def _verified_mac(key: bytes, records: int, last_id: int, last_hash: str) -> str:
    message = f"antt audit verified|{records}|{last_id}|{last_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def load_boundary(session: Session, key: bytes) -> Boundary | str | None:
    """The legacy boundary, ``None`` when every record is keyed, or :data:`BOUNDARY_FORGED`."""
    row = session.get(AuditBoundary, 1)
    if row is None:
        return None
    if not hmac.compare_digest(row.mac, boundary_mac(key, row.keyed_from_id, row.legacy_head)):
        return BOUNDARY_FORGED
    return Boundary(row.keyed_from_id, row.legacy_head)


def load_verified(session: Session, key: bytes) -> Verified | str | None:
    """The last verified position, ``None`` when never verified, or :data:`STATE_FORGED`."""
    row = session.get(AuditVerified, 1)
    if row is None:
        return None
    if not hmac.compare_digest(row.mac, _verified_mac(key, row.records, row.last_id, row.last_hash)):
        return STATE_FORGED
    return Verified(row.records, row.last_id, row.last_hash, row.verified_at, row.full_at)


def count_up_to(session: Session, record_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.id <= record_id)) or 0
    )


def hash_of(session: Session, record_id: int) -> str | None:
    return session.scalar(select(AuditRecord.hash).where(AuditRecord.id == record_id))


def verify_chain(session: Session, key: bytes, *, full: bool = False) -> ChainCheck:
    """Check the chain: everything (``full``), or only the records after the last verified position
    (after confirming that position still holds). Read-only: :func:`remember` saves a good result."""
    boundary = load_boundary(session, key)
    if isinstance(boundary, str):
        return ChainCheck(0, None, boundary, full=full)
    state = load_verified(session, key)
    if isinstance(state, str):
        return ChainCheck(0, None, state, full=full)
    if state is not None and state.last_id > 0:
        if hash_of(session, state.last_id) != state.last_hash:
            return ChainCheck(state.records, state.last_id, VERIFIED_CHANGED, full=full)
        if count_up_to(session, state.last_id) != state.records:
            return ChainCheck(state.records, state.last_id, COUNT_CHANGED, full=full)
    if full or state is None:
        return _walk(session, key, boundary, 0, GENESIS, 0, full=True)
    return _walk(session, key, boundary, state.last_id, state.last_hash, state.records, full=False)


def _walk(
    session: Session,
    key: bytes,
    boundary: Boundary | None,
    after_id: int,
    prev_hash: str,
    count: int,
    *,
    full: bool,
) -> ChainCheck:
    keyed_from = boundary.keyed_from_id if boundary else 0
    in_legacy = after_id < keyed_from
    last_id = after_id
    columns = (
        AuditRecord.id,
        AuditRecord.at,
        AuditRecord.actor,
        AuditRecord.action,
        AuditRecord.target,
        AuditRecord.client,
        AuditRecord.outcome,
        AuditRecord.details,
        AuditRecord.prev_hash,
        AuditRecord.hash,
    )
    query = select(*columns).where(AuditRecord.id > after_id).order_by(AuditRecord.id)
    walked = 0
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        record_id, at, actor, action, obj, client, outcome, details, record_prev, record_hash = row
        count += 1
        walked += 1
        data = payload(record_prev, at, actor, action, obj, client, outcome, details)
        if in_legacy and record_id >= keyed_from:
            in_legacy = False
            assert boundary is not None
            if prev_hash != boundary.legacy_head:
                return ChainCheck(count, record_id, LEGACY_CHANGED, walked, full)
        if record_prev != prev_hash:
            return ChainCheck(count, record_id, UNLINKED, walked, full)
        expected = legacy_digest(data) if in_legacy else keyed_digest(key, data)
        if not hmac.compare_digest(record_hash, expected):
            return ChainCheck(count, record_id, EDITED, walked, full)
        prev_hash, last_id = record_hash, record_id
    if in_legacy and boundary is not None and prev_hash != boundary.legacy_head:
        return ChainCheck(count, last_id or None, LEGACY_CHANGED, walked, full)
    return ChainCheck(count, None, None, walked, full, last_id, prev_hash)


def remember(session: Session, key: bytes, check: ChainCheck, now: datetime) -> None:
    """Save a good check as the new verified position (in a write transaction); never moves backwards."""
    if not check.ok or check.head_id == 0:
        return
    lock_chain(session)
    row = session.get(AuditVerified, 1)
    if row is not None and row.last_id > check.head_id:
        return
    mac = _verified_mac(key, check.records, check.head_id, check.head_hash)
    if row is None:
        row = AuditVerified(id=1, full_at=None)
        session.add(row)
    row.records, row.last_id, row.last_hash, row.verified_at, row.mac = (
        check.records,
        check.head_id,
        check.head_hash,
        now,
        mac,
    )
    if check.full:
        row.full_at = now
    session.flush()


@dataclass(frozen=True)
class AnchorCheck:
    problem: str | None  # None: the log still holds what the checkpoint saw
    records_now: int


ANCHOR_HEAD_MISSING = "checkpoint_head_missing"  # the checkpoint's last record is gone: the tail was cut
ANCHOR_HEAD_CHANGED = "checkpoint_head_changed"  # the checkpoint's last record has another hash: rehashed
ANCHOR_COUNT_CHANGED = "checkpoint_count_changed"  # records up to the checkpoint's last were deleted/added


def check_anchor(session: Session, records: int, head_id: int, head_hash: str) -> AnchorCheck:
    """Whether the log still contains what a checkpoint (``records`` records ending with ``head_id`` whose
    hash is ``head_hash``) saw."""
    total = session.scalar(select(func.count()).select_from(AuditRecord)) or 0
    if records == 0:
        return AnchorCheck(None, total)
    found = hash_of(session, head_id)
    if found is None:
        return AnchorCheck(ANCHOR_HEAD_MISSING, total)
    if found != head_hash:
        return AnchorCheck(ANCHOR_HEAD_CHANGED, total)
    if count_up_to(session, head_id) != records:
        return AnchorCheck(ANCHOR_COUNT_CHANGED, total)
    return AnchorCheck(None, total)


def chain_head(session: Session) -> tuple[int, int, str]:
    """(records, last id, last hash) of the log now (0, 0, GENESIS when empty)."""
    last = session.execute(
        select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)
    ).first()
    if last is None:
        return 0, 0, GENESIS
    return count_up_to(session, last[0]), last[0], last[1]
