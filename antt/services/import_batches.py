"""What every import shares: the file's fingerprint, its batch record, the dry-run rollback, the audit
record and the rejection listing every issue. The kinds of import (incidents, indicators) differ only in
how they validate and write their rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from antt.domain.access import Action, Actor, UnitKey
from antt.errors import Conflict, ImportRejected, Issue, PermissionDenied
from antt.importers.issue_log import IssueLog, counts_by_rule
from antt.importers.readers import Table, open_table
from antt.settings import Settings
from antt.storage import audit
from antt.storage.engine import Database
from antt.storage.status import recent_batches
from antt.storage.tables import ImportBatch


@dataclass(frozen=True)
class ImportFile:
    """The file being imported: its name for the user, SHA-256, size and an estimate of its csv rows."""

    path: Path
    name: str
    sha256: str
    size: int
    expected_rows: int | None

    @classmethod
    def scan(cls, path: Path, display_name: str | None = None) -> ImportFile:
        """SHA-256, size and line breaks (a cheap estimate of csv rows) in one pass over the bytes."""
        digest, size, lines = hashlib.sha256(), 0, 0
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
        csv = path.suffix.lower() in (".csv", ".txt")
        return cls(
            path, display_name or path.name, digest.hexdigest(), size, max(lines - 1, 0) if csv else None
        )

    @contextmanager
    def open(self, settings: Settings) -> Iterator[Table]:
        """The file's table, within the size limits of the settings."""
        with open_table(
            self.path,
            display_name=self.name,
            max_file_bytes=settings.import_max_file_bytes,
            max_uncompressed_bytes=settings.import_max_xlsx_uncompressed_bytes,
        ) as table:
            yield table


class DryRunDone(Exception):
    """Raised to roll back a dry run once its counts are known; carries the summary to return."""

    def __init__(self, summary: object) -> None:
        self.summary = summary


def import_scope(actor: Actor) -> frozenset[UnitKey] | None:
    """The units ``actor`` may import data for (``None``: every unit); refuses an actor who may import
    nothing. Every row of an import, new, updated or moved, must fall within it."""
    if not actor.can(Action.IMPORT_DATA):
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.", "You are not allowed to import data.")
    return actor.units_for(Action.IMPORT_DATA)


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


_KIND_VI = {"incidents": "vụ việc", "indicators": "chỉ số"}


def one_import_at_a_time(session: Session, kind: str) -> None:
    """Refuse to start while another import of ``kind`` holds its lock (PostgreSQL), until it ends.

    Two imports of one file at once otherwise both insert the same new incidents (or persons, or
    indicator values — keys shared across sources) and the second ends in a unique violation: an internal
    error. A transaction-scoped advisory lock per kind makes it a clear conflict instead, at once; it is
    released with the transaction. SQLite needs none: a writing transaction takes the database's only
    write lock at BEGIN, so the second import waits for the first.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"antt.import.{kind}".encode()).digest()[:8], "big", signed=True)
    if not session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar_one():
        raise Conflict(
            f"Đang có một lần nhập dữ liệu {_KIND_VI.get(kind, kind)} khác; hãy thử lại khi lần nhập đó xong. "
            "Không có dữ liệu nào được ghi.",
            f"Another import of {kind} is running; try again when it has finished. Nothing was written.",
        )


def start_batch(session: Session, kind: str, source: str, file: ImportFile, actor: Actor) -> ImportBatch:
    """The batch record, flushed so that rows can refer to its id; one import of a kind at a time."""
    one_import_at_a_time(session, kind)
    started = utc_now()
    batch = ImportBatch(
        kind=kind,
        source=source,
        file_name=file.name,
        file_sha256=file.sha256,
        file_bytes=file.size,
        imported_by=actor.name,
        started_at=started,
        finished_at=started,
        rows_total=0,
        rows_new=0,
        rows_updated=0,
        rows_unchanged=0,
        warnings=0,
        summary={},
    )
    session.add(batch)
    session.flush()
    return batch


def finish_batch(
    session: Session,
    batch: ImportBatch,
    actor: Actor,
    *,
    counts: tuple[int, int, int, int],
    warnings: int,
    summary: dict[str, object],
    details: dict[str, object],
) -> None:
    """Record the batch's counts ``(rows, new, updated, unchanged)`` and append its audit record."""
    batch.finished_at = utc_now()
    batch.rows_total, batch.rows_new, batch.rows_updated, batch.rows_unchanged = counts
    batch.warnings = warnings
    batch.summary = summary
    audit.append(
        session,
        actor=actor.name,
        action=f"import.{batch.kind}",
        outcome="success",
        obj=f"import_batch:{batch.id}",
        details={"file": batch.file_name, "sha256": batch.file_sha256, "source": batch.source, **details},
    )


def warnings_by_rule(warnings: list[Issue]) -> dict[str, int]:
    return {rule: n for rule, n in counts_by_rule(warnings).items() if n}


def warnings_of(issues: list[Issue]) -> list[Issue]:
    """The warnings among ``issues``; from an :class:`IssueLog`, again one (the first of each rule,
    every one counted), so that a summary's ``warnings_by_rule`` counts them all."""
    if not isinstance(issues, IssueLog):
        return [i for i in issues if not i.is_error]
    warnings = IssueLog(keep_per_rule=issues.keep_per_rule)
    list.extend(warnings, (i for i in issues if not i.is_error))
    errors = {i.rule for i in issues if i.is_error}
    warnings.dropped.update({rule: n for rule, n in issues.dropped.items() if rule not in errors})
    return warnings


def rejection(name: str, issues: list[Issue], rows_seen: int) -> ImportRejected:
    """The issues of a file that failed (or held no rows); nothing was written. From a validator's
    :class:`IssueLog` these are the first of each rule, with the count of every one."""
    if rows_seen == 0 and not any(i.is_error for i in issues):
        issues.append(
            Issue("file.no_rows", "Tệp không có dòng dữ liệu nào.", "The file has no data rows.", file=name)
        )
    errors = issues.error_total if isinstance(issues, IssueLog) else sum(1 for i in issues if i.is_error)
    return ImportRejected(
        f"{name}: {errors} lỗi; không có dữ liệu nào được ghi.",
        f"{name}: {errors} error(s); nothing was written.",
        issues,
        counts_by_rule(issues),
    )


@dataclass(frozen=True)
class BatchView:
    """One line of the import history."""

    id: int
    kind: str
    source: str
    file_name: str
    file_sha256: str
    imported_by: str
    finished_at: datetime  # UTC
    rows_total: int
    rows_new: int
    rows_updated: int
    rows_unchanged: int
    warnings: int


def import_history(database: Database, actor: Actor, limit: int = 50) -> list[BatchView]:
    """The newest import batches. Who imported what is itself shown only to city-wide actors and to the
    actor who imported it (a commune officer sees their own imports)."""
    with database.transaction(write=False) as session:
        batches = recent_batches(session, limit if actor.city_wide else limit * 20)
        views = [
            BatchView(
                b.id,
                b.kind,
                b.source,
                b.file_name,
                b.file_sha256,
                b.imported_by,
                b.finished_at,
                b.rows_total,
                b.rows_new,
                b.rows_updated,
                b.rows_unchanged,
                b.warnings,
            )
            for b in batches
        ]
    if not actor.city_wide:
        views = [v for v in views if v.imported_by == actor.name]
    return views[:limit]
