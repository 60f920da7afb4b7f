"""Synthetic indicator values of the demo city (Dữ liệu mô phỏng): socio-economic, e-ID and drug control.

Everything written here is **synthetic** ("Dữ liệu mô phỏng") except the city-level values that REFERENCE
§8 publishes, which are copied exactly and marked ``synthetic=0`` with their source. Commune values are
invented, calibrated to the published city figures named below. All commune codes are those of scheme
``2025-07`` for every period: values before 1 July 2025 are presented as if re-aggregated to the current
communes (the demo has no older commune data to convert through the crosswalk).

Use::

    data = generate_indicators(rng, population, date(2021, 1, 1), date(2026, 6, 30))
    paths = write_indicator_set(out_dir, data)      # or write_indicators(out_dir, rng, population, …)
    truth = reference_ground_truth(data)            # merged into the demo's ground_truth.json

``population`` is :func:`antt.demo.population.commune_population` (2025 residents); denominators of any
year use :func:`antt.demo.population.population_in_year`, the same series as ``population.csv``.

Files (UTF-8, header row, ``\\n`` line ends, rows sorted by indicator, unit_code, period):

``indicators-city.csv`` — ``indicator,unit_code,period,value,unit_of_measure,source,synthetic``; unit_code
``31`` (the city); period ``year:2024``; ``synthetic`` is 0 for a published value (``source`` cites
REFERENCE §8 and the outlet) and 1 for an invented one (``source`` = ``mô phỏng``).

=================  ====  =========================================================================
indicator          unit  values
=================  ====  =========================================================================
grdp_growth_pct    %     2024 11.01 and 2025 11.81 published; 2021–2023 synthetic, each > 11 % (the
                         seed article: "over 11 % a year in 2021–2023") and summing with 2024–2025 to
                         a 2021–2025 mean of 11.56 % (REFERENCE §8 "2020–2025 average ≈ 11.56 %")
grdp_plan_pct      %     2025 12.35 published
pci_score          điểm  2022 70.76 and 2024 74.84 published; 2021 and 2023 synthetic
pci_rank           hạng  2022 3 and 2024 1 published; 2021 (4–8) and 2023 (2–4) synthetic
par_index_pct      %     2023 91.81 and 2024 96.17 published; 2021–2022 synthetic
par_rank           hạng  2023 2 and 2024 1 published; 2021–2022 synthetic, within the top 5
=================  ====  =========================================================================

``indicators-eid.csv`` — ``indicator,unit_code,period,value``; period ``month:2023-06``; one row per
commune, month (``start`` to ``end``) and indicator, integers, cumulative counts of e-ID (VNeID) accounts
as of the 14th of the month (the end of the Decree 09/2019 reporting month):

- ``eid_accounts_assigned`` — the activation target assigned to the commune ("chỉ tiêu giao"):
  0.75 × 0.78 × residents (≈ 75 % of the residents aged 14 and over), constant over time;
- ``eid_accounts_collected`` — applications received ("thu nhận"); leads activation by 2–3.5 months;
- ``eid_accounts_activated`` — accounts activated ("kích hoạt"); never decreases.

Activation as a share of the assigned target follows two logistic waves: a slow one through 2022
(≈ 10 % in January 2022) and the mid-2023 campaign, plus slow growth afterwards. Calibration: former
Hải Phòng activated 449,470 of 1,167,685 assigned (38.49 %) on 13/6/2023 and every district passed 100 %
(100.07 %–124.56 %) by 29/6/2023 (REFERENCE §5.3). The demo's former-Hải-Phòng communes average ≈ 38 % in
``month:2023-06`` and cross 100 % between July and October 2023 (a monthly series smooths the two-week
jump); former-Hải-Dương communes run the campaign about five months later. Three to five communes
(``eid_lagging_communes`` in the ground truth) level off at 80–90 % and stay below 100 % to the end.

``indicators-drugs.csv`` — ``indicator,unit_code,period,value``; period ``year:2021`` … ``year:<end>``;
one row per commune, year and indicator, integers:

- ``drug_users_managed`` — illegal users and addicts with management records ("có hồ sơ quản lý");
- ``drug_use_places`` — places organising or harbouring illegal drug use;
- ``drug_offenders_arrested`` — drug offenders arrested in the year;
- ``narcotic_plants_destroyed`` — narcotic plants found and destroyed in the year (almost always 0);
- ``on_key_route`` — 1 when the commune lies on a key trafficking route (sea, Đình Vũ–Lạch Huyện ports,
  Quốc lộ 5 / Highway 5, Quốc lộ 18), else 0.

Calibration: the city total of users is 0.23 % of residents in 2025 (the national rate, REFERENCE §1.6;
0.27 % in 2021 falling 0.01 point a year), concentrated in central, port and industrial wards. The values
are designed against QĐ 28/2025/QĐ-TTg (REFERENCE §1.2) as :func:`classify` reads it: 2–3 communes are
loại I, 4–6 loại II, the rest loại III or drug-free, and 40–46 communes (≥ 35, i.e. the 30 % target of
the city's 9/10/2025 resolution) have no user, place, arrest or plant in 2025; the number of drug-free
communes grows by about six a year before 2025 and seven a year after. Per commune-year:

============  ==========================  ============  ===========================  ==================
class         users (% of residents)      places        arrested (% of residents)    communes
============  ==========================  ============  ===========================  ==================
loại I        0.8–1.3                     2–3           0.11–0.15                    2–3 central/port wards
loại II       0.28–0.45                   1             0.06–0.09                    4–6 urban/corridor
III, "hot"    0.7–1.0                     0             < 0.05                       3 wards off the routes
III           rest of the city total,     0             < 0.05                       the others with drugs
              ≤ 0.45, at least 1 user
drug-free     0                           0             0                            least exposed first
============  ==========================  ============  ===========================  ==================

Narcotic plants (5–200) are found in two rural communes in some years; key-route communes and the
loại I/II/hot communes are never drug-free. ``generate_indicators`` checks every year against
:func:`classify` and raises if a commune does not classify as designed.

``indicators-traffic.csv`` — ``indicator,unit_code,period,value``; unit_code ``31`` (the city, as the
traffic police report); period ``report-month:2026-10`` for every reporting month wholly inside the range;
``traffic_accidents``, ``traffic_deaths``, ``traffic_injuries``: counts within the month, synthetic and
uncalibrated (REFERENCE has no Hải Phòng figure) — about 46 accidents a month in 2021, 4 % fewer each
year, a quarter more in January–February, 0.47 deaths and 0.72 injuries per accident.

``indicators-social.csv`` — ``indicator,unit_code,period,value,synthetic``; unit_code ``31`` (the city, as
the administrative and fire police report); period ``report-month:2026-10`` for every reporting month
wholly inside the range; counts within the month, every row ``synthetic=1`` and uncalibrated (REFERENCE has
no Hải Phòng figure):

- social evils handled administratively — ``prostitution_admin_cases`` (≈ 3.5 a month in 2021) and
  ``_persons`` (cases + ≈ 1.5 per case), ``gambling_admin_cases`` (≈ 22, 60 % more in January–February,
  Tết) and ``_persons`` (cases + ≈ 2.8 per case), ``drug_use_admin_cases`` (≈ 70) and ``_persons``
  (cases + ≈ 0.08 per case);
- fires and explosions — ``fire_cases`` (≈ 14 a month, 30 % more from December to February, the dry
  season), ``fire_deaths`` (3 % of fires), ``fire_injuries`` (≈ 0.08 per fire), ``fire_damage_vnd`` (each
  fire's damage log-normal, median 40 million đồng, rounded to 1,000 đồng);

all 3 % fewer each year after 2021.

``indicators-project06.csv`` — ``indicator,unit_code,period,value,synthetic``; one row per commune,
reporting month (from ``report-month:2024-07``, Decree 69/2024/NĐ-CP in force 1/7/2024, wholly inside the
range) and indicator, integers, ``synthetic=1``, denominators the commune's residents aged 14 and over
(≈ 78 % of residents):

- ``chip_id_cards_issued`` — cumulative; 93–99 % of them in the first month, growing 0.1–0.3 point a month,
  never below the level-2 applications (a level-2 account needs the chip card);
- ``eid_level2_collected``, ``eid_level2_activated`` — cumulative; activation rises from 55–75 % towards
  88–97 % (the e-ID lagging communes of ``indicators-eid.csv``: 70–80 %) with a time constant of 6–14
  months; applications lead activation by one to two months and exceed it by 1–4 %;
- ``online_public_services`` — online public-service applications received in the month: ≈ 1.2 % of the
  residents in July 2024, 3 % more each month, Poisson.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from antt.demo.population import (
    CITY_CODE,
    commune_origins,
    current_communes,
    population_in_year,
)
from antt.domain.units import Unit

SYNTHETIC_SOURCE = "mô phỏng"
CITY_FILE = "indicators-city.csv"
EID_FILE = "indicators-eid.csv"
DRUGS_FILE = "indicators-drugs.csv"
TRAFFIC_FILE = "indicators-traffic.csv"
SOCIAL_FILE = "indicators-social.csv"
PROJECT06_FILE = "indicators-project06.csv"
LABELLED_COLUMNS = (
    "indicator",
    "unit_code",
    "period",
    "value",
    "synthetic",
)  # every row says it is synthetic
CITY_COLUMNS = ("indicator", "unit_code", "period", "value", "unit_of_measure", "source", "synthetic")
VALUE_COLUMNS = ("indicator", "unit_code", "period", "value")

FIRST_DRUG_YEAR = 2021
CLASSIFICATION_YEAR = 2025

# --- city: published values (REFERENCE §8) ------------------------------------------------------------
_SRC_GRDP_2024 = "REFERENCE §8: congly.vn, cafef.vn (GRDP 2024)"
_SRC_GRDP_2025 = "REFERENCE §8: mekongasean.vn, cafef.vn 06/01/2026 (GRDP 2025)"
_SRC_PCI_2022 = "REFERENCE §8: phapluatplus.vn (PCI 2022)"
_SRC_PCI_2024 = "REFERENCE §8: phapluatplus.baophapluat.vn (PCI 2024)"
_SRC_PAR_2023 = "REFERENCE §8: doanhnghiephoinhap.vn (PAR Index 2023)"
_SRC_PAR_2024 = "REFERENCE §8: kinhtedothi.vn (PAR Index 2024)"

# indicator -> (unit of measure, decimals)
CITY_INDICATORS: dict[str, tuple[str, int]] = {
    "grdp_growth_pct": ("%", 2),
    "grdp_plan_pct": ("%", 2),
    "pci_score": ("điểm", 2),
    "pci_rank": ("hạng", 0),
    "par_index_pct": ("%", 2),
    "par_rank": ("hạng", 0),
}
PUBLISHED_CITY_VALUES: tuple[tuple[str, int, float, str], ...] = (
    ("grdp_growth_pct", 2024, 11.01, _SRC_GRDP_2024),
    ("grdp_growth_pct", 2025, 11.81, _SRC_GRDP_2025),
    ("grdp_plan_pct", 2025, 12.35, _SRC_GRDP_2025),
    ("pci_score", 2022, 70.76, _SRC_PCI_2022),
    ("pci_rank", 2022, 3, _SRC_PCI_2022),
    ("pci_score", 2024, 74.84, _SRC_PCI_2024),
    ("pci_rank", 2024, 1, _SRC_PCI_2024),
    ("par_index_pct", 2023, 91.81, _SRC_PAR_2023),
    ("par_rank", 2023, 2, _SRC_PAR_2023),
    ("par_index_pct", 2024, 96.17, _SRC_PAR_2024),
    ("par_rank", 2024, 1, _SRC_PAR_2024),
)
GRDP_MEAN_2021_2025 = 11.56

# --- e-ID ---------------------------------------------------------------------------------------------
EID_ASSIGNED_SHARE = 0.75 * 0.78  # 75 % of the residents aged 14+ (≈ 78 % of residents)
_EID_EPOCH = date(2022, 1, 1)
_EID_SLOW_SHARE = 0.36  # share of the final level reached by the slow 2022 wave
_EID_SLOW_CENTRE = 8.5  # months after January 2022 (mid-September 2022)
_EID_SLOW_WIDTH = 6.0
_EID_CAMPAIGN_CENTRE = {"31": 19.5, "30": 24.5}  # mid-August 2023 / mid-January 2024
_EID_CAMPAIGN_WIDTH = 0.8
_EID_LAGGING_CEILING = 0.95
_EID_HORIZON_YEAR = 2030

# --- drugs --------------------------------------------------------------------------------------------
DRUG_INDICATORS = (
    "drug_users_managed",
    "drug_use_places",
    "drug_offenders_arrested",
    "narcotic_plants_destroyed",
    "on_key_route",
)
# Central, port and industrial wards that may be drawn as loại I (REFERENCE §8: An Phong's boarding houses).
_CLASS_I_POOL = ("11383", "11329", "11593", "11411", "11413", "11311")
# Other urban / port / corridor communes that may be drawn as loại II or as "hot" loại III.
_CLASS_II_POOL = (
    "11359",  # Gia Viên
    "11407",  # An Biên
    "11443",  # Kiến An
    "11602",  # Hồng An
    "11581",  # An Dương
    "11560",  # Thủy Nguyên
    "11473",  # Bạch Đằng
    "10525",  # Hải Dương
    "10532",  # Lê Thanh Nghị
    "10546",  # Chí Linh
    "11455",  # Đồ Sơn
    "11914",  # Cát Hải
)
_HOT_POOL = ("10537", "10507", "10543", "11692", "11488", "11446", "11689")
# Key routes: the sea and ports (Đình Vũ, Lạch Huyện, Đồ Sơn), Quốc lộ 5 / Highway 5, Quốc lộ 18.
KEY_ROUTE_COMMUNES = (
    "11411",  # Phường Đông Hải — Đình Vũ
    "11413",  # Phường Hải An — ports
    "11737",  # Phường Nam Đồ Sơn — coast
    "11914",  # Đặc khu Cát Hải — Lạch Huyện
    "11617",  # Phường An Hải — Quốc lộ 5
    "11581",  # Phường An Dương — Quốc lộ 5, Highway 5
    "10804",  # Xã Kim Thành — Quốc lộ 5
    "10756",  # Xã Lai Khê — Quốc lộ 5
    "10903",  # Xã Cẩm Giàng — Quốc lộ 5
    "10546",  # Phường Chí Linh — Quốc lộ 18
)


_ORDINARY_USERS_CAP = 0.0045  # an ordinary loại III commune keeps below 0.45 % of residents


def _fill(total: float, weights: dict[str, float], caps: dict[str, float]) -> dict[str, float]:
    """Split ``total`` in proportion to ``weights`` without exceeding ``caps`` (water-filling)."""
    shares = dict.fromkeys(weights, 0.0)
    open_ = set(weights)
    left = total
    while open_ and left > 1e-9:
        w = sum(weights[c] for c in open_) or 1.0
        offer = {c: left * weights[c] / w for c in open_}
        full = {c for c in open_ if shares[c] + offer[c] >= caps[c]}
        if not full:
            for c in open_:
                shares[c] += offer[c]
            break
        for c in sorted(full):
            left -= caps[c] - shares[c]
            shares[c] = caps[c]
        open_ -= full
    return shares


def _users_rate(year: int) -> float:
    """City-wide users with records as a share of residents: 0.23 % in 2025 (REFERENCE §1.6)."""
    if year <= CLASSIFICATION_YEAR:
        return 0.0023 + 0.0001 * (CLASSIFICATION_YEAR - year)
    return max(0.0015, 0.0023 - 0.00005 * (year - CLASSIFICATION_YEAR))


# --- QĐ 28/2025/QĐ-TTg as the demo reads it (REFERENCE §1.2) --------------------------------------
# Loại I thresholds are [H]; the loại II bands are [L] (garbled source) and the plant band is assumed.
THRESHOLDS = {
    "I": {"users_share": 0.005, "places": 2, "arrested_share": 0.001, "plants": 3000},
    "II": {"users_share": 0.0025, "places": 1, "arrested_share": 0.0005, "plants": 500},
}


def criteria_met(level: str, values: dict[str, int], population: int) -> int:
    """How many of criteria a–đ of ``level`` ('I' or 'II') a commune's year meets.

    đ (route) counts when the commune is on a key route and meets at least two criteria at the lowest
    (loại III) level, read here as "any user, place, arrest or plant".
    """
    t = THRESHOLDS[level]
    met = [
        values["drug_users_managed"] >= t["users_share"] * population,
        values["drug_use_places"] >= t["places"],
        values["drug_offenders_arrested"] >= t["arrested_share"] * population,
        values["narcotic_plants_destroyed"] >= t["plants"],
    ]
    present = sum(values[k] > 0 for k in DRUG_INDICATORS[:4])
    met.append(values["on_key_route"] == 1 and present >= 2)
    return sum(met)


def classify(values: dict[str, int], population: int) -> str:
    """'I', 'II', 'III' or 'drug_free' for one commune-year (≥ 3 criteria for I and II)."""
    if criteria_met("I", values, population) >= 3:
        return "I"
    if criteria_met("II", values, population) >= 3:
        return "II"
    if all(values[k] == 0 for k in DRUG_INDICATORS[:4]):
        return "drug_free"
    return "III"


# --- result -------------------------------------------------------------------------------------------
Row = tuple[str, ...]


@dataclass(frozen=True)
class IndicatorSet:
    """The rows of the six files and the intentions behind them (for the ground truth)."""

    city_rows: tuple[Row, ...]
    eid_rows: tuple[Row, ...]
    drug_rows: tuple[Row, ...]
    eid_lagging: tuple[str, ...]
    traffic_rows: tuple[Row, ...] = ()
    social_rows: tuple[Row, ...] = ()
    project06_rows: tuple[Row, ...] = ()
    drug_classes: dict[str, str] = field(default_factory=dict)  # commune -> class in CLASSIFICATION_YEAR
    key_routes: tuple[str, ...] = ()
    population_total: int = 0


def generate_indicators(
    rng: np.random.Generator, population: dict[str, int], start: date, end: date
) -> IndicatorSet:
    """All indicator rows for the period (e-ID months from ``start`` to ``end``; drugs 2021 to end year)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    communes = sorted(current_communes(), key=lambda u: u.code)
    missing = [u.code for u in communes if u.code not in population]
    if missing:
        raise ValueError(f"no population for communes {missing}")
    city_rows = _city_rows(rng)
    eid_rows, lagging = _eid_rows(rng, communes, population, start, end)
    drug_rows, classes = _drug_rows(rng, communes, population, end.year)
    traffic_rows = _traffic_rows(rng, start, end)  # drawn last: the other files stay as they were
    social_rows = _social_rows(rng, start, end)  # likewise, after the traffic figures
    project06_rows = _project06_rows(rng, communes, population, start, end, frozenset(lagging))
    return IndicatorSet(
        city_rows=tuple(sorted(city_rows)),
        eid_rows=tuple(sorted(eid_rows)),
        drug_rows=tuple(sorted(drug_rows)),
        eid_lagging=tuple(sorted(lagging)),
        traffic_rows=tuple(sorted(traffic_rows)),
        social_rows=tuple(sorted(social_rows)),
        project06_rows=tuple(sorted(project06_rows)),
        drug_classes=dict(sorted(classes.items())),
        key_routes=KEY_ROUTE_COMMUNES,
        population_total=sum(population.values()),
    )


