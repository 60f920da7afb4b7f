"""The commune drug-control survey as an Excel template: written for one commune and year, filled offline,
read back with the same checks as the web form (:func:`antt.domain.drug_survey.checked_answers`).

Layout of the sheet “Khảo sát” (one sheet; what is read is fixed by these positions):

- rows 1–2: the title and how to fill it in;
- rows 3–5, column B: the commune's code (name in C), the year and the code of the year's form;
- row 7: the table's header; rows 8…: one row per question of the form answered in a cell (attachments are
  files sent on the web page), in the form's order — id, section, label in Vietnamese, label in English,
  type, allowed values, and the answer (column G).

Every cell but the answers is locked (sheet protection without a password: it guards against slips, not
people — the upload checks the structure anyway). A template whose form version, header area, question ids,
sections, labels, types or allowed values were changed, or with a question missing, repeated or added, is
refused, every difference listed (file, row, column, value, rule, in both languages) together with every
bad answer; nothing is read from it.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from antt.domain.drug_survey import (
    BUILTIN_FORM,
    KIND_LABELS,
    MAX_NUMBER,
    Form,
    Question,
    allowed_values,
    checked_answers,
    shown_answer,
)
from antt.errors import ImportRejected, InvalidInput, Issue
from antt.importers.xlsx_reader import _XLSX_ERRORS, _check_package, _corrupt

SHEET = "Khảo sát"
NOTE = (
    "Chỉ điền cột G “Trả lời”; không sửa các ô khác, không thêm, bớt hay đổi thứ tự dòng. "
    "/ Fill in column G “Answer” only; do not change other cells, nor add, remove or reorder rows."
)
UNIT_ROW, YEAR_ROW, VERSION_ROW, HEADER_ROW, FIRST_ROW = 3, 4, 5, 7, 8
AREA_LABELS = {
    UNIT_ROW: "Mã xã, phường / Commune code",
    YEAR_ROW: "Năm / Year",
    VERSION_ROW: "Phiên bản mẫu / Form version",
}
HEADERS = (
    "Mã câu hỏi / Question id",
    "Phần / Section",
    "Câu hỏi / Question",
    "Question (English)",
    "Loại / Type",
    "Giá trị cho phép / Allowed values",
    "Trả lời / Answer",
)
COLUMNS = "ABCDEFG"
ANSWER = "G"
MAX_FILE_BYTES = 2 * 1024 * 1024  # a filled template is ~10 KB
MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024
MAX_ROWS = 500  # rows read; the form has a dozen
SHOWN_VALUE = 200


@dataclass(frozen=True)
class FilledTemplate:
    file_name: str
    unit_code: str
    year: int
    answers: dict[str, object]  # typed, as checked_answers returns them
    rows: dict[str, int]  # question id → its row in the sheet


def rows_of(form: Form) -> dict[str, int]:
    """Each question answered in a cell → its row in the sheet."""
    return {q.id: FIRST_ROW + i for i, q in enumerate(form.answered)}


ROW_OF: dict[str, int] = {}  # the built-in form's rows, filled below


def _described(form: Form, q: Question) -> tuple[str, ...]:
    """The locked cells B–F of a question's row, as written."""
    section = form.section_of(q.id)
    kind_vi, kind_en = KIND_LABELS[q.kind]
    allowed_vi, allowed_en = allowed_values(q)
    return (
        f"{section.title_vi} / {section.title_en}",
        q.label_vi,
        q.label_en,
        f"{q.kind}: {kind_vi} / {kind_en}",
        f"{allowed_vi} / {allowed_en}",
    )


ROW_OF.update(rows_of(BUILTIN_FORM))


def _choice_list(q: Question) -> list[str]:
    """The choices offered in the answer cell's drop-down: the Vietnamese labels, or the codes if a label
    would break Excel's list (a comma, a quote, or more than 255 characters in all)."""
    labels = [vi for _, vi, _ in q.choices]
    if any("," in x or '"' in x for x in labels) or len(",".join(labels)) > 250:
        return [value for value, _, _ in q.choices]
    return labels


def _prefilled(q: Question, value: object) -> int | str | None:
    if value is None:
        return None
    if q.kind == "number" and isinstance(value, int):
        return value
    if q.kind == "choice":
        shown = _choice_list(q)
        for i, (code, _, _) in enumerate(q.choices):
            if code == value:
                return shown[i]
    return shown_answer(q, value)


