"""``/admin/users`` — the administrator's page: users, their roles on units, grant, revoke, disable.

Everything goes through ``services.users`` (which checks the administrator's own scope and audits every
change, refused ones too); an identity that signed in without grants shows here, waiting for a role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from antt.domain.access import Action, Role
from antt.domain.text import sort_key
from antt.domain.units import Level
from antt.services.units import list_units
from antt.services.users import disable_user, grant, list_users, revoke
from antt.web.access import client_address, requires
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.MANAGE_USERS)])


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, done: str = "") -> HTMLResponse:
    actor = actor_of(request)
    users = list_users(database_of(request), actor)
    communes = sorted(list_units(actor, level=Level.COMMUNE), key=lambda u: (sort_key(u.short_name), u.code))
    return render(
        request,
        "admin_users.html",
        {
            **page_context(request, "admin"),
            "users": users,
            "roles": list(Role),
            "communes": communes,
            "done": done,
        },
    )


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
