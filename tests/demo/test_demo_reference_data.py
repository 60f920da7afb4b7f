"""The demo city's non-incident data: population, indicators, targets and personas (Dữ liệu mô phỏng)."""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from antt.demo.indicators import (
    CLASSIFICATION_YEAR,
    IndicatorSet,
    generate_indicators,
    reference_ground_truth,
    write_indicator_set,
    write_indicators,
)
from antt.demo.personas import PERSONAS, write_personas
from antt.demo.population import commune_origins, commune_population, population_in_year, write_population
from antt.demo.targets import write_targets
from antt.domain.people import is_valid_personal_id
from antt.domain.reference import unit_catalog
from antt.domain.units import Level

SEED = 20260514
START = date(2021, 1, 1)
END = date(2026, 6, 30)
REPO = Path(__file__).resolve().parents[2]


def build(out: Path, seed: int) -> IndicatorSet:
    rng = np.random.default_rng(seed)
    population = commune_population(rng)
    write_population(out / "population.csv", population, START.year, END.year)
    data = generate_indicators(rng, population, START, END)
    write_indicator_set(out, data)
    write_targets(out / "targets.yaml")
    write_personas(out / "personas.yaml")
    return data


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IndicatorSet]:
    out = tmp_path_factory.mktemp("demo")
    return out, build(out, SEED)


@pytest.fixture(scope="module")
def population() -> dict[str, int]:
    return commune_population(np.random.default_rng(SEED))


# --- determinism --------------------------------------------------------------------------------------
def test_the_same_seed_writes_byte_identical_files(built: tuple[Path, IndicatorSet], tmp_path: Path) -> None:
    out, _ = built
    build(tmp_path, SEED)
    first, second = digests(out), digests(tmp_path)
    assert set(first) == {
        "population.csv",
        "indicators-city.csv",
        "indicators-eid.csv",
        "indicators-drugs.csv",
        "indicators-traffic.csv",
        "indicators-social.csv",
        "indicators-project06.csv",
        "targets.yaml",
        "personas.yaml",
    }
    assert first == second


def test_write_indicators_writes_what_generate_indicators_returns(tmp_path: Path) -> None:
    rng = np.random.default_rng(SEED)
    population = commune_population(rng)
    paths = write_indicators(tmp_path / "a", rng, population, START, END)
    rng = np.random.default_rng(SEED)
    population = commune_population(rng)
    write_indicator_set(tmp_path / "b", generate_indicators(rng, population, START, END))
    assert [p.name for p in paths] == [
        "indicators-city.csv",
        "indicators-eid.csv",
        "indicators-drugs.csv",
        "indicators-traffic.csv",
        "indicators-social.csv",
        "indicators-project06.csv",
    ]
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_different_seed_changes_the_numbers(built: tuple[Path, IndicatorSet], tmp_path: Path) -> None:
    out, _ = built
    build(tmp_path, SEED + 1)
    first, second = digests(out), digests(tmp_path)
    for name in ("population.csv", "indicators-city.csv", "indicators-eid.csv", "indicators-drugs.csv"):
        assert first[name] != second[name], name
    assert first["targets.yaml"] == second["targets.yaml"]  # real targets do not depend on the seed


def test_every_file_is_nfc_utf8_with_sorted_rows(built: tuple[Path, IndicatorSet]) -> None:
    out, _ = built
    for path in out.iterdir():
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        assert b"\r" not in raw, path.name
        assert unicodedata.normalize("NFC", text) == text, path.name
    for name in (
        "indicators-city.csv",
        "indicators-eid.csv",
        "indicators-drugs.csv",
        "indicators-social.csv",
        "indicators-project06.csv",
    ):
        rows = read_rows(out / name)
        keys = [(r["indicator"], r["unit_code"], r["period"]) for r in rows]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), name
    for name in ("targets.yaml", "personas.yaml"):
        assert yaml.safe_load((out / name).read_text(encoding="utf-8"))["label"] == "Dữ liệu mô phỏng"