def write_indicator_set(out_dir: Path, data: IndicatorSet) -> list[Path]:
    """Write the six CSV files into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = (CITY_FILE, EID_FILE, DRUGS_FILE, TRAFFIC_FILE, SOCIAL_FILE, PROJECT06_FILE)
    paths = [out_dir / name for name in names]
    _write_csv(paths[0], CITY_COLUMNS, data.city_rows)
    _write_csv(paths[1], VALUE_COLUMNS, data.eid_rows)
    _write_csv(paths[2], VALUE_COLUMNS, data.drug_rows)
    _write_csv(paths[3], VALUE_COLUMNS, data.traffic_rows)
    _write_csv(paths[4], LABELLED_COLUMNS, data.social_rows)
    _write_csv(paths[5], LABELLED_COLUMNS, data.project06_rows)
    return paths


def write_indicators(
    out_dir: Path, rng: np.random.Generator, population: dict[str, int], start: date, end: date
) -> list[Path]:
    """Generate and write the six indicator files (see the module docstring for their columns)."""
    return write_indicator_set(out_dir, generate_indicators(rng, population, start, end))


def reference_ground_truth(data: IndicatorSet) -> dict[str, object]:
    """What the generator intended, for the demo's ground_truth.json."""
    return {
        "eid_lagging_communes": list(data.eid_lagging),
        "drug_classification_year": CLASSIFICATION_YEAR,
        "drug_classification_intended": dict(data.drug_classes),
        "drug_key_route_communes": sorted(data.key_routes),
        "population_total": data.population_total,
    }


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


