"""Taking over the accounts of an older system through the e-ID: the link made at sign-in, and the lock.

Link-then-lock: the old accounts are imported with their rights (:mod:`antt.services.legacy_users`);
when a person signs in through the e-ID and their personal id pseudonym matches **exactly one** legacy
account that is active (in the old system and in ANTT) and not yet taken over, their e-ID user receives
that account's grants — audited as ``user.link_legacy``. Anything else that matches is refused for an
administrator's review (``users.link_review``, listed on ``/admin/users``), never guessed:

- ``several_accounts`` — two or more legacy accounts carry the same personal id;
- ``already_linked`` — the account was taken over by another e-ID user;
- ``legacy_inactive`` / ``legacy_locked`` / ``legacy_disabled`` — the old system had it switched off, or
  ANTT locked (the cut-over has happened) or disabled it: rights are no longer carried over.

A person with no legacy account gets nothing, as before, until an administrator grants it.

Both functions here run inside the caller's transaction; :func:`apply_due_lock` opens its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from antt.services.sessions import USER_LOCKED, aware_utc, naive_utc
from antt.storage import audit
from antt.storage import sessions as session_store
from antt.storage import users as store
from antt.storage.engine import Database
from antt.storage.tables import UserRow

#: why a link was refused for review: reason code -> (Vietnamese, English)
REVIEW_REASONS: dict[str, tuple[str, str]] = {
    "several_accounts": (
        "Có từ hai tài khoản cũ cùng số định danh",
        "Two or more legacy accounts have this personal id",
    ),
    "already_linked": (
        "Tài khoản cũ đã được chuyển cho một người dùng VNeID khác",
        "The legacy account was taken over by another e-ID user",
    ),
    "legacy_inactive": (
        "Tài khoản cũ không còn hoạt động ở hệ thống cũ",
        "The legacy account is inactive in the old system",
    ),
    "legacy_locked": ("Tài khoản cũ đã bị khoá", "The legacy account is locked"),
    "legacy_disabled": ("Tài khoản cũ đã bị vô hiệu hoá", "The legacy account is disabled"),
}


@dataclass(frozen=True)
class LinkOutcome:
    """What a sign-in did about legacy accounts: ``linked`` (the account taken over now), ``review`` (the
    reason a match was refused), or neither (no match, or taken over before)."""

    linked: UserRow | None = None
    review: str | None = None


def _scope(scheme: str | None, code: str | None) -> tuple[str, str] | None:
    return None if scheme is None or code is None else (scheme, code)


def _label(scope: tuple[str, str] | None) -> str:
    return "city" if scope is None else f"{scope[0]}:{scope[1]}"


def link_at_sign_in(
    session: Session, user: UserRow, pseudonym: str | None, moment: datetime, client: str
) -> LinkOutcome:
    """Link ``user`` (an e-ID user signing in) to the legacy account of their personal id, if exactly
    one may be taken over; record a refusal for review otherwise. See the module for the rules."""
    if pseudonym is None or user.legacy or user.status != store.ACTIVE:  # a disabled person takes nothing
        return LinkOutcome()
    matches = store.legacy_with_pseudonym(session, pseudonym)
    others = [m for m in matches if m.linked_user_id != user.id]
    if not others:  # no legacy account, or every one is this user's already
        return LinkOutcome()
    reason: str | None = None
    if len(matches) > 1:
        reason = "several_accounts"
    else:
        account = others[0]
        if account.linked_user_id is not None:
            reason = "already_linked"
        elif not account.legacy_active:
            reason = "legacy_inactive"
        elif account.status != store.ACTIVE:
            reason = f"legacy_{account.status}"
    name = f"user:{user.id}"
    if reason is not None:
        if user.link_review != reason:  # audited once per reason, not at every sign-in
            audit.append(
                session,
                actor=name,
                action="user.link_legacy",
                outcome="denied",
                obj=name,
                client=client,
                details={
                    "reason": reason,
                    "legacy_users": [m.id for m in matches],
                    "legacy_logins": [m.legacy_login for m in matches],
                },
                at=aware_utc(moment),
            )
        user.link_review, user.link_review_at = reason, moment
        return LinkOutcome(review=reason)
    account = others[0]
    added: list[str] = []
    held: list[str] = []
    for row in store.grant_rows(session, [account.id]):
        scope = _scope(row.unit_scheme, row.unit_code)
        label = f"{row.role}@{_label(scope)}"
        if store.add_grant(session, user.id, row.role, scope, f"legacy:{account.legacy_login}", moment):
            added.append(label)
        else:
            held.append(label)
    account.linked_user_id, account.linked_at = user.id, moment
    user.link_review = user.link_review_at = None
    audit.append(
        session,
        actor=name,
        action="user.link_legacy",
        outcome="success",
        obj=f"user:{account.id}",
        client=client,
        details={
            "user": user.id,
            "legacy_user": account.id,
            "legacy_login": account.legacy_login,
            "granted": added,
            "already_held": held,
        },
        at=aware_utc(moment),
    )
    session.flush()
    return LinkOutcome(linked=account)


def lock_legacy_accounts(
    session: Session, actor_name: str, client: str, moment: datetime, details: dict[str, object]
) -> tuple[list[UserRow], int]:
    """Lock every active legacy account and end the sessions of every legacy account; audited: one
    ``user.lock`` per account locked, and one ``users.lock_legacy`` for the run (with ``details``)."""
    locked: list[UserRow] = []
    ended = 0
    for user in store.legacy_users(session, store.STATUSES):
        was = user.status
        if was == store.ACTIVE:
            user.status = store.LOCKED
            locked.append(user)
        n = session_store.end_user_sessions(session, user.id, moment, USER_LOCKED)
        ended += n
        if was == store.ACTIVE or n:
            audit.append(
                session,
                actor=actor_name,
                action="user.lock",
                outcome="success",
                obj=f"user:{user.id}",
                client=client,
                details={
                    "legacy_login": user.legacy_login,
                    "previous_status": was,
                    "sessions_ended": n,
                    "by": "lock_legacy",
                },
                at=aware_utc(moment),
            )
    session.flush()
    audit.append(
        session,
        actor=actor_name,
        action="users.lock_legacy",
        outcome="success",
        client=client,
        details={**details, "locked": [u.id for u in locked], "sessions_ended": ended},
        at=aware_utc(moment),
    )
    return locked, ended


def apply_due_lock(database: Database, now: datetime | None = None, client: str = "") -> int | None:
    """Apply the scheduled lock of the legacy accounts if its time has come (at sign-in, and before every
    ``antt users`` command); the number of accounts locked, or ``None`` when nothing was due. Audited in
    the name of the administrator who scheduled it."""
    moment = naive_utc(now)
    with database.transaction(write=False) as session:  # the common case: nothing scheduled, no write lock
        pending = store.lock_schedule(session)
        if pending is None or pending.lock_at > moment:
            return None
    with database.transaction() as session:
        due = store.take_due_lock(session, moment)
        if due is None:
            return None
        lock_at, scheduled_by = due
        locked, _ended = lock_legacy_accounts(
            session,
            scheduled_by,
            client,
            moment,
            {"scheduled": True, "lock_at": aware_utc(lock_at).isoformat()},
        )
        return len(locked)
