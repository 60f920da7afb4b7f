"""The survey forms a campaign may use (issue 15 §3): the built-in commune drug-control form and the forms
analysts added from a definition file (``docs/formats/survey-form.md``).

An analyst starts from an existing form's definition (:func:`form_definition`, an ``.xlsx`` one row per
question), edits it in Excel and adds it under a new code (:func:`import_form`): checked like every import
(every problem listed, in both languages; nothing written on any), audited (``drug_survey.form``). A form is
never changed once added — the answers given on it keep meaning what they meant — so a new version is a new
code. Only the city's reviewers add forms, as they set up campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from antt.domain.access import Action, Actor
from antt.domain.drug_survey import BUILTIN_FORM, Form
from antt.domain.survey_forms import CODE, MAX_TITLE, form_document, form_from_document
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antt.importers.survey_form import read_definition, write_definition
from antt.services.import_batches import ImportFile, rejection
from antt.settings import Settings
from antt.storage import audit
from antt.storage import drug_survey as store
from antt.storage.engine import Database
from antt.storage.tables import SurveyFormRow


@dataclass(frozen=True)
class FormEntry:
    """A form as listed: the form, who added it and when (``None`` for the built-in one)."""

    form: Form
    created_by: str | None
    created_at: datetime | None

    @property
    def questions(self) -> int:
        return len(self.form.order)


def all_forms(database: Database) -> list[FormEntry]:
    """The built-in form first, then the added ones in the order they were added."""
    with database.transaction(write=False) as session:
        rows = store.forms(session)
    added = [FormEntry(form_from_document(r.definition), r.created_by, r.created_at) for r in rows]
    return [FormEntry(BUILTIN_FORM, None, None), *added]


def find_form(database: Database, code: str) -> Form:
    if code == BUILTIN_FORM.code:
        return BUILTIN_FORM
    with database.transaction(write=False) as session:
        row = store.form(session, code)
    if row is None:
        raise NotFound(f"Không có mẫu phiếu “{code}”.", f"No survey form “{code}”.")
    return form_from_document(row.definition)


def form_definition(database: Database, actor: Actor, code: str) -> tuple[str, bytes]:
    """``(file name, xlsx)`` of the form's definition file, to start a new form from."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    form = find_form(database, code)
    return f"mau-phieu-{form.code}.xlsx", write_definition(form)


def _require_reviewer(actor: Actor) -> None:
    if not actor.can_city_wide(Action.IMPORT_DATA):
        raise PermissionDenied(
            "Chỉ cán bộ phân tích cấp thành phố thêm mẫu phiếu khảo sát.",
            "Only the city's analysts add survey forms.",
        )


def _checked_header(code: str, title_vi: str, title_en: str) -> tuple[str, str, str]:
    code = code.strip().lower()
    titles = (" ".join(title_vi.split()), " ".join(title_en.split()))
    problems: list[tuple[str, str]] = []
    if not CODE.match(code):
        problems.append(
            (
                f"Mã mẫu “{code}”: 2–32 ký tự chữ thường không dấu, số hoặc gạch nối (vd. ptmt-xa-2026).",
                f"Form code “{code}”: 2–32 lower-case letters, digits or hyphens (e.g. ptmt-xa-2026).",
            )
        )
    if not all(0 < len(t) <= MAX_TITLE for t in titles):
        problems.append(
            (
                f"Tên mẫu (tiếng Việt và tiếng Anh): 1–{MAX_TITLE} ký tự.",
                f"Form title (Vietnamese and English): 1–{MAX_TITLE} characters.",
            )
        )
    if problems:
        raise InvalidInput("; ".join(vi for vi, _ in problems), "; ".join(en for _, en in problems))
    return code, *titles


def import_form(
    database: Database,
    settings: Settings,
    actor: Actor,
    path: Path,
    *,
    code: str,
    title_vi: str,
    title_en: str,
    display_name: str | None = None,
    dry_run: bool = False,
    client: str = "",
    now: datetime | None = None,
) -> Form:
    """Read the definition file ``path`` and add its form under ``code``. Raises :class:`ImportRejected`
    with every problem of the file, :class:`Conflict` for a code already used (the same file again is
    no change: the form is returned as it is)."""
    _require_reviewer(actor)
    code, title_vi, title_en = _checked_header(code, title_vi, title_en)
    file = ImportFile.scan(path, display_name)
    with file.open(settings) as table:
        form, issues = read_definition(
            table.headers, table.rows, file.name, code=code, title_vi=title_vi, title_en=title_en
        )
        issues[:0] = table.warnings
    if form is None:
        raise rejection(file.name, issues, 1)
    at = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    with database.transaction() as session:
        found = store.form(session, code) if code != BUILTIN_FORM.code else None
        if code == BUILTIN_FORM.code or found is not None:
            if found is not None and found.definition == form_document(form):
                return form  # the same form again: idempotent
            raise Conflict(
                f"Mã mẫu “{code}” đã dùng cho một mẫu khác; mẫu đã có không sửa được — hãy đặt mã mới.",
                f"Form code “{code}” is already used by another form; a form is never changed — choose a new code.",
            )
        if dry_run:
            return form
        store.add_form(
            session,
            SurveyFormRow(
                code=code,
                title_vi=title_vi,
                title_en=title_en,
                definition=form_document(form),
                file_sha256=file.sha256,
                created_by=actor.name,
                created_at=at,
            ),
        )
        audit.append(
            session,
            actor=actor.name,
            action="drug_survey.form",
            outcome="success",
            obj=f"survey_form:{code}",
            client=client,
            details={
                "code": code,
                "file": file.name,
                "sha256": file.sha256,
                "sections": len(form.sections),
                "questions": len(form.order),
            },
            at=at,
        )
    return form