# --- social evils, fires, Project 06 (issue 16 items 6 and 7) -----------------------------------------
def test_social_evils_and_fires_are_the_citys_monthly_synthetic_figures(
    built: tuple[Path, IndicatorSet],
) -> None:
    from antt.domain.periods import parse_period
    from antt.services.social_order import SOCIAL_ORDER_INDICATORS

    out, data = built
    rows = read_rows(out / "indicators-social.csv")
    assert list(rows[0]) == ["indicator", "unit_code", "period", "value", "synthetic"]
    assert {r["synthetic"] for r in rows} == {"1"} and {r["unit_code"] for r in rows} == {"31"}
    assert {r["indicator"] for r in rows} == set(SOCIAL_ORDER_INDICATORS)
    periods = sorted({r["period"] for r in rows})
    assert periods[0] == "report-month:2021-02" and periods[-1] == "report-month:2026-06"  # wholly inside
    assert len(rows) == len(periods) * 10 == len(data.social_rows)
    assert all(parse_period(p).start >= START and parse_period(p).end <= END for p in periods)
    value = {(r["indicator"], r["period"]): int(r["value"]) for r in rows}
    for p in periods:
        for kind in ("prostitution_admin", "gambling_admin", "drug_use_admin"):
            assert value[(f"{kind}_persons", p)] >= value[(f"{kind}_cases", p)]  # a case has a person
        assert value[("fire_deaths", p)] <= value[("fire_cases", p)]
        assert (value[("fire_damage_vnd", p)] > 0) == (value[("fire_cases", p)] > 0)
        assert value[("fire_damage_vnd", p)] % 1000 == 0
    assert 100 <= sum(value[("fire_cases", p)] for p in periods[:12]) <= 240  # ≈ 14 a month


def test_project06_figures_are_per_commune_from_july_2024_and_consistent(
    built: tuple[Path, IndicatorSet], population: dict[str, int]
) -> None:
    out, _ = built
    rows = read_rows(out / "indicators-project06.csv")
    assert {r["synthetic"] for r in rows} == {"1"}
    assert len({r["unit_code"] for r in rows}) == 114
    series: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for r in rows:
        series[(r["indicator"], r["unit_code"])].append((r["period"], int(r["value"])))
    periods = [p for p, _ in series[("eid_level2_activated", "11383")]]
    assert periods[0] == "report-month:2024-07" and periods[-1] == "report-month:2026-06"
    assert len(periods) == 24
    for code in population:
        activated = [v for _, v in series[("eid_level2_activated", code)]]
        collected = [v for _, v in series[("eid_level2_collected", code)]]
        cards = [v for _, v in series[("chip_id_cards_issued", code)]]
        assert activated == sorted(activated) and collected == sorted(collected) and cards == sorted(cards)
        assert all(a <= c <= k for a, c, k in zip(activated, collected, cards, strict=True)), code
        assert cards[-1] <= population[code]  # cards of the residents aged 14 and over, and a few more
    city_activated = sum(series[("eid_level2_activated", c)][-1][1] for c in population)
    assert 0.6 * 0.78 * sum(population.values()) <= city_activated <= 0.97 * 0.78 * sum(population.values())


# --- population ---------------------------------------------------------------------------------------
def test_population_matches_published_totals_and_origin_split(population: dict[str, int]) -> None:
    communes = {u.code: u for u in unit_catalog().in_scheme("2025-07", Level.COMMUNE)}
    assert set(population) == set(communes) and len(population) == 114
    assert abs(sum(population.values()) - 4_100_000) <= 0.03 * 4_100_000
    origins = commune_origins()
    old_hp = sum(v for c, v in population.items() if origins[c] == "31")
    old_hd = sum(v for c, v in population.items() if origins[c] == "30")
    assert abs(old_hp - 2_400_000) <= 0.05 * 2_400_000
    assert abs(old_hd - 1_700_000) <= 0.05 * 1_700_000
    assert 900 <= population["11948"] <= 1_100  # Bạch Long Vĩ
    assert 35_000 <= population["11914"] <= 45_000  # Cát Hải

    def density(kind: str) -> float:
        units = [u for u in communes.values() if u.kind == kind]
        return float(np.median([population[u.code] / (u.area_km2 or 1.0) for u in units]))

    assert density("ward") > 1.5 * density("commune")
    half = commune_population(np.random.default_rng(SEED), scale=0.5)
    assert abs(sum(half.values()) - 2_050_000) <= 2


def test_population_file_grows_about_08_percent_a_year(
    built: tuple[Path, IndicatorSet], population: dict[str, int]
) -> None:
    out, _ = built
    rows = read_rows(out / "population.csv")
    assert list(rows[0]) == ["unit_code", "year", "population"]
    assert len(rows) == 114 * (END.year - START.year + 1)
    by_year: dict[int, int] = defaultdict(int)
    for r in rows:
        by_year[int(r["year"])] += int(r["population"])
    assert by_year[2025] == sum(population.values())
    assert 1.006 < by_year[2026] / by_year[2025] < 1.010
    assert 1.006 < by_year[2022] / by_year[2021] < 1.010


