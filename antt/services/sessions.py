"""Server-side sessions: an opaque 128-bit token in the cookie, only its SHA-256 in the database.

The web layer, per request::

    info = current_session(database, cookie_token, now, client_address)   # None: not signed in
    info.actor                                                            # scoped by the user's grants
    csrf_token_valid(info, submitted)                                     # on every state-changing request
    end_session(database, cookie_token, now, client_address)              # logout

A session ends when the user logs out, when it has been idle for ``settings.session_idle_minutes``, when it
is ``settings.session_absolute_hours`` old, or at once when its user is locked or disabled. The actor is
rebuilt from the grants on every look-up, so a grant or a revocation takes effect on the next request.
Sign-in itself (which opens the session) is :func:`antt.services.users.sign_in`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from antt.domain.access import Actor, Grant, Role
from antt.errors import PermissionDenied
from antt.settings import Settings
from antt.storage import audit
from antt.storage import sessions as store
from antt.storage.engine import Database
from antt.storage.tables import UserRow
from antt.storage.users import ACTIVE, user_grants

TOKEN_BYTES = 16  # 128 bits
#: last_seen_at is written at most this often (a write per request would serialise SQLite readers)
TOUCH_INTERVAL = timedelta(seconds=60)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")

# end reasons, as stored in sessions.end_reason and audited
LOGOUT, IDLE, ABSOLUTE = "logout", "idle_timeout", "absolute_timeout"
USER_LOCKED, USER_DISABLED = "user_locked", "user_disabled"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def naive_utc(moment: datetime | None) -> datetime:
    """``moment`` (default: now) as the naive UTC the database stores; naive input is taken as UTC."""
    moment = moment or utc_now()
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def aware_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)


def new_token() -> str:
    """A fresh session token: 128 random bits, URL-safe base64 without padding (22 characters)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """What the database keys the session by: SHA-256 (hex) of the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def user_actor(user: UserRow, grants: tuple[Grant, ...]) -> Actor:
    """The actor of a user: named ``user:<id>`` (stable, also in audit records and import batches)."""
    return Actor.for_user(f"user:{user.id}", grants, user_id=user.id)


@dataclass(frozen=True)
class SessionInfo:
    """A live session: whose it is, what they may do, and the CSRF token its forms and requests carry."""

    session_id: str  # SHA-256 of the token, never the token
    user_id: int
    full_name: str | None
    actor: Actor
    created_at: datetime  # aware UTC
    last_seen_at: datetime
    idle_expires_at: datetime
    absolute_expires_at: datetime
    csrf_token: str = field(repr=False)


def open_session(
    database: Database, user_id: int, client_address: str = "", now: datetime | None = None
) -> str:
    """Open a session for ``user_id`` and return its token (for the cookie). Not audited by itself:
    :func:`antt.services.users.sign_in` audits the sign-in that opens it."""
    with database.transaction() as session:
        return open_session_in(session, user_id, client_address, naive_utc(now))


def open_session_in(session: Session, user_id: int, client_address: str, now: datetime) -> str:
    token = new_token()
    store.insert_session(
        session,
        session_id=token_hash(token),
        user_id=user_id,
        now=now,
        client_address=client_address,
        csrf_secret=secrets.token_urlsafe(32),
    )
    return token


def _expiry(settings: Settings, created: datetime, last_seen: datetime) -> tuple[datetime, datetime]:
    idle = last_seen + timedelta(minutes=settings.session_idle_minutes)
    absolute = created + timedelta(hours=settings.session_absolute_hours)
    return idle, absolute


def current_session(
    database: Database, token: str | None, now: datetime | None = None, client_address: str = ""
) -> SessionInfo | None:
    """The live session of ``token`` (the cookie value), or ``None``: no such token, ended, expired, or
    its user no longer active. An expired session is ended (and audited) when it is first seen so."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    moment = naive_utc(now)
    session_id = token_hash(token)
    with database.transaction(write=False) as session:
        found = store.find_session(session, session_id)
        if found is None or found[0].ended_at is not None:
            return None
        row, user = found
        idle_at, absolute_at = _expiry(database.settings, row.created_at, row.last_seen_at)
        reason = None
        if user.status != ACTIVE:
            reason = f"user_{user.status}"
        elif moment >= absolute_at:
            reason = ABSOLUTE
        elif moment >= idle_at:
            reason = IDLE
        grants = user_grants(session, user.id) if reason is None else ()
        stale = moment - row.last_seen_at >= TOUCH_INTERVAL
        user_id, full_name, created, last_seen, csrf = (
            user.id,
            user.full_name,
            row.created_at,
            row.last_seen_at,
            row.csrf_secret,
        )
        actor = user_actor(user, grants)
    if reason is not None:
        with database.transaction() as session:
            if store.end_session(session, session_id, moment, reason):
                audit.append(
                    session,
                    actor=actor.name,
                    action="auth.session_end",
                    outcome="success",
                    obj=f"user:{user_id}",
                    client=client_address,
                    details={"reason": reason},
                    at=aware_utc(moment),
                )
        return None
    if stale:
        with database.transaction() as session:
            store.touch_session(session, session_id, moment)
        last_seen = moment
    idle_at, absolute_at = _expiry(database.settings, created, last_seen)
    return SessionInfo(
        session_id=session_id,
        user_id=user_id,
        full_name=full_name,
        actor=actor,
        created_at=aware_utc(created),
        last_seen_at=aware_utc(last_seen),
        idle_expires_at=aware_utc(min(idle_at, absolute_at)),
        absolute_expires_at=aware_utc(absolute_at),
        csrf_token=csrf,
    )


