"""Reading incidents one page at a time, newest first (the list behind every count on screen)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from antt.storage.exclusions import Exclusion, excluding
from antt.storage.tables import IncidentRow

_Query = TypeVar("_Query", bound=Select)  # type: ignore[type-arg]


def _filtered(
    query: _Query,
    start: date,
    end: date,
    units: Collection[str] | None,
    groups: Collection[str] | None,
    exclude: Sequence[Exclusion] = (),
) -> _Query:
    i = IncidentRow
    query = query.where(i.occurred_on >= start, i.occurred_on <= end)
    if units is not None:
        query = query.where(i.report_unit_code.in_(list(units)))
    if groups is not None:
        query = query.where(i.reporting_group.in_(list(groups)))
    return excluding(query, exclude)


def count_incidents(
    session: Session,
    start: date,
    end: date,
    *,
    units: Collection[str] | None,
    groups: Collection[str] | None,
    exclude: Sequence[Exclusion] = (),
) -> int:
    query = _filtered(select(func.count()).select_from(IncidentRow), start, end, units, groups, exclude)
    return int(session.scalar(query) or 0)


def incident_page(
    session: Session,
    start: date,
    end: date,
    *,
    units: Collection[str] | None,
    groups: Collection[str] | None,
    offset: int,
    limit: int,
    exclude: Sequence[Exclusion] = (),
) -> list[IncidentRow]:
    i = IncidentRow
    query = _filtered(select(i), start, end, units, groups, exclude).order_by(
        i.occurred_at.desc(), i.id.desc()
    )
    return list(session.scalars(query.offset(offset).limit(limit)))
