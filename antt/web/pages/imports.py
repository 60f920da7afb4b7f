"""``/imports`` — upload a file, read the validation report, confirm, see the history of imports.

Step 1 (``POST /imports``) stages the upload and runs the import as a dry run: the same validation and the
same counts as the real thing, then a rollback. Step 2 (``POST /imports/confirm``) imports the staged
bytes. A rejected file lists every problem by row and column, in the page's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.errors import ImportRejected
from antt.services.import_batches import import_history
from antt.services.imports import import_incidents
from antt.services.indicators import import_indicators
from antt.services.staged_imports import StagedFile, discard, stage, staged
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
        database, settings, actor, file.path, dry_run=dry_run, display_name=file.name, source=source
    )


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    history = import_history(database_of(request), actor_of(request))
    values = {**page_context(request, "imports"), "history": history, "kinds": KINDS, **context}
    return render(request, "imports.html", values, status_code=status_code)


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/imports", response_class=HTMLResponse)
def check_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=16)] = "incidents",
    source: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    kind = kind if kind in KINDS else "incidents"
    staged_file = stage(
        file.file, file.filename or "upload", request.app.state.settings.import_max_file_bytes
    )
    try:
        summary = _run(request, kind, staged_file, source or None, dry_run=True)
    except ImportRejected as rejected:
        discard(staged_file)
        return _page(request, 422, kind=kind, rejected=rejected, file_name=staged_file.name)
    except Exception:
        discard(staged_file)
        raise
    return _page(request, kind=kind, checked=summary, staged=staged_file, source=source)


@router.post("/imports/confirm", response_class=HTMLResponse)
def confirm_upload(
    request: Request,
    token: Annotated[str, Form(max_length=32)],
    sha256: Annotated[str, Form(max_length=64)],
    kind: Annotated[str, Form(max_length=16)] = "incidents",
    source: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    staged_file = staged(token, sha256)
    try:
        summary = _run(
            request, kind if kind in KINDS else "incidents", staged_file, source or None, dry_run=False
        )
    except ImportRejected as rejected:  # the data changed between check and confirm (e.g. a unit was edited)
        return _page(request, 422, kind=kind, rejected=rejected, file_name=staged_file.name)
    finally:
        discard(staged_file)
    return _page(request, kind=kind, imported=summary)
