"""``GET /api/compstat`` — the CompStat table as JSON (the same document as ``antt compstat --format json``).

For a user without the privilege of seeing small counts of sensitive categories on a commune
(:mod:`antt.services.disclosure`, docs/disclosure.md): its drug and sexual-offence incidents are left out
of every figure but the drug group's own (``excluded_units``); a small drug count is ``null`` with
``suppressed: true``, and a drug figure of a window that is not an ended reporting period (or with a small
month inside) is ``null`` whatever its value (``withheld_fields``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from antt.domain.access import Action, Actor
from antt.domain.periods import Comparison, period_from
from antt.services.compstat import compstat, parse_by, result_document
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
    suppressed: bool = Field(description='a figure is hidden from you: shown as "<5" or "x"')
    suppressed_fields: list[str] = Field(description="the fields hidden (null) for that reason")
    withheld_fields: list[str] = Field(
        description='the counts hidden whatever their value ("x"): the drug group of a commune is given '
        "only for ended reporting periods (report-month, -quarter, -half, -year) none of whose months "
        "has 1 to 4"
    )


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


class ClearanceOut(BaseModel):
    """The headline clearance: social-order crime only (Resolution 96/2019/QH14)."""

    group: str
    occurred: int
    cleared: int
    rate: float | None
    previous_occurred: int
    previous_cleared: int
    previous_rate: float | None
    grave: int
    grave_cleared: int
    grave_rate: float | None
    definition_vi: str
    definition_en: str


class CompstatOut(BaseModel):
    period: dict[str, str]
    compare: dict[str, str]
    as_of: date
    unit: dict[str, str]
    groups: list[str]
    by: str
    rows: list[RowOut]
    totals: Figures
    clearance: ClearanceOut | None = Field(
        None,
        description="the clearance rate of social-order crime (Resolution 96/2019/QH14), when the result "
        "counts that group by group (by=group or by=unit,group, or group=social_order)",
    )
    contributors: list[Contributor]
    excluded_units: list[str] = Field(
        description="communes whose drug and sexual-offence incidents are left out of every figure but "
        "the drug group's own (you may not see their small counts)"
    )


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
    return result_document(result)
