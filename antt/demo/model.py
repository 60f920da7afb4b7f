"""The synthetic city's crime model: where, when and how much, with the truth recorded.

Calibration (REFERENCE §8): social-order crime of the merged city was 603 cases in H1 2025 (≈ 1,200 a
year), clearance ≈ 74 % (H1 2025) within the 74–85 % range of published years, very serious and especially
serious cases 93.75 % (75/80). Other groups are scaled to plausible shares of that volume (drugs about
half of social order, as Hải Phòng's drug work suggests; the rest small). Nothing here is real data.

Intensity of group ``g`` in commune ``c`` on day ``d`` (expected incidents):

    λ[c, g, d] = base[g] · share[c] · hot[c] · trend[c, d] · season(d) · weekday(d)

``share`` follows the commune's population, ``hot`` makes central, industrial and port wards busier
(persistent hotspots) and a few communes become busier from 2025 (emerging hotspots), ``trend`` declines
≈ 5 % a year city-wide (toward the reduction targets) except in the rising communes, ``season`` peaks in the
weeks around Tết. Self-exciting bursts (near repeats) are added on top by :mod:`antt.demo.incidents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

GROUP_RATES: dict[str, float] = {  # incidents a year city-wide in 2021, at scale 1
    "social_order": 1400.0,
    "drugs": 620.0,
    "economic": 95.0,
    "smuggling": 70.0,
    "corruption": 22.0,
    "environment": 45.0,
    "cyber": 55.0,
    "traffic": 150.0,
    "other": 25.0,
}
TREND_PER_YEAR = 0.95  # city-wide decline 5 %/yr: the MPS steering of 3–5 %/yr (REFERENCE §2)
RISING_PER_YEAR = 1.22  # the communes made to rise against the trend, from RISING_FROM
RISING_FROM = date(2025, 1, 1)
# ... and the rise opens with a month-long wave of social-order crime: this many extra incidents a week in each
# rising commune (≈ 0.3 a week before it) for RISING_WAVE_WEEKS weeks from RISING_FROM — the step an
# early warning must catch within weeks (the slow growth alone adds ≈ 0.05 case in four weeks, which nothing
# can see). ≈ 48 incidents in all: the first half of 2025 stays at the published scale (REFERENCE §8)
RISING_WAVE_PER_WEEK = 4.0
RISING_WAVE_WEEKS = 4
TET = [
    date(2021, 2, 12),
    date(2022, 2, 1),
    date(2023, 1, 22),
    date(2024, 2, 10),
    date(2025, 1, 29),
    date(2026, 2, 17),
    date(2027, 2, 6),
]

# Persistent hotspots: central wards, industrial-zone wards and ports (multipliers on the population share).
PERSISTENT_HOTSPOTS: dict[str, float] = {
    "11311": 2.6,  # Phường Hồng Bàng — old city centre, markets
    "11329": 2.4,  # Phường Ngô Quyền — centre
    "11383": 2.4,  # Phường Lê Chân — centre, Chợ Sắt area
    "11359": 1.8,  # Phường Gia Viên
    "11407": 1.8,  # Phường An Biên
    "11411": 2.0,  # Phường Đông Hải — Đình Vũ port
    "11413": 1.9,  # Phường Hải An — port, airport
    "11593": 2.2,  # Phường An Phong — industrial zone, boarding houses (REFERENCE §8 drug screening)
    "11581": 1.7,  # Phường An Dương — industrial zones
    "11542": 1.6,  # Phường Nam Triệu — shipyards, VSIP
    "10525": 2.2,  # Phường Hải Dương — old Hải Dương city centre
    "10507": 1.8,  # Phường Thành Đông
    "10546": 1.5,  # Phường Chí Linh
}
# Emerging hotspots: made to rise against the city-wide trend from RISING_FROM (ground truth for alerts).
RISING_COMMUNES: tuple[str, ...] = ("11560", "11455", "10552")  # Thủy Nguyên, Đồ Sơn, Nguyễn Trãi (Chí Linh)


@dataclass(frozen=True)
class Hotspot:
    """A place within a commune where a share of its incidents happen (a market, a port gate)."""

    unit_code: str
    lon: float
    lat: float
    share: float  # share of the commune's incidents drawn near this point
    sigma_m: float


@dataclass(frozen=True)
class CityModel:
    codes: list[str]  # current (2025-07) commune codes
    days: list[date]
    shares: np.ndarray  # [commune] population share
    hot: np.ndarray  # [commune] persistent multiplier
    trend: np.ndarray  # [commune, day]
    season: np.ndarray  # [day]
    scale: float

    def intensity(self, group: str) -> np.ndarray:
        """Expected incidents of ``group`` per commune and day: array [commune, day]."""
        base = GROUP_RATES[group] * self.scale / 365.25
        weights = self.shares * self.hot
        weights = weights / weights.sum()
        result: np.ndarray = base * weights[:, None] * self.trend * self.season[None, :]
        return result

    def expected_by_year(self, group: str) -> dict[int, float]:
        lam = self.intensity(group).sum(axis=0)
        years: dict[int, float] = {}
        for day, value in zip(self.days, lam, strict=True):
            years[day.year] = years.get(day.year, 0.0) + float(value)
        return years


def season_factor(day: date) -> float:
    """Tết peak (three weeks before to one week after, ×1.4), a summer bump, weekends ×1.15."""
    factor = 1.0
    for tet in TET:
        offset = (day - tet).days
        if -21 <= offset <= 7:
            factor *= 1.4
            break
    if day.month in (6, 7, 8):
        factor *= 1.08
    if day.weekday() >= 5:
        factor *= 1.15
    return factor


def build_model(
    codes: list[str], population: dict[str, int], start: date, end: date, scale: float
) -> CityModel:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    shares = np.array([population[c] for c in codes], dtype=float)
    shares /= shares.sum()
    hot = np.array([PERSISTENT_HOTSPOTS.get(c, 1.0) for c in codes])
    years = np.array([(d - date(2021, 1, 1)).days / 365.25 for d in days])
    trend = np.tile(TREND_PER_YEAR**years, (len(codes), 1))
    rising_years = np.array([max((d - RISING_FROM).days, 0) / 365.25 for d in days])
    for code in RISING_COMMUNES:
        if code in codes:
            trend[codes.index(code)] *= RISING_PER_YEAR**rising_years / TREND_PER_YEAR ** np.minimum(
                rising_years, years
            )
    season = np.array([season_factor(d) for d in days])
    season /= season.mean()
    return CityModel(codes, days, shares, hot, trend, season, scale)
