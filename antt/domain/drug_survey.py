"""The commune drug-control survey (khảo sát công tác phòng, chống ma túy cấp xã): its form and the check of
a commune's answers.

The article: the commune-level survey was done in 13 of 15 districts, An Lão and Thủy Nguyên pending.
Each year every commune's police fill in one form for their own commune; the city reviews it (approve, or
return with a comment) and follows progress by commune and by former district. The form below is modelled
on the survey the article describes: the drug situation in figures, then the state of the commune's
drug-control work. A new form is a new :data:`FORM_VERSION`, never an edit of a stored one.

That form is the built-in one (:data:`BUILTIN_FORM`). An analyst may write another — sections and
questions of the kinds below, attachments included — as a definition file (:mod:`antt.domain.survey_forms`)
and give it to a year's campaign; every check here takes the :class:`Form` the year uses.

The deadline: each year's campaign closes on one day of that year, the setting ``ANTT_DRUG_SURVEY_DEADLINE``
(``MM-DD``, default :data:`DEFAULT_DEADLINE`, 30 June — mid-year, when the city's half-year report on drug
control is written). One setting rather than a deadline stored per year: the survey is yearly with the same
calendar each year, and it needs no new table; :func:`deadline_of` turns it into the year's date (a day the
month lacks, e.g. 02-30, is the month's last day). A commune is overdue once that day has passed without its
survey in (none submitted, or returned and not sent again).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from antt.errors import InvalidInput, Issue

FORM_VERSION = "ptmt-xa-2025"
DEFAULT_DEADLINE = "06-30"
MAX_NUMBER = 1_000_000
MAX_TEXT = 2000


class SurveyStatus(StrEnum):
    SUBMITTED = "submitted"  # đã nộp, chờ duyệt
    APPROVED = "approved"  # đã duyệt
    RETURNED = "returned"  # trả lại để bổ sung

    @property
    def done(self) -> bool:
        """Counts as done in the campaign's progress (a returned form is pending again)."""
        return self is not SurveyStatus.RETURNED

    @property
    def label_vi(self) -> str:
        return {"submitted": "đã nộp", "approved": "đã duyệt", "returned": "trả lại"}[self.value]

    @property
    def label_en(self) -> str:
        return {"submitted": "submitted", "approved": "approved", "returned": "returned"}[self.value]


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # number | yes_no | choice | text | attachment
    label_vi: str
    label_en: str
    required: bool = True
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, vi, en)
    sensitive: bool = False  # a count of people about drugs: 1–4 hidden from readers without the privilege


@dataclass(frozen=True)
class Section:
    id: str
    title_vi: str
    title_en: str
    questions: tuple[Question, ...]


