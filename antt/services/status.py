"""What the health page reports: is the database reachable and current, and how fresh is the data."""

from __future__ import annotations

from dataclasses import dataclass

from antt.storage import migrate
from antt.storage.engine import Database
from antt.storage.status import DataStatus, data_status


@dataclass(frozen=True)
class Health:
    database: str
    schema_revision: str | None
    schema_current: bool
    data: DataStatus | None


def health(database: Database) -> Health:
    revision = migrate.current_revision(database)
    current = revision is not None and revision == migrate.head_revision()
    data = None
    if current:
        with database.transaction(write=False) as session:
            data = data_status(session)
    return Health(database.engine.dialect.name, revision, current, data)
