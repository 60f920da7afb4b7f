"""Co-offending groups over time: identities kept across windows, and growth alerts.

Tracking (:func:`track_groups`)
    Groups are found (:func:`antt.analytics.networks.find_groups`) in a sliding window — ``window_days``
    ending on each step day, weekly by default — and each is matched to the groups known so far by member
    overlap: a known group ``K`` and a new group ``G`` match when they share at least two members and
    ``|K ∩ G| / min(|K|, |G|) ≥ match_overlap`` (default ½, the overlap coefficient: a trio that grows to
    twelve keeps all its founders, so the coefficient stays 1 while the Jaccard index would fall to ¼).
    Matches are taken greedily, most shared members first, one to one within a step; the state a group is
    matched against is the last one it was seen in, so a group that lies dormant for a while keeps its id.
    When a group splits, the larger share keeps the id; when two merge, the one sharing more members does.
    A new group's id is ``g`` + the first 8 hex digits of SHA-256 of its founding members' pseudonyms:
    the same data always give the same ids, whoever runs it, and no id says anything about anyone.

Growth alerts (:func:`growth_alerts`), per tracked group, at the step where the condition becomes true:
    - ``members``: the group reaches ``members`` members (default 5). Most co-offending is by pairs and
      trios (Reiss 1988; Carrington 2002); a stable group of five or more repeat co-offenders is what the
      police call a gang (băng nhóm), and the demo's planted groups start at three.
    - ``incidents``: ``incidents`` or more of its incidents (default 4) within ``weeks`` weeks (default
      12): an incident every three weeks on average for a quarter is an active group, above the
      one-to-four co-offences a year of the median repeat pair. "Within" is any span of that length that
      ends since the previous step (at one of the group's incidents, or the step day), not only the span
      ending on the step day: with weekly steps the latter loses up to six days, and four incidents in
      twelve weeks that straddle a step went unseen (the demo's fifth group: alerted 76 days late).
      Raised again at most once per ``weeks`` weeks (a group hovering at the threshold is one alert a
      quarter, not one a week); so is ``recruitment``.
    - ``recruitment``: ``new_members`` (default 3) members first seen in the group in the last ``weeks``
      weeks, founders not counted: a group doubling a trio within a quarter is recruiting.
    - ``new_commune``: a new incident in a commune where the group had none before.
    - ``escalation``: a new incident graver than any before (severity rank), or its first one with
      weapons, flagged as organised-group, or drug-related.
    "New" incidents are those after the group's previous step; incidents newly attributed to a group but
    older than that update its history silently. Every alert carries its figures and a plain explanation
    in Vietnamese and English.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from antt.analytics.networks import CoOffending, Group, GroupRules, find_groups
from antt.errors import InvalidInput

GRAVITY_VI = ("ít nghiêm trọng", "nghiêm trọng", "rất nghiêm trọng", "đặc biệt nghiêm trọng")
GRAVITY_EN = ("less serious", "serious", "very serious", "especially serious")


@dataclass(frozen=True)
class TrackingRules:
    window_days: int = 365
    step_days: int = 7
    match_overlap: float = 0.5

    def __post_init__(self) -> None:
        if self.window_days < 1 or self.step_days < 1 or not 0 < self.match_overlap <= 1:
            raise InvalidInput(
                "Tham số theo dõi nhóm không hợp lệ (cửa sổ ≥ 1 ngày, bước ≥ 1 ngày, độ trùng trong (0, 1]).",
                "Invalid tracking parameters (window ≥ 1 day, step ≥ 1 day, overlap in (0, 1]).",
            )


@dataclass(frozen=True)
class GrowthRules:
    """Alert thresholds (k members, m incidents within w weeks, r new members within w weeks)."""

    members: int = 5
    incidents: int = 4
    weeks: int = 12
    new_members: int = 3

    def __post_init__(self) -> None:
        if min(self.members, self.incidents, self.weeks, self.new_members) < 1:
            raise InvalidInput(
                "Ngưỡng cảnh báo phải là số nguyên dương.", "Alert thresholds must be positive whole numbers."
            )


@dataclass(frozen=True)
class TrackedGroup:
    id: str
    group: Group


@dataclass(frozen=True)
class Step:
    end: date
    groups: tuple[TrackedGroup, ...]


@dataclass(frozen=True)
class GrowthAlert:
    group_id: str
    day: date  # the step (window end) at which the condition became true
    kind: str  # members | incidents | recruitment | new_commune | escalation
    commune: str  # the commune of the group's latest incident: where the alert belongs
    figures: dict[str, object] = field(default_factory=dict)
    explanation_vi: str = ""
    explanation_en: str = ""


def step_days(first: date, last: date, step: int) -> list[date]:
    """Window ends ``last, last − step, …`` not before ``first``, oldest first."""
    if last < first:
        return []
    count = (last - first).days // step
    return [last - timedelta(days=step * k) for k in range(count, -1, -1)]


def _new_id(data: CoOffending, members: Sequence[int], taken: set[str]) -> str:
    digest = hashlib.sha256("|".join(sorted(str(data.persons[m]) for m in members)).encode()).hexdigest()
    for width in range(8, 65):
        candidate = "g" + digest[:width]
        if candidate not in taken:
            return candidate
    raise AssertionError("sha256 collision")  # pragma: no cover


@dataclass
class Registry:
    """The last known members of every group id, and the ids each person has belonged to."""

    members: dict[str, frozenset[int]] = field(default_factory=dict)
    of_person: dict[int, set[str]] = field(default_factory=dict)

    def assign(self, data: CoOffending, groups: Sequence[Group], overlap: float) -> list[str]:
        """Ids for ``groups`` (one to one), updating the registry. A known group counts every member it
        ever had (so a group whose members come and go keeps its id), against the size of its last
        state."""
        candidates: list[tuple[int, float, int, str]] = []
        for g, group in enumerate(groups):
            shared: dict[str, int] = {}
            for m in group.members:
                for gid in self.of_person.get(m, ()):
                    shared[gid] = shared.get(gid, 0) + 1
            for gid, n in shared.items():
                coefficient = n / min(len(group.members), len(self.members[gid]))
                if n >= 2 and coefficient >= overlap:
                    candidates.append((n, coefficient, g, gid))
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
        ids: list[str | None] = [None] * len(groups)
        used: set[str] = set()
        for _, _, g, gid in candidates:
            if ids[g] is None and gid not in used:
                ids[g] = gid
                used.add(gid)
        taken = set(self.members)
        result: list[str] = []
        for g, group in enumerate(groups):
            gid = ids[g] or _new_id(data, group.members, taken)
            taken.add(gid)
            result.append(gid)
            self.members[gid] = frozenset(group.members)
            for m in group.members:
                self.of_person.setdefault(m, set()).add(gid)
        return result

    def copy(self) -> Registry:
        return Registry(dict(self.members), {p: set(ids) for p, ids in self.of_person.items()})

    def parents(self, members: Sequence[int], overlap: float) -> list[str]:
        """Known ids whose last members hold at least two of ``members`` and at least ``overlap`` of the
        smaller of the two (the test :meth:`assign` matches by): where a new id split off from."""
        shared: dict[str, int] = {}
        for m in members:
            for gid in self.of_person.get(m, ()):
                shared[gid] = shared.get(gid, 0) + 1
        return sorted(
            gid
            for gid, n in shared.items()
            if n >= 2 and n / min(len(members), len(self.members[gid])) >= overlap
        )

    def ever(self) -> dict[str, set[int]]:
        """Every member each id has ever had (what :attr:`of_person` holds, by id)."""
        found: dict[str, set[int]] = {gid: set() for gid in self.members}
        for person, ids in self.of_person.items():
            for gid in ids:
                found[gid].add(person)
        return found

    @classmethod
    def restore(
        cls, data: CoOffending, last: dict[str, Sequence[str]], ever: dict[str, Sequence[str]]
    ) -> Registry:
        """A registry from each id's last members and every member it ever had, as pseudonyms (persons
        unknown to ``data`` are dropped): what a stored history holds."""
        index = {str(p): i for i, p in enumerate(data.persons)}
        registry = cls()
        for gid in sorted(last):
            registry.members[gid] = frozenset(index[p] for p in last[gid] if p in index)
            for p in (*ever.get(gid, ()), *last[gid]):
                if p in index:
                    registry.of_person.setdefault(index[p], set()).add(gid)
        return registry


def grid_ends(first: date, last: date, step: int = 7) -> list[date]:
    """Step days on a fixed grid — the days whose proleptic ordinal is a multiple of ``step`` (Sundays
    for weekly steps) — from the first on or after ``first`` to the last on or before ``last``. A fixed
    grid, not one counted back from the day asked, is what lets a tracked history be stored and resumed:
    two runs up to different days share every step they both reach."""
    if last < first:
        return []
    start = -(-first.toordinal() // step) * step
    return [date.fromordinal(o) for o in range(start, last.toordinal() + 1, step)]


def track_groups(
    data: CoOffending,
    ends: Sequence[date],
    rules: GroupRules | None = None,
    tracking: TrackingRules | None = None,
    *,
    seed: int = 0,
    registry: Registry | None = None,
) -> list[Step]:
    """Groups of each window ``(end − window_days, end]`` with ids kept across ``ends`` (ascending)."""
    tracking = tracking or TrackingRules()
    registry = registry if registry is not None else Registry()
    steps: list[Step] = []
    for end in ends:
        groups = find_groups(data, end - timedelta(days=tracking.window_days - 1), end, rules, seed=seed)
        ids = registry.assign(data, groups, tracking.match_overlap)
        steps.append(Step(end, tuple(TrackedGroup(i, g) for i, g in zip(ids, groups, strict=True))))
    return steps


@dataclass
class _State:
    last_end: date
    incidents: set[int]
    communes: set[str]
    gravity: int
    flags: set[str]
    joined: dict[int, date]
    founders: frozenset[int]
    members_alerted: bool = False
    burst: date | None = None  # the last ``incidents`` alert
    recruiting: date | None = None  # the last ``recruitment`` alert


FLAG_WORDS = {
    "weapons": ("có vũ khí", "with weapons"),
    "organised": ("có tổ chức", "as an organised group"),
    "drugs": ("liên quan ma tuý", "drug-related"),
}


def growth_alerts(
    data: CoOffending, steps: Sequence[Step], rules: GrowthRules | None = None, *, overlap: float = 0.5
) -> list[GrowthAlert]:
    """The growth alerts of a tracked timeline, oldest first (see the module docstring).

    A group that appears under a new id but matches a known one (a piece split off, or a group that took
    a new id for a step while its old id went to another piece: tracking matches one to one) inherits
    that group's history — its incidents, communes, gravity, flags, members and the alerts already
    raised — so splitting and merging back raises no second ``members`` alert for the same people."""
    rules = rules or GrowthRules()
    span = timedelta(weeks=rules.weeks)
    states: dict[str, _State] = {}
    known = Registry()
    alerts: list[GrowthAlert] = []
    previous: date | None = None
    for step in steps:
        for tracked in step.groups:
            gid, group = tracked.id, tracked.group
            incidents = np.asarray(group.incidents, dtype=np.int64)
            days = data.day[incidents]
            latest = str(data.commune[incidents[np.argmax(days)]])
            state = states.get(gid)

            alert = _collector(alerts, gid, step.end, latest)

            if state is None:
                parents = [states[p] for p in known.parents(group.members, overlap) if p in states]
                if parents:
                    state = _inherit(parents, group, step.end)
                else:
                    state = _State(
                        last_end=step.end,
                        incidents=set(),
                        communes=set(),
                        gravity=-1,
                        flags=set(),
                        joined={m: step.end for m in group.members},
                        founders=frozenset(group.members),
                    )
                states[gid] = state
            if not state.incidents:
                fresh = np.zeros(len(incidents), dtype=bool)
            else:
                fresh = days > state.last_end.toordinal()
                for m in group.members:
                    state.joined.setdefault(m, step.end)
            _check_size(state, group, rules, alert, gid)
            _check_burst(state, days, step.end, previous, span, rules, alert, gid)
            _check_recruitment(state, group, step.end, span, rules, alert, gid)
            if fresh.any():
                _check_spread(data, state, incidents[fresh], alert, gid)
            state.incidents.update(int(i) for i in incidents)
            state.communes.update(group.communes)
            state.gravity = max(state.gravity, int(data.gravity[incidents].max()))
            state.flags.update(_flags(data, incidents))
            state.last_end = step.end
        previous = step.end
        for tracked in step.groups:
            known.members[tracked.id] = frozenset(tracked.group.members)
            for m in tracked.group.members:
                known.of_person.setdefault(m, set()).add(tracked.id)
    return alerts


def _inherit(parents: Sequence[_State], group: Group, end: date) -> _State:
    """The history a new id takes over from the known group(s) it matches."""
    joined: dict[int, date] = {}
    for parent in parents:
        for m, day in parent.joined.items():
            joined[m] = min(day, joined.get(m, day))
    bursts = [p.burst for p in parents if p.burst is not None]
    recruiting = [p.recruiting for p in parents if p.recruiting is not None]
    return _State(
        last_end=max(p.last_end for p in parents),
        incidents=set().union(*(p.incidents for p in parents)),
        communes=set().union(*(p.communes for p in parents)),
        gravity=max(p.gravity for p in parents),
        flags=set().union(*(p.flags for p in parents)),
        joined={**{m: end for m in group.members}, **{m: d for m, d in joined.items() if m in group.members}},
        founders=frozenset().union(*(p.founders for p in parents)),
        members_alerted=any(p.members_alerted for p in parents),
        burst=max(bursts) if bursts else None,
        recruiting=max(recruiting) if recruiting else None,
    )


def _collector(alerts: list[GrowthAlert], gid: str, day: date, commune: str) -> _Alert:
    def alert(kind: str, figures: dict[str, object], vi: str, en: str) -> None:
        alerts.append(GrowthAlert(gid, day, kind, commune, figures, vi, en))

    return alert


def _flags(data: CoOffending, incidents: np.ndarray) -> set[str]:
    found = set()
    for name in FLAG_WORDS:
        if getattr(data, name)[incidents].any():
            found.add(name)
    return found


def _check_size(state: _State, group: Group, rules: GrowthRules, alert: _Alert, gid: str) -> None:
    n = len(group.members)
    if n >= rules.members and not state.members_alerted:
        state.members_alerted = True
        alert(
            "members",
            {"members": n, "threshold": rules.members, "incidents": len(group.incidents)},
            f"Nhóm {gid} đã có {n} thành viên (ngưỡng {rules.members}), {len(group.incidents)} vụ cùng nhau.",
            f"Group {gid} now has {n} members (threshold {rules.members}), {len(group.incidents)} joint incidents.",
        )


def busiest_span(days: np.ndarray, ends: np.ndarray, span_days: int) -> int:
    """The most of ``days`` within ``span_days`` days ending on any of ``ends`` (``(e − span, e]``)."""
    ordered = np.sort(days)
    upto = np.searchsorted(ordered, ends, side="right")
    after_start = np.searchsorted(ordered, ends - span_days, side="right")
    return int((upto - after_start).max()) if len(ends) else 0


def _check_burst(
    state: _State,
    days: np.ndarray,
    end: date,
    since: date | None,
    span: timedelta,
    rules: GrowthRules,
    alert: _Alert,
    gid: str,
) -> None:
    """``incidents`` alert: a span of ``weeks`` weeks ending after ``since`` (the previous step) and by
    ``end`` holds ``incidents`` of the group's incidents."""
    last = end.toordinal()
    first = since.toordinal() if since is not None else last - 1
    ends = np.unique(np.append(days[(days > first) & (days <= last)], last))
    recent = busiest_span(days, ends, span.days)
    if recent >= rules.incidents and (state.burst is None or end - state.burst >= span):
        state.burst = end
        alert(
            "incidents",
            {"incidents": recent, "weeks": rules.weeks, "threshold": rules.incidents},
            f"Nhóm {gid} có {recent} vụ trong {rules.weeks} tuần gần nhất (ngưỡng {rules.incidents}).",
            f"Group {gid} has {recent} incidents in the last {rules.weeks} weeks (threshold {rules.incidents}).",
        )


