"""Column specifications of import files and matching of a file's header row against them.

A column may be named by its English name or its Vietnamese header, in any case, with or without
diacritics ("Mã vụ việc", "ma vu viec", "source_id", "Source ID").
"""

from __future__ import annotations

from dataclasses import dataclass

from antt.domain.text import fold
from antt.errors import Issue, Severity


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    header_vi: str
    required: bool = False


INCIDENT_COLUMNS: tuple[Column, ...] = (
    Column("source_id", "Mã vụ việc", required=True),
    Column("occurred_at", "Thời gian xảy ra", required=True),
    Column("reported_at", "Thời gian tiếp nhận"),
    Column("unit_code", "Mã đơn vị hành chính"),
    Column("lat", "Vĩ độ"),
    Column("lon", "Kinh độ"),
    Column("x", "X"),
    Column("y", "Y"),
    Column("crs", "Hệ tọa độ"),
    Column("article", "Điều luật", required=True),
    Column("status", "Tình trạng", required=True),
    Column("cleared_at", "Ngày làm rõ"),
    Column("suspects", "Số đối tượng"),
    Column("victims", "Số bị hại"),
    Column("person_ids", "Số định danh đối tượng"),
    Column("drug_related", "Liên quan ma túy"),
    Column("organised_group", "Băng nhóm"),
    Column("damage_vnd", "Thiệt hại (đồng)"),
    Column("note", "Ghi chú"),
)


def _key(text: str) -> str:
    return fold(text.replace("_", " "))


def match_headers(
    headers: list[str], columns: tuple[Column, ...], file: str
) -> tuple[dict[str, int], list[Issue]]:
    """Map column names to positions in ``headers``; report unknown, duplicate and missing columns."""
    by_key: dict[str, Column] = {}
    col: Column | None
    for col in columns:
        by_key[_key(col.name)] = col
        by_key[_key(col.header_vi)] = col
        # "Thiệt hại (đồng)" is also written without the unit in brackets
        if "(" in col.header_vi:
            by_key[_key(col.header_vi.split("(")[0])] = col
    positions: dict[str, int] = {}
    issues: list[Issue] = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        col = by_key.get(_key(header))
        if col is None:
            issues.append(
                Issue(
                    "header.unknown",
                    "Cột không xác định, được bỏ qua.",
                    "Unknown column, ignored.",
                    Severity.WARNING,
                    file=file,
                    row=1,
                    column=header,
                    value=header,
                )
            )
        elif col.name in positions:
            issues.append(
                Issue(
                    "header.duplicate",
                    f"Cột '{col.name}' xuất hiện hai lần.",
                    f"Column '{col.name}' appears twice.",
                    file=file,
                    row=1,
                    column=header,
                    value=header,
                )
            )
        else:
            positions[col.name] = index
    for col in columns:
        if col.required and col.name not in positions:
            issues.append(
                Issue(
                    "header.missing",
                    f"Thiếu cột bắt buộc '{col.header_vi}' ({col.name}).",
                    f"Required column '{col.name}' ({col.header_vi}) is missing.",
                    file=file,
                    row=1,
                    column=col.name,
                )
            )
    return positions, issues
