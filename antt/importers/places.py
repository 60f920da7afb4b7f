"""Where an incident happened: its unit code on the day, its coordinates, and the unit of each point.

Rules (``../shared/formats/incidents.md``): a ``unit_code`` must exist in the scheme in force on the day
(``unit.unknown``; an old commune code after 1 July 2025 is ``unit.old_code`` and names the new units; a
district code is accepted only before then); coordinates must be numbers (``coords.invalid``) in a
supported reference system (``coords.crs``) and fall inside the city (``coords.outside``) — a point just
off the coast goes to the nearest unit (``coords.nearest``, a warning); a code and a point that disagree
keep the code (``coords.mismatch``, a warning). Every incident also counts in one unit of the current
scheme, carried through the crosswalk (approximate when a split unit's point does not decide).

Points are located per chunk (vectorised point-in-polygon); every other outcome depends on a few distinct
values and is remembered when valid.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Protocol

from antt.domain.incidents import LocationFlag
from antt.domain.units import Level, UnitCatalog
from antt.errors import Severity
from antt.importers.cells import number, remember
from antt.importers.geo import LocationFlag as GeoFlag
from antt.importers.geo import UnitLocator, to_wgs84

REORGANISATION = date(2025, 7, 1)

UnitKey = tuple[str, str]  # (scheme, code)
Located = tuple[str | None, GeoFlag | None, float]  # (unit code, how it was found, distance in metres)


class IssueSink(Protocol):
    """Where a rule reports what it found: the validator's ``_issue``."""

    def __call__(
        self,
        rule: str,
        row: int,
        column: str | None,
        value: object = None,
        severity: Severity = Severity.ERROR,
        **params: object,
    ) -> None: ...