def write_template(
    unit_code: str, unit_name: str, year: int, answers: Mapping[str, object] = {}, form: Form = BUILTIN_FORM
) -> bytes:
    """The template of ``unit_code``'s survey of ``year`` on ``form``, answers already given filled in (a
    returned survey is corrected, not typed again)."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = SHEET
    bold = Font(bold=True)
    ws["A1"] = f"{form.title_vi} / {form.title_en}"
    ws["A1"].font = Font(bold=True, size=13)
    attached = [q for q in form.order if q.kind == "attachment"]
    ws["A2"] = NOTE + (
        f" Tệp đính kèm ({len(attached)}) gửi trên trang phiếu khảo sát. "
        f"/ Attachments ({len(attached)}) are sent on the survey's web page."
        if attached
        else ""
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A1:G1")
    ws.merge_cells("A2:G2")
    ws.row_dimensions[2].height = 32
    for row, label in AREA_LABELS.items():
        ws.cell(row, 1, label).font = bold
    ws.cell(UNIT_ROW, 2, unit_code)
    ws.cell(UNIT_ROW, 3, unit_name)
    ws.cell(YEAR_ROW, 2, year)
    ws.cell(VERSION_ROW, 2, form.code)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    for column, text in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, column, text)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    answer_fill = PatternFill("solid", fgColor="FFF5CC")
    yes_no = DataValidation(type="list", formula1='"có,không"', allow_blank=True)
    number = DataValidation(
        type="whole", operator="between", formula1="0", formula2=str(MAX_NUMBER), allow_blank=True
    )
    for validation in (yes_no, number):
        validation.error = "Giá trị không hợp lệ / Invalid value"
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
    row_of = rows_of(form)
    for q in form.answered:
        row = row_of[q.id]
        for column, text in enumerate((q.id, *_described(form, q)), start=1):
            ws.cell(row, column, text).alignment = Alignment(wrap_text=True, vertical="top")
        answer = ws.cell(row, 7, _prefilled(q, answers.get(q.id)))
        answer.protection = Protection(locked=False)
        answer.fill = answer_fill
        answer.alignment = Alignment(wrap_text=True, vertical="top")
        ref = f"{ANSWER}{row}"
        if q.kind == "yes_no":
            yes_no.add(ref)
        elif q.kind == "number":
            number.add(ref)
        elif q.kind == "choice":
            choice = DataValidation(
                type="list", formula1='"' + ",".join(_choice_list(q)) + '"', allow_blank=True
            )
            choice.showErrorMessage = True
            ws.add_data_validation(choice)
            choice.add(ref)
    for letter, width in zip(COLUMNS, (22, 28, 48, 40, 24, 40, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column to read is allowed
    ws.protection.formatRows = False
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as text: whole floats without ``.0``, dates as ISO, strings NFC and stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _same(found: str, expected: str) -> bool:
    return " ".join(found.split()) == " ".join(unicodedata.normalize("NFC", expected).split())


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE] + "…"


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.issues: list[Issue] = []

    def add(
        self, rule: str, vi: str, en: str, row: int | None, column: str | None, value: str | None
    ) -> None:
        self.issues.append(
            Issue(
                rule,
                unicodedata.normalize("NFC", vi),
                en,
                file=self.name,
                row=row,
                column=column,
                value=None if value is None else _shown(value),
            )
        )

    def changed(self, row: int, column: str, found: str, expected: str, what_vi: str, what_en: str) -> None:
        self.add(
            "survey.template.changed",
            f"{what_vi} đã bị sửa; mẫu ghi “{_shown(expected)}”. Hãy tải lại mẫu và chỉ điền cột G.",
            f"The {what_en} was changed; the template reads “{_shown(expected)}”. Download the template "
            "again and fill in column G only.",
            row,
            column,
            found,
        )


def _rows(data: bytes, name: str) -> dict[int, list[object]]:
    """The sheet's first :data:`MAX_ROWS` rows with content, by row number, columns A–G."""
    if not data:
        raise ImportRejected(
            "Chưa chọn tệp, hoặc tệp rỗng.",
            "No file was chosen, or the file is empty.",
            [Issue("file.empty", "Tệp rỗng.", "The file is empty.", file=name)],
        )
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(
            "Tệp quá lớn để là mẫu khảo sát.",
            "The file is too large to be the survey template.",
            [
                Issue(
                    "file.too_large",
                    f"Tệp lớn hơn {MAX_FILE_BYTES // 1024 // 1024} MB: không phải mẫu khảo sát đã điền.",
                    f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB: not a filled survey template.",
                    file=name,
                )
            ],
        )
    fh = io.BytesIO(data)
    _check_package(fh, name, MAX_UNCOMPRESSED_BYTES)
    fh.seek(0)
    try:
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise _corrupt(name, exc) from exc
    try:
        if SHEET not in workbook.sheetnames:
            raise ImportRejected(
                "Không phải mẫu khảo sát của ANTT.",
                "Not ANTT's survey template.",
                [
                    Issue(
                        "survey.template.sheet",
                        f"Tệp không có trang tính “{SHEET}”: không phải mẫu khảo sát tải từ ANTT.",
                        f"The file has no sheet “{SHEET}”: it is not the survey template downloaded from ANTT.",
                        file=name,
                        value=", ".join(workbook.sheetnames)[:SHOWN_VALUE],
                    )
                ],
            )
        found: dict[int, list[object]] = {}
        try:
            for number, cells in enumerate(
                workbook[SHEET].iter_rows(
                    min_row=1, max_row=MAX_ROWS, max_col=len(COLUMNS), values_only=True
                ),
                start=1,
            ):
                values: list[object] = [*cells, *([None] * (len(COLUMNS) - len(cells)))]
                if any(_text(v) for v in values):
                    found[number] = values
        except _XLSX_ERRORS as exc:
            raise _corrupt(name, exc) from exc
        return found
    finally:
        workbook.close()


