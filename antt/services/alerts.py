"""Alerts as a service (issues 13, 14, 15 share it): store what the detectors find, list what an actor may
see, acknowledge with the action taken (audited).

Scope: an actor sees the alerts of the communes of its data scope (``Actor.units``); an alert of another
commune is "not found" (as everywhere). A restricted reporting group (national security) is shown only
where the actor holds its privilege.

Disclosure control (docs/disclosure.md): an alert of a sensitive category (``sensitive``: the drug group,
drug classes) in a commune where the actor lacks the privilege on small sensitive counts keeps its
existence — "the drug figures of this commune are above their usual level" reveals no count — but its
figures and its explanation are withheld (``withheld``; the figures are emptied and a generic
explanation replaces the one with numbers). Weekly drug counts are never a release period, so they are
withheld whatever their value, as rule 3 asks. The same holds for an alert whose figures count sexual
offences (the ``social_order`` group, rule 2): they are withheld where the actor lacks the privilege, or its
weekly count minus the actor's own CompStat figure of that week would give the sexual offences back; an alert
about a sexual-offence article itself is not shown there at all (those offences are absent for the actor).

A co-offending group's growth (``group_growth``) is person-level data: only an actor holding the networks
privilege on the commune sees it (issue 14).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone

from antt.domain.access import Action, Actor
from antt.domain.alerts import (
    Alert,
    AlertCandidate,
    AlertKind,
    AlertStatus,
    checked_action,
    subject_article,
    subject_month_group,
)
from antt.domain.reference import offence_table, unit_catalog
from antt.errors import Conflict, NotFound, PermissionDenied
from antt.services.disclosure import (
    RESTRICTED_GROUPS,
    SEXUAL_OFFENCE_ARTICLES,
    SEXUAL_OFFENCE_GROUP,
    Disclosure,
)
from antt.storage import alerts as store
from antt.storage import audit
from antt.storage.engine import Database

WITHHELD_VI = "Số liệu nhóm nhạy cảm ở xã/phường này được bảo vệ; chỉ báo là cao hơn mức thường lệ."
WITHHELD_EN = (
    "The figures of this sensitive group in this commune are protected; only that they are above usual."
)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def store_alerts(
    database: Database, actor: Actor, candidates: Sequence[AlertCandidate]
) -> tuple[list[int], list[int]]:
    """Store alert candidates (new ones open, known ones updated): for detectors run by the system or an
    importer; → (new ids, updated ids)."""
    if not actor.is_system and not actor.can(Action.IMPORT_DATA):
        raise PermissionDenied("Không có quyền tạo cảnh báo.", "Not allowed to create alerts.")
    with database.transaction() as session:
        return store.upsert(session, candidates, _now())


def alerts_version(database: Database) -> tuple[int, int, str]:
    """Changes whenever an alert is raised, acknowledged or closed: for caches of pages that mark alerts
    (alerts change without an import, so the data version does not see them)."""
    with database.transaction(write=False) as session:
        return store.version(session)


def _visible_codes(actor: Actor) -> set[str] | None:
    if actor.units is None:
        return None
    scheme = unit_catalog().current.code
    return {code for s, code in actor.units if s == scheme}


def subject_group(subject: str) -> str:
    """The reporting group an alert's subject belongs to: itself, a monthly subject's, or an article's."""
    monthly = subject_month_group(subject)
    if monthly is not None:
        return monthly
    article = subject_article(subject)
    if article is None:
        return subject
    offence = offence_table().find(article)
    return offence.reporting_group if offence is not None else subject


def _shown(actor: Actor, alert: Alert) -> Alert | None:
    """The alert as ``actor`` may see it, or ``None`` when it may not see it at all."""
    if alert.kind == AlertKind.GROUP_GROWTH.value and not actor.can(
        Action.VIEW_NETWORKS, (alert.scheme, alert.unit_code)
    ):
        return None
    disclosure = Disclosure(actor)
    group = subject_group(alert.subject)
    if group in RESTRICTED_GROUPS and not disclosure.sees_group(group, [alert.unit_code]):
        return None
    protected = not disclosure.sees(alert.unit_code)
    if protected and subject_article(alert.subject) in SEXUAL_OFFENCE_ARTICLES:
        return None
    if protected and (alert.sensitive or alert.subject == SEXUAL_OFFENCE_GROUP):
        return replace(
            alert, figures={}, explanation_vi=WITHHELD_VI, explanation_en=WITHHELD_EN, withheld=True
        )
    return alert


