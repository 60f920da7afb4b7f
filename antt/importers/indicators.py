"""Validation of indicator-value files into :class:`IndicatorValueRecord`.

Indicator values are the measured quantities that do not come from incidents: e-ID accounts (level 2),
chip ID cards, online public services, drug users under management, drug-use places, drug arrests, social
evils and fires, traffic accidents, population, GRDP growth, PCI score/rank, PAR Index/rank
(the catalogue, :data:`~antt.importers.indicator_rules.KNOWN_INDICATORS`, and the format:
``docs/formats/indicators.md``).

Two layouts are accepted (headers in English or Vietnamese, any case, with or without diacritics):

* **long** — one value per row: ``indicator | Chỉ số``, ``unit_code | Mã đơn vị hành chính``,
  ``period | Kỳ`` (a :func:`~antt.domain.periods.parse_period` form: ``year:2024``, ``month:2024-03``,
  ``quarter:2026-Q2``, ``report-month:2026-04`` …), ``value | Giá trị``, and optionally
  ``unit_of_measure | Đơn vị tính``, ``source | Nguồn``, ``synthetic | Mô phỏng`` (có/không);
* **wide** — no ``indicator``/``value`` columns, but one column per indicator, named by its code or its
  Vietnamese name (``population.csv``: ``unit_code,year,population``). An empty cell is no value.

In both, a ``year | Năm`` column may stand in for ``period`` (``2024`` → ``year:2024``), and an optional
``unit_scheme | Hệ đơn vị hành chính`` column names the unit scheme of the row's code. Without it the code
is looked up in the scheme in force on the period's last day, unless the import declares a scheme for the
whole file (re-aggregated data: values of 2021 given for the communes of 1 July 2025).

Like the incident validator, it streams rows in and chunks of valid records out, and collects every
problem of every row in :attr:`IndicatorValidator.issues`; the caller writes nothing unless the file passes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from antt.domain.periods import Period, parse_period, today_local
from antt.domain.text import fold, nfc
from antt.domain.units import Level, Scheme, UnitCatalog
from antt.errors import InvalidInput, Issue, Severity
from antt.importers.cells import clean_key
from antt.importers.columns import Column, match_headers
from antt.importers.indicator_rules import (
    KIND_NAMES,
    KIND_RANGES,
    KNOWN_INDICATORS,
    KNOWN_LIST,
    PERIOD_EXAMPLES,
    RULES,
    VALUE_RANGES,
    IndicatorInfo,
    make_issue,
)
from antt.importers.issue_log import IssueLog

__all__ = [
    "INDICATOR_COLUMNS",
    "KNOWN_INDICATORS",
    "RULES",
    "IndicatorInfo",
    "IndicatorValidator",
    "IndicatorValueRecord",
    "make_issue",
    "parse_number",
]

REORGANISATION = date(2025, 7, 1)
FORMULA_CHARS = ("=", "+", "-", "@")
MAX_SOURCE = 500


INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "Chỉ số", required=True),
    Column("unit_code", "Mã đơn vị hành chính", required=True),
    Column("period", "Kỳ", required=True),
    Column("value", "Giá trị", required=True),
    Column("unit_of_measure", "Đơn vị tính"),
    Column("source", "Nguồn"),
    Column("synthetic", "Mô phỏng"),
)
# Accepted besides: a year instead of the period, the unit scheme of the code, and the wide layout.
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("year", "Năm"),
    Column("unit_scheme", "Hệ đơn vị hành chính"),
)
WIDE_COLUMNS: tuple[Column, ...] = tuple(
    Column(code, info.name_vi) for code, info in KNOWN_INDICATORS.items()
)
_RELATIVE_WORDS = re.compile(r"\b(current|today|previous)\b", re.IGNORECASE)


class IndicatorValueRecord(NamedTuple):
    indicator: str
    unit_scheme: str
    unit_code: str
    period: str  # the canonical key: year:2024, month:2024-03 …
    period_start: date
    period_end: date
    value: float
    unit_of_measure: str
    source: str
    synthetic: bool


_TRUE = {"1", "x", "co", "yes", "true", "y", "đ", "d"}
_FALSE = {"", "0", "khong", "no", "false", "n"}
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_number(raw: object) -> float | None:
    """A finite number from a cell: ``12.5``, ``12,5``, ``1.234.567``, ``1.234,5``, ``1,234.5`` or a number.

    One separator alone is the decimal mark; a separator repeated in groups of three is a thousands
    separator; with both, the last one is the decimal mark.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
        return value if math.isfinite(value) else None
    text = _SPACES.sub("", str(raw))
    if not text:
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        whole, _, fraction = text.rpartition(decimal)
        if not _GROUPED.fullmatch(whole) and not whole.lstrip("+-").isdigit():
            return None
        text = re.sub(r"[.,]", "", whole) + "." + fraction
    elif text.count(",") > 1 or text.count(".") > 1:
        if not _GROUPED.fullmatch(text):
            return None
        text = re.sub(r"[.,]", "", text)
    else:
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