def read_template(
    data: bytes,
    file_name: str,
    *,
    expected_unit: str | None = None,
    expected_year: int | None = None,
    years: tuple[int, int] = (2000, 9999),
    form_of: Callable[[int], Form] = lambda year: BUILTIN_FORM,
) -> FilledTemplate:
    """The answers of a filled template, checked as the web form's are on the form of its year
    (``form_of``). ``expected_unit`` (the commune the upload is for) and ``expected_year`` must match the
    header area when given; the year must lie within ``years``. Raises :class:`ImportRejected` listing
    every problem."""
    rows = _rows(data, file_name)
    reader = _Reader(file_name)
    blank: list[object] = [None] * len(COLUMNS)
    for row, label in AREA_LABELS.items():
        cell = _text(rows.get(row, blank)[0])
        if not _same(cell, label):
            reader.changed(row, "A", cell, label, "Nhãn ô tiêu đề", "header label")
    unit = _text(rows.get(UNIT_ROW, blank)[1])
    if not unit:
        reader.add(
            "survey.template.unit",
            "Thiếu mã xã, phường ở ô B3.",
            "The commune code is missing from cell B3.",
            UNIT_ROW,
            "B",
            unit,
        )
    elif expected_unit is not None and unit != expected_unit:
        reader.add(
            "survey.template.unit",
            f"Mẫu này là của xã, phường mã {unit}, không phải {expected_unit}: chỉ nộp được phiếu của xã, "
            "phường đang mở.",
            f"This template is for the commune with code {unit}, not {expected_unit}: only the survey of the "
            "commune open on the page can be uploaded.",
            UNIT_ROW,
            "B",
            unit,
        )
    year_text = _text(rows.get(YEAR_ROW, blank)[1])
    year = int(year_text) if year_text.isdigit() else 0
    if not years[0] <= year <= years[1]:
        reader.add(
            "survey.template.year",
            f"Năm khảo sát phải là số từ {years[0]} đến {years[1]}.",
            f"The survey year must be a number from {years[0]} to {years[1]}.",
            YEAR_ROW,
            "B",
            year_text,
        )
    elif expected_year is not None and year != expected_year:
        reader.add(
            "survey.template.year",
            f"Mẫu này là của năm {year}, không phải năm {expected_year} đang mở.",
            f"This template is for {year}, not for {expected_year}, the year open on the page.",
            YEAR_ROW,
            "B",
            year_text,
        )
    form = form_of(year) if years[0] <= year <= years[1] else BUILTIN_FORM
    version = _text(rows.get(VERSION_ROW, blank)[1])
    if version != form.code:
        reader.add(
            "survey.template.version",
            f"Phiên bản mẫu “{version}” không phải phiên bản đang dùng “{form.code}”: hãy tải mẫu mới.",
            f"Form version “{version}” is not the version in use, “{form.code}”: download the new template.",
            VERSION_ROW,
            "B",
            version,
        )
    header = rows.get(HEADER_ROW, blank)
    for column, expected in zip(COLUMNS, HEADERS, strict=True):
        cell = _text(header[COLUMNS.index(column)])
        if not _same(cell, expected):
            reader.changed(HEADER_ROW, column, cell, expected, "Tiêu đề cột", "column heading")
    raw, seen = _questions(reader, rows, form)
    answers: dict[str, object] = {}
    try:
        answers = checked_answers(raw, form)
    except InvalidInput as invalid:
        for issue in invalid.issues:
            if issue.column in seen:  # a missing question is reported as missing, not as unanswered
                reader.add(
                    issue.rule,
                    f"Câu “{issue.column}”: {issue.message_vi}",
                    f"Question “{issue.column}”: {issue.message_en}",
                    seen[issue.column],
                    ANSWER,
                    _text(raw.get(issue.column)),
                )
    if reader.issues:
        raise ImportRejected(
            f"{file_name}: mẫu khảo sát có {len(reader.issues)} lỗi; chưa lưu gì.",
            f"{file_name}: the survey template has {len(reader.issues)} problem(s); nothing was saved.",
            reader.issues,
        )
    return FilledTemplate(file_name, unit, year, answers, seen)