# --- city ---------------------------------------------------------------------------------------------
def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _city_rows(rng: np.random.Generator) -> list[Row]:
    values: list[tuple[str, int, float, str]] = list(PUBLISHED_CITY_VALUES)
    published = {(ind, year) for ind, year, _, _ in PUBLISHED_CITY_VALUES}

    # GRDP 2021-2023: each above 11 %, with the five-year mean of 11.56 %.
    base = np.array([12.10, 11.70, 11.18])
    noise = rng.uniform(-0.1, 0.1, size=3)
    grdp = np.round(base + noise - noise.mean(), 2)
    known = sum(v for ind, _, v, _ in PUBLISHED_CITY_VALUES if ind == "grdp_growth_pct")
    grdp[0] = round(GRDP_MEAN_2021_2025 * 5 - known - grdp[1] - grdp[2], 2)
    for year, v in zip((2021, 2022, 2023), grdp, strict=True):
        values.append(("grdp_growth_pct", year, float(v), SYNTHETIC_SOURCE))

    values += [
        ("pci_score", 2021, round(float(rng.uniform(67.0, 69.5)), 2), SYNTHETIC_SOURCE),
        ("pci_rank", 2021, int(rng.integers(4, 9)), SYNTHETIC_SOURCE),
        ("pci_score", 2023, round(float(rng.uniform(71.0, 73.5)), 2), SYNTHETIC_SOURCE),
        ("pci_rank", 2023, int(rng.integers(2, 5)), SYNTHETIC_SOURCE),
        ("par_index_pct", 2021, round(float(rng.uniform(88.0, 90.5)), 2), SYNTHETIC_SOURCE),
        ("par_rank", 2021, int(rng.integers(2, 6)), SYNTHETIC_SOURCE),
        ("par_index_pct", 2022, round(float(rng.uniform(88.5, 91.5)), 2), SYNTHETIC_SOURCE),
        ("par_rank", 2022, int(rng.integers(2, 6)), SYNTHETIC_SOURCE),
    ]
    rows: list[Row] = []
    for indicator, year, value, source in values:
        unit_of_measure, decimals = CITY_INDICATORS[indicator]
        synthetic = "0" if (indicator, year) in published else "1"
        rows.append(
            (indicator, CITY_CODE, f"year:{year}", _fmt(value, decimals), unit_of_measure, source, synthetic)
        )
    return rows


