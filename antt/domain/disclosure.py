"""The pure rules of statistical disclosure control (docs/disclosure.md): which counts are small, and for
which windows a sensitive count of a commune may be released to a user without the privilege.

**Release periods.** A sensitive count of a commune is released to such a user only for a whole period of
one nested calendar: the reporting month of Decree 09/2019 (15th → 14th) and the reporting quarter,
half-year and year, each made of whole reporting months, and only once the period has ended. Two release
periods are either disjoint or nested, so the only arithmetic between them is "a period minus the months
inside it"; :func:`release_months` gives those months, and the service hides a period whose months are
not all releasable (upward propagation). A calendar month is not a release period: together with the
reporting months it would give every half-month (1st–14th, 15th–end) by subtraction.
"""

from __future__ import annotations

from datetime import date, timedelta

from antt.domain.access import SUPPRESSION_K
from antt.domain.periods import Period

RELEASE_KINDS = ("report-month", "report-quarter", "report-half", "report-year")
"""The presets whose periods may carry a commune's sensitive counts (reporting months per period: 1, 3, 6,
12)."""
_MONTHS_PER_PERIOD = (1, 3, 6, 12)


def is_small(value: float | None) -> bool:
    """A count that is hidden (primary suppression): from 1 to ``SUPPRESSION_K - 1``. Zero says nobody
    and is shown."""
    return value is not None and 0 < value < SUPPRESSION_K


def _month_start(index: int) -> date:
    """The first day of reporting month ``index`` (year * 12 + month - 1): the 15th of the month before."""
    year, month0 = divmod(index - 1, 12)
    return date(year, month0 + 1, 15)


def release_months(period: Period, today: date) -> list[tuple[date, date]] | None:
    """The reporting months (first day, last day) that make up ``period`` when it is a release period that
    ended before ``today``, else ``None``. Decided on the dates, whatever the period's key says, so a
    custom window equal to a reporting quarter is that quarter."""
    start = period.start
    if start.day != 15 or period.end >= today:
        return None
    first = start.year * 12 + start.month  # the index of the reporting month starting on this 15th
    for n in _MONTHS_PER_PERIOD:
        if first % n:
            continue
        months = [(_month_start(i), _month_start(i + 1) - timedelta(days=1)) for i in range(first, first + n)]
        if months[-1][1] == period.end:
            return months
    return None
