"""``GET /api/compstat`` — the CompStat table as JSON (the same document as ``antt compstat --format json``).

Small counts of sensitive categories are ``null`` with ``suppressed: true`` for a user without the
privilege of seeing them (:mod:`antt.services.disclosure`); ``suppressed_fields`` names what is hidden."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from antt.domain.access import Action, Actor
from antt.domain.periods import Comparison, period_from
from antt.services.compstat import compstat, parse_by, result_document
from antt.services.disclosure import compstat_document
from antt.web.access import requires

router = APIRouter(prefix="/api", tags=["compstat"], dependencies=[requires(Action.VIEW_DASHBOARD)])


class Window(BaseModel):
    key: str
    from_: date
    to: date

    model_config = {"populate_by_name": True}


class Figures(BaseModel):
    current: int | None = Field(description="null when suppressed (a small count of a sensitive category)")
    previous: int | None
    change: int | None
    pct_change: float | None
    small_base: bool
    z: float | None
    signal: str | None
    approximate: bool
    approximate_share: float | None
    clearance_rate: float | None
    previous_clearance_rate: float | None
    grave: int | None
    grave_clearance_rate: float | None
    suspects: int | None
    organised_group: int | None
    suppressed: bool = Field(description='a figure is hidden from you: shown as "<5"')
    suppressed_fields: list[str] = Field(description="the fields hidden (null) for that reason")


class RowOut(Figures):
    unit_code: str
    unit_name: str
    group: str


class Contributor(BaseModel):
    unit_code: str
    unit_name: str
    change: int | None
    share: float | None
    suppressed: bool


class CompstatOut(BaseModel):
    period: dict[str, str]
    compare: dict[str, str]
    as_of: date
    unit: dict[str, str]
    groups: list[str]
    by: str
    rows: list[RowOut]
    totals: Figures
    contributors: list[Contributor]


@router.get(
    "/compstat", response_model=CompstatOut, summary="CompStat: a period against its comparison period"
)
def get_compstat(
    request: Request,
    period: Annotated[
        str | None, Query(description="e.g. report-month:2026-04, quarter:2026-Q2, ytd:today")
    ] = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
    compare: Comparison = Comparison.SAME_PERIOD_LAST_YEAR,
    unit: Annotated[
        str | None, Query(max_length=8, description="commune code; the whole city by default")
    ] = None,
    group: Annotated[str, Query(max_length=24)] = "all",
    by: Annotated[str, Query(max_length=12)] = "unit",
    as_of: date | None = None,
) -> dict[str, object]:
    window = period_from(period, from_, to)
    actor: Actor = request.state.actor
    result = compstat(
        request.app.state.database,
        actor,
        window,
        comparison=compare,
        unit_code=unit,
        group=group,
        by=parse_by(by),
        as_of=as_of,
    )
    return compstat_document(actor, result_document(result))
