"""Users, roles and unit grants: signing in with an e-ID identity, and the administrator's changes.

There is no password: a person is a user because the identity provider vouches for them (issuer +
subject). The first sign-in of an unknown identity creates the user **without grants** and is refused
(fail closed) until an administrator grants a role (:func:`grant`). Every sign-in, refusal and change is
appended to the audit log in the same transaction as the change.

A user is named ``user:<id>`` wherever an actor is recorded. ``USER`` arguments (:func:`resolve_user`)
are a user id (digits), ``"ISSUER SUBJECT"``, or a subject / legacy login that only one user has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from antt.auth.identity import Identity
from antt.domain.access import Action, Actor, Role, UnitKey
from antt.domain.people import pseudonymise
from antt.domain.reference import unit_catalog
from antt.domain.units import Level
from antt.errors import AnttError, Conflict, InvalidInput, NotFound, PermissionDenied, SignInFailed
from antt.services.audit_log import record_anonymous_failure
from antt.services.disclosure import privilege_key
from antt.services.legacy_links import apply_due_lock, link_at_sign_in, lock_legacy_accounts
from antt.services.sessions import (
    USER_DISABLED,
    aware_utc,
    naive_utc,
    open_session_in,
    user_actor,
)
from antt.settings import Settings
from antt.storage import audit
from antt.storage import sessions as session_store
from antt.storage import users as store
from antt.storage.engine import Database
from antt.storage.tables import GrantRow, UserRow

LEGACY_ISSUER = "legacy"  # the issuer of accounts from an older system (subject = their old login)

#: why a sign-in of a known identity is refused: reason code -> (Vietnamese, English)
SIGN_IN_REFUSALS: dict[str, tuple[str, str]] = {
    "no_access": (
        "Tài khoản của đồng chí chưa được cấp quyền truy cập ANTT. Không có quyền truy cập cho đến khi "
        "quản trị viên cấp quyền theo đơn vị; vui lòng liên hệ quản trị viên.",
        "Your account has no access to ANTT until an administrator grants it (a role on your units); "
        "please contact the administrator.",
    ),
    "account_locked": (
        "Tài khoản đã bị khoá; vui lòng liên hệ quản trị viên.",
        "The account is locked; please contact the administrator.",
    ),
    "account_disabled": (
        "Tài khoản đã bị vô hiệu hoá; vui lòng liên hệ quản trị viên.",
        "The account is disabled; please contact the administrator.",
    ),
    "legacy_account": (
        "Tài khoản của hệ thống cũ không còn được dùng để đăng nhập; hãy đăng nhập bằng VNeID.",
        "Accounts of the old system can no longer sign in; sign in with VNeID.",
    ),
}

#: why an administrative change is refused: reason code -> (Vietnamese, English)
ADMIN_REFUSALS: dict[str, tuple[str, str]] = {
    "not_administrator": (
        "Chỉ quản trị viên được quản lý người dùng và quyền.",
        "Only an administrator may manage users and grants.",
    ),
    "out_of_scope": (
        "Quyền quản trị của đồng chí không bao gồm đơn vị này.",
        "Your administrator grant does not cover this unit.",
    ),
    "city_wide_required": (
        "Việc này cần quyền quản trị toàn thành phố.",
        "This needs a city-wide administrator grant.",
    ),
    "own_account": (
        "Không được tự thay đổi quyền hoặc trạng thái tài khoản của chính mình.",
        "You may not change your own grants or account status.",
    ),
}


class SignIn(NamedTuple):
    """A successful sign-in: the new session's token (for the cookie) and who signed in."""

    token: str
    actor: Actor


@dataclass(frozen=True)
class GrantView:
    role: str
    unit_scheme: str | None  # None (with unit_code): city-wide
    unit_code: str | None
    unit_name: str | None
    granted_by: str
    granted_at: datetime  # aware UTC

    @property
    def city_wide(self) -> bool:
        return self.unit_code is None

    @property
    def scope(self) -> str:
        if self.unit_code is None:
            return "toàn thành phố / city-wide"
        return f"{self.unit_code} {self.unit_name or ''}".strip()


