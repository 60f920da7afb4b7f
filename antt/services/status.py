"""What the health page reports: is the database reachable and current, and how fresh is the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from antt.services.data_cache import data_version
from antt.storage import migrate
from antt.storage.engine import Database
from antt.storage.status import DataStatus, data_status, data_up_to


@dataclass(frozen=True)
class Health:
    database: str
    schema_revision: str | None
    schema_current: bool
    data: DataStatus | None


@dataclass(frozen=True)
class Freshness:
    """What every page shows in its footer: the last incident date and the last import."""

    data_up_to: date | None
    last_import_at: datetime | None  # UTC


def health(database: Database) -> Health:
    revision = migrate.current_revision(database)
    current = revision is not None and revision == migrate.head_revision()
    data = None
    if current:
        with database.transaction(write=False) as session:
            data = data_status(session)
    return Health(database.engine.dialect.name, revision, current, data)


_freshness: dict[tuple[int, tuple[str, int, str]] | None, Freshness] = {}


def data_freshness(database: Database) -> Freshness:
    """Cheap on every page view: the newest incident date is looked up again only after a new import."""
    version = data_version(database)  # read once per request (data_cache.one_version_per_request)
    key = None if version is None else (id(database), version)
    cached = _freshness.get(key)
    if cached is not None:
        return cached
    with database.transaction(write=False) as session:
        fresh = Freshness(
            data_up_to(session), None if version is None else datetime.fromisoformat(version[2])
        )
    if len(_freshness) > 64:
        _freshness.clear()
    _freshness[key] = fresh
    return fresh