# --- city indicators ----------------------------------------------------------------------------------
def test_published_city_values_appear_exactly(built: tuple[Path, IndicatorSet]) -> None:
    out, _ = built
    rows = {(r["indicator"], r["period"]): r for r in read_rows(out / "indicators-city.csv")}
    published = {
        ("grdp_growth_pct", "year:2024"): "11.01",
        ("grdp_growth_pct", "year:2025"): "11.81",
        ("grdp_plan_pct", "year:2025"): "12.35",
        ("pci_score", "year:2022"): "70.76",
        ("pci_rank", "year:2022"): "3",
        ("pci_score", "year:2024"): "74.84",
        ("pci_rank", "year:2024"): "1",
        ("par_index_pct", "year:2023"): "91.81",
        ("par_rank", "year:2023"): "2",
        ("par_index_pct", "year:2024"): "96.17",
        ("par_rank", "year:2024"): "1",
    }
    for key, value in published.items():
        assert rows[key]["value"] == value, key
        assert rows[key]["synthetic"] == "0" and rows[key]["source"].startswith("REFERENCE §8"), key
    invented = [r for k, r in rows.items() if k not in published]
    assert invented and all(r["synthetic"] == "1" and r["source"] == "mô phỏng" for r in invented)
    assert all(r["unit_code"] == "31" for r in rows.values())
    grdp = [float(rows[("grdp_growth_pct", f"year:{y}")]["value"]) for y in range(2021, 2026)]
    assert all(g > 11 for g in grdp[:3])  # "over 11 % a year in 2021-2023"
    assert sum(grdp) / 5 == pytest.approx(11.56, abs=0.005)


# --- e-ID ---------------------------------------------------------------------------------------------
def eid_series(out: Path) -> dict[str, dict[str, dict[str, int]]]:
    """indicator -> commune -> period -> value."""
    series: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for r in read_rows(out / "indicators-eid.csv"):
        series[r["indicator"]][r["unit_code"]][r["period"]] = int(r["value"])
    return series


def test_eid_activation_never_decreases_and_matches_the_june_2023_figure(
    built: tuple[Path, IndicatorSet],
) -> None:
    out, data = built
    series = eid_series(out)
    assigned, collected, activated = (
        series["eid_accounts_assigned"],
        series["eid_accounts_collected"],
        series["eid_accounts_activated"],
    )
    assert len(activated) == 114
    months = sorted(activated["11383"])
    assert months[0] == "month:2021-01" and months[-1] == "month:2026-06" and len(months) == 66
    for code, values in activated.items():
        ordered = [values[m] for m in months]
        assert ordered == sorted(ordered), code
        assert all(collected[code][m] >= values[m] for m in months), code

    origins = commune_origins()
    old_hp = [c for c in activated if origins[c] == "31"]
    june = "month:2023-06"
    overall = sum(activated[c][june] for c in old_hp) / sum(assigned[c][june] for c in old_hp)
    mean = float(np.mean([activated[c][june] / assigned[c][june] for c in old_hp]))
    assert abs(overall - 0.3849) <= 0.08 and abs(mean - 0.3849) <= 0.08  # 449,470 / 1,167,685

    def share_over_target(codes: list[str], month: str) -> float:
        return float(np.mean([activated[c][month] >= assigned[c][month] for c in codes]))

    old_hd = [c for c in activated if origins[c] == "30"]
    assert share_over_target(old_hp, "month:2023-12") > 0.8  # crossed 100 % in mid/late 2023
    assert share_over_target(old_hd, "month:2023-12") < share_over_target(old_hd, "month:2024-12")
    lagging = set(data.eid_lagging)
    assert 3 <= len(lagging) <= 5
    for code in activated:
        below = [activated[code][m] < assigned[code][m] for m in months if m >= "month:2025-01"]
        assert all(below) if code in lagging else not any(below), code


# --- drugs --------------------------------------------------------------------------------------------
# QĐ 28/2025/QĐ-TTg (REFERENCE §1.2): (users share, places, arrested share, plants) per class; the loại II
# bands are [L] and its plant band is the demo's assumption.
LEVELS = {"I": (0.005, 2, 0.001, 3000), "II": (0.0025, 1, 0.0005, 500)}


