"""Reading incidents one page at a time, newest first (the list behind every count on screen)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from antt.storage.exclusions import Exclusion, excluding
from antt.storage.tables import IncidentPerson, IncidentRow, Person

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


def incident_by_id(
    session: Session,
    incident_id: int,
    *,
    units: Collection[str] | None,
    exclude: Sequence[Exclusion] = (),
) -> IncidentRow | None:
    """The incident ``incident_id`` when it is of ``units`` (``None``: any) and not ``exclude``-d, else
    ``None`` — out of scope and absent alike."""
    i = IncidentRow
    query = select(i).where(i.id == incident_id)
    if units is not None:
        query = query.where(i.report_unit_code.in_(list(units)))
    return session.scalars(excluding(query, exclude)).first()


def incident_persons(session: Session, incident_id: int) -> list[tuple[str, str]]:
    """The ``(pseudonym, role)`` of the persons named in an incident, by pseudonym: never a clear id
    (none is stored)."""
    rows = session.execute(
        select(Person.pseudonym, IncidentPerson.role)
        .join(IncidentPerson, IncidentPerson.person_id == Person.id)
        .where(IncidentPerson.incident_id == incident_id)
        .order_by(Person.pseudonym)
    )
    return [(str(p), str(r)) for p, r in rows]
