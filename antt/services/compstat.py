"""CompStat: a period against its comparison period, by unit, by reporting group, or both.

Every figure is in the units of the reporting (current) scheme; incidents recorded under older units are
carried forward through the crosswalk at import, and a figure that depends on a split (``part``) link
without coordinates says so (``approximate``). Clearance is counted as of a date: for the comparison
period, as of the same lag after it, so both periods have had the same time to clear their cases.

What the actor may see of sensitive categories is decided here, once, by :mod:`antt.services.disclosure`:
the sensitive incidents of the communes it lacks the privilege on stay out of every figure but the drug
group's own (``excluded``), and those figures carry what is hidden (``Row.hidden``, ``totals_hidden``),
which :func:`result_document` writes out as ``null`` with ``suppressed_fields`` and ``withheld_fields``.
A restricted reporting group (national security) is counted only in the communes where the actor may see
it, and is not among the groups at all when the actor sees it in none of the query's communes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from antt.analytics.compstat import Change, Contribution, Measures, clearance_rate, contributions, total
from antt.domain.access import Actor
from antt.domain.periods import Comparison, Period, check_supported_day, today_local
from antt.domain.reference import unit_catalog
from antt.domain.text import sort_key
from antt.domain.units import Level, Unit
from antt.errors import InvalidInput, NotFound
from antt.services.data_cache import cached
from antt.services.disclosure import (
    ALL_WITHHELD,
    NOTHING_HIDDEN,
    SENSITIVE_GROUPS,
    Disclosure,
    Hidden,
    Protection,
    exclusions,
    groups_of,
    masked,
    privilege_key,
    protection,
    sensitive_groups,
)
from antt.storage.compstat import measures_by_unit_and_group
from antt.storage.engine import Database

Measured = dict[tuple[str, str], tuple[int, ...]]  # (commune, group) → the measures' fields

ALL = "all"
NOTHING: frozenset[str] = frozenset()


class By(StrEnum):
    UNIT = "unit"
    GROUP = "group"
    UNIT_GROUP = "unit,group"


@dataclass(frozen=True)
class Row:
    unit: Unit
    group: str  # a reporting-group code, or "all"
    change: Change
    hidden: Hidden = NOTHING_HIDDEN  # what the actor may not see of it


@dataclass(frozen=True)
class CompstatResult:
    period: Period
    compare: Period
    comparison: Comparison
    as_of: date
    compare_as_of: date
    scope: Unit  # the city, or the one commune asked for
    groups: list[str]  # the reporting groups counted
    by: By
    rows: list[Row]
    totals: Change
    contributors: list[Contribution]  # communes driving the change of the scope's total
    totals_hidden: Hidden = NOTHING_HIDDEN
    # communes whose drug and sexual-offence incidents are left out of every figure but the drug group's
    # own: those of the scope the actor lacks the privilege on (docs/disclosure.md, rule 2)
    excluded: frozenset[str] = frozenset()


def parse_by(text: str) -> By:
    try:
        return By(text.replace(" ", ""))
    except ValueError:
        raise InvalidInput(
            f"--by phải là unit, group hoặc unit,group (nhận được {text!r}).",
            f"--by must be unit, group or unit,group (got {text!r}).",
        ) from None


def scope_of(actor: Actor, unit_code: str | None) -> tuple[Unit, list[Unit]]:
    """The scope unit and the communes (current scheme) it covers, limited to the actor's units."""
    catalog = unit_catalog()
    scheme = catalog.current.code
    communes = catalog.in_scheme(scheme, Level.COMMUNE)
    city = catalog.in_scheme(scheme, Level.PROVINCE)[0]
    if actor.units is not None:
        communes = [c for c in communes if c.key in actor.units]
    if unit_code is None or unit_code == city.code:
        if actor.units is not None and unit_code == city.code:
            raise NotFound(f"Không có đơn vị {unit_code}.", f"No unit {unit_code}.")
        return city, communes
    found = [c for c in communes if c.code == unit_code]
    if not found:  # out of scope is indistinguishable from absent
        raise NotFound(
            f"Không có xã/phường mã {unit_code} trong danh mục hiện hành ({scheme}).",
            f"No commune with code {unit_code} in the current scheme ({scheme}).",
        )
    return found[0], found