# --- traffic safety -----------------------------------------------------------------------------------
TRAFFIC_ACCIDENTS_PER_MONTH_2021 = 46.0  # synthetic: REFERENCE publishes no Hải Phòng traffic figure
TRAFFIC_DECLINE_PER_YEAR = 0.04
TRAFFIC_TET_FACTOR = 1.25  # January and February (Tết travel)
TRAFFIC_DEATHS_PER_ACCIDENT = 0.47  # about the national ratio of deaths to accidents
TRAFFIC_INJURIES_PER_ACCIDENT = 0.72


def _traffic_rows(rng: np.random.Generator, start: date, end: date) -> list[Row]:
    """City-wide traffic accidents, deaths and injuries per reporting month (15th → 14th) wholly inside
    ``start`` … ``end``, as the traffic police report them: counts within the month, synthetic."""
    from antt.domain.periods import parse_period

    rows: list[Row] = []
    for y, m in _months(start, end):
        period = parse_period(f"report-month:{y:04d}-{m:02d}")
        if period.start < start or period.end > end:
            continue
        rate = TRAFFIC_ACCIDENTS_PER_MONTH_2021 * (1 - TRAFFIC_DECLINE_PER_YEAR) ** (y - 2021)
        rate *= TRAFFIC_TET_FACTOR if m in (1, 2) else 1.0
        accidents = int(rng.poisson(rate))
        deaths = int(rng.binomial(accidents, TRAFFIC_DEATHS_PER_ACCIDENT)) if accidents else 0
        injuries = int(rng.poisson(TRAFFIC_INJURIES_PER_ACCIDENT * accidents))
        key = f"report-month:{y:04d}-{m:02d}"
        rows += [
            ("traffic_accidents", CITY_CODE, key, str(accidents)),
            ("traffic_deaths", CITY_CODE, key, str(deaths)),
            ("traffic_injuries", CITY_CODE, key, str(injuries)),
        ]
    return rows


