"""Opening the database, migrating it, and loading the reference data into it."""

from __future__ import annotations

from dataclasses import dataclass

from antt.domain.reference import offence_table, unit_catalog, unit_geometries
from antt.errors import SettingsError
from antt.settings import Settings
from antt.storage import audit, migrate
from antt.storage.engine import Database
from antt.storage.reference import sync_reference_data

__all__ = ["Database", "UpgradeResult", "open_database", "require_current_schema", "upgrade"]


@dataclass(frozen=True)
class UpgradeResult:
    revision_before: str | None
    revision_after: str | None
    reference_changes: dict[str, int]


def open_database(settings: Settings) -> Database:
    return Database(settings)


def upgrade(database: Database, operator: str = "system") -> UpgradeResult:
    """Migrate to the newest schema, then make the reference tables equal to the packaged data.

    Incidents moved to another commune by the new data (a split former commune's cases now counting in
    the successor that received its population) change every figure of that commune: one audit record
    says how many, by ``operator``, in the same transaction.
    """
    before = migrate.current_revision(database)
    migrate.upgrade(database)
    with database.transaction() as session:
        changes = sync_reference_data(session, unit_catalog(), offence_table(), unit_geometries())
        if changes.get("incidents_reassigned"):
            audit.append(
                session,
                actor=operator,
                action="incidents.reassign_units",
                outcome="success",
                obj="incidents.report_unit_code",
                details={"incidents": changes["incidents_reassigned"], "rule": "population_successor"},
            )
    return UpgradeResult(before, migrate.current_revision(database), changes)


def require_current_schema(database: Database) -> None:
    """Refuse to work on a database that is not at the newest schema revision."""
    current, head = migrate.current_revision(database), migrate.head_revision()
    if current != head:
        raise SettingsError(
            f"Cơ sở dữ liệu ở phiên bản {current or 'trống'}, cần {head}: chạy 'antt db upgrade'.",
            f"The database is at revision {current or 'empty'}, {head} is needed: run 'antt db upgrade'.",
        )
