"""``GET /api/compstat/series`` and ``GET /api/compstat/weekday-hour`` — the CompStat time series (with
the same period last year) and the day-of-week × hour grid, for the same filters as ``/api/compstat``.

For a user without the privilege of seeing small sensitive counts on a commune of the scope
(:mod:`antt.services.disclosure`, docs/disclosure.md), the drug group's series and grid are withheld whole
(``null``, ``withheld: true``: their bins are never reporting periods), and every other series and grid
leaves that commune's drug and sexual-offence incidents out."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from antt.domain.access import Action, Actor
from antt.domain.periods import Period, period_from
from antt.domain.units import Unit
from antt.services.disclosure import GridFigures, SeriesFigures, grid_figures, series_figures
from antt.services.trends import Series, WeekdayHour, parse_step, series, weekday_hour
from antt.web.access import requires

router = APIRouter(prefix="/api/compstat", tags=["compstat"], dependencies=[requires(Action.VIEW_DASHBOARD)])

PeriodQuery = Annotated[
    str | None, Query(max_length=64, description="e.g. report-month:2026-04, quarter:2026-Q2, ytd:today")
]
FromQuery = Annotated[date | None, Query(alias="from")]
UnitQuery = Annotated[str | None, Query(max_length=8, description="commune code; the whole city by default")]
GroupQuery = Annotated[str, Query(max_length=24, description="reporting group code, or all")]


class PeriodOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key: str
    from_: date = Field(alias="from")
    to: date
    label_vi: str


class ScopeOut(BaseModel):
    code: str
    name: str


class BinOut(BaseModel):
    label: str = Field(description="ISO date of the bin's first day")
    start: date
    end: date
    current: int | None = Field(description='null when suppressed (a small count, shown as "<5")')
    last_year: int | None
    last_year_start: date | None = Field(description="None when the bin has no counterpart (29 February)")
    last_year_end: date | None
    suppressed: bool


class SeriesOut(BaseModel):
    period: PeriodOut
    compare: PeriodOut
    unit: ScopeOut
    groups: list[str]
    step: str = Field(description="day, week (ISO, Monday first) or month")
    bins: list[BinOut]
    total: int | None
    last_year_total: int | None
    suppressed: bool = Field(description="some count is hidden from you (drug group)")
    withheld: bool = Field(description="every count is hidden from you (the drug group of your commune)")


class WeekdayHourOut(BaseModel):
    period: PeriodOut
    unit: ScopeOut
    groups: list[str]
    counts: list[list[int | None]] = Field(
        description="7 rows (Monday first) of 24 hours, Asia/Ho_Chi_Minh local time; null when suppressed"
    )
    at_midnight: int | None = Field(
        description="incidents at exactly 00:00 local time (in hour 0), including those recorded without a time"
    )
    total: int | None
    suppressed: bool = Field(description="some count is hidden from you (drug group)")
    withheld: bool = Field(description="every count is hidden from you (the drug group of your commune)")


def period_out(period: Period) -> PeriodOut:
    return PeriodOut.model_validate(
        {"key": period.key, "from": period.start, "to": period.end, "label_vi": period.label_vi()}
    )


def scope_out(unit: Unit) -> ScopeOut:
    return ScopeOut(code=unit.code, name=unit.name)


def series_out(result: Series, shown: SeriesFigures) -> SeriesOut:
    return SeriesOut(
        period=period_out(result.period),
        compare=period_out(result.compare),
        unit=scope_out(result.scope),
        groups=result.groups,
        step=result.step.value,
        bins=[
            BinOut(
                label=b.label,
                start=b.start,
                end=b.end,
                current=shown.current[i],
                last_year=shown.last_year[i],
                last_year_start=b.last_year_start,
                last_year_end=b.last_year_end,
                suppressed=shown.bin_suppressed(i),
            )
            for i, b in enumerate(result.bins)
        ],
        total=shown.total,
        last_year_total=shown.last_year_total,
        suppressed=shown.suppressed,
        withheld=shown.withheld,
    )


def weekday_hour_out(result: WeekdayHour, shown: GridFigures) -> WeekdayHourOut:
    return WeekdayHourOut(
        period=period_out(result.period),
        unit=scope_out(result.scope),
        groups=result.groups,
        counts=shown.counts,
        at_midnight=shown.at_midnight,
        total=shown.total,
        suppressed=shown.suppressed,
        withheld=shown.withheld,
    )


@router.get(
    "/series",
    response_model=SeriesOut,
    summary="Incidents per day, week or month, beside the same period last year",
)
def get_series(
    request: Request,
    period: PeriodQuery = None,
    from_: FromQuery = None,
    to: date | None = None,
    unit: UnitQuery = None,
    group: GroupQuery = "all",
    step: Annotated[
        str | None,
        Query(max_length=16, description="day, week, month or auto (≤ 31 days: day; ≤ 26 weeks: week)"),
    ] = None,
) -> SeriesOut:
    actor: Actor = request.state.actor
    result = series(
        request.app.state.database,
        actor,
        period_from(period, from_, to),
        unit_code=unit,
        group=group,
        step=parse_step(step),
    )
    return series_out(result, series_figures(actor, result))


@router.get(
    "/weekday-hour",
    response_model=WeekdayHourOut,
    summary="Incidents by day of the week and hour of the day (local time)",
)
def get_weekday_hour(
    request: Request,
    period: PeriodQuery = None,
    from_: FromQuery = None,
    to: date | None = None,
    unit: UnitQuery = None,
    group: GroupQuery = "all",
) -> WeekdayHourOut:
    actor: Actor = request.state.actor
    result = weekday_hour(
        request.app.state.database, actor, period_from(period, from_, to), unit_code=unit, group=group
    )
    return weekday_hour_out(result, grid_figures(actor, result))