def compstat(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    comparison: Comparison = Comparison.SAME_PERIOD_LAST_YEAR,
    unit_code: str | None = None,
    group: str | None = None,
    by: By = By.UNIT,
    as_of: date | None = None,
) -> CompstatResult:
    check_supported_day(as_of)
    scope, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    groups = groups_of(actor, group, codes)
    compare = period.compare(comparison)
    as_of = as_of or today_local()
    compare_as_of = as_of - (period.start - compare.start)
    shield, now, before = _measures(database, actor, codes, groups, period, compare, as_of, compare_as_of)

    # Sum the grouped rows once per cell, commune, group and in all; rows below are then look-ups. A
    # figure mixing groups leaves out the drug cells of the protected communes (rule 2).
    only_sensitive = sensitive_groups(groups)
    keys = now.keys() | before.keys()
    cells = {key: Change(Measures(*now.get(key, ())), Measures(*before.get(key, ()))) for key in keys}
    mixed = {
        key: c
        for key, c in cells.items()
        if only_sensitive or not (key[0] in shield.protected and key[1] in SENSITIVE_GROUPS)
    }
    by_unit = {u: total(c for (cu, _), c in mixed.items() if cu == u) for u in {k[0] for k in keys}}
    by_group = {g: total(c for (_, cg), c in cells.items() if cg == g) for g in {k[1] for k in keys}}
    empty = Change(Measures(), Measures())

    def cell(unit: str | None, grp: str | None) -> Change:
        if unit is not None and grp is not None:
            return cells.get((unit, grp), empty)
        if unit is not None:
            return by_unit.get(unit, empty)
        if grp is not None:
            return by_group.get(grp, empty)
        return total(by_unit.values())

    # a restricted group's incidents are left out of the communes where the actor may not see it: a figure
    # of such groups alone over only those communes would read 0 for what is unknown to the actor, and
    # is withheld instead ("x")
    unseen = {g: Disclosure(actor).left_out(g, codes) for g in groups}

    def withheld(units: list[str], grps: list[str]) -> bool:
        return all(set(units) <= unseen[g] for g in grps) and any(unseen[g] for g in grps)

    def row(unit: Unit, grp: str, units: list[str], change: Change) -> Row:
        if withheld(units, groups if grp == ALL else [grp]):
            return Row(unit, grp, change, ALL_WITHHELD)
        sensitive = only_sensitive if grp == ALL else sensitive_groups([grp])
        return Row(unit, grp, change, shield.hidden(units, change) if sensitive else NOTHING_HIDDEN)

    rows: list[Row] = []
    ordered = sorted(communes, key=lambda u: (sort_key(u.short_name), u.code))
    if by is By.UNIT:
        rows = [row(u, group or ALL, [u.code], cell(u.code, None)) for u in ordered]
    elif by is By.GROUP:
        rows = [row(scope, g, codes, cell(None, g)) for g in groups]
    else:
        rows = [row(u, g, [u.code], cell(u.code, g)) for u in ordered for g in groups]
    totals = cell(None, None)
    # a contributor is a commune's change: of the drug group (or a restricted group) alone, only the
    # communes the actor may see are ranked, and their shares are of those communes' change (rules 1 and 3)
    by_commune = {
        u.code: cell(u.code, None)
        for u in communes
        if not (only_sensitive and u.code in shield.protected) and not withheld([u.code], groups)
    }
    return CompstatResult(
        period=period,
        compare=compare,
        comparison=comparison,
        as_of=as_of,
        compare_as_of=compare_as_of,
        scope=scope,
        groups=groups,
        by=by,
        rows=rows,
        totals=totals,
        contributors=contributions(by_commune),
        # (a restricted group is never withheld over the whole scope: groups_of finds it in some commune)
        totals_hidden=shield.hidden(codes, totals) if only_sensitive else NOTHING_HIDDEN,
        excluded=NOTHING if only_sensitive else shield.protected,
    )


