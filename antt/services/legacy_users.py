"""Moving an existing user base onto the e-ID: import the old system's accounts with their rights, see who
has taken theirs over, and lock the old accounts — now or on a date.

- :func:`import_legacy_users` — the import standards of every ANTT import: each row checked, every problem
  listed in both languages, one transaction (all or nothing), idempotent (a re-import of the same file
  changes nothing), an :class:`ImportBatch` of kind ``legacy_users`` and an audit record
  ``import.legacy_users``. The personal id is pseudonymised as it is read
  (:mod:`antt.importers.legacy_users`). A row may not change an account already taken over.
- The link itself happens at sign-in (:mod:`antt.services.legacy_links`).
- :func:`schedule_legacy_lock` / :func:`cancel_legacy_lock` — the lock on a date (applied at the first
  sign-in or ``antt users`` command from 00:00 of that day in Hải Phòng); ``users.lock_legacy`` locks now.
- :func:`legacy_report` — who has linked and who has not, by commune; :func:`eid_share` — the share of
  ANTT's users who sign in through the e-ID.

Everything here needs a city-wide administrator (or the operator on the server), except the report and
the overview, which an administrator of some communes sees for those communes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from antt.domain.access import Action, Actor, UnitKey
from antt.domain.reference import unit_catalog
from antt.domain.text import sort_key
from antt.errors import AnttError, InvalidInput, Issue, NotFound, PermissionDenied, Severity
from antt.importers.legacy_users import LegacyRecord, LegacyUserValidator, make_issue
from antt.services.import_batches import (
    DryRunDone,
    ImportFile,
    finish_batch,
    rejection,
    start_batch,
    warnings_by_rule,
    warnings_of,
)
from antt.services.legacy_links import REVIEW_REASONS
from antt.services.sessions import aware_utc, naive_utc
from antt.services.users import ADMIN_REFUSALS, LEGACY_ISSUER, _admin_refusal, _denied
from antt.settings import Settings
from antt.storage import audit
from antt.storage import users as store
from antt.storage.engine import Database
from antt.storage.tables import UserRow

LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh
KIND = "legacy_users"


# --- import ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyImportSummary:
    file_name: str
    file_sha256: str
    dry_run: bool
    rows_total: int
    new: int
    updated: int
    unchanged: int
    by_role: dict[str, int]
    city_wide: int  # accounts with a city-wide role
    inactive: int  # accounts the old system has switched off (recorded; never taken over)
    new_logins: tuple[str, ...] = ()
    updated_logins: tuple[str, ...] = ()
    warnings: list[Issue] = field(default_factory=list)
    batch_id: int | None = None

    @property
    def warnings_by_rule(self) -> dict[str, int]:
        return warnings_by_rule(self.warnings)


def _refuse_unless_city_admin(
    database: Database, actor: Actor, action: str, obj: str, client: str, moment: datetime
) -> None:
    error: AnttError | None = None
    with database.transaction() as session:
        reason = _admin_refusal(actor, None, None)
        if reason is not None:
            error = _denied(session, actor, action, obj, reason, client, moment)
    if error is not None:
        raise error


def _grant_set(session: Session, user_id: int) -> set[tuple[str, UnitKey | None]]:
    return {
        (g.role, None if g.unit_scheme is None or g.unit_code is None else (g.unit_scheme, g.unit_code))
        for g in store.grant_rows(session, [user_id])
    }


def _wanted(record: LegacyRecord) -> set[tuple[str, UnitKey | None]]:
    return {(record.role.value, scope) for scope in record.scopes()}


def _local_day(moment: datetime) -> str:
    return (moment + LOCAL_OFFSET).strftime("%d/%m/%Y")


class _Merge:
    """Writes the valid records into the users and grants tables, counting what changed."""

    def __init__(self, session: Session, validator: LegacyUserValidator, actor: Actor, moment: datetime):
        self.session, self.validator, self.actor, self.moment = session, validator, actor, moment
        accounts = store.legacy_users(session, store.STATUSES)
        self.by_login = {a.legacy_login or a.subject: a for a in accounts}
        self.by_pseudonym: dict[str, list[UserRow]] = {}
        for a in accounts:
            if a.personal_id_pseudonym:
                self.by_pseudonym.setdefault(a.personal_id_pseudonym, []).append(a)
        self.new: list[str] = []
        self.updated: list[str] = []
        self.unchanged = 0

    def _grant(self, user_id: int, record: LegacyRecord) -> None:
        for scope in record.scopes():
            store.add_grant(self.session, user_id, record.role.value, scope, self.actor.name, self.moment)

    def merge(self, record: LegacyRecord, in_file: set[str]) -> None:
        for other in self.by_pseudonym.get(record.pseudonym, []):
            if other.legacy_login not in in_file:  # a login of this file is warned about by the validator
                self.validator.issues.append(
                    make_issue(
                        "personal_id.shared_existing",
                        file=self.validator.file,
                        row=record.row,
                        column="personal_id",
                        severity=Severity.WARNING,
                        login=other.legacy_login,
                    )
                )
                break
        account = self.by_login.get(record.login)
        if account is None:
            account = store.add_user(
                self.session,
                issuer=LEGACY_ISSUER,
                subject=record.login,
                now=self.moment,
                personal_id_pseudonym=record.pseudonym,
                full_name=record.full_name,
                legacy=True,
                legacy_login=record.login,
                legacy_active=record.active,
            )
            self._grant(account.id, record)
            self.new.append(record.login)
            return
        same = (
            account.full_name == record.full_name
            and account.personal_id_pseudonym == record.pseudonym
            and bool(account.legacy_active) == record.active
            and _grant_set(self.session, account.id) == _wanted(record)
        )
        if same:
            self.unchanged += 1
            return
        if account.linked_user_id is not None:
            self.validator.issues.append(
                make_issue(
                    "login.linked_changed",
                    file=self.validator.file,
                    row=record.row,
                    column="old_login",
                    value=record.login,
                    user=account.linked_user_id,
                    day=_local_day(account.linked_at) if account.linked_at else "?",
                )
            )
            return
        account.full_name = record.full_name
        account.personal_id_pseudonym = record.pseudonym
        account.legacy_active = record.active
        for role in {g.role for g in store.grant_rows(self.session, [account.id])}:
            store.remove_grants(self.session, account.id, role, None, every_unit=True)
        self._grant(account.id, record)
        self.updated.append(record.login)


def import_legacy_users(
    database: Database,
    settings: Settings,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool = False,
    display_name: str | None = None,
    client_address: str = "",
    now: datetime | None = None,
) -> LegacyImportSummary:
    """Validate the legacy-user file ``path`` and, when every row passes, record its accounts and their
    grants (new, updated or unchanged by old login). Raises :class:`ImportRejected` listing every
    problem otherwise; the database is then as before. A dry run computes the same counts, then rolls
    back. Needs a city-wide administrator (refusals audited)."""
    moment = naive_utc(now)
    file = ImportFile.scan(path, display_name)
    _refuse_unless_city_admin(database, actor, f"import.{KIND}", file.name, client_address, moment)
    with file.open(settings) as table:
        validator = LegacyUserValidator(file.name, table.headers, settings.key_bytes())
        validator.issues[:0] = table.warnings
        records = validator.validate(table.rows)
    try:
        with database.transaction() as session:
            batch = start_batch(session, KIND, "legacy", file, actor)
            merge = _Merge(session, validator, actor, moment)
            logins = {r.login for r in records}
            for record in records:
                merge.merge(record, logins)
            if validator.error_count or validator.rows_seen == 0:
                raise rejection(file.name, validator.issues, validator.rows_seen)
            session.flush()
            summary = LegacyImportSummary(
                file_name=file.name,
                file_sha256=file.sha256,
                dry_run=dry_run,
                rows_total=validator.rows_seen,
                new=len(merge.new),
                updated=len(merge.updated),
                unchanged=merge.unchanged,
                by_role=dict(sorted(Counter(r.role.value for r in records).items())),
                city_wide=sum(1 for r in records if r.units is None),
                inactive=sum(1 for r in records if not r.active),
                new_logins=tuple(merge.new),
                updated_logins=tuple(merge.updated),
                warnings=warnings_of(validator.issues),
                batch_id=None if dry_run else batch.id,
            )
            if dry_run:
                raise DryRunDone(summary)
            finish_batch(
                session,
                batch,
                actor,
                counts=(summary.rows_total, summary.new, summary.updated, summary.unchanged),
                warnings=sum(summary.warnings_by_rule.values()),
                summary={
                    "by_role": summary.by_role,
                    "city_wide": summary.city_wide,
                    "inactive": summary.inactive,
                    "warnings_by_rule": summary.warnings_by_rule,
                },
                details={
                    "rows": summary.rows_total,
                    "new": summary.new,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "new_logins": list(summary.new_logins),
                    "updated_logins": list(summary.updated_logins),
                    "client": client_address,
                },
            )
    except DryRunDone as done:
        assert isinstance(done.summary, LegacyImportSummary)
        return done.summary
    return summary


# --- the scheduled lock ------------------------------------------------------------------------------


def lock_moment(day: date) -> datetime:
    """00:00 of ``day`` in Hải Phòng, as naive UTC."""
    return datetime.combine(day, time()) - LOCAL_OFFSET


def schedule_legacy_lock(
    database: Database, actor: Actor, day: date, *, client_address: str = "", now: datetime | None = None
) -> datetime:
    """Lock every legacy account from 00:00 of ``day`` (Hải Phòng time), which must be after today;
    replaces an earlier schedule. Returns the moment (aware UTC). Audited as
    ``users.lock_legacy_scheduled``."""
    moment = naive_utc(now)
    lock_at = lock_moment(day)
    _refuse_unless_city_admin(database, actor, "users.lock_legacy_scheduled", "", client_address, moment)
    if lock_at <= moment:
        raise InvalidInput(
            f"Ngày khoá {day:%d/%m/%Y} phải sau hôm nay; để khoá ngay, chạy lệnh không có --at.",
            f"The lock date {day:%d/%m/%Y} must be after today; to lock now, run without --at.",
        )
    with database.transaction() as session:
        previous = store.lock_schedule(session)
        details: dict[str, object] = {"lock_at": aware_utc(lock_at).isoformat(), "day": day.isoformat()}
        if previous is not None:
            details["replaces"] = aware_utc(previous.lock_at).isoformat()
        store.set_lock_schedule(session, lock_at, actor.name, moment)
        audit.append(
            session,
            actor=actor.name,
            action="users.lock_legacy_scheduled",
            outcome="success",
            client=client_address,
            details=details,
            at=aware_utc(moment),
        )
    return aware_utc(lock_at)


def cancel_legacy_lock(
    database: Database, actor: Actor, *, client_address: str = "", now: datetime | None = None
) -> datetime:
    """Cancel the scheduled lock; returns when it would have happened. Audited."""
    moment = naive_utc(now)
    _refuse_unless_city_admin(database, actor, "users.lock_legacy_cancelled", "", client_address, moment)
    with database.transaction() as session:
        cancelled = store.clear_lock_schedule(session)
        if cancelled is None:
            raise NotFound(
                "Không có lịch khoá tài khoản cũ nào.", "No lock of the legacy accounts is scheduled."
            )
        audit.append(
            session,
            actor=actor.name,
            action="users.lock_legacy_cancelled",
            outcome="success",
            client=client_address,
            details={"lock_at": aware_utc(cancelled.lock_at).isoformat()},
            at=aware_utc(moment),
        )
        return aware_utc(cancelled.lock_at)


# --- who has moved: the report, the share, the admin page's overview --------------------------------


@dataclass(frozen=True)
class EidShare:
    """ANTT's own Project 06 figure: of the people who can use ANTT — e-ID users holding a role, and
    legacy accounts still active and not taken over — the share who sign in through the e-ID."""

    eid_users: int
    legacy_pending: int
    legacy_linked: int
    legacy_total: int

    @property
    def share(self) -> float | None:
        total = self.eid_users + self.legacy_pending
        return None if total == 0 else self.eid_users / total


@dataclass(frozen=True)
class LegacyAccountLine:
    user_id: int
    login: str
    full_name: str | None
    roles: tuple[str, ...]
    units: tuple[UnitKey, ...]  # empty with city_wide
    city_wide: bool
    active: bool  # in the old system
    status: str  # in ANTT: active | locked | disabled
    linked_user_id: int | None
    linked_at: datetime | None  # aware UTC

    @property
    def linked(self) -> bool:
        return self.linked_user_id is not None


@dataclass(frozen=True)
class CommuneLinks:
    code: str | None  # None: the accounts with a city-wide role
    name: str
    accounts: int
    linked: int
    not_linked: int  # active in the old system, not yet taken over: the people to remind
    inactive: int  # switched off in the old system, not taken over


@dataclass(frozen=True)
class ReviewView:
    user_id: int
    full_name: str | None
    subject: str
    reason: str
    reason_vi: str
    reason_en: str
    at: datetime  # aware UTC
    legacy_logins: tuple[str, ...]


@dataclass(frozen=True)
class LegacyReport:
    communes: list[CommuneLinks]
    accounts: list[LegacyAccountLine]
    share: EidShare
    lock_at: datetime | None  # aware UTC, the scheduled lock


@dataclass(frozen=True)
class LegacyOverview:
    report: LegacyReport
    reviews: list[ReviewView]


def _require_admin(actor: Actor) -> frozenset[UnitKey] | None:
    if not actor.can(Action.MANAGE_USERS):
        vi, en = ADMIN_REFUSALS["not_administrator"]
        raise PermissionDenied(vi, en)
    return actor.units_for(Action.MANAGE_USERS)


def _accounts(session: Session) -> list[LegacyAccountLine]:
    accounts = store.legacy_users(session, store.STATUSES)
    grants: dict[int, list[tuple[str, UnitKey | None]]] = {}
    for g in store.grant_rows(session, [a.id for a in accounts]):
        scope = None if g.unit_scheme is None or g.unit_code is None else (g.unit_scheme, g.unit_code)
        grants.setdefault(g.user_id, []).append((g.role, scope))
    lines = []
    for a in accounts:
        held = grants.get(a.id, [])
        units = tuple(sorted({s for _, s in held if s is not None}))
        lines.append(
            LegacyAccountLine(
                user_id=a.id,
                login=a.legacy_login or a.subject,
                full_name=a.full_name,
                roles=tuple(sorted({r for r, _ in held})),
                units=units,
                city_wide=any(s is None for _, s in held),
                active=bool(a.legacy_active),
                status=a.status,
                linked_user_id=a.linked_user_id,
                linked_at=aware_utc(a.linked_at) if a.linked_at else None,
            )
        )
    return lines


def _share(session: Session, accounts: list[LegacyAccountLine]) -> EidShare:
    granted = store.users_with_grants(session)
    eid = sum(
        1 for u in store.all_users(session) if not u.legacy and u.status == store.ACTIVE and u.id in granted
    )
    pending = sum(1 for a in accounts if not a.linked and a.active and a.status == store.ACTIVE)
    linked = sum(1 for a in accounts if a.linked)
    return EidShare(eid, pending, linked, len(accounts))


def _communes(accounts: list[LegacyAccountLine], scope: frozenset[UnitKey] | None) -> list[CommuneLinks]:
    catalog = unit_catalog()
    buckets: dict[UnitKey | None, list[LegacyAccountLine]] = {}
    for a in accounts:
        keys: list[UnitKey | None] = [None] if a.city_wide else []
        keys += list(a.units)
        for key in keys:
            if scope is None or (key is not None and key in scope):
                buckets.setdefault(key, []).append(a)

    def name(key: UnitKey | None) -> str:
        if key is None:
            return "Toàn thành phố / city-wide"
        unit = catalog.find(*key)
        return unit.name if unit else key[1]

    order = sorted(buckets, key=lambda k: (k is not None, sort_key(name(k)), k or ("", "")))
    return [
        CommuneLinks(
            code=None if key is None else key[1],
            name=name(key),
            accounts=len(buckets[key]),
            linked=sum(1 for a in buckets[key] if a.linked),
            not_linked=sum(1 for a in buckets[key] if not a.linked and a.active),
            inactive=sum(1 for a in buckets[key] if not a.linked and not a.active),
        )
        for key in order
    ]


def _visible(a: LegacyAccountLine, scope: frozenset[UnitKey] | None) -> bool:
    return scope is None or any(u in scope for u in a.units)


def _report(session: Session, scope: frozenset[UnitKey] | None) -> LegacyReport:
    accounts = _accounts(session)
    share = _share(session, accounts)
    visible = [a for a in accounts if _visible(a, scope)]
    schedule = store.lock_schedule(session)
    return LegacyReport(
        communes=_communes(visible, scope),
        accounts=visible,
        share=share,
        lock_at=aware_utc(schedule.lock_at) if schedule else None,
    )


def legacy_report(database: Database, actor: Actor) -> LegacyReport:
    """Who has taken their legacy account over and who has not, by commune (a scoped administrator sees
    their communes), with the share of users on the e-ID and the scheduled lock."""
    scope = _require_admin(actor)
    with database.transaction(write=False) as session:
        return _report(session, scope)


def eid_share(database: Database, actor: Actor) -> EidShare:
    _require_admin(actor)
    with database.transaction(write=False) as session:
        return _share(session, _accounts(session))


def legacy_overview(database: Database, actor: Actor) -> LegacyOverview:
    """What the admin page shows about the move to the e-ID: the report and the links awaiting review
    (with the legacy logins that matched, which an administrator of the whole city only sees)."""
    scope = _require_admin(actor)
    with database.transaction(write=False) as session:
        report = _report(session, scope)
        reviews: list[ReviewView] = []
        if scope is None:
            for user in store.pending_reviews(session):
                reason = user.link_review or ""
                vi, en = REVIEW_REASONS.get(reason, (reason, reason))
                matches = (
                    store.legacy_with_pseudonym(session, user.personal_id_pseudonym)
                    if user.personal_id_pseudonym
                    else []
                )
                reviews.append(
                    ReviewView(
                        user_id=user.id,
                        full_name=user.full_name,
                        subject=user.subject,
                        reason=reason,
                        reason_vi=vi,
                        reason_en=en,
                        at=aware_utc(user.link_review_at or user.created_at),
                        legacy_logins=tuple(m.legacy_login or m.subject for m in matches),
                    )
                )
        return LegacyOverview(report, reviews)