# --- social evils and fires ---------------------------------------------------------------------------
# synthetic and uncalibrated: REFERENCE publishes no Hải Phòng figure of either
SOCIAL_DECLINE_PER_YEAR = 0.03
# indicator of cases -> (cases a month in 2021, persons per case beyond the first, Tết factor Jan–Feb)
SOCIAL_EVIL_RATES: dict[str, tuple[float, float, float]] = {
    "prostitution_admin": (3.5, 1.5, 1.0),
    "gambling_admin": (22.0, 2.8, 1.6),
    "drug_use_admin": (70.0, 0.08, 1.0),
}
FIRES_PER_MONTH_2021 = 14.0
FIRE_DRY_SEASON_FACTOR = 1.3  # December to February
FIRE_DEATHS_PER_FIRE = 0.03
FIRE_INJURIES_PER_FIRE = 0.08
FIRE_DAMAGE_MEDIAN_VND = 40e6
FIRE_DAMAGE_SIGMA = 1.3


def _report_months(start: date, end: date, first: tuple[int, int] = (0, 1)) -> list[tuple[int, int, str]]:
    """``(year, month, key)`` of the reporting months (15th → 14th) wholly inside ``start`` … ``end``, from
    ``first`` (year, month) on."""
    from antt.domain.periods import parse_period

    found = []
    for y, m in _months(start, end):
        key = f"report-month:{y:04d}-{m:02d}"
        period = parse_period(key)
        if (y, m) >= first and period.start >= start and period.end <= end:
            found.append((y, m, key))
    return found