@dataclass(frozen=True)
class UserView:
    id: int
    issuer: str
    subject: str
    full_name: str | None
    status: str  # active | locked | disabled
    legacy: bool
    legacy_login: str | None
    created_at: datetime  # aware UTC
    last_sign_in_at: datetime | None
    grants: tuple[GrantView, ...]
    open_sessions: int
    legacy_active: bool | None = None  # legacy accounts: active in the old system
    linked_user_id: int | None = None  # legacy accounts: the e-ID user who took it over
    linked_at: datetime | None = None  # aware UTC
    link_review: str | None = None  # e-ID users: why a link to a legacy account awaits review

    @property
    def ref(self) -> str:
        """How to name this user to :func:`resolve_user` unambiguously."""
        return f"{self.issuer} {self.subject}"


@dataclass(frozen=True)
class GrantChange:
    user: UserView  # after the change
    role: Role
    added: tuple[GrantView, ...]
    already_held: tuple[str, ...]  # scopes the user had already (nothing changed for them)


@dataclass(frozen=True)
class RevokeChange:
    user: UserView  # after the change
    role: Role
    removed: tuple[GrantView, ...]


@dataclass(frozen=True)
class LegacyLock:
    locked: tuple[UserView, ...]  # legacy accounts locked now
    sessions_ended: int  # sessions of legacy accounts ended now


@dataclass(frozen=True)
class Disabled:
    user: UserView
    previous_status: str
    sessions_ended: int


# --- sign-in -----------------------------------------------------------------------------------------


def _refusal(reason: str) -> SignInFailed:
    vi, en = SIGN_IN_REFUSALS[reason]
    return SignInFailed(reason, f"Đăng nhập không thành công. {vi}", f"Sign-in failed. {en}")


def sign_in(
    database: Database,
    settings: Settings,
    identity: Identity,
    client_address: str = "",
    now: datetime | None = None,
) -> SignIn:
    """Sign in the person the identity provider vouched for: a new session (new token) and their actor.

    Unknown identity: the user is created without grants and the sign-in is refused
    (:class:`SignInFailed` ``no_access``) — unless their personal id matches a legacy account they may
    take over (:mod:`antt.services.legacy_links`): then they receive its grants first. Locked or disabled
    accounts are refused. Success and refusal are audited (``auth.sign_in``). A scheduled lock of the
    legacy accounts that has come due is applied first.
    """
    moment = naive_utc(now)
    apply_due_lock(database, moment, client_address)
    pseudonym = pseudonymise(identity.personal_id, settings.key_bytes()) if identity.personal_id else None
    refused: SignInFailed | None = None
    result: SignIn | None = None
    with database.transaction() as session:
        user = store.find_user(session, identity.issuer, identity.subject)
        details: dict[str, object] = {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "assurance_level": identity.assurance_level,
        }
        if user is None:
            user = store.add_user(
                session,
                issuer=identity.issuer,
                subject=identity.subject,
                now=moment,
                personal_id_pseudonym=pseudonym,
                full_name=identity.full_name,
            )
            details["user_created"] = True
        else:
            if identity.full_name:
                user.full_name = identity.full_name
            if pseudonym is not None:
                if user.personal_id_pseudonym not in (None, pseudonym):
                    details["personal_id_changed"] = True
                user.personal_id_pseudonym = pseudonym
        link = link_at_sign_in(session, user, pseudonym, moment, client_address)
        if link.linked is not None:
            details["linked_legacy_user"] = link.linked.id
        elif link.review is not None:
            details["link_review"] = link.review
        grants = store.user_grants(session, user.id)
        reason = None
        if user.legacy:
            reason = "legacy_account"
        elif user.status != store.ACTIVE:
            reason = f"account_{user.status}"
        elif not grants:
            reason = "no_access"
        name = f"user:{user.id}"
        if reason is not None:
            audit.append(
                session,
                actor=name,
                action="auth.sign_in",
                outcome="denied",
                obj=name,
                client=client_address,
                details={**details, "reason": reason},
                at=aware_utc(moment),
            )
            refused = _refusal(reason)
        else:
            user.last_sign_in_at = moment
            token = open_session_in(session, user.id, client_address, moment)
            actor = user_actor(user, grants)
            audit.append(
                session,
                actor=name,
                action="auth.sign_in",
                outcome="success",
                obj=name,
                client=client_address,
                details={**details, "roles": sorted(r.value for r in actor.roles)},
                at=aware_utc(moment),
            )
            result = SignIn(token, actor)
    if refused is not None:
        raise refused
    assert result is not None
    return result


