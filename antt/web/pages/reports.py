"""``/reports`` — the periodic security-and-order report for download: Word to edit and sign, PDF, Excel
annexes; the same document as ``antt report``, and every download is audited (``report.export``).

``/reports/drafts`` — the report written on the web: the analyst's text for each part beside the figures
ANTT computes, saved as versions, submitted, approved or returned by the leader, downloaded like the
report (:mod:`antt.services.report_drafts`; ``antt report --draft ID`` renders the same draft)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from antt.domain.access import Action
from antt.domain.documents import SECRECY_MARKS, URGENCY_MARKS
from antt.domain.periods import check_supported_day, parse_period, period_from, report_month_of
from antt.domain.text import sort_key
from antt.domain.units import Level
from antt.errors import every_problem
from antt.services.report_drafts import (
    NOTE_MAX,
    STATUS_LABELS_EN,
    STATUS_LABELS_VI,
    TEXT_MAX,
    create_draft,
    draft_report,
    export_draft,
    list_drafts,
    may_approve,
    open_draft,
    review_draft,
    save_draft,
)
from antt.services.report_outline import NARRATIVE_KEYS, NARRATIVES, part_sentences
from antt.services.reports import MEDIA_TYPES, ReportFormat, export_report, report_options
from antt.services.units import list_units
from antt.web.access import requires
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import form_date, period_label
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.EXPORT_REPORT)])


def report_periods(request: Request, chosen: str | None) -> list[tuple[str, str]]:
    """The reporting periods an analyst writes reports for, newest complete month first."""
    newest = page_context(request, "reports")["freshness"].data_up_to
    current = report_month_of(newest) if newest else None
    keys: list[str] = []
    if current is not None:
        previous = report_month_of(current.start - timedelta(days=1))
        year = current.key.split(":")[1][:4]
        keys = [previous.key, current.key, f"report-quarter:{year}-Q{(int(current.key[-2:]) - 1) // 3 + 1}"]
        keys += [f"report-half:{year}-H{1 if int(current.key[-2:]) <= 6 else 2}", f"report-year:{year}"]
    if chosen and chosen not in keys:
        keys.insert(0, chosen)
    return [(k, period_label(parse_period(k))) for k in keys]


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    period: Annotated[str | None, Query(max_length=64)] = None,
    unit: Annotated[str | None, Query(max_length=8)] = None,
) -> HTMLResponse:
    communes = sorted(
        list_units(actor_of(request), level=Level.COMMUNE), key=lambda u: (sort_key(u.short_name), u.code)
    )
    return render(
        request,
        "reports.html",
        {
            **page_context(request, "reports"),
            "periods": report_periods(request, period),
            "chosen": period,
            "unit": unit,
            "communes": communes,
            "formats": [f.value for f in ReportFormat],
            "secrecy_marks": SECRECY_MARKS,
            "urgency_marks": URGENCY_MARKS,
        },
    )


@router.post("/reports")
def download_report(
    request: Request,
    period: Annotated[str, Form(max_length=64)] = "",
    from_: Annotated[str, Form(alias="from", max_length=10)] = "",
    to: Annotated[str, Form(max_length=10)] = "",
    unit: Annotated[str, Form(max_length=8)] = "",
    fmt: Annotated[str, Form(alias="format", max_length=4)] = "docx",
    number: Annotated[int | None, Form(ge=1, le=999_999)] = None,
    issued: Annotated[str, Form(max_length=10)] = "",
    authority: Annotated[str, Form(max_length=200)] = "",
    signer_title: Annotated[str, Form(max_length=200)] = "",
    signer: Annotated[str, Form(max_length=200)] = "",
    secrecy: Annotated[str, Form(max_length=20)] = "",
    urgency: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    issued_day, options, window = every_problem(
        lambda: form_date(issued, "issued"),
        lambda: report_options(
            number=number,
            authority=authority,
            signer_title=signer_title,
            signer=signer,
            secrecy=secrecy,
            urgency=urgency,
        ),
        lambda: period_from(period or None, form_date(from_, "from"), form_date(to, "to")),
    )
    options = replace(options, issued=issued_day)
    chosen = ReportFormat(fmt) if fmt in {f.value for f in ReportFormat} else ReportFormat.DOCX
    content = export_report(
        database_of(request),
        actor_of(request),
        window,
        chosen,
        unit_code=unit or None,
        options=options,
        client=request.client.host if request.client else "",
    )
    name = f"bao-cao-antt-{window.key.replace(':', '-').replace('..', '-')}{'-' + unit if unit else ''}.{chosen.value}"
    return Response(
        content,
        media_type=MEDIA_TYPES[chosen],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- report drafts: the narrative written on the web, reviewed and approved by the leader ----------------

DraftText = Annotated[str, Form(max_length=TEXT_MAX)]
Short = Annotated[str, Form(max_length=200)]


@router.get("/reports/drafts", response_class=HTMLResponse)
def drafts_page(request: Request) -> HTMLResponse:
    actor = actor_of(request)
    communes = sorted(list_units(actor, level=Level.COMMUNE), key=lambda u: (sort_key(u.short_name), u.code))
    names = {u.code: u.name for u in communes}
    drafts = [
        {
            "draft": d,
            "period": period_label(parse_period(d.period_key)),
            "unit": names.get(d.unit_code or "", ""),
        }
        for d in list_drafts(database_of(request), actor)
    ]
    return render(
        request,
        "report_drafts.html",
        {
            **page_context(request, "reports"),
            "drafts": drafts,
            "periods": report_periods(request, None),
            "communes": communes,
            "statuses_en": STATUS_LABELS_EN,
            "statuses_vi": STATUS_LABELS_VI,
        },
    )


@router.post("/reports/drafts")
def new_draft(
    request: Request,
    period: Annotated[str, Form(max_length=64)] = "",
    from_: Annotated[str, Form(alias="from", max_length=10)] = "",
    to: Annotated[str, Form(max_length=10)] = "",
    unit: Annotated[str, Form(max_length=8)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    window, day = every_problem(
        lambda: period_from(period or None, form_date(from_, "from"), form_date(to, "to")),
        lambda: form_date(as_of, "as_of"),
    )
    check_supported_day(day)
    draft = create_draft(
        database_of(request),
        actor_of(request),
        window,
        unit_code=unit or None,
        as_of=day,
        client=_client(request),
    )
    return RedirectResponse(f"/reports/drafts/{draft.id}", status_code=303)


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/reports/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(
    request: Request,
    draft_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    database, actor = database_of(request), actor_of(request)
    view = open_draft(database, actor, draft_id, version)
    report = draft_report(database, actor, draft_id, view.version.version)
    figures = part_sentences(report, view.version.texts)
    return render(
        request,
        "report_draft.html",
        {
            **page_context(request, "reports"),
            "view": view,
            "period": period_label(view.period),
            "parts": [
                {"narrative": n, "text": view.version.texts.get(n.key, ""), "figures": figures.get(n.key, [])}
                for n in NARRATIVES
            ],
            "options": view.options,
            "latest": view.version.version == view.draft.current_version,
            "may_approve": may_approve(actor, view.draft),
            "statuses_en": STATUS_LABELS_EN,
            "statuses_vi": STATUS_LABELS_VI,
            "secrecy_marks": SECRECY_MARKS,
            "urgency_marks": URGENCY_MARKS,
            "formats": [f.value for f in ReportFormat],
            "text_max": TEXT_MAX,
        },
    )


@router.post("/reports/drafts/{draft_id}")
def save_draft_form(
    request: Request,
    draft_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    based_on: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    as_of: Annotated[str, Form(max_length=10)] = "",
    number: Annotated[int | None, Form(ge=1, le=999_999)] = None,
    issued: Annotated[str, Form(max_length=10)] = "",
    authority: Short = "",
    signer_title: Short = "",
    signer: Short = "",
    secrecy: Annotated[str, Form(max_length=20)] = "",
    urgency: Annotated[str, Form(max_length=20)] = "",
    an_ninh_chinh_tri: DraftText = "",
    trat_tu_xa_hoi: DraftText = "",
    kinh_te: DraftText = "",
    ma_tuy: DraftText = "",
    te_nan_xa_hoi: DraftText = "",
    chay_no: DraftText = "",
    tai_nan_giao_thong: DraftText = "",
    cong_tac_khac: DraftText = "",
    uu_diem: DraftText = "",
    han_che: DraftText = "",
    nguyen_nhan: DraftText = "",
    phuong_huong: DraftText = "",
) -> RedirectResponse:
    given = locals()
    texts = {key: str(given[key]) for key in NARRATIVE_KEYS}
    day, issued_day, options = every_problem(
        lambda: form_date(as_of, "as_of"),
        lambda: form_date(issued, "issued"),
        lambda: report_options(
            number=number,
            authority=authority,
            signer_title=signer_title,
            signer=signer,
            secrecy=secrecy,
            urgency=urgency,
        ),
    )
    check_supported_day(day)
    check_supported_day(issued_day, "issued")
    save_draft(
        database_of(request),
        actor_of(request),
        draft_id,
        texts,
        replace(options, issued=issued_day),
        as_of=day,
        based_on=based_on,
        client=_client(request),
    )
    return RedirectResponse(f"/reports/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/reports/drafts/{draft_id}/review")
def review_draft_form(
    request: Request,
    draft_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    decision: Annotated[str, Form(max_length=12)] = "",
    version: Annotated[int, Form(ge=1, le=2**31 - 1)] = 1,
    note: Annotated[str, Form(max_length=NOTE_MAX)] = "",
) -> RedirectResponse:
    review_draft(
        database_of(request),
        actor_of(request),
        draft_id,
        decision,
        version=version,
        note=note,
        client=_client(request),
    )
    return RedirectResponse(f"/reports/drafts/{draft_id}", status_code=303)


@router.post("/reports/drafts/{draft_id}/export")
def export_draft_form(
    request: Request,
    draft_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    fmt: Annotated[str, Form(alias="format", max_length=4)] = "docx",
    version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    chosen = ReportFormat(fmt) if fmt in {f.value for f in ReportFormat} else ReportFormat.DOCX
    view, content = export_draft(
        database_of(request), actor_of(request), draft_id, chosen, version=version, client=_client(request)
    )
    name = f"bao-cao-antt-du-thao-{draft_id}-v{view.version.version}.{chosen.value}"
    return Response(
        content,
        media_type=MEDIA_TYPES[chosen],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
