"""How a table cell reads in a document (Vietnamese separators); xlsx keeps numbers as numbers."""

from __future__ import annotations

from antt.domain.documents import format_count, format_decimal
from antt.reports.document import Cell, Kind


def cell_text(value: Cell, kind: Kind) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind is Kind.COUNT:
        return format_count(int(value))
    if kind is Kind.PERCENT:
        return format_decimal(float(value), 1)
    return format_decimal(float(value), 2)
