"""``GET /api/risk/cells`` — the forecast risk cells for CompStat's "Risk (forecast)" map layer (issue 12/18).

The same risk map as the ``/risk`` page for the same offence group, commune and horizon, from the same
first day (the day after the newest incident): computed once by
:func:`antt.services.risk_map.risk_map` (cached, scoped to the actor's communes, sensitive groups as
:mod:`antt.services.disclosure` decides) and asked for here through the page's own
:func:`antt.web.pages.risk.forecast_of`. A commune outside the actor's scope is not found, like a code
that does not exist. Each cell is a 150 m square with its rank, tier and score: no incident, no person.
The evidence behind the map (the backtest) is on the ``/risk`` page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from antt.domain.access import Action
from antt.services.status import data_freshness
from antt.web.access import requires
from antt.web.pages.common import database_of
from antt.web.pages.risk import cell_rows, forecast_of, forecast_start

router = APIRouter(prefix="/api/risk", tags=["risk"], dependencies=[requires(Action.VIEW_DASHBOARD)])

Corner = tuple[float, float]
Cell = tuple[list[Corner], int, float, float, str]


class RiskCellsOut(BaseModel):
    cells: list[Cell] = Field(
        description="[polygon (the square's corners as [lon, lat]), rank (1: most likely), tier (the "
        "smallest listed share of the area the cell is in: 0.01, 0.02 or 0.05), score, commune code]"
    )
    horizon_days: int
    start: date = Field(description="first day of the forecast window (the day after the newest incident)")
    method: str = Field(description="the method the backtest chose (the evidence is on the /risk page)")
    withheld: list[str] = Field(
        description="communes whose cells are withheld (the drug group where small counts are hidden from you)"
    )


@router.get("/cells", response_model=RiskCellsOut, summary="Forecast risk cells for the map's risk layer")
def risk_cells(
    request: Request,
    unit: Annotated[
        str | None, Query(max_length=8, description="commune code; the actor's whole scope by default")
    ] = None,
    group: Annotated[str | None, Query(max_length=24, description="reporting group code, or all")] = None,
    horizon: Annotated[Literal["1d", "7d", "28d"], Query(description="the forecast window")] = "7d",
) -> RiskCellsOut:
    start = forecast_start(data_freshness(database_of(request)))
    result = forecast_of(request, start, group, unit, horizon).result
    return RiskCellsOut(
        cells=[(row[0], row[1], row[2], row[3], row[4]) for row in cell_rows(result)],
        horizon_days=result.horizon_days,
        start=result.start,
        method=result.method,
        withheld=list(result.withheld),
    )
