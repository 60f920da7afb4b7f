"""Targets on imported indicators (e-ID, drug-free communes, GRDP, PCI, PAR), stated from their values.

A target is decided by the value of its deadline or period; before that, a cumulative target is extrapolated
along the trend of its last values (no probability: too few points for a model), others are judged on their
latest value.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from antt.domain.periods import Period
from antt.domain.reference import unit_catalog
from antt.domain.targets import Evaluation, RuleKind, Target, TargetStatus
from antt.domain.units import Level
from antt.storage.engine import Database
from antt.storage.indicators import indicator_series


def _series(database: Database, indicator: str) -> list[tuple[str, str, date, date, float]]:
    with database.transaction(write=False) as session:
        return indicator_series(session, indicator)


def indicator_target(database: Database, target: Target, period: Period | None, as_of: date) -> Evaluation:
    rule = target.rule
    values = _city_values(database, target.indicator, as_of)
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
    if indicator == "drug_free_communes_share":
        return _drug_free_share(database, as_of)
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


def _drug_free_share(database: Database, as_of: date) -> list[tuple[str, date, float]]:
    """Share of current communes without users under management, drug-use places or drug arrests in a year.

    QĐ 28/2025/QĐ-TTg's own drug-free criteria were not retrieved (REFERENCE §1.2): this is ANTT's working
    definition until they are configured.
    """
    by_year: dict[str, dict[str, float]] = {}
    ends: dict[str, date] = {}
    for indicator in ("drug_users_managed", "drug_use_places", "drug_offenders_arrested"):
        for unit, period, start, end, value in _series(database, indicator):
            if start <= as_of:
                by_year.setdefault(period, {})
                by_year[period][unit] = by_year[period].get(unit, 0.0) + value
                ends[period] = end
    communes = len(unit_catalog().in_scheme(unit_catalog().current.code, Level.COMMUNE))
    return sorted(
        (
            (p, ends[p], 100 * sum(1 for v in units.values() if v == 0) / communes)
            for p, units in by_year.items()
        ),
        key=lambda r: r[1],
    )
