"""Importing an incident file: validate everything, write all or nothing, record the batch and audit it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from antt.domain.access import Actor
from antt.domain.reference import commune_boundaries, offence_table, unit_catalog
from antt.errors import ImportRejected, Issue
from antt.importers.columns import INCIDENT_COLUMNS
from antt.importers.geo import UnitLocator
from antt.importers.incidents import IncidentValidator
from antt.importers.readers import open_table
from antt.services.import_pipeline import PARALLEL_FROM_BYTES, can_fork, prepared_chunks
from antt.settings import Settings
from antt.storage import audit
from antt.storage.engine import Database
from antt.storage.incidents import IncidentWriter
from antt.storage.tables import ImportBatch

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
    persons_new: int
    assignments: dict[str, int]
    warnings: list[Issue] = field(default_factory=list)
    batch_id: int | None = None
    seconds: float = 0.0

    @property
    def warnings_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for w in self.warnings:
            counts[w.rule] = counts.get(w.rule, 0) + 1
        return counts


@lru_cache(maxsize=1)
def commune_locator() -> UnitLocator:
    return UnitLocator.from_geojson(commune_boundaries())


class _DryRunDone(Exception):
    """Raised to roll back a dry run after its merge counts are known."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


def _scan(path: Path) -> tuple[str, int, int]:
    """SHA-256, size and number of line breaks (a cheap estimate of csv rows) in one pass."""
    digest, size, lines = hashlib.sha256(), 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


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
) -> ImportSummary:
    """Validate ``path`` and, when every row passes, merge it into the incidents of ``source``.

    Raises :class:`ImportRejected` listing every error (and warning) when any row fails; the database is
    then exactly as before. A dry run validates and computes the same counts, then rolls back.
    """
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    source = source or settings.source_name
    name = display_name or path.name
    sha256, size, lines = _scan(path)
    expected_rows = max(lines - 1, 0) if path.suffix.lower() in (".csv", ".txt") else None

    with open_table(
        path,
        display_name=name,
        max_file_bytes=settings.import_max_file_bytes,
        max_uncompressed_bytes=settings.import_max_xlsx_uncompressed_bytes,
    ) as table:
        validator = IncidentValidator(
            file=name,
            headers=table.headers,
            units=unit_catalog(),
            offences=offence_table(),
            locator=commune_locator(),
            pseudonym_key=settings.key_bytes(),
            now=now or datetime.now(timezone.utc),
            chunk_rows=settings.import_batch_rows,
        )
        validator.issues[:0] = table.warnings
        try:
            with database.transaction() as session:
                batch = ImportBatch(
                    kind="incidents",
                    source=source,
                    file_name=name,
                    file_sha256=sha256,
                    file_bytes=size,
                    imported_by=actor.name,
                    started_at=started_at,
                    finished_at=started_at,
                    rows_total=0,
                    rows_new=0,
                    rows_updated=0,
                    rows_unchanged=0,
                    warnings=0,
                    summary={},
                )
                session.add(batch)
                session.flush()
                writer = IncidentWriter(session, source, batch.id)
                parallel = size >= PARALLEL_FROM_BYTES and can_fork()
                with prepared_chunks(validator, table.rows, writer.prepare, parallel=parallel) as chunks:
                    for chunk in chunks:
                        if chunk is not None and validator.error_count == 0:  # after an error, only validate
                            writer.apply(chunk)
                        if progress:
                            progress(validator.rows_seen, expected_rows)
                if validator.error_count or validator.rows_seen == 0:
                    raise _rejection(name, validator.issues, validator.rows_seen)
                counts = writer.finish()
                warnings = [i for i in validator.issues if not i.is_error]
                summary = ImportSummary(
                    file_name=name,
                    file_sha256=sha256,
                    source=source,
                    dry_run=dry_run,
                    rows_total=validator.rows_seen,
                    new=counts.new,
                    updated=counts.updated,
                    unchanged=counts.unchanged,
                    persons_new=counts.persons_new,
                    assignments=dict(validator.assignments),
                    warnings=warnings,
                    batch_id=None if dry_run else batch.id,
                    seconds=time.perf_counter() - started,
                )
                if dry_run:
                    raise _DryRunDone(summary)
                batch.finished_at = datetime.now(timezone.utc).replace(tzinfo=None)
                batch.rows_total, batch.rows_new = summary.rows_total, summary.new
                batch.rows_updated, batch.rows_unchanged = summary.updated, summary.unchanged
                batch.warnings = len(warnings)
                batch.summary = {
                    "assignments": summary.assignments,
                    "warnings_by_rule": summary.warnings_by_rule,
                    "persons_new": summary.persons_new,
                }
                audit.append(
                    session,
                    actor=actor.name,
                    action="import.incidents",
                    outcome="success",
                    obj=f"import_batch:{batch.id}",
                    details={
                        "file": name,
                        "sha256": sha256,
                        "source": source,
                        "rows": summary.rows_total,
                        "new": summary.new,
                        "updated": summary.updated,
                        "unchanged": summary.unchanged,
                    },
                )
        except _DryRunDone as done:
            return done.summary
    return summary


def _rejection(name: str, issues: list[Issue], rows_seen: int) -> ImportRejected:
    if rows_seen == 0 and not any(i.is_error for i in issues):
        issues = [
            *issues,
            Issue("file.no_rows", "Tệp không có dòng dữ liệu nào.", "The file has no data rows.", file=name),
        ]
    errors = sum(1 for i in issues if i.is_error)
    return ImportRejected(
        f"{name}: {errors} lỗi; không có dữ liệu nào được ghi.",
        f"{name}: {errors} error(s); nothing was written.",
        issues,
    )
