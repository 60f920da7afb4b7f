"""The early-warning scan by reporting month (issue 13 §1: "weekly … and by reporting month"): every commune
× reporting group of the current scheme, the last ended reporting month (the 15th of one month to the 14th
of the next, Decree 09/2019 — the month the monthly report covers), judged by the monthly detector
(:data:`antt.analytics.alerts.farrington.MONTHLY`, checked against R) against up to five years of months.

A month smooths what a week cannot: a rise of a few extra cases a week in a small commune, invisible week by
week, can stand out over a month. Its alerts are ``rise`` alerts about ``month:<group>`` (one per commune,
group and reporting month), explained "… tháng báo cáo 11/2026 (15/10–14/11) …", closed when the next
monthly scan finds the series back below its threshold; the weekly scan never closes them, nor they the
weekly ones (each scan closes only the subjects it judged). Counts are CompStat's (current units).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from antt.analytics.alerts.farrington import MONTHLY, MONTHS_PER_YEAR
from antt.domain.access import Actor
from antt.domain.alerts import AlertCandidate, AlertKind, month_subject, vi_number
from antt.domain.periods import check_supported_day, today_local
from antt.domain.reference import offence_table, unit_catalog
from antt.domain.units import Level
from antt.errors import PermissionDenied
from antt.services.disclosure import SENSITIVE_GROUPS
from antt.services.warn import DailyRows, ScanResult, record_scan, series_matrix
from antt.storage import alerts as store
from antt.storage.engine import Database

HISTORY_MONTHS = 5 * MONTHS_PER_YEAR + 2  # five years and the ±1-month windows around them
LIMIT_CASES, LIMIT_MONTHS = 5, 4  # Farrington's rule: no alarm without 5 cases in the last 4 periods


def _number(day: date) -> int:
    """The reporting month ``day`` falls in, as a count of months (named by the month it ends in)."""
    return day.year * 12 + day.month - 1 + (1 if day.day >= 15 else 0)


def _bounds(number: int) -> tuple[date, date]:
    """The first (15th) and last (14th) day of reporting month ``number``."""
    year, month0 = divmod(number, 12)
    end = date(year, month0 + 1, 14)
    before_year, before0 = divmod(number - 1, 12)
    return date(before_year, before0 + 1, 15), end


def judged_report_month(as_of: date) -> tuple[date, date]:
    """The last reporting month ending on or before ``as_of`` (a day taken as over)."""
    number = _number(as_of)
    if as_of < _bounds(number)[1]:
        number -= 1
    return _bounds(number)


def last_complete_report_month(today: date) -> tuple[date, date]:
    """The last reporting month wholly past on ``today`` (today is not over)."""
    return judged_report_month(today - timedelta(days=1))


def monthly_matrix(
    rows: list[tuple[str, str, date, int]], units: list[str], groups: list[str], first: date, months: int
) -> np.ndarray:
    """Counts ``[unit · len(groups) + group, month]`` for the ``months`` reporting months from the one
    holding ``first``."""
    base = _number(first)
    return series_matrix(rows, units, groups, months, lambda day: _number(day) - base)


def explain(
    unit: str, group_vi: str, group_en: str, start: date, end: date, figures: tuple[int, float, float]
) -> tuple[str, str]:
    observed, expected, threshold = figures
    span = f"{start:%d/%m}–{end:%d/%m}"
    what_vi = group_vi[:1].lower() + group_vi[1:]
    what_en = group_en[:1].lower() + group_en[1:]
    vi = (
        f"{observed} vụ {what_vi} tại {unit} tháng báo cáo {end:%m/%Y} ({span}), dự kiến "
        f"{vi_number(expected)} (ngưỡng {vi_number(threshold)})."
    )
    en = (
        f"{observed} cases of {what_en} in {unit} in the reporting month {end:%m/%Y} ({span}), "
        f"{expected:.1f} expected (threshold {threshold:.1f})."
    )
    return vi, en


def month_span(as_of: date | None) -> tuple[date, date, date]:
    """The judged reporting month (its first and last day: the last ended by ``as_of``, or by yesterday)
    and the first day of the history a scan of it reads."""
    start, end = judged_report_month(as_of) if as_of else last_complete_report_month(today_local())
    return start, end, _bounds(_number(start) - HISTORY_MONTHS)[0]


def scan_months(
    database: Database,
    actor: Actor,
    *,
    as_of: date | None = None,
    audit_quiet: bool = False,
    daily: DailyRows | None = None,
) -> ScanResult:
    """Judge the last ended reporting month of every commune × group; store new alerts, close the monthly
    ones whose series fell back. ``audit_quiet``: audit only a scan that opened or closed alerts.
    ``daily``: the group counts by day already read over a span holding the history."""
    if not actor.is_system:
        raise PermissionDenied("Chỉ hệ thống chạy quét cảnh báo.", "Only the system runs the alert scan.")
    check_supported_day(as_of)
    start, end, first = month_span(as_of)
    catalog = unit_catalog()
    scheme = catalog.current.code
    table = offence_table()
    communes = catalog.in_scheme(scheme, Level.COMMUNE)
    units, groups = [u.code for u in communes], table.group_codes
    if daily is None:
        with database.transaction(write=False) as session:
            daily = store.daily_counts(session, first, end)
    counts = monthly_matrix(daily, units, groups, first, HISTORY_MONTHS + 1)
    recorded = counts[:, :HISTORY_MONTHS].sum(axis=0) > 0  # months before the first record: unknown
    seen_from = int(np.argmax(recorded)) if recorded.any() else HISTORY_MONTHS
    counts = counts[:, seen_from:]
    t = HISTORY_MONTHS - seen_from
    subjects = [month_subject(g) for g in groups]
    candidates: list[AlertCandidate] = []
    if t >= MONTHLY.min_history:
        live = np.flatnonzero(counts[:, t - LIMIT_MONTHS + 1 : t + 1].sum(axis=1) >= LIMIT_CASES)
        detection = MONTHLY.run(counts[live], np.array([t], dtype=np.int64))
        names = {u.code: u.name for u in communes}
        for r in np.flatnonzero(detection.alarm[:, 0]):
            unit, group = units[int(live[r]) // len(groups)], groups[int(live[r]) % len(groups)]
            g = table.group(group)
            figures = (
                int(detection.observed[r, 0]),
                float(detection.expected[r, 0]),
                float(detection.threshold[r, 0]),
            )
            vi, en = explain(names[unit], g.name_vi, g.name_en, start, end, figures)
            candidates.append(
                AlertCandidate(
                    kind=AlertKind.RISE.value,
                    scheme=scheme,
                    unit_code=unit,
                    subject=month_subject(group),
                    period_start=start,
                    period_end=end,
                    figures={
                        "observed": figures[0],
                        "expected": round(figures[1], 3),
                        "threshold": round(figures[2], 3),
                        "score": round(float(detection.score[r, 0]), 3),
                        "method": MONTHLY.name,
                    },
                    explanation_vi=vi,
                    explanation_en=en,
                    sensitive=group in SENSITIVE_GROUPS,
                )
            )
    return record_scan(
        database,
        actor,
        candidates,
        period=(start, end),
        method=MONTHLY.name,
        series=counts.shape[0],
        subjects=subjects,
        audit_object=f"report-month:{end:%Y-%m}",
        audit_quiet=audit_quiet,
    )
