"""Social evils handled administratively and fires and explosions: this period against the same period
last year, CompStat's way (issue 16 item 6).

These figures are not counted from incidents: the administrative police and the fire police report them
as indicator values (``prostitution_admin_cases`` …, ``fire_cases`` …: the catalogue in
:mod:`antt.importers.indicator_rules`, the format in ``docs/formats/indicators.md``), each for a unit and a
period — a reporting month, usually. A window's figure is the sum of the unit's imported periods that lie
inside it, and only when they **tile** it day for day (:func:`tiles`): a month missing would understate
it, so the figure is then absent ("—"), not small. The scope's own values are used when they tile the
window; otherwise a city-wide scope sums the communes that reported — every one of them tiling it, or
no figure. Like the traffic figures of the report, a window that has not ended by ``as_of`` has no figure.

The comparison is the one CompStat gives (counts first, then the change in counts, a percent change only
with its base and flagged below :data:`~antt.analytics.compstat.SMALL_BASE`); no z is given: these are not
Poisson counts of one kind of event (persons, đồng).

Drug use and prostitution name people (Decree 356/2025/NĐ-CP): for an author without the privilege on a
commune counted (:mod:`antt.services.disclosure`), a figure from 1 to 4 is "<5", and a figure with such a
small part is withheld ("x"), as rule 3 of ``docs/disclosure.md`` does for drug offences: a shown sum is
then a sum of shown parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from antt.analytics.compstat import SMALL_BASE, pct_change
from antt.domain.access import SUPPRESSED_LABEL, WITHHELD_LABEL, Actor
from antt.domain.disclosure import is_small
from antt.domain.periods import Comparison, Period, today_local
from antt.domain.units import Level, Unit
from antt.errors import NotFound
from antt.importers.indicator_rules import KNOWN_INDICATORS
from antt.services.compstat import scope_of
from antt.services.disclosure import SENSITIVE_INDICATORS, Disclosure
from antt.services.indicators import indicator_values
from antt.storage.engine import Database

__all__ = [
    "FIRE_INDICATORS",
    "SENSITIVE_SOCIAL_INDICATORS",
    "SOCIAL_EVILS",
    "SOCIAL_EVIL_INDICATORS",
    "SOCIAL_ORDER_INDICATORS",
    "FigureChange",
    "SocialEvil",
    "SocialOrderFigures",
    "social_order_comparison",
    "tiles",
]


@dataclass(frozen=True)
class SocialEvil:
    """One kind of social evil: its name and the indicators of its cases and of the persons handled."""

    key: str
    name_vi: str
    name_en: str
    cases: str
    persons: str


SOCIAL_EVILS: tuple[SocialEvil, ...] = (
    SocialEvil(
        "prostitution", "mại dâm", "prostitution", "prostitution_admin_cases", "prostitution_admin_persons"
    ),
    SocialEvil("gambling", "đánh bạc", "gambling", "gambling_admin_cases", "gambling_admin_persons"),
    SocialEvil(
        "drug_use",
        "sử dụng trái phép chất ma túy",
        "illegal drug use",
        "drug_use_admin_cases",
        "drug_use_admin_persons",
    ),
)
SOCIAL_EVIL_INDICATORS: tuple[str, ...] = tuple(i for e in SOCIAL_EVILS for i in (e.cases, e.persons))
FIRE_INDICATORS: tuple[str, ...] = ("fire_cases", "fire_deaths", "fire_injuries", "fire_damage_vnd")
SOCIAL_ORDER_INDICATORS: tuple[str, ...] = SOCIAL_EVIL_INDICATORS + FIRE_INDICATORS
SENSITIVE_SOCIAL_INDICATORS: frozenset[str] = SENSITIVE_INDICATORS & frozenset(SOCIAL_ORDER_INDICATORS)
"""The figures that name people of a sensitive kind (drug use, prostitution): the threshold rule applies
(:data:`antt.services.disclosure.SENSITIVE_INDICATORS`, which the indicator API also follows)."""


def tiles(period: Period, spans: list[tuple[date, date]]) -> bool:
    """Whether the sorted ``spans`` cover ``period`` day for day, back to back, without overlap."""
    day = period.start
    for start, end in spans:
        if start != day:
            return False
        day = end + timedelta(days=1)
    return bool(spans) and day == period.end + timedelta(days=1)


@dataclass(frozen=True)
class FigureChange:
    """One indicator in the period and the comparison period. A side is ``None`` when no figure covers it
    (or it is hidden: then its ``*_label`` says how it is written, "<5" or "x")."""

    indicator: str
    current: float | None
    previous: float | None
    current_label: str | None = None
    previous_label: str | None = None

    @property
    def hidden(self) -> bool:
        return self.current_label is not None or self.previous_label is not None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def pct_change(self) -> float | None:
        """Percent change over the comparison period's figure (its base); ``None`` without a base."""
        if self.current is None or self.previous is None:
            return None
        return pct_change(round(self.current), round(self.previous))

    @property
    def small_base(self) -> bool:
        return self.previous is not None and self.previous < SMALL_BASE

    def document(self) -> dict[str, Any]:
        info = KNOWN_INDICATORS[self.indicator]
        return {
            "indicator": self.indicator,
            "name_vi": info.name_vi,
            "name_en": info.name_en,
            "unit_of_measure": info.unit_of_measure,
            "current": self.current,
            "previous": self.previous,
            "current_label": self.current_label,
            "previous_label": self.previous_label,
            "change": self.change,
            "pct_change": self.pct_change,
            "small_base": self.small_base,
        }


