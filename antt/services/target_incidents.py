"""Targets on incidents: crime counts against a baseline, and clearance rates, projected to the period's end.

The count model of :mod:`antt.analytics.projection` is fitted on the reporting months (15th → 14th) of up to
``HISTORY_YEARS`` years before the as-of date; the probability of meeting the target comes from its predictive
distribution (see :mod:`antt.services.targets` for the status thresholds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

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
from antt.domain.periods import Period, report_month_of
from antt.domain.targets import Evaluation, Target, TargetStatus
from antt.storage.compstat import daily_outcomes
from antt.storage.engine import Database
from antt.storage.exclusions import Exclusion

HISTORY_YEARS = 5
SEED = 20240521  # projections are simulated: a fixed seed makes the same data give the same figures


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
    database: Database,
    start: date,
    end: date,
    units: list[str] | None,
    group: str,
    grave: bool,
    left_out: Sequence[Exclusion] = (),
) -> list[tuple[date, date | None, int]]:
    with database.transaction(write=False) as session:
        return daily_outcomes(
            session, start, end, units=units, groups=[group], grave_only=grave, exclude=left_out
        )


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


def count_target(
    database: Database,
    target: Target,
    period: Period,
    as_of: date,
    units: list[str] | None,
    group: str,
    left_out: Sequence[Exclusion] = (),
) -> Evaluation:
    """The target's count of ``group`` (without the incidents ``left_out`` for the viewer)."""
    baseline_period = period.same_period_last_year()
    start = min(baseline_period.start, period.start - timedelta(days=365 * HISTORY_YEARS))
    cut = min(as_of, period.end)
    rows = _daily(database, start, cut, units, group, False, left_out)
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
    status = status_from(probability, period_over=False, satisfied=decided)
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


def rate_target(
    database: Database,
    target: Target,
    period: Period,
    as_of: date,
    units: list[str] | None,
    grave: bool,
    left_out: Sequence[Exclusion] = (),
) -> Evaluation:
    cut = min(as_of, period.end)
    start = period.start - timedelta(days=365 * HISTORY_YEARS)
    rows = _daily(database, start, cut, units, "social_order", grave, left_out)
    required = target.rule.required()
    if as_of < period.start or required is None:
        return Evaluation(target, TargetStatus.NO_DATA, as_of, period, model="Kỳ chưa bắt đầu / not started")
    occurred = _count_in(rows, period.start, cut)
    cleared = _count_in(rows, period.start, cut, cleared_by=cut)
    rate = clearance_rate(cleared, occurred)
    if rate is None:
        return Evaluation(target, TargetStatus.NO_DATA, as_of, period, model="Chưa có vụ việc / no cases yet")
    series = _rate_series(rows, period, cut)
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
            series=series,
        )
    months = _Months.until(start, cut)
    history, _ = _history(rows, months, cut)
    past = [period]
    while past[-1].start - timedelta(days=366) >= start:
        past.append(past[-1].same_period_last_year())
    past = past[1:]
    # clearance by the end of the period, per past month, and of cases still open at the same lag
    # months of past periods only: a finished month of the current period is not yet "cleared by the end"
    done = [w for w in months.windows if w.end <= cut and w.end < period.start]

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
    status = status_from(probability, period_over=False, satisfied=None)
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
        series=series,
    )


def _rate_series(
    rows: list[tuple[date, date | None, int]], period: Period, cut: date
) -> list[tuple[str, float]]:
    """The clearance rate as it stood at the end of each reporting month of ``period`` up to ``cut``: cases
    of the period so far cleared by then, over the cases of the period so far (the figure the target
    reads, month by month); a month without a case yet is left out."""
    found = []
    for window in _Months.until(period.start, cut).windows:
        end = min(window.end, cut)
        rate = clearance_rate(
            _count_in(rows, period.start, end, cleared_by=end), _count_in(rows, period.start, end)
        )
        if rate is not None:
            found.append((window.key, rate))
    return found
