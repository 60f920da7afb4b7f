"""What every reader returns (:class:`Table`), and the file-level rejections they share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from antt.errors import ImportRejected, Issue

CSV_EXTENSIONS = frozenset({".csv", ".txt"})
XLSX_EXTENSIONS = frozenset({".xlsx"})

_CHUNK = 1 << 20  # bytes read at a time
_MAX_ZIP_ENTRIES = 10_000
_MAX_ZIP_RATIO = 200
_RATIO_CHECK_FROM = 50 * 2**20  # an entry is checked for its compression ratio above this size

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, or an encrypted .xlsx

# Characters that do not occur in a genuine Windows-1258 text once it is NFC-normalised: C0/C1 controls
# other than tab and line ends, and the five combining tone marks left over (a tone mark that did not
# combine with a vowel means the bytes were not Vietnamese text in Windows-1258).
_NOT_CP1258_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u0300\u0301\u0303\u0309\u0323\ufffd]")

_NUL = re.compile("\x00")

_SAVE_AS_CSV_VI = (
    "Hãy mở tệp trong Excel, chọn Tệp (File) › Lưu thành (Save As) › “CSV UTF-8 (Comma delimited) (*.csv)” "
    "rồi tải lên lại."
)
_SAVE_AS_CSV_EN = (
    "Open the file in Excel, choose File › Save As › “CSV UTF-8 (Comma delimited) (*.csv)” "
    "and upload it again."
)
_SAVE_AS_XLSX_VI = (
    "Hãy mở tệp trong Excel, chọn Tệp (File) › Lưu thành (Save As) › “Excel Workbook (*.xlsx)” "
    "rồi tải lên lại."
)
_SAVE_AS_XLSX_EN = (
    "Open the file in Excel, choose File › Save As › “Excel Workbook (*.xlsx)” and upload it again."
)


@dataclass(frozen=True)
class Table:
    """A file opened for import: its header cells and an iterator of ``(row number, cells)``."""

    file_name: str
    kind: str
    headers: list[str]
    rows: Iterator[tuple[int, list[object]]]
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[Issue] = field(default_factory=list)


def _display_name(display_name: str | None, path: Path) -> str:
    name = display_name if display_name is not None else path.name
    name = re.split(r"[\\/]", name)[-1].strip() or path.name
    return unicodedata.normalize("NFC", name)


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def _empty(name: str) -> ImportRejected:
    return _rejected(
        "file.empty",
        name,
        "Tệp rỗng hoặc không có dòng tiêu đề. Dòng đầu tiên của tệp phải là tên các cột (ví dụ “Mã vụ việc”, "
        "“Thời gian xảy ra”), các dòng sau là dữ liệu.",
        "The file is empty or has no header row. The first row must hold the column names (e.g. "
        "“source_id”, “occurred_at”) and the following rows the data.",
    )


def _rejected(
    rule: str,
    name: str,
    message_vi: str,
    message_en: str,
    *,
    row: int | None = None,
    value: str | None = None,
) -> ImportRejected:
    issue = Issue(
        rule=rule,
        message_vi=unicodedata.normalize("NFC", message_vi),
        message_en=message_en,
        file=name,
        row=row,
        value=value,
    )
    return ImportRejected(issue.message_vi, issue.message_en, issues=[issue])


def _size_en(size: int) -> str:
    if size >= 2**30:
        text = f"{size / 2**30:.1f} GB"
    elif size >= 2**20:
        text = f"{size / 2**20:.1f} MB"
    else:
        text = f"{size / 2**10:.1f} KB"
    return text.replace(".0 ", " ")


def _int_vi(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _size_vi(size: int) -> str:
    return _size_en(size).replace(".", ",")