def _questions(
    reader: _Reader, rows: dict[int, list[object]], form: Form
) -> tuple[dict[str, Any], dict[str, int]]:
    """The answer of each question row (by id) and the row each id was found on; structure checked."""
    questions = {q.id: q for q in form.answered}
    row_of = rows_of(form)
    raw: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for row in sorted(r for r in rows if r >= FIRST_ROW):
        values = rows[row]
        qid = _text(values[0])
        q = questions.get(qid)
        if q is None:
            reader.add(
                "survey.template.unknown_question",
                "Dòng này không phải câu hỏi của mẫu (mã câu hỏi lạ, hoặc dòng được thêm vào).",
                "This row is no question of the form (an unknown question id, or an added row).",
                row,
                "A",
                qid,
            )
            continue
        if qid in seen:
            reader.add(
                "survey.template.duplicate_question",
                f"Câu hỏi “{qid}” lặp lại (đã có ở dòng {seen[qid]}).",
                f"Question “{qid}” is repeated (already on row {seen[qid]}).",
                row,
                "A",
                qid,
            )
            continue
        seen[qid] = row
        if row != row_of[qid]:
            reader.add(
                "survey.template.moved",
                f"Câu hỏi “{qid}” phải ở dòng {row_of[qid]}: các dòng đã bị thêm, xóa hoặc đổi chỗ.",
                f"Question “{qid}” belongs on row {row_of[qid]}: rows were added, removed or moved.",
                row,
                "A",
                qid,
            )
        what = (
            ("Phần", "section"),
            ("Câu hỏi (tiếng Việt)", "Vietnamese label"),
            ("Câu hỏi (tiếng Anh)", "English label"),
            ("Loại câu hỏi", "question type"),
            ("Giá trị cho phép", "list of allowed values"),
        )
        described = _described(form, q)
        for offset, (expected, (what_vi, what_en)) in enumerate(zip(described, what, strict=True)):
            cell = _text(values[1 + offset])
            if not _same(cell, expected):
                reader.changed(row, COLUMNS[1 + offset], cell, expected, what_vi, what_en)
        answer = values[COLUMNS.index(ANSWER)]
        raw[qid] = _text(answer) if answer is not None else None
    for q in form.answered:
        if q.id not in seen:
            reader.add(
                "survey.template.missing_question",
                f"Thiếu câu hỏi “{q.id}” ({q.label_vi}) ở dòng {row_of[q.id]}: dòng đã bị xóa hoặc sửa mã.",
                f"Question “{q.id}” ({q.label_en}) is missing from row {row_of[q.id]}: the row was deleted or "
                "its id changed.",
                row_of[q.id],
                "A",
                None,
            )
    return raw, seen
