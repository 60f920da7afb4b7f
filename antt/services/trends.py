"""Incidents over time for the CompStat filters: a series of bins beside the same period last year, and
the day-of-week × hour-of-day grid.

Both count what :func:`antt.services.compstat.compstat` counts — incidents by their local day
(``occurred_on``), their unit in the reporting scheme and their reporting group, limited to the actor's
communes — so the bins of a series add up to CompStat's current total, its last-year bins to CompStat's
same-period-last-year total, and the grid's 168 cells to the current total again.

Like CompStat, they leave the drug and sexual-offence incidents of the communes the actor lacks the
privilege on out of every count but the drug group's own; ``protected`` names those communes, and
:func:`antt.services.disclosure.series_figures` withholds a drug series that counts one of them. A
restricted group (national security) counts only in the communes where the actor may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from antt.domain.access import Actor
from antt.domain.periods import Comparison, Period
from antt.domain.units import Unit
from antt.errors import InvalidInput
from antt.services.compstat import scope_of
from antt.services.disclosure import Disclosure, exclusions, groups_of, sensitive_groups
from antt.storage.compstat import counts_by_day, counts_by_weekday_hour
from antt.storage.engine import Database

DAY_STEP_MAX_DAYS = 31  # a period up to a month is shown day by day
WEEK_STEP_MAX_DAYS = 26 * 7  # up to half a year week by week, longer periods month by month


class Step(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, Monday first, clipped to the period
    MONTH = "month"  # calendar months, clipped to the period


@dataclass(frozen=True)
class Bin:
    label: str  # ISO date of the bin's first day
    start: date
    end: date
    current: int
    last_year: int
    # the bin's counterpart in the same period last year; None when it has none (29 February)
    last_year_start: date | None
    last_year_end: date | None


@dataclass(frozen=True)
class Series:
    period: Period
    compare: Period  # the same period last year, as CompStat compares
    scope: Unit  # the city, or the one commune asked for
    groups: list[str]  # the reporting groups counted
    step: Step
    bins: list[Bin]
    protected: frozenset[str] = frozenset()  # communes the actor lacks the privilege on (see above)

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.bins]

    @property
    def current(self) -> list[int]:
        return [b.current for b in self.bins]

    @property
    def last_year(self) -> list[int]:
        return [b.last_year for b in self.bins]

    @property
    def total(self) -> int:
        return sum(self.current)

    @property
    def last_year_total(self) -> int:
        return sum(self.last_year)


@dataclass(frozen=True)
class WeekdayHour:
    period: Period
    scope: Unit
    groups: list[str]
    counts: list[list[int]]  # [weekday, Monday = 0][hour 0–23], Asia/Ho_Chi_Minh local time
    # incidents at exactly 00:00:00 local time, all in counts[·][0]: they include every incident whose
    # source gave a date without a time (the importer stores it as local midnight and keeps no flag)
    at_midnight: int
    protected: frozenset[str] = frozenset()  # communes the actor lacks the privilege on (see above)

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


def auto_step(period: Period) -> Step:
    """Days up to 31 days, ISO weeks up to 26 weeks, months beyond."""
    days = period.days()
    if days <= DAY_STEP_MAX_DAYS:
        return Step.DAY
    return Step.WEEK if days <= WEEK_STEP_MAX_DAYS else Step.MONTH


def parse_step(text: str | None) -> Step | None:
    """``day`` / ``week`` / ``month``, or None (empty, ``auto``) for :func:`auto_step`."""
    if text is None or text in ("", "auto"):
        return None
    try:
        return Step(text)
    except ValueError:
        raise InvalidInput(
            f"Bước thời gian phải là day, week, month hoặc auto (nhận được {text!r}).",
            f"The step must be day, week, month or auto (got {text!r}).",
        ) from None


def series(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    group: str | None = None,
    step: Step | None = None,
) -> Series:
    """Incidents per day, week or month of ``period`` (``step``; default :func:`auto_step`), each bin with
    the count of its counterpart in the same period last year.

    The counterparts partition the comparison period exactly, so the last-year bins add up to CompStat's
    previous total and a bin that is the whole period has the whole comparison period as counterpart.
    When the two periods have the same number of days (``wtd`` is 52 weeks back, ``last28`` keeps 28
    days), every bin moves back by that same number of days. Otherwise each bin start moves back one
    calendar year — 29 February to 1 March, so a 29 February day bin has no counterpart and the bin
    before it keeps the 28th — and the first and last counterparts are clipped to the comparison period.
    """
    scope, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    groups = groups_of(actor, group, codes)
    step = step or auto_step(period)
    compare = period.compare(Comparison.SAME_PERIOD_LAST_YEAR)
    protected = Disclosure(actor).protected(codes)
    left_out = exclusions(actor, protected, drugs=not sensitive_groups(groups))
    with database.transaction(write=False) as session:
        now = counts_by_day(session, period.start, period.end, units=codes, groups=groups, exclude=left_out)
        before = counts_by_day(
            session, compare.start, compare.end, units=codes, groups=groups, exclude=left_out
        )
    windows = bin_windows(period, step)
    counterparts = last_year_windows(period, compare, [start for start, _ in windows])
    bins = [
        Bin(
            label=start.isoformat(),
            start=start,
            end=end,
            current=_count(now, start, end),
            last_year=0 if other is None else _count(before, *other),
            last_year_start=None if other is None else other[0],
            last_year_end=None if other is None else other[1],
        )
        for (start, end), other in zip(windows, counterparts, strict=True)
    ]
    return Series(period, compare, scope, groups, step, bins, protected)


def weekday_hour(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    group: str | None = None,
) -> WeekdayHour:
    """Incidents of ``period`` by local day of the week (Monday first) and local hour of the day."""
    scope, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    groups = groups_of(actor, group, codes)
    protected = Disclosure(actor).protected(codes)
    left_out = exclusions(actor, protected, drugs=not sensitive_groups(groups))
    with database.transaction(write=False) as session:
        cells = counts_by_weekday_hour(
            session, period.start, period.end, units=codes, groups=groups, exclude=left_out
        )
    counts = [[cells.get((d, h), (0, 0))[0] for h in range(24)] for d in range(7)]
    at_midnight = sum(m for _, m in cells.values())
    return WeekdayHour(period, scope, groups, counts, at_midnight, protected)


def bin_windows(period: Period, step: Step) -> list[tuple[date, date]]:
    """The bins of ``period``: (first day, last day), consecutive, covering it exactly."""
    windows: list[tuple[date, date]] = []
    start = period.start
    while start <= period.end:
        if step is Step.DAY:
            following = start + timedelta(days=1)
        elif step is Step.WEEK:
            following = start + timedelta(days=7 - start.weekday())
        else:
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        windows.append((start, min(following - timedelta(days=1), period.end)))
        start = following
    return windows


def last_year_windows(period: Period, compare: Period, starts: list[date]) -> list[tuple[date, date] | None]:
    """The counterpart in ``compare`` of each bin starting on ``starts`` (see :func:`series`)."""
    if period.days() == compare.days():
        offset = period.start - compare.start
        moved = [start - offset for start in starts[1:]]
    else:
        moved = [_year_earlier(start) for start in starts[1:]]
    after = compare.end + timedelta(days=1)
    bounds = [compare.start, *(min(max(d, compare.start), after) for d in moved), after]
    return [
        (first, following - timedelta(days=1)) if first < following else None
        for first, following in pairwise(bounds)
    ]


def _year_earlier(day: date) -> date:
    """The same calendar day a year earlier; 29 February (as the start of a bin) becomes 1 March."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return date(day.year - 1, 3, 1)


def _count(days: dict[date, int], start: date, end: date) -> int:
    return sum(days.get(start + timedelta(days=k), 0) for k in range((end - start).days + 1))