def _measures(
    database: Database,
    actor: Actor,
    codes: list[str],
    groups: list[str],
    period: Period,
    compare: Period,
    as_of: date,
    compare_as_of: date,
) -> tuple[Protection, Measured, Measured]:
    """The protection and the measures per (commune, group) of both periods for ``codes`` × ``groups``.

    The measures are read for the actor's whole scope (every commune and group they see) once per data
    version and these two periods, then narrowed here: a CompStat view of any commune and any group, its
    three tables and its movers, then cost no query (a commune's view was ≈ 20 ms cold, and a city has
    ~22,000 of them per data version). Narrowing is exact: the rows are grouped by (commune, group), and
    what is left out of a commune (its sexual offences when protected, a restricted group where the
    actor may not see it) depends on that commune alone."""
    today = today_local()
    shield = cached(
        database,
        ("compstat-protection", actor.units, privilege_key(actor), tuple(codes), tuple(groups), period,
         compare, as_of, compare_as_of, today),
        lambda: _protection(database, actor, codes, groups, period, compare, as_of, compare_as_of, today),
    )  # fmt: skip
    now, before = cached(
        database,
        ("compstat-measures", actor.units, privilege_key(actor), period, compare, as_of, compare_as_of),
        lambda: _scope_measures(database, actor, period, compare, as_of, compare_as_of),
    )
    wanted_units, wanted_groups = set(codes), set(groups)

    def narrowed(measured: Measured) -> Measured:
        return {k: v for k, v in measured.items() if k[0] in wanted_units and k[1] in wanted_groups}

    return shield, narrowed(now), narrowed(before)


def _protection(
    database: Database,
    actor: Actor,
    codes: list[str],
    groups: list[str],
    period: Period,
    compare: Period,
    as_of: date,
    compare_as_of: date,
    today: date,
) -> Protection:
    with database.transaction(write=False) as session:
        return protection(
            session,
            actor,
            codes,
            period,
            compare,
            groups=groups,
            as_of=as_of,
            compare_as_of=compare_as_of,
            today=today,
        )


def _scope_measures(
    database: Database, actor: Actor, period: Period, compare: Period, as_of: date, compare_as_of: date
) -> tuple[Measured, Measured]:
    """The measures of both periods over every commune and group ``actor`` sees."""
    codes = [c.code for c in scope_of(actor, None)[1]]
    groups = groups_of(actor, None, codes)
    # restricted groups where the actor may not see them, sexual offences of protected communes; drug
    # cells are hidden, not left out (see compstat)
    left_out = exclusions(actor, Disclosure(actor).protected(codes), drugs=False)
    with database.transaction(write=False) as session:
        now = measures_by_unit_and_group(
            session, period.start, period.end, as_of, units=codes, groups=groups, exclude=left_out
        )
        before = measures_by_unit_and_group(
            session, compare.start, compare.end, compare_as_of, units=codes, groups=groups, exclude=left_out
        )
    return now, before


# --- the one clearance rate (issue 16): Resolution 96/2019/QH14 -------------------------------------------

CLEARANCE_GROUP = "social_order"
CLEARANCE_DEFINITION_VI = (
    "Tỷ lệ điều tra, khám phá theo Nghị quyết 96/2019/QH14: số vụ phạm tội về trật tự xã hội xảy ra trong kỳ "
    "đã điều tra làm rõ đến ngày lấy số liệu, chia cho số vụ phạm tội về trật tự xã hội xảy ra trong kỳ; án "
    "rất nghiêm trọng, đặc biệt nghiêm trọng tính tương tự. Các nhóm tội phạm khác (kinh tế, tham nhũng, môi "
    "trường, công nghệ cao, ma túy…) phần lớn do lực lượng Công an chủ động phát hiện nên chỉ nêu số vụ phát "
    "hiện, số đối tượng bắt giữ, không tính tỷ lệ."
)
CLEARANCE_DEFINITION_EN = (
    "Clearance rate as in Resolution 96/2019/QH14: social-order crimes that occurred in the period and were "
    "cleared by the data date, over the social-order crimes that occurred in the period; likewise for very "
    "serious and especially serious cases. The other groups (economic, corruption, environmental, high-tech, "
    "drug crime…) are mostly found by the police themselves: they are stated as cases found and suspects "
    "arrested, without a rate."
)


@dataclass(frozen=True)
class Clearance:
    """The headline clearance: social-order crime only (Resolution 96/2019/QH14), and its very serious and
    especially serious cases, as of the result's dates (the comparison period at the same lag)."""

    current: Measures
    previous: Measures
    as_of: date
    compare_as_of: date

    @property
    def rate(self) -> float | None:
        return clearance_rate(self.current.cleared, self.current.incidents)

    @property
    def previous_rate(self) -> float | None:
        return clearance_rate(self.previous.cleared, self.previous.incidents)

    @property
    def grave_rate(self) -> float | None:
        return clearance_rate(self.current.grave_cleared, self.current.grave)

    @property
    def previous_grave_rate(self) -> float | None:
        return clearance_rate(self.previous.grave_cleared, self.previous.grave)


