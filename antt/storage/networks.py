"""The person–incident links the co-offending analysis needs: pseudonyms only, never a clear id.

Only incidents naming at least two persons can tie anyone or be a group's incident (a group's incident
names two of its members), so only they are read: on a city's history that is a small share of the
incidents. Incidents are located in the current scheme (``report_unit_code``), like every figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from antt.storage.tables import GroupSnapshotRow, ImportBatch, IncidentPerson, IncidentRow, Person


@dataclass(frozen=True)
class LinkedIncident:
    source_id: str
    occurred_on: date
    commune: str
    article: str
    severity: str | None
    drug_related: bool
    organised_group: bool
    lat: float | None = None
    lon: float | None = None


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
            IncidentRow.lat,
            IncidentRow.lon,
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
        incidents.append(LinkedIncident(name, r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8]), r[9], r[10]))
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


# ------------------------------------------------------------------------------- stored tracking history

STEP_MARK = ""  # the group id of the row that marks a step as tracked


@dataclass(frozen=True)
class Snapshot:
    """One stored step's group: ``group_id`` (``STEP_MARK`` for the step's marker) and its pseudonyms."""

    step_end: date
    group_id: str
    members: tuple[str, ...]


def latest_batch(session: Session) -> int:
    """The newest import batch id (0 before any import)."""
    return int(session.scalar(select(func.max(ImportBatch.id))) or 0)


def changes_since(session: Session, batch: int) -> tuple[date | None, bool]:
    """Since import ``batch``: the earliest day of an incident that was added, and whether any incident
    was changed (its day or persons may have moved: a stored history is then no longer trusted)."""
    first = session.scalar(
        select(func.min(IncidentRow.occurred_on)).where(IncidentRow.created_batch_id > batch)
    )
    changed = session.scalar(
        select(func.count())
        .select_from(IncidentRow)
        .where(IncidentRow.updated_batch_id > batch, IncidentRow.created_batch_id <= batch)
    )
    return first, bool(changed)


def stored_batch(session: Session, rules_key: str) -> int | None:
    """The import batch the stored history of ``rules_key`` is valid for (``None``: nothing stored)."""
    value = session.scalar(
        select(func.max(GroupSnapshotRow.batch_id)).where(GroupSnapshotRow.rules_key == rules_key)
    )
    return None if value is None else int(value)


def stored_through(session: Session, rules_key: str) -> date | None:
    """The last stored step of ``rules_key``."""
    value: date | None = session.scalar(
        select(func.max(GroupSnapshotRow.step_end)).where(GroupSnapshotRow.rules_key == rules_key)
    )
    return value


def load_snapshots(session: Session, rules_key: str) -> list[Snapshot]:
    """The stored steps of ``rules_key``, oldest first."""
    rows = session.execute(
        select(GroupSnapshotRow.step_end, GroupSnapshotRow.group_id, GroupSnapshotRow.members)
        .where(GroupSnapshotRow.rules_key == rules_key)
        .order_by(GroupSnapshotRow.step_end, GroupSnapshotRow.id)
    )
    return [Snapshot(d, g, tuple(m)) for d, g, m in rows]


def forget_from(session: Session, rules_key: str, day: date | None) -> None:
    """Drop the stored steps of ``rules_key`` ending on or after ``day`` (all when ``None``)."""
    condition = [GroupSnapshotRow.rules_key == rules_key]
    if day is not None:
        condition.append(GroupSnapshotRow.step_end >= day)
    session.execute(delete(GroupSnapshotRow).where(*condition))


def save_snapshots(session: Session, rules_key: str, snapshots: list[Snapshot], batch: int) -> None:
    """Append steps and mark the whole stored history of ``rules_key`` valid for import ``batch``."""
    if snapshots:
        session.execute(
            insert(GroupSnapshotRow),
            [
                {
                    "rules_key": rules_key,
                    "step_end": s.step_end,
                    "group_id": s.group_id,
                    "members": list(s.members),
                }
                for s in snapshots
            ],
        )
    session.execute(
        update(GroupSnapshotRow).where(GroupSnapshotRow.rules_key == rules_key).values(batch_id=batch)
    )
