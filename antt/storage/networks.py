"""The person–incident links the co-offending analysis needs: pseudonyms only, never a clear id.

Only incidents naming at least two persons can tie anyone or be a group's incident (a group's incident
names two of its members), so only they are read: on a city's history that is a small share of the
incidents. Incidents are located in the current scheme (``report_unit_code``), like every figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from antt.storage.tables import IncidentPerson, IncidentRow, Person


@dataclass(frozen=True)
class LinkedIncident:
    source_id: str
    occurred_on: date
    commune: str
    article: str
    severity: str | None
    drug_related: bool
    organised_group: bool


def co_offending(
    session: Session, start: date | None, end: date | None
) -> tuple[list[LinkedIncident], list[tuple[str, str]]]:
    """Incidents with ≥ 2 linked persons occurring in ``[start, end]`` (open ends when ``None``), and
    their ``(source_id, pseudonym)`` links. Source ids are unique per source; a source id shared by two
    sources is told apart as ``source:source_id``."""
    conditions = []
    if start is not None:
        conditions.append(IncidentRow.occurred_on >= start)
    if end is not None:
        conditions.append(IncidentRow.occurred_on <= end)
    crowded = (
        select(IncidentPerson.incident_id)
        .group_by(IncidentPerson.incident_id)
        .having(func.count() >= 2)
        .subquery()
    )
    rows = session.execute(
        select(
            IncidentRow.id,
            IncidentRow.source,
            IncidentRow.source_id,
            IncidentRow.occurred_on,
            IncidentRow.report_unit_code,
            IncidentRow.article,
            func.coalesce(IncidentRow.severity, IncidentRow.severity_min),
            IncidentRow.drug_related,
            IncidentRow.organised_group,
        )
        .join(crowded, crowded.c.incident_id == IncidentRow.id)
        .where(*conditions)
        .order_by(IncidentRow.occurred_on, IncidentRow.id)
    ).all()
    shared = {sid for sid, n in Counter(r.source_id for r in rows).items() if n > 1}
    names: dict[int, str] = {}
    incidents = []
    for r in rows:
        name = f"{r.source}:{r.source_id}" if r.source_id in shared else r.source_id
        names[r.id] = name
        incidents.append(LinkedIncident(name, r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8])))
    links: list[tuple[str, str]] = []
    if names:
        found = session.execute(
            select(IncidentPerson.incident_id, Person.pseudonym)
            .join(Person, Person.id == IncidentPerson.person_id)
            .join(crowded, crowded.c.incident_id == IncidentPerson.incident_id)
            .join(IncidentRow, IncidentRow.id == IncidentPerson.incident_id)
            .where(*conditions)
        )
        links = [(names[i], p) for i, p in found if i in names]
    return incidents, links
