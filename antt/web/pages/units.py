"""``/units`` and ``/units/{code}`` — the communes, and one commune's page: figures, targets, trend,
neighbours and the old units it was formed from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action, Actor
from antt.domain.periods import Period, custom, today_local
from antt.domain.text import sort_key
from antt.services.compstat import By, compstat, result_document
from antt.services.data_cache import cached
from antt.services.database import Database
from antt.services.disclosure import privilege_key, series_figures
from antt.services.targets import evaluation_document, targets_revision, targets_status
from antt.services.trends import Step, series
from antt.services.units import populations, unit_profile
from antt.web.access import requires
from antt.web.i18n import current_language
from antt.web.pages.charts import chart_labels, series_data
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import default_period, group_choices, period_label
from antt.web.pages.overview import tile
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])


def units_table(request: Request, data_up_to: date | None) -> tuple[Period, list[dict[str, Any]]]:
    """The window of ``/units`` and its rows (communes A→Z with population and figures): the page and
    its CSV export."""
    database, actor = database_of(request), actor_of(request)
    window = default_period(data_up_to)
    result = result_document(compstat(database, actor, window, by=By.UNIT))
    people = populations(database, actor, window.end)
    rows = sorted(result["rows"], key=lambda r: (sort_key(r["unit_name"]), r["unit_code"]))
    for row in rows:
        row["population"] = people.get(row["unit_code"])
    return window, rows


@router.get("/units", response_class=HTMLResponse)
def units_page(request: Request) -> HTMLResponse:
    context = page_context(request, "units")
    window, rows = units_table(request, context["freshness"].data_up_to)
    return render(
        request,
        "units.html",
        {**context, "rows": rows, "window": window, "window_label": period_label(window)},
    )


@router.get("/units/{code}", response_class=HTMLResponse)
def unit_page(request: Request, code: Annotated[str, Path(max_length=8)]) -> HTMLResponse:
    database, actor = database_of(request), actor_of(request)
    context = page_context(request, "units")
    profile = unit_profile(database, actor, code)
    window = default_period(context["freshness"].data_up_to)
    near = {n.code for n in profile.neighbours}
    neighbour_rows = [r for r in city_by_commune(database, actor, window)["rows"] if r["unit_code"] in near]
    view = commune_view(database, actor, code, window)
    targets = [tile(evaluation_document(e)) for e in commune_targets(database, actor, code)]
    return render(
        request,
        "unit.html",
        {
            **context,
            "profile": profile,
            "figures": view["figures"],
            "window": window,
            "window_label": period_label(window),
            "neighbour_rows": neighbour_rows,
            "targets": targets,
            "group_names": dict(group_choices(actor)),
            "chart": {"series": view["series"], "labels": chart_labels()},
        },
    )


# What a commune page computes, each kept until the next import (and filled after it: antt.web.warmup).


def city_by_commune(database: Database, actor: Actor, window: Period) -> dict[str, Any]:
    """The city's table by commune over ``window``: the same for every commune page (its neighbours)."""
    scope = (actor.units, privilege_key(actor), window, today_local(), current_language())
    return cached(
        database,
        ("unit-neighbours", *scope),
        lambda: result_document(compstat(database, actor, window, by=By.UNIT)),
    )


def commune_view(database: Database, actor: Actor, code: str, window: Period) -> dict[str, Any]:
    """The commune's figures by group over ``window`` and its twelve months."""
    scope = (actor.units, privilege_key(actor), window, today_local(), current_language())

    def compute() -> dict[str, Any]:
        figures = result_document(compstat(database, actor, window, unit_code=code, by=By.GROUP))
        year = custom(window.end - timedelta(days=364), window.end)
        trend = series(database, actor, year, unit_code=code, step=Step.MONTH)
        return {"figures": figures, "series": series_data(trend, series_figures(actor, trend))}

    return cached(database, ("unit-page", code, *scope), compute)


def commune_targets(database: Database, actor: Actor, code: str) -> list[Any]:
    """The evaluations of the commune's targets (projections: the costliest part of the page)."""
    return cached(
        database,
        ("targets", actor.units, privilege_key(actor), code, today_local(), targets_revision(database)),
        lambda: targets_status(database, actor, unit_code=code),
    )
