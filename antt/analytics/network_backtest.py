"""Scoring a group finder against known (planted) groups: recovery, precision, merges, how early.

A planted group ``P`` (its incidents) is **recovered** when some reported group ``R`` has incident
Jaccard ``|R ∩ P| / |R ∪ P| ≥ 0.5``. **Precision** is the share of reported groups with at least
``min_members`` members that recover some planted group. Two planted groups are **merged** when one
reported group holds at least half of the incidents of each. **Lead time**: for each planted group, the
day its own incidents first cross the alert threshold against the day
of the first ``members``/``incidents`` alert of a tracked group whose incidents are mostly (≥ ½) the
planted group's at that step; the lag is alert day − crossing day. A planted group crosses the threshold
when ``members`` of its members have each been seen in ≥ 2 of its incidents (what the data can show of
membership), or when it has ``incidents`` incidents within ``weeks`` weeks *and* is a group by then — at
least ``min_members`` members seen twice (a pair offending four times in a quarter is not yet a group of
three and is not alerted as one). Those incidents are, likewise, the ones the data can show are the
group's by that day: naming two of its members seen twice. An incident of one member with a newcomer
seen for the first time is the group's in the generator's truth, but nothing in the data says so yet
(the same incident of a prolific offender with a one-time partner looks identical); it counts once the
newcomer is seen again. (Until 6 December 2026 every incident of the planted group counted, so three of
the second synthetic city's 60 groups "crossed" on such an incident weeks before any data could show it.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from antt.analytics.network_growth import GrowthAlert, GrowthRules, Step
from antt.analytics.networks import CoOffending

JACCARD = 0.5


@dataclass(frozen=True)
class Planted:
    name: str
    incidents: frozenset[int]
    members: frozenset[int]


@dataclass(frozen=True)
class Recovery:
    method: str
    planted: int
    recovered: int
    reported: int  # reported groups with ≥ min_members members
    correct: int  # of those, the ones that recover a planted group
    merged_pairs: int

    @property
    def recall(self) -> float:
        return self.recovered / self.planted if self.planted else float("nan")

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else float("nan")


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def score_recovery(
    method: str,
    planted: Sequence[Planted],
    reported: Sequence[tuple[Sequence[int], Sequence[int]]],
    min_members: int = 5,
) -> Recovery:
    """``reported``: ``(members, incidents)`` of each reported group."""
    groups = [(frozenset(m), frozenset(i)) for m, i in reported]
    by_incident: dict[int, list[int]] = {}
    for r, (_, incidents) in enumerate(groups):
        for i in incidents:
            by_incident.setdefault(i, []).append(r)

    def overlapping(p: Planted) -> set[int]:
        return {r for i in p.incidents for r in by_incident.get(i, ())}

    recovered = 0
    matched_reports: set[int] = set()
    holders: dict[int, list[int]] = {}
    for k, p in enumerate(planted):
        hits = [r for r in overlapping(p) if jaccard(groups[r][1], p.incidents) >= JACCARD]
        recovered += bool(hits)
        matched_reports.update(hits)
        for r in overlapping(p):
            if len(groups[r][1] & p.incidents) * 2 >= len(p.incidents):
                holders.setdefault(r, []).append(k)
    big = [r for r, (members, _) in enumerate(groups) if len(members) >= min_members]
    merged = sum(len(ks) * (len(ks) - 1) // 2 for ks in holders.values())
    return Recovery(method, len(planted), recovered, len(big), sum(r in matched_reports for r in big), merged)


@dataclass(frozen=True)
class LeadTime:
    name: str
    crossed: date | None  # when the planted group's own incidents crossed the threshold
    alerted: date | None  # first size/activity alert of a tracked group that is mostly this group

    @property
    def lag_days(self) -> int | None:
        if self.crossed is None or self.alerted is None:
            return None
        return (self.alerted - self.crossed).days


def crossing_day(
    data: CoOffending, planted: Planted, rules: GrowthRules, min_members: int = 3
) -> date | None:
    """The first day the planted group's incidents satisfy the size or activity threshold."""
    incidents = np.array(sorted(planted.incidents, key=lambda i: (data.day[i], i)), dtype=np.int64)
    if len(incidents) == 0:
        return None
    seen: dict[int, int] = {}
    link_of = _links_by_incident(data, incidents)
    named: list[tuple[int, list[int]]] = []
    for i in incidents:
        day = int(data.day[i])
        members = [p for p in link_of.get(int(i), ()) if p in planted.members]
        named.append((day, members))
        for p in members:
            seen[p] = seen.get(p, 0) + 1
        repeat = {p for p, n in seen.items() if n >= 2}
        if len(repeat) >= rules.members:
            return date.fromordinal(day)
        # the group's incidents as the data can show them by now: naming two of its repeat members
        recent = sum(
            1 for d, who in named if d > day - 7 * rules.weeks and len(repeat.intersection(who)) >= 2
        )
        if len(repeat) >= min_members and recent >= rules.incidents:
            return date.fromordinal(day)
    return None


def _links_by_incident(data: CoOffending, incidents: np.ndarray) -> dict[int, list[int]]:
    chosen = np.isin(data.link_incident, incidents)
    found: dict[int, list[int]] = {}
    for i, p in zip(data.link_incident[chosen], data.link_person[chosen], strict=True):
        found.setdefault(int(i), []).append(int(p))
    return found


def lead_times(
    data: CoOffending,
    planted: Sequence[Planted],
    steps: Sequence[Step],
    alerts: Sequence[GrowthAlert],
    rules: GrowthRules,
    min_members: int = 3,
) -> list[LeadTime]:
    by_step = {(s.end, t.id): frozenset(t.group.incidents) for s in steps for t in s.groups}
    first_alert: dict[str, list[GrowthAlert]] = {}
    for a in alerts:
        if a.kind in ("members", "incidents"):
            first_alert.setdefault(a.group_id, []).append(a)
    result = []
    for p in planted:
        alerted: date | None = None
        for a in (a for group in first_alert.values() for a in group):
            incidents = by_step[(a.day, a.group_id)]
            if len(incidents & p.incidents) * 2 >= len(incidents) and (alerted is None or a.day < alerted):
                alerted = a.day
        result.append(LeadTime(p.name, crossing_day(data, p, rules, min_members), alerted))
    return result


def weekly_ends(data: CoOffending, step_days: int = 7) -> list[date]:
    """Window ends every ``step_days`` from the first incident's day to the last one's (and past it)."""
    if data.incident_count == 0:
        return []
    first, last = int(data.day.min()), int(data.day.max())
    return [
        date.fromordinal(first) + timedelta(days=k) for k in range(0, last - first + step_days, step_days)
    ]
