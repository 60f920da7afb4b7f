"""Streaming readers: an uploaded ``.csv``/``.txt`` or ``.xlsx`` file → a header row and numbered data rows.

:func:`open_table` checks the file as a whole (type, size, encoding, zip structure, sheet) and raises
:class:`~antt.errors.ImportRejected` with one bilingual :class:`~antt.errors.Issue` for the first
file-level problem. It never looks at cell contents: that is the validator's job.

Row numbers are the numbers a user sees in Excel: for xlsx the sheet row, for csv the record number
(a blank line is a record, as Excel shows it; a quoted cell spanning several lines is one record).
Rows with no content at all (every cell empty) are skipped but keep their number.

CSV is decoded in 1 MiB chunks, cut at line ends and NFC-normalised only when a chunk is not pure ASCII,
then handed to :func:`csv.reader`; there is no per-cell Python work. Before that pass the file is checked
once for decodability (for UTF-8 a fast pass over the bytes that skips ASCII-only chunks).

The rows iterator reads from the open file: consume it inside the ``with`` block.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from antt.errors import ImportRejected, Issue, Severity

__all__ = ["CSV_EXTENSIONS", "XLSX_EXTENSIONS", "Table", "open_table"]

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


@contextmanager
def open_table(
    path: Path,
    *,
    display_name: str | None = None,
    sheet: str | None = None,
    max_file_bytes: int = 512 * 2**20,
    max_uncompressed_bytes: int = 2**30,
) -> Iterator[Table]:
    """Open ``path`` (named ``display_name`` for the user) and yield its :class:`Table`.

    Raises :class:`ImportRejected` for a file that cannot be imported at all; the rows iterator may also
    raise it (rule ``csv.format`` or ``xlsx.corrupt``) when the damage is further into the file.
    """
    path = Path(path)
    name = _display_name(display_name, path)
    extension = _extension(name) or _extension(path.name)
    if extension == ".xls":
        raise _rejected(
            "file.type",
            name,
            f"Không đọc được định dạng Excel 97–2003 (.xls). {_SAVE_AS_XLSX_VI}",
            f"The Excel 97–2003 format (.xls) cannot be read. {_SAVE_AS_XLSX_EN}",
            value=extension,
        )
    if extension not in CSV_EXTENSIONS | XLSX_EXTENSIONS:
        shown = extension or "(không có đuôi)"
        shown_en = extension or "(no extension)"
        raise _rejected(
            "file.type",
            name,
            f"Không nhận loại tệp “{shown}”. Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv, .txt).",
            f"Files of type “{shown_en}” are not accepted. Upload an Excel workbook (.xlsx) "
            "or a CSV file (.csv, .txt).",
            value=extension or None,
        )

    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise _empty(name)
        if size > max_file_bytes:
            raise _rejected(
                "file.too_large",
                name,
                f"Tệp quá lớn ({_size_vi(size)}; tối đa {_size_vi(max_file_bytes)}). "
                "Hãy chia dữ liệu thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
                f"The file is too large ({_size_en(size)}; the limit is {_size_en(max_file_bytes)}). "
                "Split the data into several smaller files and import them one by one.",
            )
        head = fh.read(8)
        fh.seek(0)
        if head.startswith(_OLE2_MAGIC):
            raise _rejected(
                "file.type",
                name,
                "Tệp là sổ làm việc Excel 97–2003 (.xls) hoặc đã được đặt mật khẩu. Nếu có mật khẩu, hãy gỡ "
                f"mật khẩu trước. {_SAVE_AS_XLSX_VI}",
                "The file is an Excel 97–2003 workbook (.xls) or is password-protected. If it has a "
                f"password, remove it first. {_SAVE_AS_XLSX_EN}",
            )
        if extension in XLSX_EXTENSIONS:
            with _open_xlsx(fh, name, sheet, max_uncompressed_bytes) as table:
                yield table
        else:
            if head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
                raise _rejected(
                    "file.type",
                    name,
                    f"Tệp có đuôi “{extension}” nhưng thực chất là sổ làm việc Excel (.xlsx). Hãy đổi đuôi "
                    "tệp thành .xlsx rồi tải lên lại.",
                    f"The file is named “{extension}” but is actually an Excel workbook (.xlsx). Rename it "
                    "to .xlsx and upload it again.",
                )
            yield _open_csv(fh, name)


# --------------------------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class _Encoding:
    label: str  # what Table.encoding reports
    codec: str  # what decodes the bytes after the BOM
    start: int  # length of the BOM


def _open_csv(fh: IO[bytes], name: str) -> Table:
    encoding = _detect_encoding(fh, name)
    warnings: list[Issue] = []
    if encoding.label == "cp1258":
        warnings.append(
            Issue(
                rule="csv.encoding_cp1258",
                message_vi="Tệp CSV không phải UTF-8 nên đã được đọc theo bảng mã Windows-1258 "
                "(tiếng Việt cũ). Hãy kiểm tra dấu tiếng Việt trong kết quả; lần sau nên lưu bằng "
                "“CSV UTF-8 (Comma delimited)” trong Excel để không bị sai dấu.",
                message_en="The CSV file is not UTF-8, so it was read as Windows-1258 (legacy Vietnamese). "
                "Check the Vietnamese diacritics in the result; next time save it from Excel as “CSV "
                "UTF-8 (Comma delimited)” so no characters get garbled.",
                severity=Severity.WARNING,
                file=name,
            )
        )

    fh.seek(encoding.start)
    pieces = _decoded_pieces(fh, encoding.codec, name)
    leading: list[str] = []  # pieces up to the first one with text (blank lines still count as rows)
    for piece in pieces:
        leading.append(piece)
        if not piece.isspace():
            break
    else:
        raise _empty(name)
    delimiter = _detect_delimiter(leading[-1])
    lines = itertools.chain.from_iterable(
        map(partial(io.StringIO, newline=""), itertools.chain(leading, pieces))
    )
    numbered = enumerate(csv.reader(lines, delimiter=delimiter), 1)
    header = None
    for _, record in _guard_csv(numbered, name):
        if any(record):
            header = record
            break
    if header is None:
        raise _empty(name)
    headers = [cell.strip() for cell in header]
    headers[0] = headers[0].lstrip("\ufeff").strip()
    return Table(
        file_name=name,
        kind="csv",
        headers=headers,
        rows=_csv_rows(numbered, name),
        encoding=encoding.label,
        delimiter=delimiter,
        warnings=warnings,
    )


def _csv_rows(numbered: Iterator[tuple[int, list[str]]], name: str) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        for number, record in numbered:  # ``number`` locates a csv.Error
            if record and (record[0] or any(record)):  # the first cell is usually filled: skip any()
                yield number, record
    except csv.Error as exc:
        raise _csv_format_error(name, number + 1, exc) from exc


def _guard_csv(numbered: Iterator[tuple[int, list[str]]], name: str) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, record in numbered:
            yield number, record
    except csv.Error as exc:
        raise _csv_format_error(name, number + 1, exc) from exc


def _csv_format_error(name: str, row: int, exc: csv.Error) -> ImportRejected:
    return _rejected(
        "csv.format",
        name,
        f'Tệp CSV sai cấu trúc từ dòng {row}. Thường là do một dấu ngoặc kép (") mở mà không đóng; hãy kiểm '
        f"tra các ô từ dòng này, hoặc mở tệp trong Excel và lưu lại. {_SAVE_AS_CSV_VI}",
        f'The CSV file is malformed from row {row} on. This is usually a double quote (") that is opened '
        f"but never closed; check the cells from this row on, or open the file in Excel and save it again. "
        f"{_SAVE_AS_CSV_EN}",
        row=row,
        value=str(exc),
    )


def _detect_encoding(fh: IO[bytes], name: str) -> _Encoding:
    """Pick the encoding from the BOM, else UTF-8 if every byte is valid UTF-8, else Windows-1258."""
    fh.seek(0)
    head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = _Encoding("utf-8-sig", "utf-8", len(codecs.BOM_UTF8))
    elif head.startswith(codecs.BOM_UTF16_LE):
        encoding = _Encoding("utf-16", "utf-16-le", len(codecs.BOM_UTF16_LE))
    elif head.startswith(codecs.BOM_UTF16_BE):
        encoding = _Encoding("utf-16", "utf-16-be", len(codecs.BOM_UTF16_BE))
    else:
        encoding = _Encoding("utf-8", "utf-8", 0)

    if encoding.codec == "utf-8":
        problem = _probe_utf8(fh, encoding.start)
        if problem is None:
            return encoding
        kind, offset, saw_utf8 = problem
        line = _line_at(fh, offset)
        if kind == "nul":
            raise _encoding_error(
                name,
                line,
                f"Tệp CSV chứa ký tự NUL ở dòng {line}: tệp không phải văn bản, hoặc được lưu bằng UTF-16 "
                "mà không có dấu BOM.",
                f"The CSV file contains a NUL character on line {line}: it is not a text file, or it was "
                "saved as UTF-16 without a byte-order mark.",
            )
        if saw_utf8 or encoding.label == "utf-8-sig":
            raise _encoding_error(
                name,
                line,
                f"Tệp CSV được lưu bằng UTF-8 nhưng có byte không hợp lệ ở dòng {line} (tệp bị hỏng, tải lên "
                "chưa hết, hoặc được ghép từ nhiều bảng mã).",
                f"The CSV file is UTF-8 but has invalid bytes on line {line} (the file is damaged, was not "
                "uploaded completely, or mixes several encodings).",
            )
        encoding = _Encoding("cp1258", "cp1258", 0)

    # UTF-16 and Windows-1258: decode the whole file once, exactly as the real pass will.
    fh.seek(encoding.start)
    line = 1
    suspect = _NOT_CP1258_TEXT if encoding.label == "cp1258" else _NUL
    for piece in _decoded_pieces(fh, encoding.codec, name, encoding.label):
        bad = suspect.search(piece)
        if bad is not None:
            line += piece.count("\n", 0, bad.start())
            if encoding.label == "cp1258":
                raise _encoding_error(
                    name,
                    line,
                    f"Tệp CSV không phải UTF-8 và cũng không phải văn bản tiếng Việt Windows-1258 hợp lệ "
                    f"(ký tự lạ ở dòng {line}).",
                    f"The CSV file is neither UTF-8 nor valid Vietnamese Windows-1258 text (unexpected "
                    f"character on line {line}).",
                )
            raise _encoding_error(
                name,
                line,
                f"Tệp CSV UTF-16 chứa ký tự NUL ở dòng {line}: tệp bị hỏng hoặc không phải văn bản.",
                f"The UTF-16 CSV file contains a NUL character on line {line}: it is damaged or not text.",
            )
        line += piece.count("\n")
    return encoding


def _probe_utf8(fh: IO[bytes], start: int) -> tuple[str, int, bool] | None:
    """Check that the bytes from ``start`` are valid UTF-8 without NUL, reading once in chunks.

    Returns ``None``, or ``(kind, byte offset, saw_utf8)`` where ``kind`` is ``"nul"`` or ``"invalid"``
    and ``saw_utf8`` says whether valid multi-byte UTF-8 came before the problem.
    """
    fh.seek(start)
    offset = start  # file offset of ``pending[0]``
    pending = b""  # an incomplete multi-byte sequence at the end of the previous chunk
    saw_utf8 = False
    while True:
        chunk = fh.read(_CHUNK)
        final = not chunk
        nul = chunk.find(b"\x00")
        if nul >= 0:
            return "nul", offset + len(pending) + nul, saw_utf8
        if not pending and chunk.isascii():
            if final:
                return None
            offset += len(chunk)
            continue
        data = pending + chunk
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            saw_utf8 = saw_utf8 or not data[: exc.start].isascii()
            if final or len(data) - exc.start >= 4:
                return "invalid", offset + exc.start, saw_utf8
            pending = data[exc.start :]  # perhaps a sequence cut by the chunk boundary: look again
            offset += exc.start
            continue
        saw_utf8 = True
        pending = b""
        offset += len(data)
        if final:
            return None


def _line_at(fh: IO[bytes], offset: int) -> int:
    """The 1-based line number of byte ``offset`` (for single-byte line ends: UTF-8 and Windows-1258)."""
    fh.seek(0)
    newlines = 0
    remaining = offset
    while remaining > 0:
        chunk = fh.read(min(_CHUNK, remaining))
        if not chunk:
            break
        newlines += chunk.count(b"\n")
        remaining -= len(chunk)
    return newlines + 1


def _decoded_pieces(fh: IO[bytes], codec: str, name: str, label: str | None = None) -> Iterator[str]:
    """Decode ``fh`` from its position in chunks; yield NFC text cut after line ends."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    carry = ""
    line = 1
    while True:
        data = fh.read(_CHUNK)
        final = not data
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            before = exc.object[: exc.start].decode(codec, "replace")
            line += carry.count("\n") + before.count("\n")
            raise _encoding_error(
                name,
                line,
                f"Không giải mã được tệp CSV theo bảng mã {label or codec} (dòng {line}).",
                f"The CSV file cannot be decoded as {label or codec} (line {line}).",
            ) from exc
        if carry:
            text = carry + text
        if final:
            piece, carry = text, ""
        else:
            cut = text.rfind("\n") + 1 or text.rfind("\r", 0, len(text) - 1) + 1
            piece, carry = text[:cut], text[cut:]
        if piece:
            line += piece.count("\n")
            yield piece if piece.isascii() else unicodedata.normalize("NFC", piece)
        if final:
            return


