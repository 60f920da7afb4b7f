"""Helpers for the sign-in, user and session tests: identities, a controlled clock, audit records."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from antt.auth.identity import Identity
from antt.domain.access import Actor
from antt.errors import SignInFailed
from antt.services.users import grant, sign_in
from antt.storage.tables import AuditRecord

ISSUER = "https://vneid.example.test"
T0 = datetime(2026, 11, 28, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hải Phòng
SCHEME = "2025-07"
LE_CHAN, AN_LAO, HONG_BANG = "11383", "11629", "11311"
OPERATOR = Actor.system("cli:test-operator")


def identity(
    subject: str, personal_id: str | None = "031090123456", name: str = "Nguyễn Văn Thử"
) -> Identity:
    return Identity(ISSUER, subject, personal_id=personal_id, full_name=name, assurance_level="LoA2")


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def audit_records(database, action: str | None = None) -> list[AuditRecord]:
    with database.transaction(write=False) as session:
        query = select(AuditRecord).order_by(AuditRecord.id)
        if action is not None:
            query = query.where(AuditRecord.action == action)
        return list(session.scalars(query))


def granted_user(database, settings, subject: str, role: str, units=(), city_wide=False) -> int:
    """A user who signed in once (refused: no grants yet) and then got ``role``; returns the user id."""
    with contextlib.suppress(SignInFailed):  # refused: unknown identity, created without grants
        sign_in(database, settings, identity(subject), "192.0.2.1", T0 - timedelta(days=1))
    change = grant(
        database, OPERATOR, f"{ISSUER} {subject}", role, units, city_wide, now=T0 - timedelta(days=1)
    )
    return change.user.id
