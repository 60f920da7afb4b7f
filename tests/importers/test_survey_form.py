"""A survey form's definition file: the built-in form's definition reads back as the same form; a bad
definition is refused with every problem (row, column, value, rule) listed."""

from __future__ import annotations

import io

import openpyxl

from antt.domain.drug_survey import BUILTIN_FORM, Form
from antt.domain.survey_forms import form_document, form_from_document
from antt.importers.survey_form import FORM_COLUMNS, read_definition, write_definition

HEADERS = [c.name for c in FORM_COLUMNS]


def rows_of_sheet(content: bytes) -> tuple[list[str], list[tuple[int, list[object]]]]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws is not None
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(v) for v in values[0]], [(n, r) for n, r in enumerate(values[1:], start=2)]


def read(rows: list[list[object]], headers: list[str] = HEADERS) -> tuple[Form | None, list]:
    numbered = [(n, r) for n, r in enumerate(rows, start=2)]
    return read_definition(
        headers, numbered, "mau.csv", code="mau-moi", title_vi="Mẫu mới", title_en="New form"
    )


def test_the_builtin_forms_definition_reads_back_as_the_same_form() -> None:
    headers, rows = rows_of_sheet(write_definition(BUILTIN_FORM))
    assert headers[:4] == ["Mã phần", "Tên phần", "Tên phần tiếng Anh", "Mã câu hỏi"]  # Vietnamese headers
    form, issues = read_definition(
        headers,
        rows,
        "x.xlsx",
        code=BUILTIN_FORM.code,
        title_vi=BUILTIN_FORM.title_vi,
        title_en=BUILTIN_FORM.title_en,
    )
    assert issues == [] and form == BUILTIN_FORM
    assert form_from_document(form_document(BUILTIN_FORM)) == BUILTIN_FORM  # what is stored reads back too


def test_kinds_flags_and_choices_are_read_in_either_language() -> None:
    form, issues = read(
        [
            [
                "a",
                "I. Tình hình",
                "I. Situation",
                "so_nguoi",
                "số nguyên",
                "Số người",
                "People",
                "có",
                "",
                "x",
            ],
            [
                "a",
                "I. Tình hình",
                "I. Situation",
                "danh_gia",
                "choice",
                "Đánh giá",
                "Rating",
                "",
                "tot = Tốt | Good; kem = Kém | Poor",
                "",
            ],
            [
                "b",
                "II. Hồ sơ",
                "II. Files",
                "bien_ban",
                "tệp đính kèm",
                "Biên bản họp",
                "Minutes",
                "không",
                "",
                "",
            ],
        ]
    )
    assert issues == [] and form is not None
    assert [s.id for s in form.sections] == ["a", "b"]
    people, rating, minutes = form.order
    assert (people.kind, people.required, people.sensitive) == ("number", True, True)
    assert rating.choices == (("tot", "Tốt", "Good"), ("kem", "Kém", "Poor"))
    assert (minutes.kind, minutes.required) == ("attachment", False)
    assert form.answered == (people, rating)  # an attachment is a file, not a cell


def test_every_problem_of_a_bad_definition_is_listed_with_its_row_and_column() -> None:
    form, issues = read(
        [
            ["a", "Phần A", "Part A", "q1", "number", "Câu 1", "Q 1", "", "", ""],
            ["a", "Phần A", "Part A", "q1", "number", "Câu 1 lặp", "Q 1 again", "", "", ""],  # repeated id
            ["a", "Phần A", "Part A", "Q 2", "số", "Câu 2", "Q 2", "", "", ""],  # bad id, unknown kind
            [
                "b",
                "Phần B",
                "Part B",
                "q3",
                "choice",
                "Câu 3",
                "Q 3",
                "",
                "chỉ một = Một | One",
                "",
            ],  # bad choice
            [
                "b",
                "Phần B",
                "Part B",
                "q4",
                "choice",
                "Câu 4",
                "",
                "",
                "",
                "",
            ],  # no English label, no choices
            [
                "a",
                "Phần A",
                "Part A",
                "q5",
                "text",
                "Câu 5",
                "Q 5",
                "hmm",
                "",
                "có",
            ],  # split, flag, sensitive
        ]
    )
    assert form is None
    assert sorted((i.row, i.column, i.rule) for i in issues) == [
        (3, "question", "form.duplicate_question"),
        (4, "kind", "form.kind"),
        (4, "question", "form.identifier"),
        (5, "choices", "form.choice"),
        (6, "choices", "form.choices_needed"),
        (6, "label_en", "form.label"),
        (7, "required", "form.flag"),
        (7, "section", "form.section_split"),
        (7, "sensitive", "form.sensitive"),
    ]
    assert all(i.file == "mau.csv" and i.message_vi and i.message_en for i in issues)
    kind = next(i for i in issues if i.rule == "form.kind")
    assert kind.value == "số" and "attachment" in kind.message_en


def test_a_missing_column_and_an_empty_definition_are_refused() -> None:
    form, issues = read([["a", "A", "A", "q1", "text", "Câu", "Q"]], headers=HEADERS[:6])
    assert form is None and [(i.rule, i.column) for i in issues if i.is_error] == [
        ("header.missing", "label_en")
    ]
    form, issues = read([])
    assert form is None and [i.rule for i in issues] == ["form.empty"]
