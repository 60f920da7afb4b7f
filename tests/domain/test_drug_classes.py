"""The indicative QĐ 28/2025 class: each criterion on and just off its threshold, three-valued outcomes
(an unknown criterion never guessed), rule sets chosen by date."""

from __future__ import annotations

import json
from datetime import date

import pytest

from antt.domain.drug_classes import (
    BELOW_CLASS_2,
    CLASS_1,
    CLASS_2,
    NO_DATA,
    NO_RULES,
    UNDETERMINED,
    Figures,
    classify,
    differs,
    parse_rule_sets,
    rule_set_on,
    rule_sets,
)
from antt.domain.reference import read_data_file

POP = 10_000.0
QUIET = dict(users=0, places=0, arrested=0, plants=0, route=0, population=POP)


def outcome(criterion: str, **figures: object) -> tuple[float | None, bool | None]:
    result = classify(Figures(**{**QUIET, **figures}), 2025)  # type: ignore[arg-type]
    found = next(r for r in result.criteria if r.criterion.id == criterion)
    return found.value, found.met


@pytest.mark.parametrize(
    ("criterion", "on", "off"),
    [
        ("class_1.a", {"users": 50}, {"users": 49}),  # ≥ 0.5 % of 10,000 residents
        ("class_1.b", {"places": 2}, {"places": 1}),
        ("class_1.c", {"arrested": 10}, {"arrested": 9}),  # ≥ 0.1 %
        ("class_2.b", {"places": 1}, {"places": 0}),
        ("class_2.c", {"arrested": 5}, {"arrested": 4}),  # ≥ 0.05 %
    ],
)
def test_each_criterion_is_met_on_its_threshold_and_not_just_below(criterion, on, off) -> None:
    assert outcome(criterion, **on)[1] is True
    assert outcome(criterion, **off)[1] is False


def test_shares_are_percent_of_residents_compared_exactly() -> None:
    assert outcome("class_1.a", users=50) == (0.5, True)
    # 0.05 % of 20,000 is exactly 10: floating point must not tip it either way
    assert outcome("class_2.c", arrested=10, population=20_000.0) == (0.05, True)
    assert outcome("class_2.c", arrested=9, population=20_000.0)[1] is False
    assert outcome("class_1.a", users=50, population=None) == (None, None)


def test_plants_on_the_threshold_meet_and_below_it_the_unrecorded_area_leaves_it_open() -> None:
    assert outcome("class_1.d", plants=3000) == (3000.0, True)
    assert outcome("class_1.d", plants=2999) == (2999.0, None)  # 750 m² could still be met
    assert outcome("class_1.d", plants=0) == (0.0, False)  # nothing found: no area either


def test_class_2_thresholds_not_in_the_texts_are_not_configured_and_never_guessed() -> None:
    for criterion, figures in (("class_2.a", {"users": 40}), ("class_2.d", {"plants": 800})):
        value, met = outcome(criterion, **figures)
        assert met is None and value is not None
    found = next(r for r in classify(Figures(**QUIET), 2025).criteria if r.criterion.id == "class_2.a")
    assert found.document()["threshold"] is None
    ids = {r.criterion.id for r in classify(Figures(**QUIET), 2025).criteria}
    assert {"class_3.all", "drug_free.all"} <= ids


def test_the_route_criterion_needs_the_route_and_two_criteria_else_stays_open() -> None:
    assert outcome("class_1.dd", route=1, users=50, places=2)[1] is True
    assert outcome("class_1.dd", route=1, users=50)[1] is None  # class III thresholds not configured
    assert outcome("class_1.dd", route=0, users=50, places=2)[1] is False


def test_three_criteria_make_class_1_and_an_open_criterion_makes_it_undetermined() -> None:
    assert classify(Figures(**{**QUIET, "users": 50, "places": 2, "arrested": 10}), 2025).cls == CLASS_1
    # a and c met, plants under the count threshold: d is open, class I neither certain nor excluded
    assert classify(Figures(**{**QUIET, "users": 50, "arrested": 10, "plants": 10}), 2025).cls == UNDETERMINED
    # class II: b and c met, a not configured → cannot say II or below
    assert classify(Figures(**{**QUIET, "users": 10, "places": 1, "arrested": 5}), 2025).cls == UNDETERMINED
    # b, c and d not met: even an unknown a leaves class II out
    assert classify(Figures(**{**QUIET, "users": 30, "arrested": 2}), 2025).cls == BELOW_CLASS_2


def test_three_class_2_criteria_make_class_2() -> None:
    figures = Figures(**{**QUIET, "places": 1, "arrested": 5, "route": 1})
    result = classify(figures, 2025)
    assert result.cls == CLASS_2  # b, c, and đ (on a route with b and c at class II level)


def test_no_figures_and_no_rule_set_are_said_as_such() -> None:
    assert classify(Figures(population=POP), 2025).cls == NO_DATA
    before = classify(Figures(**QUIET), 2024)  # QĐ 28/2025 took effect in 2025
    assert (before.cls, before.rule_set, before.criteria) == (NO_RULES, None, ())


def test_a_change_of_rules_is_a_new_rule_set_chosen_by_its_date() -> None:
    document = json.loads(read_data_file("drug_criteria.json"))
    newer = json.loads(json.dumps(document["rule_sets"][0]))
    newer["id"], newer["valid_from"] = "law-120-2025", "2026-07-01"
    newer["classes"][0]["criteria"][0]["threshold"] = 0.6
    document["rule_sets"][0]["valid_to"] = "2026-06-30"
    document["rule_sets"].append(newer)
    sets = parse_rule_sets(json.dumps(document))
    assert rule_set_on(date(2026, 6, 30), sets).id == "qd-28-2025"
    assert rule_set_on(date(2026, 7, 1), sets).id == "law-120-2025"
    figures = Figures(**{**QUIET, "users": 55, "places": 2, "arrested": 10})
    assert classify(figures, 2026, rule_set_on(date(2026, 12, 31), sets)).cls == UNDETERMINED  # a: 0.55 < 0.6
    assert classify(figures, 2025).cls == CLASS_1
    assert [s.id for s in rule_sets()] == ["qd-28-2025"]


def test_review_flags_compare_the_indicative_class_with_the_decision() -> None:
    assert differs(CLASS_1, "class_3") and differs(CLASS_2, None) and differs(BELOW_CLASS_2, "class_1")
    assert not differs(CLASS_1, "class_1") and not differs(UNDETERMINED, "drug_free")
    assert not differs(BELOW_CLASS_2, "class_3")
