"""Target status: is each target met, on track, at risk or off track — and how likely is it to be met?

Count targets (``incidents.<group>.count``) and clearance-rate targets are projected to the end of their
period with the count model of :mod:`antt.analytics.projection`, fitted on the reporting months (15th →
14th) of up to five years before the as-of date; the probability of meeting the target comes from its
predictive distribution. Targets on imported indicators (e-ID, drug-free communes, GRDP, PCI, PAR) are
stated from their latest value; a cumulative target before its deadline is extrapolated along the trend
of its last values (no probability: too few points for a model). Status thresholds: on track when the
probability is at least 70 %, at risk from 30 %, off track below; decided outcomes are met / off track.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from antt.analytics.compstat import clearance_rate
from antt.analytics.projection import (
    Bins,
    CountHistory,
    Proportions,
    fit_count_model,
    project_count,
    project_rate,
    status_from,
)
from antt.domain.access import Actor
from antt.domain.periods import Period, parse_period, report_month_of, today_local
from antt.domain.reference import read_data_file, unit_catalog
from antt.domain.targets import RuleKind, Target, TargetStatus, parse_targets
from antt.domain.units import Level
from antt.errors import InvalidInput, NotFound
from antt.storage.compstat import daily_outcomes
from antt.storage.engine import Database
from antt.storage.indicators import indicator_series

HISTORY_YEARS = 5
SEED = 20240521  # projections are simulated: a fixed seed makes the same data give the same figures


@dataclass(frozen=True)
class TargetSet:
    version: int
    sha256: str
    source: str
    targets: list[Target]


@dataclass(frozen=True)
class Evaluation:
    target: Target
    status: TargetStatus
    as_of: date
    period: Period | None = None
    actual: float | None = None  # the value so far: count, rate in %, or the latest indicator value
    required: float | None = None  # what the rule asks for (a relative rule's limit from its baseline)
    baseline: float | None = None
    expected: float | None = None  # projected value at the end of the period (or at the deadline)
    interval: tuple[float, float] | None = None  # 90 % predictive interval of ``expected``
    probability: float | None = None  # of meeting the target
    observed: float | None = None
    expected_remainder: float | None = None
    model: str = ""
    series: list[tuple[str, float]] = field(default_factory=list)  # recent values, for a sparkline


def load_targets(path: Path | None = None) -> TargetSet:
    """The target set: ``path``, else the packaged ``antt/data/targets.yaml``."""
    text = path.read_text(encoding="utf-8") if path else read_data_file("targets.yaml")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"Tệp chỉ tiêu không đọc được: {exc}", f"Unreadable targets file: {exc}") from exc
    version, targets = parse_targets(document)
    return TargetSet(
        version, hashlib.sha256(text.encode()).hexdigest(), str(path or "antt/data/targets.yaml"), targets
    )


def targets_status(
    database: Database,
    actor: Actor,
    *,
    as_of: date | None = None,
    unit_code: str | None = None,
    targets: TargetSet | None = None,
) -> list[Evaluation]:
    """Evaluate every target for the city (or, for incident-based targets, one commune)."""
    day = as_of or today_local()
    units = _scope(actor, unit_code)
    result = []
    for target in (targets or load_targets()).targets:
        if unit_code is not None and not target.indicator.startswith(("incidents.", "clearance_rate")):
            continue  # indicator targets are set for the city
        result.append(_evaluate(database, target, day, units))
    return result


def _scope(actor: Actor, unit_code: str | None) -> list[str] | None:
    catalog = unit_catalog()
    communes = [
        u
        for u in catalog.in_scheme(catalog.current.code, Level.COMMUNE)
        if actor.units is None or u.key in actor.units
    ]
    if unit_code is None:
        return None if actor.units is None else [u.code for u in communes]
    if unit_code not in {u.code for u in communes}:
        raise NotFound(f"Không có xã/phường mã {unit_code}.", f"No commune with code {unit_code}.")
    return [unit_code]


def _evaluate(database: Database, target: Target, as_of: date, units: list[str] | None) -> Evaluation:
    period = parse_period(target.period) if target.period else None
    if target.indicator.startswith("incidents.") and target.indicator.endswith(".count") and period:
        group = target.indicator.split(".")[1]
        return _count_target(database, target, period, as_of, units, group)
    if target.indicator in ("clearance_rate", "clearance_rate_very_serious") and period:
        return _rate_target(
            database, target, period, as_of, units, grave=target.indicator.endswith("serious")
        )
    return _indicator_target(database, target, period, as_of)


# --- incidents: counts and clearance ---------------------------------------------------------------


@dataclass(frozen=True)
class _Months:
    """Reporting months (15th → 14th) from ``first`` up to the one containing ``as_of``."""

    windows: list[Period]
    origin: date

    @classmethod
    def until(cls, first: date, last: date) -> _Months:
        windows = [report_month_of(first)]
        while windows[-1].end < last:
            windows.append(report_month_of(windows[-1].end + timedelta(days=1)))
        return cls(windows, windows[0].start)

    def season(self, window: Period) -> int:
        return (window.end.month - 1) % 12

    def time(self, window: Period) -> float:
        return (window.start - self.origin).days / 365.25


def _daily(
    database: Database, start: date, end: date, units: list[str] | None, group: str, grave: bool
) -> list[tuple[date, date | None, int]]:
    with database.transaction(write=False) as session:
        return daily_outcomes(session, start, end, units=units, groups=[group], grave_only=grave)


def _count_in(
    rows: list[tuple[date, date | None, int]],
    start: date,
    end: date,
    *,
    cleared_by: date | None = None,
    open_at: date | None = None,
) -> int:
    total = 0
    for occurred, cleared, n in rows:
        if not start <= occurred <= end:
            continue
        if cleared_by is not None and (cleared is None or cleared > cleared_by):
            continue
        if open_at is not None and cleared is not None and cleared <= open_at:
            continue
        total += n
    return total


def _history(
    rows: list[tuple[date, date | None, int]], months: _Months, as_of: date
) -> tuple[CountHistory, Bins]:
    """Counts of the complete months before ``as_of``'s month, and the bins still to come (the rest of the
    current month as a partial bin, then whole months) — the caller cuts the future at its period end."""
    done = [w for w in months.windows if w.end <= as_of]
    history = CountHistory(
        counts=np.array([_count_in(rows, w.start, w.end) for w in done], dtype=np.int64),
        season=np.array([months.season(w) for w in done], dtype=np.int64),
        time=np.array([months.time(w) for w in done]),
        exposure=np.array([float(w.days()) for w in done]),
    )
    return history, Bins(np.zeros(0, dtype=np.int64), np.zeros(0))


def _remaining(months: _Months, as_of: date, end: date) -> Bins:
    seasons, times, exposure = [], [], []
    window = report_month_of(as_of + timedelta(days=1))
    while window.start <= end:
        first = max(window.start, as_of + timedelta(days=1))
        last = min(window.end, end)
        if first <= last:
            seasons.append(months.season(window))
            times.append(months.time(window))
            exposure.append(float((last - first).days + 1))
        window = report_month_of(window.end + timedelta(days=1))
    return Bins(np.array(seasons, dtype=np.int64), np.array(times), np.array(exposure) if exposure else None)


def _count_target(
    database: Database, target: Target, period: Period, as_of: date, units: list[str] | None, group: str
) -> Evaluation:
    baseline_period = period.same_period_last_year()
    start = min(baseline_period.start, period.start - timedelta(days=365 * HISTORY_YEARS))
    cut = min(as_of, period.end)
    rows = _daily(database, start, cut, units, group, grave=False)
    baseline = _count_in(rows, baseline_period.start, baseline_period.end)
    observed = _count_in(rows, period.start, cut) if as_of >= period.start else 0
    required = target.rule.required(baseline)
    series = (
        [(w.key, float(_count_in(rows, w.start, w.end))) for w in _Months.until(period.start, cut).windows]
        if as_of >= period.start
        else []
    )
    if baseline == 0 or required is None:
        return Evaluation(
            target,
            TargetStatus.NO_DATA,
            as_of,
            period,
            actual=observed,
            baseline=baseline,
            model="Chưa có số liệu cùng kỳ / no baseline data",
        )
    if as_of >= period.end:
        met = target.rule.satisfied(observed, baseline)
        return Evaluation(
            target,
            TargetStatus.MET if met else TargetStatus.OFF_TRACK,
            as_of,
            period,
            actual=observed,
            required=required,
            baseline=baseline,
            expected=observed,
            probability=1.0 if met else 0.0,
            observed=observed,
            expected_remainder=0.0,
            model="Kỳ đã kết thúc / the period is over",
            series=series,
        )
    months = _Months.until(start, cut)
    history, _ = _history(rows, months, cut)
    model = fit_count_model(history)
    projection = project_count(
        model,
        _remaining(months, cut, period.end),
        observed=observed,
        rng=np.random.default_rng(SEED),
        draws=8000,
    )
    probability = projection.probability_at_most(required)
    decided = False if observed > required else None
    status = TargetStatus(status_from(probability, period_over=False, satisfied=decided).value)
    return Evaluation(
        target,
        status,
        as_of,
        period,
        actual=observed,
        required=required,
        baseline=baseline,
        expected=projection.expected_total,
        interval=(float(projection.interval[0]), float(projection.interval[1])),
        probability=probability,
        observed=observed,
        expected_remainder=projection.expected_remainder,
        model=projection.model,
        series=series,
    )


def _rate_target(
    database: Database, target: Target, period: Period, as_of: date, units: list[str] | None, grave: bool
) -> Evaluation:
    cut = min(as_of, period.end)
    start = period.start - timedelta(days=365 * HISTORY_YEARS)
    rows = _daily(database, start, cut, units, "social_order", grave)
    required = target.rule.required()
    if as_of < period.start or required is None:
        return Evaluation(target, TargetStatus.NO_DATA, as_of, period, model="Kỳ chưa bắt đầu / not started")
    occurred = _count_in(rows, period.start, cut)
    cleared = _count_in(rows, period.start, cut, cleared_by=cut)
    rate = clearance_rate(cleared, occurred)
    if rate is None:
        return Evaluation(target, TargetStatus.NO_DATA, as_of, period, model="Chưa có vụ việc / no cases yet")
    if as_of >= period.end:
        met = target.rule.satisfied(rate)
        return Evaluation(
            target,
            TargetStatus.MET if met else TargetStatus.OFF_TRACK,
            as_of,
            period,
            actual=rate,
            required=required,
            expected=rate,
            probability=1.0 if met else 0.0,
            model="Kỳ đã kết thúc / the period is over",
        )
    months = _Months.until(start, cut)
    history, _ = _history(rows, months, cut)
    past = [period]
    while past[-1].start - timedelta(days=366) >= start:
        past.append(past[-1].same_period_last_year())
    past = past[1:]
    # clearance by the end of the period, per past month, and of cases still open at the same lag
    done = [w for w in months.windows if w.end <= cut]

    def period_end_of(window: Period) -> date:
        for p in past:
            if p.start <= window.start <= p.end:
                return p.end
        return window.end + timedelta(days=period.days())

    clearance = Proportions(
        successes=np.array(
            [_count_in(rows, w.start, w.end, cleared_by=min(period_end_of(w), cut)) for w in done]
        ),
        trials=np.array([_count_in(rows, w.start, w.end) for w in done]),
        season=np.array([months.season(w) for w in done]),
    )
    lag = cut - period.start
    late_trials, late_successes = [], []
    for p in past:
        at = p.start + lag
        late_trials.append(_count_in(rows, p.start, at, open_at=at))
        late_successes.append(_count_in(rows, p.start, at, open_at=at, cleared_by=p.end))
    late = (
        Proportions(successes=np.array(late_successes), trials=np.array(late_trials))
        if past and sum(late_trials) > 0
        else None
    )
    projection = project_rate(
        fit_count_model(history),
        _remaining(months, cut, period.end),
        observed_numerator=cleared,
        observed_denominator=occurred,
        clearance=clearance,
        late_clearance=late,
        rng=np.random.default_rng(SEED),
        draws=8000,
    )
    op_strict = target.rule.op in (">", "<")
    probability = (
        projection.probability_above(required / 100)
        if op_strict
        else projection.probability_at_least(required / 100)
    )
    status = TargetStatus(status_from(probability, period_over=False, satisfied=None).value)
    return Evaluation(
        target,
        status,
        as_of,
        period,
        actual=rate,
        required=required,
        expected=100 * projection.expected_rate,
        interval=(100 * projection.interval[0], 100 * projection.interval[1]),
        probability=probability,
        observed=rate,
        model=projection.model,
    )


# --- imported indicators -------------------------------------------------------------------------


def _series(database: Database, indicator: str) -> list[tuple[str, str, date, date, float]]:
    with database.transaction(write=False) as session:
        return indicator_series(session, indicator)


def _indicator_target(database: Database, target: Target, period: Period | None, as_of: date) -> Evaluation:
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


def evaluation_document(e: Evaluation) -> dict[str, Any]:
    def r(x: float | None, n: int = 2) -> float | None:
        return None if x is None else round(x, n)

    return {
        "id": e.target.id,
        "name_vi": e.target.name_vi,
        "name_en": e.target.name_en,
        "group": e.target.group,
        "indicator": e.target.indicator,
        "rule": e.target.rule.describe_vi(),
        "period": e.target.period,
        "status": e.status.value,
        "as_of": e.as_of.isoformat(),
        "actual": r(e.actual),
        "required": r(e.required),
        "baseline": r(e.baseline),
        "expected": r(e.expected),
        "interval": None if e.interval is None else [r(e.interval[0]), r(e.interval[1])],
        "probability": r(e.probability, 3),
        "observed": r(e.observed),
        "expected_remainder": r(e.expected_remainder),
        "model": e.model,
        "source": e.target.source,
        "source_url": e.target.source_url,
        "confidence": e.target.confidence,
        "series": [[label, r(v)] for label, v in e.series],
    }
