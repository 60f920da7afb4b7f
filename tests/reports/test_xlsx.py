"""The xlsx renderer on its own: formula-like text stays inert, numbers stay numbers."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl

from antt.reports.document import Column, Header, Kind, Report, Signature, Stamp, Table
from antt.reports.xlsx import inert, render_xlsx

HOSTILE = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x")']


def report_with(table: Table) -> Report:
    return Report(
        header=Header(
            ("BỘ CÔNG AN",),
            ("CÔNG AN THÀNH PHỐ", "HẢI PHÒNG"),
            "BC-CATP",
            "Hải Phòng",
            date(2026, 2, 5),
            "Thử",
        ),
        sections=[],
        annexes=[table],
        signature=Signature("GIÁM ĐỐC"),
        recipients=["- Lưu: VT."],
        stamp=Stamp({"Kỳ báo cáo": "Tháng 2/2026"}, date(2026, 2, 5), "thử", datetime(2026, 2, 5, 9, 0)),
    )


def test_formula_like_text_is_written_as_inert_text() -> None:
    table = Table(
        "=Bảng",
        "@tiêu đề",
        [Column("=Tên"), Column("Số vụ", Kind.COUNT), Column("Tỷ lệ", Kind.PERCENT)],
        [[text, i, 12.5] for i, text in enumerate(HOSTILE)],
    )
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report_with(table))))
    sheet = book[book.sheetnames[1]]
    assert sheet["A1"].data_type == "s" and sheet["A1"].value == "'@tiêu đề"
    assert sheet["A2"].value == "'=Tên"
    for i, text in enumerate(HOSTILE, 3):
        cell = sheet.cell(i, 1)
        assert cell.data_type == "s", cell.value
        assert cell.value == "'" + text
        assert sheet.cell(i, 2).data_type == "n" and sheet.cell(i, 2).value == i - 3
        assert sheet.cell(i, 3).value == 12.5


def test_ordinary_text_is_unchanged() -> None:
    assert inert("Phường Hồng Bàng") == "Phường Hồng Bàng"
    assert inert("-5") == "'-5"


def test_sheet_names_are_unique_and_legal() -> None:
    table = Table("PL1: Kỳ này/ [nháp]", "t", [Column("a")], [["x"]])
    report = report_with(table)
    report.annexes.append(table)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert len(set(book.sheetnames)) == 3
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in book.sheetnames)
