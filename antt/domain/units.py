"""Administrative units: dated schemes, the units in each, and the crosswalk between schemes.

A unit is identified by ``(scheme, code)`` and never by code alone: in the 1 July 2025 reorganisation 113
of Hải Phòng's 114 new communes took the code of one of their predecessors, so ``10507`` is Phường Cẩm
Thượng in scheme ``2025-01`` and Phường Thành Đông in ``2025-07`` (REFERENCE §4.3, pitfall 1).

The crosswalk maps each old unit to the new unit(s) it went into: ``whole`` when all of it went into one
new unit, ``part`` when it was split; a statistic carried across a ``part`` link is approximate unless
coordinates decide. For 14 of Hải Phòng's split communes the conversion table also says which successor
received the whole population ("Nhập một phần diện tích, toàn bộ dân số"; the others got land only): an
incident without coordinates goes there (REFERENCE, "A split commune's cases …").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from antt.domain.text import fold, sort_key
from antt.errors import NotFound


class Level(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class Transfer(StrEnum):
    WHOLE = "whole"
    PART = "part"


KIND_LABELS_VI = {
    "city": "thành phố trực thuộc Trung ương",
    "province": "tỉnh",
    "provincial_city": "thành phố thuộc tỉnh",
    "town": "thị xã",
    "urban_district": "quận",
    "rural_district": "huyện",
    "ward": "phường",
    "commune": "xã",
    "township": "thị trấn",
    "special_zone": "đặc khu",
}


@dataclass(frozen=True, slots=True)
class Scheme:
    code: str
    name_vi: str
    name_en: str
    valid_from: date
    valid_to: date | None
    source: str

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Unit:
    scheme: str
    code: str
    name: str
    short_name: str
    kind: str
    level: Level
    parent_code: str | None
    area_km2: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.scheme, self.code)


@dataclass(frozen=True, slots=True)
class CrosswalkLink:
    old_scheme: str
    old_code: str
    new_scheme: str
    new_code: str
    transfer: Transfer
    note_vi: str = ""
    # the table's remark "toàn bộ dân số": every resident of the old unit went to this new unit
    whole_population: bool = False


@dataclass(frozen=True, slots=True)
class Conversion:
    """Where an old unit went: one line per new unit, with how much of it went there."""

    old: Unit
    new: Unit
    transfer: Transfer


@dataclass
class UnitCatalog:
    """All schemes, units and crosswalk links, with the look-ups every layer needs."""

    schemes: list[Scheme]
    units: list[Unit]
    links: list[CrosswalkLink]
    _by_key: dict[tuple[str, str], Unit] = field(init=False, repr=False)
    _links_from: dict[tuple[str, str], list[CrosswalkLink]] = field(init=False, repr=False)
    _report_targets: dict[tuple[str, str, str], tuple[list[str], str]] = field(init=False, repr=False)
    _in_scheme: dict[tuple[str, Level | None], tuple[Unit, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.schemes = sorted(self.schemes, key=lambda s: s.valid_from)
        self._by_key = {u.key: u for u in self.units}
        self._in_scheme = {}
        self._links_from = {}
        self._report_targets = {}
        for link in self.links:
            self._links_from.setdefault((link.old_scheme, link.old_code), []).append(link)

    # --- schemes -------------------------------------------------------------------------------------
    def scheme(self, code: str) -> Scheme:
        for s in self.schemes:
            if s.code == code:
                return s
        raise NotFound(f"Không có hệ đơn vị hành chính '{code}'.", f"No unit scheme '{code}'.")

    @property
    def current(self) -> Scheme:
        """The newest scheme: the one every statistic is reported in by default."""
        return self.schemes[-1]

    def scheme_on(self, day: date) -> Scheme:
        """The scheme in force on ``day``; days before the earliest shipped scheme fall back to it.

        ANTT ships no commune list for 2020–2024 (see antt/data/README.md); NSO codes of communes that
        survived into 2025 are unchanged, so the 1 Jan 2025 list is the closest official list for older
        dates. :meth:`is_fallback` tells callers to flag such rows.
        """
        for s in reversed(self.schemes):
            if s.in_force_on(day):
                return s
        return self.schemes[0]

    def is_fallback(self, day: date) -> bool:
        return day < self.schemes[0].valid_from

    # --- units ---------------------------------------------------------------------------------------
    def get(self, scheme: str, code: str) -> Unit:
        unit = self._by_key.get((scheme, code))
        if unit is None:
            raise NotFound(
                f"Không có đơn vị mã {code} trong hệ {scheme}.",
                f"No unit with code {code} in scheme {scheme}.",
            )
        return unit

    def find(self, scheme: str, code: str) -> Unit | None:
        return self._by_key.get((scheme, code))

    def in_scheme(self, scheme: str, level: Level | None = None) -> list[Unit]:
        """Units of a scheme, by level then in Vietnamese alphabetical order of their short names (sorted
        once: every CompStat view asks, several times)."""
        known = self._in_scheme.get((scheme, level))
        if known is None:
            found = [u for u in self.units if u.scheme == scheme and (level is None or u.level is level)]
            order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
            known = tuple(sorted(found, key=lambda u: (order[u.level], sort_key(u.short_name), u.code)))
            self._in_scheme[(scheme, level)] = known
        return list(known)

    def children(self, scheme: str, parent_code: str) -> list[Unit]:
        return [u for u in self.in_scheme(scheme) if u.parent_code == parent_code]

    def schemes_with_code(self, code: str) -> list[Scheme]:
        return [s for s in self.schemes if (s.code, code) in self._by_key]

    def search(self, scheme: str, name: str) -> list[Unit]:
        """Units whose name or short name matches ``name`` ignoring case, diacritics and tone placement."""
        key = fold(name)
        return [u for u in self.in_scheme(scheme) if key in (fold(u.name), fold(u.short_name))]

    # --- crosswalk -----------------------------------------------------------------------------------
    def links_from(self, scheme: str, code: str) -> list[CrosswalkLink]:
        return list(self._links_from.get((scheme, code), []))

    def convert(self, unit: Unit, to_scheme: str | None = None) -> list[Conversion]:
        """The units of ``to_scheme`` (default: the current one) that ``unit`` became.

        A district of an old scheme converts through its communes. Chains of schemes are followed; a
        conversion is ``part`` as soon as any link on its path is ``part``, or when a district's
        communes went to several new units.
        """
        target = to_scheme or self.current.code
        if unit.scheme == target:
            return [Conversion(unit, unit, Transfer.WHOLE)]
        if unit.level is Level.DISTRICT:
            return self._convert_district(unit, target)
        results: dict[tuple[str, str], Transfer] = {}
        for link in self.links_from(unit.scheme, unit.code):
            nxt = self.get(link.new_scheme, link.new_code)
            for c in self.convert(nxt, target):
                worst = Transfer.PART if Transfer.PART in (link.transfer, c.transfer) else Transfer.WHOLE
                previous = results.get(c.new.key)
                results[c.new.key] = Transfer.PART if previous is Transfer.PART else worst
        return [Conversion(unit, self._by_key[k], t) for k, t in sorted(results.items())]

    def report_unit(
        self, unit: Unit, located: str | None = None, scheme: str | None = None
    ) -> tuple[str, bool]:
        """The unit of ``scheme`` (default: current) that an incident recorded in ``unit`` counts in.

        Returns ``(code, approximate)``. One successor: exact (a ``part`` link whose other parts left the
        city still has only one place to go). Several successors: the coordinates decide when they fall
        in one of them (``located``); otherwise the incident goes to :meth:`default_successor` and is
        flagged approximate — totals are conserved either way.
        """
        target = scheme or self.current.code
        key = (unit.scheme, unit.code, target)
        found = self._report_targets.get(key)
        if found is None:
            targets = [c.new.code for c in self.convert(unit, target)]
            default = targets[0] if len(targets) == 1 else self.default_successor(unit, targets, target)
            found = self._report_targets[key] = (targets, default)
        targets, default = found
        if len(targets) == 1:
            return targets[0], False
        if located is not None and located in targets:
            return located, False
        return default, True

    def default_successor(self, unit: Unit, targets: list[str], scheme: str) -> str:
        """Of the ``targets`` (codes in ``scheme``) a split ``unit`` went to, where its cases go without a point.

        Where the cases of a split commune happened is unknown without coordinates, but its residents are
        where the conversion table says they went: the successor that received the whole population
        ("toàn bộ dân số") gets them — for 7 of those 14 communes that is not the one that kept the code
        (old Thị trấn Trường Sơn 11656 → An Lão 11629, not Phù Liễn 11446). Where the table says nothing
        about the population the rule is a convention: the successor that kept the old code, else the
        lowest code.
        """
        people = [link for link in self.links_from(unit.scheme, unit.code) if link.whole_population]
        if len(people) == 1:
            nxt = self.get(people[0].new_scheme, people[0].new_code)
            code = nxt.code if nxt.scheme == scheme else self.report_unit(nxt, None, scheme)[0]
            if code in targets:
                return code
        return unit.code if unit.code in targets else targets[0]

    def _convert_district(self, district: Unit, target: str) -> list[Conversion]:
        links = self.links_from(district.scheme, district.code)
        if links:  # a district that became a unit of its own (Bạch Long Vĩ → đặc khu)
            return [
                Conversion(district, self.get(link.new_scheme, link.new_code), link.transfer)
                for link in links
            ]
        targets: set[tuple[str, str]] = set()
        all_whole = True
        for commune in self.children(district.scheme, district.code):
            for c in self.convert(commune, target):
                targets.add(c.new.key)
                all_whole = all_whole and c.transfer is Transfer.WHOLE
        transfer = Transfer.WHOLE if len(targets) == 1 and all_whole else Transfer.PART
        return [Conversion(district, self._by_key[k], transfer) for k in sorted(targets)]

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)


def build_catalog(
    schemes: Iterable[Scheme], units: Iterable[Unit], links: Iterable[CrosswalkLink]
) -> UnitCatalog:
    return UnitCatalog(list(schemes), list(units), list(links))
