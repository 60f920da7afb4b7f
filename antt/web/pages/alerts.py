"""``/alerts`` — Cảnh báo: the alerts an actor may see (open, acknowledged, closed; by commune and group),
each explained in words with its figures, linked to the incidents behind it and to CompStat, and
acknowledged with the action taken (POST + CSRF; audited by the service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from antt.domain.access import Action
from antt.domain.alerts import AlertStatus
from antt.domain.reference import offence_table, unit_catalog
from antt.domain.units import Level
from antt.errors import InvalidInput
from antt.services.alerts import acknowledge, list_alerts, subject_group
from antt.services.compstat import scope_of
from antt.web.access import client_address, requires
from antt.web.i18n import current_language
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.templating import render

router = APIRouter(include_in_schema=False)

STATUS_CHOICES = {
    "active": (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
    "open": (AlertStatus.OPEN,),
    "acknowledged": (AlertStatus.ACKNOWLEDGED,),
    "closed": (AlertStatus.CLOSED,),
}


def _page(
    request: Request, *, status: str, unit: str, group: str, error: str = "", done: str = ""
) -> HTMLResponse:
    actor = actor_of(request)
    scope, communes = scope_of(actor, unit or None)  # NotFound outside the actor's communes
    chosen = scope.code if unit and scope.level is Level.COMMUNE else None
    table = offence_table()
    group = group if group in table.group_codes else ""
    alerts = list_alerts(
        database_of(request),
        actor,
        statuses=STATUS_CHOICES.get(status, STATUS_CHOICES["active"]),
        unit_code=chosen,
        subject=group or None,
    )
    catalog = unit_catalog()
    names = {u.code: u.name for u in catalog.in_scheme(catalog.current.code, Level.COMMUNE)}
    return render(
        request,
        "alerts.html",
        {
            **page_context(request, "alerts"),
            "alerts": alerts,
            "unit_names": names,
            "group_names": {g.code: (g.name_vi, g.name_en) for g in table.groups},
            "communes": communes,
            "status": status if status in STATUS_CHOICES else "active",
            "unit": chosen or "",
            "group": group,
            "error": error,
            "done": done,
            "english": current_language() == "en",
            "subject_group": subject_group,  # an article's alert links to its group's incidents
        },
        status_code=422 if error else 200,
    )


@router.get("/alerts", response_class=HTMLResponse, dependencies=[requires(Action.VIEW_DASHBOARD)])
def alerts_page(
    request: Request, status: str = "active", unit: str = "", group: str = "", done: str = ""
) -> HTMLResponse:
    return _page(request, status=status, unit=unit, group=group, done="ack" if done == "ack" else "")


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[requires(Action.VIEW_INCIDENTS)])
def acknowledge_form(
    request: Request, alert_id: int, action_taken: Annotated[str, Form(max_length=4000)] = ""
) -> Response:
    try:
        acknowledge(
            database_of(request), actor_of(request), alert_id, action_taken, client=client_address(request)
        )
    except InvalidInput as exc:
        message = exc.message_en if current_language() == "en" else exc.message_vi
        return _page(request, status="active", unit="", group="", error=message)
    return RedirectResponse("/alerts?done=ack", status_code=303)