def criteria_count(v: dict[str, int], residents: int, level: str) -> int:
    """Criteria a–đ met at one level, read independently of the generator's code."""
    users, places, arrested, plants = LEVELS[level]
    any_drug = sum(
        v[k] > 0
        for k in (
            "drug_users_managed",
            "drug_use_places",
            "drug_offenders_arrested",
            "narcotic_plants_destroyed",
        )
    )
    return sum(
        [
            v["drug_users_managed"] >= users * residents,
            v["drug_use_places"] >= places,
            v["drug_offenders_arrested"] >= arrested * residents,
            v["narcotic_plants_destroyed"] >= plants,
            v["on_key_route"] == 1 and any_drug >= 2,
        ]
    )


def drug_class(v: dict[str, int], residents: int) -> str:
    if criteria_count(v, residents, "I") >= 3:
        return "I"
    if criteria_count(v, residents, "II") >= 3:
        return "II"
    if v["drug_users_managed"] == v["drug_use_places"] == v["drug_offenders_arrested"] == 0:
        return "drug_free"
    return "III"


def test_drug_data_meets_the_2025_target_and_classifies_as_intended(
    built: tuple[Path, IndicatorSet], population: dict[str, int]
) -> None:
    out, data = built
    values: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in read_rows(out / "indicators-drugs.csv"):
        values[(r["period"], r["unit_code"])][r["indicator"]] = int(r["value"])
    assert {p for p, _ in values} == {f"year:{y}" for y in range(2021, END.year + 1)}

    residents = population_in_year(population, 2025)
    classes = {c: drug_class(values[("year:2025", c)], residents[c]) for c in population}
    counts = {k: sum(1 for v in classes.values() if v == k) for k in ("I", "II", "III", "drug_free")}
    assert counts["drug_free"] >= 35  # 30 % of 114 by end-2025
    assert 1 <= counts["I"] <= 3 and 3 <= counts["II"] <= 6
    assert counts["drug_free"] + counts["III"] > 100
    assert classes == reference_ground_truth(data)["drug_classification_intended"]

    users = sum(values[("year:2025", c)]["drug_users_managed"] for c in population)
    assert users / sum(residents.values()) == pytest.approx(0.0023, abs=0.0003)
    route = [c for c in population if values[("year:2025", c)]["on_key_route"] == 1]
    assert 8 <= len(route) <= 12
    free_by_year = [
        sum(
            1
            for c in population
            if drug_class(values[(f"year:{y}", c)], population_in_year(population, y)[c]) == "drug_free"
        )
        for y in range(2021, END.year + 1)
    ]
    assert free_by_year == sorted(free_by_year) and free_by_year[0] < free_by_year[-1]


def test_the_ground_truth_names_what_the_generator_intended(
    built: tuple[Path, IndicatorSet], population: dict[str, int]
) -> None:
    _, data = built
    truth = reference_ground_truth(data)
    assert truth["population_total"] == sum(population.values())
    assert truth["eid_lagging_communes"] == sorted(data.eid_lagging)
    assert truth["drug_classification_year"] == CLASSIFICATION_YEAR
    intended = truth["drug_classification_intended"]
    assert isinstance(intended, dict) and set(intended) == set(population)


