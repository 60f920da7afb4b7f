"""Co-offending groups from pseudonymised person–incident links.

Input is the bipartite person–incident graph (:class:`CoOffending`: one row per incident, one link per
person named in it, persons known only by their pseudonym). Nothing here ever sees a clear identity.

Ties
    Two persons are tied by the incidents they were both named in. For a window ending on day ``T`` a tie
    carries ``n`` — the number of incidents in common — and a recency weight
    ``w = Σ_i 2^(−(T − day_i)/h) / (k_i − 1)``, with ``h`` the half-life (:attr:`GroupRules.half_life_days`)
    and ``k_i`` the persons of incident ``i`` (Newman 2001's collaboration weighting: a brawl of twenty
    people does not make twenty close partners). Incidents with more than
    :attr:`GroupRules.max_incident_persons` persons make no ties at all (mass events, crowd fights), but
    still count as a group's incident once the group is known.

Group definition (the part that separates groups from chance)
    1. **Repeated ties only.** A tie with ``n ≥`` :attr:`GroupRules.min_tie_incidents` (default 2) is
       *strong*; ties of a single incident are ignored when forming groups. This removes at once one-off
       pairs, the many one-time partners of a prolific offender, an outsider who offended once with each
       of two groups, and the giant component that one-time ties form in every real co-offending network
       (Reiss 1988; Carrington 2002; McGloin & Piquero 2010: most co-offending pairs never reoffend
       together, so components of all ties are chance aggregates, not groups).
    2. **Community detection on the strong ties.** Leiden (Traag, Waltman & van Eck 2019; igraph's
       ``community_leiden``, modularity with the recency weights, run to convergence, seeded) splits a
       component of strong ties that two groups share through a bridge person who offended repeatedly
       with both: the bridge goes to one side, the groups stay apart. Modularity never merges
       disconnected components, so two groups with no strong tie between them are never one group.
       The communities are the groups' *cores*.
    3. **Attachment.** A person outside every core who took part in at least ``min_tie_incidents``
       incidents with members of one core joins that group (the one with the most such incidents; ties
       broken by the smaller core index). A recruit who offends with different members each time thus
       joins, while a one-time partner (one incident) never does.
    4. **Fragments joined.** Two groups join when at least ``min_tie_incidents`` incidents name core
       members of both and those incidents name at least two distinct core members of each side (attached
       members do not count: a prolific offender attached to one group would otherwise chain groups): a big group seen
       over a short window has sparse repeated ties and comes out of steps 1–3 in pieces; a bridge
       person, one member of one side, never joins two groups by themself.
    5. A group's incidents are the window's incidents naming at least two of its members; a group is
       reported when it has at least :attr:`GroupRules.min_members` members (default 3 — a pair with two
       joint incidents is co-offending but not yet a gang; ``--min-members 2`` shows pairs).

Score (the ranking)
    ``score = Σ_i 2^(−(T − day_i)/h) · (1 + g_i/3)`` over the group's incidents, ``g_i`` the incident's
    severity rank (0 less serious … 3 especially serious, Penal Code art. 9): recent, grave activity
    ranks first; a dormant group's score halves every ``h`` days.

Tracking over time (:func:`track_groups`) and growth alerts are in :mod:`antt.analytics.network_growth`.

References: M. E. J. Newman (2001), Scientific collaboration networks II, Phys. Rev. E 64, 016132.
A. J. Reiss (1988), Co-offending and criminal careers, Crime and Justice 10, 117–170. P. J. Carrington
(2002), Group crime in Canada, Canadian J. Criminology 44, 277–315. J. M. McGloin & A. R. Piquero (2010),
On the relationship between co-offending network redundancy and offending versatility, J. Research in
Crime and Delinquency 47, 63–90. V. A. Traag, L. Waltman & N. J. van Eck (2019), From Louvain to Leiden:
guaranteeing well-connected communities, Scientific Reports 9, 5233.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import igraph
import numpy as np
from numpy.typing import NDArray

from antt.errors import InvalidInput

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class GroupRules:
    """How groups are found. The defaults are justified in the module docstring and docs/co-offending.md."""

    min_tie_incidents: int = 2
    min_members: int = 3
    half_life_days: float = 180.0
    max_incident_persons: int = 20
    resolution: float = 1.0

    def __post_init__(self) -> None:
        if self.min_members < 2:
            raise InvalidInput(
                f"Số thành viên tối thiểu phải từ 2 trở lên (nhận {self.min_members}).",
                f"The minimum number of members must be at least 2 (got {self.min_members}).",
            )
        if self.min_tie_incidents < 2 or self.half_life_days <= 0 or self.max_incident_persons < 2:
            raise InvalidInput(
                "Tham số nhóm không hợp lệ (số vụ chung ≥ 2, chu kỳ bán rã > 0, số người mỗi vụ ≥ 2).",
                "Invalid group parameters (incidents in common ≥ 2, half-life > 0, persons per incident ≥ 2).",
            )


@dataclass(frozen=True)
class CoOffending:
    """The person–incident graph: per-incident arrays (aligned) and links ``(incident, person)``.

    ``day`` holds proleptic ordinals (:meth:`datetime.date.toordinal`); ``gravity`` the severity rank
    0–3 (−1 unknown). ``persons`` are pseudonyms: the only names a person has here.
    """

    source_ids: NDArray[np.object_]
    day: IntArray
    commune: NDArray[np.object_]
    gravity: IntArray
    weapons: BoolArray
    organised: BoolArray
    drugs: BoolArray
    link_incident: IntArray
    link_person: IntArray
    persons: NDArray[np.object_]

    @property
    def incident_count(self) -> int:
        return len(self.source_ids)

    @classmethod
    def build(
        cls,
        incidents: Sequence[IncidentFacts],
        links: Sequence[tuple[str, str]],
    ) -> CoOffending:
        """From incident facts and ``(source_id, pseudonym)`` links (links to unknown incidents are an
        error; duplicate links count once)."""
        index = {inc.source_id: i for i, inc in enumerate(incidents)}
        if len(index) != len(incidents):
            raise InvalidInput("Mã vụ việc bị trùng.", "Duplicate incident source ids.")
        names = sorted({p for _, p in links})
        person_index = {p: i for i, p in enumerate(names)}
        try:
            pairs = {(index[s], person_index[p]) for s, p in links}
        except KeyError as exc:
            raise InvalidInput(
                f"Liên kết tới vụ việc không có: {exc.args[0]}",
                f"A link to an unknown incident: {exc.args[0]}",
            ) from None
        ordered = sorted(pairs)
        return cls(
            source_ids=np.array([i.source_id for i in incidents], dtype=object),
            day=np.array([i.day.toordinal() for i in incidents], dtype=np.int64),
            commune=np.array([i.commune for i in incidents], dtype=object),
            gravity=np.array([i.gravity for i in incidents], dtype=np.int64),
            weapons=np.array([i.weapons for i in incidents], dtype=bool),
            organised=np.array([i.organised for i in incidents], dtype=bool),
            drugs=np.array([i.drugs for i in incidents], dtype=bool),
            link_incident=np.array([a for a, _ in ordered], dtype=np.int64),
            link_person=np.array([b for _, b in ordered], dtype=np.int64),
            persons=np.array(names, dtype=object),
        )


@dataclass(frozen=True)
class IncidentFacts:
    """One incident as the group finder needs it."""

    source_id: str
    day: date
    commune: str
    gravity: int = -1  # severity rank 0–3, −1 unknown
    weapons: bool = False
    organised: bool = False
    drugs: bool = False


@dataclass(frozen=True)
class Ties:
    """Person–person ties of a window: ``a < b`` person indices, incidents in common, recency weight."""

    a: IntArray
    b: IntArray
    incidents: IntArray
    weight: NDArray[np.float64]


@dataclass(frozen=True)
class Group:
    """One co-offending group of a window. Indices refer to the :class:`CoOffending` it came from."""

    members: tuple[int, ...]  # person indices, ascending
    core: tuple[int, ...]  # the members held by repeated ties to each other
    incidents: tuple[int, ...]  # incident indices, by day then index
    communes: tuple[str, ...]  # sorted
    first: date
    last: date
    score: float


def window_mask(data: CoOffending, start: date | None, end: date | None) -> BoolArray:
    """Incidents with ``start ≤ day ≤ end`` (open ends when ``None``)."""
    mask = np.ones(data.incident_count, dtype=bool)
    if start is not None:
        mask &= data.day >= start.toordinal()
    if end is not None:
        mask &= data.day <= end.toordinal()
    return mask


def _window_links(data: CoOffending, mask: BoolArray) -> tuple[IntArray, IntArray]:
    keep = mask[data.link_incident]
    return data.link_incident[keep], data.link_person[keep]


def compute_ties(data: CoOffending, mask: BoolArray, as_of: int, rules: GroupRules) -> Ties:
    """The window's ties (see the module docstring). Vectorised: the pairs of all incidents with ``k``
    persons come out of one ``(n_k, k)`` matrix and ``np.triu_indices(k, 1)``."""
    inc, per = _window_links(data, mask)
    order = np.lexsort((per, inc))
    inc, per = inc[order], per[order]
    uniq, starts, sizes = np.unique(inc, return_index=True, return_counts=True)
    a_parts: list[IntArray] = []
    b_parts: list[IntArray] = []
    w_parts: list[NDArray[np.float64]] = []
    for k in np.unique(sizes):
        k = int(k)
        if k < 2 or k > rules.max_incident_persons:
            continue
        chosen = sizes == k
        rows = starts[chosen][:, None] + np.arange(k)[None, :]
        members = per[rows]  # sorted ascending within each row
        i, j = np.triu_indices(k, 1)
        age = (as_of - data.day[uniq[chosen]]).astype(np.float64)
        recency = np.exp2(-np.maximum(age, 0.0) / rules.half_life_days) / (k - 1)
        a_parts.append(members[:, i].ravel())
        b_parts.append(members[:, j].ravel())
        w_parts.append(np.repeat(recency, len(i)))
    if not a_parts:
        empty = np.zeros(0, dtype=np.int64)
        return Ties(empty, empty, empty, np.zeros(0, dtype=np.float64))
    a = np.concatenate(a_parts)
    b = np.concatenate(b_parts)
    w = np.concatenate(w_parts)
    width = np.int64(len(data.persons))
    keys, inverse = np.unique(a * width + b, return_inverse=True)
    return Ties(
        a=keys // width,
        b=keys % width,
        incidents=np.bincount(inverse).astype(np.int64),
        weight=np.bincount(inverse, weights=w).astype(np.float64),
    )


def _cores(ties: Ties, rules: GroupRules, seed: int) -> list[IntArray]:
    """Leiden communities of the strong-tie graph, each as sorted person indices."""
    strong = ties.incidents >= rules.min_tie_incidents
    a, b, w = ties.a[strong], ties.b[strong], ties.weight[strong]
    if len(a) == 0:
        return []
    nodes, local = np.unique(np.concatenate([a, b]), return_inverse=True)
    edges = local.reshape(2, -1).T
    graph = igraph.Graph(n=len(nodes), edges=edges.tolist(), directed=False)
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 — reproducible, not secret
    try:
        clusters = graph.community_leiden(
            objective_function="modularity", weights=w.tolist(), resolution=rules.resolution, n_iterations=-1
        )
    finally:
        igraph.set_random_number_generator(random)
    membership = np.asarray(clusters.membership, dtype=np.int64)
    return [np.sort(part) for part in _split_by(membership, nodes, int(membership.max()) + 1)]


def _split_by(labels: IntArray, values: IntArray, n: int) -> list[IntArray]:
    """``[values[labels == 0], …, values[labels == n − 1]]`` in one sort (values keep their order)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n + 1))
    ordered = values[order]
    return [ordered[bounds[g] : bounds[g + 1]] for g in range(n)]


