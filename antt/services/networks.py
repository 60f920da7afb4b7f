"""Co-offending groups and their growth alerts, for those allowed to see person-level data.

Privilege: reading groups is reading person-level (pseudonymous) data, :data:`NETWORKS_ACTION`. Every
read is audited (``networks.groups``, ``networks.alerts``; refusals too), without any pseudonym in the
record. Nothing here ever holds a clear identity: none is stored (``persons`` keeps pseudonyms only).

Groups are always found on the whole city's links — cutting the graph at a commune boundary would cut
real groups in two — and then shown within the actor's scope: a scoped actor sees only the groups with
an incident in its communes, and of those only the incidents in its communes and the members named in
them. Group ids are kept across time by tracking (:mod:`antt.analytics.network_growth`) from the first
linked incident, on a fixed weekly grid (Sundays), so the same data always give the same ids and an
alert's group id is the id the group list shows.

Tracking is stored (``group_snapshots``, pseudonyms only) and resumed: a call tracks only the weeks no
earlier call has, and reads the others back. The stored history is valid for the newest import it saw;
after a new import only the weeks from the earliest new incident's day are tracked again, and after an
import that changed an existing incident (its day or its persons may have moved) all of them. Rules
(settings ``ANTT_NETWORKS_*``) and the seed are part of the history's key: other rules, other history.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from antt.analytics.network_growth import (
    GrowthAlert,
    GrowthRules,
    Registry,
    Step,
    TrackedGroup,
    TrackingRules,
    grid_ends,
    growth_alerts,
    track_groups,
)
from antt.analytics.networks import (
    CoOffending,
    Group,
    GroupRules,
    IncidentFacts,
    find_groups,
    groups_of_members,
)
from antt.domain.access import Action, Actor
from antt.domain.alerts import AlertCandidate, AlertKind
from antt.domain.offences import Severity
from antt.domain.periods import today_local
from antt.domain.reference import unit_catalog
from antt.errors import InvalidInput, PermissionDenied
from antt.services import alerts as alert_service
from antt.settings import Settings
from antt.storage import audit
from antt.storage import networks as store
from antt.storage.engine import Database

#: the privilege of seeing co-offending groups (issue 14's "networks" privilege: analysts and leaders)
NETWORKS_ACTION = Action.VIEW_NETWORKS
#: Penal Code articles on weapons and explosives (art. 304–306): a group's first one is an escalation
WEAPON_ARTICLES = frozenset({"304", "305", "306"})
RANKS = {s.value: s.rank for s in Severity}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupIncident:
    source_id: str
    day: date
    commune: str
    article: str
    #: where it happened (WGS84), when the record has it: the card's map
    lat: float | None = None
    lon: float | None = None


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
    #: the network drawn on the group card: ``(k, l, incidents in common)`` between members ``k < l``
    #: (indices into ``member_labels``), over the incidents shown
    ties: tuple[tuple[int, int, int], ...] = ()
    #: growth over time, one point per day with an incident shown: ``(day, members seen so far, incidents
    #: so far)`` — members counted from the incidents that name them, as the card shows them
    growth: tuple[tuple[date, int, int], ...] = ()

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


def _load(database: Database, end: date | None) -> tuple[CoOffending, dict[str, store.LinkedIncident]]:
    """The city's co-offending links up to ``end`` and each incident's record (article, place)."""
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
    return CoOffending.build(facts, links), {i.source_id: i for i in incidents}


def _scope_codes(actor: Actor) -> set[str] | None:
    units = actor.units_for(NETWORKS_ACTION)
    if units is None:
        return None
    scheme = unit_catalog().current.code
    return {code for s, code in units if s == scheme}


@dataclass(frozen=True)
class NetworkRules:
    """The rules of one installation (settings ``ANTT_NETWORKS_*``)."""

    groups: GroupRules
    tracking: TrackingRules
    growth: GrowthRules

    @classmethod
    def of(cls, settings: Settings) -> NetworkRules:
        return cls(
            GroupRules(
                min_tie_incidents=settings.networks_min_tie_incidents,
                half_life_days=settings.networks_half_life_days,
                max_incident_persons=settings.networks_max_incident_persons,
            ),
            TrackingRules(window_days=settings.networks_window_days),
            GrowthRules(
                members=settings.networks_alert_members,
                incidents=settings.networks_alert_incidents,
                weeks=settings.networks_alert_weeks,
                new_members=settings.networks_alert_new_members,
            ),
        )

    def key(self, seed: int) -> str:
        """What a stored tracking history was computed with (growth thresholds do not change it)."""
        text = json.dumps([repr(self.groups), repr(self.tracking), seed, HISTORY_VERSION])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


#: bump when the tracking algorithm changes: stored histories of an older one are then not read
HISTORY_VERSION = 1


def _history(
    database: Database, data: CoOffending, end: date, rules: NetworkRules, seed: int, *, steps: bool
) -> tuple[Registry, list[Step]]:
    """The tracking registry after the last weekly step on or before ``end`` and (``steps=True``) every
    step's tracked groups: stored steps read back, the others tracked now and stored."""
    registry = Registry()
    if data.incident_count == 0:
        return registry, []
    key = rules.key(seed)
    # past the newest incident by a whole window every window is empty: nothing left to track
    quiet = date.fromordinal(int(data.day.max())) + timedelta(days=rules.tracking.window_days)
    ends = grid_ends(date.fromordinal(int(data.day.min())), min(end, quiet), rules.tracking.step_days)
    with database.transaction() as session:
        batch = store.latest_batch(session)
        stored = store.stored_batch(session, key)
        if stored is not None and stored != batch:
            added, changed = store.changes_since(session, stored)
            if changed or stored > batch:
                store.forget_from(session, key, None)
            elif added is not None:
                store.forget_from(session, key, added)
        snapshots = [s for s in store.load_snapshots(session, key) if s.step_end <= end]
    last: dict[str, tuple[str, ...]] = {}
    ever: dict[str, set[str]] = {}
    by_step: dict[date, list[tuple[str, tuple[str, ...]]]] = {}
    for snap in snapshots:
        by_step.setdefault(snap.step_end, [])
        if snap.group_id != store.STEP_MARK:
            last[snap.group_id] = snap.members
            ever.setdefault(snap.group_id, set()).update(snap.members)
            by_step[snap.step_end].append((snap.group_id, snap.members))
    through = max(by_step) if by_step else None
    registry = Registry.restore(
        data, {g: list(m) for g, m in last.items()}, {g: sorted(m) for g, m in ever.items()}
    )
    todo = [e for e in ends if through is None or e > through]
    fresh = track_groups(data, todo, rules.groups, rules.tracking, seed=seed, registry=registry)
    if fresh:
        rows = []
        for step in fresh:
            rows.append(store.Snapshot(step.end, store.STEP_MARK, ()))
            rows.extend(
                store.Snapshot(step.end, t.id, tuple(sorted(str(data.persons[m]) for m in t.group.members)))
                for t in step.groups
            )
        with database.transaction() as session:
            if store.stored_through(session, key) == through:  # nobody stored these steps meanwhile
                store.save_snapshots(session, key, rows, batch)
    if not steps:
        return registry, list(fresh)
    index = {str(p): i for i, p in enumerate(data.persons)}
    window = timedelta(days=rules.tracking.window_days - 1)
    back: list[Step] = []
    for day in sorted(by_step):
        known = [(gid, [index[p] for p in members if p in index]) for gid, members in by_step[day]]
        found = groups_of_members(data, day - window, day, [m for _, m in known], rules.groups)
        ids = {tuple(sorted(m)): gid for gid, m in known}
        back.append(Step(day, tuple(TrackedGroup(ids[g.members], g) for g in found if g.members in ids)))
    return registry, back + list(fresh)