class Places:
    def __init__(self, units: UnitCatalog, locator: UnitLocator, issue: IssueSink) -> None:
        self.units = units
        self.locator = locator
        self._issue = issue
        self.current = units.current.code
        self._snap_m = int(locator.max_snap_m)
        self._valid_codes: dict[tuple[object, str, bool], UnitKey] = {}
        self._report_units: dict[tuple[UnitKey, str | None], tuple[str, bool]] = {}
        self._agreements: dict[tuple[UnitKey, str], bool] = {}

    # --- per row ------------------------------------------------------------------------------------
    def unit_code(self, row: int, raw: object, on: date, scheme: str) -> UnitKey | None:
        """The unit of a ``unit_code`` cell on the day it occurred (``scheme``: the one in force then)."""
        after_reorganisation = on >= REORGANISATION
        # a workbook cell may be a number: 11311, 11311.0 and True are remembered apart from the text
        key = (raw if raw.__class__ is str else (raw.__class__, raw), scheme, after_reorganisation)
        unit = self._valid_codes.get(key)
        if unit is None:
            unit = self._check_unit_code(row, raw, on)
            if unit is not None:
                remember(self._valid_codes, key, unit)
        return unit

    def _check_unit_code(self, row: int, raw: object, on: date) -> UnitKey | None:
        code = str(int(raw)) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else str(raw)
        if code.isdigit() and len(code) < 5 and len(code) != 3:
            code = code.zfill(5)
        scheme = self.units.scheme_on(on)
        unit = self.units.find(scheme.code, code)
        if unit is not None and unit.level is Level.DISTRICT and on >= REORGANISATION:
            self._issue("unit.district_after_reorganisation", row, "unit_code", raw)
            return None
        if unit is None or unit.level is Level.PROVINCE:
            older = [s for s in self.units.schemes_with_code(code) if s.valid_from < scheme.valid_from]
            old_unit = self.units.get(older[-1].code, code) if older else None
            if old_unit is not None and old_unit.level is Level.DISTRICT and on >= REORGANISATION:
                self._issue("unit.district_after_reorganisation", row, "unit_code", raw)
            elif old_unit is not None and on >= REORGANISATION:
                targets = ", ".join(
                    f"{c.new.code} {c.new.name} ({c.transfer.value})"
                    for c in self.units.convert(old_unit, scheme.code)
                )
                self._issue("unit.old_code", row, "unit_code", raw, targets=targets)
            else:
                self._issue("unit.unknown", row, "unit_code", raw, day=f"{on:%d/%m/%Y}", scheme=scheme.code)
            return None
        return unit.key

    def coordinates(
        self, row: int, lat_raw: object, lon_raw: object, x_raw: object, y_raw: object, crs: object
    ) -> tuple[float | None, float | None]:
        """(lon, lat) in WGS84 of a row with some coordinate cell filled; (None, None) if they are invalid."""
        if lat_raw is not None or lon_raw is not None:
            lat, lon = number(lat_raw), number(lon_raw)
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self._issue("coords.invalid", row, "lat" if lat is None else "lon", f"{lat_raw}, {lon_raw}")
                return None, None
            return lon, lat
        x, y = number(x_raw), number(y_raw)
        if x is None or y is None or crs is None:
            self._issue("coords.invalid", row, "x", f"{x_raw}, {y_raw}, {crs}")
            return None, None
        try:
            lons, lats = to_wgs84([x], [y], str(crs).strip())
        except Exception:
            self._issue("coords.crs", row, "crs", crs)
            return None, None
        lon, lat = float(lons[0]), float(lats[0])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            self._issue("coords.invalid", row, "x", f"{x_raw}, {y_raw}, {crs}")
            return None, None
        return lon, lat

    # --- per chunk ----------------------------------------------------------------------------------
    def locate(self, points: list[tuple[int, float, float]]) -> dict[int, Located]:
        """Where each (row, lon, lat) of a chunk falls, by row."""
        if not points:
            return {}
        found = self.locator.locate([p[1] for p in points], [p[2] for p in points])
        return {
            row: (found.codes[i], found.flags[i], found.distances_m[i])
            for i, (row, _, _) in enumerate(points)
        }

    def settle_point(
        self, row: int, unit: UnitKey | None, lon: float, lat: float, found: Located
    ) -> tuple[UnitKey, LocationFlag, str | None] | None:
        """(unit, flag, the point's unit if it agrees) of a row with coordinates; None if it is outside."""
        code, geo_flag, distance = found
        if geo_flag is GeoFlag.OUTSIDE or code is None:
            self._issue("coords.outside", row, "lat", f"{lat}, {lon}", limit=self._snap_m)
            return None
        if unit is None:
            if geo_flag is GeoFlag.NEAREST:
                self._issue(
                    "coords.nearest",
                    row,
                    "lat",
                    f"{lat}, {lon}",
                    Severity.WARNING,
                    code=code,
                    distance=round(distance),
                )
                return (self.current, code), LocationFlag.NEAREST, None
            return (self.current, code), LocationFlag.POINT, None
        if self._agrees(unit, code):
            return unit, LocationFlag.MATCH, code
        self._issue("coords.mismatch", row, "unit_code", unit[1], Severity.WARNING, located=code)
        return unit, LocationFlag.MISMATCH, None

    def report_unit(self, unit: UnitKey, point_code: str | None) -> tuple[str, bool]:
        """The unit of the current scheme the incident counts in, and whether that is approximate."""
        key = (unit, point_code)
        found = self._report_units.get(key)
        if found is None:
            if unit[0] == self.current:
                found = (unit[1], False)
            else:
                found = self.units.report_unit(self.units.get(*unit), point_code)
            remember(self._report_units, key, found)
        return found

    def _agrees(self, unit: UnitKey, located_code: str) -> bool:
        key = (unit, located_code)
        agrees = self._agreements.get(key)
        if agrees is None:
            if unit[0] == self.current:
                agrees = unit[1] == located_code
            else:
                old = self.units.get(*unit)
                agrees = any(c.new.code == located_code for c in self.units.convert(old))
            remember(self._agreements, key, agrees)
        return agrees