_UnitLookup = tuple[tuple[str, str] | None, str, dict[str, Any]]


class _UnitFound(NamedTuple):
    key: tuple[str, str]
    declared_early: str | None  # the declared scheme, when the period ended before it came into force
    fallback: bool  # checked against the earliest list for a period before it


@dataclass
class IndicatorValidator:
    """Checks an indicator file row by row; :meth:`records` yields chunks of valid records.

    ``unit_scheme`` declares the scheme of every code without a ``unit_scheme`` cell (otherwise: the
    scheme in force on the period's last day); ``synthetic`` is the default for rows without a
    ``synthetic`` cell; ``allowed_units`` (``None`` = city-wide) limits the units the importer may write.
    """

    file: str
    headers: list[str]
    units: UnitCatalog
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    unit_scheme: str | None = None
    synthetic: bool | None = None
    allowed_units: frozenset[tuple[str, str]] | None = None
    chunk_rows: int = 5000
    issues: list[Issue] = field(default_factory=IssueLog)  # the first of each rule; all are counted
    rows_seen: int = 0
    values_valid: int = 0
    by_indicator: Counter[str] = field(default_factory=Counter)
    fallback_values: int = 0
    declared_values: Counter[str] = field(default_factory=Counter)  # scheme -> values before it began
    _errors: int = 0

    def __post_init__(self) -> None:
        if self.unit_scheme is not None and self._scheme(self.unit_scheme) is None:
            raise InvalidInput(
                f"Hệ đơn vị hành chính '{self.unit_scheme}' không xác định; dùng: {self._scheme_list()}.",
                f"Unknown unit scheme '{self.unit_scheme}'; use: {self._scheme_list()}.",
            )
        self._today = today_local(self.now)
        self._check_headers()
        self.header_ok = not any(i.is_error for i in self.issues)
        self._position_items = list(self.positions.items())
        self._seen: dict[tuple[str, str, str, str], int] = {}
        self._periods: dict[str, Period | Issue] = {}
        self._unit_cache: dict[tuple[str, str, bool], _UnitLookup] = {}

    # --- public -------------------------------------------------------------------------------------
    @property
    def error_count(self) -> int:
        return self._errors

    def records(self, rows: Iterable[tuple[int, list[object]]]) -> Iterator[list[IndicatorValueRecord]]:
        """Validate ``rows``; yield chunks of valid records (invalid values are reported, not yielded)."""
        if not self.header_ok:
            return
        chunk: list[IndicatorValueRecord] = []
        for row_number, cells in rows:
            self.rows_seen += 1
            chunk.extend(self._check_row(row_number, cells))
            if len(chunk) >= self.chunk_rows:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        if self.fallback_values:
            self._issue(
                "unit.scheme_fallback", None, None, None, Severity.WARNING, count=self.fallback_values
            )
        for scheme, count in sorted(self.declared_values.items()):
            self._issue(
                "unit.scheme_declared", None, None, None, Severity.WARNING, count=count, scheme=scheme
            )

    # --- header -------------------------------------------------------------------------------------
    def _check_headers(self) -> None:
        columns = (
            *(replace(c, required=c.name == "unit_code") for c in INDICATOR_COLUMNS),
            *EXTRA_COLUMNS,
            *WIDE_COLUMNS,
        )
        self.positions, header_issues = match_headers(self.headers, columns, self.file)
        for issue in header_issues:
            self._add(issue)
        present = self.positions.keys()
        self._wide_columns = [c for c in KNOWN_INDICATORS if c in present]
        if "period" in present and "year" in present:
            self._issue("header.period_and_year", 1, "year")
        elif "period" not in present and "year" not in present:
            self._issue("header.missing", 1, "period", columns="'Kỳ' (period) / 'Năm' (year)")
        long_columns = [c for c in ("indicator", "value") if c in present]
        if long_columns and self._wide_columns:
            self._issue(
                "header.mixed_layout", 1, self._wide_columns[0], columns=", ".join(self._wide_columns)
            )
        elif not self._wide_columns:
            for col in INDICATOR_COLUMNS:
                if col.name in ("indicator", "value") and col.name not in present:
                    self._issue("header.missing", 1, col.name, columns=f"'{col.header_vi}' ({col.name})")

    # --- per row ------------------------------------------------------------------------------------
    def _add(self, issue: Issue) -> None:
        self.issues.append(issue)
        if issue.is_error:
            self._errors += 1

    def _issue(
        self,
        rule: str,
        row: int | None,
        column: str | None,
        value: object = None,
        severity: Severity = Severity.ERROR,
        **params: object,
    ) -> None:
        self._add(
            make_issue(rule, file=self.file, row=row, column=column, value=value, severity=severity, **params)
        )

    def _values(self, cells: list[object]) -> dict[str, object]:
        n = len(cells)
        values: dict[str, object] = {}
        for name, pos in self._position_items:
            value = cells[pos] if pos < n else None
            if isinstance(value, str):
                value = clean_key(value) or None  # BOM, zero-width characters: see cells.clean_key
            values[name] = value
        return values

    def _check_row(self, row: int, cells: list[object]) -> list[IndicatorValueRecord]:
        errors_before = self.error_count
        cell = self._values(cells).get

        period = self._period(row, cell("period"), cell("year"))
        unit = self._unit(row, cell("unit_code"), cell("unit_scheme"), period)
        unit_of_measure = cell("unit_of_measure")
        source = self._source(row, cell("source"))
        synthetic = self._synthetic(row, cell("synthetic"))

        pairs: list[tuple[str | None, str, object]]
        if self._wide_columns:
            pairs = [(code, code, cell(code)) for code in self._wide_columns if cell(code) is not None]
            if not pairs:
                self._issue("value.required", row, self._wide_columns[0])
        else:
            pairs = [(self._indicator(row, cell("indicator")), "value", cell("value"))]

        checked: list[tuple[str, float, str]] = []
        for indicator, column, raw in pairs:
            if indicator is None:
                continue
            info = KNOWN_INDICATORS[indicator]
            value = self._value(row, column, raw, indicator, info)
            uom = self._unit_of_measure(row, unit_of_measure, indicator, info)
            if value is None or uom is None:
                continue
            if period is not None and unit is not None:
                key = (indicator, *unit.key, period.key)
                first = self._seen.setdefault(key, row)
                if first != row:
                    shown = f"{indicator} {unit.key[1]} {period.key}"
                    self._issue("key.duplicate", row, column, shown, first=first)
                    continue
            checked.append((indicator, value, uom))

        if self.error_count > errors_before or period is None or unit is None:
            return []
        scheme, code = unit.key
        records = [
            IndicatorValueRecord(
                indicator=indicator,
                unit_scheme=scheme,
                unit_code=code,
                period=period.key,
                period_start=period.start,
                period_end=period.end,
                value=value,
                unit_of_measure=uom,
                source=source,
                synthetic=synthetic,
            )
            for indicator, value, uom in checked
        ]
        for r in records:
            self.by_indicator[r.indicator] += 1
        if unit.declared_early is not None:
            self.declared_values[unit.declared_early] += len(records)
        if unit.fallback:
            self.fallback_values += len(records)
        self.values_valid += len(records)
        return records

    def _indicator(self, row: int, raw: object) -> str | None:
        if raw is None:
            self._issue("value.required", row, "indicator")
            return None
        text = str(raw).strip()
        if text in KNOWN_INDICATORS:
            return text
        key = fold(text)
        for code, info in KNOWN_INDICATORS.items():
            if key in (fold(code), fold(info.name_vi)):
                return code
        self._issue("indicator.unknown", row, "indicator", raw, known=KNOWN_LIST)
        return None

    def _period(self, row: int, period_raw: object, year_raw: object) -> Period | None:
        if "year" in self.positions:
            column = "year"
            if year_raw is None:
                self._issue("value.required", row, column)
                return None
            year = year_raw
            if isinstance(year, float) and year.is_integer():
                year = int(year)
            text = str(year).strip()
            if isinstance(year, bool) or not (len(text) == 4 and text.isdigit()):
                self._issue("year.format", row, column, year_raw)
                return None
            text = f"year:{text}"
        else:
            column = "period"
            if period_raw is None:
                self._issue("value.required", row, column)
                return None
            text = str(period_raw)
        found = self._periods.get(text)
        if found is None:
            found = self._periods[text] = self._parse_period(text, column, row)
        if isinstance(found, Issue):
            self._add(replace(found, row=row))
            return None
        if found.start > self._today:
            self._issue(
                "period.future",
                row,
                column,
                text,
                start=f"{found.start:%d/%m/%Y}",
                today=f"{self._today:%d/%m/%Y}",
            )
            return None
        return found

    def _parse_period(self, text: str, column: str, row: int) -> Period | Issue:
        if _RELATIVE_WORDS.search(text):
            return make_issue(
                "period.relative",
                file=self.file,
                row=row,
                column=column,
                value=text,
                examples=PERIOD_EXAMPLES,
            )
        try:
            return parse_period(text)
        except InvalidInput as exc:
            detail = exc.issues[0] if exc.issues else None
            return make_issue(
                "period.format",
                file=self.file,
                row=row,
                column=column,
                value=text,
                detail_vi=detail.message_vi if detail else exc.message_vi,
                detail_en=detail.message_en if detail else exc.message_en,
                examples=PERIOD_EXAMPLES,
            )

    def _unit(self, row: int, raw: object, scheme_raw: object, period: Period | None) -> _UnitFound | None:
        if raw is None:
            self._issue("value.required", row, "unit_code")
            return None
        code = _code_text(raw)
        declared: str | None = self.unit_scheme
        if scheme_raw is not None:
            declared = str(scheme_raw).strip()
            if self._scheme(declared) is None:
                self._issue("unit_scheme.unknown", row, "unit_scheme", scheme_raw, known=self._scheme_list())
                return None
        if period is None:
            return None
        if declared is not None:
            scheme = self.units.scheme(declared)
            if scheme.valid_to is not None and period.start > scheme.valid_to:
                self._issue(
                    "unit_scheme.ended",
                    row,
                    "unit_scheme" if scheme_raw is not None else "unit_code",
                    declared,
                    scheme=scheme.code,
                    valid_to=f"{scheme.valid_to:%d/%m/%Y}",
                )
                return None
            if self.units.find(declared, code) is None:
                self._issue("unit.unknown_in_scheme", row, "unit_code", raw, scheme=declared)
                return None
            found = _UnitFound((declared, code), declared if period.end < scheme.valid_from else None, False)
        else:
            key, rule, params = self._unit_on(code, period.end)
            if key is None:
                self._issue(rule, row, "unit_code", raw, **params)
                return None
            found = _UnitFound(key, None, self.units.is_fallback(period.end))
        if self.allowed_units is not None and found.key not in self.allowed_units:
            self._issue("unit.out_of_scope", row, "unit_code", raw)
            return None
        return found

    def _unit_on(self, code: str, on: date) -> _UnitLookup:
        """``(key, "", {})`` of the unit in force on ``on``, or ``(None, rule, params)`` of the error."""
        scheme = self.units.scheme_on(on)
        after = on >= REORGANISATION
        cache_key = (scheme.code, code, after)
        found = self._unit_cache.get(cache_key)
        if found is not None:
            return found
        if self.units.find(scheme.code, code) is not None:
            found = ((scheme.code, code), "", {})
        else:
            older = [s for s in self.units.schemes_with_code(code) if s.valid_from < scheme.valid_from]
            old_unit = self.units.get(older[-1].code, code) if older else None
            if old_unit is not None and after and old_unit.level is Level.DISTRICT:
                found = (None, "unit.district_after_reorganisation", {})
            else:
                targets = (
                    ", ".join(
                        f"{c.new.code} {c.new.name} ({c.transfer.value})"
                        for c in self.units.convert(old_unit, scheme.code)
                    )
                    if old_unit is not None and after
                    else ""
                )
                if targets:
                    found = (None, "unit.old_code", {"targets": targets})
                else:
                    found = (None, "unit.unknown", {"day": f"{on:%d/%m/%Y}", "scheme": scheme.code})
        self._unit_cache[cache_key] = found
        return found

    def _value(self, row: int, column: str, raw: object, indicator: str, info: IndicatorInfo) -> float | None:
        if raw is None:
            self._issue("value.required", row, column)
            return None
        value = parse_number(raw)
        if value is None:
            self._issue("value.format", row, column, raw)
            return None
        kind = info.kind
        if kind in ("count", "amount", "rank") and not value.is_integer():
            kind_vi, kind_en = KIND_NAMES[kind]
            self._issue(
                "value.not_whole", row, column, raw, indicator=indicator, kind_vi=kind_vi, kind_en=kind_en
            )
            return None
        if kind == "rank" and value < 1:
            self._issue("value.rank", row, column, raw, indicator=indicator)
            return None
        if kind == "flag" and value not in (0.0, 1.0):
            self._issue("value.flag", row, column, raw, indicator=indicator)
            return None
        bounds = VALUE_RANGES.get(indicator) or KIND_RANGES.get(kind)
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self._issue(
                "value.range",
                row,
                column,
                raw,
                indicator=indicator,
                low=_num(bounds[0]),
                high=_num(bounds[1]),
            )
            return None
        if value < 0 and bounds is None:
            self._issue("value.negative", row, column, raw, indicator=indicator)
            return None
        return value + 0.0  # -0.0 → 0.0

    def _unit_of_measure(self, row: int, raw: object, indicator: str, info: IndicatorInfo) -> str | None:
        if raw is None:
            return info.unit_of_measure
        text = str(raw).strip()
        if fold(text) != fold(info.unit_of_measure):
            self._issue(
                "unit_of_measure.mismatch",
                row,
                "unit_of_measure",
                raw,
                indicator=indicator,
                expected=info.unit_of_measure,
            )
            return None
        return info.unit_of_measure

    def _source(self, row: int, raw: object) -> str:
        if raw is None:
            return ""
        text = nfc(str(raw))
        if len(text) > MAX_SOURCE:
            self._issue("text.too_long", row, "source", text, limit=MAX_SOURCE)
        if text.startswith(FORMULA_CHARS):
            self._issue("text.formula_like", row, "source", text, Severity.WARNING)
        return text

    def _synthetic(self, row: int, raw: object) -> bool:
        if raw is None:
            return bool(self.synthetic)
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        key = fold(str(raw))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        self._issue("bool.format", row, "synthetic", raw)
        return False

    # --- schemes ------------------------------------------------------------------------------------
    def _scheme(self, code: str) -> Scheme | None:
        return next((s for s in self.units.schemes if s.code == code), None)

    def _scheme_list(self) -> str:
        return ", ".join(s.code for s in self.units.schemes)


def _code_text(raw: object) -> str:
    """A unit code as text: ``10507.0`` (an Excel number) → ``10507``; a 4-digit code regains its zero."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        code = str(int(raw))
    else:
        code = str(raw).strip()
    if code.isdigit() and len(code) in (1, 4):
        code = code.zfill(len(code) + 1)
    return code


def _num(value: float) -> str:
    return f"{value:g}"
