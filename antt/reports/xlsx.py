"""The annex tables as an Excel workbook (XlsxWriter): one sheet each, numbers as numbers.

Each sheet: the table's title, then a frozen header row in Vietnamese, then the rows (counts as integers,
percentages and z as decimals, blanks for "not computable"). Text is always written as text, never as a
formula; text that a spreadsheet could take for one (starting with ``= + - @``, tab or carriage return) is
also prefixed with an apostrophe, as OWASP's CSV-injection guidance recommends, so it stays inert when
copied or saved as CSV. Written in constant-memory mode: row by row, so 100,000 rows stay small.
"""

from __future__ import annotations

import io
import re

from antt.reports.document import Kind, Report, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def inert(text: str) -> str:
    """``text`` with an apostrophe in front when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def sheet_name(table: Table, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", table.key)[:31] or "Bang"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def render_xlsx(report: Report, tables: list[Table] | None = None) -> bytes:
    """The workbook of ``tables`` (default: the report's annexes, then its analytical annex) with a first
    sheet saying what it is; where the export comes from (audit reference, user) is in the workbook's
    document properties."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    formats = {
        Kind.COUNT: book.add_format({"num_format": "#,##0"}),
        Kind.PERCENT: book.add_format({"num_format": "0.0"}),
        Kind.DECIMAL: book.add_format({"num_format": "0.00"}),
        Kind.TEXT: None,
    }
    stamp = report.stamp
    book.set_properties(
        {
            "title": f"{report.header.doc_type} {report.header.summary}",
            "subject": report.header.issuing_body,
            "author": "ANTT",
            "comments": stamp.line_vi(),
            "keywords": f"ANTT, {stamp.reference}" if stamp.reference else "ANTT",
            "status": stamp.draft,
            "created": stamp.generated_at,
        }
    )
    used: set[str] = set()
    about = book.add_worksheet(sheet_name(Table("Thông tin", "", [], []), used))
    h = report.header
    lines = [
        h.issuing_body,
        f"{h.doc_type}: {h.summary}",
        h.date_line,
        f"Số liệu đến ngày {stamp.data_as_of:%d/%m/%Y}",
        *(f"{k}: {v}" for k, v in stamp.filters.items()),
    ]
    about.set_column(0, 0, 120)
    for i, line in enumerate(lines):
        about.write_string(i, 0, inert(line), title if i < 2 else None)
    for table in tables if tables is not None else [*report.annexes, *report.analysis]:
        sheet = book.add_worksheet(sheet_name(table, used))
        sheet.write_string(0, 0, inert(table.title), title)
        for j, column in enumerate(table.columns):
            sheet.set_column(j, j, column.width)
            sheet.write_string(1, j, inert(column.header), header)
        sheet.freeze_panes(2, 0)
        rows = [*table.rows, *([table.total] if table.total else [])]
        for i, row in enumerate(rows, 2):
            fmt_total = bold if table.total is not None and i == len(rows) + 1 else None
            for j, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(i, j, inert(value), fmt_total)
                else:
                    sheet.write_number(i, j, value, formats[column.kind] or fmt_total)
        if table.note:
            sheet.write_string(len(rows) + 3, 0, inert(table.note))
    book.close()
    return buffer.getvalue()