def list_alerts(
    database: Database,
    actor: Actor,
    *,
    statuses: Iterable[AlertStatus] | None = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
    unit_code: str | None = None,
    subject: str | None = None,
    kinds: Iterable[str] | None = None,
    limit: int = 500,
) -> list[Alert]:
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Không có quyền xem cảnh báo.", "Not allowed to see alerts.")
    visible = _visible_codes(actor)
    units: set[str] | None = visible
    if unit_code:
        if visible is not None and unit_code not in visible:
            return []
        units = {unit_code}
    shown_alerts: list[Alert] = []
    offset = 0
    with database.transaction(write=False) as session:
        # the limit counts the alerts the actor is shown: pages of the store are read until it is reached,
        # so alerts the actor may not see do not crowd out those it may
        while len(shown_alerts) < limit:
            found = store.list_alerts(
                session,
                units=units,
                statuses=None if statuses is None else [s.value for s in statuses],
                kinds=None if kinds is None else list(kinds),
                subject=subject or None,
                limit=limit,
                offset=offset,
            )
            shown_alerts += [shown for a in found if (shown := _shown(actor, a)) is not None]
            if len(found) < limit:
                break
            offset += limit
    shown_alerts = shown_alerts[:limit]
    _audit_group_reads(database, actor, [a for a in shown_alerts if a.kind == AlertKind.GROUP_GROWTH.value])
    return shown_alerts


def _audit_group_reads(database: Database, actor: Actor, alerts: list[Alert]) -> None:
    """A co-offending group's alert is person-level data (issue 14): reading one is audited like the
    groups themselves (``networks.alerts``), by count and alert id, never a pseudonym."""
    if not alerts:
        return
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="networks.alerts",
            outcome="ok",
            obj="alerts",
            details={"alerts": len(alerts), "ids": [a.id for a in alerts][:50]},
        )


def get_alert(database: Database, actor: Actor, alert_id: int) -> Alert:
    with database.transaction(write=False) as session:
        row = store.get(session, alert_id)
        alert = None if row is None else store.to_alert(row)
    visible = _visible_codes(actor)
    shown = (
        None
        if alert is None or (visible is not None and alert.unit_code not in visible)
        else _shown(actor, alert)
    )
    if shown is None or not actor.can(Action.VIEW_DASHBOARD):
        raise NotFound(f"Không có cảnh báo số {alert_id}.", f"No alert {alert_id}.")
    if shown.kind == AlertKind.GROUP_GROWTH.value:
        _audit_group_reads(database, actor, [shown])
    return shown


def acknowledge(
    database: Database, actor: Actor, alert_id: int, action_taken: str, *, client: str = ""
) -> Alert:
    """Record who acknowledged the alert, when and the action taken; audited (``alert.acknowledge``).
    Who may: those who may see the commune's incidents (leaders, analysts, its commune officers)."""
    alert = get_alert(database, actor, alert_id)  # NotFound outside the actor's scope
    unit = (alert.scheme, alert.unit_code)
    if not actor.can(Action.VIEW_INCIDENTS, unit):
        with database.transaction() as session:
            audit.append(
                session,
                actor=actor.name,
                action="alert.acknowledge",
                outcome="denied",
                obj=f"alert:{alert_id}",
                client=client,
            )
        raise PermissionDenied(
            "Chỉ lãnh đạo, cán bộ phân tích hoặc công an xã/phường được tiếp nhận cảnh báo.",
            "Only leaders, analysts or the commune's officers may acknowledge an alert.",
        )
    text = checked_action(action_taken)
    now = _now()
    with database.transaction() as session:
        row = store.get(session, alert_id, lock=True)
        if row is None:
            raise NotFound(f"Không có cảnh báo số {alert_id}.", f"No alert {alert_id}.")
        if row.status != AlertStatus.OPEN.value:
            raise Conflict(
                f"Cảnh báo số {alert_id} không còn mở (trạng thái: {row.status}).",
                f"Alert {alert_id} is no longer open (status: {row.status}).",
            )
        row.status = AlertStatus.ACKNOWLEDGED.value
        row.acknowledged_by = actor.name
        row.acknowledged_at = now
        row.action_taken = text
        row.updated_at = now
        audit.append(
            session,
            actor=actor.name,
            action="alert.acknowledge",
            outcome="ok",
            obj=f"alert:{alert_id}",
            client=client,
            details={"kind": row.kind, "unit": row.unit_code, "subject": row.subject, "action_taken": text},
        )
        done = store.to_alert(row)
    return _shown(actor, done) or done
