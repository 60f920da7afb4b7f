"""Target status on the demo city: computed, explained, and monotone in the target level."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from antt.domain.targets import RuleKind, TargetStatus
from antt.services.targets import TargetSet, load_targets, targets_status

AS_OF = date(2026, 10, 31)


def with_rule(target_id: str, **changes) -> TargetSet:
    base = load_targets()
    targets = [replace(t, rule=replace(t.rule, **changes)) for t in base.targets if t.id == target_id]
    return TargetSet(base.version, base.sha256, base.source, targets)


def test_every_target_gets_a_computed_status(demo_database, actor) -> None:
    evaluations = {e.target.id: e for e in targets_status(demo_database, actor, as_of=AS_OF)}
    assert len(evaluations) == 12
    crime = evaluations["social-order-crime-reduction"]
    assert crime.status in (TargetStatus.ON_TRACK, TargetStatus.AT_RISK, TargetStatus.OFF_TRACK)
    assert crime.baseline and crime.required == pytest.approx(0.95 * crime.baseline)
    assert crime.interval[0] <= crime.expected <= crime.interval[1] and crime.observed <= crime.expected
    assert 0.0 <= crime.probability <= 1.0
    assert "negative binomial" in crime.model or "poisson" in crime.model
    assert evaluations["crime-report-resolution"].status is TargetStatus.NO_DATA  # nothing imported for it


def test_a_finished_period_is_met_or_not_exactly(demo_database, actor) -> None:
    targets = with_rule("social-order-crime-reduction")
    finished = replace(targets.targets[0], period="report-year:2025")
    (evaluation,) = targets_status(
        demo_database, actor, as_of=AS_OF, targets=TargetSet(1, "", "test", [finished])
    )
    assert evaluation.status in (TargetStatus.MET, TargetStatus.OFF_TRACK)
    assert (evaluation.status is TargetStatus.MET) == (evaluation.actual <= evaluation.required)
    assert evaluation.probability in (0.0, 1.0)


def test_the_probability_rises_with_a_looser_limit(demo_database, actor) -> None:
    probabilities = []
    for ratio in (0.85, 0.95, 1.0, 1.05, 1.2):
        (evaluation,) = targets_status(
            demo_database,
            actor,
            as_of=AS_OF,
            targets=with_rule("social-order-crime-reduction", max_ratio=ratio),
        )
        probabilities.append(evaluation.probability)
    assert probabilities == sorted(probabilities) and probabilities[0] < probabilities[-1]


def test_the_clearance_probability_falls_with_a_stricter_threshold(demo_database, actor) -> None:
    probabilities = []
    for threshold in (60.0, 70.0, 75.0, 80.0, 90.0):
        (evaluation,) = targets_status(
            demo_database, actor, as_of=AS_OF, targets=with_rule("clearance-rate", value=threshold)
        )
        probabilities.append(evaluation.probability)
        assert evaluation.target.rule.kind is RuleKind.THRESHOLD
    assert probabilities == sorted(probabilities, reverse=True) and probabilities[0] > probabilities[-1]


def test_a_commune_gets_its_incident_targets_only(demo_database, actor) -> None:
    evaluations = targets_status(demo_database, actor, as_of=AS_OF, unit_code="11383")
    assert {e.target.indicator for e in evaluations} == {
        "incidents.social_order.count",
        "clearance_rate",
        "clearance_rate_very_serious",
    }


def test_the_citys_own_code_means_the_city_and_an_officer_sees_only_commune_targets(
    demo_database, actor
) -> None:
    from antt.domain.access import Actor, Grant, Role
    from antt.errors import NotFound
    from antt.services.reports import report_unit
    from antt.services.targets import target_status

    city = {e.target.id: e.observed for e in targets_status(demo_database, actor, as_of=AS_OF)}
    by_code = {
        e.target.id: e.observed for e in targets_status(demo_database, actor, as_of=AS_OF, unit_code="31")
    }
    assert by_code == city and report_unit(actor, "31") is None
    officer = Actor.for_user("officer", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11311"))])
    seen = {e.target.id for e in targets_status(demo_database, officer, as_of=AS_OF)}
    assert seen and all(t.startswith(("social-order", "clearance")) or "crime" in t for t in seen)
    assert not seen & {"grdp-growth", "pci-rank", "par-rank"} and not any(
        "drug-free" in t or "eid" in t for t in seen
    )
    with pytest.raises(NotFound):
        targets_status(demo_database, officer, as_of=AS_OF, unit_code="31")
    with pytest.raises(NotFound):
        report_unit(officer, "31")
    eid = next(t for t in city if "eid" in t)
    with pytest.raises(NotFound):
        target_status(demo_database, officer, eid, as_of=AS_OF)


def test_the_report_states_a_rule_as_the_plan_wrote_it(demo_database, actor) -> None:
    from antt.services.report_content import evaluation_phrase

    by_id = {e.target.id: e for e in targets_status(demo_database, actor, as_of=AS_OF)}
    grdp = evaluation_phrase(by_id["grdp-growth-2025"])
    assert "yêu cầu ≥ 12,35" in grdp and ">=" not in grdp and "12.35" not in grdp
    crime = evaluation_phrase(by_id["social-order-crime-reduction"])
    assert "không vượt quá 95 % cùng kỳ năm trước (mức " in crime
