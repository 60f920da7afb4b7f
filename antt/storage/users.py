"""Users and their grants: look-ups and changes, inside the caller's transaction.

Grants are read back as :class:`antt.domain.access.Grant` (one per role, its units merged; city-wide when
any row of the role is). A role name the code no longer knows is skipped: it grants nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from antt.domain.access import Grant, Role, UnitKey
from antt.storage.tables import GrantRow, LegacyLockSchedule, SessionRow, UserRow

ACTIVE, LOCKED, DISABLED = "active", "locked", "disabled"
STATUSES = (ACTIVE, LOCKED, DISABLED)


def find_user(session: Session, issuer: str, subject: str) -> UserRow | None:
    return session.scalars(
        select(UserRow).where(UserRow.issuer == issuer, UserRow.subject == subject)
    ).first()


def get_user(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def users_named(session: Session, name: str) -> list[UserRow]:
    """Users whose subject or legacy login is ``name`` (any issuer)."""
    return list(
        session.scalars(
            select(UserRow)
            .where((UserRow.subject == name) | (UserRow.legacy_login == name))
            .order_by(UserRow.id)
        )
    )


def all_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.id)))


def legacy_users(session: Session, statuses: Iterable[str] = (ACTIVE,)) -> list[UserRow]:
    return list(
        session.scalars(
            select(UserRow)
            .where(UserRow.legacy.is_(True), UserRow.status.in_(list(statuses)))
            .order_by(UserRow.id)
        )
    )


def add_user(
    session: Session,
    *,
    issuer: str,
    subject: str,
    now: datetime,
    personal_id_pseudonym: str | None = None,
    full_name: str | None = None,
    legacy: bool = False,
    legacy_login: str | None = None,
    legacy_active: bool | None = None,
    status: str = ACTIVE,
) -> UserRow:
    user = UserRow(
        issuer=issuer,
        subject=subject,
        personal_id_pseudonym=personal_id_pseudonym,
        full_name=full_name,
        status=status,
        legacy=legacy,
        legacy_login=legacy_login,
        legacy_active=legacy_active if legacy_active is not None else (True if legacy else None),
        created_at=now,
        last_sign_in_at=None,
    )
    session.add(user)
    session.flush()
    return user


def grant_rows(session: Session, user_ids: Iterable[int] | None = None) -> list[GrantRow]:
    """Grant rows, of ``user_ids`` only when given, ordered by user, role, unit."""
    query = select(GrantRow).order_by(GrantRow.user_id, GrantRow.role, GrantRow.unit_code, GrantRow.id)
    if user_ids is not None:
        query = query.where(GrantRow.user_id.in_(list(user_ids)))
    return list(session.scalars(query))


def as_grants(rows: Iterable[GrantRow]) -> tuple[Grant, ...]:
    """Rows of one user as domain grants, one per known role."""
    scopes: dict[Role, set[UnitKey] | None] = {}
    for row in rows:
        try:
            role = Role(row.role)
        except ValueError:
            continue
        if row.unit_scheme is None or row.unit_code is None:
            scopes[role] = None
            continue
        scope = scopes.setdefault(role, set())
        if scope is not None:
            scope.add((row.unit_scheme, row.unit_code))
    return tuple(
        Grant(role, None if units is None else frozenset(units))
        for role, units in sorted(scopes.items(), key=lambda item: item[0].value)
    )


def user_grants(session: Session, user_id: int) -> tuple[Grant, ...]:
    return as_grants(grant_rows(session, [user_id]))


def _unit_is(unit: UnitKey | None) -> list[ColumnElement[bool]]:
    if unit is None:
        return [GrantRow.unit_scheme.is_(None), GrantRow.unit_code.is_(None)]
    return [GrantRow.unit_scheme == unit[0], GrantRow.unit_code == unit[1]]


def add_grant(
    session: Session, user_id: int, role: str, unit: UnitKey | None, granted_by: str, now: datetime
) -> GrantRow | None:
    """Add the grant of ``role`` on ``unit`` (``None``: city-wide); ``None`` when the user has it already."""
    exists = session.scalars(
        select(GrantRow).where(GrantRow.user_id == user_id, GrantRow.role == role, *_unit_is(unit))
    ).first()
    if exists is not None:
        return None
    row = GrantRow(
        user_id=user_id,
        role=role,
        unit_scheme=None if unit is None else unit[0],
        unit_code=None if unit is None else unit[1],
        granted_by=granted_by,
        granted_at=now,
    )
    session.add(row)
    session.flush()
    return row


def remove_grants(
    session: Session, user_id: int, role: str, unit: UnitKey | None, *, every_unit: bool = False
) -> list[GrantRow]:
    """Delete the user's grants of ``role`` on ``unit`` (``None``: the city-wide one), or of ``role`` on
    every unit and city-wide when ``every_unit``; return the rows deleted."""
    conditions = [GrantRow.user_id == user_id, GrantRow.role == role]
    if not every_unit:
        conditions += _unit_is(unit)
    rows = list(session.scalars(select(GrantRow).where(*conditions).order_by(GrantRow.id)))
    if rows:
        session.execute(delete(GrantRow).where(GrantRow.id.in_([r.id for r in rows])))
    return rows


def open_session_counts(session: Session, user_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Sessions not ended, by user (expired-but-unnoticed sessions count until they are next seen)."""
    query = (
        select(SessionRow.user_id, func.count())
        .where(SessionRow.ended_at.is_(None))
        .group_by(SessionRow.user_id)
    )
    if user_ids is not None:
        query = query.where(SessionRow.user_id.in_(list(user_ids)))
    return {int(user_id): int(count) for user_id, count in session.execute(query)}


