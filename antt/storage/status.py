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
