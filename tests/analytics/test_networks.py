"""Co-offending groups on hand-built graphs: what is a group and what is chance."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from antt.analytics.networks import (
    CoOffending,
    GroupRules,
    IncidentFacts,
    compute_ties,
    connected_components_baseline,
    find_groups,
    window_mask,
)
from antt.errors import InvalidInput

D0 = date(2025, 1, 1)


def build(cases: list[tuple[int, list[str]]], commune: str = "11383", gravity: int = 1) -> CoOffending:
    """Incidents ``(day offset, persons)`` named c0, c1, … in ``commune``."""
    incidents = [
        IncidentFacts(f"c{i}", D0 + timedelta(days=day), commune, gravity) for i, (day, _) in enumerate(cases)
    ]
    links = [(f"c{i}", p) for i, (_, persons) in enumerate(cases) for p in persons]
    return CoOffending.build(incidents, links)


def names(data: CoOffending, members: tuple[int, ...]) -> set[str]:
    return {str(data.persons[m]) for m in members}


def gang(prefix: str, size: int, start: int, times: int) -> list[tuple[int, list[str]]]:
    """``times`` incidents, each by three consecutive members of a ring of ``size``: every pair of
    neighbours repeats."""
    members = [f"{prefix}{k}" for k in range(size)]
    return [(start + 5 * t, [members[(t + j) % size] for j in range(3)]) for t in range(times)]


def test_one_off_pairs_are_not_groups() -> None:
    data = build([(d, [f"x{d}", f"y{d}"]) for d in range(30)])
    assert find_groups(data) == []


def test_a_prolific_offender_with_many_one_time_partners_is_not_a_group() -> None:
    data = build([(d, ["boss", f"partner{d}"]) for d in range(25)] + [(40, ["boss", "q1", "q2"])])
    assert find_groups(data, rules=GroupRules(min_members=2)) == []


def test_a_repeated_trio_is_a_group_with_its_incidents_and_communes() -> None:
    data = build(
        [(0, ["a", "b", "c"]), (10, ["a", "b"]), (20, ["b", "c"]), (30, ["a", "c"]), (35, ["a", "z"])]
    )
    (group,) = find_groups(data)
    assert names(data, group.members) == {"a", "b", "c"}
    assert [str(data.source_ids[i]) for i in group.incidents] == ["c0", "c1", "c2", "c3"]  # not a+z
    assert group.first == D0 and group.last == D0 + timedelta(days=30)
    assert group.communes == ("11383",)


def test_an_outsider_who_offended_once_with_each_of_two_groups_does_not_merge_them() -> None:
    cases = gang("a", 5, 0, 10) + gang("b", 5, 2, 10) + [(60, ["x", "a0", "a1"]), (61, ["x", "b0", "b1"])]
    data = build(cases)
    groups = find_groups(data)
    assert sorted((names(data, g.members) for g in groups), key=sorted) == [
        {f"a{k}" for k in range(5)},
        {f"b{k}" for k in range(5)},
    ]
    # connected components of all ties join them through the outsider
    components = connected_components_baseline(data)
    assert max(len(m) for m, _ in components) == 11


def test_a_bridge_who_offended_repeatedly_with_both_groups_joins_one_and_keeps_them_apart() -> None:
    cases = gang("a", 6, 0, 14) + gang("b", 6, 2, 14)
    cases += [(80, ["x", "a0"]), (85, ["x", "a0"]), (90, ["x", "b0"]), (95, ["x", "b0"])]
    data = build(cases)
    groups = find_groups(data)
    assert len(groups) == 2
    a, b = ({f"a{k}" for k in range(6)}, {f"b{k}" for k in range(6)})
    found = [names(data, g.members) for g in groups]
    assert sum(1 for f in found if "x" in f) == 1
    assert sorted((f - {"x"} for f in found), key=sorted) == [a, b]


def test_the_giant_component_of_one_time_ties_is_not_a_group_but_a_real_group_inside_it_is() -> None:
    rng = np.random.default_rng(7)
    chain = [(int(d), [f"p{d}", f"p{d + 1}"]) for d in range(200)]  # a chain: one component of 201
    pool = [f"p{k}" for k in range(201)]
    extra = [(int(rng.integers(0, 200)), [pool[int(rng.integers(201))], f"q{k}"]) for k in range(100)]
    real = [*gang("r", 4, 10, 8), (3, ["r0", "p5"])]  # linked to the chain by one one-time tie
    data = build(chain + extra + real)
    groups = find_groups(data)
    assert [names(data, g.members) for g in groups] == [{"r0", "r1", "r2", "r3"}]
    components = connected_components_baseline(data)
    assert max(len(m) for m, _ in components) >= 205  # the baseline calls the giant component a group


def test_a_recruit_who_offends_with_different_members_each_time_joins_but_a_one_time_partner_does_not() -> (
    None
):
    cases = [*gang("a", 3, 0, 6), (40, ["new", "a0"]), (45, ["new", "a1"]), (50, ["once", "a2"])]
    data = build(cases)
    (group,) = find_groups(data)
    assert names(data, group.members) == {"a0", "a1", "a2", "new"}
    assert names(data, group.core) == {"a0", "a1", "a2"}


def test_ties_count_incidents_in_common_and_weigh_them_by_recency_and_size() -> None:
    data = build([(0, ["a", "b"]), (180, ["a", "b", "c"])])
    rules = GroupRules(half_life_days=180)
    ties = compute_ties(data, window_mask(data, None, None), (D0 + timedelta(days=180)).toordinal(), rules)
    found = {
        (str(data.persons[a]), str(data.persons[b])): (n, w)
        for a, b, n, w in zip(ties.a, ties.b, ties.incidents, ties.weight, strict=True)
    }
    assert found[("a", "b")][0] == 2
    assert found[("a", "b")][1] == pytest.approx(0.5 * 1 + 1.0 * 0.5)  # ½ for age 180 d; ½ for k − 1 = 2
    assert found[("a", "c")] == (1, pytest.approx(0.5))


def test_the_score_is_recency_weighted_and_grows_with_gravity() -> None:
    cases = [(0, ["a", "b", "c"]), (180, ["a", "b", "c"])]
    data = build(cases, gravity=3)
    (group,) = find_groups(data, end=D0 + timedelta(days=180), rules=GroupRules(half_life_days=180))
    assert group.score == pytest.approx((0.5 + 1.0) * 2)  # (1 + 3/3) each


def test_groups_are_ranked_by_score() -> None:
    cases = gang("old", 4, 0, 8) + gang("new", 4, 300, 8)
    data = build(cases)
    groups = find_groups(data)
    assert [sorted(names(data, g.members))[0] for g in groups] == ["new0", "old0"]
    assert groups[0].score > groups[1].score


def test_a_window_without_repeated_co_offending_is_empty_not_an_error() -> None:
    data = build(gang("a", 3, 0, 6))
    assert find_groups(data, start=date(2030, 1, 1), end=date(2030, 12, 31)) == []
    assert find_groups(build([])) == []


def test_incidents_outside_the_window_are_not_used() -> None:
    data = build(gang("a", 3, 0, 6))  # days 0 … 25
    assert find_groups(data, end=D0 + timedelta(days=4)) == []  # one incident only
    (group,) = find_groups(data, start=D0 + timedelta(days=10))
    assert all(data.day[i] >= (D0 + timedelta(days=10)).toordinal() for i in group.incidents)


def test_mass_events_make_no_ties() -> None:
    crowd = [f"m{k}" for k in range(30)]
    data = build([(0, crowd), (1, crowd)])
    assert find_groups(data) == []
    assert len(find_groups(data, rules=GroupRules(max_incident_persons=40))) == 1


def test_the_result_does_not_depend_on_the_order_of_links_and_is_seeded() -> None:
    cases = (
        gang("a", 6, 0, 14)
        + gang("b", 6, 2, 14)
        + [(80, ["x", "a0"]), (85, ["x", "a0"]), (90, ["x", "b0"]), (95, ["x", "b0"])]
    )
    first = find_groups(build(cases), seed=3)
    again = find_groups(build(list(reversed(cases))), seed=3)
    assert [len(g.members) for g in first] == [len(g.members) for g in again]


@pytest.mark.parametrize("bad", [1, 0, -3])
def test_fewer_than_two_members_is_refused_in_both_languages(bad: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        GroupRules(min_members=bad)
    assert "tối thiểu" in caught.value.message_vi and "at least 2" in caught.value.message_en


def test_links_to_unknown_incidents_are_refused() -> None:
    with pytest.raises(InvalidInput):
        CoOffending.build([IncidentFacts("c0", D0, "1")], [("c9", "p")])


def test_a_planted_group_crosses_on_incidents_the_data_can_show_are_its_own() -> None:
    from antt.analytics.network_backtest import Planted, crossing_day
    from antt.analytics.network_growth import GrowthRules

    # the trio's third and fourth incidents in a quarter; the fourth is one member's with a newcomer
    data = build(
        [(0, ["a", "b", "c"]), (20, ["a", "b"]), (30, ["b", "c"]), (40, ["c", "n"]), (60, ["a", "n"])]
    )
    people = {str(p): k for k, p in enumerate(data.persons)}
    planted = Planted("p", frozenset(range(5)), frozenset(people[x] for x in "abcn"))
    # day 40: three repeat members and four planted incidents, but c + n is not yet shown to be the
    # group's (n is seen once); day 60: n seen twice, so both of n's incidents count — five in a quarter
    assert crossing_day(data, planted, GrowthRules(members=5, incidents=4, weeks=12)) == D0 + timedelta(
        days=60
    )
