"""The file readers: every supported encoding and layout is read, every broken file is refused clearly."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
import pytest

from antt.errors import ImportRejected, Issue, Severity
from antt.importers.readers import Table, open_table

HEADER_VI = "Mã vụ việc,Thời gian xảy ra,Điều luật,Tình trạng,Ghi chú"
ROW_VI = "HP-00001,05/03/2026 14:30,173.2,Đang điều tra,Trộm xe ở phường Hồng Bàng; bị hại Nguyễn Thị Hằng"
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


# ------------------------------------------------------------------------------------------ helpers


def read_all(path: Path, **options: object) -> tuple[Table, list[tuple[int, list[object]]]]:
    with open_table(path, **options) as table:  # type: ignore[arg-type]
        return table, list(table.rows)


def rejection(path: Path, **options: object) -> Issue:
    """Open ``path``, expecting a rejection (at open or while reading), and return its single issue."""
    with pytest.raises(ImportRejected) as caught, open_table(path, **options) as table:  # type: ignore[arg-type]
        list(table.rows)
    error = caught.value
    assert len(error.issues) == 1
    issue = error.issues[0]
    assert issue.severity is Severity.ERROR
    assert_bilingual(issue)
    assert (error.message_vi, error.message_en) == (issue.message_vi, issue.message_en)
    return issue


def assert_bilingual(issue: Issue) -> None:
    assert issue.message_vi and issue.message_en
    assert issue.message_vi != issue.message_en
    assert unicodedata.is_normalized("NFC", issue.message_vi)
    assert any(ch in issue.message_vi for ch in "ệảờấ"), "Vietnamese text carries its diacritics"


def to_cp1258(text: str) -> bytes:
    """Encode like Windows does: precomposed letters where cp1258 has them, tone marks as combining bytes."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        out += (base + tones).encode("cp1258")  # raises for a character cp1258 cannot represent at all
    return bytes(out)


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
    return target


# --------------------------------------------------------------------------------------------- CSV


def test_it_reads_utf8_csv_and_keeps_cells_exactly_as_written(tmp_path: Path) -> None:
    path = tmp_path / "vu_viec.csv"
    path.write_bytes(f"{HEADER_VI}\r\n{ROW_VI}\r\n  HP-2 ,,173,Đã làm rõ,\r\n".encode())

    table, rows = read_all(path)

    assert (table.file_name, table.kind, table.encoding, table.delimiter) == (
        "vu_viec.csv",
        "csv",
        "utf-8",
        ",",
    )
    assert table.headers == HEADER_VI.split(",")
    assert table.warnings == []
    assert rows == [(2, ROW_VI.split(",")), (3, ["  HP-2 ", "", "173", "Đã làm rõ", ""])]


def test_it_reads_utf8_with_bom_and_strips_it_from_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(f"{HEADER_VI}\n{ROW_VI}\n".encode("utf-8-sig"))

    table, rows = read_all(path)

    assert table.encoding == "utf-8-sig"
    assert table.headers[0] == "Mã vụ việc"
    assert rows == [(2, ROW_VI.split(","))]


