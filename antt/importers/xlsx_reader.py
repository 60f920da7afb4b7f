"""Reading xlsx for import: the zip is checked from its central directory before openpyxl parses anything
(zip bombs, truncation), then the sheet's rows stream from openpyxl's sheet parser.

The rows are read from the parser itself rather than ``iter_rows``, whose read-only mode makes up an empty
row for every row number the sheet skips and keeps the attributes of every ``<row>`` element: a 74 KB
file declaring 8.3 million empty rows took 35 s and 931 MB. Here a skipped row costs nothing, a row is no
wider than the header (cells beyond it are not read), and a sheet is refused past Excel's own limit of
1,048,576 rows or after :data:`MAX_EMPTY_RUN` empty rows in a row.
"""

from __future__ import annotations

import logging
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from antt.errors import ImportRejected, Issue, Severity
from antt.importers.cells import clean_key
from antt.importers.table import (  # noqa: F401 - shared constants and rejections
    _EMPTY_ZIP_MAGIC,
    _MAX_ZIP_ENTRIES,
    _MAX_ZIP_RATIO,
    _RATIO_CHECK_FROM,
    _SAVE_AS_XLSX_EN,
    _SAVE_AS_XLSX_VI,
    _ZIP_MAGIC,
    Table,
    _empty,
    _int_vi,
    _rejected,
    _size_en,
    _size_vi,
)

log = logging.getLogger(__name__)

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_EMPTY_RUN = 100_000  # empty rows one after another before the sheet is refused (~0.3 s to read)

# What openpyxl and zipfile raise on a damaged or non-conforming package. ValueError, TypeError, KeyError,
# IndexError and AttributeError come from openpyxl's parsers meeting XML they do not expect.
_XLSX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    InvalidFileException,
    zlib.error,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree.ElementTree.ParseError, lxml's XMLSyntaxError
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
)


@contextmanager
def _open_xlsx(fh: IO[bytes], name: str, sheet: str | None, max_uncompressed_bytes: int) -> Iterator[Table]:
    _check_package(fh, name, max_uncompressed_bytes)
    fh.seek(0)
    try:
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise _corrupt(name, exc) from exc
    try:
        worksheet, warnings = _pick_sheet(workbook, name, sheet)
        sheet_rows = _SheetRows(worksheet)
        rows = _xlsx_rows(sheet_rows, name)
        first = next(rows, None)
        if first is None:
            raise _empty(name)
        header = first[1]
        sheet_rows.width = len(header)  # the validator reads no cell beyond the header's
        yield Table(
            file_name=name,
            kind="xlsx",
            headers=[_header_text(cell) for cell in header],
            rows=rows,
            encoding=None,
            delimiter=None,
            warnings=warnings,
        )
    finally:
        workbook.close()


def _check_package(fh: IO[bytes], name: str, max_uncompressed_bytes: int) -> None:
    """Reject a package that is not a zip, or whose central directory announces a zip bomb."""
    try:
        with zipfile.ZipFile(fh) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _corrupt(name, exc) from exc

    reason: tuple[str, str] | None = None
    total = sum(entry.file_size for entry in entries)
    if len(entries) > _MAX_ZIP_ENTRIES:
        reason = (
            f"có {_int_vi(len(entries))} phần, tối đa {_int_vi(_MAX_ZIP_ENTRIES)}",
            f"it has {len(entries):,} parts; at most {_MAX_ZIP_ENTRIES:,} are allowed",
        )
    elif total > max_uncompressed_bytes:
        reason = (
            f"giải nén ra {_size_vi(total)}, vượt giới hạn {_size_vi(max_uncompressed_bytes)}",
            f"it unpacks to {_size_en(total)}, more than the {_size_en(max_uncompressed_bytes)} limit",
        )
    else:
        for entry in entries:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > _RATIO_CHECK_FROM and ratio > _MAX_ZIP_RATIO:
                reason = (
                    f"phần “{entry.filename}” giải nén ra {_size_vi(entry.file_size)}, "
                    f"gấp {_int_vi(round(ratio))} lần kích thước nén",
                    f"part “{entry.filename}” unpacks to {_size_en(entry.file_size)}, {ratio:,.0f} times "
                    "its compressed size",
                )
                break
    if reason is not None:
        raise _rejected(
            "xlsx.zip_bomb",
            name,
            f"Tệp Excel có cấu trúc bất thường ({reason[0]}) nên bị từ chối để bảo vệ hệ thống. Hãy mở tệp "
            "trong Excel, sao chép dữ liệu sang một sổ làm việc mới, lưu thành .xlsx rồi tải lên lại.",
            f"The Excel file was rejected to protect the system because its structure is abnormal "
            f"({reason[1]}). Open it in Excel, copy the data into a new workbook, save it as .xlsx and "
            "upload it again.",
        )
    if not any(entry.filename == "[Content_Types].xml" for entry in entries):
        raise _corrupt(name, KeyError("[Content_Types].xml"))


