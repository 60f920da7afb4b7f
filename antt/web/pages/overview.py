"""``/`` — one screen for leaders: every target's status, grouped as the article groups them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action
from antt.domain.periods import parse_period, report_month_of, today_local
from antt.services.data_cache import cached
from antt.services.targets import evaluation_document, targets_revision, targets_status
from antt.web.access import requires
from antt.web.pages.charts import short_label
from antt.web.pages.common import (
    TARGET_GROUPS,
    actor_of,
    database_of,
    group_title,
    localized_name,
    page_context,
    status_word,
    target_value,
)
from antt.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Action.VIEW_DASHBOARD)])


def tile(document: dict[str, Any]) -> dict[str, Any]:
    """A target's evaluation document with the words and formatted figures a tile shows."""
    indicator = document["indicator"]
    interval = document["interval"]
    return {
        **document,
        "name": localized_name(document),
        "status_word": status_word(document["status"]),
        "actual_text": target_value(indicator, document["actual"]),
        "required_text": target_value(indicator, document["required"]),
        "expected_text": target_value(indicator, document["expected"]),
        "interval_text": None
        if interval is None
        else f"{target_value(indicator, interval[0])} – {target_value(indicator, interval[1])}",
        "period_label": _period_label(document["period"]),
        "series": [[short_label(key), value] for key, value in document["series"]],
    }


def _period_label(text: str) -> str:
    from antt.web.i18n import current_language

    period = parse_period(text)
    return period.label_en() if current_language() == "en" else period.label_vi()


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    database, actor = database_of(request), actor_of(request)
    evaluations = cached(  # a change of the city's targets is a new key
        database,
        ("targets", actor.units, today_local(), targets_revision(database)),
        lambda: targets_status(database, actor),
    )
    tiles = [tile(evaluation_document(e)) for e in evaluations]
    groups = [
        {"code": code, "title": group_title(code), "tiles": [t for t in tiles if t["group"] == code]}
        for code in TARGET_GROUPS
    ]
    groups += [
        {"code": code, "title": group_title(code), "tiles": [t for t in tiles if t["group"] == code]}
        for code in sorted({t["group"] for t in tiles} - set(TARGET_GROUPS))
    ]
    counts = {
        s: sum(1 for t in tiles if t["status"] == s)
        for s in ("met", "on_track", "at_risk", "off_track", "no_data")
    }
    context = page_context(request, "overview")
    newest = context["freshness"].data_up_to if context["freshness"] else None
    month = report_month_of(newest) if newest else None
    return render(
        request,
        "overview.html",
        {
            **context,
            "report_period": month,
            "report_period_label": _period_label(month.key) if month else "",
            "groups": [g for g in groups if g["tiles"]],
            "counts": counts,
            "status_word": status_word,
        },
    )
