"""``GET /api/indicators/{indicator}`` — the imported values of one indicator, by unit and period.

A small value of a sensitive indicator (drug users under management, drug offenders arrested, drug-use
places) is ``null`` with ``suppressed: true`` for a user without the privilege of seeing it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from antt.domain.access import Action
from antt.services.disclosure import indicator_points
from antt.services.indicators import indicator_values
from antt.web.access import requires

router = APIRouter(prefix="/api", tags=["indicators"], dependencies=[requires(Action.VIEW_DASHBOARD)])


class Value(BaseModel):
    unit_code: str
    period: str
    period_start: date
    period_end: date
    value: float | None = Field(description='null when suppressed (shown as "<5")')
    suppressed: bool


class Series(BaseModel):
    indicator: str
    values: list[Value]


@router.get("/indicators/{indicator}", response_model=Series, summary="Values of one indicator")
def get_indicator(
    request: Request,
    indicator: Annotated[str, Path(max_length=64)],
    unit: Annotated[str | None, Query(max_length=8)] = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> dict[str, object]:
    points = indicator_values(request.app.state.database, request.state.actor, indicator, unit, start, end)
    actor = request.state.actor
    return {"indicator": indicator, "values": indicator_points(actor, indicator, points)}
