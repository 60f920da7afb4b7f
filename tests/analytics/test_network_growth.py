"""Tracking co-offending groups over time: a fixed weekly grid, a registry that is stored and restored
without changing any id, and growth alerts that a group splitting and merging back does not repeat."""

from __future__ import annotations

from datetime import date, timedelta

from antt.analytics.network_growth import (
    GrowthRules,
    Registry,
    Step,
    TrackedGroup,
    grid_ends,
    growth_alerts,
    track_groups,
)
from antt.analytics.networks import Group
from tests.analytics.test_networks import D0, build, gang


def test_the_grid_is_fixed_sundays_whatever_the_last_day() -> None:
    a = grid_ends(date(2026, 1, 1), date(2026, 1, 31))
    b = grid_ends(date(2026, 1, 1), date(2026, 1, 27))
    assert a == [date(2026, 1, 4), date(2026, 1, 11), date(2026, 1, 18), date(2026, 1, 25)]
    assert b == a  # a shorter run shares every step it reaches
    assert all(d.weekday() == 6 for d in a)
    assert grid_ends(date(2026, 2, 1), date(2026, 1, 1)) == []


def test_a_restored_registry_gives_the_same_ids_as_one_that_tracked_everything() -> None:
    data = build(gang("a", 4, 0, 12) + gang("b", 5, 30, 14) + gang("c", 3, 200, 8))
    ends = grid_ends(D0, D0 + timedelta(days=300))
    whole = track_groups(data, ends)
    half = len(ends) // 2
    first = Registry()
    track_groups(data, ends[:half], registry=first)
    names = {k: [str(data.persons[m]) for m in v] for k, v in first.members.items()}
    ever = {k: [str(data.persons[m]) for m in v] for k, v in first.ever().items()}
    restored = Registry.restore(data, names, ever)
    assert restored.members == first.members and restored.of_person == first.of_person
    rest = track_groups(data, ends[half:], registry=restored)
    assert [[t.id for t in s.groups] for s in whole[half:]] == [[t.id for t in s.groups] for s in rest]


def _group(members: tuple[int, ...], incidents: tuple[int, ...]) -> Group:
    return Group(members, members, incidents, ("11383",), D0, D0, 1.0)


def test_a_piece_split_off_under_a_new_id_inherits_the_history_and_raises_no_second_size_alert() -> None:
    # six members, twelve incidents of consecutive trios; the group then splits in two pieces of five
    data = build(gang("a", 6, 0, 12))
    all_incidents = tuple(range(12))
    big = _group(tuple(range(6)), all_incidents)
    left, right = _group((0, 1, 2, 3, 4), all_incidents[:6]), _group((1, 2, 3, 4, 5), all_incidents[6:])
    steps = [
        Step(D0 + timedelta(days=70), (TrackedGroup("gA", big),)),
        Step(D0 + timedelta(days=77), (TrackedGroup("gA", left), TrackedGroup("gB", right))),
    ]
    alerts = growth_alerts(data, steps, GrowthRules(members=5))
    assert [(a.group_id, a.kind) for a in alerts if a.kind == "members"] == [("gA", "members")]
    # without the history, the new id would have been a new group of five
    alone = growth_alerts(data, steps[1:], GrowthRules(members=5))
    assert {a.group_id for a in alone if a.kind == "members"} == {"gA", "gB"}


def test_the_busiest_span_counts_every_window_ending_on_the_given_days() -> None:
    import numpy as np

    from antt.analytics.network_growth import busiest_span

    days = np.array([10, 40, 44, 93, 100])
    # (e − 84, e]: ending on 93 holds 10, 40, 44, 93; ending on 100 only 40, 44, 93, 100 (10 is out)
    assert busiest_span(days, np.array([93]), 84) == 4
    assert busiest_span(days, np.array([100]), 84) == 4
    assert busiest_span(days, np.array([95]), 84) == 3  # (11, 95]: day 10 is out
    assert busiest_span(days, np.array([125]), 84) == 3  # 44 is out: (41, 125]
    assert busiest_span(days, np.array([125, 93]), 84) == 4
    assert busiest_span(days, np.array([], dtype=np.int64), 84) == 0


def test_four_incidents_within_twelve_weeks_that_straddle_a_step_are_alerted_at_that_step() -> None:
    # a trio's incidents on days 0, 40, 44 and 80: 80 days from first to last, within 84 (twelve weeks);
    # the step after the fourth is on day 86, when the span (2, 86] has lost day 0
    trio = (0, 1, 2)
    data = build([(0, ["a", "b", "c"]), (40, ["a", "b"]), (44, ["b", "c"]), (80, ["a", "c"])])
    steps = [
        Step(D0 + timedelta(days=79), (TrackedGroup("gA", _group(trio, (0, 1, 2))),)),
        Step(D0 + timedelta(days=86), (TrackedGroup("gA", _group(trio, (0, 1, 2, 3))),)),
    ]
    alerts = [a for a in growth_alerts(data, steps, GrowthRules()) if a.kind == "incidents"]
    assert [(a.day, a.figures["incidents"]) for a in alerts] == [(D0 + timedelta(days=86), 4)]
    # spread over more than twelve weeks (day 90 instead of 80), there is no burst to report
    slow = build([(0, ["a", "b", "c"]), (40, ["a", "b"]), (44, ["b", "c"]), (90, ["a", "c"])])
    later = [Step(D0 + timedelta(days=91), steps[1].groups)]
    assert [a for a in growth_alerts(slow, later, GrowthRules()) if a.kind == "incidents"] == []
