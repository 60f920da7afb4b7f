"""``/`` — one screen for leaders: every target's status, grouped as the article groups them, and a panel of
the last reporting month's social evils and fires beside the same month last year."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from antt.domain.access import Action, Actor
from antt.domain.alerts import AlertStatus
from antt.domain.periods import parse_period, report_month_of, today_local
from antt.errors import NotFound
from antt.services.alerts import list_alerts
from antt.services.backup import overdue_backup
from antt.services.data_cache import cached
from antt.services.database import Database
from antt.services.disclosure import privilege_key
from antt.services.social_order import SocialOrderFigures, social_order_comparison
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
from antt.web.pages.compstat import movers_context
from antt.web.pages.filters import read_filters
from antt.web.pages.tiles import tile_details
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
        **tile_details(document),  # direction and context, at the document's precision (issue 18)
    }


def _period_label(text: str) -> str:
    from antt.web.i18n import current_language

    period = parse_period(text)
    return period.label_en() if current_language() == "en" else period.label_vi()


def social_panel(figures: SocialOrderFigures) -> dict[str, Any] | None:
    """The overview's panel of social evils and fires (issue 16 item 6): each imported figure of the
    last reporting month that has ended beside the same month last year; ``None`` when none covers it."""
    from antt.web.i18n import current_language, number, percent, signed

    if not (figures.has_social_evils or figures.has_fires):
        return None
    english = current_language() == "en"
    rows = []
    for f in figures.figures.values():
        if f.current is None and f.current_label is None:
            continue
        document = f.document()
        rows.append(
            {
                "indicator": f.indicator,
                "name": document["name_en" if english else "name_vi"],
                "current": f.current_label or number(f.current),
                "previous": f.previous_label or number(f.previous),
                "change": "—" if f.hidden else signed(f.change),
                "pct": "—" if f.hidden else percent(f.pct_change, sign=True),
                "small_base": f.small_base and f.pct_change is not None and not f.hidden,
            }
        )
    return {"period_label": _period_label(figures.period.key), "rows": rows}


def _social(database: Any, actor: Any, day: date) -> SocialOrderFigures | None:
    """The figures of the last reporting month that ended by ``day`` (the data's as-of day), for the
    actor's scope (a city-wide actor: the city; an officer of one commune: that commune)."""
    month = report_month_of(day)
    if month.end > day:
        month = month.previous_period()
    try:
        return social_order_comparison(database, actor, month, as_of=day)
    except NotFound:
        return None


def open_alerts(database: Any, actor: Any, limit: int = 5) -> list[dict[str, Any]]:
    """The newest open alerts the actor may see (issue 13: "at the top of the overview"), explained in the
    page's language; scoped and with sensitive figures withheld by the alert service."""
    from antt.web.i18n import current_language

    if not actor.can(Action.VIEW_DASHBOARD):
        return []
    english = current_language() == "en"
    return [
        {"id": a.id, "text": a.explanation_en if english else a.explanation_vi}
        for a in list_alerts(database, actor, statuses=(AlertStatus.OPEN,), limit=limit)
    ]


def scope_targets(database: Database, actor: Actor) -> list[Any]:
    """The evaluations of the targets of the actor's scope, kept until the next import or a change of the
    city's targets (a new key), and filled after an import (antt.web.warmup)."""
    return cached(
        database,
        ("targets", actor.units, privilege_key(actor), today_local(), targets_revision(database)),
        lambda: targets_status(database, actor),
    )


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, status: Annotated[str | None, Query(max_length=16)] = None) -> HTMLResponse:
    database, actor = database_of(request), actor_of(request)
    tiles = [tile(evaluation_document(e)) for e in scope_targets(database, actor)]
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
    # a status count links to its tiles (issue 18): /?status=off_track shows only those
    shown_status = status if status in counts else None
    if shown_status:
        chosen = [t for t in tiles if t["status"] == shown_status]
        groups = [{**g, "tiles": [t for t in chosen if t["group"] == g["code"]]} for g in groups]
    default = read_filters(  # CompStat's opening view: its movers, and its links
        newest, period=None, from_=None, to=None, compare=None, group=None, unit=None, measure=None
    )
    movers = movers_context(request, default, on_compstat=False)
    as_of = min(newest or today_local(), today_local())
    social = cached(
        database,
        ("social_order", actor.units, privilege_key(actor), as_of),
        lambda: _social(database, actor, as_of),
    )
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
            "shown_status": shown_status,
            **movers,
            "status_word": status_word,
            "social": social_panel(social) if social is not None else None,
            "backup_overdue": overdue_backup(database, actor),  # administrators only
            "open_alerts": open_alerts(database, actor),
        },
    )
