"""``/compstat`` — one filter bar driving the table, the commune map, the time series and the week grid.

Every figure comes from the same services as ``/api/compstat`` and ``antt compstat`` (the browser tests
compare them), and every count links to the incidents behind it. Sensitive figures are
hidden as in the API (:mod:`antt.services.disclosure`); the cache is keyed by what the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from antt.domain.access import Action, Actor
from antt.domain.periods import today_local
from antt.domain.text import sort_key
from antt.domain.units import Level
from antt.services.alerts import alerts_version
from antt.services.compstat import By, compstat, result_document
from antt.services.data_cache import cached
from antt.services.database import Database
from antt.services.disclosure import grid_figures, privilege_key, series_figures
from antt.services.movers import Movers, movers, with_open_alerts
from antt.services.trends import incident_cells, series, weekday_hour
from antt.services.units import list_units, populations
from antt.web.access import requires
from antt.web.i18n import _, current_language
from antt.web.pages.charts import chart_labels, series_data, weekday_names
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import (
    Filters,
    comparison_choices,
    form_date,
    group_choices,
    measure_choices,
    period_choices,
    period_label,
    read_filters,
)
from antt.web.templating import render, render_fragment, wants_fragment

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])
#: stands for the session's CSRF token in a region rendered for everybody (never a real token: those
#: are URL-safe base64)
CSRF_MARK = "{antt:csrf-token}"


# --- sorting (issue 18): server-side, in the URL, defaulting to the change that matters ----------------

#: column → the field of a row it sorts by (``name``: the commune's or group's name)
SORTS = {
    "name": "",
    "current": "current",
    "previous": "previous",
    "change": "change",
    "pct": "pct_change",
    "z": "z",
    "rate": "rate",
}
#: the direction a first click on a column sorts in: names A→Z, figures largest first
FIRST_DIRECTION = {key: "asc" if key == "name" else "desc" for key in SORTS}
DEFAULT_SORT = ("z", "desc")


@dataclass(frozen=True)
class Sort:
    """How the CompStat tables are ordered: ``sort`` and ``dir`` in the URL, ``z`` descending when absent
    (the strongest rise first); a hidden value sorts last whatever the direction, so its place tells
    nothing."""

    key: str = DEFAULT_SORT[0]
    direction: str = DEFAULT_SORT[1]

    @classmethod
    def read(cls, sort: str | None, direction: str | None) -> Sort:
        key = sort if sort in SORTS else DEFAULT_SORT[0]
        chosen = direction if direction in ("asc", "desc") else FIRST_DIRECTION[key]
        return cls(key, chosen)

    def params(self) -> dict[str, object]:
        """The query parameters of this order (none for the default)."""
        if (self.key, self.direction) == DEFAULT_SORT:
            return {"sort": None, "dir": None}
        return {"sort": self.key, "dir": self.direction}

    def click(self, key: str) -> dict[str, object]:
        """The query parameters a click on column ``key`` asks for: the other direction of the column
        sorted on, the first direction of another."""
        if key == self.key:
            return Sort(key, "asc" if self.direction == "desc" else "desc").params()
        return Sort(key, FIRST_DIRECTION[key]).params()

    def aria(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.direction == "desc" else "ascending"

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` (in the service's order: communes A→Z, groups as the report lists them) in this order,
        as a new list: ties by z, then change, then the service's order."""
        if self.key == "name":
            return list(rows) if self.direction == "asc" else rows[::-1]
        field = SORTS[self.key]
        shown = [r for r in rows if r.get(field) is not None]
        hidden = [r for r in rows if r.get(field) is None]

        def key(r: dict[str, Any]) -> tuple[float, float, float]:
            return (r[field], r.get("z") or 0.0, r.get("change") or 0)

        if self.direction == "desc":  # stable: equal keys keep the service's order either way
            return sorted(shown, key=lambda r: tuple(-v for v in key(r))) + hidden
        return sorted(shown, key=key) + hidden


# --- where it is getting worse (issue 18) --------------------------------------------------------------


def movers_of(request: Request, filters: Filters) -> Movers:
    """The strongest significant rises and falls (commune × group) of ``filters``'s CompStat, for the
    signed-in actor: computed once per data version and shared by the overview and CompStat; the open
    alerts are marked for every view."""
    database, actor = database_of(request), actor_of(request)
    return with_open_alerts(database, actor, movers_figures(database, actor, filters))


def movers_figures(database: Database, actor: Actor, filters: Filters) -> Movers:
    """The movers of ``filters`` before open alerts are marked (kept until the next import)."""
    return cached(
        database,
        ("movers", *figures_key(actor, filters)),
        lambda: movers(
            compstat(
                database,
                actor,
                filters.period,
                comparison=filters.compare,
                unit_code=filters.unit,
                group=filters.group,
                by=By.UNIT_GROUP,
            )
        ),
    )


def movers_context(request: Request, filters: Filters, *, on_compstat: bool) -> dict[str, Any]:
    """What ``_movers.html`` needs: the movers, the filters its links keep, its period, the group names."""
    return {
        "movers": movers_of(request, filters),
        "movers_params": filters.params(),
        "movers_period": _(
            "%(period)s, compared with %(compare)s",
            period=period_label(filters.period),
            compare=period_label(filters.period.compare(filters.compare)),
        ),
        "movers_groups": dict(group_choices(actor_of(request))),
        "movers_on_compstat": on_compstat,
    }


def _rate(count: int | None, population: float | None) -> float | None:
    return None if not population or count is None else round(count * 10_000 / population, 2)


