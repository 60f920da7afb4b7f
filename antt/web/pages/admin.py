"""``/admin/users`` — the administrator's page: users, their roles on units, grant, revoke, disable; and the
move onto the e-ID: the old system's accounts imported (upload → report → confirm, like ``/imports``),
who has taken theirs over and when, the links refused for review, and the share of users on the e-ID.

Everything goes through ``services.users`` and ``services.legacy_users`` (which check the administrator's
own scope and audit every change, refused ones too); an identity that signed in without grants shows
here, waiting for a role. The upload route reads no body before the router's access check has passed,
and :mod:`antt.web.limits` caps its size as for ``/imports``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from antt.domain.access import Action, Role
from antt.domain.text import sort_key
from antt.domain.units import Level
from antt.errors import ImportRejected, InvalidInput
from antt.services.legacy_users import import_legacy_users, legacy_overview
from antt.services.staged_imports import SHOWN_PER_RULE, StagedFile, discard, stage, staged
from antt.services.units import list_units
from antt.services.users import disable_user, grant, list_users, revoke
from antt.web.access import client_address, requires
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.MANAGE_USERS)])


def _page(request: Request, done: str = "", status_code: int = 200, **context: Any) -> HTMLResponse:
    actor = actor_of(request)
    users = list_users(database_of(request), actor)
    communes = sorted(list_units(actor, level=Level.COMMUNE), key=lambda u: (sort_key(u.short_name), u.code))
    names = {u.id: u.full_name or u.subject for u in users}
    return render(
        request,
        "admin_users.html",
        {
            **page_context(request, "admin"),
            "users": users,
            "user_names": names,
            "roles": list(Role),
            "communes": communes,
            "done": done,
            "legacy": legacy_overview(database_of(request), actor),
            "keep_per_rule": SHOWN_PER_RULE,
            **context,
        },
        status_code=status_code,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, done: str = "") -> HTMLResponse:
    return _page(request, done)


def _import(request: Request, file: StagedFile, *, dry_run: bool) -> Any:
    return import_legacy_users(
        database_of(request),
        request.app.state.settings,
        actor_of(request),
        file.path,
        dry_run=dry_run,
        display_name=file.name,
        client_address=client_address(request),
    )


@router.post("/admin/users/legacy", response_class=HTMLResponse)
async def check_legacy_file(request: Request) -> HTMLResponse:
    """Step 1: stage the old system's account list and check it (a dry run)."""
    settings = request.app.state.settings
    form = await request.form(max_files=1, max_fields=4)  # parsed by the CSRF check already
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("Chưa chọn tệp để nhập.", "No file was chosen.")
        limit = min(settings.import_max_file_bytes, settings.max_upload_mb << 20)
        staged_file = await run_in_threadpool(stage, upload.file, upload.filename or "upload", limit)
    finally:
        await form.close()
    return await run_in_threadpool(_check, request, staged_file)


def _check(request: Request, staged_file: StagedFile) -> HTMLResponse:
    try:
        summary = _import(request, staged_file, dry_run=True)
    except ImportRejected as rejected:
        discard(staged_file)
        return _page(request, status_code=422, legacy_rejected=rejected, legacy_file=staged_file.name)
    except Exception:
        discard(staged_file)
        raise
    return _page(request, legacy_checked=summary, legacy_staged=staged_file)


@router.post("/admin/users/legacy/confirm", response_class=HTMLResponse)
def confirm_legacy_file(
    request: Request,
    token: Annotated[str, Form(max_length=32)],
    sha256: Annotated[str, Form(max_length=64)],
) -> HTMLResponse:
    """Step 2: import the very bytes that were checked."""
    staged_file = staged(token, sha256)
    try:
        summary = _import(request, staged_file, dry_run=False)
    except ImportRejected as rejected:  # something changed between check and confirm
        return _page(request, status_code=422, legacy_rejected=rejected, legacy_file=staged_file.name)
    finally:
        discard(staged_file)
    return _page(request, legacy_imported=summary)


def _change_role(request: Request, change: Callable[..., object], user: int, role: str, unit: str) -> None:
    """Grant or revoke ``role`` on one commune, or city-wide when no commune is chosen."""
    change(
        database_of(request),
        actor_of(request),
        user,
        role,
        (unit,) if unit else (),
        city_wide=not unit,
        client_address=client_address(request),
    )


@router.post("/admin/users/grant")
def grant_role(
    request: Request,
    user: Annotated[int, Form()],
    role: Annotated[str, Form(max_length=24)],
    unit: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    _change_role(request, grant, user, role, unit)
    return RedirectResponse("/admin/users?done=grant", status_code=303)


@router.post("/admin/users/revoke")
def revoke_role(
    request: Request,
    user: Annotated[int, Form()],
    role: Annotated[str, Form(max_length=24)],
    unit: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    _change_role(request, revoke, user, role, unit)
    return RedirectResponse("/admin/users?done=revoke", status_code=303)


@router.post("/admin/users/disable")
def disable(
    request: Request, user: Annotated[int, Form()], reason: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    disable_user(
        database_of(request), actor_of(request), user, reason=reason, client_address=client_address(request)
    )
    return RedirectResponse("/admin/users?done=disable", status_code=303)
