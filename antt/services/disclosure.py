"""Small counts of sensitive categories, hidden from roles without the privilege (issue 6 §4): one place
decides, and the pages, the API and the report exports all call it.

**What is sensitive.** A count is sensitive when it counts

* the reporting group ``drugs`` (Penal Code chapter XX, arts. 247–259): every count of a cell of that
  group — incidents of the period and of the comparison period, very serious and especially serious
  ones, suspects, those by an organised group — and every bin of a time series or of the day × hour grid
  counting that group only;
* sexual offences (arts. 141–147, :data:`SEXUAL_OFFENCE_ARTICLES`). They belong to the ``social_order``
  group and nothing in ANTT counts incidents by article, so they show only as rows of the incident list:
  :func:`withheld_categories` decides which rows it leaves out;
* the indicators of :data:`SENSITIVE_INDICATORS`: drug users under management and drug offenders arrested
  (counts of people), and drug-use places (mostly a home: a small count points at households). Not
  sensitive: ``narcotic_plants_destroyed`` (plants, not people), ``on_key_route`` (a flag), and every other
  indicator.

A total that mixes sensitive and other groups (all offences of a commune, the social-order group) is not
sensitive.

**The rule.** For an actor without :data:`~antt.domain.access.Action.VIEW_SENSITIVE_SMALL_COUNTS` on the
unit a figure is about, a sensitive count from 1 to ``SUPPRESSION_K - 1`` is replaced by ``None`` and the
figure is marked (``"suppressed": true`` and the names of the hidden fields in ``"suppressed_fields"``);
the pages show :data:`~antt.domain.access.SUPPRESSED_LABEL` ("<5"). Zero stays 0 and 5 or more is shown.
What would give the hidden count back is hidden with it: the change, the percent change, z and its signal,
the share placed approximately, the clearance rate of the hidden period, and the clearance rate of the
grave cases when their count or the incidents' count is hidden. A figure about the whole scope (the city
row, the totals) is shown only to an actor holding the privilege on every commune it counts.

**Not done here: complementary suppression.** A hidden cell can still be worked out from figures that
are shown: a commune's drug count from its all-offences total minus its other groups, a column total
minus the other communes of an annex, a series' total minus its other bins, or the social-order count
minus the listed rows. Primary suppression stops the direct reading of a small count; stopping the
arithmetic would mean hiding non-sensitive figures too (a second cell per row and column) and is left
for a later decision.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from antt.analytics.compstat import Change
from antt.domain.access import SUPPRESSION_K, Action, Actor
from antt.domain.reference import unit_catalog
from antt.domain.units import Level
from antt.services.indicators import SeriesPoint
from antt.services.trends import Series, WeekdayHour

PRIVILEGE = Action.VIEW_SENSITIVE_SMALL_COUNTS
ALL = "all"

SENSITIVE_GROUPS: frozenset[str] = frozenset({"drugs"})
"""Reporting groups every count of which is sensitive (``reporting_groups.csv``)."""
SEXUAL_OFFENCE_ARTICLES: frozenset[str] = frozenset(str(article) for article in range(141, 148))
"""Penal Code arts. 141–147 (rape to using children for pornography), in the ``social_order`` group."""
SENSITIVE_INDICATORS: frozenset[str] = frozenset(
    {"drug_users_managed", "drug_offenders_arrested", "drug_use_places"}
)
"""Imported indicators whose values are sensitive counts (see the module docstring)."""

COUNT_FIELDS = ("current", "previous", "grave", "suspects", "organised_group", "previous_suspects")
"""The counts of a CompStat cell that are hidden when small (``previous_suspects`` only in reports)."""

DRUGS = "drugs"
SEXUAL_OFFENCES = "sexual_offences"
LIST_CATEGORIES: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {
    DRUGS: (SENSITIVE_GROUPS, None),
    SEXUAL_OFFENCES: (None, SEXUAL_OFFENCE_ARTICLES),
}
"""The sensitive categories of the incident list: name → (reporting groups, articles) its rows match."""


def is_small(value: float | None) -> bool:
    """A count that would be hidden: from 1 to ``SUPPRESSION_K - 1`` (zero says nobody: it is shown)."""
    return value is not None and 0 < value < SUPPRESSION_K


def sensitive_groups(groups: Iterable[str]) -> bool:
    """Whether a count of these reporting groups together is sensitive: all of them are sensitive."""
    codes = set(groups)
    return bool(codes) and codes <= SENSITIVE_GROUPS


def hidden_fields(counts: Mapping[str, int | None]) -> frozenset[str]:
    """The fields of a sensitive figure to hide from an actor without the privilege: its small counts
    (:data:`COUNT_FIELDS`) and every value that would give one of them back."""
    hidden = {name for name in COUNT_FIELDS if is_small(counts.get(name))}
    if hidden & {"current", "previous"}:
        hidden |= {"change", "pct_change", "z", "signal", "approximate_share"}
    if "current" in hidden:
        hidden.add("clearance_rate")
    if "previous" in hidden:
        hidden.add("previous_clearance_rate")
    if hidden & {"current", "grave"}:
        hidden.add("grave_clearance_rate")
    return frozenset(hidden)


def change_counts(change: Change) -> dict[str, int | None]:
    """The counts of a CompStat cell by the names of :data:`COUNT_FIELDS`."""
    return {
        "current": change.current.incidents,
        "previous": change.previous.incidents,
        "grave": change.current.grave,
        "suspects": change.current.suspects,
        "organised_group": change.current.organised_group,
        "previous_suspects": change.previous.suspects,
    }


def privilege_key(actor: Actor) -> Hashable:
    """What decides which small counts ``actor`` sees, for cache keys of results already suppressed."""
    return (actor.is_system, actor.units_for(PRIVILEGE))


@dataclass(frozen=True)
class Disclosure:
    """What one actor may see of small sensitive counts."""

    actor: Actor

    def sees(self, unit_code: str | None = None) -> bool:
        """Whether the actor sees small sensitive counts of ``unit_code`` (a commune of the current scheme),
        or, for ``None`` or the city's code, of its whole scope: every commune it counts."""
        allowed = self.actor.units_for(PRIVILEGE)
        if allowed is None:  # the system, or a city-wide grant holding the privilege
            return True
        scheme, cities = _current_scheme()
        if unit_code is None or unit_code in cities:
            scope = self.actor.units
            return scope is not None and scope <= allowed
        return (scheme, unit_code) in allowed

    @property
    def sees_everything(self) -> bool:
        return self.actor.units_for(PRIVILEGE) is None

    def count(self, value: int, *, sensitive: bool, unit_code: str | None) -> int | None:
        """``value``, or ``None`` when it is a small sensitive count the actor may not see."""
        if sensitive and is_small(value) and not self.sees(unit_code):
            return None
        return value

    def hidden(
        self, counts: Mapping[str, int | None], *, sensitive: bool, unit_code: str | None
    ) -> frozenset[str]:
        """The fields of a figure with ``counts`` to hide from the actor (none when not sensitive)."""
        if not sensitive or self.sees(unit_code):
            return frozenset()
        return hidden_fields(counts)

    def change_hidden(
        self, change: Change, *, groups: Sequence[str], unit_code: str | None
    ) -> frozenset[str]:
        """:meth:`hidden` for a CompStat cell counting ``groups`` in ``unit_code``."""
        return self.hidden(change_counts(change), sensitive=sensitive_groups(groups), unit_code=unit_code)