def test_it_normalises_decomposed_text_to_nfc(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(unicodedata.normalize("NFD", f"{HEADER_VI}\n{ROW_VI}\n").encode())

    table, rows = read_all(path)

    assert table.headers == HEADER_VI.split(",")
    assert rows == [(2, ROW_VI.split(","))]


def test_it_reads_utf16_tab_delimited_excel_unicode_text(tmp_path: Path) -> None:
    # What Excel writes for "Unicode Text (*.txt)": UTF-16 LE with a BOM, TAB-separated, CRLF, and a cell
    # holding a tab or a line break quoted.
    text = 'Mã vụ việc\tĐiều luật\tGhi chú\r\nHP-1\t173.2\t"có\ttab"\r\nHP-2\t256a\t"hai\r\ndòng"\r\n'
    path = tmp_path / "unicode.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))

    table, rows = read_all(path)

    assert (table.kind, table.encoding, table.delimiter) == ("csv", "utf-16", "\t")
    assert table.headers == ["Mã vụ việc", "Điều luật", "Ghi chú"]
    assert rows == [(2, ["HP-1", "173.2", "có\ttab"]), (3, ["HP-2", "256a", "hai\r\ndòng"])]


def test_it_reads_utf16_big_endian_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "be.txt"
    path.write_bytes(f"{HEADER_VI}\n{ROW_VI}\n".encode("utf-16"))  # native order; then force big endian
    path.write_bytes(b"\xfe\xff" + f"{HEADER_VI}\n{ROW_VI}\n".encode("utf-16-be"))

    table, rows = read_all(path)

    assert table.encoding == "utf-16"
    assert rows == [(2, ROW_VI.split(","))]


def test_it_reads_windows_1258_and_warns_that_it_did(tmp_path: Path) -> None:
    data = to_cp1258(f"{HEADER_VI}\r\n{ROW_VI}\r\n")
    assert (
        unicodedata.normalize("NFC", data.decode("cp1258")) == f"{HEADER_VI}\r\n{ROW_VI}\r\n"
    )  # round-trips
    assert b"\xd2" in data or b"\xec" in data  # tone marks really are separate combining bytes
    path = tmp_path / "cu.csv"
    path.write_bytes(data)

    table, rows = read_all(path)

    assert table.encoding == "cp1258"
    assert table.headers == HEADER_VI.split(",")
    assert rows == [(2, ROW_VI.split(","))]
    assert all(unicodedata.is_normalized("NFC", cell) for cell in rows[0][1])  # type: ignore[arg-type]
    [warning] = table.warnings
    assert (warning.rule, warning.severity, warning.file, warning.row) == (
        "csv.encoding_cp1258",
        Severity.WARNING,
        "cu.csv",
        None,
    )
    assert_bilingual(warning)
    assert "UTF-8" in warning.message_vi and "Windows-1258" in warning.message_en


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"source_id,note\r\nHP-1,abc\x81def\r\n", id="byte-undefined-in-cp1258"),
        pytest.param(b"source_id,note\r\nHP-1,\xe9t\xe9\x02\r\n", id="control-character"),
        pytest.param(b"source_id,note\r\nHP-1,12\xec\r\n", id="tone-mark-on-a-digit"),
    ],
)
def test_it_rejects_bytes_that_are_neither_utf8_nor_windows_1258(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "la.csv"
    path.write_bytes(data)

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("csv.encoding", "la.csv")
    assert issue.value == "line 2"
    assert "CSV UTF-8 (Comma delimited)" in issue.message_en and "CSV UTF-8" in issue.message_vi


def test_it_rejects_utf8_that_breaks_after_valid_vietnamese_instead_of_guessing(tmp_path: Path) -> None:
    # Valid UTF-8 Vietnamese on line 2, one Windows-1258 byte on line 4: read as Windows-1258 this would
    # garble every other line, so the file is refused with the line of the bad byte.
    path = tmp_path / "tron.csv"
    path.write_bytes(f"{HEADER_VI}\n{ROW_VI}\nHP-3,x,173,y,z\n".encode() + b"HP-4,x,173,\xd0\xe3ng,z\n")

    issue = rejection(path)

    assert (issue.rule, issue.file, issue.value) == ("csv.encoding", "tron.csv", "line 4")


def test_it_rejects_utf16_without_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes(f"{HEADER_VI}\n{ROW_VI}\n".encode("utf-16-le"))

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("csv.encoding", "nobom.txt")
    assert "UTF-16" in issue.message_en


def test_it_detects_a_semicolon_delimiter_ignoring_commas_in_quotes(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_bytes('"Mã, vụ việc";Điều luật;Ghi chú\r\nHP-1;173,2;"a;b"\r\n'.encode())

    table, rows = read_all(path)

    assert table.delimiter == ";"
    assert table.headers == ["Mã, vụ việc", "Điều luật", "Ghi chú"]
    assert rows == [(2, ["HP-1", "173,2", "a;b"])]


def test_it_skips_empty_lines_but_numbers_rows_as_excel_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_bytes(b'\r\nsource_id,note\r\nA,x\r\n\r\n,\r\nB,"two\r\nlines"\r\nC,y\r\n\r\n\r\n')

    table, rows = read_all(path)

    assert table.headers == ["source_id", "note"]
    assert rows == [(3, ["A", "x"]), (6, ["B", "two\r\nlines"]), (7, ["C", "y"])]


def test_a_header_only_file_has_headers_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(b"source_id,occurred_at\r\n\r\n")

    table, rows = read_all(path)

    assert table.headers == ["source_id", "occurred_at"]
    assert rows == []


def test_it_reports_a_runaway_quote_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_bytes(b'source_id,note\r\nA,ok\r\nB,"never closed\r\n' + b"C,x\r\n" * 40_000)

    issue = rejection(path)

    assert (issue.rule, issue.file, issue.row) == ("csv.format", "quote.csv", 3)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"\xef\xbb\xbf", id="only-a-bom"),
        pytest.param(b"\r\n\r\n  \r\n", id="only-blank-lines"),
        pytest.param(b",,,\r\n,,\r\n", id="only-empty-cells"),
    ],
)
def test_it_rejects_a_file_without_a_header_row(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "rong.csv"
    path.write_bytes(data)

    issue = rejection(path)

    assert (issue.rule, issue.file, issue.row) == ("file.empty", "rong.csv", None)


def test_it_rejects_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"source_id\r\n" + b"HP-1\r\n" * 1000)

    issue = rejection(path, max_file_bytes=1000)

    assert (issue.rule, issue.file) == ("file.too_large", "big.csv")


