"""Sampling the synthetic city's incidents from :mod:`antt.demo.model`, as rows of the import format.

Beyond the background intensity: near-repeat bursts (each social-order incident triggers on average
``BRANCHING`` more nearby within days — a self-exciting process, so hot places stay hot for a while),
sub-commune hotspots (markets, port gates), planted co-offending groups that grow over time and share
(synthetic) suspects across cases, and a daily cycle per group. Every row is synthetic ("Dữ liệu mô phỏng").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from antt.demo.model import (
    RISING_COMMUNES,
    RISING_FROM,
    RISING_WAVE_PER_WEEK,
    RISING_WAVE_WEEKS,
    CityModel,
    Hotspot,
)
from antt.domain.incidents import STATUS_LABELS_VI, IncidentStatus
from antt.domain.offences import OffenceTable, Severity
from antt.domain.units import UnitCatalog

REORGANISATION = date(2025, 7, 1)
BRANCHING = 0.25  # expected near-repeat offspring per social-order incident
NEAR_REPEAT_DAYS = 3.0
NEAR_REPEAT_M = 150.0
NO_COORDINATES = 0.15  # share of rows exported without coordinates, as in real exports
COORDINATES_ONLY = 0.04  # share of rows with coordinates but no unit code
M_PER_DEG_LAT = 110_574.0

ARTICLES: dict[str, list[tuple[str, float]]] = {
    "social_order": [
        ("173", 33),
        ("174", 12),
        ("134", 15),
        ("171", 7),
        ("168", 3),
        ("170", 2),
        ("175", 3),
        ("178", 4),
        ("123", 1),
        ("141", 1),
        ("321", 8),
        ("322", 3),
        ("318", 5),
        ("330", 2),
        ("304", 1),
    ],
    "drugs": [("249", 44), ("251", 26), ("255", 14), ("256", 5), ("250", 5), ("256a", 6)],
    "economic": [("200", 35), ("203", 40), ("206", 10), ("219", 10), ("222", 5)],
    "smuggling": [("188", 30), ("189", 10), ("190", 25), ("192", 25), ("193", 10)],
    "corruption": [("353", 35), ("355", 30), ("356", 25), ("357", 10)],
    "environment": [("227", 40), ("235", 20), ("236", 15), ("244", 25)],
    "cyber": [("290", 70), ("288", 15), ("289", 15)],
    "traffic": [("260", 100)],
    "other": [("384", 20), ("385", 40), ("386", 40)],
}
CLAUSE_WEIGHTS = [0.70, 0.22, 0.06, 0.02, 0.0, 0.0]
# hour-of-day profiles (24 weights): property crime at night and in the evening, violence in the evening
HOURS_NIGHT = [6, 5, 4, 3, 2, 2, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 9, 9, 8, 7]
HOURS_DAY = [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 9, 10, 10, 9, 8, 6, 4, 3, 2, 1, 1]
HOURS_EVENING = [5, 4, 3, 2, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 4, 5, 6, 8, 10, 11, 11, 10, 8, 6]
HOURS = {"social_order": HOURS_EVENING, "drugs": HOURS_NIGHT, "traffic": HOURS_DAY}
# probability of clearance by severity (REFERENCE §8: 74 % overall, 93.75 % very/especially serious)
CLEARANCE = {
    Severity.MINOR: 0.70,
    Severity.SERIOUS: 0.80,
    Severity.VERY_SERIOUS: 0.945,
    Severity.ESPECIALLY_SERIOUS: 0.955,
}
CLEARANCE_BY_GROUP = {
    "drugs": 0.985,
    "economic": 0.9,
    "smuggling": 0.95,
    "corruption": 0.97,
    "environment": 0.9,
    "traffic": 0.97,
}
PROVINCES_OF_BIRTH = ["031", "031", "031", "030", "030", "034", "036", "022", "001", "033"]


@dataclass
class Event:
    day: date
    group: str
    commune: int
    lon: float
    lat: float
    triggered: bool = False
    gang: int | None = None
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Gang:
    """A planted co-offending group: it recruits over time and its members offend together."""

    gang_id: int
    commune: int
    start: date
    members: list[tuple[date, str]]  # (joined, synthetic personal id)
    articles: list[str]


class CommuneGeometry:
    """Random points inside each commune: near its hotspots or anywhere in it."""

    def __init__(self, boundaries: dict[str, Any], codes: list[str], rng: np.random.Generator) -> None:
        features = {f["properties"]["code"]: f for f in boundaries["features"]}
        self.polygons = [shape(features[c]["geometry"]) for c in codes]
        for polygon in self.polygons:
            shapely.prepare(polygon)
        self.codes = codes
        self.hotspots: list[list[Hotspot]] = []
        for i, code in enumerate(codes):
            count = 2 if self.polygons[i].area > 1e-3 else 1
            spots = []
            for _ in range(count):
                lon, lat = self.uniform(i, rng)
                spots.append(Hotspot(code, round(lon, 6), round(lat, 6), 0.35 / count, 150.0))
            self.hotspots.append(spots)

    def uniform(self, i: int, rng: np.random.Generator) -> tuple[float, float]:
        minx, miny, maxx, maxy = self.polygons[i].bounds
        for _ in range(1000):
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(self.polygons[i], lon, lat):
                return float(lon), float(lat)
        point = self.polygons[i].representative_point()
        return float(point.x), float(point.y)

    def near(
        self, i: int, lon: float, lat: float, sigma_m: float, rng: np.random.Generator
    ) -> tuple[float, float]:
        """A point about ``sigma_m`` from (lon, lat) that stays inside commune ``i``."""
        m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(lat))
        for _ in range(20):
            x = lon + rng.normal(0, sigma_m) / m_per_deg_lon
            y = lat + rng.normal(0, sigma_m) / M_PER_DEG_LAT
            if shapely.contains_xy(self.polygons[i], x, y):
                return float(x), float(y)
        return lon, lat

    def place(self, i: int, rng: np.random.Generator) -> tuple[float, float]:
        spots = self.hotspots[i]
        pick = rng.random()
        for spot in spots:
            if pick < spot.share:
                return self.near(i, spot.lon, spot.lat, spot.sigma_m, rng)
            pick -= spot.share
        return self.uniform(i, rng)


def background_events(model: CityModel, geometry: CommuneGeometry, rng: np.random.Generator) -> list[Event]:
    events: list[Event] = []
    for group in ARTICLES:
        lam = model.intensity(group)
        if group == "social_order":
            lam = lam * (1 - BRANCHING)  # the near repeats make up the rest of the calibrated volume
        counts = rng.poisson(lam)
        for c, d in zip(*np.nonzero(counts), strict=True):
            for _ in range(int(counts[c, d])):
                lon, lat = geometry.place(int(c), rng)
                events.append(Event(model.days[int(d)], group, int(c), lon, lat))
    return events


def rising_wave(model: CityModel, geometry: CommuneGeometry, rng: np.random.Generator) -> list[Event]:
    """The wave of social-order crime that opens the rising communes' rise: Poisson(RISING_WAVE_PER_WEEK / 7) extra
    social-order incidents a day in each, for RISING_WAVE_WEEKS weeks from RISING_FROM (drawn from a
    generator of its own, so every other incident of the city is the same with or without it)."""
    wave_end = RISING_FROM + timedelta(weeks=RISING_WAVE_WEEKS)
    events: list[Event] = []
    for code in RISING_COMMUNES:
        if code not in model.codes:
            continue
        c = model.codes.index(code)
        for day in model.days:
            if RISING_FROM <= day < wave_end:
                for _ in range(int(rng.poisson(RISING_WAVE_PER_WEEK * model.scale / 7))):
                    lon, lat = geometry.place(c, rng)
                    events.append(Event(day, "social_order", c, lon, lat))
    return events


def near_repeats(
    events: list[Event], geometry: CommuneGeometry, last_day: date, rng: np.random.Generator
) -> list[Event]:
    """Offspring of social-order incidents: Poisson(BRANCHING) each, days later, metres away."""
    offspring: list[Event] = []
    parents = [e for e in events if e.group == "social_order"]
    while parents:
        children = []
        for parent in parents:
            for _ in range(rng.poisson(BRANCHING)):
                day = parent.day + timedelta(days=1 + int(rng.exponential(NEAR_REPEAT_DAYS)))
                if day > last_day:
                    continue
                lon, lat = geometry.near(parent.commune, parent.lon, parent.lat, NEAR_REPEAT_M, rng)
                children.append(Event(day, "social_order", parent.commune, lon, lat, triggered=True))
        offspring.extend(children)
        parents = children
    return offspring


def synthetic_person_id(rng: np.random.Generator) -> str:
    province = PROVINCES_OF_BIRTH[int(rng.integers(len(PROVINCES_OF_BIRTH)))]
    century_sex = "0" if rng.random() < 0.45 else "2" if rng.random() < 0.9 else "1"
    year = int(rng.integers(60, 100)) if century_sex in "01" else int(rng.integers(0, 8))
    return f"{province}{century_sex}{year:02d}{int(rng.integers(0, 999_900)):06d}"  # 99990x: the personas


def plant_gangs(
    model: CityModel, geometry: CommuneGeometry, rng: np.random.Generator, count: int = 5
) -> tuple[list[Gang], list[Event]]:
    """Co-offending groups that grow from 3 members to about a dozen and offend more as they grow."""
    gangs: list[Gang] = []
    events: list[Event] = []
    hot = [
        i for i, c in enumerate(model.codes) if c in ("11383", "11593", "11311", "10525", "11411", "11560")
    ]
    first, last = model.days[0], model.days[-1]
    span = (last - first).days
    for gang_id in range(1, count + 1):
        commune = hot[(gang_id - 1) % len(hot)]
        start = first + timedelta(days=int(span * rng.uniform(0.15, 0.55)))
        members: list[tuple[date, str]] = [(start, synthetic_person_id(rng)) for _ in range(3)]
        articles = [
            ["168", "171", "173"],
            ["251", "255", "249"],
            ["322", "321", "170"],
            ["173", "171", "178"],
            ["251", "249", "256"],
        ][(gang_id - 1) % 5]
        day = start
        while day <= last:
            if rng.random() < 0.007 and len(members) < 14:  # recruits two or three members a year
                members.append((day, synthetic_person_id(rng)))
            if rng.random() < 0.0035 * len(members):  # more members, more cases
                active = [pid for joined, pid in members if joined <= day]
                size = int(min(len(active), 2 + rng.poisson(0.8)))
                chosen = sorted(rng.choice(active, size=size, replace=False).tolist())
                lon, lat = geometry.place(commune, rng)
                group = "drugs" if articles[0] in ("251", "249") else "social_order"
                events.append(Event(day, group, commune, lon, lat, gang=gang_id, members=chosen))
            day += timedelta(days=1)
        gangs.append(Gang(gang_id, commune, start, members, articles))
    return gangs, events


@dataclass
class RowMaker:
    """Turns events into rows of the incident import format."""

    model: CityModel
    catalog: UnitCatalog
    offences: OffenceTable
    rng: np.random.Generator
    last_day: date
    gangs: dict[int, Gang]
    _old_units: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (
            link
        ) in self.catalog.links:  # old communes, and the district that became Bạch Long Vĩ special zone
            self._old_units.setdefault(link.new_code, []).append(link.old_code)
        for codes in self._old_units.values():
            codes.sort()

    def row(self, event: Event, source_id: str) -> dict[str, object]:
        rng = self.rng
        code = self.model.codes[event.commune]
        hours = HOURS.get(event.group, HOURS_DAY)
        hour = int(rng.choice(24, p=np.array(hours) / sum(hours)))
        occurred = datetime(event.day.year, event.day.month, event.day.day, hour, int(rng.integers(0, 60)))
        article = self._article(event)
        offence = self.offences.get(article)
        clauses = sorted({c.clause for c in offence.clauses if c.in_force_on(event.day)})
        weights = np.array(CLAUSE_WEIGHTS[: len(clauses)]) + 1e-9
        clause = int(clauses[int(rng.choice(len(clauses), p=weights / weights.sum()))]) if clauses else None
        severity = offence.severity(clause, event.day)
        heaviest = severity.highest if severity else Severity.SERIOUS
        p_clear = CLEARANCE_BY_GROUP.get(event.group, CLEARANCE[heaviest])
        if event.gang is not None:
            p_clear = 0.85
        age_days = (self.last_day - event.day).days
        p_clear *= min(1.0, 0.35 + age_days / 45)  # recent cases are still being investigated
        cleared = rng.random() < p_clear
        status, cleared_at = self._status(cleared, event.day, age_days)
        suspects = 0
        persons: list[str] = []
        if event.gang is not None:
            persons = event.members
            suspects = len(persons)
        elif cleared:
            suspects = 1 + int(rng.poisson(0.45 if event.group != "drugs" else 0.3))
            persons = [synthetic_person_id(rng) for _ in range(min(suspects, 1 + int(rng.integers(0, 2))))]
        victims = (
            0
            if event.group in ("drugs", "smuggling", "corruption", "environment", "cyber")
            else 1 + int(rng.poisson(0.15))
        )
        if event.group == "cyber":
            victims = 1 + int(rng.poisson(2.0))
        unit_code: str = code
        if event.day < REORGANISATION:
            olds = self._old_units[code]
            unit_code = olds[int(rng.integers(len(olds)))]
        lat: object = round(event.lat, 6)
        lon: object = round(event.lon, 6)
        draw = rng.random()
        if draw < NO_COORDINATES:
            lat = lon = ""
        elif draw < NO_COORDINATES + COORDINATES_ONLY:
            unit_code = ""
        property_crime = article in ("168", "170", "171", "173", "174", "175", "178")
        damage = int(rng.lognormal(16.0, 1.2)) // 1000 * 1000 if property_crime else ""
        return {
            "source_id": source_id,
            "occurred_at": occurred.strftime("%d/%m/%Y %H:%M"),
            "reported_at": (occurred + timedelta(minutes=int(rng.exponential(180)) + 5)).strftime(
                "%d/%m/%Y %H:%M"
            )
            if event.day < self.last_day
            else "",
            "unit_code": unit_code,
            "lat": lat,
            "lon": lon,
            "article": f"{article}.{clause}" if clause else article,
            "status": STATUS_LABELS_VI[status],
            "cleared_at": cleared_at.strftime("%d/%m/%Y") if cleared_at else "",
            "suspects": suspects,
            "victims": victims,
            "person_ids": ";".join(persons),
            "drug_related": "x"
            if event.group == "drugs" or (event.group == "social_order" and rng.random() < 0.08)
            else "",
            "organised_group": "x" if event.gang is not None or rng.random() < 0.01 else "",
            "damage_vnd": damage,
            "note": "",
        }

    def _article(self, event: Event) -> str:
        if event.gang is not None:
            choices = self.gangs[event.gang].articles
            return choices[int(self.rng.integers(len(choices)))]
        pairs = [(a, w) for a, w in ARTICLES[event.group] if a != "256a" or event.day >= REORGANISATION]
        weights = np.array([w for _, w in pairs], dtype=float)
        return pairs[int(self.rng.choice(len(pairs), p=weights / weights.sum()))][0]

    def _status(self, cleared: bool, day: date, age_days: int) -> tuple[IncidentStatus, date | None]:
        if cleared:
            lag = int(self.rng.exponential(12))
            return IncidentStatus.CLEARED, min(day + timedelta(days=lag), self.last_day)
        if age_days < 120:
            return IncidentStatus.UNDER_INVESTIGATION, None
        draw = self.rng.random()
        if draw < 0.75:
            return IncidentStatus.SUSPENDED, None
        if draw < 0.88:
            return IncidentStatus.UNDER_INVESTIGATION, None
        return (IncidentStatus.TRANSFERRED if draw < 0.95 else IncidentStatus.CLOSED), None


def rising_communes() -> tuple[str, ...]:
    return RISING_COMMUNES
