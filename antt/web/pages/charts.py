"""The data the page script draws charts from, in the shapes ``static/app.js`` reads."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from antt.domain.access import SUPPRESSED_LABEL
from antt.domain.periods import Comparison
from antt.services.disclosure import SeriesFigures
from antt.services.trends import Step
from antt.web.i18n import _

# --- dates on charts (issue 18): dd/MM, with the year only where the years differ -------------------------

#: how a bin compares with a whole day, week or month (``partial`` lists one per bin)
FULL, PARTIAL, NOT_YET = 0, 1, 2


def day_label(day: date, *, with_year: bool = False) -> str:
    """``05/03`` or, ``with_year``, ``05/03/2026`` (the pattern is explicit: CLDR's Vietnamese short date is
    ``d/M/yy``)."""
    return f"{day:%d/%m/%Y}" if with_year else f"{day:%d/%m}"


def month_label(day: date) -> str:
    """``03/2026``: a calendar month on an axis."""
    return f"{day:%m/%Y}"


def range_label(start: date, end: date) -> str:
    """A window as a reader writes it: ``05/03/2026``, ``02/03 – 08/03/2026``,
    ``29/12/2025 – 04/01/2026`` (the year on both ends when they differ)."""
    if start == end:
        return day_label(start, with_year=True)
    return f"{day_label(start, with_year=start.year != end.year)} – {day_label(end, with_year=True)}"


def bin_labels(windows: list[tuple[date, date]], step: Step) -> list[str]:
    """The axis label of each bin: its first day as ``dd/MM`` — ``dd/MM/yyyy`` when the bins span more
    than one year — or, for calendar months, ``MM/yyyy``."""
    if step is Step.MONTH:
        return [month_label(start) for start, _end in windows]
    years = {d.year for window in windows for d in window}
    return [day_label(start, with_year=len(years) > 1) for start, _end in windows]


def bin_completeness(
    windows: list[tuple[date, date]], step: Step, data_up_to: date | None = None
) -> list[int]:
    """Per bin: :data:`FULL`; :data:`PARTIAL` when it is a clipped week or month (the first or last bin of a
    period that does not start or end on the step's boundary) or the data stop inside it; :data:`NOT_YET`
    when it starts after the data date (its zero is no figure yet)."""
    found = []
    for start, end in windows:
        if data_up_to is not None and start > data_up_to:
            found.append(NOT_YET)
            continue
        days = (end - start).days + 1
        if step is Step.WEEK:
            whole = 7
        elif step is Step.MONTH:
            whole = calendar.monthrange(start.year, start.month)[1]
        else:
            whole = 1
        cut = data_up_to is not None and end > data_up_to
        found.append(PARTIAL if days < whole or cut else FULL)
    return found


def series_data(trend: Any, shown: SeriesFigures, *, data_up_to: date | None = None) -> dict[str, Any]:
    """Time series: bin labels (``dd/MM``), each bin's window and its counterpart's (for the tooltip), this
    period's counts, the counterparts' counts (``None`` where a small sensitive count is hidden: ``shown``
    is the series as the user may see it), which bins are partial, and what the comparison is."""
    windows = [(b.start, b.end) for b in trend.bins]
    completeness = bin_completeness(windows, trend.step, data_up_to)
    current = [None if c == NOT_YET else v for v, c in zip(shown.current, completeness, strict=True)]
    same_year = trend.compare == trend.period.compare(Comparison.SAME_PERIOD_LAST_YEAR)
    return {
        "labels": bin_labels(windows, trend.step),
        "ranges": [range_label(start, end) for start, end in windows],
        "compare_ranges": [
            range_label(b.last_year_start, b.last_year_end) if b.last_year_start is not None else None
            for b in trend.bins
        ],
        "current": current,
        "last_year": shown.last_year,
        "partial": completeness,
        "compare": Comparison.SAME_PERIOD_LAST_YEAR.value if same_year else Comparison.PREVIOUS_PERIOD.value,
        "withheld": shown.withheld,
    }


def chart_labels() -> dict[str, str]:
    return {
        "count": _("Incidents"),
        "rate": _("Per 10,000 residents"),
        "z": "z",
        "current": _("This period"),
        "last_year": _("Same period last year"),
        "previous": _("Previous period"),
        "partial": _("partial period: not a whole week or month, or the data stop inside it"),
        "partial_short": _("partial period"),
        "not_yet": _("no data yet"),
        "no_data": _("No data"),
        "points": _("Incident points"),
        "choropleth": _("Colour by commune"),
        "risk": _("Risk (forecast)"),
        "suppressed": SUPPRESSED_LABEL,
        "suppressed_title": _("Hidden: a count from 1 to 4 of a sensitive category"),
    }


def weekday_names() -> list[str]:
    """Monday first, as ``services.trends.weekday_hour`` counts."""
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def short_label(key: str) -> str:
    """A chart axis label for a period key: ``report-month:2026-01`` → ``01/2026``, ``year:2024`` → ``2024``."""
    kind, _sep, value = key.partition(":")
    if kind in ("month", "report-month") and len(value) == 7:
        return f"{value[5:]}/{value[:4]}"
    if kind in ("quarter", "report-quarter", "half", "report-half"):
        return value.replace("-", " ")
    return value or key


def history(series: list[list[Any]], *, cumulative: bool) -> list[list[Any]]:
    """A target's recent values for its chart; a count target's monthly counts summed over its period,
    so they compare with its required total and its projection at the end."""
    points, running = [], 0.0
    for key, value in series:
        running = running + (value or 0) if cumulative else value
        points.append([short_label(key), running])
    return points
