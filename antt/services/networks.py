"""Co-offending groups and their growth alerts, for those allowed to see person-level data.

Privilege: reading groups is reading person-level (pseudonymous) data, :data:`NETWORKS_ACTION`. Every
read is audited (``networks.groups``, ``networks.alerts``; refusals too), without any pseudonym in the
record. Nothing here ever holds a clear identity: none is stored (``persons`` keeps pseudonyms only).

Groups are always found on the whole city's links — cutting the graph at a commune boundary would cut
real groups in two — and then shown within the actor's scope: a scoped actor sees only the groups with
an incident in its communes, and of those only the incidents in its communes and the members named in
them. Group ids are kept across time by tracking (:mod:`antt.analytics.network_growth`) from the first
linked incident, weekly, so the same data always give the same ids and an alert's group id is the id
the group list shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from antt.analytics.network_growth import (
    GrowthAlert,
    GrowthRules,
    Registry,
    Step,
    TrackingRules,
    growth_alerts,
    step_days,
    track_groups,
)
from antt.analytics.networks import CoOffending, Group, GroupRules, IncidentFacts, find_groups
from antt.domain.access import Action, Actor
from antt.domain.alerts import AlertCandidate, AlertKind
from antt.domain.offences import Severity
from antt.domain.reference import unit_catalog
from antt.errors import InvalidInput, PermissionDenied
from antt.services import alerts as alert_service
from antt.storage import audit
from antt.storage import networks as store
from antt.storage.engine import Database

#: the privilege of seeing co-offending groups (issue 14 asks for a "networks" privilege held by analysts
#: and leaders; until it exists in antt.domain.access it is the person-level data privilege)
NETWORKS_ACTION = Action.VIEW_PERSONS
#: Penal Code articles on weapons and explosives (art. 304–306): a group's first one is an escalation
WEAPON_ARTICLES = frozenset({"304", "305", "306"})
RANKS = {s.value: s.rank for s in Severity}


@dataclass(frozen=True)
class GroupIncident:
    source_id: str
    day: date
    commune: str
    article: str


@dataclass(frozen=True)
class GroupCard:
    """A group as the actor may see it: members as labels only ("Đối tượng 3 · nhóm g…")."""

    id: str
    members: int
    member_labels: tuple[str, ...]
    incidents: tuple[GroupIncident, ...]
    communes: tuple[str, ...]
    first: date
    last: date
    score: float

    def as_json(self) -> dict[str, object]:
        """The ``antt networks groups --format json`` entry (issue 14's exact keys)."""
        return {
            "id": self.id,
            "members": self.members,
            "incidents": [i.source_id for i in self.incidents],
            "communes": list(self.communes),
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "score": self.score,
        }


@dataclass(frozen=True)
class NetworkAlert:
    group_id: str
    kind: str
    day: date
    commune: str
    figures: dict[str, object] = field(default_factory=dict)
    explanation_vi: str = ""
    explanation_en: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "group_id": self.group_id,
            "kind": self.kind,
            "day": self.day.isoformat(),
            "commune": self.commune,
            "figures": self.figures,
            "explanation_vi": self.explanation_vi,
            "explanation_en": self.explanation_en,
        }


def _require(database: Database, actor: Actor, action: str, obj: str, client: str) -> None:
    if actor.can(NETWORKS_ACTION):
        return
    with database.transaction() as session:
        audit.append(session, actor=actor.name, action=action, outcome="denied", obj=obj, client=client)
    raise PermissionDenied("Không có quyền xem nhóm đồng phạm.", "Not allowed to see co-offending groups.")


def _load(database: Database, end: date | None) -> tuple[CoOffending, dict[str, str]]:
    """The city's co-offending links up to ``end`` and each incident's article."""
    with database.transaction(write=False) as session:
        incidents, links = store.co_offending(session, None, end)
    facts = [
        IncidentFacts(
            i.source_id,
            i.occurred_on,
            i.commune,
            RANKS.get(i.severity or "", -1),
            weapons=i.article in WEAPON_ARTICLES,
            organised=i.organised_group,
            drugs=i.drug_related,
        )
        for i in incidents
    ]
    return CoOffending.build(facts, links), {i.source_id: i.article for i in incidents}


def _scope_codes(actor: Actor) -> set[str] | None:
    units = actor.units_for(NETWORKS_ACTION)
    if units is None:
        return None
    scheme = unit_catalog().current.code
    return {code for s, code in units if s == scheme}


def _tracked(
    data: CoOffending, end: date, rules: GroupRules, tracking: TrackingRules, seed: int
) -> tuple[Registry, list[Step]]:
    registry = Registry()
    if data.incident_count == 0:
        return registry, []
    first = date.fromordinal(int(data.day.min()))
    steps = track_groups(
        data, step_days(first, end, tracking.step_days), rules, tracking, seed=seed, registry=registry
    )
    return registry, list(steps)