# --- legacy accounts: taking them over through the e-ID, and their scheduled lock ----------------------


def legacy_with_pseudonym(session: Session, pseudonym: str) -> list[UserRow]:
    """The legacy accounts recorded with this personal id pseudonym, any status."""
    return list(
        session.scalars(
            select(UserRow)
            .where(UserRow.legacy.is_(True), UserRow.personal_id_pseudonym == pseudonym)
            .order_by(UserRow.id)
        )
    )


def pending_reviews(session: Session) -> list[UserRow]:
    """Users whose link to a legacy account was refused and awaits review, oldest first."""
    return list(
        session.scalars(
            select(UserRow)
            .where(UserRow.link_review.is_not(None))
            .order_by(UserRow.link_review_at, UserRow.id)
        )
    )


def users_with_grants(session: Session) -> set[int]:
    return {int(user_id) for user_id in session.scalars(select(GrantRow.user_id).distinct())}


def lock_schedule(session: Session) -> LegacyLockSchedule | None:
    return session.get(LegacyLockSchedule, 1)


def set_lock_schedule(session: Session, lock_at: datetime, by: str, now: datetime) -> None:
    row = session.get(LegacyLockSchedule, 1)
    if row is None:
        session.add(LegacyLockSchedule(id=1, lock_at=lock_at, scheduled_by=by, scheduled_at=now))
    else:
        row.lock_at, row.scheduled_by, row.scheduled_at = lock_at, by, now
    session.flush()


def take_due_lock(session: Session, now: datetime) -> tuple[datetime, str] | None:
    """Remove the scheduled lock when it is due and return ``(lock_at, scheduled_by)``; ``None`` when
    there is none or it is not due. Two sign-ins at once cannot both take it: only the delete that
    removed the row applies it (on PostgreSQL the second waits for the first, then deletes nothing)."""
    row = session.get(LegacyLockSchedule, 1)
    if row is None or row.lock_at > now:
        return None
    due = (row.lock_at, row.scheduled_by)
    taken = session.execute(
        delete(LegacyLockSchedule)
        .where(LegacyLockSchedule.id == 1, LegacyLockSchedule.lock_at <= now)
        .execution_options(synchronize_session=False)
    )
    session.expunge(row)
    return due if getattr(taken, "rowcount", 0) == 1 else None


def clear_lock_schedule(session: Session) -> LegacyLockSchedule | None:
    row = session.get(LegacyLockSchedule, 1)
    if row is not None:
        session.delete(row)
        session.flush()
    return row
