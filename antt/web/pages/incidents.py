"""``/incidents`` — the incidents behind a count: CompStat's filters, a page of 100, newest first.

Rows of a sensitive category are not listed in the communes where the user lacks the privilege, whatever
their number; the page says which (commune, category) are left out
(:func:`antt.services.incidents.list_incidents`, docs/disclosure.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.reference import unit_catalog
from antt.services.disclosure import DRUGS, SEXUAL_OFFENCES
from antt.services.incidents import list_incidents
from antt.web.access import requires
from antt.web.i18n import _
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import form_date, group_choices, period_label, read_filters
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_INCIDENTS)])


def status_word(status: str) -> str:
    from antt.domain.incidents import STATUS_LABELS_VI
    from antt.web.i18n import current_language

    if current_language() == "en":
        return status.replace("_", " ")
    return {str(k): v for k, v in STATUS_LABELS_VI.items()}.get(status, status)


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
            "category_names": {DRUGS: _("drug offences"), SEXUAL_OFFENCES: _("sexual offences")},
        },
    )
