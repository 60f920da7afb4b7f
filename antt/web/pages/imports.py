"""``/imports`` — upload a file, read the validation report, confirm, see the history of imports.

Step 1 (``POST /imports``) stages the upload and runs the import as a dry run: the same validation and the
same counts as the real thing, then a rollback. Step 2 (``POST /imports/confirm``) imports the staged
bytes. A rejected file shows the first problems of each rule with the count of all of them, in the page's
language, and a link to the full list (a CSV written while the file was checked: memory stays bounded
however many rows fail).

The upload route reads no body before the router's access check has passed (who may import, then the
CSRF token), and :mod:`antt.web.limits` caps the body's size: an anonymous or unauthorised upload is
refused unread.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from antt.domain.access import Action
from antt.errors import ImportRejected, InvalidInput
from antt.services.import_batches import import_history
from antt.services.imports import alerts_after_import, import_incidents
from antt.services.indicators import import_indicators
from antt.services.staged_imports import (
    SHOWN_PER_RULE,
    StagedFile,
    discard,
    listing_problems,
    problems_of,
    stage,
    staged,
)
from antt.web.access import requires
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.IMPORT_DATA)])

KINDS = ("incidents", "indicators")


def _run(request: Request, kind: str, file: StagedFile, source: str | None, *, dry_run: bool) -> Any:
    database, actor, settings = database_of(request), actor_of(request), request.app.state.settings
    if kind == "indicators":
        return import_indicators(
            database, settings, actor, file.path, dry_run=dry_run, display_name=file.name, source=source
        )
    return import_incidents(
        database,
        settings,
        actor,
        file.path,
        dry_run=dry_run,
        display_name=file.name,
        source=source,
        scan_alerts=False,  # confirm_upload runs the scan once the page has been sent
    )


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    history = import_history(database_of(request), actor_of(request))
    values = {
        **page_context(request, "imports"),
        "history": history,
        "kinds": KINDS,
        "keep_per_rule": SHOWN_PER_RULE,
        **context,
    }
    return render(request, "imports.html", values, status_code=status_code)


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request) -> HTMLResponse:
    return _page(request)


def _field(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


@router.post("/imports", response_class=HTMLResponse)
async def check_upload(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    form = await request.form(max_files=1, max_fields=8)  # parsed by the CSRF check already, if posted so
    try:
        upload = form.get("file")
        kind = _field(form.get("kind"), 16)
        source = _field(form.get("source"), 64)
        if not isinstance(upload, UploadFile):
            raise InvalidInput("Chưa chọn tệp để nhập.", "No file was chosen.")
        limit = min(settings.import_max_file_bytes, settings.max_upload_mb << 20)
        staged_file = await run_in_threadpool(
            stage, upload.file, upload.filename or "upload", limit, actor_of(request).name
        )
    finally:
        await form.close()
    return await run_in_threadpool(
        _check, request, kind if kind in KINDS else "incidents", staged_file, source
    )


def _check(request: Request, kind: str, staged_file: StagedFile, source: str) -> HTMLResponse:
    try:
        with listing_problems(staged_file) as listed:
            try:
                summary = _run(request, kind, staged_file, source or None, dry_run=True)
            except ImportRejected as rejected:
                if not listed.count:  # refused as a whole file, before any row was read
                    for issue in rejected.issues:
                        listed.write(issue)
                raise
    except ImportRejected as rejected:
        discard(staged_file, keep_issues=True)
        return _page(
            request,
            422,
            kind=kind,
            rejected=rejected,
            file_name=staged_file.name,
            issues_token=staged_file.token,
        )
    except Exception:
        discard(staged_file)
        raise
    return _page(
        request, kind=kind, checked=summary, staged=staged_file, source=source, issues_token=staged_file.token
    )


@router.get("/imports/issues/{token}.csv")
def all_issues(request: Request, token: str) -> FileResponse:
    """Every problem of a checked file, as CSV (the page shows the first of each rule), for whoever
    uploaded it; swept with the upload after an hour."""
    path = problems_of(token, actor_of(request).name)
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=f"antt-loi-nhap-{token[:8]}.csv")


@router.post("/imports/confirm", response_class=HTMLResponse)
def confirm_upload(
    request: Request,
    token: Annotated[str, Form(max_length=32)],
    sha256: Annotated[str, Form(max_length=64)],
    kind: Annotated[str, Form(max_length=16)] = "incidents",
    source: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    staged_file = staged(token, sha256, actor_of(request).name)
    try:
        summary = _run(
            request, kind if kind in KINDS else "incidents", staged_file, source or None, dry_run=False
        )
    except ImportRejected as rejected:  # the data changed between check and confirm (e.g. a unit was edited)
        return _page(request, 422, kind=kind, rejected=rejected, file_name=staged_file.name)
    finally:
        discard(staged_file)
    page = _page(request, kind=kind, imported=summary)
    if kind != "indicators":  # the alert checks after the answer: the importer does not wait for them
        page.background = BackgroundTask(alerts_after_import, database_of(request))
    return page
