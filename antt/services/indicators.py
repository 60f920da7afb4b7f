"""Importing indicator values (e-ID, drugs, population, GRDP, PCI, PAR Index) and reading their series.

Same contract as the incident import (:mod:`antt.services.imports`): every row is validated, every error
is listed, nothing is written unless the whole file passes, one transaction, idempotent by
``(indicator, unit, period)``, an :class:`ImportBatch` of kind ``indicators`` and an audit record
``import.indicators``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from antt.domain.access import Actor
from antt.domain.reference import unit_catalog
from antt.errors import Issue, NotFound
from antt.importers.indicators import INDICATOR_COLUMNS, KNOWN_INDICATORS, IndicatorValidator
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
from antt.settings import Settings
from antt.storage.engine import Database
from antt.storage.indicators import IndicatorWriter, indicator_series

__all__ = [
    "INDICATOR_COLUMNS",
    "KNOWN_INDICATORS",
    "IndicatorImportSummary",
    "SeriesPoint",
    "import_indicators",
    "indicator_values",
]

Progress = Callable[[int, int | None], None]  # (rows done, rows expected or None)
SeriesPoint = tuple[str, str, date, date, float]  # unit_code, period, period_start, period_end, value


@dataclass(frozen=True)
class IndicatorImportSummary:
    file_name: str
    file_sha256: str
    source: str
    dry_run: bool
    rows_total: int  # data rows of the file
    values_total: int  # values they hold (more than the rows in a wide file)
    new: int
    updated: int
    unchanged: int
    by_indicator: dict[str, int]
    unit_scheme: str | None = None  # the scheme the import declared for its codes, if any
    warnings: list[Issue] = field(default_factory=list)
    batch_id: int | None = None
    seconds: float = 0.0
    kind: str = "indicators"

    @property
    def warnings_by_rule(self) -> dict[str, int]:
        return warnings_by_rule(self.warnings)


def import_indicators(
    database: Database,
    settings: Settings,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool = False,
    display_name: str | None = None,
    source: str | None = None,
    unit_scheme: str | None = None,
    synthetic: bool | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> IndicatorImportSummary:
    """Validate ``path`` and, when every row passes, merge its values into ``indicator_values``.

    ``unit_scheme`` declares the scheme of the file's unit codes (for figures re-aggregated to a newer
    map); without it each code is looked up in the scheme in force on its period's last day.
    ``synthetic`` marks rows that have no ``synthetic`` cell. A unit-bound actor may only write its units.

    Raises :class:`ImportRejected` listing every error (and warning) when any row fails; the database is
    then exactly as before. A dry run validates and computes the same counts, then rolls back.
    """
    started = time.perf_counter()
    source = source or settings.source_name
    scope = import_scope(actor)
    file = ImportFile.scan(path, display_name)

    with file.open(settings) as table:
        validator = IndicatorValidator(
            file=file.name,
            headers=table.headers,
            units=unit_catalog(),
            now=now or datetime.now(timezone.utc),
            unit_scheme=unit_scheme,
            synthetic=synthetic,
            allowed_units=scope,
            chunk_rows=settings.import_batch_rows,
        )
        validator.issues[:0] = table.warnings
        try:
            with database.transaction() as session:
                batch = start_batch(session, "indicators", source, file, actor)
                writer = IndicatorWriter(session, batch.id)
                for records in validator.records(table.rows):
                    if validator.error_count == 0:  # after the first error, only validate
                        writer.write(records)
                    if progress:
                        progress(validator.rows_seen, file.expected_rows)
                if validator.error_count or validator.rows_seen == 0:
                    raise rejection(file.name, validator.issues, validator.rows_seen)
                counts = writer.finish()
                warnings = warnings_of(validator.issues)
                summary = IndicatorImportSummary(
                    file_name=file.name,
                    file_sha256=file.sha256,
                    source=source,
                    dry_run=dry_run,
                    rows_total=validator.rows_seen,
                    values_total=validator.values_valid,
                    new=counts.new,
                    updated=counts.updated,
                    unchanged=counts.unchanged,
                    by_indicator=dict(sorted(validator.by_indicator.items())),
                    unit_scheme=unit_scheme,
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
                    counts=(summary.values_total, summary.new, summary.updated, summary.unchanged),
                    warnings=sum(summary.warnings_by_rule.values()),
                    summary={
                        "file_rows": summary.rows_total,
                        "by_indicator": summary.by_indicator,
                        "unit_scheme": unit_scheme,
                        "warnings_by_rule": summary.warnings_by_rule,
                    },
                    details={
                        "rows": summary.rows_total,
                        "values": summary.values_total,
                        "new": summary.new,
                        "updated": summary.updated,
                        "unchanged": summary.unchanged,
                        "indicators": sorted(summary.by_indicator),
                    },
                )
        except DryRunDone as done:
            assert isinstance(done.summary, IndicatorImportSummary)
            return done.summary
    return summary


def indicator_values(
    database: Database,
    actor: Actor,
    indicator: str,
    unit_code: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[SeriesPoint]:
    """The series of ``indicator`` (``(unit_code, period, period_start, period_end, value)``), in scope.

    A city-wide actor sees every unit; a unit-bound actor only its own ``(scheme, code)`` keys. A unit
    outside the actor's scope is reported as not found, like a unit that does not exist.
    """
    if indicator not in KNOWN_INDICATORS:
        known = ", ".join(KNOWN_INDICATORS)
        raise NotFound(
            f"Không có chỉ số '{indicator}'. Các chỉ số: {known}.",
            f"No indicator '{indicator}'. Known indicators: {known}.",
        )
    keys = None if actor.units is None else frozenset(actor.units)
    if unit_code is not None and keys is not None:
        keys = frozenset(k for k in keys if k[1] == unit_code)
        if not keys:
            raise NotFound(
                f"Không có đơn vị mã {unit_code} trong phạm vi được giao.",
                f"No unit with code {unit_code} in your scope.",
            )
    with database.transaction(write=False) as session:
        return indicator_series(
            session,
            indicator,
            None if unit_code is None else [unit_code],
            start,
            end,
            unit_keys=keys,
        )


def indicator_kind(indicator: str) -> str:
    """How an indicator's values read: ``count``, ``percent``, ``rank`` or ``number``.

    Incident counts (``incidents.<group>.count``) are counts; a known imported indicator says its kind;
    derived rates and shares (clearance rate, drug-free communes share, growth in %) are percent."""
    if indicator.startswith("incidents.") or indicator.endswith(".count"):
        return "count"
    info = KNOWN_INDICATORS.get(indicator)
    if info is not None and info.kind in ("count", "rank", "percent"):
        return info.kind
    return "percent" if any(word in indicator for word in ("rate", "share", "pct")) else "number"