# ------------------------------------------------------------------------------------- file types


def test_it_rejects_xls_asking_to_resave_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    issue = rejection(path)

    assert (issue.rule, issue.file, issue.value) == ("file.type", "cu.xls", ".xls")
    assert ".xlsx" in issue.message_vi and "Save As" in issue.message_en


def test_it_rejects_an_old_excel_file_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "doi_ten.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("file.type", "doi_ten.xlsx")


@pytest.mark.parametrize("name", ["bao_cao.pdf", "du_lieu.xlsm", "khong_duoi"])
def test_it_rejects_other_file_types(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"source_id\r\nHP-1\r\n")

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("file.type", name)


def test_it_rejects_a_workbook_named_csv(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"Sheet": [["source_id"], ["HP-1"]]})
    renamed = path.rename(tmp_path / "a.csv")

    issue = rejection(renamed)

    assert (issue.rule, issue.file) == ("file.type", "a.csv")


def test_it_uses_the_display_name_for_the_type_and_in_messages(tmp_path: Path) -> None:
    stored = tmp_path / "upload-3f2a9c"  # how a web upload is kept on disk
    stored.write_bytes(b"")

    issue = rejection(stored, display_name="C:\\Users\\canbo\\Vụ việc.csv")

    assert (issue.rule, issue.file) == ("file.empty", "Vụ việc.csv")


# -------------------------------------------------------------------------------------------- XLSX


def test_it_reads_xlsx_cells_with_their_types(tmp_path: Path) -> None:
    path = tmp_path / "vu_viec.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        ["  Mã vụ việc ", "Thời gian xảy ra", None, "Số đối tượng", "Thiệt hại (đồng)", "Ghi chú", 2026]
    )
    sheet.append(
        ["HP-1", dt.datetime(2026, 3, 5, 14, 30), "x", 2, 1500000.5, unicodedata.normalize("NFD", "Hằng")]
    )
    sheet.append([])  # an empty row in the middle
    sheet.append(["HP-2", dt.date(2026, 3, 6), None, 0, True, None])
    sheet["F4"] = "=1+2"
    sheet["F4"].data_type = "s"  # text that looks like a formula, as a user typed it
    sheet["A6"] = None  # styled-but-empty trailing rows
    sheet["A7"] = ""
    workbook.save(path)

    table, rows = read_all(path)

    assert (table.kind, table.encoding, table.delimiter, table.warnings) == ("xlsx", None, None, [])
    assert table.headers == [
        "Mã vụ việc",
        "Thời gian xảy ra",
        "",
        "Số đối tượng",
        "Thiệt hại (đồng)",
        "Ghi chú",
        "2026",
    ]
    assert rows == [
        (2, ["HP-1", dt.datetime(2026, 3, 5, 14, 30), "x", 2, 1500000.5, "Hằng"]),
        (4, ["HP-2", dt.datetime(2026, 3, 6, 0, 0), None, 0, True, "=1+2"]),
    ]
    assert isinstance(rows[0][1][3], int) and isinstance(rows[1][1][4], bool)


def test_it_reads_the_first_sheet_and_warns_about_the_others(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "nhieu.xlsx", {"Vụ việc": [["source_id"], ["HP-1"]], "Ghi chú": [["x"]]})

    table, rows = read_all(path)

    assert rows == [(2, ["HP-1"])]
    [warning] = table.warnings
    assert (warning.rule, warning.severity, warning.file) == (
        "xlsx.other_sheets",
        Severity.WARNING,
        "nhieu.xlsx",
    )
    assert_bilingual(warning)


def test_it_reads_a_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "nhieu.xlsx", {"Tóm tắt": [["x"]], "Vụ việc": [["source_id"], ["HP-9"]]})

    table, rows = read_all(path, sheet="Vụ việc")
    assert (table.headers, rows, table.warnings) == (["source_id"], [(2, ["HP-9"])], [])

    _, rows = read_all(path, sheet=unicodedata.normalize("NFD", " vụ VIỆC "))  # forgiving about case/form
    assert rows == [(2, ["HP-9"])]


def test_it_rejects_a_missing_sheet_listing_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "nhieu.xlsx", {"Tóm tắt": [["x"]], "Vụ việc": [["source_id"]]})

    issue = rejection(path, sheet="Tháng 3")

    assert (issue.rule, issue.file, issue.value) == ("xlsx.sheet", "nhieu.xlsx", "Tháng 3")
    for text in (issue.message_vi, issue.message_en):
        assert "“Tóm tắt”" in text and "“Vụ việc”" in text


