"""Writing the demo's files byte-for-byte reproducibly: CSV as Excel saves it, and deterministic xlsx.

An xlsx is a zip whose entries carry timestamps, and whose document properties carry creation times;
both are pinned so that the same seed always gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from antt.services.imports import INCIDENT_COLUMNS

FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
HEADERS = [c.name for c in INCIDENT_COLUMNS if c.name not in ("x", "y", "crs")]
VI_HEADERS = {c.name: c.header_vi for c in INCIDENT_COLUMNS}


def write_csv(path: Path, rows: list[dict[str, object]], *, vietnamese_headers: bool = False) -> Path:
    """UTF-8 with a BOM and CRLF line ends, as Excel's "CSV UTF-8" writes."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([VI_HEADERS[h] if vietnamese_headers else h for h in HEADERS])
        for row in rows:
            writer.writerow([row[h] for h in HEADERS])
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]], *, sheet: str = "Vụ việc") -> Path:
    """An xlsx with Vietnamese headers and real date cells, reproducible to the byte."""
    wb = Workbook()
    ws = wb.create_sheet(sheet, 0)
    del wb[wb.sheetnames[1]]  # the default empty sheet
    ws.append([VI_HEADERS[h] for h in HEADERS])
    for row in rows:
        values: list[object] = []
        for h in HEADERS:
            value = row[h]
            if h in ("occurred_at", "reported_at") and value:
                value = datetime.strptime(str(value), "%d/%m/%Y %H:%M")
            elif h == "cleared_at" and value:
                value = datetime.strptime(str(value), "%d/%m/%Y")
            values.append(None if value == "" else value)
        ws.append(values)
    for cells in ws.iter_rows(min_row=2, max_col=3):
        for cell in cells[1:3]:
            cell.number_format = "dd/mm/yyyy hh:mm"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "ANTT demo — Dữ liệu mô phỏng"
    buffer = io.BytesIO()
    wb.save(buffer)
    _rezip(buffer.getvalue(), path)
    return path


def _rezip(data: bytes, path: Path) -> None:
    """Copy a zip with every entry's timestamp pinned (openpyxl stamps the current time)."""
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes "modified" as now, whatever we set
                content = _pin_core_times(content)
            target.writestr(pinned, content)


def _pin_core_times(xml: bytes) -> bytes:
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", xml
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