def _check_recruitment(
    state: _State, group: Group, end: date, span: timedelta, rules: GrowthRules, alert: _Alert, gid: str
) -> None:
    new = [m for m in group.members if m not in state.founders and state.joined[m] > end - span]
    if len(new) >= rules.new_members and (state.recruiting is None or end - state.recruiting >= span):
        state.recruiting = end
        alert(
            "recruitment",
            {
                "new_members": len(new),
                "weeks": rules.weeks,
                "threshold": rules.new_members,
                "members": len(group.members),
            },
            f"Nhóm {gid} có thêm {len(new)} thành viên mới trong {rules.weeks} tuần (ngưỡng {rules.new_members}),"
            f" nay {len(group.members)} thành viên.",
            f"Group {gid} added {len(new)} new members in {rules.weeks} weeks (threshold {rules.new_members}),"
            f" now {len(group.members)} members.",
        )


def _check_spread(data: CoOffending, state: _State, fresh: np.ndarray, alert: _Alert, gid: str) -> None:
    communes = sorted({str(c) for c in data.commune[fresh]} - state.communes)
    if communes and state.communes:
        alert(
            "new_commune",
            {"new_communes": communes, "communes_before": sorted(state.communes)},
            f"Nhóm {gid} gây án ở địa bàn mới: {', '.join(communes)}.",
            f"Group {gid} offended in a new commune: {', '.join(communes)}.",
        )
    gravity = int(data.gravity[fresh].max())
    firsts = sorted(_flags(data, fresh) - state.flags)
    if state.incidents and (gravity > state.gravity >= 0 or firsts):
        vi, en = [], []
        if gravity > state.gravity >= 0:
            vi.append(f"vụ {GRAVITY_VI[gravity]} (trước đây cao nhất: {GRAVITY_VI[state.gravity]})")
            en.append(f"an incident {GRAVITY_EN[gravity]} (gravest before: {GRAVITY_EN[state.gravity]})")
        for flag in firsts:
            vi.append(f"lần đầu {FLAG_WORDS[flag][0]}")
            en.append(f"first incident {FLAG_WORDS[flag][1]}")
        alert(
            "escalation",
            {"gravity": gravity, "gravity_before": state.gravity, "first": firsts},
            f"Nhóm {gid} leo thang: {'; '.join(vi)}.",
            f"Group {gid} is escalating: {'; '.join(en)}.",
        )


class _Alert(Protocol):
    """The per-group ``alert`` callback the checks call."""

    def __call__(self, kind: str, figures: dict[str, object], vi: str, en: str) -> None: ...
