"""The data the page script draws charts from, in the shapes ``static/app.js`` reads."""

from __future__ import annotations

from typing import Any

from antt.web.i18n import _


def series_data(trend: Any) -> dict[str, list[Any]]:
    """Time series: bin labels, this period's counts, the same bins a year before."""
    return {
        "labels": [b.label for b in trend.bins],
        "current": [b.current for b in trend.bins],
        "last_year": [b.last_year for b in trend.bins],
    }


def chart_labels() -> dict[str, str]:
    return {
        "count": _("Incidents"),
        "rate": _("Per 10,000 residents"),
        "z": "z",
        "current": _("This period"),
        "last_year": _("Same period last year"),
        "no_data": _("No data"),
    }


def weekday_names() -> list[str]:
    """Monday first, as ``services.trends.weekday_hour`` counts."""
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