@dataclass(frozen=True)
class SocialOrderFigures:
    """The social-evil and fire figures of a scope for a period and its comparison period."""

    scope: Unit
    period: Period
    compare: Period
    as_of: date
    figures: dict[str, FigureChange]  # in SOCIAL_ORDER_INDICATORS order

    def __getitem__(self, indicator: str) -> FigureChange:
        return self.figures[indicator]

    def _any(self, indicators: tuple[str, ...]) -> bool:
        return any(
            self.figures[i].current is not None or self.figures[i].current_label is not None
            for i in indicators
        )

    @property
    def has_social_evils(self) -> bool:
        """Whether any social-evil figure of the period is known (a hidden one counts: it exists)."""
        return self._any(SOCIAL_EVIL_INDICATORS)

    @property
    def has_fires(self) -> bool:
        return self._any(FIRE_INDICATORS)

    def document(self) -> dict[str, Any]:
        """A JSON-able form, for pages and APIs."""
        return {
            "unit_code": self.scope.code,
            "unit_name": self.scope.name,
            "period": self.period.key,
            "compare": self.compare.key,
            "as_of": self.as_of.isoformat(),
            "figures": [f.document() for f in self.figures.values()],
        }


def social_order_comparison(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    comparison: Comparison = Comparison.SAME_PERIOD_LAST_YEAR,
    as_of: date | None = None,
    indicators: tuple[str, ...] = SOCIAL_ORDER_INDICATORS,
) -> SocialOrderFigures:
    """Each of ``indicators`` for the actor's scope (the city, or ``unit_code``) in ``period`` and its
    comparison period (default: the same period last year). Out-of-scope units are not found."""
    day = as_of or today_local()
    scope, communes = scope_of(actor, unit_code)
    compare = period.compare(comparison)
    disclosure = Disclosure(actor)
    city_wide = scope.level is Level.PROVINCE
    commune_codes = frozenset(c.code for c in communes)
    figures: dict[str, FigureChange] = {}
    for name in indicators:
        current, current_label = _window(
            database, actor, name, period, day, scope.code, city_wide, commune_codes, disclosure
        )
        previous, previous_label = _window(
            database, actor, name, compare, day, scope.code, city_wide, commune_codes, disclosure
        )
        figures[name] = FigureChange(name, current, previous, current_label, previous_label)
    return SocialOrderFigures(scope, period, compare, min(day, period.end), figures)


def _window(
    database: Database,
    actor: Actor,
    indicator: str,
    window: Period,
    as_of: date,
    scope_code: str,
    city_wide: bool,
    communes: frozenset[str],
    disclosure: Disclosure,
) -> tuple[float | None, str | None]:
    """``(sum, None)`` of ``indicator`` over ``window``; ``(None, None)`` when no figure covers it;
    ``(None, label)`` when it is hidden from the actor."""
    if window.end > as_of:
        return None, None
    spans = _spans(database, actor, indicator, window, None if city_wide else scope_code)
    if spans is None:
        return None, None

    def covers(code: str) -> bool:
        return tiles(window, [span for span, _ in spans.get(code, [])])

    if covers(scope_code):
        parts = {scope_code: sum(v for _, v in spans[scope_code])}
    elif city_wide:
        reporting = sorted(code for code in spans if code in communes)
        if not reporting or not all(covers(code) for code in reporting):
            return None, None
        parts = {code: sum(v for _, v in spans[code]) for code in reporting}
    else:
        return None, None
    total = sum(parts.values())
    if indicator in SENSITIVE_SOCIAL_INDICATORS:
        protected = [
            v
            for code, found in spans.items()
            if code in parts and not disclosure.sees(code)
            for _, v in found
        ]
        if protected:
            if is_small(total):
                return None, SUPPRESSED_LABEL
            if any(is_small(v) for v in protected):
                return None, WITHHELD_LABEL
    return total, None


_Spans = dict[str, list[tuple[tuple[date, date], float]]]


def _spans(
    database: Database, actor: Actor, indicator: str, window: Period, unit_code: str | None
) -> _Spans | None:
    """Per unit code, the sorted ``((start, end), value)`` of ``indicator``'s periods inside ``window``
    (of ``unit_code`` only, if given); ``None`` when that unit is not the actor's."""
    try:
        points = indicator_values(
            database, actor, indicator, unit_code=unit_code, start=window.start, end=window.end
        )
    except NotFound:
        return None
    spans: _Spans = {}
    for code, _key, start, end, value in points:
        if window.start <= start:  # periods starting before the window do not belong to it
            spans.setdefault(code, []).append(((start, end), value))
    for found in spans.values():
        found.sort()
    return spans


def window_sums_by_unit(
    database: Database,
    actor: Actor,
    indicator: str,
    window: Period,
    unit_code: str | None = None,
    *,
    as_of: date | None = None,
) -> dict[str, float]:
    """Per unit code (all the actor's units, or ``unit_code``), ``indicator`` summed over its periods that
    tile ``window``; a unit whose periods do not tile it is left out, as is every unit when the window
    has not ended by ``as_of``. For the per-commune annexes of figures given within a period."""
    if window.end > (as_of or today_local()):
        return {}
    spans = _spans(database, actor, indicator, window, unit_code)
    return {
        code: sum(v for _, v in found)
        for code, found in (spans or {}).items()
        if tiles(window, [span for span, _ in found])
    }
