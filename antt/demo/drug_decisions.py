"""Synthetic ("Dữ liệu mô phỏng") drug-status decisions for the demo city, in the import format of
``docs/formats/drug-status.md``: the 2025 classification (class I, II, III) decided on 15/09/2025 and the
recognition of drug-free communes on 20/12/2025. The recognised communes are those the indicators give as
drug-free in 2025, except every eighth of them (in code order), still awaiting recognition — so the page
has communes whose indicative figure and official status differ. Decision numbers, dates and bodies are
invented and marked as such; no real decision is reproduced.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

FILE = "drug-status.csv"
CLASSIFIED_ON = date(2025, 9, 15)
RECOGNISED_ON = date(2025, 12, 20)
ISSUER = "UBND thành phố Hải Phòng (mô phỏng)"
NOTE = "Dữ liệu mô phỏng / synthetic"
_CLASS = {"I": "class_1", "II": "class_2", "III": "class_3"}


def write_drug_decisions(path: Path, classes: dict[str, str], end: date) -> Path | None:
    """Write the decisions dated up to ``end`` (``classes``: commune → ``I``/``II``/``III``/``drug_free``
    in 2025); ``None`` when none is dated by then."""
    if end < CLASSIFIED_ON:
        return None
    rows = [
        (code, 2025, _CLASS[cls], "2500/QĐ-UBND-MP", f"{CLASSIFIED_ON:%d/%m/%Y}", ISSUER, NOTE)
        for code, cls in sorted(classes.items())
        if cls in _CLASS
    ]
    if end >= RECOGNISED_ON:
        free = sorted(code for code, cls in classes.items() if cls == "drug_free")
        rows += [
            (code, 2025, "drug_free", "3001/QĐ-UBND-MP", f"{RECOGNISED_ON:%d/%m/%Y}", ISSUER, NOTE)
            for i, code in enumerate(free)
            if i % 8 != 7
        ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            ("unit_code", "year", "status", "decision_number", "decision_date", "issued_by", "note")
        )
        writer.writerows(rows)
    return path
