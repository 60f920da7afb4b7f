"""The aggregate queries behind CompStat: one grouped scan of ``incidents`` per period.

Counts are by the incident's unit in the reporting scheme (``report_unit_code``, carried forward through
the crosswalk at import), so a period that spans 1 July 2025 is compared in one set of units.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.orm import Session

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
    return [(occurred, cleared, int(n)) for occurred, cleared, n in session.execute(query).all()]
