"""The weekly early-warning scan of ANTT's own database (issue 13 §4): every commune × reporting group of the
current scheme, the last complete week (Monday–Sunday, local) on or before the as-of day, judged by the
default detector against up to five years of history; alarms become ``rise`` alerts (stored through
:mod:`antt.services.alerts`), and active rise alerts of series now back below their threshold are closed.

Counts are by the incident's unit in the reporting scheme (carried through the crosswalk at import), as
CompStat counts them; a series with no incidents is a series of zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np

from antt.analytics.alerts import WEEKS_PER_YEAR, Detection, detector
from antt.domain.access import Actor
from antt.domain.alerts import AlertCandidate, AlertKind, vi_number
from antt.domain.periods import check_supported_day, today_local
from antt.domain.reference import offence_table, unit_catalog
from antt.domain.units import Level
from antt.errors import PermissionDenied
from antt.services.disclosure import SENSITIVE_GROUPS
from antt.storage import alerts as store
from antt.storage import audit
from antt.storage.engine import Database

HISTORY_WEEKS = 5 * WEEKS_PER_YEAR + 8  # five years and the ±3-week windows around them


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


def judged_week(as_of: date) -> tuple[date, date]:
    """The last complete Monday–Sunday week on or before ``as_of``."""
    sunday = as_of - timedelta(days=(as_of.weekday() + 1) % 7)
    return sunday - timedelta(days=6), sunday


def weekly_matrix(
    rows: list[tuple[str, str, date, int]],
    units: list[str],
    groups: list[str],
    first_monday: date,
    weeks: int,
) -> np.ndarray:
    index = {(u, g): n for n, (u, g) in enumerate((u, g) for u in units for g in groups)}
    counts = np.zeros((len(index), weeks), dtype=np.int64)
    if not rows:
        return counts
    keep = [(index[(u, g)], (d - first_monday).days // 7, n) for u, g, d, n in rows if (u, g) in index]
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
    database: Database, actor: Actor, *, as_of: date | None = None, method: str = "default"
) -> ScanResult:
    """Scan every commune × group for the last complete week; store new alerts, close those that ended."""
    if not actor.is_system:
        raise PermissionDenied("Chỉ hệ thống chạy quét cảnh báo.", "Only the system runs the alert scan.")
    check_supported_day(as_of)
    found = detector(method)
    monday, sunday = judged_week(as_of or today_local())
    first_monday = monday - timedelta(weeks=HISTORY_WEEKS)
    catalog = unit_catalog()
    scheme = catalog.current.code
    units = [u.code for u in catalog.in_scheme(scheme, Level.COMMUNE)]
    table = offence_table()
    groups = table.group_codes
    with database.transaction(write=False) as session:
        rows = store.daily_counts(session, first_monday, sunday)
    counts = weekly_matrix(rows, units, groups, first_monday, HISTORY_WEEKS + 1)
    # the history starts with the database's first recorded week: the weeks before it are unknown, not 0
    seen = counts[:, :HISTORY_WEEKS].sum(axis=0) > 0
    seen_from = int(np.argmax(seen)) if seen.any() else HISTORY_WEEKS
    counts = counts[:, seen_from:]
    week = np.array([HISTORY_WEEKS - seen_from], dtype=np.int64)
    history = counts[:, : int(week[0])]
    years = int(week[0]) // WEEKS_PER_YEAR
    if int(week[0]) < found.min_history:  # too young a database to judge a week: no alert either way
        return ScanResult(monday, sunday, found.name, counts.shape[0], 0, 0, 0, 0)
    detection = found.run(counts, week)
    alarming = np.flatnonzero(detection.alarm[:, 0])
    names = {u.code: u.name for u in catalog.in_scheme(scheme, Level.COMMUNE)}
    candidates: list[AlertCandidate] = []
    for s in alarming:
        unit, group = units[s // len(groups)], groups[s % len(groups)]
        g = table.group(group)
        record = years if years >= 1 and detection.observed[s, 0] > history[s].max() else 0
        vi, en = explain(names[unit], g.name_vi, g.name_en, monday, sunday, detection, int(s), record)
        candidates.append(
            AlertCandidate(
                kind=AlertKind.RISE.value,
                scheme=scheme,
                unit_code=unit,
                subject=group,
                period_start=monday,
                period_end=sunday,
                figures={
                    "observed": int(detection.observed[s, 0]),
                    "expected": round(float(detection.expected[s, 0]), 3),
                    "threshold": round(float(detection.threshold[s, 0]), 3),
                    "score": round(float(detection.score[s, 0]), 3),
                    "method": found.name,
                    "highest_in_years": record,
                },
                explanation_vi=vi,
                explanation_en=en,
                sensitive=group in SENSITIVE_GROUPS,
            )
        )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    alarm_keys = {(c.unit_code, c.subject) for c in candidates}
    with database.transaction() as session:
        new, updated = store.upsert(session, candidates, now)
        closed = store.close_except(session, AlertKind.RISE.value, scheme, alarm_keys, sunday, now)
        audit.append(
            session,
            actor=actor.name,
            action="warn.scan",
            outcome="ok",
            obj=f"week:{monday.isoformat()}",
            details={"method": found.name, "alarms": len(candidates), "new": len(new), "closed": len(closed)},
        )
    return ScanResult(
        monday, sunday, found.name, counts.shape[0], len(candidates), len(new), len(updated), len(closed)
    )
