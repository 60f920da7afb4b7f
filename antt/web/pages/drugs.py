"""``/drugs`` — Xã, phường không ma túy: each commune's official status (recognised, class, inherited) beside
its indicative QĐ 28/2025 class, the road to 100 % per target year, the communes to review and the commune
survey campaign's progress. Scoped (a commune officer sees their commune), small counts withheld by the
services. An analyst sets up the year's campaign (``POST /drugs/campaign``) on one of the survey forms, and
adds a form from a definition file (``POST /drugs/forms``; a form's definition is
``/drugs/forms/{code}.xlsx``, to start the next one from)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from antt.domain.access import Action
from antt.domain.drug_status import DrugStatus
from antt.domain.drug_survey import QUESTIONS
from antt.domain.units import Level
from antt.errors import InvalidInput
from antt.services.compstat import scope_of
from antt.services.drug_classes import drug_status_report
from antt.services.drug_status import nearest_to_recognition, road_to_full
from antt.services.drug_survey import campaign_of, may_review, save_campaign, survey_progress
from antt.services.staged_imports import discard, stage
from antt.services.survey_forms import all_forms, form_definition, import_form
from antt.web.access import client_address, requires
from antt.web.i18n import _, current_language
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import form_date, form_year
from antt.web.templating import render

router = APIRouter(include_in_schema=False)


@router.post("/drugs/campaign", dependencies=[requires(Action.IMPORT_DATA)])
async def campaign_form(request: Request) -> Response:
    """An analyst sets up (or changes) a year's survey campaign; a problem is the usual bilingual 4xx page."""
    form = await request.form()  # parsed by the CSRF check already

    def text(name: str, most: int = 4000) -> str:
        value = form.get(name)
        return value[:most] if isinstance(value, str) else ""

    year = form_year(text("year", 10))
    if year is None:
        raise InvalidInput("Thiếu năm khảo sát.", "The campaign's year is missing.")
    deadline = form_date(text("deadline", 10), "deadline")
    if deadline is None:
        raise InvalidInput("Thiếu hạn nộp.", "The deadline is missing.")
    await run_in_threadpool(
        save_campaign,
        database_of(request),
        actor_of(request),
        year=year,
        name=text("name", 400),
        deadline=deadline,
        units=[u for u in re.split(r"[\s,;]+", text("units")) if u],
        form_code=text("form", 40) or None,
        client=client_address(request),
    )
    return RedirectResponse(f"/drugs?campaign={year}#campaign", status_code=303)


MAX_DEFINITION_BYTES = 2 * 1024 * 1024  # a form of 200 questions is ~30 KB


@router.post("/drugs/forms", dependencies=[requires(Action.IMPORT_DATA)])
async def add_form(request: Request) -> Response:
    """An analyst adds a survey form from its definition file (xlsx or csv); every problem of the file is
    the usual bilingual 4xx page, listing file, row, column, value and rule."""
    form = await request.form(max_files=1, max_fields=8)  # parsed by the CSRF check already
    try:
        fields = {k: form.get(k) for k in ("code", "title_vi", "title_en")}
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("Chưa chọn tệp định nghĩa mẫu phiếu.", "No definition file was chosen.")
        staged = await run_in_threadpool(
            stage, upload.file, upload.filename or "upload", MAX_DEFINITION_BYTES
        )
    finally:
        await form.close()

    def text(value: object) -> str:
        return value[:400] if isinstance(value, str) else ""

    try:
        added = await run_in_threadpool(
            import_form,
            database_of(request),
            database_of(request).settings,
            actor_of(request),
            staged.path,
            code=text(fields["code"]),
            title_vi=text(fields["title_vi"]),
            title_en=text(fields["title_en"]),
            display_name=staged.name,
            client=client_address(request),
        )
    finally:
        discard(staged)
    return RedirectResponse(f"/drugs?form={added.code}#forms", status_code=303)


@router.get("/drugs/forms/{form}.xlsx", dependencies=[requires(Action.VIEW_DASHBOARD)])
def form_download(request: Request, form: str) -> Response:
    name, content = form_definition(database_of(request), actor_of(request), form)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


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
            "may_set_up": may_review(actor),
            "campaign_units": sorted(campaign.units or ())
            if (campaign := campaign_of(database, progress.year))
            else [],
            "campaign_form": campaign.form_version if campaign else None,
            "forms": all_forms(database) if may_review(actor) else [],
        },
    )
