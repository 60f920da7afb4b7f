"""The aggregate queries behind CompStat: one grouped scan of ``incidents`` per period — by unit and
group, by day (the time series) or by local weekday and hour (the week grid).

Counts are by the incident's unit in the reporting scheme (``report_unit_code``, carried forward through
the crosswalk at import), so a period that spans 1 July 2025 is compared in one set of units.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, time
from typing import Any

from sqlalchemy import Integer, Time, and_, case, extract, func, literal_column, select
from sqlalchemy.orm import Session

from antt.storage.exclusions import Exclusion, excluding
from antt.storage.tables import IncidentRow

GRAVE = ("very_serious", "especially_serious")


def measures_by_unit_and_group(
    session: Session,
    start: date,
    end: date,
    as_of: date,
    *,
    units: Collection[str] | None = None,
    groups: Collection[str] | None = None,
    exclude: Sequence[Exclusion] = (),
) -> dict[tuple[str, str], tuple[int, ...]]:
    """Measures per (reporting unit, reporting group) for incidents that occurred in [start, end]:
    (incidents, approximate, cleared, grave, grave cleared, suspects, organised-group cases) — the
    fields of :class:`antt.analytics.compstat.Measures`, in order.

    A case counts as cleared when its status is cleared and it was cleared on or before ``as_of``. A case
    is grave (very serious or especially serious) when its lightest possible severity is — i.e. its exact
    severity, or every clause of its article when the clause is unknown.
    """
    i = IncidentRow
    cleared = and_(i.status == "cleared", i.cleared_on <= as_of)
    grave = i.severity_min.in_(GRAVE)

    def flag(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            i.report_unit_code,
            i.reporting_group,
            func.count(),
            flag(i.report_approx.is_(True)),
            flag(cleared),
            flag(grave),
            flag(and_(grave, cleared)),
            func.coalesce(func.sum(func.coalesce(i.suspects, 0)), 0).cast(Integer),
            flag(i.organised_group.is_(True)),
        )
        .where(i.occurred_on >= start, i.occurred_on <= end)
        .group_by(i.report_unit_code, i.reporting_group)
    )
    if units is not None:
        query = query.where(i.report_unit_code.in_(list(units)))
    if groups is not None:
        query = query.where(i.reporting_group.in_(list(groups)))
    query = excluding(query, exclude)
    return {
        (unit, group): tuple(int(v or 0) for v in values)
        for unit, group, *values in session.execute(query).all()
    }


def daily_outcomes(
    session: Session,
    start: date,
    end: date,
    *,
    units: Collection[str] | None = None,
    groups: Collection[str] | None = None,
    grave_only: bool = False,
    exclude: Sequence[Exclusion] = (),
) -> list[tuple[date, date | None, int]]:
    """(occurred_on, cleared_on or None, incidents) for incidents that occurred in [start, end]: enough to
    count, for any cut-off, how many occurred and how many were cleared by then."""
    i = IncidentRow
    cleared_on = case((i.status == "cleared", i.cleared_on), else_=None)
    query = (
        select(i.occurred_on, cleared_on, func.count())
        .where(i.occurred_on >= start, i.occurred_on <= end)
        .group_by(i.occurred_on, cleared_on)
    )
    if units is not None:
        query = query.where(i.report_unit_code.in_(list(units)))
    if groups is not None:
        query = query.where(i.reporting_group.in_(list(groups)))
    if grave_only:
        query = query.where(i.severity_min.in_(GRAVE))
    query = excluding(query, exclude)
    return [(occurred, cleared, int(n)) for occurred, cleared, n in session.execute(query).all()]


def counts_by_day(
    session: Session,
    start: date,
    end: date,
    *,
    units: Collection[str] | None = None,
    groups: Collection[str] | None = None,
    exclude: Sequence[Exclusion] = (),
) -> dict[date, int]:
    """Incidents per local day (``occurred_on``) in [start, end]; days without incidents are absent."""
    i = IncidentRow
    query = (
        select(i.occurred_on, func.count())
        .where(i.occurred_on >= start, i.occurred_on <= end)
        .group_by(i.occurred_on)
    )
    query = excluding(_filtered(query, units, groups), exclude)
    return {day: int(n) for day, n in session.execute(query).all()}


def located_cells(
    session: Session,
    start: date,
    end: date,
    *,
    per_degree: int,
    units: Collection[str] | None = None,
    groups: Collection[str] | None = None,
    exclude: Sequence[Exclusion] = (),
) -> list[tuple[float, float, int]]:
    """The located incidents of [start, end] (local days) gathered on a grid of ``1 / per_degree`` degrees:
    per occupied cell, the mean latitude and longitude of its incidents and their number. One grouped scan;
    the grid step is inlined so that the grouped expressions are the selected ones (PostgreSQL insists)."""
    i = IncidentRow
    step: Any = literal_column(str(int(per_degree)))
    row, column = func.round(i.lat * step), func.round(i.lon * step)
    query = (
        select(func.avg(i.lat), func.avg(i.lon), func.count())
        .where(
            i.occurred_on >= start,
            i.occurred_on <= end,
            i.lat.is_not(None),
            i.lon.is_not(None),
        )
        .group_by(row, column)
    )
    query = excluding(_filtered(query, units, groups), exclude)
    return [(float(lat), float(lon), int(n)) for lat, lon, n in session.execute(query).all()]


OFFSET_HOURS = 7  # Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving


def counts_by_weekday_hour(
    session: Session,
    start: date,
    end: date,
    *,
    units: Collection[str] | None = None,
    groups: Collection[str] | None = None,
    exclude: Sequence[Exclusion] = (),
) -> dict[tuple[int, int], tuple[int, int]]:
    """Per (local weekday, Monday = 0; local hour 0–23): (incidents, of which at exactly 00:00:00 local),
    for incidents that occurred in [start, end] (local days, as everywhere in CompStat).

    ``occurred_at`` is naive UTC; the local moment is it plus seven hours, computed in SQL (SQLite:
    ``strftime`` with a ``'+7 hours'`` modifier; PostgreSQL: ``+ interval '7 hours'``), so one grouped
    scan returns at most 168 rows whatever the number of incidents. The constants are inlined so that
    the grouped expressions are the selected ones, character for character (PostgreSQL insists).
    """
    i = IncidentRow
    weekday, hour, midnight, monday = _local_parts(session.get_bind().dialect.name, i.occurred_at)
    query = (
        select(weekday, hour, func.count(), func.sum(case((midnight, 1), else_=0)))
        .where(i.occurred_on >= start, i.occurred_on <= end)
        .group_by(weekday, hour)
    )
    query = excluding(_filtered(query, units, groups), exclude)
    return {
        ((int(d) - monday) % 7, int(h)): (int(n), int(m or 0)) for d, h, n, m in session.execute(query).all()
    }


def _local_parts(dialect: str, moment: Any) -> tuple[Any, Any, Any, int]:
    """SQL for the local weekday, the local hour and "exactly local midnight" of ``moment``, and the
    number the weekday expression gives Monday."""
    if dialect == "sqlite":

        def local(fmt: str) -> Any:
            return func.strftime(
                literal_column(f"'{fmt}'"), moment, literal_column(f"'+{OFFSET_HOURS} hours'")
            )

        # %w: 0 = Sunday … 6 = Saturday
        return local("%w").cast(Integer), local("%H").cast(Integer), local("%H:%M:%S") == "00:00:00", 1
    if dialect == "postgresql":
        shifted = moment + literal_column(f"interval '{OFFSET_HOURS} hours'")
        # isodow: 1 = Monday … 7 = Sunday
        weekday = extract("isodow", shifted).cast(Integer)
        return weekday, extract("hour", shifted).cast(Integer), shifted.cast(Time) == time(0, 0), 1
    raise NotImplementedError(f"local weekday and hour are not written for the {dialect} dialect")


def _filtered(query: Any, units: Collection[str] | None, groups: Collection[str] | None) -> Any:
    i = IncidentRow
    if units is not None:
        query = query.where(i.report_unit_code.in_(list(units)))
    if groups is not None:
        query = query.where(i.reporting_group.in_(list(groups)))
    return query
