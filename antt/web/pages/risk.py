"""``/risk`` — Nguy cơ: the cells where crime is most likely in the next period, on a map drawn from our
own boundaries, with the backtest evidence in plain words; ``/risk/patrol/{code}`` — the printable
patrol sheet of one commune (its cells with their centres, and the busiest times from the weekday × hour
pattern of the last year).

Every figure comes from :func:`antt.services.risk_map.risk_map` (the same as ``antt forecast map``):
scoped to the actor's communes, sensitive groups as :mod:`antt.services.disclosure` decides. CompStat's
risk layer (``/api/risk/cells``, :mod:`antt.web.api.risk`) asks for it through :func:`forecast_of` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.periods import custom, today_local
from antt.domain.units import Level, Unit
from antt.errors import NotFound
from antt.services.compstat import scope_of
from antt.services.disclosure import grid_figures
from antt.services.risk_map import RiskMap, risk_map
from antt.services.status import Freshness
from antt.services.trends import weekday_hour
from antt.web.access import requires
from antt.web.i18n import current_language
from antt.web.pages.charts import weekday_names
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import group_choices
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])

HORIZONS = {"1d": 1, "7d": 7, "28d": 28}
BLOCK_HOURS = 3  # times of day on the patrol sheet: three-hour blocks
PATTERN_DAYS = 365  # the weekday × hour pattern of the last year


def forecast_start(freshness: Freshness | None) -> date:
    """The first day of the forecast: the day after the newest incident (today's if there is none)."""
    up_to = freshness.data_up_to if freshness is not None and freshness.data_up_to else today_local()
    return up_to + timedelta(days=1)


def _start(context: dict[str, Any]) -> date:
    return forecast_start(context.get("freshness"))


def _choices(actor: Any, group: str | None) -> tuple[list[tuple[str, str]], str]:
    """The groups the actor may choose, and the chosen one; a group they may not see (or that does not
    exist) is not found, as on CompStat (docs/disclosure.md), never quietly "all"."""
    choices = group_choices(actor)
    keys = {k for k, _ in choices}
    if group in (None, "", "all") or group in keys:
        return choices, group or "all"
    raise NotFound(f"Không có nhóm tội phạm {group!r}.", f"No offence group {group!r}.")


def cell_rows(result: RiskMap) -> list[list[Any]]:
    """The listed cells as the maps draw them: ``[polygon, rank, tier, score, commune, lon, lat]`` (the
    risk page's map, and the first five of each on CompStat's risk layer, ``/api/risk/cells``)."""
    return [
        [list(c.polygon), c.rank, c.tier, round(c.score, 4), c.commune, c.lon, c.lat] for c in result.cells
    ]


def _view(result: RiskMap) -> dict[str, Any]:
    english = current_language() == "en"
    reason_vi, reason_en = result.reason()
    evidence = result.evidence
    return {
        "result": result,
        "reason": reason_en if english else reason_vi,
        "evidence": evidence,
        "map_data": {
            "cells": cell_rows(result),
            "hot": [[list(c.polygon), c.gi_class] for c in result.hot_cells],
        },
    }


@dataclass(frozen=True)
class Forecast:
    """The risk map asked for by a page or the API, with what the filter bar needs."""

    result: RiskMap
    scope: Unit
    communes: list[Unit]
    group_choices: list[tuple[str, str]]
    group: str
    horizon: str  # a key of HORIZONS


def forecast_of(
    request: Request, start: date, group: str | None, unit: str | None, horizon: str | None
) -> Forecast:
    """The risk map of ``horizon`` (default 7 days) from ``start`` for the signed-in actor: ``unit`` must be
    in their scope (NotFound otherwise, like a code that does not exist), ``group`` one they may see."""
    actor, database = actor_of(request), database_of(request)
    scope, communes = scope_of(actor, unit or None)  # NotFound outside the actor's communes
    choices, chosen = _choices(actor, group)
    days = HORIZONS.get(horizon or "7d", 7)
    result = risk_map(
        database,
        actor,
        start=start,
        horizon_days=days,
        group=chosen,
        unit_code=scope.code if scope.level is Level.COMMUNE else None,
    )
    key = next(k for k, v in HORIZONS.items() if v == days)
    return Forecast(result, scope, communes, choices, chosen, key)


@router.get("/risk", response_class=HTMLResponse)
def risk_page(
    request: Request,
    group: Annotated[str | None, Query(max_length=24)] = None,
    unit: Annotated[str | None, Query(max_length=8)] = None,
    horizon: Annotated[str | None, Query(max_length=4)] = None,
) -> HTMLResponse:
    context = page_context(request, "risk")
    forecast = forecast_of(request, _start(context), group, unit, horizon)
    result, scope = forecast.result, forecast.scope
    return render(
        request,
        "risk.html",
        {
            **context,
            **_view(result),
            "group_choices": forecast.group_choices,
            "communes": forecast.communes,
            "filters": {
                "group": forecast.group,
                "unit": scope.code if scope.level is Level.COMMUNE else "",
                "horizon": forecast.horizon,
            },
            "horizons": list(HORIZONS),
            "sheet_communes": sorted({c.commune for c in result.cells}),
        },
    )


def busiest_times(counts: list[list[int | None]], top: int = 5) -> list[tuple[int, int, int]]:
    """The ``top`` (weekday, first hour, incidents) of three-hour blocks with the most incidents
    (suppressed cells count as 0)."""
    blocks = []
    for d, row in enumerate(counts):
        for h in range(0, 24, BLOCK_HOURS):
            n = sum(v or 0 for v in row[h : h + BLOCK_HOURS])
            if n > 0:
                blocks.append((d, h, n))
    blocks.sort(key=lambda b: (-b[2], b[0], b[1]))
    return blocks[:top]


@router.get("/risk/patrol/{code}", response_class=HTMLResponse)
def patrol_sheet(
    request: Request,
    code: str,
    group: Annotated[str | None, Query(max_length=24)] = None,
    horizon: Annotated[str | None, Query(max_length=4)] = None,
) -> HTMLResponse:
    context = page_context(request, "risk")
    actor, database = actor_of(request), database_of(request)
    scope, _ = scope_of(actor, code)
    if scope.level is not Level.COMMUNE:
        raise NotFound(f"Không có xã/phường mã {code}.", f"No commune with code {code}.")
    _, chosen = _choices(actor, group)
    days = HORIZONS.get(horizon or "7d", 7)
    start = _start(context)
    result = risk_map(database, actor, start=start, horizon_days=days, group=chosen, unit_code=scope.code)
    pattern_period = custom(start - timedelta(days=PATTERN_DAYS), start - timedelta(days=1))
    grid = grid_figures(
        actor, weekday_hour(database, actor, pattern_period, unit_code=scope.code, group=chosen)
    )
    names = weekday_names()
    times = [
        {"weekday": names[d], "from": f"{h:02d}:00", "to": f"{h + BLOCK_HOURS:02d}:00", "count": n}
        for d, h, n in busiest_times(grid.counts)
    ]
    return render(
        request,
        "risk_patrol.html",
        {
            **context,
            **_view(result),
            "scope": scope,
            "group": chosen,
            "group_name": dict(group_choices(actor)).get(chosen, chosen),
            "times": times,
            "pattern_period": pattern_period,
            "at_midnight": grid.at_midnight,
        },
    )
