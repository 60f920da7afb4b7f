"""``/drugs/survey/{code}`` — one commune's drug-control survey of the year (issue 15).

A commune officer fills it in for their own commune (``POST``), or downloads the Excel template
(``template.xlsx``), fills it offline and uploads it (``upload``); the city (a reviewer: see
``services.drug_survey.may_review``) reads the answers and approves them or returns them with a comment
(``review``). An attachment question takes a file with the form (the form is then sent as
``multipart/form-data``, within the upload limit); a file sent is opened at ``attachment/{question}``,
audited. A refused form comes back as it was sent with each problem beside its question, in Vietnamese
and English, and a 422; a refused upload lists every problem (row, column, value, rule). Nothing is written
on any error. Scope, rights and audit are the services'.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from antt.domain.access import SUPPRESSED_LABEL, Action
from antt.domain.drug_survey import (
    ATTACHMENT_TYPES,
    KIND_LABELS,
    MAX_ATTACHMENT_BYTES,
    allowed_values,
    shown_answer,
)
from antt.errors import ImportRejected, InvalidInput
from antt.services.drug_survey import (
    attachment_content,
    entry_form,
    review_survey,
    submit_survey,
    survey_view,
)
from antt.services.drug_survey_files import MAX_TEMPLATE_BYTES, import_survey_file, survey_template
from antt.web.access import client_address, requires
from antt.web.pages.common import actor_of, attachment_disposition, database_of, page_context, upload_name
from antt.web.pages.filters import form_year
from antt.web.templating import render

router = APIRouter(include_in_schema=False)
DONE = ("submitted", "uploaded", "approved", "returned")
MAX_FIELD = 4000


def _page(
    request: Request,
    code: str,
    year: int | None,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    problems: dict[str, list[Any]] | None = None,
    error: InvalidInput | None = None,
    rejected: ImportRejected | None = None,
    done: str = "",
) -> HTMLResponse:
    view = survey_view(database_of(request), actor_of(request), code, year)
    shown = form
    if shown is None:
        answers = view.record.answers if view.record else {}
        hidden = view.record.suppressed if view.record else frozenset()
        shown = {
            q.id: SUPPRESSED_LABEL if q.id in hidden else shown_answer(q, answers.get(q.id))
            for q in view.form.answered
        }
    return render(
        request,
        "drug_survey.html",
        {
            **page_context(request, "drugs"),
            "view": view,
            "sections": view.form.sections,
            "kinds": KIND_LABELS,
            "allowed": {q.id: allowed_values(q) for q in view.form.order},
            "attachments": view.record.attachments if view.record else {},
            "accept": ",".join(f".{e}" for e in ATTACHMENT_TYPES),
            "form": shown,
            "problems": problems or {},
            "error": error,
            "rejected": rejected,
            "done": done if done in DONE else "",
            "max_bytes": MAX_TEMPLATE_BYTES,
        },
        status_code=status_code,
    )


def _back(code: str, year: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/drugs/survey/{code}?year={year}&done={done}", status_code=303)


@router.get(
    "/drugs/survey/{code}", response_class=HTMLResponse, dependencies=[requires(Action.VIEW_DASHBOARD)]
)
def survey_page(request: Request, code: str, year: int | None = None, done: str = "") -> HTMLResponse:
    return _page(request, code, year, done=done)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:MAX_FIELD] if isinstance(value, str) else ""


async def _files(form: FormData, names: list[str]) -> dict[str, tuple[str, bytes]]:
    """The files chosen for the attachment questions ``names`` (an input left empty sends none); one byte
    more than the limit is read, so the check can say it is too large."""
    found: dict[str, tuple[str, bytes]] = {}
    for name in names:
        upload = form.get(name)
        if isinstance(upload, UploadFile) and upload.filename:
            found[name] = (upload_name(upload.filename), await upload.read(MAX_ATTACHMENT_BYTES + 1))
    return found


@router.post("/drugs/survey/{code}", dependencies=[requires(Action.IMPORT_DATA)])
async def submit_form(request: Request, code: str) -> Response:
    form = await request.form()  # parsed by the CSRF check already
    year = form_year(form.get("year"))
    shape = await run_in_threadpool(entry_form, database_of(request), actor_of(request), code, year)
    sent = {q.id: _text(form, q.id) for q in shape.answered}
    files = await _files(form, [q.id for q in shape.order if q.kind == "attachment"])
    try:
        record = await run_in_threadpool(
            submit_survey,
            database_of(request),
            actor_of(request),
            code,
            dict(sent),
            year=year,
            client=client_address(request),
            files=files,
        )
    except InvalidInput as invalid:
        problems: dict[str, list[Any]] = {}
        for issue in invalid.issues:
            problems.setdefault(issue.column or "", []).append(issue)
        return _page(request, code, year, status_code=422, form=sent, problems=problems, error=invalid)
    return _back(record.unit_code, record.year, "submitted")


@router.post("/drugs/survey/{code}/review", dependencies=[requires(Action.IMPORT_DATA)])
async def review_form(request: Request, code: str) -> Response:
    form = await request.form()
    decision = _text(form, "decision")
    comment = _text(form, "comment")
    year = form_year(form.get("year"))
    view = survey_view(database_of(request), actor_of(request), code, year)  # out of scope: 404 first
    try:
        if decision not in ("approve", "return"):
            raise InvalidInput(
                "Chọn duyệt hoặc trả lại phiếu.", "Choose whether to approve or return the survey."
            )
        record = await run_in_threadpool(
            review_survey,
            database_of(request),
            actor_of(request),
            code,
            view.year,
            approve=decision == "approve",
            comment=comment,
            client=client_address(request),
        )
    except InvalidInput as invalid:
        return _page(request, code, year, status_code=422, error=invalid, form=None)
    return _back(record.unit_code, record.year, "approved" if decision == "approve" else "returned")


@router.get("/drugs/survey/{code}/attachment/{question}", dependencies=[requires(Action.VIEW_DASHBOARD)])
def attachment_download(request: Request, code: str, question: str, year: int) -> Response:
    """A file sent with the survey, as a download (never shown inline: it is the commune's document)."""
    found, content_type, content = attachment_content(
        database_of(request), actor_of(request), code, year, question, client=client_address(request)
    )
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": attachment_disposition(found.file_name)},
    )


@router.get("/drugs/survey/{code}/template.xlsx", dependencies=[requires(Action.IMPORT_DATA)])
def template_download(request: Request, code: str, year: int | None = None) -> Response:
    name, content = survey_template(
        database_of(request), actor_of(request), code, year, client=client_address(request)
    )
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/drugs/survey/{code}/upload", dependencies=[requires(Action.IMPORT_DATA)])
async def upload_form(request: Request, code: str) -> Response:
    form = await request.form(max_files=1, max_fields=4)
    try:
        year = form_year(form.get("year"))
        upload = form.get("file")
        content, name = b"", "—"
        if isinstance(upload, UploadFile):
            name = upload_name(upload.filename, "upload.xlsx")
            content = await upload.read(MAX_TEMPLATE_BYTES + 1)
    finally:
        await form.close()
    try:
        result = await run_in_threadpool(
            import_survey_file,
            database_of(request),
            actor_of(request),
            content,
            name,
            unit_code=code,
            year=year,
            client=client_address(request),
        )
    except ImportRejected as rejected:
        return _page(request, code, year, status_code=422, rejected=rejected)
    return _back(result.unit_code, result.year, "uploaded")