def _card(
    data: CoOffending, gid: str, group: Group, articles: dict[str, str], codes: set[str] | None
) -> GroupCard | None:
    shown = [i for i in group.incidents if codes is None or str(data.commune[i]) in codes]
    if not shown:
        return None
    members = [m for m in group.members if codes is None or _named_in(data, m, shown)]
    labels = tuple(f"Đối tượng {k} · nhóm {gid}" for k in range(1, len(members) + 1))
    incidents = tuple(
        GroupIncident(
            str(data.source_ids[i]),
            date.fromordinal(int(data.day[i])),
            str(data.commune[i]),
            articles.get(str(data.source_ids[i]), ""),
        )
        for i in shown
    )
    return GroupCard(
        id=gid,
        members=len(members),
        member_labels=labels,
        incidents=incidents,
        communes=tuple(sorted({i.commune for i in incidents})),
        first=min(i.day for i in incidents),
        last=max(i.day for i in incidents),
        score=group.score,
    )


def _named_in(data: CoOffending, person: int, incidents: Sequence[int]) -> bool:
    chosen = set(incidents)
    return any(int(i) in chosen for i in data.link_incident[data.link_person == person])


def co_offending_groups(
    database: Database,
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    min_members: int = 3,
    today: date | None = None,
    client_address: str = "",
    seed: int = 0,
) -> list[GroupCard]:
    """The groups of incidents in ``[start, end]`` (default: the year up to today), best score first."""
    rules = GroupRules(min_members=min_members)
    end = end or today or date.today()
    start = start or end - timedelta(days=364)
    if start > end:
        raise InvalidInput(
            f"Ngày bắt đầu {start:%d/%m/%Y} sau ngày kết thúc {end:%d/%m/%Y}.",
            f"The start {start:%d/%m/%Y} is after the end {end:%d/%m/%Y}.",
        )
    obj = f"period:{start.isoformat()}..{end.isoformat()}"
    _require(database, actor, "networks.groups", obj, client_address)
    data, articles = _load(database, end)
    registry, _ = _tracked(data, end, GroupRules(), TrackingRules(), seed)
    groups = find_groups(data, start, end, rules, seed=seed)
    ids = registry.assign(data, groups, TrackingRules().match_overlap)
    codes = _scope_codes(actor)
    cards = [c for gid, g in zip(ids, groups, strict=True) if (c := _card(data, gid, g, articles, codes))]
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="networks.groups",
            outcome="ok",
            obj=obj,
            client=client_address,
            details={"groups": len(cards), "min_members": min_members, "ids": [c.id for c in cards][:50]},
        )
    return cards


def network_alerts(
    database: Database,
    actor: Actor,
    *,
    as_of: date | None = None,
    days: int = 28,
    growth: GrowthRules | None = None,
    store_alerts: bool = True,
    client_address: str = "",
    seed: int = 0,
) -> list[NetworkAlert]:
    """The growth alerts raised in the ``days`` days up to ``as_of`` (weekly steps ending on ``as_of``),
    in the actor's scope; stored as ``group_growth`` alerts (one per group and kind and week) when the
    actor may store alerts."""
    as_of = as_of or date.today()
    if days < 1:
        raise InvalidInput("Số ngày phải ≥ 1.", "The number of days must be at least 1.")
    obj = f"as_of:{as_of.isoformat()}"
    _require(database, actor, "networks.alerts", obj, client_address)
    data, _ = _load(database, as_of)
    _, steps = _tracked(data, as_of, GroupRules(), TrackingRules(), seed)
    found: list[GrowthAlert] = growth_alerts(data, steps, growth)
    codes = _scope_codes(actor)
    recent = [
        a
        for a in found
        if as_of - timedelta(days=days) < a.day <= as_of and (codes is None or a.commune in codes)
    ]
    result = [
        NetworkAlert(
            a.group_id, a.kind, a.day, a.commune, dict(a.figures), a.explanation_vi, a.explanation_en
        )
        for a in recent
    ]
    if store_alerts and result and (actor.is_system or actor.can(Action.IMPORT_DATA)):
        alert_service.store_alerts(database, actor, [candidate(a) for a in result])
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="networks.alerts",
            outcome="ok",
            obj=obj,
            client=client_address,
            details={"alerts": len(result), "days": days},
        )
    return result


def candidate(alert: NetworkAlert) -> AlertCandidate:
    """A growth alert as a stored alert: kind ``group_growth``, the commune of the group's latest
    incident, subject ``<group id>/<growth kind>``, the week ending on the step day."""
    return AlertCandidate(
        kind=AlertKind.GROUP_GROWTH.value,
        scheme=unit_catalog().current.code,
        unit_code=alert.commune,
        subject=f"{alert.group_id}/{alert.kind}",
        period_start=alert.day - timedelta(days=6),
        period_end=alert.day,
        figures={"group_id": alert.group_id, "growth": alert.kind, **alert.figures},
        explanation_vi=alert.explanation_vi,
        explanation_en=alert.explanation_en,
    )