def record_sign_in_failure(
    database: Database,
    error: SignInFailed,
    client_address: str = "",
    now: datetime | None = None,
    identity: Identity | None = None,
) -> None:
    """Audit a sign-in that failed before an identity was accepted (bad state, bad token …):
    ``auth.sign_in`` with outcome ``failure`` and the reason code. Without an identity anyone can cause
    these: at most one record a minute per client, counting the attempts (``record_anonymous_failure``)."""
    details: dict[str, object] = {"reason": error.reason}
    if error.detail:
        details["detail"] = error.detail
    if identity is None:
        record_anonymous_failure(database, "auth.sign_in", client_address, details, now)
        return
    details.update(issuer=identity.issuer, subject=identity.subject)
    with database.transaction() as session:
        audit.append(
            session,
            actor="anonymous",
            action="auth.sign_in",
            outcome="failure",
            client=client_address,
            details=details,
            at=aware_utc(naive_utc(now)),
        )


# --- looking users up --------------------------------------------------------------------------------


def resolve_user(session: Session, ref: str | int) -> UserRow:
    """The user named by ``ref``: an id (int or digits), ``"ISSUER SUBJECT"``, or a subject or legacy
    login only one user has. :class:`NotFound` or :class:`Conflict` (ambiguous) otherwise."""
    text = str(ref).strip()
    user: UserRow | None
    if text.isdigit():
        user = store.get_user(session, int(text))
    elif len(text.split(None, 1)) == 2:
        issuer, subject = text.split(None, 1)
        user = store.find_user(session, issuer, subject.strip())
    else:
        matches = store.users_named(session, text)
        if len(matches) > 1:
            options = "; ".join(f"{u.id} = '{u.issuer} {u.subject}'" for u in matches)
            raise Conflict(
                f"Có {len(matches)} người dùng tên '{text}': {options}. Hãy ghi mã số hoặc 'ISSUER SUBJECT'.",
                f"{len(matches)} users are named '{text}': {options}. Give the id or 'ISSUER SUBJECT'.",
            )
        user = matches[0] if matches else None
    if user is None:
        raise NotFound(f"Không có người dùng '{text}'.", f"No user '{text}'.")
    return user


def _grant_view(row: GrantRow) -> GrantView:
    name = None
    if row.unit_scheme is not None and row.unit_code is not None:
        unit = unit_catalog().find(row.unit_scheme, row.unit_code)
        name = unit.name if unit else None
    return GrantView(
        row.role, row.unit_scheme, row.unit_code, name, row.granted_by, aware_utc(row.granted_at)
    )


def _views(session: Session, users: Sequence[UserRow]) -> list[UserView]:
    ids = [u.id for u in users]
    grants: dict[int, list[GrantView]] = {}
    for row in store.grant_rows(session, ids):
        grants.setdefault(row.user_id, []).append(_grant_view(row))
    sessions = store.open_session_counts(session, ids)
    return [
        UserView(
            id=u.id,
            issuer=u.issuer,
            subject=u.subject,
            full_name=u.full_name,
            status=u.status,
            legacy=u.legacy,
            legacy_login=u.legacy_login,
            created_at=aware_utc(u.created_at),
            last_sign_in_at=aware_utc(u.last_sign_in_at) if u.last_sign_in_at else None,
            grants=tuple(grants.get(u.id, ())),
            open_sessions=sessions.get(u.id, 0),
            legacy_active=u.legacy_active,
            linked_user_id=u.linked_user_id,
            linked_at=aware_utc(u.linked_at) if u.linked_at else None,
            link_review=u.link_review,
        )
        for u in users
    ]


def _view(session: Session, user: UserRow) -> UserView:
    return _views(session, [user])[0]


# --- administrative changes --------------------------------------------------------------------------


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInput(
            f"Vai trò không hợp lệ '{role}' (có: {known}).", f"Unknown role '{role}' (known: {known})."
        ) from None


def unit_key(code: str) -> UnitKey:
    """The unit of the current scheme with ``code``; a commune (the city is granted as city-wide)."""
    catalog = unit_catalog()
    scheme = catalog.current.code
    unit = catalog.find(scheme, code)
    if unit is None:
        raise NotFound(
            f"Không có đơn vị mã {code} trong hệ đơn vị hiện hành {scheme}.",
            f"No unit with code {code} in the current scheme {scheme}.",
        )
    if unit.level is Level.PROVINCE:
        raise InvalidInput(
            f"{code} là cả thành phố: cấp quyền toàn thành phố (--city) thay vì theo đơn vị.",
            f"{code} is the whole city: grant city-wide (--city) instead of a unit.",
        )
    return unit.key