def session_actor(
    database: Database, token: str | None, now: datetime | None = None, client_address: str = ""
) -> Actor | None:
    """The actor of the live session of ``token``, or ``None`` (see :func:`current_session`)."""
    info = current_session(database, token, now, client_address)
    return None if info is None else info.actor


def end_session(
    database: Database, token: str | None, now: datetime | None = None, client_address: str = ""
) -> bool:
    """Log out: end the session of ``token`` at once (audited). ``False`` when it was not open."""
    if not token or not _TOKEN.fullmatch(token):
        return False
    moment = naive_utc(now)
    session_id = token_hash(token)
    with database.transaction() as session:
        found = store.find_session(session, session_id)
        if found is None or not store.end_session(session, session_id, moment, LOGOUT):
            return False
        user = found[1]
        audit.append(
            session,
            actor=f"user:{user.id}",
            action="auth.sign_out",
            outcome="success",
            obj=f"user:{user.id}",
            client=client_address,
            at=aware_utc(moment),
        )
    return True


def csrf_token_valid(session: SessionInfo, token: str | None) -> bool:
    """Whether ``token`` (a form field or header of a state-changing request) is this session's CSRF
    token; compared in constant time."""
    if not token:
        return False
    return hmac.compare_digest(session.csrf_token.encode("utf-8"), token.encode("utf-8"))


BREAK_GLASS_PREFIX = "break-glass:"


def break_glass_actor(
    settings: Settings,
    database: Database,
    operator_name: str,
    client_address: str = "",
    now: datetime | None = None,
) -> Actor:
    """The emergency administrator (city-wide ``administrator`` role), for an operator on the server
    when no administrator can sign in. Exists only when ``settings.break_glass_admin`` is on; every use,
    and every refused attempt, is audited."""
    name = f"{BREAK_GLASS_PREFIX}{operator_name}"
    enabled = settings.break_glass_admin
    with database.transaction() as session:
        audit.append(
            session,
            actor=name,
            action="auth.break_glass",
            outcome="success" if enabled else "denied",
            client=client_address,
            details={} if enabled else {"reason": "disabled_in_settings"},
            at=aware_utc(naive_utc(now)),
        )
    if not enabled:
        raise PermissionDenied(
            "Tài khoản quản trị khẩn cấp (break-glass) đang tắt: đặt ANTT_BREAK_GLASS_ADMIN=1 để bật; "
            "mọi lần dùng đều được ghi nhật ký.",
            "The break-glass administrator is disabled: set ANTT_BREAK_GLASS_ADMIN=1 to enable it; "
            "every use is audited.",
        )
    return Actor(name=name, units=None, grants=(Grant.city(Role.ADMINISTRATOR),))
