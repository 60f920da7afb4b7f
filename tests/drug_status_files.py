"""Synthetic drug-status decision files for the tests (no real decision is reproduced)."""

from __future__ import annotations

import csv
from pathlib import Path

HEADERS_EN = ("unit_code", "year", "status", "decision_number", "decision_date", "issued_by")
HEADERS_VI = (
    "Mã đơn vị hành chính",
    "Năm",
    "Tình trạng",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
)
CITY = "UBND thành phố Hải Phòng"

# Five new communes recognised drug-free for 2025 (decided 20/12/2025), one class II, one inherited case:
# old Phường Cẩm Thượng (2025-01, 10507) recognised in June 2025, before the reorganisation.
GOOD_ROWS: list[tuple[object, ...]] = [
    ("11383", 2025, "drug_free", "3001/QĐ-UBND", "20/12/2025", CITY),
    ("10525", 2025, "không ma túy", "3001/QĐ-UBND", "20/12/2025", CITY),
    ("11311", 2025, "drug_free", "3001/QĐ-UBND", "2025-12-20", CITY),
    ("10532", 2025, "drug_free", "3001/QĐ-UBND", "20/12/2025", CITY),
    ("10537", 2025, "drug_free", "3001/QĐ-UBND", "20/12/2025", CITY),
    ("10543", 2025, "loại II", "2500/QĐ-UBND", "15/09/2025", CITY),
    ("10507", 2025, "drug_free", "1200/QĐ-UBND", "10/06/2025", "UBND tỉnh Hải Dương"),
]


def write_decisions(
    path: Path, rows: list[tuple[object, ...]], headers: tuple[str, ...] = HEADERS_EN
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
