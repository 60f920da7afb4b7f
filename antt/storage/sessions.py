"""Server-side sessions: rows keyed by the SHA-256 of the token, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from antt.storage.tables import SessionRow, UserRow


def insert_session(
    session: Session, *, session_id: str, user_id: int, now: datetime, client_address: str, csrf_secret: str
) -> SessionRow:
    row = SessionRow(
        id=session_id,
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        ended_at=None,
        end_reason=None,
        client_address=client_address[:100],
        csrf_secret=csrf_secret,
    )
    session.add(row)
    session.flush()
    return row


def find_session(session: Session, session_id: str) -> tuple[SessionRow, UserRow] | None:
    """The session with this id (ended or not) and its user."""
    row = session.execute(
        select(SessionRow, UserRow)
        .join(UserRow, UserRow.id == SessionRow.user_id)
        .where(SessionRow.id == session_id)
    ).first()
    return None if row is None else (row[0], row[1])


def end_session(session: Session, session_id: str, now: datetime, reason: str) -> bool:
    """End one open session; ``False`` when there is no such open session."""
    result = session.execute(
        update(SessionRow)
        .where(SessionRow.id == session_id, SessionRow.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_user_sessions(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every open session of the user at once; return how many there were."""
    result = session.execute(
        update(SessionRow)
        .where(SessionRow.user_id == user_id, SessionRow.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def touch_session(session: Session, session_id: str, now: datetime) -> None:
    session.execute(
        update(SessionRow)
        .where(SessionRow.id == session_id, SessionRow.ended_at.is_(None))
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