def _pick_sheet(workbook: Any, name: str, sheet: str | None) -> tuple[Any, list[Issue]]:
    sheets = list(workbook.worksheets)
    titles = [ws.title for ws in sheets]
    if sheet is None:
        if not sheets:
            raise _rejected(
                "xlsx.sheet",
                name,
                "Tệp Excel không có trang tính (sheet) nào chứa bảng dữ liệu. "
                "Hãy đặt dữ liệu vào trang tính đầu tiên rồi lưu lại.",
                "The Excel file has no worksheet holding a table. Put the data on the first sheet and save "
                "the file again.",
            )
        warnings = []
        if len(sheets) > 1:
            warnings.append(
                Issue(
                    rule="xlsx.other_sheets",
                    message_vi=f"Tệp có {len(sheets)} trang tính; chỉ đọc trang đầu tiên “{titles[0]}”. Nếu "
                    "dữ liệu ở trang khác, hãy chọn đúng trang tính khi nhập.",
                    message_en=f"The file has {len(sheets)} sheets; only the first, “{titles[0]}”, was read. "
                    "If the data is on another sheet, choose that sheet when importing.",
                    severity=Severity.WARNING,
                    file=name,
                )
            )
        return sheets[0], warnings
    wanted = unicodedata.normalize("NFC", sheet)
    for ws in sheets:
        if unicodedata.normalize("NFC", ws.title) == wanted:
            return ws, []
    folded = [ws for ws in sheets if _fold(ws.title) == _fold(wanted)]
    if len(folded) == 1:
        return folded[0], []
    listed = ", ".join(f"“{title}”" for title in titles) or "—"
    raise _rejected(
        "xlsx.sheet",
        name,
        f"Không có trang tính “{sheet}” trong tệp. Các trang tính hiện có: {listed}. "
        "Hãy chọn một trong các trang này, hoặc đổi tên trang tính trong Excel.",
        f"There is no sheet named “{sheet}” in the file. Sheets in the file: {listed}. "
        "Choose one of these, or rename the sheet in Excel.",
        value=sheet,
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _guard_xlsx(numbered: Iterable[tuple[int, Any]], name: str) -> Iterator[tuple[int, Any]]:
    number = 0
    try:
        for number, cells in numbered:  # ``number`` locates the damage
            yield number, cells
    except _XLSX_ERRORS as exc:
        raise _corrupt(name, exc, row=number + 1) from exc


class _NoRowDimensions(dict[str, Any]):
    """openpyxl's parser records the attributes of every ``<row>`` (height, style) here; nobody reads them."""

    def __setitem__(self, key: str, value: Any) -> None:
        pass


class _SheetRows:
    """``(row number, values)`` of the ``<row>`` elements of a worksheet, in file order, at most ``width``
    values each (openpyxl's sheet parser, as ``iter_rows`` uses it, without its made-up rows)."""

    def __init__(self, worksheet: Any) -> None:
        self.worksheet = worksheet
        self.width = EXCEL_MAX_COLUMNS

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        ws, workbook = self.worksheet, self.worksheet.parent
        with ws._get_source() as source:
            parser = WorkSheetParser(
                source,
                ws._shared_strings,
                data_only=workbook.data_only,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            parser.row_dimensions = _NoRowDimensions()
            for number, cells in parser.parse():
                width = self.width
                values: list[Any] = []
                for cell in cells:
                    column = cell["column"]
                    if 0 < column <= width and cell["value"] is not None:
                        if column > len(values):
                            values.extend([None] * (column - len(values)))
                        values[column - 1] = cell["value"]
                yield number, values


def _xlsx_rows(numbered: Iterable[tuple[int, list[Any]]], name: str) -> Iterator[tuple[int, list[Any]]]:
    """The rows with content; refuses a sheet past Excel's row limit or with a long run of empty rows."""
    empty_run = first_empty = 0
    for number, cells in _guard_xlsx(numbered, name):
        if number > EXCEL_MAX_ROWS:
            raise _too_many_rows(name, number)
        row = _xlsx_cells(cells)
        if row is None:
            if not empty_run:
                first_empty = number
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                raise _empty_run(name, first_empty)
            continue
        empty_run = 0
        yield number, row


def _too_many_rows(name: str, number: int) -> ImportRejected:
    return _rejected(
        "xlsx.too_many_rows",
        name,
        f"Trang tính có dòng số {_int_vi(number)}, vượt giới hạn {_int_vi(EXCEL_MAX_ROWS)} dòng của Excel: tệp "
        f"không do Excel tạo ra hoặc đã bị sửa. {_SAVE_AS_XLSX_VI}",
        f"The sheet has a row numbered {number:,}, beyond Excel's limit of {EXCEL_MAX_ROWS:,} rows: the file "
        f"was not made by Excel or has been altered. {_SAVE_AS_XLSX_EN}",
        row=number,
    )


def _empty_run(name: str, first: int) -> ImportRejected:
    return _rejected(
        "xlsx.empty_rows",
        name,
        f"Trang tính có hơn {_int_vi(MAX_EMPTY_RUN)} dòng trống liên tiếp từ dòng {_int_vi(first)}. Hãy xoá "
        "các dòng trống thừa (chọn các dòng, bấm chuột phải › Xoá), lưu lại rồi tải lên lại.",
        f"The sheet has more than {MAX_EMPTY_RUN:,} empty rows in a row from row {first:,}. Delete the "
        "surplus empty rows (select them, right-click › Delete), save the file and upload it again.",
        row=first,
    )


def _xlsx_cells(cells: Iterable[Any]) -> list[Any] | None:
    """The row's values with text in NFC, or ``None`` when every cell is empty."""
    row = list(cells)
    empty = True
    for index, value in enumerate(row):
        if value is None:
            continue
        if isinstance(value, str):
            if not value.isascii():
                value = row[index] = unicodedata.normalize("NFC", value)
            if not value:
                continue
        empty = False
    return None if empty else row


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_key(str(value))


def _corrupt(name: str, exc: BaseException, row: int | None = None) -> ImportRejected:
    """The file cannot be read as a workbook. The problem says so in words; the library's own error
    (``BadZipFile: …``) means nothing to the analyst and goes to the log only."""
    where_vi = f" (hỏng từ dòng {row})" if row else ""
    where_en = f" (damaged from row {row} on)" if row else ""
    log.info("unreadable xlsx %s: %s: %s", name, type(exc).__name__, str(exc)[:300])
    return _rejected(
        "xlsx.corrupt",
        name,
        f"Không đọc được tệp Excel{where_vi}: tệp bị hỏng, tải lên chưa hết, hoặc không phải tệp .xlsx. "
        f"{_SAVE_AS_XLSX_VI}",
        f"The Excel file cannot be read{where_en}: it is damaged, was not uploaded completely, or is not an "
        f".xlsx file. {_SAVE_AS_XLSX_EN}",
        row=row,
    )
