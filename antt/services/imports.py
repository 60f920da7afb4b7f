"""Importing an incident file: validate everything, write all or nothing, record the batch and audit it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from antt.domain.access import Actor, UnitKey
from antt.domain.periods import today_local
from antt.domain.reference import commune_boundaries, offence_table, unit_catalog
from antt.errors import Issue
from antt.importers.columns import INCIDENT_COLUMNS
from antt.importers.geo import UnitLocator
from antt.importers.incidents import IncidentValidator
from antt.services.import_batches import (
    DryRunDone,
    ImportFile,
    finish_batch,
    import_scope,
    rejection,
    start_batch,
    warnings_by_rule,
    warnings_of,
)
from antt.services.import_pipeline import PARALLEL_FROM_BYTES, can_fork, prepared_chunks
from antt.services.networks import alerts_after_import as network_alerts_after_import
from antt.services.warn import scan_after_import
from antt.settings import Settings
from antt.storage.engine import Database
from antt.storage.incidents import IncidentWriter

__all__ = [
    "INCIDENT_COLUMNS",
    "ImportSummary",
    "import_incidents",
]  # the columns: for writers of import files

Progress = Callable[[int, int | None], None]  # (rows done, rows expected or None)


@dataclass(frozen=True)
class ImportSummary:
    file_name: str
    file_sha256: str
    source: str
    dry_run: bool
    rows_total: int
    new: int
    updated: int
    unchanged: int
    persons_new: (
        int | None
    )  # None for an importer bound to some communes: it would tell who is known elsewhere
    assignments: dict[str, int]
    warnings: list[Issue] = field(default_factory=list)
    batch_id: int | None = None
    seconds: float = 0.0

    @property
    def warnings_by_rule(self) -> dict[str, int]:
        return warnings_by_rule(self.warnings)


def reporting_codes(units: frozenset[UnitKey] | None) -> frozenset[str] | None:
    """The codes, in the reporting (current) scheme incidents are counted in, of ``units``."""
    if units is None:
        return None
    current = unit_catalog().current.code
    return frozenset(code for scheme, code in units if scheme == current)


@lru_cache(maxsize=1)
def commune_locator() -> UnitLocator:
    return UnitLocator.from_geojson(commune_boundaries())


def import_incidents(
    database: Database,
    settings: Settings,
    actor: Actor,
    path: Path,
    *,
    source: str | None = None,
    dry_run: bool = False,
    display_name: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    scan_alerts: bool = True,
) -> ImportSummary:
    """Validate ``path`` and, when every row passes, merge it into the incidents of ``source``.

    Once committed, the early-warning scan and the groups' growth check run (:func:`alerts_after_import`)
    unless ``scan_alerts`` is false: the web runs them after its answer has been sent instead of keeping the
    importer waiting for them.

    Raises :class:`ImportRejected` listing every error (and warning) when any row fails; the database is
    then exactly as before. A dry run validates and computes the same counts, then rolls back.
    """
    started = time.perf_counter()
    source = source or settings.source_name
    scope = reporting_codes(import_scope(actor))
    file = ImportFile.scan(path, display_name)

    with file.open(settings) as table:
        validator = IncidentValidator(
            file=file.name,
            headers=table.headers,
            units=unit_catalog(),
            offences=offence_table(),
            locator=commune_locator(),
            pseudonym_key=settings.key_bytes(),
            now=now or datetime.now(timezone.utc),
            chunk_rows=settings.import_batch_rows,
            allowed_units=scope,
        )
        validator.issues[:0] = table.warnings
        try:
            with database.transaction() as session:
                batch = start_batch(session, "incidents", source, file, actor)
                writer = IncidentWriter(session, source, batch.id, scope=scope)
                validator.foreign_ids = writer.foreign_ids
                parallel = file.size >= PARALLEL_FROM_BYTES and can_fork()
                with prepared_chunks(validator, table.rows, writer.prepare, parallel=parallel) as chunks:
                    for chunk in chunks:
                        if chunk is not None and validator.error_count == 0:  # after an error, only validate
                            writer.apply(chunk)
                        if progress:
                            progress(validator.rows_seen, file.expected_rows)
                if validator.error_count or validator.rows_seen == 0:
                    raise rejection(file.name, validator.issues, validator.rows_seen)
                counts = writer.finish()
                warnings = warnings_of(validator.issues)
                summary = ImportSummary(
                    file_name=file.name,
                    file_sha256=file.sha256,
                    source=source,
                    dry_run=dry_run,
                    rows_total=validator.rows_seen,
                    new=counts.new,
                    updated=counts.updated,
                    unchanged=counts.unchanged,
                    persons_new=counts.persons_new if scope is None else None,
                    assignments=dict(validator.assignments),
                    warnings=warnings,
                    batch_id=None if dry_run else batch.id,
                    seconds=time.perf_counter() - started,
                )
                if dry_run:
                    raise DryRunDone(summary)
                finish_batch(
                    session,
                    batch,
                    actor,
                    counts=(summary.rows_total, summary.new, summary.updated, summary.unchanged),
                    warnings=sum(summary.warnings_by_rule.values()),
                    summary={
                        "assignments": summary.assignments,
                        "warnings_by_rule": summary.warnings_by_rule,
                        "persons_new": summary.persons_new,
                    },
                    details={
                        "rows": summary.rows_total,
                        "new": summary.new,
                        "updated": summary.updated,
                        "unchanged": summary.unchanged,
                    },
                )
        except DryRunDone as done:
            assert isinstance(done.summary, ImportSummary)
            return done.summary
    if scan_alerts:
        alerts_after_import(database, now)
    return summary


def alerts_after_import(database: Database, now: datetime | None = None) -> None:
    """What a committed incident import sets off: the early-warning scan (issue 13) and the co-offending
    groups' growth check as of the import's day (issue 14). Each failure is only logged."""
    scan_after_import(database)
    network_alerts_after_import(database, today_local(now.astimezone(timezone.utc)) if now else None)
