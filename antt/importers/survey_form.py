"""A survey form's definition file (``docs/formats/survey-form.md``): one row per question, in the form's
order, its section given on the row — so an analyst writes a new campaign form in Excel, starting from the
definition of a form already in ANTT (:func:`write_definition`), and ANTT reads it back (:func:`read_definition`).

Pure validation, like every importer: rows in, a :class:`~antt.domain.drug_survey.Form` or every problem
(file, row, column, value, rule, in both languages) out; nothing written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from antt.domain.drug_survey import KIND_LABELS, Form, Question, Section
from antt.domain.text import fold
from antt.errors import Issue
from antt.importers.cells import clean_key
from antt.importers.columns import Column, match_headers

FORM_COLUMNS: tuple[Column, ...] = (
    Column("section", "Mã phần", required=True),
    Column("section_title_vi", "Tên phần", required=True),
    Column("section_title_en", "Tên phần tiếng Anh", required=True),
    Column("question", "Mã câu hỏi", required=True),
    Column("kind", "Loại", required=True),
    Column("label_vi", "Câu hỏi", required=True),
    Column("label_en", "Câu hỏi tiếng Anh", required=True),
    Column("required", "Bắt buộc"),
    Column("choices", "Lựa chọn"),
    Column("sensitive", "Nhạy cảm"),
)
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_LABEL = 300
MAX_QUESTIONS = 200
MAX_CHOICES = 30
_YES = {"1", "true", "yes", "có", "co", "x"}
_NO = {"", "0", "false", "no", "không", "khong"}
_KINDS = (
    {fold(k): k for k in KIND_LABELS}
    | {fold(vi): k for k, (vi, _) in KIND_LABELS.items()}
    | {fold(en): k for k, (_, en) in KIND_LABELS.items()}
)


def _cell(values: list[object], position: int | None) -> str:
    if position is None or position >= len(values) or values[position] is None:
        return ""
    value = values[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_key(str(value))


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(
        self, rule: str, vi: str, en: str, row: int | None, column: str | None, value: str | None
    ) -> None:
        self.issues.append(Issue(rule, vi, en, file=self.file, row=row, column=column, value=value))


def _flag(text: str, problems: _Problems, row: int, column: str, default: bool) -> bool:
    folded = text.lower()
    if not folded:
        return default
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    problems.add("form.flag", "Cần có/không.", "Yes/no expected.", row, column, text)
    return default


def _choices(text: str, problems: _Problems, row: int) -> tuple[tuple[str, str, str], ...]:
    """``value = nhãn | label; …`` → (value, vi, en) tuples; every malformed part reported."""
    found: list[tuple[str, str, str]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        value, equals, labels = part.partition("=")
        vi, bar, en = labels.partition("|")
        value, vi, en = value.strip(), vi.strip(), en.strip()
        if not equals or not bar or not IDENTIFIER.match(value) or not vi or not en:
            problems.add(
                "form.choice",
                f"Lựa chọn “{part}” không đúng dạng “mã = nhãn tiếng Việt | English label” (mã: chữ thường "
                "không dấu, số, gạch dưới).",
                f"Choice “{part}” is not of the form “code = Vietnamese label | English label” (code: "
                "lower-case letters, digits, underscores).",
                row,
                "choices",
                part,
            )
            continue
        if any(value == v for v, _, _ in found):
            problems.add(
                "form.choice_duplicate",
                f"Mã lựa chọn “{value}” lặp lại.",
                f"Choice code “{value}” is repeated.",
                row,
                "choices",
                value,
            )
            continue
        found.append((value, vi, en))
    return tuple(found)


def read_definition(
    headers: list[str],
    rows: Iterable[tuple[int, list[object]]],
    file: str,
    *,
    code: str,
    title_vi: str,
    title_en: str,
) -> tuple[Form | None, list[Issue]]:
    """The form the definition rows describe (``None`` when any row has a problem) and every problem."""
    positions, header_issues = match_headers(headers, FORM_COLUMNS, file)
    problems = _Problems(file)
    problems.issues.extend(header_issues)
    if any(i.is_error for i in header_issues):
        return None, problems.issues
    sections: dict[str, tuple[str, str, list[Question], int]] = {}
    order: list[str] = []
    seen: dict[str, int] = {}
    last_section = ""
    count = 0
    for row, values in rows:
        cell = {c.name: _cell(values, positions.get(c.name)) for c in FORM_COLUMNS}
        if not any(cell.values()):
            continue
        count += 1
        if count > MAX_QUESTIONS:
            problems.add(
                "form.too_many",
                f"Mẫu có quá {MAX_QUESTIONS} câu hỏi.",
                f"The form has more than {MAX_QUESTIONS} questions.",
                row,
                None,
                None,
            )
            break
        bad = len(problems.issues)
        for column in ("section", "question"):
            if not IDENTIFIER.match(cell[column]):
                problems.add(
                    "form.identifier",
                    "Mã phải là chữ thường không dấu, số hoặc gạch dưới, bắt đầu bằng chữ, tối đa 40 ký tự.",
                    "An id is lower-case letters, digits or underscores, starting with a letter, at most 40.",
                    row,
                    column,
                    cell[column],
                )
        for column in ("section_title_vi", "section_title_en", "label_vi", "label_en"):
            if not cell[column] or len(cell[column]) > MAX_LABEL:
                problems.add(
                    "form.label",
                    f"Cần nội dung, tối đa {MAX_LABEL} ký tự.",
                    f"Text is needed, at most {MAX_LABEL} characters.",
                    row,
                    column,
                    cell[column][:80],
                )
        kind = _KINDS.get(fold(cell["kind"]))
        if kind is None:
            problems.add(
                "form.kind",
                "Loại câu hỏi không có; dùng: "
                + ", ".join(f"{k} ({vi})" for k, (vi, _) in KIND_LABELS.items()),
                "No such question type; use: " + ", ".join(KIND_LABELS),
                row,
                "kind",
                cell["kind"],
            )
        required = _flag(cell["required"], problems, row, "required", True)
        sensitive = _flag(cell["sensitive"], problems, row, "sensitive", False)
        before_choices = len(problems.issues)
        choices = _choices(cell["choices"], problems, row) if cell["choices"] else ()
        malformed = len(problems.issues) > before_choices  # said already; "needs choices" would repeat it
        if kind == "choice" and not 2 <= len(choices) <= MAX_CHOICES and not malformed:
            problems.add(
                "form.choices_needed",
                f"Câu hỏi chọn một cần từ 2 đến {MAX_CHOICES} lựa chọn.",
                f"A one-choice question needs 2 to {MAX_CHOICES} choices.",
                row,
                "choices",
                cell["choices"],
            )
        if kind not in (None, "choice") and cell["choices"]:
            problems.add(
                "form.choices_unexpected",
                "Chỉ câu hỏi chọn một (choice) có lựa chọn.",
                "Only a one-choice question has choices.",
                row,
                "choices",
                cell["choices"],
            )
        if sensitive and kind not in (None, "number"):
            problems.add(
                "form.sensitive",
                "Chỉ câu hỏi số (đếm người) mới đánh dấu nhạy cảm được.",
                "Only a number question (a count of people) can be marked sensitive.",
                row,
                "sensitive",
                cell["sensitive"],
            )
        qid, sid = cell["question"], cell["section"]
        if qid in seen:
            problems.add(
                "form.duplicate_question",
                f"Mã câu hỏi “{qid}” đã có ở dòng {seen[qid]}.",
                f"Question id “{qid}” is already on row {seen[qid]}.",
                row,
                "question",
                qid,
            )
        seen.setdefault(qid, row)
        if sid in sections:
            title_vi_, title_en_, _, first = sections[sid]
            if (title_vi_, title_en_) != (cell["section_title_vi"], cell["section_title_en"]):
                problems.add(
                    "form.section_title",
                    f"Phần “{sid}” có tên khác với dòng {first}.",
                    f"Section “{sid}” has another title than on row {first}.",
                    row,
                    "section_title_vi",
                    cell["section_title_vi"],
                )
            if sid != last_section:
                problems.add(
                    "form.section_split",
                    f"Các câu của phần “{sid}” phải liền nhau (phần đã bắt đầu ở dòng {first}).",
                    f"The questions of section “{sid}” must be together (it began on row {first}).",
                    row,
                    "section",
                    sid,
                )
        else:
            sections[sid] = (cell["section_title_vi"], cell["section_title_en"], [], row)
            order.append(sid)
        last_section = sid
        if len(problems.issues) == bad and kind is not None:
            sections[sid][2].append(
                Question(qid, kind, cell["label_vi"], cell["label_en"], required, choices, sensitive)
            )
    if count == 0:
        problems.add(
            "form.empty", "Mẫu không có câu hỏi nào.", "The form has no questions.", None, None, None
        )
    if any(i.is_error for i in problems.issues):
        return None, problems.issues
    form = Form(
        code,
        title_vi,
        title_en,
        tuple(Section(sid, sections[sid][0], sections[sid][1], tuple(sections[sid][2])) for sid in order),
    )
    return form, problems.issues


def _choices_text(q: Question) -> str:
    return "; ".join(f"{value} = {vi} | {en}" for value, vi, en in q.choices)


def write_definition(form: Form) -> bytes:
    """The definition file of ``form`` (the columns of :data:`FORM_COLUMNS`, Vietnamese headers): edit it
    and import it under a new code to make a new form."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Mẫu phiếu"
    ws.append([c.header_vi for c in FORM_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for section in form.sections:
        for q in section.questions:
            ws.append(
                [
                    section.id,
                    section.title_vi,
                    section.title_en,
                    q.id,
                    q.kind,
                    q.label_vi,
                    q.label_en,
                    "có" if q.required else "không",
                    _choices_text(q),
                    "có" if q.sensitive else "không",
                ]
            )
    for letter, width in zip("ABCDEFGHIJ", (14, 32, 32, 22, 12, 48, 40, 10, 48, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
