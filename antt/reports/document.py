"""The format-neutral report: what a periodic security-and-order report says, not how it looks.

A service builds a :class:`Report` from the CompStat and targets services; one renderer per format
(:mod:`antt.reports.docx`, :mod:`antt.reports.pdf`, :mod:`antt.reports.xlsx`) turns it into bytes. The
layout follows Decree 30/2020/NĐ-CP, Appendix I (REFERENCE §6): header block (ô số 1–5), body sections,
signature (ô số 7), recipients (ô số 9), secrecy and urgency marks (ô số 10).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from antt.domain.documents import MOTTO, NATIONAL_TITLE, document_number, place_and_date

Cell = str | int | float | None


class Kind(StrEnum):
    """How a table column is written: text, a count, a percentage (a number in percent) or a decimal."""

    TEXT = "text"
    COUNT = "count"
    PERCENT = "percent"
    DECIMAL = "decimal"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    width: float = 12  # a hint, in characters


@dataclass(frozen=True)
class Table:
    """A table of figures. ``key`` names it (the xlsx sheet); ``total`` is an optional last row."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart of series over categories (drawn by :mod:`antt.reports.charts`)."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]  # (legend, one value per category)
    y_label: str = ""


@dataclass(frozen=True)
class Area:
    """One commune on a map: its GeoJSON geometry (WGS84) and its value (``None``: not shown)."""

    code: str
    name: str
    geometry: dict[str, object]
    value: float | None


@dataclass(frozen=True)
class Map:
    """A choropleth of communes (drawn by :mod:`antt.reports.maps`); ``legend`` names the value."""

    title: str
    areas: list[Area]
    legend: str
    decimals: int = 0  # of the class bounds in the legend
    labelled: int = 5  # the communes with the highest values get their names on the map


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False  # for the author to write (rendered highlighted)
    indent: bool = True  # first-line indent of body text


Block = Paragraph | Table | Chart | Map


@dataclass(frozen=True)
class Section:
    heading: str  # e.g. "I. TÌNH HÌNH"
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    """Ô số 1–5 of Decree 30: the bodies, number, place and date, document type and summary."""

    superior_lines: tuple[str, ...]  # the superior body, broken where its lines should break
    issuing_lines: tuple[str, ...]  # the issuing body, likewise (Decree 30 lets a long name take two)
    symbol: str  # e.g. "BC-CATP": the number's symbol
    place: str
    issued: date
    summary: str
    number: int | None = None
    doc_type: str = "BÁO CÁO"
    national_title: str = NATIONAL_TITLE
    motto: str = MOTTO

    @property
    def superior_body(self) -> str:
        return " ".join(self.superior_lines)

    @property
    def issuing_body(self) -> str:
        return " ".join(self.issuing_lines)

    @property
    def number_line(self) -> str:
        return document_number(self.symbol, self.number)

    @property
    def date_line(self) -> str:
        return place_and_date(self.place, self.issued)


@dataclass(frozen=True)
class Signature:
    """Ô số 7: authority (e.g. "KT. GIÁM ĐỐC"), title, and the signer's name (blank for the author)."""

    authority: str
    title: str = ""
    name: str = ""


@dataclass(frozen=True)
class Stamp:
    """What the export was made from: filters, the date data were counted to, the user, the time, the
    reference of its audit record and the draft it renders. It is written into the file's properties
    (docx core properties, PDF metadata, xlsx document properties), never into the official text."""

    filters: dict[str, str]
    data_as_of: date
    user: str
    generated_at: datetime
    reference: str = ""  # the export's reference, also in its audit record (details.reference)
    draft: str = ""  # e.g. "dự thảo số 3, phiên bản 2, đã duyệt"

    def line_vi(self) -> str:
        filters = "; ".join(f"{k}: {v}" for k, v in self.filters.items())
        line = (
            f"Xuất từ ANTT lúc {self.generated_at:%d/%m/%Y %H:%M} bởi {self.user}; số liệu đến ngày "
            f"{self.data_as_of:%d/%m/%Y}; bộ lọc: {filters}."
        )
        if self.draft:
            line += f" Theo {self.draft}."
        if self.reference:
            line += f" Mã tham chiếu nhật ký kiểm tra: {self.reference}."
        return line


@dataclass(frozen=True)
class Report:
    header: Header
    sections: list[Section]
    annexes: list[Table]
    signature: Signature
    recipients: list[str]
    stamp: Stamp
    secrecy: str | None = None  # ô số 10a: MẬT / TỐI MẬT / TUYỆT MẬT
    urgency: str | None = None  # ô số 10b: KHẨN / THƯỢNG KHẨN / HỎA TỐC
    annex_title: str = "PHỤ LỤC SỐ LIỆU"
    # statistics beyond the police's own vocabulary (z, probabilities, intervals): not in the body
    analysis: list[Table] = field(default_factory=list)
    analysis_title: str = "PHỤ LỤC PHÂN TÍCH THỐNG KÊ (tham khảo)"

    def tables(self) -> list[Table]:
        """Every table of the report: those in the sections, then the annexes, then the analysis."""
        found: list[Table] = []

        def walk(section: Section) -> None:
            found.extend(b for b in section.blocks if isinstance(b, Table))
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return found + list(self.annexes) + list(self.analysis)
