"""Builders of hostile import files (issue 17), shared by the tests and ``bench/hostile_imports.py``: many
bad rows, an xlsx declaring millions of empty rows, a CSV of one enormous line."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.incident_files import HEADERS, incident, write_csv

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c t="inlineStr"><is><t>{v}</t></is></c>' if v else "<c/>" for v in values
    )  # no r attribute: cells follow one another
    return f'<row r="{number}">{cells}</row>'


def empty_rows_xlsx(path: Path, *, empty_rows: int = 3_000_000, last_row: int | None = None) -> Path:
    """A header, one incident, then ``empty_rows`` ``<row>`` elements with only a height (as a sheet
    formatted down to its last row has), and, with ``last_row``, one more incident that far down
    (the rows between are not in the file at all)."""
    row = incident(1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="A1:P8300000"/><sheetData>'
            )
            sheet.write(_row(1, HEADERS).encode())
            sheet.write(_row(2, [str(row[h]) for h in HEADERS]).encode())
            batch: list[str] = []
            for n in range(3, empty_rows + 3):
                batch.append(f'<row r="{n}" ht="15" customHeight="1"/>')
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            if last_row is not None:
                far = incident(2)
                sheet.write(_row(last_row, [str(far[h]) for h in HEADERS]).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def long_line_csv(path: Path, megabytes: int = 200) -> Path:
    """A header, then one line of ``megabytes`` MB with no line break."""
    with path.open("wb") as fh:
        fh.write(",".join(HEADERS).encode() + b"\r\nHP-00001,")
        block = b"x" * (1 << 20)
        for _ in range(megabytes):
            fh.write(block)
    return path


def bad_rows_csv(path: Path, megabytes: float = 7) -> Path:
    """About ``megabytes`` MB of rows that each break several rules (unknown unit, impossible date,
    unknown article, bad status, negative count, bad personal id)."""
    template = incident(
        1,
        unit_code="99999",
        occurred_at="31/02/2026 10:00",
        article="999.9",
        status="không biết",
        suspects="-2",
        person_ids="12345",
        note="dữ liệu hỏng " * 3,
    )
    size = len(",".join(str(v) for v in template.values()).encode()) + 2
    count = int(megabytes * 2**20 / size)
    rows = [{**template, "source_id": f"HP-{n:07d}"} for n in range(1, count + 1)]
    return write_csv(path, rows)