def _scopes(units: Sequence[str], city_wide: bool) -> list[UnitKey | None]:
    if city_wide and units:
        raise InvalidInput(
            "Chọn hoặc toàn thành phố hoặc các đơn vị, không cả hai.",
            "Give either city-wide or units, not both.",
        )
    if city_wide:
        return [None]
    return list(dict.fromkeys(unit_key(code) for code in units))


def _admin_refusal(
    actor: Actor, target: UserRow | None, scopes: Sequence[UnitKey | None] | None
) -> str | None:
    """Why ``actor`` may not change ``target`` on ``scopes`` (``None``: needs city-wide), or ``None``."""
    if not actor.can(Action.MANAGE_USERS):
        return "not_administrator"
    if target is not None and actor.user_id is not None and actor.user_id == target.id:
        return "own_account"
    if scopes is None:
        return None if actor.can_city_wide(Action.MANAGE_USERS) else "city_wide_required"
    for scope in scopes:
        allowed = (
            actor.can_city_wide(Action.MANAGE_USERS)
            if scope is None
            else actor.can(Action.MANAGE_USERS, scope)
        )
        if not allowed:
            return "out_of_scope" if scope is not None else "city_wide_required"
    return None


def _denied(
    session: Session,
    actor: Actor,
    action: str,
    obj: str,
    reason: str,
    client_address: str,
    moment: datetime,
    details: dict[str, object] | None = None,
) -> PermissionDenied:
    """Audit a refused administrative action and return the error to raise once it is committed."""
    audit.append(
        session,
        actor=actor.name,
        action=action,
        outcome="denied",
        obj=obj,
        client=client_address,
        details={**(details or {}), "reason": reason},
        at=aware_utc(moment),
    )
    vi, en = ADMIN_REFUSALS[reason]
    return PermissionDenied(vi, en)


def _scope_label(scope: UnitKey | None) -> str:
    return "city" if scope is None else f"{scope[0]}:{scope[1]}"


def grant(
    database: Database,
    actor: Actor,
    user: str | int,
    role: Role | str,
    units: Sequence[str] = (),
    city_wide: bool = False,
    *,
    client_address: str = "",
    now: datetime | None = None,
) -> GrantChange:
    """Grant ``role`` to ``user`` on the communes ``units`` (codes of the current scheme) or city-wide.
    Audited as ``user.grant`` (``denied`` too). Effective from the user's next request."""
    role = _role(role)
    scopes = _scopes(units, city_wide)
    if not scopes:
        raise InvalidInput(
            "Cần ít nhất một đơn vị (--unit) hoặc toàn thành phố (--city).",
            "Give at least one unit (--unit) or city-wide (--city).",
        )
    moment = naive_utc(now)
    error: AnttError | None = None
    change: GrantChange | None = None
    with database.transaction() as session:
        target = resolve_user(session, user)
        obj = f"user:{target.id}"
        details: dict[str, object] = {"role": role.value, "scopes": [_scope_label(s) for s in scopes]}
        reason = _admin_refusal(actor, target, scopes)
        if reason is not None:
            error = _denied(session, actor, "user.grant", obj, reason, client_address, moment, details)
        elif target.legacy:
            raise Conflict(
                "Tài khoản của hệ thống cũ không đăng nhập được nữa: hãy cấp quyền cho tài khoản VNeID.",
                "Accounts of the old system can no longer sign in: grant the person's e-ID account.",
            )
        else:
            added: list[GrantView] = []
            held: list[str] = []
            for scope in scopes:
                row = store.add_grant(session, target.id, role.value, scope, actor.name, moment)
                if row is None:
                    held.append(_scope_label(scope))
                else:
                    added.append(_grant_view(row))
            audit.append(
                session,
                actor=actor.name,
                action="user.grant",
                outcome="success",
                obj=obj,
                client=client_address,
                details={
                    **details,
                    "added": [_scope_label(_key(g)) for g in added],
                    "already_held": held,
                },
                at=aware_utc(moment),
            )
            change = GrantChange(_view(session, target), role, tuple(added), tuple(held))
    if error is not None:
        raise error
    assert change is not None
    return change


def _key(view: GrantView) -> UnitKey | None:
    if view.unit_scheme is None or view.unit_code is None:
        return None
    return (view.unit_scheme, view.unit_code)


