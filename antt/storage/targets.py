"""The city's targets as stored: versions of target definitions, appended, never updated or deleted.

The effective definition of a target id is its newest version; a ``retire`` version takes it out of the
effective set (a shipped default included). The definitions are targets-document entries, parsed by
:func:`antt.domain.targets.parse_targets` like the shipped file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from antt.storage.tables import TargetVersionRow

SET, RETIRE = "set", "retire"


@dataclass(frozen=True)
class TargetVersion:
    id: int
    target_id: str
    version: int
    action: str  # set | retire
    definition: dict[str, Any]
    reason: str
    recorded_at: datetime  # naive UTC
    recorded_by: str


def _version(row: TargetVersionRow) -> TargetVersion:
    return TargetVersion(
        row.id,
        row.target_id,
        row.version,
        row.action,
        dict(row.definition),
        row.reason,
        row.recorded_at,
        row.recorded_by,
    )


def append_version(
    session: Session,
    target_id: str,
    action: str,
    definition: dict[str, Any],
    *,
    recorded_by: str,
    recorded_at: datetime,
    reason: str = "",
) -> TargetVersion:
    """Add the next version of ``target_id`` (1 for a target never stored)."""
    newest = session.scalar(
        select(func.max(TargetVersionRow.version)).where(TargetVersionRow.target_id == target_id)
    )
    row = TargetVersionRow(
        target_id=target_id,
        version=(newest or 0) + 1,
        action=action,
        definition=definition,
        reason=reason,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
    )
    session.add(row)
    session.flush()
    return _version(row)


def current_versions(session: Session) -> list[TargetVersion]:
    """The newest version of every stored target id, in the order the ids were first stored."""
    newest = (
        select(TargetVersionRow.target_id, func.max(TargetVersionRow.version).label("version"))
        .group_by(TargetVersionRow.target_id)
        .subquery()
    )
    first = (
        select(TargetVersionRow.target_id, func.min(TargetVersionRow.id).label("first_id"))
        .group_by(TargetVersionRow.target_id)
        .subquery()
    )
    rows = session.scalars(
        select(TargetVersionRow)
        .join(
            newest,
            (newest.c.target_id == TargetVersionRow.target_id)
            & (newest.c.version == TargetVersionRow.version),
        )
        .join(first, first.c.target_id == TargetVersionRow.target_id)
        .order_by(first.c.first_id)
    )
    return [_version(r) for r in rows]


def history(session: Session, target_id: str | None = None) -> list[TargetVersion]:
    """Every stored version (of ``target_id``), oldest first."""
    query = select(TargetVersionRow).order_by(TargetVersionRow.id)
    if target_id is not None:
        query = query.where(TargetVersionRow.target_id == target_id)
    return [_version(r) for r in session.scalars(query)]


def revision(session: Session) -> int:
    """The id of the newest stored version (0: none): changes whenever any target changes."""
    return int(session.scalar(select(func.max(TargetVersionRow.id))) or 0)