def _encoding_error(name: str, line: int, detail_vi: str, detail_en: str) -> ImportRejected:
    return _rejected(
        "csv.encoding",
        name,
        f"{detail_vi} {_SAVE_AS_CSV_VI}",
        f"{detail_en} {_SAVE_AS_CSV_EN}",
        value=f"line {line}",
    )


def _detect_delimiter(text: str) -> str:
    """The most frequent of ``,`` ``;`` TAB outside quotes on the first non-blank line (``,`` if none)."""
    counts = {",": 0, ";": 0, "\t": 0}
    first_text = re.search(r"\S", text)
    if first_text is None:
        return ","
    start = max(text.rfind("\n", 0, first_text.start()), text.rfind("\r", 0, first_text.start())) + 1
    quoted = False
    for char in itertools.islice(text, start, None):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


# -------------------------------------------------------------------------------------------- XLSX

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
        worksheet.reset_dimensions()  # a stale <dimension> would make openpyxl stop early
        try:
            numbered = enumerate(worksheet.iter_rows(values_only=True), 1)
        except _XLSX_ERRORS as exc:
            raise _corrupt(name, exc) from exc
        header = None
        for _, cells in _guard_xlsx(numbered, name):
            header = _xlsx_cells(cells)
            if header is not None:
                break
        if header is None:
            raise _empty(name)
        yield Table(
            file_name=name,
            kind="xlsx",
            headers=[_header_text(cell) for cell in header],
            rows=_xlsx_rows(numbered, name),
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


def _guard_xlsx(numbered: Iterable[tuple[int, tuple[Any, ...]]], name: str) -> Iterator[tuple[int, Any]]:
    number = 0
    try:
        for number, cells in numbered:  # ``number`` locates the damage
            yield number, cells
    except _XLSX_ERRORS as exc:
        raise _corrupt(name, exc, row=number + 1) from exc


def _xlsx_rows(numbered: Iterable[tuple[int, tuple[Any, ...]]], name: str) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in _guard_xlsx(numbered, name):
        row = _xlsx_cells(cells)
        if row is not None:
            yield number, row


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
    return unicodedata.normalize("NFC", str(value)).strip()


def _corrupt(name: str, exc: BaseException, row: int | None = None) -> ImportRejected:
    where_vi = f" (hỏng từ dòng {row})" if row else ""
    where_en = f" (damaged from row {row} on)" if row else ""
    return _rejected(
        "xlsx.corrupt",
        name,
        f"Không đọc được tệp Excel{where_vi}: tệp bị hỏng, tải lên chưa hết, hoặc không phải tệp .xlsx. "
        f"{_SAVE_AS_XLSX_VI}",
        f"The Excel file cannot be read{where_en}: it is damaged, was not uploaded completely, or is not an "
        f".xlsx file. {_SAVE_AS_XLSX_EN}",
        row=row,
        value=f"{type(exc).__name__}: {exc}"[:300],
    )


# ------------------------------------------------------------------------------------------ helpers


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