def revoke(
    database: Database,
    actor: Actor,
    user: str | int,
    role: Role | str,
    units: Sequence[str] = (),
    city_wide: bool = False,
    *,
    client_address: str = "",
    now: datetime | None = None,
) -> RevokeChange:
    """Take ``role`` from ``user`` on ``units``, or the city-wide grant (``city_wide``), or on every unit
    when neither is given. Audited as ``user.revoke``; effective from the user's next request."""
    role = _role(role)
    scopes: list[UnitKey | None] | None = _scopes(units, city_wide) or None
    moment = naive_utc(now)
    error: AnttError | None = None
    change: RevokeChange | None = None
    with database.transaction() as session:
        target = resolve_user(session, user)
        obj = f"user:{target.id}"
        details: dict[str, object] = {
            "role": role.value,
            "scopes": "all" if scopes is None else [_scope_label(s) for s in scopes],
        }
        if scopes is None:  # every unit: the actor must cover each of them
            covered = [_key(_grant_view(r)) for r in store.grant_rows(session, [target.id]) if r.role == role]
            reason = _admin_refusal(actor, target, covered)
        else:
            reason = _admin_refusal(actor, target, scopes)
        if reason is not None:
            error = _denied(session, actor, "user.revoke", obj, reason, client_address, moment, details)
        else:
            removed: list[GrantRow] = []
            if scopes is None:
                removed = store.remove_grants(session, target.id, role.value, None, every_unit=True)
            else:
                for scope in scopes:
                    removed += store.remove_grants(session, target.id, role.value, scope)
            if not removed:
                raise NotFound(
                    f"Người dùng {target.id} không có vai trò {role.value} trên phạm vi đó.",
                    f"User {target.id} has no role {role.value} on that scope.",
                )
            views = tuple(_grant_view(r) for r in removed)
            audit.append(
                session,
                actor=actor.name,
                action="user.revoke",
                outcome="success",
                obj=obj,
                client=client_address,
                details={**details, "removed": [_scope_label(_key(v)) for v in views]},
                at=aware_utc(moment),
            )
            change = RevokeChange(_view(session, target), role, views)
    if error is not None:
        raise error
    assert change is not None
    return change


def list_users(database: Database, actor: Actor) -> list[UserView]:
    """Every user with their grants (an administrator scoped to communes sees the users granted there)."""
    if not actor.can(Action.MANAGE_USERS):
        vi, en = ADMIN_REFUSALS["not_administrator"]
        raise PermissionDenied(vi, en)
    scope = actor.units_for(Action.MANAGE_USERS)
    with database.transaction(write=False) as session:
        users = store.all_users(session)
        if scope is not None:
            visible = {
                r.user_id
                for r in store.grant_rows(session)
                if r.unit_scheme is not None and (r.unit_scheme, r.unit_code) in scope
            }
            users = [u for u in users if u.id in visible]
        return _views(session, users)


def lock_legacy(
    database: Database, actor: Actor, *, client_address: str = "", now: datetime | None = None
) -> LegacyLock:
    """Lock every legacy account (from an older system) and end their sessions at once; a scheduled lock
    is then no longer pending (it is cancelled).

    Audited: one ``user.lock`` record per account locked, and one ``users.lock_legacy`` for the run
    (also when there was nothing to lock)."""
    moment = naive_utc(now)
    error: AnttError | None = None
    result: LegacyLock | None = None
    with database.transaction() as session:
        reason = _admin_refusal(actor, None, None)
        if reason is not None:
            error = _denied(session, actor, "users.lock_legacy", "", reason, client_address, moment)
        else:
            cancelled = store.clear_lock_schedule(session)
            details: dict[str, object] = {}
            if cancelled is not None:
                details["schedule_cancelled"] = aware_utc(cancelled.lock_at).isoformat()
            locked, ended = lock_legacy_accounts(session, actor.name, client_address, moment, details)
            result = LegacyLock(tuple(_views(session, locked)), ended)
    if error is not None:
        raise error
    assert result is not None
    return result