def compstat_view(
    database: Database, actor: Actor, filters: Filters, data_up_to: date | None = None
) -> dict[str, Any]:
    """Everything the CompStat region shows for ``filters`` (also what the page tests compare); bins of the
    series after ``data_up_to`` are marked as not yet counted."""

    def table(by: By) -> dict[str, Any]:
        result = compstat(
            database,
            actor,
            filters.period,
            comparison=filters.compare,
            unit_code=filters.unit,
            group=filters.group,
            by=by,
        )
        return result_document(result)

    by_unit, by_group = table(By.UNIT), table(By.GROUP)
    people = cached(  # the same for every filter of the period: kept apart from the view's many keys
        database,
        ("populations", actor.units, filters.period.end),
        lambda: populations(database, actor, filters.period.end),
    )
    for row in by_unit["rows"]:
        row["rate"] = _rate(row["current"], people.get(row["unit_code"]))
        if "current" in row["suppressed_fields"]:  # the rate gives the count back
            row["suppressed_fields"] = [*row["suppressed_fields"], "rate"]
    trend = series(
        database,
        actor,
        filters.period,
        unit_code=filters.unit,
        group=filters.group,
        comparison=filters.compare,
    )
    points = incident_cells(database, actor, filters.period, unit_code=filters.unit, group=filters.group)
    grid = grid_figures(
        actor, weekday_hour(database, actor, filters.period, unit_code=filters.unit, group=filters.group)
    )
    return {
        "by_unit": by_unit,
        "by_group": by_group,
        "series_data": series_data(trend, series_figures(actor, trend), data_up_to=data_up_to),
        "points_data": {"cells": points.cells, "withheld": points.withheld},
        "grid_data": grid.counts,
        "grid_at_midnight": grid.at_midnight,
        "map_data": [
            {
                "code": r["unit_code"],
                "name": r["unit_name"],
                "count": r["current"],
                "rate": r["rate"],
                "z": r["z"],
                "approximate": r["approximate"],
                "suppressed": "current" in r["suppressed_fields"],
            }
            for r in by_unit["rows"]
        ],
    }


def figures_key(actor: Actor, filters: Filters) -> tuple[Any, ...]:
    """What the figures of ``filters`` depend on besides the data: the actor's scope and rights, the
    filters, the day."""
    return (
        actor.units,
        privilege_key(actor),
        filters.period,
        filters.compare,
        filters.group,
        filters.unit,
        today_local(),
    )


def view_key(actor: Actor, filters: Filters) -> tuple[Any, ...]:
    """What a CompStat view depends on besides the data: its figures' key and the page's language."""
    return (*figures_key(actor, filters), current_language())


def compstat_figures(
    database: Database, actor: Actor, filters: Filters, data_up_to: date | None
) -> dict[str, Any]:
    """:func:`compstat_view`, kept until the next import (and filled after it: antt.web.warmup)."""
    return cached(
        database,
        ("compstat", *view_key(actor, filters)),
        lambda: compstat_view(database, actor, filters, data_up_to),
    )


@router.get("/compstat", response_class=HTMLResponse)
def compstat_page(
    request: Request,
    period: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    compare: Annotated[str | None, Query(max_length=32)] = None,
    group: Annotated[str | None, Query(max_length=24)] = None,
    unit: Annotated[str | None, Query(max_length=8)] = None,
    measure: Annotated[str | None, Query(max_length=8)] = None,
    sort: Annotated[str | None, Query(max_length=8)] = None,
    direction: Annotated[str | None, Query(alias="dir", max_length=4)] = None,
) -> HTMLResponse:
    context = page_context(request, "compstat")
    filters = read_filters(
        context["freshness"].data_up_to,
        period=period,
        from_=form_date(from_, "from"),
        to=form_date(to, "to"),
        compare=compare,
        group=group,
        unit=unit,
        measure=measure,
    )
    actor = actor_of(request)
    database = database_of(request)
    key = view_key(actor, filters)

    def region() -> str:
        view = compstat_figures(database, actor, filters, context["freshness"].data_up_to)
        groups = dict(group_choices(actor))
        order = Sort.read(sort, direction)
        return render_fragment(
            request,
            "compstat.html",
            {
                **context,
                **view,
                **movers_context(request, filters, on_compstat=True),
                "sort": order,
                "unit_rows": order.rows(view["by_unit"]["rows"]),
                "group_rows": order.rows(view["by_group"]["rows"]),
                "csrf_token": CSRF_MARK,
                "filters": filters,
                "params": {**filters.params(), **order.params()},
                "period_label": period_label(filters.period),
                "compare_label": period_label(filters.period.compare(filters.compare)),
                "period_choices": period_choices(context["freshness"].data_up_to, filters.period),
                "comparison_choices": comparison_choices(),
                "group_choices": list(groups.items()),
                "group_names": groups,
                "measure_choices": measure_choices(),
                "weekdays": weekday_names(),
                "chart_labels": chart_labels(),
                "unit_choices": sorted(
                    list_units(actor, level=Level.COMMUNE),
                    key=lambda u: (sort_key(u.short_name), u.code),
                ),
            },
        )

    # The CompStat region (filters, movers, tables, charts' data): the same HTML for everyone with the same
    # scope, rights, language and query, but for the session's CSRF token, put in afterwards. Rendering it
    # (a link and a formatted figure per cell) cost more than computing a cached view; a filter change
    # (htmx) gets it alone, the whole page puts it in the layout.
    html = cached(
        database,
        (
            "compstat-region",
            *key,
            tuple(sorted(request.query_params.multi_items())),
            tuple(sorted(context["may"].items())),
            alerts_version(database),  # the movers mark open alerts
        ),
        region,
    ).replace(CSRF_MARK, str(escape(context["csrf_token"])))
    if wants_fragment(request):
        return HTMLResponse(html)
    region_html = Markup(html)  # noqa: S704 — rendered above by our own autoescaping templates
    return render(request, "compstat.html", {**context, "region_html": region_html})
