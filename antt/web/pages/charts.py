"""The data the page script draws charts from, in the shapes ``static/app.js`` reads."""

from __future__ import annotations

from typing import Any

from antt.domain.access import SUPPRESSED_LABEL
from antt.services.disclosure import SeriesFigures
from antt.web.i18n import _


def series_data(trend: Any, shown: SeriesFigures) -> dict[str, list[Any]]:
    """Time series: bin labels, this period's counts, the same bins a year before (``None`` where a
    small sensitive count is hidden: ``shown`` is the series as the user may see it)."""
    return {
        "labels": [b.label for b in trend.bins],
        "current": shown.current,
        "last_year": shown.last_year,
    }


def chart_labels() -> dict[str, str]:
    return {
        "count": _("Incidents"),
        "rate": _("Per 10,000 residents"),
        "z": "z",
        "current": _("This period"),
        "last_year": _("Same period last year"),
        "no_data": _("No data"),
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
