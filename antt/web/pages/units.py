"""``/units`` and ``/units/{code}`` — the communes, and one commune's page: figures, targets, trend,
neighbours and the old units it was formed from."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.periods import custom, today_local
from antt.domain.text import sort_key
from antt.services.compstat import By, compstat, result_document
from antt.services.data_cache import cached
from antt.services.disclosure import privilege_key, series_figures
from antt.services.targets import evaluation_document, targets_revision, targets_status
from antt.services.trends import Step, series
from antt.services.units import populations, unit_profile
from antt.web.access import requires
from antt.web.pages.charts import chart_labels, series_data
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import default_period, group_choices, period_label
from antt.web.pages.overview import tile
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])


@router.get("/units", response_class=HTMLResponse)
def units_page(request: Request) -> HTMLResponse:
    database, actor = database_of(request), actor_of(request)
    context = page_context(request, "units")
    window = default_period(context["freshness"].data_up_to)
    result = result_document(compstat(database, actor, window, by=By.UNIT))
    people = populations(database, actor, window.end)
    rows = sorted(result["rows"], key=lambda r: (sort_key(r["unit_name"]), r["unit_code"]))
    for row in rows:
        row["population"] = people.get(row["unit_code"])
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
    figures = result_document(compstat(database, actor, window, unit_code=code, by=By.GROUP))
    neighbours = result_document(compstat(database, actor, window, by=By.UNIT))
    near = {n.code for n in profile.neighbours}
    neighbour_rows = [r for r in neighbours["rows"] if r["unit_code"] in near]
    year_end = window.end
    year = custom(year_end - timedelta(days=364), year_end)
    trend = series(database, actor, year, unit_code=code, step=Step.MONTH)
    evaluations = cached(
        database,
        ("targets", actor.units, privilege_key(actor), code, today_local(), targets_revision(database)),
        lambda: targets_status(database, actor, unit_code=code),
    )
    targets = [tile(evaluation_document(e)) for e in evaluations]
    return render(
        request,
        "unit.html",
        {
            **context,
            "profile": profile,
            "figures": figures,
            "window": window,
            "window_label": period_label(window),
            "neighbour_rows": neighbour_rows,
            "targets": targets,
            "group_names": dict(group_choices(actor)),
            "chart": {"series": series_data(trend, series_figures(actor, trend)), "labels": chart_labels()},
        },
    )
