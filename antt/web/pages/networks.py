"""``/networks`` — Nhóm đồng phạm / co-offending groups: the groups of a period ranked by score, each with
its growth alerts, its network (ECharts graph; members only as "Đối tượng k · nhóm g…"), its incidents
(each linked to the incident list of its day and commune) and its communes.

Only actors with :data:`Action.VIEW_NETWORKS` open it; the services scope what they see (a commune-bound
actor: the groups with an incident in its communes, those incidents only) and audit every view as a
person-level read (``networks.groups``, ``networks.alerts``). The chart data travels in a
``<script type="application/json">`` block read by ``static/networks.js``: no inline script.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.periods import period_from, today_local
from antt.domain.reference import unit_catalog
from antt.services.networks import NetworkAlert, co_offending_groups, network_alerts
from antt.web.access import client_address, requires
from antt.web.i18n import _, current_language, day
from antt.web.labels import member_label
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import form_date
from antt.web.templating import render

router = APIRouter(include_in_schema=False)

#: the default window: the year up to the newest incident (the tracking window of docs/co-offending.md)
DEFAULT_DAYS = 365


@router.get("/networks", response_class=HTMLResponse, dependencies=[requires(Action.VIEW_NETWORKS)])
def networks_page(
    request: Request,
    period: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    min_members: Annotated[int, Query(ge=2, le=1000)] = 3,
) -> HTMLResponse:
    context = page_context(request, "networks")
    start_day, end_day = form_date(from_, "from"), form_date(to, "to")
    if period or start_day or end_day:
        window = period_from(period or None, start_day, end_day)
        start, end = window.start, window.end
    else:
        end = (context["freshness"].data_up_to if context["freshness"] else None) or today_local()
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    database, actor, client = database_of(request), actor_of(request), client_address(request)
    cards = co_offending_groups(
        database, actor, start=start, end=end, min_members=min_members, client_address=client
    )
    shown = {c.id for c in cards}
    alerts: dict[str, list[NetworkAlert]] = {}
    if cards:
        found = network_alerts(
            database,
            actor,
            as_of=end,
            days=(end - start).days + 1,
            store_alerts=False,
            client_address=client,
        )
        for a in found:
            if a.group_id in shown:
                alerts.setdefault(a.group_id, []).append(a)
    catalog = unit_catalog()
    names = {u.code: u.name for u in catalog.in_scheme(catalog.current.code)}
    charts: list[dict[str, Any]] = [
        {
            "id": c.id,
            "nodes": [member_label(m) for m in c.member_labels],
            "links": [list(t) for t in c.ties],
            "growth": [[day(d), members, incidents] for d, members, incidents in c.growth],
            "series": [_("Members"), _("Incidents")],
            # the card's map: the group's communes shaded, its incidents that have a place as points
            "communes": list(c.communes),
            "points": [
                [i.lon, i.lat, i.source_id, day(i.day)]
                for i in c.incidents
                if i.lat is not None and i.lon is not None
            ],
        }
        for c in cards
    ]
    return render(
        request,
        "networks.html",
        {
            **context,
            "cards": cards,
            "alerts": alerts,
            "charts": charts,
            "start": start,
            "end": end,
            "min_members": min_members,
            "unit_names": names,
            "map_labels": {
                "incidents": _("Incidents"),
                "no_place": _("No incident of this group has a recorded place."),
            },
            "english": current_language() == "en",
        },
    )
