"""Reading CSV for import: encoding detection (UTF-8 with or without BOM, UTF-16 "Unicode text",
Windows-1258), delimiter detection, and streaming rows with no per-cell Python work.

Memory stays bounded whatever the file: text is decoded in 1 MiB chunks cut at line ends, a line longer
than :data:`MAX_LINE_CHARS` is refused (a 200 MB file of one line once cost 1.3 GB before it failed), and
a cell longer than :data:`MAX_FIELD_CHARS` is a format error (:mod:`csv` stops there, its
``field_size_limit``), which also bounds a quoted cell that is opened and never closed.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from antt.errors import ImportRejected, Issue, Severity
from antt.importers.cells import clean_key
from antt.importers.table import (  # noqa: F401 - shared constants and rejections
    _CHUNK,
    _NOT_CP1258_TEXT,
    _NUL,
    _SAVE_AS_CSV_EN,
    _SAVE_AS_CSV_VI,
    CSV_EXTENSIONS,
    Table,
    _empty,
    _int_vi,
    _rejected,
)

MAX_LINE_CHARS = 1 << 20  # a record of 19 cells, each within its own limit, is a few KB
MAX_FIELD_CHARS = 131_072  # csv's default field_size_limit, set again by every reading (it is global)


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
    csv.field_size_limit(MAX_FIELD_CHARS)
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
    headers = [clean_key(cell) for cell in header]
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
            if len(carry) > MAX_LINE_CHARS:
                line += piece.count("\n")
                raise _rejected(
                    "csv.line_too_long",
                    name,
                    f"Tệp CSV có dòng {line} dài hơn {_int_vi(MAX_LINE_CHARS)} ký tự: tệp không phải bảng "
                    f"dữ liệu CSV, hoặc các dòng không được ngắt đúng. {_SAVE_AS_CSV_VI}",
                    f"Line {line} of the CSV file is longer than {MAX_LINE_CHARS:,} characters: the file is not "
                    f"a CSV table, or its lines are not broken properly. {_SAVE_AS_CSV_EN}",
                    row=line,
                )
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
