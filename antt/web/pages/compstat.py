"""``/compstat`` — one filter bar driving the table, the commune map, the time series and the week grid.

Every figure comes from the same services as ``/api/compstat`` and ``antt compstat`` (the browser tests
compare them), and every count links to the incidents behind it. Sensitive figures are
hidden as in the API (:mod:`antt.services.disclosure`); the cache is keyed by what the user may see.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from antt.domain.access import Action
from antt.domain.periods import today_local
from antt.domain.text import sort_key
from antt.domain.units import Level
from antt.services.compstat import By, compstat, result_document
from antt.services.data_cache import cached
from antt.services.disclosure import grid_figures, privilege_key, series_figures
from antt.services.trends import series, weekday_hour
from antt.services.units import list_units, populations
from antt.web.access import requires
from antt.web.i18n import current_language
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
from antt.web.templating import render, wants_fragment

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])
#: stands for the session's CSRF token in a region rendered for everybody (never a real token: those
#: are URL-safe base64)
CSRF_MARK = "{antt:csrf-token}"


def _rate(count: int | None, population: float | None) -> float | None:
    return None if not population or count is None else round(count * 10_000 / population, 2)


def compstat_view(request: Request, filters: Filters) -> dict[str, Any]:
    """Everything the CompStat region shows for ``filters`` (also what the page tests compare)."""
    database, actor = database_of(request), actor_of(request)

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
    trend = series(database, actor, filters.period, unit_code=filters.unit, group=filters.group)
    grid = grid_figures(
        actor, weekday_hour(database, actor, filters.period, unit_code=filters.unit, group=filters.group)
    )
    return {
        "by_unit": by_unit,
        "by_group": by_group,
        "series_data": series_data(trend, series_figures(actor, trend)),
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
    key = (
        actor.units,
        privilege_key(actor),
        filters.period,
        filters.compare,
        filters.group,
        filters.unit,
        today_local(),
        current_language(),
    )

    def page(csrf_token: str) -> HTMLResponse:
        view = cached(database, ("compstat", *key), lambda: compstat_view(request, filters))
        groups = dict(group_choices(actor))
        return render(
            request,
            "compstat.html",
            {
                **context,
                **view,
                "csrf_token": csrf_token,
                "filters": filters,
                "params": filters.params(),
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

    if not wants_fragment(request):
        return page(context["csrf_token"])
    # A filter change (htmx) gets the CompStat region alone: the same HTML for everyone with the same
    # scope, rights, language and query, but for the session's CSRF token, put in afterwards. Rendering
    # it (a link and a formatted figure per cell) cost more than computing a cached view.
    region = cached(
        database,
        (
            "compstat-region",
            *key,
            tuple(sorted(request.query_params.multi_items())),
            tuple(sorted(context["may"].items())),
        ),
        lambda: bytes(page(CSRF_MARK).body).decode("utf-8"),
    )
    return HTMLResponse(region.replace(CSRF_MARK, str(escape(context["csrf_token"]))))
