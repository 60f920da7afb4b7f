"""``/reports`` — the periodic security-and-order report for download: Word to edit and sign, PDF, Excel
annexes; the same document as ``antt report``, and every download is audited (``report.export``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from antt.domain.access import Action
from antt.domain.documents import SECRECY_MARKS, URGENCY_MARKS
from antt.domain.periods import parse_period, period_from, report_month_of
from antt.domain.text import sort_key
from antt.domain.units import Level
from antt.errors import every_problem
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
