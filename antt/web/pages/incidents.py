"""``/incidents`` — the incidents behind a count: CompStat's filters, a page of 100, newest first.

Rows of a sensitive category are not listed in the communes where the user lacks the privilege, whatever
their number; the page says which (commune, category) are left out
(:func:`antt.services.incidents.list_incidents`, docs/disclosure.md).

``/incidents/{id}`` — one incident's facts, never a person's data: what the list would not show the user
is not found (404). Roles allowed person-level reads also see the pseudonyms of the persons it names (an
audited read, :func:`antt.services.incidents.get_incident`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.incidents import STATUS_LABELS_VI, IncidentStatus, local_date
from antt.domain.offences import SEVERITY_LABELS_EN, SEVERITY_LABELS_VI
from antt.domain.reference import offence_table, unit_catalog
from antt.services.disclosure import DRUGS, SEXUAL_OFFENCES
from antt.services.incidents import get_incident, list_incidents
from antt.web.access import client_address, requires
from antt.web.i18n import _, current_language
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import form_date, group_choices, period_label, read_filters
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_INCIDENTS)])


STATUS_LABELS_EN = {
    IncidentStatus.UNDER_INVESTIGATION: "Under investigation",
    IncidentStatus.CLEARED: "Solved",
    IncidentStatus.SUSPENDED: "Suspended",
    IncidentStatus.CLOSED: "Closed (dropped)",
    IncidentStatus.TRANSFERRED: "Transferred to another agency",
}


def status_word(status: str) -> str:
    """An incident's status as its label in the page's language (the code itself if unknown)."""
    labels = STATUS_LABELS_EN if current_language() == "en" else STATUS_LABELS_VI
    return {str(k): v for k, v in labels.items()}.get(status, status)


def severity_word(severity: str | None) -> str:
    """A Penal Code severity class (art. 9) as its label in the page's language; "—" when unknown."""
    if not severity:
        return "—"
    labels = SEVERITY_LABELS_EN if current_language() == "en" else SEVERITY_LABELS_VI
    return {str(k): v for k, v in labels.items()}.get(severity, severity)


@router.get("/incidents", response_class=HTMLResponse)
def incidents_page(
    request: Request,
    period: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    group: Annotated[str | None, Query(max_length=24)] = None,
    unit: Annotated[str | None, Query(max_length=8)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    context = page_context(request, "incidents")
    filters = read_filters(
        context["freshness"].data_up_to,
        period=period,
        from_=form_date(from_, "from"),
        to=form_date(to, "to"),
        compare=None,
        group=group,
        unit=unit,
        measure=None,
    )
    result = list_incidents(
        database_of(request),
        actor_of(request),
        filters.period,
        unit_code=filters.unit,
        group=filters.group,
        page=page,
    )
    catalog = unit_catalog()
    names = {u.code: u.name for u in catalog.in_scheme(catalog.current.code)}
    params = {k: v for k, v in filters.params().items() if k not in ("compare", "measure")}
    return render(
        request,
        "incidents.html",
        {
            **context,
            "result": result,
            "filters": filters,
            "params": params,
            "period_label": period_label(filters.period),
            "unit_names": names,
            "group_names": dict(group_choices(actor_of(request))),
            "status_word": status_word,
            "severity_word": severity_word,
            "category_names": {DRUGS: _("drug offences"), SEXUAL_OFFENCES: _("sexual offences")},
        },
    )


@router.get("/incidents/{incident_id:int}", response_class=HTMLResponse)
def incident_page(request: Request, incident_id: Annotated[int, Path(ge=1, le=2**62)]) -> HTMLResponse:
    actor = actor_of(request)
    detail = get_incident(database_of(request), actor, incident_id, client_address=client_address(request))
    catalog = unit_catalog()
    table = offence_table()
    offence = table.find(detail.article)
    recorded = None
    if detail.recorded_scheme != catalog.current.code or detail.recorded_code != detail.unit_code:
        old = {u.code: u.name for u in catalog.in_scheme(detail.recorded_scheme)}
        recorded = old.get(detail.recorded_code, detail.recorded_code)
    names = {u.code: u.name for u in catalog.in_scheme(catalog.current.code)}
    return render(
        request,
        "incidents_detail.html",
        {
            **page_context(request, "incidents"),
            "incident": detail,
            "commune_name": names.get(detail.unit_code, detail.unit_code),
            "recorded_name": recorded,
            "offence_name": offence.name_vi if offence else "",
            "group_name": dict(group_choices(actor)).get(detail.group, detail.group),
            "status_label": status_word(detail.status),
            "severity_label": severity_word(detail.severity),
            "severity_range": (
                None
                if detail.severity or not detail.severity_min
                else (severity_word(detail.severity_min), severity_word(detail.severity_max))
            ),
            "day_key": f"day:{local_date(detail.occurred_at).isoformat()}",
        },
    )
