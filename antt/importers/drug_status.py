"""Official drug-status decisions per commune and year (``docs/formats/drug-status.md``).

Pure validation, like every importer: rows in, :class:`~antt.domain.drug_status.Decision` records and
bilingual issues out, nothing written. The unit code of a row is read in the scheme in force on its
decision date (a code of June 2025 is an old commune; the same code in August 2025 is a new one).
Conflicts with decisions already stored are checked by the service (:meth:`DrugStatusValidator.conflict`
makes the issue) because only it reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from antt.domain.drug_status import Decision, DrugStatus, parse_status
from antt.domain.text import fold
from antt.domain.units import Level, UnitCatalog
from antt.errors import Issue, Severity
from antt.importers.cells import _parse_other, clean_key
from antt.importers.columns import Column, match_headers
from antt.importers.issue_log import IssueLog
from antt.importers.rules import issue_from

DRUG_STATUS_COLUMNS: tuple[Column, ...] = (
    Column("unit_code", "Mã đơn vị hành chính", required=True),
    Column("year", "Năm", required=True),
    Column("status", "Tình trạng", required=True),
    Column("decision_number", "Số quyết định", required=True),
    Column("decision_date", "Ngày quyết định", required=True),
    Column("issued_by", "Cơ quan ban hành", required=True),
    Column("valid_from", "Hiệu lực từ"),
    Column("valid_to", "Hiệu lực đến"),
    Column("unit_name", "Tên đơn vị"),
    Column("note", "Ghi chú"),
)

MAX_NUMBER, MAX_ISSUER, MAX_NOTE = 100, 300, 1000
MIN_YEAR = 2000
MIN_DAY = date(2000, 1, 1)

_STATUSES_VI = (
    ", ".join(s.label_vi for s in DrugStatus) + " (hoặc " + ", ".join(s.value for s in DrugStatus) + ")"
)
_STATUSES_EN = ", ".join(s.value for s in DrugStatus)

RULES: dict[str, tuple[str, str]] = {
    "value.required": ("Thiếu giá trị bắt buộc.", "A required value is missing."),
    "text.too_long": ("Quá dài (tối đa {limit} ký tự).", "Too long (at most {limit} characters)."),
    "text.formula_like": (
        "Bắt đầu bằng ký tự công thức; được lưu dưới dạng văn bản, không bao giờ được tính.",
        "Starts with a formula character; stored as text and never evaluated.",
    ),
    "unit.unknown": (
        "Mã {code} không có trong danh mục đơn vị hành chính hiệu lực ngày quyết định {day} (hệ {scheme}){hint_vi}.",
        "Code {code} is not in the list of units in force on the decision date {day} (scheme {scheme}){hint_en}.",
    ),
    "unit.not_commune": (
        "Mã {code} là {kind} {name}, không phải đơn vị cấp xã; quyết định ghi cho từng xã, phường, đặc khu.",
        "Code {code} is {name} ({kind}), not a commune-level unit; decisions are per commune, ward or special zone.",
    ),
    "unit.name_mismatch": (
        "Tên đơn vị khác với tên của mã {code} trong hệ {scheme} ({name}); giữ theo mã.",
        "The unit name differs from the name of code {code} in scheme {scheme} ({name}); the code is kept.",
    ),
    "year.format": (
        "Năm phải là số nguyên 4 chữ số, vd. 2025.",
        "The year must be a 4-digit whole number, e.g. 2025.",
    ),
    "year.out_of_range": (
        "Năm {year} không hợp lệ cho quyết định ngày {day} (từ {min} đến năm sau năm quyết định).",
        "Year {year} is not valid for a decision dated {day} (from {min} to the year after the decision).",
    ),
    "status.unknown": (
        f"Tình trạng không tồn tại; dùng: {_STATUSES_VI}.",
        f"No such status; use: {_STATUSES_EN}.",
    ),
    "date.format": (
        "Không đọc được ngày; dùng dd/mm/yyyy hoặc yyyy-mm-dd.",
        "Unreadable date; use dd/mm/yyyy or yyyy-mm-dd.",
    ),
    "date.future": (
        "Ngày quyết định ở tương lai (sau {today}).",
        "The decision date is in the future (after {today}).",
    ),
    "date.too_early": ("Ngày trước 01/01/2000.", "The date is before 01/01/2000."),
    "valid_to.before_valid_from": (
        "Ngày hết hiệu lực trước ngày bắt đầu hiệu lực ({valid_from}).",
        "The end of validity is before its start ({valid_from}).",
    ),
    "decision.duplicate": (
        "Trùng hoàn toàn với dòng {first}; dòng này được bỏ qua.",
        "The same decision as row {first}; this row is skipped.",
    ),
    "decision.conflict": (
        "Quyết định {number} cho đơn vị {code} năm {year} đã có ở dòng {first} với nội dung khác ({fields}).",
        "Decision {number} on unit {code} for {year} is already on row {first} with different contents ({fields}).",
    ),
    "decision.conflict_stored": (
        "Quyết định {number} cho đơn vị {code} năm {year} đã được nhập trước đây (lô {batch}) với nội dung "
        "khác ({fields}); quyết định đã ghi không được sửa bằng tệp nhập — một quyết định sửa đổi cần số "
        "quyết định riêng.",
        "Decision {number} on unit {code} for {year} was imported before (batch {batch}) with different "
        "contents ({fields}); a recorded decision is not changed by an import — an amending decision needs "
        "its own number.",
    ),
}

_FIELD_NAMES = ("status", "decision_date", "issued_by", "valid_from", "valid_to")


def make_issue(
    rule: str,
    *,
    file: str,
    row: int | None,
    column: str | None,
    value: object = None,
    severity: Severity = Severity.ERROR,
    **params: object,
) -> Issue:
    return issue_from(
        RULES, rule, file=file, row=row, column=column, value=value, severity=severity, **params
    )


def differing_fields(a: Decision, b: Decision) -> str:
    """The columns in which two decisions with the same key differ, e.g. ``status, issued_by``."""
    return ", ".join(n for n, x, y in zip(_FIELD_NAMES, a.contents(), b.contents(), strict=True) if x != y)


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        return raw.isoformat()
    return clean_key(str(raw))


def _day(raw: object) -> date | None:
    """A date cell: an Excel date, ``dd/mm/yyyy`` or ``yyyy-mm-dd`` (a time of day is ignored)."""
    moment, _serial = _parse_other(raw)
    if moment is None:
        return None
    return moment.date()


class DrugStatusValidator:
    """Checks a decision file's header and rows; ``issues`` holds every problem found, ``records`` the
    decisions that passed (exact repeats of an earlier row dropped)."""

    def __init__(self, file: str, headers: list[str], units: UnitCatalog, today: date) -> None:
        self.file = file
        self.units = units
        self.today = today
        self.positions, header_issues = match_headers(headers, DRUG_STATUS_COLUMNS, file)
        self.issues = IssueLog(header_issues)
        self.records: list[Decision] = []
        self.rows_seen = 0
        self.duplicates = 0
        self._first: dict[tuple[str, str, int, str], tuple[int, Decision]] = {}
        self.rows_of: dict[tuple[str, str, int, str], int] = {}

    @property
    def error_count(self) -> int:
        return self.issues.error_total

    def _issue(
        self,
        rule: str,
        row: int,
        column: str,
        value: object = None,
        severity: Severity = Severity.ERROR,
        **p: object,
    ) -> None:
        self.issues.append(
            make_issue(rule, file=self.file, row=row, column=column, value=value, severity=severity, **p)
        )

    def conflict(self, decision: Decision, stored: Decision, batch: int | None) -> None:
        """A row whose key is already stored with other contents (found by the service)."""
        self._issue(
            "decision.conflict_stored",
            self.rows_of.get(decision.key, 0),
            "decision_number",
            decision.decision_number,
            number=decision.decision_number,
            code=decision.unit[1],
            year=decision.year,
            batch=batch if batch is not None else "?",
            fields=differing_fields(decision, stored),
        )

    def validate(self, rows: Iterable[tuple[int, list[object]]]) -> list[Decision]:
        if any(i.is_error for i in self.issues):  # a missing column: the rows cannot be read
            for _ in rows:
                self.rows_seen += 1
            return []
        for number, cells in rows:
            self.rows_seen += 1
            record = self._row(number, cells)
            if record is not None:
                self._add(number, record)
        return self.records

    def _cell(self, cells: list[object], name: str) -> object:
        index = self.positions.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _add(self, row: int, record: Decision) -> None:
        first = self._first.get(record.key)
        if first is None:
            self._first[record.key] = (row, record)
            self.rows_of[record.key] = row
            self.records.append(record)
            return
        first_row, earlier = first
        if earlier.contents() == record.contents():
            self.duplicates += 1
            self._issue(
                "decision.duplicate",
                row,
                "decision_number",
                record.decision_number,
                Severity.WARNING,
                first=first_row,
            )
            return
        self._issue(
            "decision.conflict",
            row,
            "decision_number",
            record.decision_number,
            number=record.decision_number,
            code=record.unit[1],
            year=record.year,
            first=first_row,
            fields=differing_fields(record, earlier),
        )

    def _row(self, row: int, cells: list[object]) -> Decision | None:
        errors = self.issues.error_total
        decision_date = self._date(row, "decision_date", self._cell(cells, "decision_date"), required=True)
        if decision_date is not None and decision_date > self.today:
            self._issue(
                "date.future",
                row,
                "decision_date",
                _text(self._cell(cells, "decision_date")),
                today=f"{self.today:%d/%m/%Y}",
            )
            decision_date = None
        unit = self._unit(row, cells, decision_date)
        year = self._year(row, self._cell(cells, "year"), decision_date)
        status = self._status(row, _text(self._cell(cells, "status")))
        number = self._plain(row, "decision_number", self._cell(cells, "decision_number"), MAX_NUMBER, True)
        issuer = self._plain(row, "issued_by", self._cell(cells, "issued_by"), MAX_ISSUER, True)
        note = self._plain(row, "note", self._cell(cells, "note"), MAX_NOTE, False)
        valid_from = self._date(row, "valid_from", self._cell(cells, "valid_from"), required=False)
        valid_to = self._date(row, "valid_to", self._cell(cells, "valid_to"), required=False)
        start = valid_from or decision_date
        if start is not None and valid_to is not None and valid_to < start:
            self._issue(
                "valid_to.before_valid_from",
                row,
                "valid_to",
                _text(self._cell(cells, "valid_to")),
                valid_from=f"{start:%d/%m/%Y}",
            )
        if self.issues.error_total > errors:
            return None
        assert unit is not None and year is not None and status is not None and start is not None
        assert number is not None and issuer is not None and decision_date is not None
        return Decision(unit, year, status, number, decision_date, issuer, start, valid_to, note or "")

    def _plain(self, row: int, column: str, raw: object, limit: int, required: bool) -> str | None:
        text = " ".join(_text(raw).split())
        if not text:
            if required:
                self._issue("value.required", row, column)
            return None if required else ""
        if len(text) > limit:
            self._issue("text.too_long", row, column, text, limit=limit)
            return None
        if text[0] in "=+-@":
            self._issue("text.formula_like", row, column, text, Severity.WARNING)
        return text

    def _date(self, row: int, column: str, raw: object, *, required: bool) -> date | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self._issue("value.required", row, column)
            return None
        day = _day(raw.strip() if isinstance(raw, str) else raw)
        if day is None:
            self._issue("date.format", row, column, _text(raw))
            return None
        if day < MIN_DAY:
            self._issue("date.too_early", row, column, _text(raw))
            return None
        return day

    def _year(self, row: int, raw: object, decision_date: date | None) -> int | None:
        text = _text(raw)
        if not text:
            self._issue("value.required", row, "year")
            return None
        if not (text.isdigit() and len(text) == 4):
            self._issue("year.format", row, "year", text)
            return None
        year = int(text)
        if decision_date is not None and not (MIN_YEAR <= year <= decision_date.year + 1):
            self._issue(
                "year.out_of_range",
                row,
                "year",
                text,
                year=year,
                day=f"{decision_date:%d/%m/%Y}",
                min=MIN_YEAR,
            )
            return None
        return year

    def _status(self, row: int, text: str) -> DrugStatus | None:
        if not text:
            self._issue("value.required", row, "status")
            return None
        status = parse_status(text)
        if status is None:
            self._issue("status.unknown", row, "status", text)
        return status

    def _unit(self, row: int, cells: list[object], on: date | None) -> tuple[str, str] | None:
        code = _text(self._cell(cells, "unit_code"))
        if not code:
            self._issue("value.required", row, "unit_code")
            return None
        if on is None:  # the scheme depends on the decision date, which is wrong or missing
            return None
        scheme = self.units.scheme_on(on)
        unit = self.units.find(scheme.code, code)
        if unit is None:
            elsewhere = [self.units.get(s.code, code) for s in self.units.schemes_with_code(code)]
            hint_vi = "".join(f"; mã này là {u.name} trong hệ {u.scheme}" for u in elsewhere)
            hint_en = "".join(f"; the code is {u.name} in scheme {u.scheme}" for u in elsewhere)
            self._issue(
                "unit.unknown",
                row,
                "unit_code",
                code,
                code=code,
                day=f"{on:%d/%m/%Y}",
                scheme=scheme.code,
                hint_vi=hint_vi,
                hint_en=hint_en,
            )
            return None
        if unit.level is not Level.COMMUNE:
            self._issue("unit.not_commune", row, "unit_code", code, code=code, name=unit.name, kind=unit.kind)
            return None
        name = _text(self._cell(cells, "unit_name"))
        if name and fold(name) not in (fold(unit.name), fold(unit.short_name)):
            self._issue(
                "unit.name_mismatch",
                row,
                "unit_name",
                name,
                Severity.WARNING,
                code=code,
                scheme=scheme.code,
                name=unit.name,
            )
        return unit.key