def _card(
    data: CoOffending,
    gid: str,
    group: Group,
    records: dict[str, store.LinkedIncident],
    codes: set[str] | None,
) -> GroupCard | None:
    shown = [i for i in group.incidents if codes is None or str(data.commune[i]) in codes]
    if not shown:
        return None
    named = _named(data, shown)
    anyone = set().union(*named.values())
    members = [m for m in group.members if codes is None or m in anyone]
    label_of = {m: k for k, m in enumerate(members)}
    labels = tuple(f"Đối tượng {k} · nhóm {gid}" for k in range(1, len(members) + 1))
    incidents = tuple(
        GroupIncident(
            record.source_id, record.occurred_on, record.commune, record.article, record.lat, record.lon
        )
        for record in (records[str(data.source_ids[i])] for i in shown)
    )
    ties: dict[tuple[int, int], int] = {}
    for persons in named.values():
        inside = sorted(label_of[p] for p in persons if p in label_of)
        for x in range(len(inside)):
            for y in range(x + 1, len(inside)):
                ties[(inside[x], inside[y])] = ties.get((inside[x], inside[y]), 0) + 1
    seen: set[int] = set()
    growth: list[tuple[date, int, int]] = []
    for n, i in enumerate(sorted(shown, key=lambda k: int(data.day[k])), start=1):
        seen |= {p for p in named.get(i, ()) if p in label_of}
        day = date.fromordinal(int(data.day[i]))
        if growth and growth[-1][0] == day:
            growth.pop()
        growth.append((day, len(seen), n))
    return GroupCard(
        id=gid,
        members=len(members),
        member_labels=labels,
        incidents=incidents,
        communes=tuple(sorted({i.commune for i in incidents})),
        first=min(i.day for i in incidents),
        last=max(i.day for i in incidents),
        score=group.score,
        ties=tuple((a, b, n) for (a, b), n in sorted(ties.items())),
        growth=tuple(growth),
    )


