"""Reading incidents one page at a time, newest first (the list behind every count on screen)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, not_, select
from sqlalchemy.orm import Session

from antt.storage.tables import IncidentRow

_Query = TypeVar("_Query", bound=Select)  # type: ignore[type-arg]

Match = tuple[Collection[str] | None, Collection[str] | None]
"""Incidents of some reporting groups and/or some articles (``None``: any)."""
Exclusion = tuple[str, Match]
"""The incidents of one commune (current scheme) that a :data:`Match` selects."""


def _matching(match: Match) -> list[ColumnElement[bool]]:
    groups, articles = match
    i = IncidentRow
    found: list[ColumnElement[bool]] = []
    if groups is not None:
        found.append(i.reporting_group.in_(list(groups)))
    if articles is not None:
        found.append(i.article.in_(list(articles)))
    return found


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
    for unit, match in exclude:
        query = query.where(not_(and_(i.report_unit_code == unit, *_matching(match))))
    return query


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


def counts_by_unit_matching(
    session: Session,
    start: date,
    end: date,
    *,
    units: Collection[str] | None,
    groups: Collection[str] | None,
    categories: Mapping[str, Match],
) -> dict[tuple[str, str], int]:
    """Incidents of the filter per (commune, category), for each category's :data:`Match`."""
    i = IncidentRow
    counts: dict[tuple[str, str], int] = {}
    for name, match in categories.items():
        query = _filtered(select(i.report_unit_code, func.count()), start, end, units, groups)
        query = query.where(*_matching(match)).group_by(i.report_unit_code)
        for unit, n in session.execute(query):
            counts[(unit, name)] = int(n)
    return counts


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