def _social_rows(rng: np.random.Generator, start: date, end: date) -> list[Row]:
    """City-wide social evils handled administratively and fires per reporting month, synthetic."""
    rows: list[Row] = []
    for y, m, key in _report_months(start, end):
        trend = (1 - SOCIAL_DECLINE_PER_YEAR) ** (y - 2021)
        values: dict[str, int] = {}
        for name, (rate, extra, tet) in SOCIAL_EVIL_RATES.items():
            cases = int(rng.poisson(rate * trend * (tet if m in (1, 2) else 1.0)))
            values[f"{name}_cases"] = cases
            values[f"{name}_persons"] = cases + int(rng.poisson(extra * cases))
        fires = int(
            rng.poisson(FIRES_PER_MONTH_2021 * trend * (FIRE_DRY_SEASON_FACTOR if m in (12, 1, 2) else 1))
        )
        damage = rng.lognormal(math.log(FIRE_DAMAGE_MEDIAN_VND), FIRE_DAMAGE_SIGMA, size=fires)
        values["fire_cases"] = fires
        values["fire_deaths"] = int(rng.binomial(fires, FIRE_DEATHS_PER_FIRE)) if fires else 0
        values["fire_injuries"] = int(rng.poisson(FIRE_INJURIES_PER_FIRE * fires))
        values["fire_damage_vnd"] = 1000 * round(float(damage.sum()) / 1000)
        rows += [(name, CITY_CODE, key, str(v), "1") for name, v in values.items()]
    return rows


# --- Project 06 (Decree 69/2024) --------------------------------------------------------------------
PROJECT06_FIRST_MONTH = (2024, 7)  # Decree 69/2024/NĐ-CP in force 1/7/2024
RESIDENTS_14_PLUS = 0.78
ONLINE_SERVICES_RATE = 0.012  # applications a month per resident, July 2024
ONLINE_SERVICES_GROWTH = 0.03  # a month


def _project06_rows(
    rng: np.random.Generator,
    communes: list[Unit],
    population: dict[str, int],
    start: date,
    end: date,
    lagging: frozenset[str],
) -> list[Row]:
    """Per commune and reporting month: level-2 e-ID applications and activations, chip ID cards
    (cumulative) and online public-service applications (within the month), synthetic."""
    months = _report_months(start, end, PROJECT06_FIRST_MONTH)
    t = np.arange(len(months), dtype=float)
    rows: list[Row] = []
    for unit in communes:
        code = unit.code
        adults = RESIDENTS_14_PLUS * population[code]
        a0 = float(rng.uniform(0.55, 0.75))
        ceiling = float(rng.uniform(0.70, 0.80) if code in lagging else rng.uniform(0.88, 0.97))
        ceiling = max(ceiling, a0 + 0.05)
        tau = float(rng.uniform(6.0, 14.0))
        lead = float(rng.uniform(1.0, 2.0))
        over = float(rng.uniform(1.01, 1.04))

        def share(x: np.ndarray, a0: float = a0, ceiling: float = ceiling, tau: float = tau) -> np.ndarray:
            return np.asarray(ceiling - (ceiling - a0) * np.exp(-x / tau))

        activated = np.round(share(t) * adults).astype(int)
        collected = np.maximum(np.round(over * share(t + lead) * adults).astype(int), activated)
        cards_share = float(rng.uniform(0.93, 0.99)) + float(rng.uniform(0.001, 0.003)) * t
        cards = np.maximum(np.round(cards_share * adults).astype(int), collected)
        online = rng.poisson(ONLINE_SERVICES_RATE * population[code] * (1 + ONLINE_SERVICES_GROWTH) ** t)
        for i, (_y, _m, key) in enumerate(months):
            rows += [
                ("chip_id_cards_issued", code, key, str(int(cards[i])), "1"),
                ("eid_level2_activated", code, key, str(int(activated[i])), "1"),
                ("eid_level2_collected", code, key, str(int(collected[i])), "1"),
                ("online_public_services", code, key, str(int(online[i])), "1"),
            ]
    return rows