def _named(data: CoOffending, incidents: Sequence[int]) -> dict[int, set[int]]:
    """The persons named in each of ``incidents``."""
    chosen = set(int(i) for i in incidents)
    found: dict[int, set[int]] = {i: set() for i in chosen}
    for i, p in zip(data.link_incident.tolist(), data.link_person.tolist(), strict=True):
        if i in chosen:
            found[i].add(p)
    return found


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
    rules = NetworkRules.of(database.settings)
    group_rules = replace(rules.groups, min_members=min_members)
    end = end or today or date.today()
    start = start or end - timedelta(days=364)
    if start > end:
        raise InvalidInput(
            f"Ngày bắt đầu {start:%d/%m/%Y} sau ngày kết thúc {end:%d/%m/%Y}.",
            f"The start {start:%d/%m/%Y} is after the end {end:%d/%m/%Y}.",
        )
    obj = f"period:{start.isoformat()}..{end.isoformat()}"
    _require(database, actor, "networks.groups", obj, client_address)
    data, records = _load(database, end)
    registry, _ = _history(database, data, end, rules, seed, steps=False)
    groups = find_groups(data, start, end, group_rules, seed=seed)
    ids = registry.assign(data, groups, rules.tracking.match_overlap)
    codes = _scope_codes(actor)
    cards = [c for gid, g in zip(ids, groups, strict=True) if (c := _card(data, gid, g, records, codes))]
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
    audit_quiet: bool = False,
) -> list[NetworkAlert]:
    """The growth alerts raised in the ``days`` days up to ``as_of`` (weekly steps on the grid, the last
    on or before ``as_of``), in the actor's scope; stored as ``group_growth`` alerts (one per group and
    kind and week) when the actor may store alerts."""
    as_of = as_of or date.today()
    if days < 1:
        raise InvalidInput("Số ngày phải ≥ 1.", "The number of days must be at least 1.")
    obj = f"as_of:{as_of.isoformat()}"
    _require(database, actor, "networks.alerts", obj, client_address)
    rules = NetworkRules.of(database.settings)
    data, _ = _load(database, as_of)
    _, steps = _history(database, data, as_of, rules, seed, steps=True)
    found: list[GrowthAlert] = growth_alerts(
        data, steps, growth or rules.growth, overlap=rules.tracking.match_overlap
    )
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
    if audit_quiet and not result:  # the check after an import: audited only when it raised alerts
        return result
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


def alerts_after_import(database: Database, as_of: date | None = None) -> list[NetworkAlert] | None:
    """The growth check every successful incident import runs once committed (issue 14 §3): the alerts of
    the last 28 days as of ``as_of`` (today), stored like ``antt networks alerts`` stores them, so the
    dashboard lists them without anyone running the command. It must never fail the import: any error is
    logged and ``None`` returned."""
    try:
        return network_alerts(
            database, Actor.system("import"), as_of=as_of or today_local(), audit_quiet=True
        )
    except Exception:  # the import has committed: a failed check is reported, not raised
        log.exception("group growth check after import failed / kiểm tra nhóm sau khi nhập lỗi")
        return None


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
