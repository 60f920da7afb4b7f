"""Validation of incident files (format: ``../shared/formats/incidents.md``) into :class:`IncidentRecord`.

The validator streams: rows come in, chunks of valid records go out, and every problem of every row is
collected in :attr:`IncidentValidator.issues` — the caller writes nothing unless the whole file passes.
Coordinates are located per chunk (vectorised point-in-polygon), everything else per row.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from antt.domain.incidents import IncidentRecord, IncidentStatus, LocationFlag, local_date, to_utc_naive
from antt.domain.offences import Offence, OffenceTable, parse_article
from antt.domain.people import is_valid_personal_id, pseudonymise
from antt.domain.text import fold, nfc
from antt.domain.units import Level, UnitCatalog
from antt.errors import Issue, Severity
from antt.importers.columns import INCIDENT_COLUMNS, match_headers
from antt.importers.geo import LocationFlag as GeoFlag
from antt.importers.geo import UnitLocator, to_wgs84
from antt.importers.rules import make_issue

MIN_DATE = date(2000, 1, 1)
REORGANISATION = date(2025, 7, 1)
EXCEL_EPOCH = datetime(1899, 12, 30)
FORMULA_CHARS = ("=", "+", "-", "@")
MAX_SOURCE_ID = 64
MAX_NOTE = 2000

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_STATUS = {
    fold(text): status
    for status, labels in {
        IncidentStatus.UNDER_INVESTIGATION: ("under_investigation", "Đang điều tra", "under investigation"),
        IncidentStatus.CLEARED: ("cleared", "Đã làm rõ", "làm rõ"),
        IncidentStatus.SUSPENDED: ("suspended", "Tạm đình chỉ"),
        IncidentStatus.CLOSED: ("closed", "Đình chỉ"),
        IncidentStatus.TRANSFERRED: ("transferred", "Chuyển cơ quan khác"),
    }.items()
    for text in labels
}
_TRUE = {"1", "x", "co", "yes", "true", "y", "đ", "d"}
_FALSE = {"", "0", "khong", "no", "false", "n"}


class _RowError(Exception):
    """Raised inside a row check once the row cannot be completed; the issues are already recorded."""


@dataclass
class _Pending:
    """A row that passed the scalar checks and waits for its coordinates to be located."""

    row: int
    values: dict[str, Any]
    lon: float | None
    lat: float | None


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
    issues: list[Issue] = field(default_factory=list)
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
        self._position_items = list(self.positions.items())
        self._now_utc = self.now.astimezone(timezone.utc).replace(tzinfo=None)
        self._seen_ids: dict[str, int] = {}
        self._articles: dict[str, tuple[str, int | None] | None] = {}
        self._pseudonyms: dict[str, str] = {}
        self._status_cache: dict[str, IncidentStatus | None] = {}
        self._day_cache: dict[str, datetime | None] = {}
        self._int_cache: dict[str, int] = {}
        self._flag_cache: dict[str, bool | None] = {}
        self._severity_cache: dict[
            tuple[str, int | None, date], tuple[str | None, str | None, str | None]
        ] = {}
        self._snap_m = int(self.locator.max_snap_m)

    # --- public -------------------------------------------------------------------------------------
    @property
    def error_count(self) -> int:
        return self._errors

    def _add(self, issue: Issue) -> None:
        self.issues.append(issue)
        if issue.is_error:
            self._errors += 1

    def records(self, rows: Iterable[tuple[int, list[object]]]) -> Iterator[list[IncidentRecord]]:
        """Validate ``rows``; yield chunks of valid records (invalid rows are reported, not yielded)."""
        if not self.header_ok:
            return
        pending: list[_Pending] = []
        for row_number, cells in rows:
            self.rows_seen += 1
            item = self._check_row(row_number, cells)
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
    def _values(self, cells: list[object]) -> dict[str, object]:
        """The row's cells by column name; text stripped, empty text as None."""
        n = len(cells)
        values: dict[str, object] = {}
        for name, pos in self._position_items:
            value = cells[pos] if pos < n else None
            if value.__class__ is str:
                value = value.strip() or None
            values[name] = value
        return values

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
        errors_before = self.error_count
        v: dict[str, Any] = {}
        values = self._values(cells)
        cell = values.get

        source_id = cell("source_id")
        if source_id is None:
            self._issue("value.required", row, "source_id")
        else:
            source_id = nfc(str(source_id))
            if len(source_id) > MAX_SOURCE_ID:
                self._issue("text.too_long", row, "source_id", source_id, limit=MAX_SOURCE_ID)
            first = self._seen_ids.setdefault(source_id, row)
            if first != row:
                self._issue("source_id.duplicate", row, "source_id", source_id, first=first)
            self._formula_warning(row, "source_id", source_id)
        v["source_id"] = source_id

        occurred = self._moment(row, "occurred_at", cell("occurred_at"), required=True)
        v["occurred_at"] = occurred
        occurred_on = local_date(occurred) if occurred else None
        v["occurred_on"] = occurred_on

        reported = self._moment(row, "reported_at", cell("reported_at"), required=False)
        if reported and occurred and reported < occurred:
            self._issue("reported_at.before_occurred", row, "reported_at", cell("reported_at"))
        v["reported_at"] = reported

        v["status"] = status = self._status(row, cell("status"))
        cleared_raw = cell("cleared_at")
        cleared = self._moment(row, "cleared_at", cleared_raw, required=False)
        cleared_on = local_date(cleared) if cleared else None
        if status is IncidentStatus.CLEARED:
            if cleared_on is None and cleared_raw is None:
                self._issue("cleared_at.required", row, "cleared_at")
            elif cleared_on and occurred_on and cleared_on < occurred_on:
                self._issue("cleared_at.before_occurred", row, "cleared_at", cleared_raw)
        elif cleared_on is not None and status is not None:
            self._issue("cleared_at.not_cleared", row, "cleared_at", cleared_raw, Severity.WARNING)
            cleared_on = None
        v["cleared_on"] = cleared_on

        v["offence"], v["clause"] = self._offence(row, cell("article"), occurred_on)
        v["suspects"] = self._count(row, "suspects", cell("suspects"))
        v["victims"] = self._count(row, "victims", cell("victims"))
        v["damage_vnd"] = self._count(row, "damage_vnd", cell("damage_vnd"))
        v["drug_related"] = self._flag(row, "drug_related", cell("drug_related"))
        v["organised_group"] = self._flag(row, "organised_group", cell("organised_group"))
        v["persons"] = self._persons(row, cell("person_ids"), v["suspects"])

        note = cell("note")
        if note is not None:
            note = nfc(str(note))
            if len(note) > MAX_NOTE:
                self._issue("text.too_long", row, "note", note, limit=MAX_NOTE)
            self._formula_warning(row, "note", note)
        v["note"] = note

        v["unit"] = self._unit_code(row, cell("unit_code"), occurred_on)
        lon, lat = self._coordinates(row, values)
        if cell("unit_code") is None and not self._has_coordinates(values):
            self._issue("unit.missing", row, "unit_code")
        if self.error_count > errors_before:
            return None
        return _Pending(row, v, lon, lat)

    def _formula_warning(self, row: int, column: str, text: str) -> None:
        if text.startswith(FORMULA_CHARS):
            self._issue("text.formula_like", row, column, text, Severity.WARNING)

    def _moment(self, row: int, column: str, raw: object, *, required: bool) -> datetime | None:
        if raw is None:
            if required:
                self._issue("value.required", row, column)
            return None
        moment = self._parse_moment(row, column, raw)
        if moment is None:
            self._issue("date.format", row, column, raw)
            return None
        utc = to_utc_naive(moment)
        if utc > self._now_utc:
            self._issue("date.future", row, column, raw)
            return None
        if local_date(utc) < MIN_DATE:
            self._issue("date.too_early", row, column, raw)
            return None
        return utc

    def _parse_moment(self, row: int, column: str, raw: object) -> datetime | None:
        if raw.__class__ is str:  # fast paths for the two layouts exports use: dd/mm/yyyy [HH:MM]
            text = raw
            if len(text) == 16 and text[2] == "/" and text[5] == "/" and text[10] == " " and text[13] == ":":
                try:
                    return datetime(
                        int(text[6:10]), int(text[3:5]), int(text[:2]), int(text[11:13]), int(text[14:])
                    )
                except ValueError:
                    return None
            if len(text) == 10 and text[2] == "/" and text[5] == "/":
                if text not in self._day_cache:
                    try:
                        self._day_cache[text] = datetime(int(text[6:]), int(text[3:5]), int(text[:2]))
                    except ValueError:
                        self._day_cache[text] = None
                return self._day_cache[text]
        if isinstance(raw, datetime):
            return raw
        if isinstance(raw, date):
            return datetime(raw.year, raw.month, raw.day)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return _excel_serial(raw)
        text = str(raw).strip()
        match = _DMY.match(text)
        if match:
            d, m, y, hh, mm, ss = match.groups()
            try:
                return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
            except ValueError:
                return None
        if text.isdigit() and len(text) == 5:
            moment = _excel_serial(int(text))
            if moment is not None:
                self._issue(
                    "date.excel_serial", row, column, text, Severity.WARNING, date=moment.strftime("%d/%m/%Y")
                )
            return moment
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
        return None

    def _status(self, row: int, raw: object) -> IncidentStatus | None:
        if raw is None:
            self._issue("value.required", row, "status")
            return None
        text = str(raw)
        if text not in self._status_cache:  # a file holds a handful of distinct spellings
            self._status_cache[text] = _STATUS.get(fold(text))
        status = self._status_cache[text]
        if status is None:
            self._issue("status.unknown", row, "status", raw)
        return status

    def _offence(self, row: int, raw: object, on: date | None) -> tuple[Offence | None, int | None]:
        if raw is None:
            self._issue("value.required", row, "article")
            return None, None
        text = str(raw) if not isinstance(raw, float) else (f"{raw:g}")
        parsed = self._articles.get(text)
        if parsed is None and text not in self._articles:
            parsed = self._articles[text] = parse_article(text)
        if parsed is None:
            self._issue("article.format", row, "article", raw)
            return None, None
        article, clause = parsed
        offence = self.offences.find(article)
        if offence is not None and not offence.is_offence:
            self._issue("article.not_an_offence", row, "article", raw, name=offence.name_vi)
            return None, None
        if offence is None:
            self._issue("article.unknown", row, "article", raw)
            return None, None
        if on is not None and not offence.in_force_on(on):
            valid = f"{offence.valid_from:%d/%m/%Y}–" + (
                f"{offence.valid_to:%d/%m/%Y}" if offence.valid_to else ""
            )
            self._issue("article.not_in_force", row, "article", raw, valid=valid)
            return None, None
        if clause is not None and offence.clauses and all(c.clause != clause for c in offence.clauses):
            self._issue(
                "clause.unknown", row, "article", raw, Severity.WARNING, article=article, clause=clause
            )
        return offence, clause

    def _count(self, row: int, column: str, raw: object) -> int | None:
        if raw is None:
            return None
        if raw.__class__ is str and raw in self._int_cache:
            return self._int_cache[raw]
        if isinstance(raw, bool):
            self._issue("number.format", row, column, raw)
            return None
        if isinstance(raw, float):
            if not raw.is_integer():
                self._issue("number.format", row, column, raw)
                return None
            raw = int(raw)
        if isinstance(raw, int):
            value = raw
        else:
            text = str(raw).replace(".", "").replace(" ", "") if column == "damage_vnd" else str(raw)
            try:
                value = int(text)
            except ValueError:
                self._issue("number.format", row, column, raw)
                return None
        if value < 0:
            self._issue("number.negative", row, column, raw)
            return None
        if raw.__class__ is str and column != "damage_vnd" and len(self._int_cache) < 10_000:
            self._int_cache[raw] = value
        return value

    def _flag(self, row: int, column: str, raw: object) -> bool:
        if raw is None:
            return False
        if isinstance(raw, bool):
            return raw
        text = str(raw)
        if text not in self._flag_cache:
            key = fold(text)
            self._flag_cache[text] = True if key in _TRUE else False if key in _FALSE else None
        flag = self._flag_cache[text]
        if flag is None:
            self._issue("bool.format", row, column, raw)
            return False
        return flag

    def _persons(self, row: int, raw: object, suspects: int | None) -> tuple[str, ...]:
        if raw is None:
            return ()
        text = str(raw)
        parts = text.split(";") if "," not in text and " " not in text else re.split(r"[;,\s]+", text)
        ids = [p for p in parts if p]
        pseudonyms: list[str] = []
        for pid in ids:
            if not is_valid_personal_id(pid):
                # never echo a (possibly real) identifier in full: mask all but the last 3 digits
                self._issue("person_id.format", row, "person_ids", _mask(pid))
                continue
            pseudonym = self._pseudonyms.get(pid)
            if pseudonym is None:
                pseudonym = self._pseudonyms[pid] = pseudonymise(pid, self.pseudonym_key)
            pseudonyms.append(pseudonym)
        if suspects is not None and len(set(pseudonyms)) > suspects:
            self._issue(
                "person_ids.more_than_suspects",
                row,
                "person_ids",
                None,
                Severity.WARNING,
                count=len(set(pseudonyms)),
                suspects=suspects,
            )
        return tuple(sorted(set(pseudonyms)))

    def _unit_code(self, row: int, raw: object, on: date | None) -> tuple[str, str] | None:
        if raw is None or on is None:
            return None
        code = str(int(raw)) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else str(raw)
        if code.isdigit() and len(code) < 5 and len(code) != 3:
            code = code.zfill(5)
        scheme = self.units.scheme_on(on)
        unit = self.units.find(scheme.code, code)
        if unit is not None and unit.level is Level.DISTRICT and on >= REORGANISATION:
            self._issue("unit.district_after_reorganisation", row, "unit_code", raw)
            return None
        if unit is None or unit.level is Level.PROVINCE:
            older = [s for s in self.units.schemes_with_code(code) if s.valid_from < scheme.valid_from]
            old_unit = self.units.get(older[-1].code, code) if older else None
            if old_unit is not None and old_unit.level is Level.DISTRICT and on >= REORGANISATION:
                self._issue("unit.district_after_reorganisation", row, "unit_code", raw)
            elif old_unit is not None and on >= REORGANISATION:
                targets = ", ".join(
                    f"{c.new.code} {c.new.name} ({c.transfer.value})"
                    for c in self.units.convert(old_unit, scheme.code)
                )
                self._issue("unit.old_code", row, "unit_code", raw, targets=targets)
            else:
                self._issue("unit.unknown", row, "unit_code", raw, day=f"{on:%d/%m/%Y}", scheme=scheme.code)
            return None
        if self.units.is_fallback(on):
            self.fallback_rows += 1
        return unit.key

    @staticmethod
    def _has_coordinates(values: dict[str, object]) -> bool:
        return any(values.get(c) is not None for c in ("lat", "lon", "x", "y"))

    def _coordinates(self, row: int, values: dict[str, object]) -> tuple[float | None, float | None]:
        lat_raw, lon_raw = values.get("lat"), values.get("lon")
        x_raw, y_raw = values.get("x"), values.get("y")
        if lat_raw is None and lon_raw is None and x_raw is None and y_raw is None:
            return None, None
        if lat_raw is not None or lon_raw is not None:
            lat, lon = _number(lat_raw), _number(lon_raw)
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self._issue("coords.invalid", row, "lat" if lat is None else "lon", f"{lat_raw}, {lon_raw}")
                return None, None
            return lon, lat
        x, y, crs = _number(x_raw), _number(y_raw), values.get("crs")
        if x is None or y is None or crs is None:
            self._issue("coords.invalid", row, "x", f"{x_raw}, {y_raw}, {crs}")
            return None, None
        try:
            lons, lats = to_wgs84([x], [y], str(crs).strip())
        except Exception:
            self._issue("coords.crs", row, "crs", crs)
            return None, None
        lon, lat = float(lons[0]), float(lats[0])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            self._issue("coords.invalid", row, "x", f"{x_raw}, {y_raw}, {crs}")
            return None, None
        return lon, lat

    # --- per chunk ----------------------------------------------------------------------------------
    def _finish(self, pending: list[_Pending]) -> list[IncidentRecord]:
        with_point = [p for p in pending if p.lon is not None]
        located = (
            self.locator.locate([p.lon or 0.0 for p in with_point], [p.lat or 0.0 for p in with_point])
            if with_point
            else None
        )
        where: dict[int, tuple[str | None, GeoFlag | None, float]] = {}
        if located is not None:
            for i, p in enumerate(with_point):
                where[id(p)] = (located.codes[i], located.flags[i], located.distances_m[i])
        current = self.units.current.code
        records: list[IncidentRecord] = []
        for p in pending:
            v = p.values
            unit: tuple[str, str] | None = v["unit"]
            flag = LocationFlag.CODE
            lon, lat = p.lon, p.lat
            code = None
            if lon is not None:
                code, geo_flag, distance = where[id(p)]
                if geo_flag is GeoFlag.OUTSIDE or code is None:
                    self._issue("coords.outside", p.row, "lat", f"{lat}, {lon}", limit=self._snap_m)
                    continue
                if unit is None:
                    unit = (current, code)
                    flag = LocationFlag.POINT
                    if geo_flag is GeoFlag.NEAREST:
                        flag = LocationFlag.NEAREST
                        self._issue(
                            "coords.nearest",
                            p.row,
                            "lat",
                            f"{lat}, {lon}",
                            Severity.WARNING,
                            code=code,
                            distance=round(distance),
                        )
                elif self._agrees(unit, code):
                    flag = LocationFlag.MATCH
                else:
                    flag = LocationFlag.MISMATCH
                    self._issue(
                        "coords.mismatch", p.row, "unit_code", unit[1], Severity.WARNING, located=code
                    )
            if unit is None:
                continue
            offence: Offence = v["offence"]
            exact, lowest, highest = self._severity(offence, v["clause"], v["occurred_on"])
            if unit[0] == current:
                report_code, approx = unit[1], False
            else:
                point_code = code if flag is LocationFlag.MATCH else None
                report_code, approx = self.units.report_unit(self.units.get(*unit), point_code)
            self.assignments[flag.value] += 1
            if approx:
                self.assignments["approximate"] += 1
            records.append(
                IncidentRecord(
                    source_id=v["source_id"],
                    occurred_at=v["occurred_at"],
                    occurred_on=v["occurred_on"],
                    reported_at=v["reported_at"],
                    unit_scheme=unit[0],
                    unit_code=unit[1],
                    lat=lat,
                    lon=lon,
                    location_flag=flag,
                    article=offence.article,
                    clause=v["clause"],
                    reporting_group=offence.reporting_group,
                    severity=exact,
                    severity_min=lowest,
                    severity_max=highest,
                    status=v["status"],
                    cleared_on=v["cleared_on"],
                    suspects=v["suspects"],
                    victims=v["victims"],
                    drug_related=v["drug_related"],
                    organised_group=v["organised_group"],
                    damage_vnd=v["damage_vnd"],
                    note=v["note"],
                    report_unit_code=report_code,
                    report_approx=approx,
                    persons=v["persons"],
                )
            )
        self.rows_valid += len(records)
        return records

    def _severity(
        self, offence: Offence, clause: int | None, on: date
    ) -> tuple[str | None, str | None, str | None]:
        """(exact, lightest, heaviest) severity; cached — a file repeats few articles."""
        key = (offence.article, clause, on)
        found = self._severity_cache.get(key)
        if found is None:
            severity = offence.severity(clause, on)
            found = self._severity_cache[key] = (
                severity.exact.value if severity and severity.exact else None,
                severity.lowest.value if severity else None,
                severity.highest.value if severity else None,
            )
        return found

    def _agrees(self, unit: tuple[str, str], located_code: str) -> bool:
        if unit[0] == self.units.current.code:
            return unit[1] == located_code
        old = self.units.get(*unit)
        return any(c.new.code == located_code for c in self.units.convert(old))


def _excel_serial(value: float) -> datetime | None:
    if not 36526 <= value < 2958466:  # 01/01/2000 … 31/12/9999
        return None
    return EXCEL_EPOCH + timedelta(days=float(value))


def _number(raw: object) -> float | None:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        try:
            value = float(str(raw).replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def _mask(personal_id: str) -> str:
    return "*" * max(len(personal_id) - 3, 0) + personal_id[-3:]
