"""Small read-only queries about the state of the data (health page, data freshness)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from antt.storage.tables import ImportBatch, IncidentRow, UnitRow


@dataclass(frozen=True)
class DataStatus:
    units: int
    incidents: int
    last_import_at: datetime | None
    data_up_to: date | None


def data_status(session: Session) -> DataStatus:
    return DataStatus(
        units=session.scalar(select(func.count()).select_from(UnitRow)) or 0,
        incidents=session.scalar(select(func.count()).select_from(IncidentRow)) or 0,
        last_import_at=session.scalar(select(func.max(ImportBatch.finished_at))),
        data_up_to=session.scalar(select(func.max(IncidentRow.occurred_on))),
    )


def latest_batch(session: Session) -> tuple[int, datetime] | None:
    """The id and end time of the newest import batch: changes exactly when the data does."""
    row = session.execute(
        select(ImportBatch.id, ImportBatch.finished_at).order_by(ImportBatch.id.desc()).limit(1)
    ).first()
    return None if row is None else (int(row[0]), row[1])


def data_up_to(session: Session) -> date | None:
    return session.scalar(select(func.max(IncidentRow.occurred_on)))


def recent_batches(session: Session, limit: int) -> list[ImportBatch]:
    """The newest import batches first (the import history page)."""
    return list(session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))
