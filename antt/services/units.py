"""Listing administrative units and converting old units across the 2025 reorganisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from antt.domain.access import Actor
from antt.domain.reference import unit_catalog
from antt.domain.units import Conversion, Level, Unit
from antt.errors import NotFound


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
