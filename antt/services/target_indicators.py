"""Targets on imported indicators (e-ID, drug-free communes, GRDP, PCI, PAR), stated from their values.

A target is decided by the value of its deadline or period; before that, a cumulative target is extrapolated
along the trend of its last values (no probability: too few points for a model), others are judged on their
latest value.

The drug-free targets (indicator ``drug_free_communes_share``) count the **official** measure: communes
with their own drug-free recognition in force on the day, over all communes of the scheme in force that
day (:mod:`antt.services.drug_status`) — at each year's end, on the deadline, and on the as-of day. A
decision inherited from a former commune never counts. No share computed from indicators appears in a
target or a report (issue 15): the indicative QĐ 28/2025 classes are per commune, on the drug-control page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from antt.domain.periods import Period
from antt.domain.reference import unit_catalog
from antt.domain.targets import Evaluation, RuleKind, Target, TargetStatus
from antt.domain.units import Level
from antt.services.drug_status import decision_book, official_share_points
from antt.storage.engine import Database
from antt.storage.indicators import indicator_series


def _series(database: Database, indicator: str) -> list[tuple[str, str, date, date, float]]:
    with database.transaction(write=False) as session:
        return indicator_series(session, indicator)


def indicator_target(database: Database, target: Target, period: Period | None, as_of: date) -> Evaluation:
    if target.indicator == "drug_free_communes_share":
        return drug_free_target(database, target, period, as_of)
    return _judge(target, period, as_of, _city_values(database, target.indicator, as_of))


def drug_free_target(database: Database, target: Target, period: Period | None, as_of: date) -> Evaluation:
    """A drug-free target judged on the official recognised share (see the module), and on nothing else."""
    book = decision_book(database)
    end = target.rule.deadline or (period.end if period else None)
    points = official_share_points(book, as_of, end)
    evaluation = _judge(target, period, as_of, [(label, day, s.percent) for label, day, s in points])
    if not points:
        return replace(
            evaluation,
            model="Chưa nhập quyết định công nhận xã, phường không ma túy (antt import drug-status) / no "
            "drug-free recognition decisions imported",
        )
    decided = [p for p in points if end is None or p[1] <= end] or points
    label, _, share = decided[-1]
    return replace(
        evaluation,
        model=f"Chính thức: {share.recognised}/{share.communes} xã, phường, đặc khu được công nhận không ma "
        f"túy theo quyết định có hiệu lực ngày {label} / official: {share.recognised} of {share.communes} "
        f"communes recognised drug-free by decisions in force on {label} · {evaluation.model}",
    )


def _judge(
    target: Target, period: Period | None, as_of: date, values: list[tuple[str, date, float]]
) -> Evaluation:
    rule = target.rule
    if not values:
        return Evaluation(
            target,
            TargetStatus.NO_DATA,
            as_of,
            period,
            model="Chưa nhập số liệu chỉ số này / no values imported for this indicator",
        )
    series = [(label, value) for label, _, value in values[-12:]]
    end = rule.deadline or (period.end if period else None)
    decided_at = [v for v in values if end is None or v[1] <= end]
    latest_label, latest_end, latest = (decided_at or values)[-1]
    required = rule.required()
    assert required is not None
    met = rule.satisfied(latest)
    over = end is not None and as_of > end
    if (
        over
        or (met and rule.kind is RuleKind.CUMULATIVE_BY_DEADLINE)
        or (end is not None and latest_end >= end)
    ):
        status = TargetStatus.MET if met else TargetStatus.OFF_TRACK
        return Evaluation(
            target,
            status,
            as_of,
            period,
            actual=latest,
            required=required,
            expected=latest,
            model=f"Giá trị {latest_label} / value of {latest_label}",
            series=series,
        )
    expected = latest
    trend = rule.kind is RuleKind.CUMULATIVE_BY_DEADLINE and end is not None and len(values) >= 2
    if trend and end is not None:
        xs = np.array([(d - end).days / 365.25 for _, d, _ in values[-4:]])
        ys = np.array([v for _, _, v in values[-4:]])
        _slope, intercept = np.polyfit(xs, ys, 1)
        expected = float(intercept)  # the trend line at the deadline
    if rule.satisfied(expected):
        status = TargetStatus.ON_TRACK
    else:
        gap = abs(expected - required) / max(abs(required), 1e-9)
        status = TargetStatus.AT_RISK if gap <= 0.2 else TargetStatus.OFF_TRACK
    return Evaluation(
        target,
        status,
        as_of,
        period,
        actual=latest,
        required=required,
        expected=expected,
        model=f"Xu hướng tuyến tính các kỳ gần nhất đến {end:%d/%m/%Y} / linear trend to the deadline"
        if end
        else "Giá trị mới nhất / latest value",
        series=series,
    )


def _city_values(database: Database, indicator: str, as_of: date) -> list[tuple[str, date, float]]:
    """City-level values of an indicator by period, as (period, period end, value), oldest first."""
    if indicator == "eid_activation_rate":
        activated = _by_period(_series(database, "eid_accounts_activated"), as_of)
        assigned = _by_period(_series(database, "eid_accounts_assigned"), as_of)
        return [
            (p, end, 100 * activated[p][1] / assigned[p][1])
            for p, (end, _) in sorted(activated.items(), key=lambda kv: kv[1][0])
            if p in assigned and assigned[p][1] > 0
        ]
    city = unit_catalog().in_scheme(unit_catalog().current.code, Level.PROVINCE)[0].code
    return sorted(
        (
            (period, end, value)
            for unit, period, start, end, value in _series(database, indicator)
            if unit == city and start <= as_of
        ),
        key=lambda row: row[1],
    )


def _by_period(rows: list[tuple[str, str, date, date, float]], as_of: date) -> dict[str, tuple[date, float]]:
    """Sum over communes per period (periods that started by ``as_of``)."""
    sums: dict[str, tuple[date, float]] = {}
    for _, period, start, end, value in rows:
        if start <= as_of:
            previous = sums.get(period, (end, 0.0))[1]
            sums[period] = (end, previous + value)
    return sums