def clearance(result: CompstatResult, unit_code: str | None = None) -> Clearance | None:
    """The one clearance rate every surface states (CompStat page and API, report, annexes): of the
    social-order group of ``result`` — of the commune ``unit_code``, or of the whole scope — or ``None``
    when the result does not count that group (another group was asked for, or a by-unit result of all
    groups, whose rows mix the groups)."""
    if CLEARANCE_GROUP not in result.groups:
        return None
    if result.by is By.UNIT:
        if result.groups != [CLEARANCE_GROUP]:
            return None
        changes = [r.change for r in result.rows if unit_code is None or r.unit.code == unit_code]
        found = result.totals if unit_code is None else total(changes)
    else:
        found = total(
            r.change
            for r in result.rows
            if r.group == CLEARANCE_GROUP and (unit_code is None or r.unit.code == unit_code)
        )
    return Clearance(found.current, found.previous, result.as_of, result.compare_as_of)


def clearance_document(c: Clearance | None) -> dict[str, object] | None:
    """:class:`Clearance` as JSON (rates in percent, one decimal), with the definition it follows."""
    if c is None:
        return None

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "group": CLEARANCE_GROUP,
        "occurred": c.current.incidents,
        "cleared": c.current.cleared,
        "rate": pct(c.rate),
        "previous_occurred": c.previous.incidents,
        "previous_cleared": c.previous.cleared,
        "previous_rate": pct(c.previous_rate),
        "grave": c.current.grave,
        "grave_cleared": c.current.grave_cleared,
        "grave_rate": pct(c.grave_rate),
        "definition_vi": CLEARANCE_DEFINITION_VI,
        "definition_en": CLEARANCE_DEFINITION_EN,
    }


def result_document(result: CompstatResult) -> dict[str, Any]:
    """The JSON form shared by the CLI and the API, as the actor of :func:`compstat` may see it: hidden
    figures are ``null``, named in ``suppressed_fields`` (and ``withheld_fields`` when hidden whatever
    their value); ``excluded_units`` are the communes whose drug and sexual-offence incidents are left out
    of every figure but the drug group's own."""

    def figures(c: Change) -> dict[str, object]:
        return {
            "current": c.current.incidents,
            "previous": c.previous.incidents,
            "change": c.change,
            "pct_change": None if c.pct_change is None else round(c.pct_change, 1),
            "small_base": c.small_base,
            "z": round(c.z, 2),
            "signal": c.signal,
            "approximate": c.approximate,
            "approximate_share": round(c.approximate_share, 4),
            "clearance_rate": None if c.clearance is None else round(c.clearance, 1),
            "previous_clearance_rate": None
            if c.previous_clearance is None
            else round(c.previous_clearance, 1),
            "grave": c.current.grave,
            "grave_clearance_rate": None if c.grave_clearance is None else round(c.grave_clearance, 1),
            "suspects": c.current.suspects,
            "organised_group": c.current.organised_group,
        }

    return {
        "period": {
            "key": result.period.key,
            "from": result.period.start.isoformat(),
            "to": result.period.end.isoformat(),
            "label_vi": result.period.label_vi(),
        },
        "compare": {
            "key": result.compare.key,
            "from": result.compare.start.isoformat(),
            "to": result.compare.end.isoformat(),
            "how": result.comparison.value,
        },
        "as_of": result.as_of.isoformat(),
        "unit": {"code": result.scope.code, "name": result.scope.name},
        "groups": result.groups,
        "by": result.by.value,
        "rows": [
            {
                "unit_code": r.unit.code,
                "unit_name": r.unit.name,
                "group": r.group,
                **masked(figures(r.change), r.hidden),
            }
            for r in result.rows
        ],
        "totals": masked(figures(result.totals), result.totals_hidden),
        "clearance": clearance_document(clearance(result)),
        "excluded_units": sorted(result.excluded),
        "contributors": [
            {
                "unit_code": c.key,
                "unit_name": unit_catalog().get(unit_catalog().current.code, c.key).name,
                "change": c.change,
                "share": None if c.share is None else round(c.share, 3),
                "suppressed": False,
            }
            for c in result.contributors
        ],
    }
