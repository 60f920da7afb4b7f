"""The weekly early-warning scan of ANTT's own database (issue 13 §4): every commune × reporting group of the
current scheme, the last complete week (Monday–Sunday, local) on or before the as-of day, judged by the
default detector against up to five years of history; alarms become ``rise`` alerts (stored through
:mod:`antt.services.alerts`), and active rise alerts of series now back below their threshold are closed.

Counts are by the incident's unit in the reporting scheme (carried through the crosswalk at import), as
CompStat counts them; a series with no incidents is a series of zeros. On demand (``articles``) the series
are commune × Penal Code article instead of commune × group, and their alerts are about
``article:<number>``; a scan closes only the alerts of the subjects it judged.

:func:`scan_after_import` is what every successful incident import calls once its transaction has
committed: the same scan as of today, whose failure is logged and never fails the import.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np

from antt.analytics.alerts import WEEKS_PER_YEAR, Detection, IntArray, detector
from antt.domain.access import Actor
from antt.domain.alerts import AlertCandidate, AlertKind, article_subject, vi_number
from antt.domain.periods import check_supported_day, today_local
from antt.domain.reference import offence_table, unit_catalog
from antt.domain.units import Level
from antt.errors import InvalidInput, PermissionDenied
from antt.services.alert_mail import mail_new_alerts
from antt.services.disclosure import SENSITIVE_GROUPS
from antt.storage import alerts as store
from antt.storage import audit
from antt.storage.engine import Database

HISTORY_WEEKS = 5 * WEEKS_PER_YEAR + 8  # five years and the ±3-week windows around them

QUIET_WEEKS = 8  # > every detector's memory (nb_cusum's warm-up 8, nb_glr's 4-week window)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanResult:
    week_start: date
    week_end: date
    method: str
    series: int
    alarms: int
    opened: int
    still_open: int
    closed: int
    #: the alerts this scan opened (for their e-mail)
    opened_ids: tuple[int, ...] = ()


def judged_week(as_of: date) -> tuple[date, date]:
    """The last Monday–Sunday week ending on or before ``as_of`` (a day taken as over)."""
    sunday = as_of - timedelta(days=(as_of.weekday() + 1) % 7)
    return sunday - timedelta(days=6), sunday


def last_complete_week(today: date) -> tuple[date, date]:
    """The last week wholly past on ``today``: on a Sunday, today is not over, so the week before."""
    return judged_week(today - timedelta(days=1))


@dataclass(frozen=True)
class WeeklySeries:
    """Weekly counts ``counts[s, w]`` of every commune × subject (series ``s = unit · len(subjects) +
    subject``) for the weeks from ``first_monday``."""

    counts: IntArray
    first_monday: date
    units: list[str]
    subjects: list[str]  # reporting group codes, or article numbers

    def key(self, s: int) -> tuple[str, str]:
        return self.units[s // len(self.subjects)], self.subjects[s % len(self.subjects)]

    def week_of(self, day: date) -> int:
        return (day - self.first_monday).days // 7


def weekly_series(
    database: Database,
    first_monday: date,
    weeks: int,
    *,
    articles: Sequence[str] | None = None,
    daily: DailyRows | None = None,
) -> WeeklySeries:
    """The database's weekly series of every commune of the current scheme × reporting group (or ×
    article of ``articles``), ``weeks`` weeks from ``first_monday`` (a Monday). ``daily``: the group
    counts by day already read for a span holding those weeks (days outside them are left out)."""
    catalog = unit_catalog()
    units = [u.code for u in catalog.in_scheme(catalog.current.code, Level.COMMUNE)]
    subjects = list(articles) if articles is not None else offence_table().group_codes
    last = first_monday + timedelta(weeks=weeks, days=-1)
    if daily is not None and articles is None:
        rows = daily
    else:
        with database.transaction(write=False) as session:
            rows = store.daily_counts(session, first_monday, last, articles=articles)
    return WeeklySeries(
        weekly_matrix(rows, units, subjects, first_monday, weeks), first_monday, units, subjects
    )


def checked_articles(articles: Sequence[str]) -> list[str]:
    """Penal Code articles as typed ("173", "Điều 173") → their numbers; an unknown one is an input error."""
    table = offence_table()
    found: list[str] = []
    unknown: list[str] = []
    for raw in articles:
        number = raw.strip().lower().removeprefix("điều").strip()
        if table.find(number) is None:
            unknown.append(raw)
        elif number not in found:
            found.append(number)
    if unknown or not found:
        raise InvalidInput(
            f"Không có điều luật {', '.join(unknown) or '(trống)'} trong Bộ luật Hình sự (xem antt offences list).",
            f"No Penal Code article {', '.join(unknown) or '(empty)'} (see antt offences list).",
        )
    return found


DailyRows = list[tuple[str, str, date, int]]  # (unit, reporting group, day, incidents): store.daily_counts


def week_span(as_of: date | None) -> tuple[date, date, date]:
    """The judged week (its Monday and Sunday: the week of ``as_of``, or the last wholly past today) and the
    first Monday of the history a scan of it reads."""
    monday, sunday = judged_week(as_of) if as_of else last_complete_week(today_local())
    return monday, sunday, monday - timedelta(weeks=HISTORY_WEEKS)


def weekly_matrix(
    rows: list[tuple[str, str, date, int]],
    units: list[str],
    groups: list[str],
    first_monday: date,
    weeks: int,
) -> np.ndarray:
    return series_matrix(rows, units, groups, weeks, lambda day: (day - first_monday).days // 7)


def series_matrix(
    rows: list[tuple[str, str, date, int]],
    units: list[str],
    subjects: list[str],
    periods: int,
    period_of: Callable[[date], int],
) -> np.ndarray:
    """Counts ``[unit · len(subjects) + subject, period]`` from daily ``(unit, subject, day, count)`` rows,
    ``period_of(day)`` the period index (a week, a reporting month); days outside ``[0, periods)`` left out."""
    index = {(u, g): n for n, (u, g) in enumerate((u, g) for u in units for g in subjects)}
    counts = np.zeros((len(index), periods), dtype=np.int64)
    keep = [
        (index[(u, g)], p, n) for u, g, d, n in rows if (u, g) in index and 0 <= (p := period_of(d)) < periods
    ]
    if keep:
        s, w, n = (np.array(x, dtype=np.int64) for x in zip(*keep, strict=True))
        np.add.at(counts, (s, w), n)
    return counts


def explain(
    unit_name: str, group_vi: str, group_en: str, start: date, end: date, d: Detection, s: int, years_max: int
) -> tuple[str, str]:
    observed = int(d.observed[s, 0])
    expected = float(d.expected[s, 0])
    threshold = float(d.threshold[s, 0])
    span = f"{start:%d}–{end:%d/%m}" if start.month == end.month else f"{start:%d/%m}–{end:%d/%m}"
    record_vi = f", cao nhất {years_max} năm" if years_max else ""
    record_en = f", the highest in {years_max} years" if years_max else ""
    vi = (
        f"{observed} vụ {group_vi[:1].lower() + group_vi[1:]} tại {unit_name} tuần {span}, dự kiến "
        f"{vi_number(expected)} (ngưỡng {vi_number(threshold)}){record_vi}."
    )
    en = (
        f"{observed} cases of {group_en[:1].lower() + group_en[1:]} in {unit_name} in the week {span}, "
        f"{expected:.1f} expected (threshold {threshold:.1f}){record_en}."
    )
    return vi, en


def scan(
    database: Database,
    actor: Actor,
    *,
    as_of: date | None = None,
    method: str = "default",
    articles: Sequence[str] | None = None,
    audit_quiet: bool = False,
    daily: DailyRows | None = None,
) -> ScanResult:
    """Scan every commune × group (or × article of ``articles``) for the last complete week; store new
    alerts, close those of the judged subjects that ended. ``audit_quiet``: audit only a scan that opened
    or closed alerts (the scan after each import). ``daily``: the group counts by day already read over a
    span holding the history (see :func:`scan_after_import`)."""
    if not actor.is_system:
        raise PermissionDenied("Chỉ hệ thống chạy quét cảnh báo.", "Only the system runs the alert scan.")
    check_supported_day(as_of)
    found = detector(method)
    numbers = checked_articles(articles) if articles is not None else None
    monday, sunday, first_monday = week_span(as_of)
    catalog = unit_catalog()
    scheme = catalog.current.code
    table = offence_table()
    series = weekly_series(database, first_monday, HISTORY_WEEKS + 1, articles=numbers, daily=daily)
    counts = series.counts
    subjects = series.subjects if numbers is None else [article_subject(a) for a in series.subjects]
    # the history starts with the database's first recorded week: the weeks before it are unknown, not 0
    # (an article's series start with the first week of any incident, as the group series do)
    if numbers is not None:
        with database.transaction(write=False) as session:
            any_rows = store.daily_counts(session, first_monday, sunday)
        seen = weekly_matrix(any_rows, series.units, table.group_codes, first_monday, HISTORY_WEEKS + 1)
    else:
        seen = counts
    recorded = seen[:, :HISTORY_WEEKS].sum(axis=0) > 0
    seen_from = int(np.argmax(recorded)) if recorded.any() else HISTORY_WEEKS
    counts = counts[:, seen_from:]
    week = np.array([HISTORY_WEEKS - seen_from], dtype=np.int64)
    history = counts[:, : int(week[0])]
    years = int(week[0]) // WEEKS_PER_YEAR
    if int(week[0]) < found.min_history:  # too young a database to judge a week: no alert either way
        return ScanResult(monday, sunday, found.name, counts.shape[0], 0, 0, 0, 0)
    # only series with a case in the judged week or the QUIET_WEEKS before it can alarm (every detector
    # needs a count above 0, or evidence of the last weeks): the others are not fitted at all
    t = int(week[0])
    live = np.flatnonzero(counts[:, max(t - QUIET_WEEKS, 0) : t + 1].sum(axis=1) > 0)
    detection = found.run(counts[live], week)
    alarming = live[np.flatnonzero(detection.alarm[:, 0])]
    row = {int(s): n for n, s in enumerate(live)}  # series → row of the detection
    names = {u.code: u.name for u in catalog.in_scheme(scheme, Level.COMMUNE)}
    candidates: list[AlertCandidate] = []
    for s in alarming:
        r = row[int(s)]
        unit, subject = series.key(int(s))
        if numbers is None:
            g = table.group(subject)
            what_vi, what_en, group = g.name_vi, g.name_en, subject
        else:
            offence = table.get(subject)
            what_vi = f"{offence.name_vi} (Điều {subject})"
            what_en = f"offences under article {subject}"
            group = offence.reporting_group
        record = years if years >= 1 and detection.observed[r, 0] > history[s].max() else 0
        vi, en = explain(names[unit], what_vi, what_en, monday, sunday, detection, r, record)
        candidates.append(
            AlertCandidate(
                kind=AlertKind.RISE.value,
                scheme=scheme,
                unit_code=unit,
                subject=subjects[int(s) % len(subjects)],
                period_start=monday,
                period_end=sunday,
                figures={
                    "observed": int(detection.observed[r, 0]),
                    "expected": round(float(detection.expected[r, 0]), 3),
                    "threshold": round(float(detection.threshold[r, 0]), 3),
                    "score": round(float(detection.score[r, 0]), 3),
                    "method": found.name,
                    "highest_in_years": record,
                },
                explanation_vi=vi,
                explanation_en=en,
                sensitive=group in SENSITIVE_GROUPS,
            )
        )
    extra: dict[str, object] = {"articles": numbers} if numbers is not None else {}
    return record_scan(
        database,
        actor,
        candidates,
        period=(monday, sunday),
        method=found.name,
        series=counts.shape[0],
        subjects=subjects,
        audit_object=f"week:{monday.isoformat()}",
        audit_quiet=audit_quiet,
        details=extra,
    )


def record_scan(
    database: Database,
    actor: Actor,
    candidates: list[AlertCandidate],
    *,
    period: tuple[date, date],
    method: str,
    series: int,
    subjects: Sequence[str],
    audit_object: str,
    audit_quiet: bool,
    details: dict[str, object] | None = None,
) -> ScanResult:
    """Store a scan's alarms as rise alerts, close the active ones of the judged ``subjects`` that no longer
    alarm, and audit the scan (``audit_quiet``: only when it opened or closed any) — in one transaction."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    alarm_keys = {(c.unit_code, c.subject) for c in candidates}
    scheme = unit_catalog().current.code
    with database.transaction() as session:
        new, updated = store.upsert(session, candidates, now)
        closed = store.close_except(
            session, AlertKind.RISE.value, scheme, alarm_keys, period[1], now, subjects=subjects
        )
        if not audit_quiet or new or closed:
            audit.append(
                session,
                actor=actor.name,
                action="warn.scan",
                outcome="ok",
                obj=audit_object,
                details={
                    "method": method,
                    "alarms": len(candidates),
                    "new": len(new),
                    "closed": len(closed),
                    **(details or {}),
                },
            )
    return ScanResult(
        period[0], period[1], method, series, len(candidates), len(new), len(updated), len(closed), tuple(new)
    )


def scan_after_import(database: Database) -> ScanResult | None:
    """The scan every successful incident import runs once its transaction has committed (issue 13 §4):
    the default detector, as of today, then the last ended reporting month (:mod:`.warn_monthly`), and the
    e-mail of the alerts they opened (when configured). It must
    never fail the import: any error is logged and ``None`` returned (``antt warn scan`` runs it again by
    hand)."""
    from antt.services.warn_monthly import month_span, scan_months  # it builds on this module

    try:
        # both scans read the same daily counts: once, over the span both histories fall in
        _, sunday, first_monday = week_span(None)
        _, month_end, first_month = month_span(None)
        with database.transaction(write=False) as session:
            daily = store.daily_counts(session, min(first_monday, first_month), max(sunday, month_end))
        result = scan(database, Actor.system("import"), audit_quiet=True, daily=daily)
        monthly = scan_months(database, Actor.system("import"), audit_quiet=True, daily=daily)
        mail_new_alerts(database, result.opened_ids + monthly.opened_ids, actor="import")
        return result
    except Exception:  # the import has committed: a failed scan is reported, not raised
        log.exception("early-warning scan after import failed / quét cảnh báo sau khi nhập lỗi")
        return None
