"""The CompStat filter bar: what the URL says (period, comparison, group, unit) and the choices offered.

The filters live in the query string only, so a page can be shared, reloaded and walked back with the
browser's buttons. Presets are offered relative to the newest data, not to today, so an office that
imports weekly still sees whole windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from antt.domain.access import Actor
from antt.domain.periods import Comparison, Period, parse_period, period_from, report_month_of, today_local
from antt.domain.reference import offence_table
from antt.errors import InvalidInput
from antt.services.disclosure import Disclosure
from antt.web.i18n import _, current_language

MEASURES = ("count", "rate", "z")


@dataclass(frozen=True)
class Filters:
    period: Period
    compare: Comparison
    group: str  # a reporting-group code or "all"
    unit: str | None  # a commune code, or None for the whole city
    measure: str  # what colours the map

    def params(self) -> dict[str, object]:
        """The query parameters that reproduce these filters (custom windows as ``from``/``to``)."""
        values: dict[str, object] = {
            "compare": self.compare.value,
            "group": None if self.group == "all" else self.group,
            "unit": self.unit,
            "measure": None if self.measure == "count" else self.measure,
        }
        if self.period.kind == "custom":
            values.update({"from": self.period.start.isoformat(), "to": self.period.end.isoformat()})
        else:
            values["period"] = self.period.key
        return values


def form_date(text: str | None, field: str) -> date | None:
    """A date from a form field, ``dd/mm/yyyy`` as people type it or ``yyyy-mm-dd`` as links carry it;
    empty means not given (a browser sends ``from=`` for an empty input)."""
    if not text:
        return None
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"Ngày không hợp lệ ở ô {field}: {text!r} (cần dd/mm/yyyy).",
            f"Invalid date in {field}: {text!r} (expected dd/mm/yyyy).",
        ) from None


def default_period(data_up_to: date | None) -> Period:
    """28 days ending with the newest incident: two windows of equal length and weekday mix."""
    return parse_period(f"last28:{(data_up_to or today_local()).isoformat()}")


def read_filters(
    data_up_to: date | None,
    *,
    period: str | None,
    from_: date | None,
    to: date | None,
    compare: str | None,
    group: str | None,
    unit: str | None,
    measure: str | None,
) -> Filters:
    period = period or None
    window = default_period(data_up_to) if not (period or from_ or to) else period_from(period, from_, to)
    return Filters(
        period=window,
        compare=Comparison(compare)
        if compare in {c.value for c in Comparison}
        else Comparison.SAME_PERIOD_LAST_YEAR,
        group=group or "all",
        unit=unit or None,
        measure=measure if measure in MEASURES else "count",
    )


def period_label(period: Period) -> str:
    return period.label_en() if current_language() == "en" else period.label_vi()


def period_choices(data_up_to: date | None, chosen: Period) -> list[tuple[str, str]]:
    """(key, label) for the preset select: the chosen period first if it is not a preset."""
    day = data_up_to or today_local()
    this_report_month = report_month_of(day)
    keys = [
        f"last28:{day.isoformat()}",
        f"wtd:{day.isoformat()}",
        this_report_month.key,
        report_month_of(this_report_month.start - timedelta(days=1)).key,
        f"month:{day:%Y-%m}",
        f"report-ytd:{day.isoformat()}",
        f"ytd:{day.isoformat()}",
        f"report-year:{day.year - 1 if day.month < 12 or day.day < 15 else day.year}",
        f"year:{day.year - 1}",
    ]
    periods = [parse_period(k) for k in keys]
    if chosen.kind != "custom" and chosen.key not in keys:
        periods.insert(0, chosen)
    return [(p.key, period_label(p)) for p in periods]


def comparison_choices() -> list[tuple[str, str]]:
    return [
        (Comparison.SAME_PERIOD_LAST_YEAR.value, _("Same period last year")),
        (Comparison.PREVIOUS_PERIOD.value, _("Previous period")),
    ]


def group_choices(actor: Actor) -> list[tuple[str, str]]:
    """The choice "All offences" and the reporting groups ``actor`` may see somewhere: a restricted group
    (national security) is not offered to a user who may not see it (docs/disclosure.md)."""
    table = offence_table()
    english = current_language() == "en"
    groups = [
        (g.code, g.name_en if english else g.name_vi)
        for g in (table.group(c) for c in Disclosure(actor).shown_groups(table.group_codes))
    ]
    return [("all", _("All offences")), *groups]


def measure_choices() -> list[tuple[str, str]]:
    return [
        ("count", _("Number of incidents")),
        ("rate", _("Per 10,000 residents")),
        ("z", _("Change (z score)")),
    ]


def form_year(text: object) -> int | None:
    """A year from a form field (``YYYY``); empty means not given."""
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        return None
    if not value.isdigit() or len(value) > 4:
        raise InvalidInput(f"Năm không hợp lệ: {value[:10]!r}.", f"Invalid year {value[:10]!r}.")
    return int(value)
