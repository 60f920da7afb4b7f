"""Validation of incident files (format: ``../shared/formats/incidents.md``) into :class:`IncidentRecord`.

The validator streams: rows come in, chunks of valid records go out, and every problem of every row is
collected in :attr:`IncidentValidator.issues` — the caller writes nothing unless the whole file passes.
Coordinates are located per chunk (vectorised point-in-polygon), everything else per row. The rules of
single cells live in :mod:`~antt.importers.cells`, of articles in :mod:`~antt.importers.articles`, of
units and coordinates in :mod:`~antt.importers.places`; this module checks a row as a whole, in order.

A file repeats the same few articles, unit codes, statuses and days across a million rows, so each
check that depends on one of them remembers its *successful* outcome per distinct value (and day, where
the rule depends on the day); a value that breaks a rule always goes through the full check again, so
every failing row gets its own issues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from operator import itemgetter
from typing import Any

from antt.domain.incidents import IncidentRecord, IncidentStatus, LocationFlag
from antt.domain.offences import OffenceTable
from antt.domain.people import is_valid_personal_id, pseudonymise
from antt.domain.text import nfc
from antt.domain.units import UnitCatalog
from antt.errors import Issue, Severity
from antt.importers.articles import Articles, OffenceFacts
from antt.importers.cells import (
    MomentReader,
    clean_key,
    flag_of,
    mask,
    person_id_parts,
    remember,
    status_of,
    whole_number,
)
from antt.importers.columns import INCIDENT_COLUMNS, match_headers
from antt.importers.geo import UnitLocator
from antt.importers.issue_log import IssueLog
from antt.importers.places import Places
from antt.importers.rules import make_issue

FORMULA_CHARS = ("=", "+", "-", "@")
MAX_SOURCE_ID = 64
MAX_NOTE = 2000

# The order in which a row's values are taken out of its cells (see ``_row_values``).
COLUMN_ORDER = (
    "source_id",
    "occurred_at",
    "reported_at",
    "unit_code",
    "lat",
    "lon",
    "x",
    "y",
    "crs",
    "article",
    "status",
    "cleared_at",
    "suspects",
    "victims",
    "person_ids",
    "drug_related",
    "organised_group",
    "damage_vnd",
    "note",
)
assert set(COLUMN_ORDER) == {c.name for c in INCIDENT_COLUMNS}

# What the rules need to know about a day: the unit scheme in force, whether the day is older than the
# oldest unit list (the row is then flagged), and its legal epoch (see :mod:`~antt.importers.articles`)
DayContext = tuple[str, bool, int]

_NO_MOMENT: tuple[None, None] = (None, None)


# A row that passed the per-row checks and waits for its coordinates to be located: see ``_check_row``
_Pending = tuple[Any, ...]


@dataclass(frozen=True)
class ValidationProgress:
    """A validator's counters, and the issues it found after a given one: what a validation running in
    another process reports, chunk by chunk, to the validator that stands for it (see ``absorb``)."""

    rows_seen: int
    rows_valid: int
    fallback_rows: int
    assignments: dict[str, int]
    issues: list[Issue]
    errors: int  # every error so far, counted ones included
    tally: tuple[dict[str, int], int]  # the issues only counted (see ``IssueLog.tally``)


@dataclass
class IncidentValidator:
    file: str
    headers: list[str]
    units: UnitCatalog
    offences: OffenceTable
    locator: UnitLocator
    pseudonym_key: bytes
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    chunk_rows: int = 5000
    # the importer's scope: the reporting-scheme codes it may write (None: every unit) and the source ids
    # of incidents outside it, which it may not overwrite (see the incident import service)
    allowed_units: Collection[str] | None = None
    foreign_ids: Collection[str] = frozenset()
    issues: list[Issue] = field(default_factory=IssueLog)  # the first of each rule; all are counted
    rows_seen: int = 0
    rows_valid: int = 0
    assignments: Counter[str] = field(default_factory=Counter)
    fallback_rows: int = 0
    _errors: int = 0

    def __post_init__(self) -> None:
        self.positions, header_issues = match_headers(self.headers, INCIDENT_COLUMNS, self.file)
        for issue in header_issues:
            self._add(issue)
        has_coords = {"lat", "lon"} <= self.positions.keys() or {"x", "y"} <= self.positions.keys()
        if "unit_code" not in self.positions and not has_coords:
            self._add(make_issue("unit.missing", file=self.file, row=1, column="unit_code"))
        self.header_ok = not any(i.is_error for i in self.issues)
        # a column the file lacks reads the last padding cell, which is always empty
        self._padding: list[object] = [None] * (max(self.positions.values(), default=0) + 2)
        self._pick = itemgetter(*(self.positions.get(name, -1) for name in COLUMN_ORDER))
        self._moments = MomentReader(self.now.astimezone(timezone.utc).replace(tzinfo=None))
        self._articles = Articles(self.offences)
        self._places = Places(self.units, self.locator, self._issue)
        self._seen_ids: dict[str, int] = {}
        self._pseudonyms: dict[str, str] = {}
        self._statuses: dict[str, IncidentStatus | None] = {}
        self._flags: dict[str, bool | None] = {}
        self._counts: dict[str, int] = {}
        self._amounts: dict[str, int] = {}
        self._days: dict[date, DayContext] = {}

    # --- public -------------------------------------------------------------------------------------
    @property
    def error_count(self) -> int:
        return self._errors

    def _add(self, issue: Issue) -> None:
        self.issues.append(issue)
        if issue.is_error:
            self._errors += 1

    def progress_since(self, first_issue: int) -> ValidationProgress:
        """The counters now, and the issues from index ``first_issue`` on."""
        return ValidationProgress(
            self.rows_seen,
            self.rows_valid,
            self.fallback_rows,
            dict(self.assignments),
            self.issues[first_issue:],
            self._errors,
            self.issues.tally() if isinstance(self.issues, IssueLog) else ({}, 0),
        )

    def absorb(self, progress: ValidationProgress) -> None:
        """Take over the counters and new issues of the same validation running elsewhere."""
        self.rows_seen, self.rows_valid = progress.rows_seen, progress.rows_valid
        self.fallback_rows = progress.fallback_rows
        self.assignments = Counter(progress.assignments)
        for issue in progress.issues:
            self._add(issue)
        self._errors = progress.errors
        if isinstance(self.issues, IssueLog):
            self.issues.take_over(progress.tally)

    def records(self, rows: Iterable[tuple[int, list[object]]]) -> Iterator[list[IncidentRecord]]:
        """Validate ``rows``; yield chunks of valid records (invalid rows are reported, not yielded)."""
        if not self.header_ok:
            return
        check = self._check_row
        pending: list[_Pending] = []
        for row_number, cells in rows:
            self.rows_seen += 1
            item = check(row_number, cells)
            if item is not None:
                pending.append(item)
                if len(pending) >= self.chunk_rows:
                    yield self._finish(pending)
                    pending = []
        if pending:
            yield self._finish(pending)
        if self.fallback_rows:
            self._add(
                Issue(
                    "unit.scheme_fallback",
                    f"{self.fallback_rows} dòng xảy ra trước 01/01/2025 được đối chiếu với danh mục đơn vị "
                    "hành chính ngày 01/01/2025 (danh mục 2020–2024 chưa có trong ANTT).",
                    f"{self.fallback_rows} rows dated before 1 Jan 2025 were checked against the 1 Jan 2025 "
                    "unit list (the 2020–2024 list is not in ANTT yet).",
                    Severity.WARNING,
                    file=self.file,
                )
            )

    # --- per row ------------------------------------------------------------------------------------
    def _row_values(self, cells: list[object]) -> list[Any]:
        """The row's values in ``COLUMN_ORDER``: text stripped, empty text and absent cells as None."""
        return [
            (value.strip() or None) if value.__class__ is str else value
            for value in self._pick([*cells, *self._padding])
        ]

    def _issue(
        self,
        rule: str,
        row: int,
        column: str | None,
        value: object = None,
        severity: Severity = Severity.ERROR,
        **params: object,
    ) -> None:
        self._add(
            make_issue(rule, file=self.file, row=row, column=column, value=value, severity=severity, **params)
        )

    def _check_row(self, row: int, cells: list[object]) -> _Pending | None:
        """Every per-row rule, in the order its issues are reported; the row's values if none failed."""
        errors_before = self._errors
        (
            source_id,
            occurred_raw,
            reported_raw,
            unit_raw,
            lat_raw,
            lon_raw,
            x_raw,
            y_raw,
            crs_raw,
            article_raw,
            status_raw,
            cleared_raw,
            suspects_raw,
            victims_raw,
            persons_raw,
            drug_raw,
            organised_raw,
            damage_raw,
            note_raw,
        ) = self._row_values(cells)

        source_id = self._source_id(row, source_id)
        occurred, occurred_on = self._moment(row, "occurred_at", occurred_raw, required=True)
        day = self._day(occurred_on) if occurred_on is not None else None
        reported, _ = self._moment(row, "reported_at", reported_raw, required=False)
        if reported and occurred and reported < occurred:
            self._issue("reported_at.before_occurred", row, "reported_at", reported_raw)
        status = self._status(row, status_raw)
        if cleared_raw is None and status is not IncidentStatus.CLEARED:
            cleared_on = None
        else:
            cleared_on = self._cleared_on(row, cleared_raw, status, occurred_on)
        offence, clause = self._offence(row, article_raw, occurred_on, day)
        suspects = self._count(row, "suspects", suspects_raw, self._counts)
        victims = self._count(row, "victims", victims_raw, self._counts)
        damage_vnd = self._count(row, "damage_vnd", damage_raw, self._amounts)
        drug_related = self._flag(row, "drug_related", drug_raw) if drug_raw is not None else False
        organised_group = (
            self._flag(row, "organised_group", organised_raw) if organised_raw is not None else False
        )
        persons = self._persons(row, persons_raw, suspects) if persons_raw is not None else ()
        note = self._note(row, note_raw) if note_raw is not None else None
        unit = None
        if unit_raw is not None and occurred_on is not None and day is not None:
            unit = self._places.unit_code(row, unit_raw, occurred_on, day[0])
            if unit is not None and day[1]:
                self.fallback_rows += 1
        if lat_raw is None and lon_raw is None and x_raw is None and y_raw is None:
            lon = lat = None
            if unit_raw is None:
                self._issue("unit.missing", row, "unit_code")
        else:
            lon, lat = self._places.coordinates(row, lat_raw, lon_raw, x_raw, y_raw, crs_raw)
        if self._errors > errors_before:
            return None
        return (
            row,
            source_id,
            occurred,
            occurred_on,
            reported,
            unit,
            lon,
            lat,
            offence,
            clause,
            status,
            cleared_on,
            suspects,
            victims,
            drug_related,
            organised_group,
            damage_vnd,
            note,
            persons,
        )

    def _source_id(self, row: int, raw: object) -> str | None:
        if raw is None:
            self._issue("value.required", row, "source_id")
            return None
        source_id = clean_key(str(raw))
        if not source_id:  # nothing but invisible characters
            self._issue("value.required", row, "source_id")
            return None
        if len(source_id) > MAX_SOURCE_ID:
            self._issue("text.too_long", row, "source_id", source_id, limit=MAX_SOURCE_ID)
        first = self._seen_ids.setdefault(source_id, row)
        if first != row:
            self._issue("source_id.duplicate", row, "source_id", source_id, first=first)
        if source_id in self.foreign_ids:
            self._issue("source_id.out_of_scope", row, "source_id", source_id)
        self._formula_warning(row, "source_id", source_id)
        return source_id

    def _note(self, row: int, raw: object) -> str:
        note = nfc(str(raw))
        if len(note) > MAX_NOTE:
            self._issue("text.too_long", row, "note", note, limit=MAX_NOTE)
        self._formula_warning(row, "note", note)
        return note

    def _formula_warning(self, row: int, column: str, text: str) -> None:
        if text.startswith(FORMULA_CHARS):
            self._issue("text.formula_like", row, column, text, Severity.WARNING)

    def _moment(
        self, row: int, column: str, raw: object, *, required: bool
    ) -> tuple[datetime, date] | tuple[None, None]:
        """(naive UTC moment, local day) of a date cell, or (None, None) if it is empty or breaks a rule."""
        if raw is None:
            if required:
                self._issue("value.required", row, column)
            return _NO_MOMENT
        utc, day, rule, serial = self._moments.read(raw)
        if serial is not None:
            self._issue("date.excel_serial", row, column, serial[0], Severity.WARNING, date=serial[1])
        if utc is None or day is None:
            self._issue(rule or "date.format", row, column, raw)
            return _NO_MOMENT
        return utc, day

    def _cleared_on(
        self, row: int, raw: object, status: IncidentStatus | None, occurred_on: date | None
    ) -> date | None:
        _, cleared_on = self._moment(row, "cleared_at", raw, required=False)
        if status is IncidentStatus.CLEARED:
            if cleared_on is None and raw is None:
                self._issue("cleared_at.required", row, "cleared_at")
            elif cleared_on and occurred_on and cleared_on < occurred_on:
                self._issue("cleared_at.before_occurred", row, "cleared_at", raw)
        elif cleared_on is not None and status is not None:
            self._issue("cleared_at.not_cleared", row, "cleared_at", raw, Severity.WARNING)
            cleared_on = None
        return cleared_on

    def _status(self, row: int, raw: object) -> IncidentStatus | None:
        if raw is None:
            self._issue("value.required", row, "status")
            return None
        text = str(raw)
        status = self._statuses.get(text)
        if status is None:
            status = (
                self._statuses[text]
                if text in self._statuses
                else remember(self._statuses, text, status_of(text))
            )
            if status is None:
                self._issue("status.unknown", row, "status", raw)
        return status

    def _offence(
        self, row: int, raw: object, on: date | None, day: DayContext | None
    ) -> tuple[OffenceFacts | None, int | None]:
        """The offence facts and clause of an ``article`` cell (see :mod:`antt.importers.articles`)."""
        if raw is None:
            self._issue("value.required", row, "article")
            return None, None
        text = str(raw) if not isinstance(raw, float) else (f"{raw:g}")
        facts, clause, error, warning = self._articles.check(text, on, day[2] if day else None)
        if error is not None:
            self._issue(error[0], row, "article", raw, **error[1])
            return None, None
        if warning is not None:
            self._issue(warning[0], row, "article", raw, Severity.WARNING, **warning[1])
        return facts, clause

    def _count(self, row: int, column: str, raw: object, cache: dict[str, int]) -> int | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            cached = cache.get(raw)
            if cached is not None:
                return cached
        value, rule = whole_number(raw, amount=column == "damage_vnd")
        if rule is not None:
            # a negative whole number from a workbook cell is shown as read: -2, not -2.0
            shown = int(raw) if rule == "number.negative" and isinstance(raw, float) else raw
            self._issue(rule, row, column, shown)
            return None
        if isinstance(raw, str) and value is not None:
            remember(cache, raw, value)
        return value

    def _flag(self, row: int, column: str, raw: object) -> bool:
        if raw is None:
            return False
        if isinstance(raw, bool):
            return raw
        text = str(raw)
        flag = self._flags.get(text)
        if flag is None:
            flag = self._flags[text] if text in self._flags else remember(self._flags, text, flag_of(text))
            if flag is None:
                self._issue("bool.format", row, column, raw)
                return False
        return flag

    def _persons(self, row: int, raw: object, suspects: int | None) -> tuple[str, ...]:
        pseudonyms: list[str] = []
        for pid in person_id_parts(str(raw)):
            if not is_valid_personal_id(pid):
                # never echo a (possibly real) identifier in full: mask all but the last 3 digits
                self._issue("person_id.format", row, "person_ids", mask(pid))
                continue
            pseudonym = self._pseudonyms.get(pid)
            if pseudonym is None:
                pseudonym = remember(self._pseudonyms, pid, pseudonymise(pid, self.pseudonym_key))
            pseudonyms.append(pseudonym)
        distinct = set(pseudonyms)
        if suspects is not None and len(distinct) > suspects:
            self._issue(
                "person_ids.more_than_suspects",
                row,
                "person_ids",
                None,
                Severity.WARNING,
                count=len(distinct),
                suspects=suspects,
            )
        return tuple(sorted(distinct))

    def _day(self, on: date) -> DayContext:
        context = self._days.get(on)
        if context is None:
            context = remember(
                self._days,
                on,
                (self.units.scheme_on(on).code, self.units.is_fallback(on), self._articles.epoch(on)),
            )
        return context

    # --- per chunk ----------------------------------------------------------------------------------
    def _finish(self, pending: list[_Pending]) -> list[IncidentRecord]:
        """Locate the chunk's points, settle each row's unit and build its record."""
        where = self._places.locate([(p[0], p[6], p[7]) for p in pending if p[6] is not None])
        settle_point, report_unit = self._places.settle_point, self._places.report_unit
        records: list[IncidentRecord] = []
        append = records.append
        counts: dict[str, int] = {}
        code_flag = LocationFlag.CODE
        allowed = self.allowed_units
        for (
            row,
            source_id,
            occurred,
            occurred_on,
            reported,
            unit,
            lon,
            lat,
            facts,
            clause,
            status,
            cleared_on,
            suspects,
            victims,
            drug_related,
            organised_group,
            damage_vnd,
            note,
            persons,
        ) in pending:
            flag, point_code = code_flag, None
            if lon is not None:
                settled = settle_point(row, unit, lon, lat, where[row])
                if settled is None:
                    continue
                unit, flag, point_code = settled
            report_code, approximate = report_unit(unit, point_code)
            if allowed is not None and report_code not in allowed:
                self._issue("unit.out_of_scope", row, "unit_code", unit[1], unit=report_code)
                continue
            counts[flag] = counts.get(flag, 0) + 1
            if approximate:
                counts["approximate"] = counts.get("approximate", 0) + 1
            append(
                IncidentRecord(
                    source_id,
                    occurred,
                    occurred_on,
                    reported,
                    unit[0],
                    unit[1],
                    lat,
                    lon,
                    flag,
                    facts[0],
                    clause,
                    facts[1],
                    facts[2],
                    facts[3],
                    facts[4],
                    status,
                    cleared_on,
                    suspects,
                    victims,
                    drug_related,
                    organised_group,
                    damage_vnd,
                    note,
                    report_code,
                    approximate,
                    persons,
                )
            )
        for key, count in counts.items():
            self.assignments[str(key)] += count
        self.rows_valid += len(records)
        return records
