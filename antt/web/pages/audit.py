"""``/audit`` — the auditor's page: the audit log of a range of days, whether its hash chain is intact
(checked incrementally: only the records since the last check, and against the last checkpoint), and its
export (CSV). A view writes one ``audit.read`` record; an export one ``audit.export``."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from antt.domain.access import Action
from antt.domain.periods import today_local
from antt.services.audit_log import export_audit, view_audit
from antt.web.access import client_address, requires
from antt.web.i18n import current_language
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import form_date
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.READ_AUDIT)])


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    last = form_date(to, "to") or today_local()
    first = form_date(from_, "from") or last - timedelta(days=6)
    database, actor, address = database_of(request), actor_of(request), client_address(request)
    view = view_audit(database, actor, first, last, client_address=address)
    problem_vi, problem_en = view.chain.explanation()
    context = {
        **page_context(request, "audit"),
        "entries": view.entries,
        "chain": view.chain,
        "problem": problem_en if current_language() == "en" else problem_vi,
        "first": first,
        "last": last,
    }
    return render(request, "audit.html", context)


@router.post("/audit/export")
def export(
    request: Request,
    from_: Annotated[str, Form(alias="from", max_length=10)],
    to: Annotated[str, Form(max_length=10)],
) -> Response:
    first, last = form_date(from_, "from"), form_date(to, "to")
    assert first is not None and last is not None
    entries = export_audit(database_of(request), actor_of(request), first, last, client_address(request))
    out = io.StringIO()
    writer = csv.writer(out)
    fields = ["id", "at", "actor", "action", "object", "client", "outcome", "details", "prev_hash", "hash"]
    writer.writerow(fields)
    for entry in entries:
        row = entry.as_dict()
        row["details"] = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
        writer.writerow([row[f] for f in fields])
    name = f"antt-audit-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),  # BOM: Excel opens UTF-8 csv with Vietnamese intact
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
