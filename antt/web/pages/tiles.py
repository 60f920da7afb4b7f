"""What a target tile says beyond its status: direction and context (issue 18 item 2).

A leader reading "1.087 / 1.175" cannot tell whether crime is falling. A count target's tile therefore
shows the same period last year (the evaluation's baseline) and the change against it — of the projection
while the period runs (the figure the target is judged on at its end), of the count itself once it is
over — and every tile shows the rule as the document words it. Numbers keep the document's precision
(a GRDP growth target of 12,35 % is not 12,4 %), and the sparkline draws the figure the tile shows:
a count target's counts summed over its period, a rank on an inverted axis (rank 1 is the best, at the
top), counts without decimals.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from antt.domain.periods import parse_period
from antt.domain.targets import vietnamese_number
from antt.services.indicators import indicator_kind
from antt.web.i18n import _, current_language, number, percent, signed
from antt.web.pages.charts import history


def precision(value: float | None) -> int:
    """The decimals ``value`` is written with (at most 6): 12.35 → 2, 1175 → 0, 75 → 0."""
    if value is None:
        return 0
    return len(vietnamese_number(value).partition(",")[2])


def _text(kind: str, value: float | None, digits: int) -> str:
    if value is None:
        return "—"
    if kind == "count":
        return number(round(value))
    if kind == "rank":
        return _("rank %(rank)s", rank=number(round(value)))
    if kind == "percent":
        return number(value, digits) + "%"
    return number(value, digits)


def tile_details(document: dict[str, Any]) -> dict[str, Any]:
    """The tile's figures at the document's precision, its rule, last year's figure and the change, and
    its sparkline (values, decimals, inverted axis)."""
    kind = indicator_kind(document["indicator"])
    required = document["required"]
    # the target as set (12,35), and the actual at least as precise (a percent with one decimal at least)
    digits_required = precision(required)
    digits = max(digits_required, 1) if kind == "percent" else 2 if kind == "number" else 0
    interval = document["interval"]
    english = current_language() == "en"
    details: dict[str, Any] = {
        "actual_text": _text(kind, document["actual"], digits),
        "required_text": _text(kind, required, digits_required),
        "expected_text": _text(kind, document["expected"], digits),
        "interval_text": None
        if interval is None
        else f"{_text(kind, interval[0], digits)} – {_text(kind, interval[1], digits)}",
        "rule_text": document.get("rule_en" if english else "rule") or document.get("rule", ""),
        "wording": (document.get("document") or {}).get("wording") or "",
        "spark": history(document["series"], cumulative=kind == "count"),
        "spark_digits": 0 if kind in ("count", "rank") else max(digits, 1),
        "spark_inverse": kind == "rank",  # rank 1 is the best: drawn at the top
        "baseline_text": None,
        "change_text": None,
        "change_pct_text": None,
        "change_direction": None,
        "change_projected": False,
    }
    baseline = document.get("baseline")
    if kind == "count" and baseline:
        over = parse_period(document["period"]).end <= date.fromisoformat(document["as_of"])
        compared = document["actual"] if over or document["expected"] is None else document["expected"]
        if compared is not None:
            change = round(compared) - round(baseline)
            details.update(
                baseline_text=number(round(baseline)),
                change_text=signed(change),
                change_pct_text=percent(100 * change / baseline, 1, sign=True),
                change_direction="rise" if change > 0 else "fall" if change < 0 else "flat",
                change_projected=not over and document["expected"] is not None,
            )
    return details
