"""Statistical disclosure control: small counts of sensitive categories, and every way back to them, kept
from roles without the privilege (issue 6 §4, issue 17 §4; the policy and its proof: docs/disclosure.md).
One place decides; CompStat, the time series, the grid, the indicators, the incident list and the report
all go through it.

**What is sensitive.** The reporting group ``drugs`` (Penal Code arts. 247–259), sexual offences (arts.
141–147, :data:`SEXUAL_OFFENCE_ARTICLES`, in the ``social_order`` group) and the indicators of
:data:`SENSITIVE_INDICATORS`. A user *lacks the privilege on a commune* when they do not hold
:data:`~antt.domain.access.Action.VIEW_SENSITIVE_SMALL_COUNTS` there; such a commune is *protected* for
them (:meth:`Disclosure.protected`).

**The four rules**, for the protected communes of a user:

1. *Threshold (primary suppression).* A sensitive count from 1 to ``SUPPRESSION_K - 1`` is hidden
   (``None``, shown "<5"), with every value that gives it back (change, percent change, z, rates).
2. *Sensitive incidents stay out of every other figure.* Drug-group and sexual-offence incidents of a
   protected commune count in no figure the user sees except the drug group's own cells: not in the
   all-offence totals, not in ``social_order``, not in the series or grid of other groups, not in the
   incident list (:func:`exclusions`). So no total minus other figures (groups, communes, list rows)
   gives a hidden cell back: the hidden cell is in no total (complementary suppression by exclusion).
3. *Fixed release periods.* A protected commune's drug figures are released only for whole reporting
   months, quarters, half-years and years (15th → 14th, Decree 09/2019) that have ended
   (:func:`antt.domain.disclosure.release_months`), and a figure of several months only when no month
   has a hidden count (the figure's parts are all shown, so it adds nothing); any other window (custom,
   calendar month, last 28 days, week or year to date, a day) gets the figure withheld, whatever its
   value — zero included. A figure of several communes is treated the same way, commune by commune.
4. *No rows, no dates.* The incident list never lists a protected commune's sensitive incidents.

Withheld figures are ``None`` and named in ``withheld_fields`` (shown "x"); small ones in
``suppressed_fields`` too (shown "<5").

**Restricted groups.** A reporting group of :data:`~antt.domain.group_access.GROUP_PRIVILEGES` (crimes
against national security, Penal Code Chapter XIII) is not a small-count matter: an actor sees its incidents
only in the communes where a grant carries its privilege (:func:`~antt.domain.group_access.group_scope`),
and nothing of them elsewhere. The same exclusions carry it (:func:`exclusions`: the group's incidents
outside those communes are in no figure, so no total minus the visible groups gives them back); a query
whose communes hold none of those has no such group (:func:`groups_of`: not in "all", ``NotFound`` when
asked for, like an unknown group), and a cell of the group in a commune where it is left out is withheld.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from antt.analytics.compstat import Change, Measures
from antt.domain.access import Action, Actor
from antt.domain.disclosure import is_small, release_months
from antt.domain.group_access import GROUP_PRIVILEGES, group_scope
from antt.domain.periods import Period
from antt.domain.reference import offence_table, unit_catalog
from antt.domain.units import Level
from antt.errors import NotFound
from antt.storage.compstat import measures_by_unit_and_group
from antt.storage.exclusions import Exclusion

if TYPE_CHECKING:  # only types: these services import this module
    from antt.services.indicators import SeriesPoint
    from antt.services.trends import Series, WeekdayHour

__all__ = ["is_small"]

PRIVILEGE = Action.VIEW_SENSITIVE_SMALL_COUNTS
ALL = "all"

SENSITIVE_GROUPS: frozenset[str] = frozenset({"drugs"})
"""Reporting groups every count of which is sensitive (``reporting_groups.csv``)."""
SEXUAL_OFFENCE_ARTICLES: frozenset[str] = frozenset(str(article) for article in range(141, 148))
"""Penal Code arts. 141–147 (rape to using children for pornography), in the ``social_order`` group."""
SEXUAL_OFFENCE_GROUP = "social_order"
RESTRICTED_GROUPS: frozenset[str] = frozenset(GROUP_PRIVILEGES)
"""Reporting groups seen only where the actor holds their privilege (``national_security``)."""
SENSITIVE_INDICATORS: frozenset[str] = frozenset(
    {
        "drug_users_managed",
        "drug_offenders_arrested",
        "drug_use_places",
        "drug_use_admin_cases",
        "drug_use_admin_persons",
        "prostitution_admin_cases",
        "prostitution_admin_persons",
    }
)
"""Imported indicators whose values are sensitive counts (drug users and arrested offenders are people;
drug-use places are mostly homes; drug use and prostitution handled administratively name people).
``narcotic_plants_destroyed`` counts plants and is not sensitive."""

CURRENT_FIELDS = ("current", "grave", "suspects", "organised_group")
"""The counts of a CompStat cell in its period."""
PREVIOUS_FIELDS = ("previous", "previous_suspects")
"""The counts of a CompStat cell in its comparison period (``previous_suspects`` only in reports)."""
COUNT_FIELDS = CURRENT_FIELDS + PREVIOUS_FIELDS
DERIVED_FIELDS = (
    "change",
    "pct_change",
    "z",
    "signal",
    "approximate_share",
    "clearance_rate",
    "previous_clearance_rate",
    "grave_clearance_rate",
)

DRUGS = "drugs"
SEXUAL_OFFENCES = "sexual_offences"
LIST_CATEGORIES: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {
    DRUGS: (SENSITIVE_GROUPS, None),
    SEXUAL_OFFENCES: (None, SEXUAL_OFFENCE_ARTICLES),
}
"""The sensitive categories of incidents: name → (reporting groups, articles) their rows match."""


def sensitive_groups(groups: Iterable[str]) -> bool:
    """Whether a count of these reporting groups together is sensitive: all of them are sensitive."""
    codes = set(groups)
    return bool(codes) and codes <= SENSITIVE_GROUPS


def derived_from(counts: Collection[str]) -> frozenset[str]:
    """The values that would give back one of the hidden ``counts``."""
    derived: set[str] = set()
    if set(counts) & {"current", "previous"}:
        derived |= {"change", "pct_change", "z", "signal", "approximate_share"}
    if "current" in counts:
        derived.add("clearance_rate")
    if "previous" in counts:
        derived.add("previous_clearance_rate")
    if set(counts) & {"current", "grave"}:
        derived.add("grave_clearance_rate")
    return frozenset(derived)


def hidden_fields(counts: Mapping[str, int | None]) -> frozenset[str]:
    """The fields of a sensitive figure hidden by the threshold rule alone: its small counts and what
    would give one back."""
    small = {name for name in COUNT_FIELDS if is_small(counts.get(name))}
    return frozenset(small) | derived_from(small)


@dataclass(frozen=True)
class Hidden:
    """What of one figure an actor may not see: ``small`` counts (1 to 4: "<5"), ``withheld`` counts
    (any value: "x" — a part of them is hidden, or the window is not a release period) and the ``derived``
    values that would give either back."""

    small: frozenset[str] = frozenset()
    withheld: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()

    @property
    def fields(self) -> frozenset[str]:
        return self.small | self.withheld | self.derived

    def __bool__(self) -> bool:
        return bool(self.fields)

    @classmethod
    def of(cls, counts: Mapping[str, int | None], withheld: Iterable[str] = ()) -> Hidden:
        """The threshold rule on ``counts``, plus the ``withheld`` counts."""
        small = frozenset(n for n in COUNT_FIELDS if is_small(counts.get(n)))
        held = frozenset(withheld) - small
        return cls(small, held, derived_from(small | held))


NOTHING_HIDDEN = Hidden()
ALL_WITHHELD = Hidden(frozenset(), frozenset(COUNT_FIELDS), frozenset(DERIVED_FIELDS))


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
    """What decides which small counts and which restricted groups ``actor`` sees, for cache keys of
    results already suppressed."""
    restricted = tuple(group_scope(actor, group) for group in sorted(RESTRICTED_GROUPS))
    return (actor.is_system, actor.units_for(PRIVILEGE), restricted)


@dataclass(frozen=True)
class Disclosure:
    """What one actor may see of sensitive counts."""

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

    def protected(self, codes: Iterable[str]) -> frozenset[str]:
        """The communes among ``codes`` whose sensitive figures the actor may not see in full."""
        if self.sees_everything:
            return frozenset()
        return frozenset(code for code in codes if not self.sees(code))

    def count(self, value: int, *, sensitive: bool, unit_code: str | None) -> int | None:
        """``value``, or ``None`` when it is a small sensitive count the actor may not see."""
        if sensitive and is_small(value) and not self.sees(unit_code):
            return None
        return value

    def group_units(self, group: str) -> frozenset[str] | None:
        """The communes (codes of the current scheme) where the actor may see the incidents of ``group``:
        ``None`` for every commune (an unrestricted group, the system, a city-wide privileged grant)."""
        if group not in RESTRICTED_GROUPS:
            return None
        scope = group_scope(self.actor, group)
        if scope is None:
            return None
        scheme, _ = _current_scheme()
        return frozenset(code for s, code in scope if s == scheme)

    def left_out(self, group: str, codes: Iterable[str]) -> frozenset[str]:
        """The communes among ``codes`` whose incidents of ``group`` are in no figure the actor sees."""
        units = self.group_units(group)
        return frozenset() if units is None else frozenset(codes) - units

    def sees_group(self, group: str, codes: Iterable[str] | None = None) -> bool:
        """Whether the actor sees ``group`` in one of ``codes`` at least, or, without ``codes``, in one
        commune at least: a restricted group seen nowhere is not there at all for the actor."""
        units = self.group_units(group)
        if units is None:
            return True
        return bool(units if codes is None else units.intersection(codes))

    def shown_groups(self, groups: Iterable[str], codes: Iterable[str] | None = None) -> list[str]:
        """``groups`` (in their order) the actor sees in ``codes`` (see :meth:`sees_group`)."""
        wanted = None if codes is None else frozenset(codes)
        return [g for g in groups if self.sees_group(g, wanted)]


@lru_cache(maxsize=1)
def _current_scheme() -> tuple[str, frozenset[str]]:
    """The reporting scheme and the code(s) of its city (the scope row of a CompStat document)."""
    catalog = unit_catalog()
    scheme = catalog.current.code
    return scheme, frozenset(u.code for u in catalog.in_scheme(scheme, Level.PROVINCE))


def exclusions(actor: Actor, protected: Collection[str], *, drugs: bool = True) -> list[Exclusion]:
    """The incidents left out of every figure ``actor`` sees: the incidents of each restricted group
    outside the communes where the actor may see it; and (rule 2) the sexual offences of the ``protected``
    communes and, with ``drugs``, their drug-group incidents too."""
    disclosure = Disclosure(actor)
    found = [
        Exclusion.outside(units, groups=[group])
        for group in sorted(RESTRICTED_GROUPS)
        if (units := disclosure.group_units(group)) is not None
    ]
    if protected:
        found.append(Exclusion.of(protected, articles=SEXUAL_OFFENCE_ARTICLES))
        if drugs:
            found.append(Exclusion.of(protected, groups=SENSITIVE_GROUPS))
    return found


def groups_of(actor: Actor, group: str | None, codes: Iterable[str]) -> list[str]:
    """The reporting-group codes a ``group`` filter counts for ``actor`` over the communes ``codes``: one
    group, or, for ``None`` / "all", every group the actor sees there. An unknown group, and a restricted
    group the actor sees in none of ``codes``, are ``NotFound`` alike."""
    table = offence_table()
    disclosure = Disclosure(actor)
    if group is None or group == ALL:
        return disclosure.shown_groups(table.group_codes, codes)
    table.group(group)  # raises NotFound for an unknown group
    if not disclosure.sees_group(group, codes):
        raise NotFound(f"Không có nhóm tội phạm '{group}'.", f"No reporting group '{group}'.")
    return [group]


# ------------------------------------------------------------------------------------------ CompStat


@dataclass(frozen=True)
class Protection:
    """What one actor may see of the drug-group figures of a CompStat query (rules 1 and 3).

    ``protected`` are the communes of the scope the actor lacks the privilege on. ``released`` says
    whether the period and its comparison period are both release periods; ``month_small`` gives, per
    protected commune, the counts (:data:`COUNT_FIELDS`) small in at least one of their reporting months.
    """

    protected: frozenset[str] = frozenset()
    released: bool = True
    month_small: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def hidden(self, units: Iterable[str], change: Change) -> Hidden:
        """The hidden fields of a drug-group figure counting ``units`` (communes)."""
        mine = self.protected.intersection(units)
        if not mine:
            return NOTHING_HIDDEN
        if not self.released:
            return ALL_WITHHELD
        withheld = frozenset().union(*(self.month_small.get(u, frozenset()) for u in mine))
        return Hidden.of(change_counts(change), withheld)


def protection(
    session: Session,
    actor: Actor,
    communes: Iterable[str],
    period: Period,
    compare: Period,
    *,
    groups: Collection[str],
    as_of: date,
    compare_as_of: date,
    today: date,
) -> Protection:
    """The :class:`Protection` of a CompStat query of ``groups`` over ``communes``, reading the counts
    of the reporting months of ``period`` and ``compare`` when a protected commune's drug group is
    counted."""
    protected = Disclosure(actor).protected(communes)
    if not protected or not SENSITIVE_GROUPS & set(groups):
        return Protection(protected)
    months_now, months_before = release_months(period, today), release_months(compare, today)
    if months_now is None or months_before is None:
        return Protection(protected, released=False)
    small: dict[str, set[str]] = {code: set() for code in protected}
    sides = (
        (months_now, as_of, ("current", "grave", "suspects", "organised_group")),
        (months_before, compare_as_of, ("previous", None, "previous_suspects", None)),
    )
    for months, day, names in sides:
        for start, end in months:
            cells = measures_by_unit_and_group(
                session, start, end, day, units=sorted(protected), groups=sorted(SENSITIVE_GROUPS)
            )
            for (unit, _group), values in cells.items():
                m = Measures(*values)
                counted = (m.incidents, m.grave, m.suspects, m.organised_group)
                small[unit] |= {n for n, v in zip(names, counted, strict=True) if n and is_small(v)}
    return Protection(protected, True, {code: frozenset(f) for code, f in small.items()})


def masked(figures: Mapping[str, Any], hidden: Hidden) -> dict[str, Any]:
    """``figures`` with the ``hidden`` fields set to ``None``, marked ``suppressed``; ``withheld_fields``
    names the counts hidden whatever their value ("x")."""
    names = hidden.fields
    return {
        **figures,
        **{name: None for name in names if name in figures},
        "suppressed": bool(names & figures.keys()),
        "suppressed_fields": sorted(name for name in names if name in figures),
        "withheld_fields": sorted(name for name in hidden.withheld if name in figures),
    }


def compstat_document(actor: Actor, document: Mapping[str, Any]) -> dict[str, Any]:
    """The CompStat document as ``actor`` may see it. :func:`antt.services.compstat.compstat` already
    applies the rules for the actor it is given and :func:`~antt.services.compstat.result_document` writes
    them out, so this returns ``document`` as it is; it stays for the callers that name the step."""
    del actor
    return dict(document)


# ----------------------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class SeriesFigures:
    """The counts of a :class:`~antt.services.trends.Series` as one actor may see them."""

    current: list[int | None]
    last_year: list[int | None]
    total: int | None
    last_year_total: int | None
    suppressed: bool
    withheld: bool = False  # every count hidden: a drug series of a protected commune (rule 3)

    def bin_suppressed(self, index: int) -> bool:
        return self.current[index] is None or self.last_year[index] is None


@dataclass(frozen=True)
class GridFigures:
    """The counts of a :class:`~antt.services.trends.WeekdayHour` grid as one actor may see them."""

    counts: list[list[int | None]]
    at_midnight: int | None
    total: int | None
    suppressed: bool
    withheld: bool = False


def series_figures(actor: Actor, result: Series) -> SeriesFigures:
    """A time series as ``actor`` may see it. A series of the drug group counting a protected commune is
    withheld whole: its bins are days, weeks or calendar months, never release periods, and its total is
    CompStat's (which gives it for release periods). Other series leave the protected communes' sensitive
    incidents out already (:func:`antt.services.trends.series`)."""
    del actor  # the series was counted for the actor: ``result.protected`` says what it may not see
    n = len(result.bins)
    if sensitive_groups(result.groups) and result.protected:
        return SeriesFigures([None] * n, [None] * n, None, None, suppressed=True, withheld=True)
    current, last_year = [b.current for b in result.bins], [b.last_year for b in result.bins]
    return SeriesFigures(
        list(current), list(last_year), result.total, result.last_year_total, suppressed=False
    )


def grid_figures(actor: Actor, result: WeekdayHour) -> GridFigures:
    """The day-of-week × hour grid as ``actor`` may see it (as :func:`series_figures`)."""
    del actor
    if sensitive_groups(result.groups) and result.protected:
        counts: list[list[int | None]] = [[None] * 24 for _ in range(7)]
        return GridFigures(counts, None, None, suppressed=True, withheld=True)
    return GridFigures([list(row) for row in result.counts], result.at_midnight, result.total, False)


# ------------------------------------------------------------------------------------- indicators


def indicator_points(actor: Actor, indicator: str, points: Iterable[SeriesPoint]) -> list[dict[str, Any]]:
    """The values of ``indicator`` as ``actor`` may see them: a small value of a sensitive indicator
    (:data:`SENSITIVE_INDICATORS`) is ``None`` and ``suppressed`` unless the actor holds the privilege
    on its unit. Indicator values are imported per unit and period, each period as it was reported: no
    total of them is shown beside them, so the threshold rule alone applies."""
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


def withheld_categories(protected: Iterable[str], group: str | None) -> list[tuple[str, str]]:
    """The (commune, category) pairs the incident list leaves out (rule 4): each sensitive category the
    ``group`` filter can hold, in every protected commune — whatever their counts, so the notice itself
    tells nothing."""
    holds = {DRUGS: SENSITIVE_GROUPS, SEXUAL_OFFENCES: frozenset({SEXUAL_OFFENCE_GROUP})}
    categories = [name for name, groups in holds.items() if group in (None, ALL) or group in groups]
    return sorted((unit, category) for unit in protected for category in categories)