FORM: tuple[Section, ...] = (
    Section(
        "situation",
        "I. Tình hình ma túy trên địa bàn",
        "I. The drug situation in the commune",
        (
            Question(
                "users_managed",
                "number",
                "Người nghiện, người sử dụng trái phép chất ma túy có hồ sơ quản lý",
                "Addicts and illegal users with management records",
                sensitive=True,
            ),
            Question(
                "places",
                "number",
                "Địa điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy",
                "Places organising or harbouring illegal drug use",
                sensitive=True,
            ),
            Question(
                "offenders_arrested",
                "number",
                "Đối tượng phạm tội về ma túy bị bắt giữ trong năm",
                "Drug offenders arrested in the year",
                sensitive=True,
            ),
            Question(
                "plants_destroyed",
                "number",
                "Cây có chứa chất ma túy phát hiện, triệt phá (cây)",
                "Narcotic plants found and destroyed (plants)",
            ),
        ),
    ),
    Section(
        "work",
        "II. Công tác phòng, chống ma túy",
        "II. Drug-control work",
        (
            Question(
                "steering_committee",
                "yes_no",
                "Có Ban chỉ đạo phòng, chống ma túy của xã hoạt động thường xuyên",
                "A commune drug-control steering committee meets regularly",
            ),
            Question(
                "community_treatment",
                "number",
                "Người cai nghiện tự nguyện tại gia đình, cộng đồng",
                "People in voluntary treatment at home or in the community",
                sensitive=True,
            ),
            Question(
                "self_assessment",
                "choice",
                "Tự đánh giá so với tiêu chí địa bàn không ma túy",
                "Self-assessment against the drug-free criteria",
                choices=(
                    ("meets", "đủ điều kiện đề nghị công nhận", "ready to be proposed for recognition"),
                    ("near", "gần đạt", "nearly there"),
                    ("far", "chưa đạt", "not yet"),
                ),
            ),
            Question("notes", "text", "Ghi chú, kiến nghị", "Notes and proposals", required=False),
        ),
    ),
)
QUESTIONS: dict[str, Question] = {q.id: q for s in FORM for q in s.questions}
SECTION_OF: dict[str, Section] = {q.id: s for s in FORM for q in s.questions}
KIND_LABELS: dict[str, tuple[str, str]] = {
    "number": ("số nguyên", "whole number"),
    "yes_no": ("có/không", "yes/no"),
    "choice": ("chọn một", "one choice"),
    "text": ("văn bản", "text"),
    "attachment": ("tệp đính kèm", "attachment"),
}
ATTACHMENT_TYPES: dict[str, str] = {  # extension → the content type it is served as
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # a scanned signed report of a few pages


@dataclass(frozen=True)
class Form:
    """A survey form: its code (stored with every answer; a new form is a new code) and its sections."""

    code: str
    title_vi: str
    title_en: str
    sections: tuple[Section, ...]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    @property
    def order(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def section_of(self, question_id: str) -> Section:
        return next(s for s in self.sections if any(q.id == question_id for q in s.questions))

    @property
    def answered(self) -> tuple[Question, ...]:
        """The questions answered in a cell (the web form's fields, the template's rows): all but
        attachments, which are files sent on the web."""
        return tuple(q for q in self.order if q.kind != "attachment")


BUILTIN_FORM = Form(
    FORM_VERSION,
    "Khảo sát công tác phòng, chống ma túy cấp xã",
    "Commune drug-control survey",
    FORM,
)
_YES = {"1", "true", "yes", "có", "co", "x"}
_NO = {"0", "false", "no", "không", "khong", ""}


def allowed_values(q: Question) -> tuple[str, str]:
    """What an answer to ``q`` may be, in Vietnamese and in English (the template's "allowed" column)."""
    if q.kind == "number":
        top = f"{MAX_NUMBER:,}"
        return f"0 – {top.replace(',', '.')}", f"0 – {top}"
    if q.kind == "yes_no":
        return "có / không", "yes / no"
    if q.kind == "choice":
        return (
            "; ".join(f"{value} = {vi}" for value, vi, _ in q.choices),
            "; ".join(f"{value} = {en}" for value, _, en in q.choices),
        )
    optional = ("", "") if q.required else (", không bắt buộc", ", optional")
    if q.kind == "attachment":
        kinds = ", ".join(sorted({e.upper() for e in ATTACHMENT_TYPES} - {"JPEG"}))
        most = MAX_ATTACHMENT_BYTES // 1024 // 1024
        return (
            f"{kinds}; tối đa {most} MB; gửi trên trang web{optional[0]}",
            f"{kinds}; at most {most} MB; sent on the web{optional[1]}",
        )
    return f"tối đa {MAX_TEXT} ký tự{optional[0]}", f"at most {MAX_TEXT} characters{optional[1]}"


def deadline_of(year: int, month_day: str = DEFAULT_DEADLINE) -> date:
    """The day ``year``'s survey is due, from ``MM-DD`` (a day past the month's end is its last day)."""
    month_text, _, day_text = month_day.partition("-")
    try:
        month, day = int(month_text), int(day_text)
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(max(day, 1), last))
    except ValueError:
        raise InvalidInput(
            f"Hạn nộp phiếu khảo sát không hợp lệ: {month_day!r} (cần MM-DD).",
            f"Invalid survey deadline {month_day!r} (expected MM-DD).",
        ) from None


def shown_answer(q: Question, value: object) -> str:
    """A stored answer as a person types it (the web form's field, the template's answer cell)."""
    if value is None:
        return ""
    if q.kind == "yes_no":
        return "có" if value is True else "không"
    return str(value)


def _issue(q: Question, value: str, vi: str, en: str, rule: str) -> Issue:
    return Issue(rule, vi, en, column=q.id, value=value)


def _answer(q: Question, raw: object) -> tuple[object, Issue | None]:
    text = "" if raw is None else str(raw).strip()
    if not text:
        if q.kind == "yes_no":
            return False, None
        if q.required:
            return None, _issue(
                q, text, f"Chưa trả lời: {q.label_vi}.", f"Not answered: {q.label_en}.", "survey.required"
            )
        return None, None
    if q.kind == "number":
        cleaned = text.replace(".", "").replace(" ", "")  # 1.234 — Vietnamese thousands separator
        if not cleaned.isdigit() or int(cleaned) > MAX_NUMBER:
            return None, _issue(
                q,
                text,
                f"{q.label_vi}: cần một số nguyên từ 0 đến {MAX_NUMBER:,}.".replace(",", "."),
                f"{q.label_en}: a whole number from 0 to {MAX_NUMBER:,} is expected.",
                "survey.number",
            )
        return int(cleaned), None
    if q.kind == "yes_no":
        folded = text.lower()
        if folded in _YES:
            return True, None
        if folded in _NO:
            return False, None
        return None, _issue(
            q, text, f"{q.label_vi}: cần có/không.", f"{q.label_en}: yes/no expected.", "survey.yes_no"
        )
    if q.kind == "choice":
        for value, vi, en in q.choices:
            if text.lower() in (value, vi.lower(), en.lower()):
                return value, None
        allowed = ", ".join(v for v, _, _ in q.choices)
        return None, _issue(
            q,
            text,
            f"{q.label_vi}: chọn một trong {allowed}.",
            f"{q.label_en}: one of {allowed}.",
            "survey.choice",
        )
    if len(text) > MAX_TEXT:
        return None, _issue(
            q,
            text[:40],
            f"{q.label_vi}: dài quá {MAX_TEXT} ký tự.",
            f"{q.label_en}: longer than {MAX_TEXT}.",
            "survey.text",
        )
    return text, None


def _unknown_question(question_id: str) -> Issue:
    return Issue(
        "survey.unknown_question",
        "Câu hỏi không có trong mẫu khảo sát (mẫu đã bị sửa?).",
        "No such question in the survey form (a modified form?).",
        column=question_id,
    )


def checked_answers(raw: Mapping[str, object], form: Form = BUILTIN_FORM) -> dict[str, object]:
    """The answers of a filled ``form``, typed; every problem at once (:class:`InvalidInput` with one issue
    per question), an unknown question included — a modified form is refused, not silently trimmed.
    Attachments are not answers typed in: :func:`checked_attachment` checks each file."""
    issues: list[Issue] = []
    answers: dict[str, object] = {}
    questions = form.questions
    for key in raw:
        if key not in questions or questions[key].kind == "attachment":
            issues.append(_unknown_question(str(key)))
    for q in form.answered:
        value, problem = _answer(q, raw.get(q.id))
        if problem is not None:
            issues.append(problem)
        elif value is not None:
            answers[q.id] = value
    if issues:
        raise InvalidInput(
            f"Phiếu khảo sát có {len(issues)} lỗi; chưa lưu.",
            f"The survey form has {len(issues)} problem(s); nothing was saved.",
            issues,
        )
    return answers


_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


def attachment_extension(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def checked_attachment(q: Question, file_name: str, content: bytes) -> Issue | None:
    """The problem with ``content`` sent for attachment question ``q``, or ``None``: a type the form
    accepts (by extension and by the file's first bytes — a renamed program is not a PDF), not empty, at
    most :data:`MAX_ATTACHMENT_BYTES`."""
    extension = attachment_extension(file_name)
    allowed_vi, allowed_en = allowed_values(q)
    if extension not in ATTACHMENT_TYPES:
        return _issue(
            q,
            file_name,
            f"{q.label_vi}: loại tệp không được nhận ({allowed_vi}).",
            f"{q.label_en}: this type of file is not accepted ({allowed_en}).",
            "survey.attachment.type",
        )
    if not content:
        return _issue(
            q,
            file_name,
            f"{q.label_vi}: tệp rỗng.",
            f"{q.label_en}: the file is empty.",
            "survey.attachment.empty",
        )
    if len(content) > MAX_ATTACHMENT_BYTES:
        most = MAX_ATTACHMENT_BYTES // 1024 // 1024
        return _issue(
            q,
            file_name,
            f"{q.label_vi}: tệp lớn hơn {most} MB.",
            f"{q.label_en}: the file is larger than {most} MB.",
            "survey.attachment.too_large",
        )
    if not content.startswith(_MAGIC[extension]):
        return _issue(
            q,
            file_name,
            f"{q.label_vi}: nội dung tệp không phải {extension.upper()} (tệp bị đổi tên?).",
            f"{q.label_en}: the file's content is not {extension.upper()} (a renamed file?).",
            "survey.attachment.content",
        )
    return None


def checked_files(form: Form, files: Mapping[str, tuple[str, bytes]]) -> list[Issue]:
    """The problems of the files sent for ``form``'s attachment questions (question id → (file name,
    bytes)): a file for no attachment question of the form, or one :func:`checked_attachment` refuses."""
    questions = form.questions
    issues: list[Issue] = []
    for qid, (name, content) in files.items():
        question = questions.get(qid)
        if question is None or question.kind != "attachment":
            issues.append(_unknown_question(qid))
        elif (problem := checked_attachment(question, name, content)) is not None:
            issues.append(problem)
    return issues
