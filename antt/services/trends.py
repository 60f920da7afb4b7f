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
from antt.storage.compstat import counts_by_day, counts_by_weekday_hour, located_cells
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
    compare: Period  # the period compared with, as CompStat compares (by default the same period last year)
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
    comparison: Comparison = Comparison.SAME_PERIOD_LAST_YEAR,
) -> Series:
    """Incidents per day, week or month of ``period`` (``step``; default :func:`auto_step`), each bin with
    the count of its counterpart in the comparison period (``comparison``: the same period last year, as
    CompStat compares by default, or the previous period).

    The counterparts partition the comparison period exactly, so the last-year bins add up to CompStat's
    previous total and a bin that is the whole period has the whole comparison period as counterpart.
    When the two periods have the same number of days (``wtd`` is 52 weeks back, ``last28`` keeps 28
    days), every bin moves back by that same number of days. Otherwise each bin start moves back one
    calendar year — 29 February to 1 March, so a 29 February day bin has no counterpart and the bin
    before it keeps the 28th — and the first and last counterparts are clipped to the comparison period.
    A previous period of another length moves each bin start back by whole months when both periods
    start on the same day of the month (a month, a quarter, a year), by the periods' distance in days
    otherwise, clipped the same way.
    """
    scope, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    groups = groups_of(actor, group, codes)
    step = step or auto_step(period)
    compare = period.compare(comparison)
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


#: the grid the incident points are gathered on before the page clusters them: 1/200 degree (about 550 m)
CELLS_PER_DEGREE = 200


@dataclass(frozen=True)
class IncidentCells:
    """The located incidents of a period on a fine grid, for the map's point layer: ``cells`` are
    ``(lat, lon, count)`` (the mean position of the cell's incidents). ``withheld``: a drug-group layer
    counting a commune the actor lacks the privilege on is not given at all (as its series)."""

    period: Period
    scope: Unit
    groups: list[str]
    cells: list[tuple[float, float, int]]
    withheld: bool = False

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.cells)


def incident_cells(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    group: str | None = None,
) -> IncidentCells:
    """Where the incidents of ``period`` happened, gathered on a grid of :data:`CELLS_PER_DEGREE` (only the
    incidents with a position; counted as :func:`series` counts them)."""
    scope, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    groups = groups_of(actor, group, codes)
    protected = Disclosure(actor).protected(codes)
    if sensitive_groups(groups) and protected:
        return IncidentCells(period, scope, groups, [], withheld=True)
    left_out = exclusions(actor, protected, drugs=True)
    with database.transaction(write=False) as session:
        cells = located_cells(
            session,
            period.start,
            period.end,
            per_degree=CELLS_PER_DEGREE,
            units=codes,
            groups=groups,
            exclude=left_out,
        )
    return IncidentCells(period, scope, groups, sorted(cells))


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
    elif _year_earlier(period.start) == compare.start:
        moved = [_year_earlier(start) for start in starts[1:]]
    elif compare.start.day == period.start.day:
        months = (period.start.year - compare.start.year) * 12 + period.start.month - compare.start.month
        moved = [_months_earlier(start, months) for start in starts[1:]]
    else:
        offset = period.start - compare.start
        moved = [start - offset for start in starts[1:]]
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


def _months_earlier(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months, its day clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (following - timedelta(days=1)).day))


def _count(days: dict[date, int], start: date, end: date) -> int:
    return sum(days.get(start + timedelta(days=k), 0) for k in range((end - start).days + 1))
