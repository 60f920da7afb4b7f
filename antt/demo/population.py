"""Synthetic resident population of the demo city's 114 communes (Dữ liệu mô phỏng).

Everything here is **synthetic** ("Dữ liệu mô phỏng"): no commune's real population is used. The totals
are calibrated to the published rounded figures (REFERENCE §4.2 and §8): the merged Hải Phòng has about
4.1 million residents in 2025, the former Hải Phòng city (the 50 communes whose GeoJSON property
``origin_province_code`` is ``31``) about 2.4 million, so the 64 communes from former Hải Dương (``30``)
share about 1.7 million.

Inside each origin group a commune's share is its area times a density: rural communes (xã) get a flat
density, wards (phường) a higher one that grows as the ward gets smaller (central wards are small and
dense), each times a log-normal noise (σ = 0.15) drawn from the caller's generator. The two special zones are set
apart: Bạch Long Vĩ ≈ 1,000 residents, Cát Hải 35,000–45,000. The group totals are met exactly (largest
remainder rounding), so ``sum(commune_population(rng).values()) == 4_100_000``.

The population dictionary holds the **reference year 2025**; :func:`population_in_year` moves it to
another year with a uniform growth of 0.8 % a year (a plausible rate for the delta; deterministic, no
random draw), and :func:`write_population` writes that series.

File ``population.csv`` (UTF-8, header row, ``\\n`` line ends, rows sorted by unit_code then year):

=========== =========================================================================
unit_code   5-digit commune code of scheme ``2025-07`` (QĐ 19/2025/QĐ-TTg)
year        calendar year
population  residents (integer), synthetic
=========== =========================================================================
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from antt.domain.reference import commune_boundaries, unit_catalog
from antt.domain.units import Level, Unit

SCHEME = "2025-07"
CITY_CODE = "31"
REFERENCE_YEAR = 2025
ANNUAL_GROWTH = 0.008

# Published rounded totals (REFERENCE §4.2 / §8), residents in 2025.
TOTAL_POPULATION = 4_100_000
ORIGIN_TOTALS = {"31": 2_400_000, "30": 1_700_000}

BACH_LONG_VI = "11948"
CAT_HAI = "11914"

# Relative densities (up to a common factor fixed by the group total): a rural commune has density 1;
# a ward of area A km² has b + 6·(8/A)² with b = 1.6 in former Hải Phòng, so a 5.6 km² central ward is
# about 14 times as dense as the countryside and a 40 km² suburban ward about twice. Former Hải Dương's
# large wards (Chí Linh, Kinh Môn) are hilly and half rural, so there b = 1.
_WARD_BASE_DENSITY = {"31": 1.6, "30": 1.0}
_WARD_CORE_DENSITY = 6.0
_WARD_CORE_AREA = 8.0
_NOISE_SIGMA = 0.15


def current_communes() -> list[Unit]:
    """The 114 communes of scheme ``2025-07``, in the catalogue's order."""
    return unit_catalog().in_scheme(SCHEME, Level.COMMUNE)


def commune_origins() -> dict[str, str]:
    """Commune code → ``origin_province_code`` ('31' former Hải Phòng, '30' former Hải Dương)."""
    features = commune_boundaries()["features"]
    assert isinstance(features, list)
    return {str(f["properties"]["code"]): str(f["properties"]["origin_province_code"]) for f in features}


def commune_population(rng: np.random.Generator, scale: float = 1.0) -> dict[str, int]:
    """Synthetic residents per current commune (code → people) in 2025, totalling 4.1 million × ``scale``."""
    origins = commune_origins()
    communes = sorted(current_communes(), key=lambda u: u.code)
    missing = [u.code for u in communes if u.code not in origins]
    if missing:
        raise ValueError(f"communes without origin_province_code in the boundaries: {missing}")

    result: dict[str, int] = {
        BACH_LONG_VI: round(int(rng.integers(900, 1101)) * scale),
        CAT_HAI: round(int(rng.integers(35_000, 45_001)) * scale),
    }
    noise = rng.lognormal(0.0, _NOISE_SIGMA, size=len(communes))
    for origin, total in sorted(ORIGIN_TOTALS.items()):
        group = [(u, n) for u, n in zip(communes, noise, strict=True) if origins[u.code] == origin]
        fixed = sum(result[u.code] for u, _ in group if u.code in result)
        free = [(u, n) for u, n in group if u.code not in result]
        weights = np.array([_weight(u, origin) * n for u, n in free])
        shares = _largest_remainder(weights, round(total * scale) - fixed)
        result.update({u.code: int(s) for (u, _), s in zip(free, shares, strict=True)})
    return dict(sorted(result.items()))


def _weight(unit: Unit, origin: str) -> float:
    area = unit.area_km2 or 1.0
    if unit.kind == "ward":
        return area * (_WARD_BASE_DENSITY[origin] + _WARD_CORE_DENSITY * (_WARD_CORE_AREA / area) ** 2)
    return area


def _largest_remainder(weights: np.ndarray, total: int) -> list[int]:
    """Integers proportional to ``weights`` that add up to ``total`` exactly."""
    exact = weights / weights.sum() * total
    floors = np.floor(exact).astype(int)
    short = total - int(floors.sum())
    order = np.argsort(-(exact - floors), kind="stable")
    floors[order[:short]] += 1
    return [int(x) for x in floors]


def population_in_year(population: dict[str, int], year: int) -> dict[str, int]:
    """The 2025 population moved to ``year`` with 0.8 % growth a year (deterministic)."""
    factor = (1.0 + ANNUAL_GROWTH) ** (year - REFERENCE_YEAR)
    return {code: round(people * factor) for code, people in sorted(population.items())}


def write_population(path: Path, population: dict[str, int], year_from: int, year_to: int) -> None:
    """Write ``population.csv``: one row per commune per year from ``year_from`` to ``year_to``."""
    if year_to < year_from:
        raise ValueError(f"year_to {year_to} is before year_from {year_from}")
    by_year = {y: population_in_year(population, y) for y in range(year_from, year_to + 1)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["unit_code", "year", "population"])
        for code in sorted(population):
            for year in range(year_from, year_to + 1):
                writer.writerow([code, year, by_year[year][code]])