# --- e-ID ---------------------------------------------------------------------------------------------
def _months(start: date, end: date) -> list[tuple[int, int]]:
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _month_index(y: int, m: int) -> float:
    """Months from 1 January 2022 to the 14th of (y, m), the end of that reporting month."""
    return (date(y, m, 14) - _EID_EPOCH).days / 30.4375


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _eid_share(x: np.ndarray, level: float, centre: float, growth: float, early: float) -> np.ndarray:
    """Activated accounts / assigned target at months ``x``: slow wave + campaign wave + slow growth."""
    slow = _EID_SLOW_SHARE * _sigmoid((x - _EID_SLOW_CENTRE) / (_EID_SLOW_WIDTH * early))
    fast = (1.0 - _EID_SLOW_SHARE) * _sigmoid((x - centre) / _EID_CAMPAIGN_WIDTH)
    return np.asarray(level * (slow + fast) + growth * np.maximum(0.0, x - centre))


def _eid_rows(
    rng: np.random.Generator, communes: list[Unit], population: dict[str, int], start: date, end: date
) -> tuple[list[Row], list[str]]:
    origins = commune_origins()
    months = _months(start, end)
    t = np.array([_month_index(y, m) for y, m in months])
    periods = [f"month:{y:04d}-{m:02d}" for y, m in months]
    # Lagging communes stay below the ceiling up to the horizon; a fixed horizon keeps the values of a
    # month independent of the end date asked for (up to 2030).
    t_end = _month_index(max(end.year, _EID_HORIZON_YEAR), 12)

    rural = [u.code for u in communes if u.kind == "commune"]
    lagging = set(rng.choice(rural, size=int(rng.integers(3, 6)), replace=False).tolist())

    rows: list[Row] = []
    for unit in communes:
        code = unit.code
        assigned = round(EID_ASSIGNED_SHARE * population[code])
        centre = _EID_CAMPAIGN_CENTRE[origins[code]] + float(rng.normal(0.0, 0.8))
        if code in lagging:
            level = float(rng.uniform(0.80, 0.88))
            centre += float(rng.uniform(1.0, 4.0))
            growth = float(rng.uniform(0.0005, 0.0015))
            growth = min(growth, (_EID_LAGGING_CEILING - level) / max(t_end - centre, 1.0))
        else:
            level = float(rng.uniform(1.02, 1.20))
            growth = float(rng.uniform(0.001, 0.004))
        early = float(rng.uniform(0.85, 1.15))  # how far ahead of others the slow wave is
        lead = float(rng.uniform(2.0, 3.5))
        over = float(rng.uniform(1.01, 1.04))

        curve = (level, centre, growth, early)
        activated = np.round(_eid_share(t, *curve) * assigned).astype(int)
        collected = np.round(over * _eid_share(t + lead, *curve) * assigned).astype(int)
        for i, period in enumerate(periods):
            rows.append(("eid_accounts_assigned", code, period, str(assigned)))
            rows.append(("eid_accounts_collected", code, period, str(int(collected[i]))))
            rows.append(("eid_accounts_activated", code, period, str(int(activated[i]))))
    return rows, sorted(lagging)