def test_it_rejects_an_empty_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "trong.xlsx", {"Sheet1": [[None, ""]]})

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("file.empty", "trong.xlsx")


def test_it_reads_past_a_stale_dimension(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"Sheet1": [["source_id"], ["HP-1"], ["HP-2"]]})
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:A3"' in xml
    stale = rewrite_zip(
        good, tmp_path / "stale.xlsx", {"xl/worksheets/sheet1.xml": xml.replace(b"A1:A3", b"A1:A1")}
    )

    _, rows = read_all(stale)

    assert rows == [(2, ["HP-1"]), (3, ["HP-2"])]


def test_it_reads_an_upload_stored_without_an_extension(tmp_path: Path) -> None:
    stored = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["source_id"], ["HP-1"]]}).rename(
        tmp_path / "upload-1"
    )

    table, rows = read_all(stored, display_name="Vụ việc.xlsx")

    assert (table.file_name, table.kind, rows) == ("Vụ việc.xlsx", "xlsx", [(2, ["HP-1"])])


def test_it_rejects_a_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"Sheet1": [["source_id"], *[[f"HP-{i}"] for i in range(500)]]})
    data = good.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])

    issue = rejection(path)

    assert (issue.rule, issue.file, issue.row) == ("xlsx.corrupt", "cut.xlsx", None)


def test_it_rejects_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("xlsx.corrupt", "zip.xlsx")


def test_it_rejects_a_workbook_whose_sheet_xml_is_damaged_with_the_row(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"Sheet1": [["source_id"], *[[f"HP-{i}"] for i in range(50)]]})
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    cut = xml[: xml.index(b'<row r="30"')] + b'<row r="30"><c r="A30" t="inlineStr"><is><t>HP'
    path = rewrite_zip(good, tmp_path / "damaged.xlsx", {"xl/worksheets/sheet1.xml": cut})

    issue = rejection(path)

    assert (issue.rule, issue.file, issue.row) == ("xlsx.corrupt", "damaged.xlsx", 30)


# ------------------------------------------------------------------------------------------ zip bombs


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if openpyxl is asked to parse anything: bombs are refused before."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not see a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def zip_with(path: Path, members: dict[str, bytes | int], level: int = 9) -> Path:
    """A zip whose members hold the given bytes, or that many zero bytes written in chunks."""
    chunk = bytes(16 * 2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w") as member:
                left = content
                while left > 0:
                    member.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
    return path


@pytest.mark.usefixtures("no_openpyxl")
def test_it_rejects_a_zip_bomb_by_total_size_before_parsing(tmp_path: Path) -> None:
    path = zip_with(
        tmp_path / "bomb.xlsx",
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/worksheets/sheet1.xml": 3 * 2**20,
            "xl/sharedStrings.xml": 2**20,
        },
    )

    issue = rejection(path, max_uncompressed_bytes=2 * 2**20)

    assert (issue.rule, issue.file) == ("xlsx.zip_bomb", "bomb.xlsx")
    assert "4 MB" in issue.message_en and "4 MB" in issue.message_vi


@pytest.mark.usefixtures("no_openpyxl")
def test_it_rejects_a_highly_compressed_member_with_the_default_limits(tmp_path: Path) -> None:
    path = zip_with(
        tmp_path / "ratio.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": 60 * 2**20}
    )

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("xlsx.zip_bomb", "ratio.xlsx")
    assert "xl/worksheets/sheet1.xml" in issue.message_en


@pytest.mark.slow  # unpacks towards 1 GiB
@pytest.mark.usefixtures("no_openpyxl")
def test_it_rejects_a_zip_unpacking_past_1_gib_with_the_default_limits(tmp_path: Path) -> None:
    # 1.1 GiB of zeros really streamed through deflate (a ~1 MB file, a few seconds to build).
    path = zip_with(tmp_path / "gib.xlsx", {"xl/worksheets/sheet1.xml": int(1.1 * 2**30)})
    assert path.stat().st_size < 2 * 2**20

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("xlsx.zip_bomb", "gib.xlsx")
    assert "1.1 GB" in issue.message_en and "1,1 GB" in issue.message_vi


@pytest.mark.usefixtures("no_openpyxl")
def test_it_rejects_a_zip_with_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(10_001):
            archive.writestr(f"xl/media/{i}.bin", b"")
    path.write_bytes(buffer.getvalue())

    issue = rejection(path)

    assert (issue.rule, issue.file) == ("xlsx.zip_bomb", "many.xlsx")
    assert "10,001" in issue.message_en and "10.001" in issue.message_vi
