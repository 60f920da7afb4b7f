"""Builders of incident files in the real import format, for tests (synthetic people only)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import text

HEADERS = [
    "source_id",
    "occurred_at",
    "reported_at",
    "unit_code",
    "lat",
    "lon",
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
]
# a point well inside Phường Hồng Bàng (11311), and one in Phường Lê Chân (11383)
HONG_BANG = (20.8616, 106.6745)


def incident(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source_id": f"HP-{n:05d}",
        "occurred_at": "05/03/2026 14:30",
        "reported_at": "05/03/2026 15:00",
        "unit_code": "11311",
        "lat": "",
        "lon": "",
        "article": "173.1",
        "status": "Đang điều tra",
        "cleared_at": "",
        "suspects": "1",
        "victims": "1",
        "person_ids": "031095000123",
        "drug_related": "không",
        "organised_group": "",
        "damage_vnd": "1500000",
        "note": "",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    headers: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    headers = headers or HEADERS
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(headers)
        for r in rows:
            writer.writerow([r.get(h, "") for h in headers])
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]], *, headers: list[str] | None = None) -> Path:
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) if r.get(h) != "" else None for h in headers])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"  # a formula-like text cell, as Excel stores typed text
    wb.save(path)
    return path


DATA_TABLES = ["incidents", "persons", "incident_persons", "incident_changes", "import_batches", "audit_log"]


def snapshot(database) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of each data table: equal snapshots = unchanged database."""
    import hashlib

    result = {}
    with database.engine.connect() as conn:
        for table in DATA_TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
            digest = hashlib.sha256(repr([tuple(map(str, r)) for r in rows]).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result
