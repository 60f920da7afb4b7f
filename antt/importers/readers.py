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

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from antt.importers.csv_reader import _open_csv
from antt.importers.table import (
    _EMPTY_ZIP_MAGIC,
    _OLE2_MAGIC,
    _SAVE_AS_XLSX_EN,
    _SAVE_AS_XLSX_VI,
    _ZIP_MAGIC,
    CSV_EXTENSIONS,
    XLSX_EXTENSIONS,
    Table,
    _display_name,
    _empty,
    _extension,
    _rejected,
    _size_en,
    _size_vi,
)
from antt.importers.xlsx_reader import _open_xlsx

__all__ = ["CSV_EXTENSIONS", "XLSX_EXTENSIONS", "Table", "open_table"]


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
