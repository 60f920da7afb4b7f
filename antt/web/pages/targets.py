"""``/targets/{id}`` — one target: its history, projection band, the communes that move it, its source."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.periods import custom, parse_period, today_local
from antt.services.compstat import By, compstat
from antt.services.data_cache import cached
from antt.services.disclosure import privilege_key
from antt.services.indicators import indicator_kind
from antt.services.targets import evaluation_document, target_group, target_status, targets_revision
from antt.web.access import requires
from antt.web.i18n import _, current_language, percent
from antt.web.labels import period_name
from antt.web.pages.charts import history
from antt.web.pages.common import actor_of, database_of, page_context
from antt.web.pages.filters import period_label
from antt.web.pages.overview import tile
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])


_PERIOD_KEY = re.compile(r"\b(?:report-)?(?:year|half|quarter|month|week):\d{4}(?:-[0-9A-Z]+)?")
_REFERENCE = re.compile(r"\s*\((?:REFERENCE|xem REFERENCE)[^)]*\)")
_COMMAND = re.compile(r"bằng `antt targets set[^`]*`(?: hoặc trang /admin/targets)?")


def model_explanation(model: str) -> dict[str, str | None] | None:
    """How the projection was made, in plain words for a leader; the statistical model itself (a formula in
    English) only as the technical detail, folded away for analysts (issue 18). A model text written
    ``vietnamese / english`` (parts joined by `` · ``) is shown in the page's language, period keys as names."""
    if not model:
        return None
    if "GLM" in model or "binomial" in model:
        plain = _(
            "Projected from the monthly figures of the past years: their trend and their usual seasonal "
            "pattern, allowing for chance variation from month to month."
        )
        trend = re.search(r"trend ([-+]?\d+(?:\.\d+)?) %/year", model)
        if trend:
            plain += " " + _("Trend: %(change)s a year.", change=percent(float(trend.group(1)), 1, sign=True))
        return {"plain": plain, "technical": model}
    side = 1 if current_language() == "en" else 0
    parts = []
    for part in model.split(" · "):
        halves = part.split(" / ", 1)
        parts.append(halves[side] if len(halves) == 2 else part)
    text = " · ".join(parts)
    return {"plain": _PERIOD_KEY.sub(lambda m: period_name(m.group(0)), text), "technical": None}


def plain_note(note: str) -> str:
    """A target's note without the references to ANTT's own files and commands (for analysts, not leaders)."""
    text = _REFERENCE.sub("", note)
    return _COMMAND.sub("trên trang “Chỉ tiêu của thành phố”", text)


@router.get("/targets/{target_id}", response_class=HTMLResponse)
def target_page(request: Request, target_id: Annotated[str, Path(max_length=80)]) -> HTMLResponse:
    database, actor = database_of(request), actor_of(request)
    evaluation = cached(
        database,
        ("target", actor.units, privilege_key(actor), target_id, today_local(), targets_revision(database)),
        lambda: target_status(database, actor, target_id),
    )
    document = tile(evaluation_document(evaluation))
    group = target_group(evaluation.target)
    contributors: list[dict[str, object]] = []
    window = None
    if group is not None and evaluation.target.period:
        period = parse_period(evaluation.target.period)
        end = min(period.end, evaluation.as_of - timedelta(days=1))
        if end >= period.start:
            # the part of the period elapsed so far, against the same days a year before
            window = custom(period.start, end)
            result = compstat(database, actor, window, group=group, by=By.UNIT)
            names = {r.unit.code: r.unit.name for r in result.rows}
            contributors = [
                {"code": c.key, "name": names.get(c.key, c.key), "change": c.change, "share": c.share}
                for c in result.contributors
            ]
    return render(
        request,
        "target.html",
        {
            **page_context(request, "overview"),
            "t": document,
            "target": evaluation.target,
            "model": model_explanation(evaluation.model),
            "note": plain_note(evaluation.target.note),
            "group": group,
            "window": window,
            "window_label": period_label(window) if window else None,
            "contributors": contributors,
            "chart": {
                "history": history(
                    document["series"], cumulative=indicator_kind(evaluation.target.indicator) == "count"
                ),
                "required": document["required"],
                "expected": document["expected"],
                "interval": document["interval"],
                "labels": {
                    "actual": _("Actual"),
                    "required": _("Target"),
                    "expected": _("Projected"),
                    "interval": _("90%% interval"),
                    "end": _("End of period"),
                },
            },
        },
    )