def disable_user(
    database: Database,
    actor: Actor,
    user: str | int,
    *,
    reason: str = "",
    client_address: str = "",
    now: datetime | None = None,
) -> Disabled:
    """Disable ``user``: they cannot sign in, and their open sessions end at once. Audited as
    ``user.disable``. Needs a city-wide administrator."""
    moment = naive_utc(now)
    error: AnttError | None = None
    result: Disabled | None = None
    with database.transaction() as session:
        target = resolve_user(session, user)
        obj = f"user:{target.id}"
        refusal = _admin_refusal(actor, target, None)
        if refusal is not None:
            error = _denied(session, actor, "user.disable", obj, refusal, client_address, moment)
        else:
            previous = target.status
            target.status = store.DISABLED
            ended = session_store.end_user_sessions(session, target.id, moment, USER_DISABLED)
            audit.append(
                session,
                actor=actor.name,
                action="user.disable",
                outcome="success",
                obj=obj,
                client=client_address,
                details={"previous_status": previous, "sessions_ended": ended, "note": reason},
                at=aware_utc(moment),
            )
            session.flush()
            result = Disabled(_view(session, target), previous, ended)
    if error is not None:
        raise error
    assert result is not None
    return result


def register_legacy_account(
    database: Database,
    actor: Actor,
    login: str,
    full_name: str | None = None,
    *,
    client_address: str = "",
    now: datetime | None = None,
) -> UserView:
    """Record an account of an older system (taken over when migrating its users), so that it can be
    listed and locked. It can never sign in. Audited as ``user.register_legacy``."""
    moment = naive_utc(now)
    error: AnttError | None = None
    view: UserView | None = None
    with database.transaction() as session:
        refusal = _admin_refusal(actor, None, None)
        if refusal is not None:
            error = _denied(
                session, actor, "user.register_legacy", f"legacy:{login}", refusal, client_address, moment
            )
        else:
            if store.find_user(session, LEGACY_ISSUER, login) is not None:
                raise Conflict(
                    f"Đã có tài khoản cũ '{login}'.", f"The legacy account '{login}' exists already."
                )
            user = store.add_user(
                session,
                issuer=LEGACY_ISSUER,
                subject=login,
                now=moment,
                full_name=full_name,
                legacy=True,
                legacy_login=login,
            )
            audit.append(
                session,
                actor=actor.name,
                action="user.register_legacy",
                outcome="success",
                obj=f"user:{user.id}",
                client=client_address,
                details={"legacy_login": login},
                at=aware_utc(moment),
            )
            view = _view(session, user)
    if error is not None:
        raise error
    assert view is not None
    return view


def provision_user(
    database: Database,
    settings: Settings,
    actor: Actor,
    issuer: str,
    subject: str,
    *,
    full_name: str | None = None,
    personal_id: str | None = None,
    client_address: str = "",
    now: datetime | None = None,
) -> UserView:
    """The user with identity ``issuer`` + ``subject``, created ahead of their first sign-in when
    missing, without grants. Audited as ``user.provision`` when created. Needs a city-wide
    administrator."""
    moment = naive_utc(now)
    pseudonym = pseudonymise(personal_id, settings.key_bytes()) if personal_id else None
    error: AnttError | None = None
    view: UserView | None = None
    with database.transaction() as session:
        user = store.find_user(session, issuer, subject)
        refusal = _admin_refusal(actor, user, None)
        if refusal is not None:
            obj = f"{issuer} {subject}"
            error = _denied(session, actor, "user.provision", obj, refusal, client_address, moment)
        elif user is not None:
            view = _view(session, user)
        else:
            user = store.add_user(
                session,
                issuer=issuer,
                subject=subject,
                now=moment,
                personal_id_pseudonym=pseudonym,
                full_name=full_name,
            )
            audit.append(
                session,
                actor=actor.name,
                action="user.provision",
                outcome="success",
                obj=f"user:{user.id}",
                client=client_address,
                details={"issuer": issuer, "subject": subject},
                at=aware_utc(moment),
            )
            view = _view(session, user)
    if error is not None:
        raise error
    assert view is not None
    return view


def kinds_of_user(database: Database, action: Action) -> list[Actor]:
    """One actor per kind of active user who may do ``action``: per (scope, disclosure rights), what the
    pages' caches are keyed by; the city-wide ones first (the web server fills its cache for them)."""
    with database.transaction(write=False) as session:
        users = [u for u in store.all_users(session) if u.status == store.ACTIVE]
        by_user: dict[int, list[GrantRow]] = {}
        for row in store.grant_rows(session, [u.id for u in users]):
            by_user.setdefault(row.user_id, []).append(row)
        found = [user_actor(u, store.as_grants(by_user.get(u.id, []))) for u in users]
    kinds: dict[object, Actor] = {}
    for actor in found:
        if actor.can(action):
            kinds.setdefault((actor.units, privilege_key(actor)), actor)
    return sorted(kinds.values(), key=lambda a: a.units is not None)
