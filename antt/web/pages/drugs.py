"""``/drugs`` — Xã, phường không ma túy: each commune's official status (recognised, class, inherited) beside
its indicative QĐ 28/2025 class, the road to 100 % per target year, the communes to review and the commune
survey campaign's progress. Scoped (a commune officer sees their commune), small counts withheld by the
services."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.drug_status import DrugStatus
from antt.domain.drug_survey import QUESTIONS
from antt.domain.units import Level
from antt.services.compstat import scope_of
from antt.services.drug_classes import drug_status_report
from antt.services.drug_status import nearest_to_recognition, road_to_full
from antt.services.drug_survey import survey_progress
from antt.web.access import requires
from antt.web.i18n import _, current_language
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/drugs", response_class=HTMLResponse, dependencies=[requires(Action.VIEW_DASHBOARD)])
def drugs_page(request: Request, unit: str = "") -> HTMLResponse:
    actor = actor_of(request)
    database = database_of(request)
    scope, communes = scope_of(actor, unit or None)  # NotFound outside the actor's communes
    chosen = scope.code if scope.level is Level.COMMUNE else None
    report = drug_status_report(database, actor, unit_code=chosen)
    road = road_to_full(database, actor)
    progress = survey_progress(database, actor)
    candidates = [c for c in road.candidates if chosen is None or c.unit_code == chosen]
    nearest = [n for n in nearest_to_recognition(database, actor) if chosen is None or n.unit_code == chosen]
    english = current_language() == "en"
    # the map of official statuses and the yearly share against the plan, drawn by static/drugs.js
    chart = {
        "unit": chosen or "",
        "statuses": {
            c.unit_code: {
                "status": c.official.status.value,
                "inherited": c.official.inherited,
                "name": c.unit_name,
            }
            for c in report.communes
            if c.official is not None
        },
        "history": [[s.day.year, round(s.percent, 1)] for s in road.history],
        "plan": [[m.deadline.year, m.required_percent] for m in road.milestones],
        "labels": {
            **{s.value: s.label_en if english else s.label_vi for s in DrugStatus},
            "undecided": _("No decision"),
            "inherited": _("inherited"),
            "share": _("Recognised drug-free (%%)"),
            "plan": _("The city's plan (%%)"),
            "status": _("Official status"),
        },
    }
    return render(
        request,
        "drugs.html",
        {
            **page_context(request, "drugs"),
            "report": report,
            "road": road,
            "candidates": candidates,
            "nearest": nearest,
            # the self-assessment's choices as the survey form words them
            "survey_choices": {
                value: en if english else vi for value, vi, en in QUESTIONS["self_assessment"].choices
            },
            "progress": progress,
            "communes": communes,
            "unit": chosen or "",
            "english": english,
            "chart": chart,
        },
    )
