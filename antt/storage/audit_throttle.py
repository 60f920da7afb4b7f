"""Anonymous failures (a failed sign-in callback, an unreachable provider) go to the audit log at most once a
minute per client and action, each record counting the attempts it stands for.

Anyone can cause these without signing in; one record per attempt let a single client grow the log by
hundreds of records a second. The first attempt of a quiet client is recorded at once (details plus
``attempts: 1``); the following ones within the minute only count up in ``audit_throttle``; the next
attempt after the minute — or, if the client has gone quiet, the next anonymous failure of anyone, or a
checkpoint (:func:`flush_due`) — writes one record with ``attempts``, ``since`` and the ``reasons`` counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from antt.storage.audit import append, lock_chain
from antt.storage.tables import AuditThrottle

WINDOW = timedelta(minutes=1)
FLUSH_LIMIT = 100  # quiet clients flushed per call (the rest follow on the next calls)
FORGET_AFTER = timedelta(hours=1)  # throttle rows with nothing pending are dropped after this


def record_anonymous(
    session: Session,
    *,
    action: str,
    outcome: str,
    client: str,
    details: dict[str, object],
    at: datetime,
) -> bool:
    """Count one anonymous failure (``at`` naive UTC) and write a record if this client's minute is up.
    ``True`` when a record was written now. Call inside a write transaction."""
    lock_chain(session)  # the throttle rows change under the same lock as the chain (no double insert)
    reason = str(details.get("reason", ""))
    row = session.get(AuditThrottle, (client, action))
    if row is None:
        row = AuditThrottle(
            client=client, action=action, written_at=at, attempts=0, first_at=None, reasons={}
        )
        session.add(row)
        written = True
    else:
        written = at - row.written_at >= WINDOW
    if written:
        reasons = _counted(row.reasons, reason)
        extra: dict[str, object] = {"attempts": row.attempts + 1}
        if row.attempts:
            extra.update(since=_iso(row.first_at or at), reasons=reasons)
        append(
            session,
            actor="anonymous",
            action=action,
            outcome=outcome,
            client=client,
            details={**details, **extra},
            at=_aware(at),
        )
        row.written_at, row.attempts, row.first_at, row.reasons = at, 0, None, {}
    else:
        row.attempts += 1
        row.first_at = row.first_at or at
        row.reasons = _counted(row.reasons, reason)
    session.flush()
    flush_due(session, at, outcome=outcome)
    return written


def flush_due(session: Session, now: datetime, *, outcome: str = "failure") -> int:
    """Write the pending counts of clients whose minute is up and who have gone quiet; forget old rows.
    Returns the number of records written."""
    lock_chain(session)
    due = session.scalars(
        select(AuditThrottle)
        .where(AuditThrottle.attempts > 0, AuditThrottle.written_at <= now - WINDOW)
        .order_by(AuditThrottle.written_at)
        .limit(FLUSH_LIMIT)
    ).all()
    for row in due:
        append(
            session,
            actor="anonymous",
            action=row.action,
            outcome=outcome,
            client=row.client,
            details={"attempts": row.attempts, "since": _iso(row.first_at or now), "reasons": row.reasons},
            at=_aware(now),
        )
        row.written_at, row.attempts, row.first_at, row.reasons = now, 0, None, {}
    session.execute(
        delete(AuditThrottle).where(
            AuditThrottle.attempts == 0, AuditThrottle.written_at < now - FORGET_AFTER
        )
    )
    session.flush()
    return len(due)


def _counted(reasons: dict[str, object], reason: str) -> dict[str, object]:
    counts = dict(reasons)
    if reason:
        previous = counts.get(reason, 0)
        counts[reason] = (previous if isinstance(previous, int) else 0) + 1
    return counts


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)