# --- drugs --------------------------------------------------------------------------------------------
def _drug_rows(
    rng: np.random.Generator, communes: list[Unit], population: dict[str, int], end_year: int
) -> tuple[list[Row], dict[str, str]]:
    codes = [u.code for u in communes]
    kinds = {u.code: u.kind for u in communes}
    for pool in (_CLASS_I_POOL, _CLASS_II_POOL, _HOT_POOL, KEY_ROUTE_COMMUNES):
        unknown = [c for c in pool if c not in kinds]
        if unknown:
            raise ValueError(f"drug design names communes not in scheme 2025-07: {unknown}")

    class_i = sorted(rng.choice(_CLASS_I_POOL, size=int(rng.integers(2, 4)), replace=False).tolist())
    rest_ii = [c for c in _CLASS_II_POOL + _CLASS_I_POOL if c not in class_i]
    class_ii = sorted(rng.choice(rest_ii, size=int(rng.integers(4, 7)), replace=False).tolist())
    rest_hot = [c for c in _HOT_POOL + tuple(rest_ii) if c not in class_ii and c not in KEY_ROUTE_COMMUNES]
    hot = sorted(rng.choice(rest_hot, size=3, replace=False).tolist())
    route = set(KEY_ROUTE_COMMUNES)

    # Order the other communes from least to most exposed: the first n(year) are drug-free that year.
    kind_risk = {"commune": 1.0, "ward": 2.5, "special_zone": 1.5}
    candidates = [c for c in codes if c not in set(class_i) | set(class_ii) | set(hot) | route]
    risk = {
        c: kind_risk[kinds[c]] * math.sqrt(population[c] / 30_000) * float(rng.lognormal(0.0, 0.5))
        for c in candidates
    }
    free_order = sorted(candidates, key=lambda c: (risk[c], c))
    n_free_2025 = int(rng.integers(40, 47))
    most_free = len(free_order) - 10  # some communes always keep a drug problem

    def n_free(year: int) -> int:
        if year <= CLASSIFICATION_YEAR:
            return max(8, n_free_2025 - 6 * (CLASSIFICATION_YEAR - year))
        return min(most_free, n_free_2025 + 7 * (year - CLASSIFICATION_YEAR))

    never_free = free_order[most_free:]
    rural_never_free = [c for c in never_free if kinds[c] == "commune"]
    plant_pool = rural_never_free if len(rural_never_free) >= 2 else never_free
    plant_communes = set(rng.choice(plant_pool, size=2, replace=False).tolist())
    exposure = {"commune": 0.4, "ward": 2.0, "special_zone": 1.0}
    weight = {c: exposure[kinds[c]] * float(rng.lognormal(0.0, 0.8)) for c in codes}

    rows: list[Row] = []
    classes_by_year: dict[int, dict[str, str]] = {}
    for year in range(FIRST_DRUG_YEAR, max(end_year, FIRST_DRUG_YEAR) + 1):
        pop = population_in_year(population, year)
        free = set(free_order[: n_free(year)])
        values: dict[str, dict[str, int]] = {}
        for c in codes:
            p = pop[c]
            v = dict.fromkeys(DRUG_INDICATORS, 0)
            v["on_key_route"] = int(c in route)
            if c in class_i:
                v["drug_users_managed"] = math.ceil(rng.uniform(0.008, 0.013) * p)
                v["drug_use_places"] = int(rng.integers(2, 4))
                v["drug_offenders_arrested"] = math.ceil(rng.uniform(0.0011, 0.0015) * p)
            elif c in class_ii:
                v["drug_users_managed"] = math.ceil(rng.uniform(0.0028, 0.0045) * p)
                v["drug_use_places"] = 1
                v["drug_offenders_arrested"] = math.floor(rng.uniform(0.0006, 0.0009) * p)
            elif c in hot:
                v["drug_users_managed"] = math.ceil(rng.uniform(0.007, 0.010) * p)
                v["drug_offenders_arrested"] = min(int(rng.poisson(0.00035 * p)), math.ceil(0.0005 * p) - 1)
            values[c] = v
        # Ordinary loại III communes share the rest of the city total, very unevenly.
        ordinary = [
            c for c in codes if c not in free and c not in class_i and c not in class_ii and c not in hot
        ]
        target = _users_rate(year) * sum(pop.values())
        remaining = max(0.0, target - sum(values[c]["drug_users_managed"] for c in codes))
        year_weight = {c: pop[c] * weight[c] * float(rng.lognormal(0.0, 0.15)) for c in ordinary}
        users_of = _fill(remaining, year_weight, {c: _ORDINARY_USERS_CAP * pop[c] for c in ordinary})
        for c in ordinary:
            p = pop[c]
            users = max(1, round(users_of[c]))
            v = values[c]
            v["drug_users_managed"] = users
            cap = max(0, math.ceil(0.0005 * p) - 1)  # stay below the loại II arrest band
            v["drug_offenders_arrested"] = min(int(rng.poisson(users * rng.uniform(0.05, 0.2))), cap)
            if c in plant_communes and rng.random() < 0.6:
                v["narcotic_plants_destroyed"] = int(rng.integers(5, 200))
        classes = {c: classify(values[c], pop[c]) for c in codes}
        intended = {
            c: "I" if c in class_i else "II" if c in class_ii else "drug_free" if c in free else "III"
            for c in codes
        }
        wrong = {c: (classes[c], intended[c]) for c in codes if classes[c] != intended[c]}
        if wrong:
            raise RuntimeError(f"drug design for {year} does not classify as intended: {wrong}")
        classes_by_year[year] = intended
        for c in codes:
            rows.extend((ind, c, f"year:{year}", str(values[c][ind])) for ind in DRUG_INDICATORS)

    if CLASSIFICATION_YEAR in classes_by_year:
        return rows, classes_by_year[CLASSIFICATION_YEAR]
    free_2025 = set(free_order[: n_free(CLASSIFICATION_YEAR)])
    return rows, {
        c: "I" if c in class_i else "II" if c in class_ii else "drug_free" if c in free_2025 else "III"
        for c in codes
    }