@lru_cache(maxsize=1)
def _current_scheme() -> tuple[str, frozenset[str]]:
    """The reporting scheme and the code(s) of its city (the scope row of a CompStat document)."""
    catalog = unit_catalog()
    scheme = catalog.current.code
    return scheme, frozenset(u.code for u in catalog.in_scheme(scheme, Level.PROVINCE))


def masked(figures: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """``figures`` with the ``hidden`` fields set to ``None``, marked ``suppressed``."""
    return {
        **figures,
        **{name: None for name in hidden if name in figures},
        "suppressed": bool(hidden),
        "suppressed_fields": sorted(name for name in hidden if name in figures),
    }


# ------------------------------------------------------------------------------------------ CompStat


def compstat_document(actor: Actor, document: Mapping[str, Any]) -> dict[str, Any]:
    """A CompStat document (:func:`antt.services.compstat.result_document`) as ``actor`` may see it.

    Rows of a sensitive group, and the totals when every group counted is sensitive, have their small
    counts hidden (:func:`hidden_fields`); a contributor's change is hidden when its commune's cell has a
    hidden count, or when the document holds no row of that commune alone to tell. Every row, the totals
    and every contributor carry ``suppressed`` (and the figures ``suppressed_fields``), true or false.
    """
    disclosure = Disclosure(actor)
    groups: list[str] = list(document["groups"])
    only_sensitive = sensitive_groups(groups)

    def row_hidden(row: Mapping[str, Any]) -> frozenset[str]:
        group = row["group"]
        sensitive = only_sensitive if group == ALL else sensitive_groups([group])
        return disclosure.hidden(row, sensitive=sensitive, unit_code=row["unit_code"])

    rows = [masked(row, row_hidden(row)) for row in document["rows"]]
    scope = document["unit"]["code"]
    totals = masked(
        document["totals"], disclosure.hidden(document["totals"], sensitive=only_sensitive, unit_code=scope)
    )
    contributors = []
    for contributor in document["contributors"]:
        code = contributor["unit_code"]
        hide = False
        if only_sensitive and not disclosure.sees(code):
            own = [r for r in document["rows"] if r["unit_code"] == code]
            if code == scope and not own:
                own = [document["totals"]]
            hide = len(own) != 1 or bool(hidden_fields(own[0]))
        contributors.append(
            {
                **contributor,
                **({"change": None, "share": None} if hide else {}),
                "suppressed": hide,
            }
        )
    return {**document, "rows": rows, "totals": totals, "contributors": contributors}


# ----------------------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class SeriesFigures:
    """The counts of a :class:`~antt.services.trends.Series` as one actor may see them."""

    current: list[int | None]
    last_year: list[int | None]
    total: int | None
    last_year_total: int | None
    suppressed: bool

    def bin_suppressed(self, index: int) -> bool:
        return self.current[index] is None or self.last_year[index] is None


@dataclass(frozen=True)
class GridFigures:
    """The counts of a :class:`~antt.services.trends.WeekdayHour` grid as one actor may see them."""

    counts: list[list[int | None]]
    at_midnight: int | None
    total: int | None
    suppressed: bool


def series_figures(actor: Actor, result: Series) -> SeriesFigures:
    """A time series' bins and totals, each small count hidden when the series counts only sensitive
    groups and ``actor`` lacks the privilege on its scope."""
    disclosure = Disclosure(actor)
    sensitive, unit = sensitive_groups(result.groups), result.scope.code

    def shown(value: int) -> int | None:
        return disclosure.count(value, sensitive=sensitive, unit_code=unit)

    current = [shown(b.current) for b in result.bins]
    last_year = [shown(b.last_year) for b in result.bins]
    total, last_year_total = shown(result.total), shown(result.last_year_total)
    suppressed = None in current or None in last_year or total is None or last_year_total is None
    return SeriesFigures(current, last_year, total, last_year_total, suppressed)


def grid_figures(actor: Actor, result: WeekdayHour) -> GridFigures:
    """The day-of-week × hour grid as ``actor`` may see it (as :func:`series_figures`)."""
    disclosure = Disclosure(actor)
    sensitive, unit = sensitive_groups(result.groups), result.scope.code

    def shown(value: int) -> int | None:
        return disclosure.count(value, sensitive=sensitive, unit_code=unit)

    counts = [[shown(n) for n in row] for row in result.counts]
    at_midnight, total = shown(result.at_midnight), shown(result.total)
    suppressed = any(None in row for row in counts) or at_midnight is None or total is None
    return GridFigures(counts, at_midnight, total, suppressed)


# ------------------------------------------------------------------------------------- indicators


def indicator_points(actor: Actor, indicator: str, points: Iterable[SeriesPoint]) -> list[dict[str, Any]]:
    """The values of ``indicator`` as ``actor`` may see them: a small value of a sensitive indicator
    (:data:`SENSITIVE_INDICATORS`) is ``None`` and ``suppressed`` unless the actor holds the privilege
    on its unit."""
    disclosure = Disclosure(actor)
    sensitive = indicator in SENSITIVE_INDICATORS
    found = []
    for unit, period, start, end, value in points:
        hide = sensitive and is_small(value) and not disclosure.sees(unit)
        found.append(
            {
                "unit_code": unit,
                "period": period,
                "period_start": start,
                "period_end": end,
                "value": None if hide else value,
                "suppressed": hide,
            }
        )
    return found


# -------------------------------------------------------------------------------- incident list


def withheld_categories(actor: Actor, counts: Mapping[tuple[str, str], int]) -> list[tuple[str, str]]:
    """The (commune, category) pairs of the incident list whose rows ``actor`` may not see: a sensitive
    category (:data:`LIST_CATEGORIES`) with 1 to 4 incidents in a commune where the actor lacks the
    privilege — listing them would show the small count. ``counts`` are the listed filter's incidents per
    (commune, category)."""
    disclosure = Disclosure(actor)
    return sorted(
        (unit, category)
        for (unit, category), n in counts.items()
        if is_small(n) and not disclosure.sees(unit)
    )
