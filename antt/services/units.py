"""Listing administrative units, converting old units across the 2025 reorganisation, and a commune's
profile: its parent, area, population, neighbours and the units it was formed from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from antt.domain.access import Actor
from antt.domain.periods import today_local
from antt.domain.reference import unit_catalog
from antt.domain.text import sort_key
from antt.domain.units import Conversion, Level, Unit
from antt.errors import NotFound
from antt.services.compstat import scope_of
from antt.services.geo import neighbours
from antt.storage.engine import Database
from antt.storage.indicators import indicator_series

POPULATION = "population"  # the indicator holding residents per commune (antt import indicators)


@dataclass(frozen=True)
class Population:
    value: float  # residents
    period: str  # the indicator period it was measured for, e.g. year:2026


@dataclass(frozen=True)
class UnitProfile:
    unit: Unit  # a commune of the current scheme
    parent: Unit | None  # the city (the current scheme has no district level)
    area_km2: float | None
    population: Population | None  # None when no population value has been imported for it
    neighbours: list[Unit]  # communes sharing a border, in Vietnamese order of their short names
    predecessors: list[Conversion]  # the older units it was formed from: .old, .transfer (whole/part)


@dataclass(frozen=True)
class ConversionResult:
    code: str
    day: date
    scheme: str
    unit: Unit
    conversions: list[Conversion]

    @property
    def is_current(self) -> bool:
        return self.scheme == unit_catalog().current.code


def list_units(actor: Actor, scheme: str | None = None, level: Level | None = None) -> list[Unit]:
    catalog = unit_catalog()
    code = scheme or catalog.current.code
    catalog.scheme(code)  # raises NotFound for an unknown scheme
    units = catalog.in_scheme(code, level)
    if actor.units is not None:
        units = [u for u in units if u.key in actor.units]
    return units


def convert_unit(actor: Actor, code: str, day: date) -> ConversionResult:
    """Which unit ``code`` meant on ``day``, and which unit(s) of the current scheme it became."""
    catalog = unit_catalog()
    scheme = catalog.scheme_on(day)
    unit = catalog.find(scheme.code, code)
    if unit is None:
        known = ", ".join(s.code for s in catalog.schemes_with_code(code)) or "—"
        raise NotFound(
            f"Không có đơn vị mã {code} hiệu lực ngày {day:%d/%m/%Y} (hệ {scheme.code}; mã có trong: {known}).",
            f"No unit with code {code} in force on {day:%d/%m/%Y} (scheme {scheme.code}; code found in: {known}).",
        )
    return ConversionResult(code, day, scheme.code, unit, catalog.convert(unit))


def unit_profile(database: Database, actor: Actor, code: str, *, as_of: date | None = None) -> UnitProfile:
    """The commune ``code`` of the current scheme as its page shows it; population as of ``as_of``
    (default today, see :func:`populations`). A commune outside the actor's scope — or the city, or any
    code that is not a current commune — is not found.

    Neighbours are reference geography, not case data: they are listed whatever the actor's scope (a
    page links only those it may open). Predecessors are the crosswalk links into the commune.
    """
    unit, communes = scope_of(actor, code)
    if unit.level is not Level.COMMUNE:
        raise NotFound(f"Không có xã/phường mã {code}.", f"No commune with code {code}.")
    catalog = unit_catalog()
    found = _populations(database, communes, as_of or today_local())
    adjacent = [catalog.get(unit.scheme, c) for c in neighbours(unit.scheme).get(unit.code, ())]
    predecessors = [
        Conversion(catalog.get(link.old_scheme, link.old_code), unit, link.transfer)
        for link in catalog.links
        if (link.new_scheme, link.new_code) == unit.key
    ]
    return UnitProfile(
        unit=unit,
        parent=None if unit.parent_code is None else catalog.find(unit.scheme, unit.parent_code),
        area_km2=unit.area_km2,
        population=found.get(unit.code),
        neighbours=sorted(adjacent, key=lambda u: (sort_key(u.short_name), u.code)),
        predecessors=sorted(
            predecessors, key=lambda c: (c.old.scheme, c.old.level != Level.DISTRICT, c.old.code)
        ),
    )


def populations(database: Database, actor: Actor, as_of: date) -> dict[str, float]:
    """Residents per commune code (current scheme) in the actor's scope, for rates per 10,000 residents.

    A commune's population is the imported ``population`` value of the latest period that has begun
    by ``as_of`` (a year's figure counts from 1 January); communes without one are absent.
    """
    _, communes = scope_of(actor, None)
    return {code: p.value for code, p in _populations(database, communes, as_of).items()}


def _populations(database: Database, communes: list[Unit], as_of: date) -> dict[str, Population]:
    if not communes:
        return {}
    with database.transaction(write=False) as session:
        values = indicator_series(session, POPULATION, unit_keys=[c.key for c in communes])
    latest: dict[str, tuple[date, Population]] = {}
    for code, period, start, end, value in values:  # by unit, then period end
        if start <= as_of and (code not in latest or end >= latest[code][0]):
            latest[code] = (end, Population(value, period))
    return {code: p for code, (_, p) in latest.items()}
