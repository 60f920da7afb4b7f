"""``/admin/targets`` — the city's targets: the ones in force with their source, set one (a new target, or
a new version of one in force) with the document that sets it, retire one; and every stored version.

Everything goes through ``services.target_admin``, which checks the administrator's grant and audits each
change. A form the service refuses (a missing field, a bad date) comes back with its message, filled in as
it was sent, and a 422.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from antt.domain.access import Action
from antt.domain.targets import GROUPS_VI, OPERATORS, RuleKind, SourceDocument
from antt.errors import InvalidInput
from antt.services.target_admin import list_targets, retire_target, set_target
from antt.web.access import client_address, requires
from antt.web.i18n import current_language
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.MANAGE_TARGETS)])

Text = Annotated[str, Form(max_length=500)]
LongText = Annotated[str, Form(max_length=2000)]


def _page(
    request: Request, *, done: str = "", error: str = "", form: dict[str, str] | None = None
) -> HTMLResponse:
    listing = list_targets(database_of(request), actor_of(request))
    return render(
        request,
        "admin_targets.html",
        {
            **page_context(request, "admin_targets"),
            "targets": listing.targets,
            "history": list(reversed(listing.history)),
            "groups": list(GROUPS_VI),
            "kinds": [k.value for k in RuleKind],
            "operators": list(OPERATORS),
            "done": done,
            "error": error,
            "form": form or {},
        },
        status_code=422 if error else 200,
    )


@router.get("/admin/targets", response_class=HTMLResponse)
def targets_page(request: Request, done: str = "") -> HTMLResponse:
    return _page(request, done=done if done in ("set", "retire") else "")


def _number(text: str, field: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(
            f"{field}: {text!r} không phải là số.", f"{field}: {text!r} is not a number."
        ) from None


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{field}: {text!r} không phải ngày (YYYY-MM-DD).",
            f"{field}: {text!r} is not a date (YYYY-MM-DD).",
        ) from None


@router.post("/admin/targets")
def set_target_form(
    request: Request,
    target_id: Annotated[str, Form(max_length=80)],
    name_vi: Text = "",
    name_en: Text = "",
    group: Text = "",
    indicator: Text = "",
    period: Text = "",
    kind: Text = "",
    op: Text = "",
    value: Text = "",
    max_ratio: Text = "",
    deadline: Text = "",
    note: LongText = "",
    document_number: Text = "",
    issued: Text = "",
    issuer: Text = "",
    document_title: Text = "",
    wording: LongText = "",
    url: Text = "",
    no_document: Text = "",
) -> Response:
    form = {k: v for k, v in locals().items() if isinstance(v, str)}
    try:
        document = None
        if any(x.strip() for x in (document_number, issued, issuer, wording, document_title, url)):
            day = _day(issued, "issued")
            if day is None:
                raise InvalidInput("Văn bản cần ngày ban hành.", "The document needs its date of issue.")
            document = SourceDocument(
                issuer=issuer.strip(),
                issued=day,
                wording=wording.strip(),
                number=document_number.strip(),
                title=document_title.strip(),
                url=url.strip(),
            )
        due = _day(deadline, "deadline")
        rule: dict[str, Any] = {
            k: v
            for k, v in {
                "kind": kind.strip(),
                "op": op.strip(),
                "value": _number(value, "value"),
                "max_ratio": _number(max_ratio, "max_ratio"),
                "deadline": due.isoformat() if due else None,
            }.items()
            if v not in (None, "")
        }
        set_target(
            database_of(request),
            actor_of(request),
            target_id.strip(),
            {
                "name_vi": name_vi.strip(),
                "name_en": name_en.strip(),
                "group": group.strip(),
                "indicator": indicator.strip(),
                "period": period.strip(),
                "note": note.strip(),
                "rule": rule or None,
            },
            document=document,
            no_document=bool(no_document) and document is None,
            client_address=client_address(request),
        )
    except InvalidInput as exc:
        message = exc.message_en if current_language() == "en" else exc.message_vi
        return _page(request, error=message, form=form)
    return RedirectResponse("/admin/targets?done=set", status_code=303)


@router.post("/admin/targets/retire")
def retire_target_form(
    request: Request,
    target_id: Annotated[str, Form(max_length=80)],
    reason: Text = "",
) -> Response:
    retire_target(
        database_of(request),
        actor_of(request),
        target_id.strip(),
        reason=reason,
        client_address=client_address(request),
    )
    return RedirectResponse("/admin/targets?done=retire", status_code=303)