# --- targets ------------------------------------------------------------------------------------------
def test_targets_yaml_holds_the_citys_targets_with_sources(built: tuple[Path, IndicatorSet]) -> None:
    out, _ = built
    doc = yaml.safe_load((out / "targets.yaml").read_text(encoding="utf-8"))
    assert doc["version"] >= 2  # raised with every edit of the file
    targets = {t["id"]: t for t in doc["targets"]}
    groups = {"crime_reduction_and_clearance", "drugs", "eid_project06", "socio_economic"}
    for t in doc["targets"]:
        assert t["group"] in groups and t["unit_scope"] == "city", t["id"]
        if t["source_status"] == "none":  # no document sets it: shown "chưa có văn bản", no source claimed
            assert not t["source"] and "document" not in t, t["id"]
            continue
        assert t["confidence"] in {"H", "M", "L"}, t["id"]
        assert t["source"] and t["source_url"].startswith("http"), t["id"]
    assert len(targets) == len(doc["targets"])

    clearance = targets["clearance-rate"]
    assert clearance["indicator"] == "clearance_rate"
    assert clearance["rule"] == {"kind": "threshold", "op": ">", "value": 75}
    assert "NQ 96/2019/QH14" in clearance["source"] and clearance["confidence"] == "M"
    serious = targets["clearance-rate-very-serious"]
    assert serious["rule"] == {"kind": "threshold", "op": ">", "value": 90}
    assert "NQ 96/2019/QH14" in serious["source"] and serious["confidence"] == "M"
    drug_free = targets["drug-free-communes-2025"]
    assert drug_free["indicator"] == "drug_free_communes_share"
    assert drug_free["rule"] == {
        "kind": "cumulative_by_deadline",
        "op": ">=",
        "value": 30,
        "deadline": date(2025, 12, 31),
    }
    assert "thành phố không ma túy" in drug_free["source"]
    later = {
        t["rule"]["deadline"].year: t["rule"]["value"] for t in targets.values() if t["group"] == "drugs"
    }
    assert later == {2025: 30, 2027: 45, 2030: 60, 2035: 100}
    assert targets["social-order-crime-reduction"]["rule"]["max_ratio"] == 0.95
    assert targets["grdp-growth-2025"]["rule"]["value"] == 12.35
    assert {targets["pci-rank"]["rule"]["value"], targets["par-rank"]["rule"]["value"]} == {3}
    assert "QĐ 06/QĐ-TTg" in targets["eid-activation"]["source"]


# --- personas -----------------------------------------------------------------------------------------
def test_personas_cover_every_role_with_units_of_the_current_scheme(built: tuple[Path, IndicatorSet]) -> None:
    out, _ = built
    doc = yaml.safe_load((out / "personas.yaml").read_text(encoding="utf-8"))
    personas = {p["username"]: p for p in doc["personas"]}
    assert len(personas) == 6 == len(PERSONAS)
    assert {p["role"] for p in personas.values()} == {
        "leader",
        "analyst",
        "commune_officer",
        "administrator",
        "auditor",
    }
    catalog = unit_catalog()
    for username, code, name in (
        ("cax_lechan", "11383", "Phường Lê Chân"),
        ("cax_anlao", "11629", "Xã An Lão"),
    ):
        assert personas[username]["units"] == [code]
        unit = catalog.get("2025-07", code)
        assert unit.name == name and unit.level is Level.COMMUNE
        assert name.lower() in personas[username]["title_vi"].lower()  # "Cán bộ Công an phường Lê Chân"
    for p in personas.values():
        assert p["username"].isascii() and p["oidc_sub"] == f"demo-{p['username']}"
        assert p["assurance_level"] == "LoA2"
        assert all(catalog.find("2025-07", c) is not None for c in p["units"])


def test_persona_ids_are_fake_valid_and_used_nowhere_else(built: tuple[Path, IndicatorSet]) -> None:
    out, _ = built
    doc = yaml.safe_load((out / "personas.yaml").read_text(encoding="utf-8"))
    ids = [p["personal_id"] for p in doc["personas"]]
    assert len(set(ids)) == 6
    for pid in ids:
        assert isinstance(pid, str) and len(pid) == 12 and pid.isdigit() and pid.startswith("031")
        assert is_valid_personal_id(pid) and pid[3] in "0123"
    here = Path(__file__).resolve()
    sources = [
        p
        for folder in ("antt", "tests")
        for p in (REPO / folder).rglob("*")
        if p.suffix in {".py", ".csv", ".yaml", ".json"}
    ]
    generated = [p for p in out.iterdir() if p.name != "personas.yaml"]
    for path in sources + generated:
        if path.resolve() in (here, REPO / "antt" / "demo" / "personas.py"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not any(pid in text for pid in ids), path


def test_a_later_end_date_leaves_earlier_values_unchanged() -> None:
    """The demo is rebuilt up to 'yesterday': a new day must not rewrite the past."""
    shorter = generate_indicators(*_seeded(), START, END)
    longer = generate_indicators(*_seeded(), START, date(END.year + 1, 12, 31))

    last_month, last_year = f"month:{END:%Y-%m}", f"year:{END.year}"
    assert set(shorter.eid_rows) == {r for r in longer.eid_rows if r[2] <= last_month}
    assert set(shorter.drug_rows) == {r for r in longer.drug_rows if r[2] <= last_year}
    assert shorter.drug_classes == longer.drug_classes and shorter.eid_lagging == longer.eid_lagging


def _seeded() -> tuple[np.random.Generator, dict[str, int]]:
    rng = np.random.default_rng(SEED)
    return rng, commune_population(rng)