def _attach(
    inc: IntArray, per: IntArray, cores: list[IntArray], n_persons: int, rules: GroupRules
) -> NDArray[np.int64]:
    """Each person's group (−1 none): the core's index for core members, and for others the core with
    whose members they took part in ≥ ``min_tie_incidents`` incidents (most incidents, then lowest
    index)."""
    group_of = np.full(n_persons, -1, dtype=np.int64)
    for g, members in enumerate(cores):
        group_of[members] = g
    if not cores:
        return group_of
    core_link = group_of[per] >= 0
    # (incident, core) pairs present, sorted by incident
    pair_keys = np.unique(inc[core_link] * len(cores) + group_of[per[core_link]])
    pair_inc, pair_grp = pair_keys // len(cores), pair_keys % len(cores)
    out_inc, out_per = inc[~core_link], per[~core_link]
    lo = np.searchsorted(pair_inc, out_inc, side="left")
    hi = np.searchsorted(pair_inc, out_inc, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return group_of
    which = np.repeat(np.arange(len(out_inc)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    cand_person = out_per[which]
    cand_group = pair_grp[offsets]
    keys, n = np.unique(cand_person * len(cores) + cand_group, return_counts=True)
    ok = n >= rules.min_tie_incidents
    keys, n = keys[ok], n[ok]
    person, group = keys // len(cores), keys % len(cores)
    # best group per person: most incidents, then the lowest core index
    order = np.lexsort((group, -n, person))
    person, group = person[order], group[order]
    first = np.ones(len(person), dtype=bool)
    first[1:] = person[1:] != person[:-1]
    group_of[person[first]] = group[first]
    return group_of


def _merge_fragments(
    inc: IntArray, per: IntArray, group_of: IntArray, cores: list[IntArray], rules: GroupRules
) -> tuple[IntArray, list[IntArray]]:
    """Join two groups that offended together: at least ``min_tie_incidents`` incidents naming core members
    of both, which together name at least two distinct core members of each. A large group seen over a short
    window has sparse repeated ties and comes out of steps 1–3 as fragments that this joins again; a bridge
    person, being one member of one side, never joins two groups by themself."""
    n = len(cores)
    if n < 2:
        return group_of, cores
    core_of = np.full(len(group_of), -1, dtype=np.int64)
    for g, members in enumerate(cores):
        core_of[members] = g
    grouped = core_of[per] >= 0
    g_inc, g_grp, g_per = inc[grouped], core_of[per[grouped]], per[grouped]
    # incidents naming core members of ≥ 2 groups
    p_inc = np.unique(g_inc * n + g_grp) // n
    multi = np.flatnonzero(np.bincount(p_inc, minlength=int(inc.max()) + 1 if len(inc) else 0) >= 2)
    if len(multi) == 0:
        return group_of, cores
    counts: dict[tuple[int, int], int] = {}
    sides: dict[tuple[int, int], tuple[set[int], set[int]]] = {}
    chosen = np.isin(g_inc, multi)
    by_incident: dict[int, dict[int, set[int]]] = {}
    for i, g, p in zip(g_inc[chosen].tolist(), g_grp[chosen].tolist(), g_per[chosen].tolist(), strict=True):
        by_incident.setdefault(i, {}).setdefault(g, set()).add(p)
    for present in by_incident.values():
        ids = sorted(present)
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                key = (ids[x], ids[y])
                counts[key] = counts.get(key, 0) + 1
                left, right = sides.setdefault(key, (set(), set()))
                if len(left) < 2:
                    left.update(present[ids[x]])
                if len(right) < 2:
                    right.update(present[ids[y]])
    parent = list(range(n))

    def root(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for (a, b), count in sorted(counts.items()):
        left, right = sides[(a, b)]
        if count >= rules.min_tie_incidents and len(left) >= 2 and len(right) >= 2:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([root(g) for g in range(n)], dtype=np.int64)
    kept, new_index = np.unique(roots, return_inverse=True)
    merged = [np.sort(np.concatenate([cores[g] for g in range(n) if roots[g] == r])) for r in kept]
    remapped = np.where(group_of >= 0, new_index[np.maximum(group_of, 0)], -1)
    return remapped.astype(np.int64), merged


def find_groups(
    data: CoOffending,
    start: date | None = None,
    end: date | None = None,
    rules: GroupRules | None = None,
    *,
    seed: int = 0,
) -> list[Group]:
    """The co-offending groups of incidents in ``[start, end]``, best score first (see the module
    docstring). An empty window, or one without repeated co-offending, gives ``[]``."""
    rules = rules or GroupRules()
    mask = window_mask(data, start, end)
    if not mask.any():
        return []
    as_of = end.toordinal() if end is not None else int(data.day[mask].max())
    ties = compute_ties(data, mask, as_of, rules)
    cores = _cores(ties, rules, seed)
    if not cores:
        return []
    inc, per = _window_links(data, mask)
    group_of = _attach(inc, per, cores, len(data.persons), rules)
    group_of, cores = _merge_fragments(inc, per, group_of, cores, rules)
    return _describe(data, inc, per, group_of, cores, as_of, rules)


def groups_of_members(
    data: CoOffending,
    start: date | None,
    end: date | None,
    members: Sequence[Sequence[int]],
    rules: GroupRules | None = None,
) -> list[Group]:
    """The groups of ``[start, end]`` whose memberships are already known (disjoint person indices, as
    :func:`find_groups` found them for that window): their incidents, communes, days and score, without
    finding them again — how a stored tracking history is read back. ``core`` is the whole membership.
    """
    rules = rules or GroupRules()
    mask = window_mask(data, start, end)
    if not mask.any() or not members:
        return []
    as_of = end.toordinal() if end is not None else int(data.day[mask].max())
    cores = [np.asarray(sorted(m), dtype=np.int64) for m in members]
    group_of = np.full(len(data.persons), -1, dtype=np.int64)
    for g, part in enumerate(cores):
        group_of[part] = g
    inc, per = _window_links(data, mask)
    return _describe(data, inc, per, group_of, cores, as_of, rules)


def _describe(
    data: CoOffending,
    inc: IntArray,
    per: IntArray,
    group_of: IntArray,
    cores: list[IntArray],
    as_of: int,
    rules: GroupRules,
) -> list[Group]:
    """Each group's members (persons labelled with it), incidents (naming ≥ 2 of them), communes, days
    and score; groups below ``min_members`` or without an incident left out; best score first."""
    grouped = group_of[per] >= 0
    g_inc, g_grp, g_per = inc[grouped], group_of[per[grouped]], per[grouped]
    # incidents naming ≥ 2 members of the same group
    keys, counts = np.unique(g_inc * len(cores) + g_grp, return_counts=True)
    keep = counts >= 2
    inc_of_group = keys[keep] // len(cores)
    grp_of_inc = keys[keep] % len(cores)
    members_of = _split_by(g_grp, g_per, len(cores))
    incidents_of = _split_by(grp_of_inc, inc_of_group, len(cores))
    groups: list[Group] = []
    for g, core in enumerate(cores):
        members = np.unique(members_of[g])
        if len(members) < rules.min_members:
            continue
        incidents = incidents_of[g]
        if len(incidents) == 0:
            continue
        incidents = incidents[np.lexsort((incidents, data.day[incidents]))]
        days = data.day[incidents]
        recency = np.exp2(-np.maximum(as_of - days, 0) / rules.half_life_days)
        gravity = np.maximum(data.gravity[incidents], 0)
        groups.append(
            Group(
                members=tuple(int(m) for m in members),
                core=tuple(int(m) for m in core),
                incidents=tuple(int(i) for i in incidents),
                communes=tuple(sorted({str(c) for c in data.commune[incidents]})),
                first=date.fromordinal(int(days.min())),
                last=date.fromordinal(int(days.max())),
                score=round(float((recency * (1 + gravity / 3)).sum()), 4),
            )
        )
    groups.sort(key=lambda grp: (-grp.score, grp.first, grp.members))
    return groups


def connected_components_baseline(
    data: CoOffending, start: date | None = None, end: date | None = None, *, min_tie_incidents: int = 1
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Naive baseline: connected components of the ties with ≥ ``min_tie_incidents`` incidents in common
    (1: every co-offending tie; 2: repeated pairs only), as ``(members, incidents)`` with incidents naming
    ≥ 2 members. For the backtest only: it is what "groups" would be without the definition above."""
    rules = GroupRules(max_incident_persons=10**6)
    mask = window_mask(data, start, end)
    if not mask.any():
        return []
    ties = compute_ties(data, mask, 0, rules)
    keep = ties.incidents >= min_tie_incidents
    a, b = ties.a[keep], ties.b[keep]
    if len(a) == 0:
        return []
    nodes, local = np.unique(np.concatenate([a, b]), return_inverse=True)
    graph = igraph.Graph(n=len(nodes), edges=local.reshape(2, -1).T.tolist(), directed=False)
    label = np.full(len(data.persons), -1, dtype=np.int64)
    label[nodes] = np.asarray(graph.connected_components().membership, dtype=np.int64)
    inc, per = _window_links(data, mask)
    labelled = label[per] >= 0
    n_comp = int(label.max()) + 1
    keys, counts = np.unique(inc[labelled] * n_comp + label[per[labelled]], return_counts=True)
    keys = keys[counts >= 2]
    members_of = _split_by(label[nodes], nodes, n_comp)
    incidents_of = _split_by(keys % n_comp, keys // n_comp, n_comp)
    return [
        (tuple(int(p) for p in members_of[c]), tuple(int(i) for i in incidents_of[c])) for c in range(n_comp)
    ]
