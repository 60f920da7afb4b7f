"""A commune's profile (parent, area, population, neighbours, predecessors), populations for rates, and
the commune map — each within the actor's scope."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from antt.domain.access import Actor
from antt.domain.reference import unit_catalog
from antt.domain.units import Transfer
from antt.errors import NotFound
from antt.services.geo import commune_map, commune_map_json, neighbours
from antt.services.indicators import import_indicators
from antt.services.units import populations, unit_profile

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
SCHEME = "2025-07"
LE_CHAN, HONG_BANG, BACH_LONG_VI, THANH_DONG = "11383", "11311", "11948", "10507"
OFFICER = Actor(name="le-chan-officer", units=frozenset({(SCHEME, LE_CHAN)}))


def load_population(database, settings, actor, tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["indicator", "unit_code", "period", "value"])
        writer.writerows(
            [
                ["population", LE_CHAN, "year:2025", "100000"],
                ["population", LE_CHAN, "year:2026", "101000"],
                ["population", HONG_BANG, "year:2025", "80000"],
            ]
        )
    import_indicators(database, settings, actor, path, unit_scheme=SCHEME, now=NOW)


# --- neighbours ---------------------------------------------------------------------------------------


def test_neighbours_share_a_border() -> None:
    adjacent = neighbours(SCHEME)
    # Lê Chân borders Hồng Bàng on the map data; the island Bạch Long Vĩ and Thành Đông (former Hải Dương
    # city, 40 km west) do not border it
    assert HONG_BANG in adjacent[LE_CHAN]
    assert set(adjacent[LE_CHAN]) == {HONG_BANG, "11359", "11407", "11689"}
    assert BACH_LONG_VI not in adjacent[LE_CHAN] and THANH_DONG not in adjacent[LE_CHAN]
    assert adjacent[BACH_LONG_VI] == ()  # 100 km out at sea
    assert len(adjacent) == 114


def test_neighbourhood_is_symmetric_and_never_reflexive() -> None:
    adjacent = neighbours(SCHEME)
    for code, others in adjacent.items():
        assert code not in others
        for other in others:
            assert code in adjacent[other], (code, other)


def test_a_scheme_without_boundaries_has_no_neighbours() -> None:
    assert neighbours("2025-01") == {}


# --- profile --------------------------------------------------------------------------------------------


def test_a_commune_profile(database, settings, actor, tmp_path) -> None:
    load_population(database, settings, actor, tmp_path)
    profile = unit_profile(database, actor, LE_CHAN, as_of=date(2026, 10, 31))
    catalog = unit_catalog()
    assert profile.unit == catalog.get(SCHEME, LE_CHAN)
    assert profile.parent is not None and (profile.parent.code, profile.parent.level.value) == (
        "31",
        "province",
    )
    assert profile.area_km2 == catalog.get(SCHEME, LE_CHAN).area_km2 and profile.area_km2
    assert profile.population is not None
    assert (profile.population.value, profile.population.period) == (101_000, "year:2026")
    assert {u.code for u in profile.neighbours} == {HONG_BANG, "11359", "11407", "11689"}
    assert all(u.scheme == SCHEME for u in profile.neighbours)
    # the crosswalk: four wards merged whole, four in part (one of them, 11407, also went to An Biên)
    formed_from = {(c.old.scheme, c.old.code): c.transfer for c in profile.predecessors}
    assert formed_from == {
        ("2025-01", "11344"): Transfer.PART,
        ("2025-01", "11365"): Transfer.PART,
        ("2025-01", "11371"): Transfer.PART,
        ("2025-01", "11383"): Transfer.PART,
        ("2025-01", "11395"): Transfer.WHOLE,
        ("2025-01", "11404"): Transfer.WHOLE,
        ("2025-01", "11405"): Transfer.WHOLE,
        ("2025-01", "11407"): Transfer.PART,
    }
    assert all(c.new == profile.unit for c in profile.predecessors)
    assert unit_profile(database, actor, HONG_BANG, as_of=date(2026, 10, 31)).population.value == 80_000


def test_a_profile_without_population_says_so(database, actor) -> None:
    assert unit_profile(database, actor, LE_CHAN).population is None


def test_a_scoped_actor_sees_only_its_commune(database, settings, actor, tmp_path) -> None:
    load_population(database, settings, actor, tmp_path)
    assert unit_profile(database, OFFICER, LE_CHAN).unit.code == LE_CHAN
    # neighbours are reference geography: listed even though the officer may not open them
    assert HONG_BANG in {u.code for u in unit_profile(database, OFFICER, LE_CHAN).neighbours}
    for code in (HONG_BANG, "31", "99999"):
        with pytest.raises(NotFound):
            unit_profile(database, OFFICER, code)
    assert populations(database, OFFICER, date(2026, 6, 30)) == {LE_CHAN: 101_000}


@pytest.mark.parametrize("code", ["31", "99999", "303"])  # the city, nothing, a 2025-01 district
def test_only_current_communes_have_a_profile(database, actor, code) -> None:
    with pytest.raises(NotFound):
        unit_profile(database, actor, code)


# --- populations ------------------------------------------------------------------------------------------


def test_populations_come_from_the_imported_indicator(database, settings, actor, tmp_path) -> None:
    load_population(database, settings, actor, tmp_path)
    assert populations(database, actor, date(2025, 6, 30)) == {LE_CHAN: 100_000, HONG_BANG: 80_000}
    assert populations(database, actor, date(2026, 1, 1)) == {LE_CHAN: 101_000, HONG_BANG: 80_000}
    assert populations(database, actor, date(2024, 12, 31)) == {}  # no figure had begun yet


def test_the_demo_population_covers_every_commune(demo_database, actor) -> None:
    people = populations(demo_database, actor, date(2026, 6, 30))
    assert len(people) == 114 and 3_900_000 < sum(people.values()) < 4_300_000


# --- the commune map -----------------------------------------------------------------------------------------


def test_the_map_has_every_commune_small_and_rounded(actor) -> None:
    data = commune_map(actor)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 114
    codes = {f["properties"]["code"] for f in data["features"]}
    assert codes == {u.code for u in unit_catalog().in_scheme(SCHEME) if u.level.value == "commune"}
    le_chan = next(f for f in data["features"] if f["properties"]["code"] == LE_CHAN)
    assert le_chan["properties"] == {"code": LE_CHAN, "name": "Phường Lê Chân", "short_name": "Lê Chân"}
    size = len(commune_map_json(actor))
    assert 100_000 < size < 300_000  # the shipped file is 714 kB
    for feature in data["features"]:
        polygons = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "Polygon":
            polygons = [polygons]
        for ring in (r for p in polygons for r in p):
            assert len(ring) >= 4 and ring[0] == ring[-1]
            assert all(round(x, 5) == x and round(y, 5) == y for x, y in ring)
            assert all(102 < x < 110 and 18 < y < 23 for x, y in ring)


def test_a_scoped_actor_gets_only_its_commune_on_the_map() -> None:
    data = commune_map(OFFICER)
    assert [f["properties"]["code"] for f in data["features"]] == [LE_CHAN]
    assert json.loads(commune_map_json(OFFICER)) == data
    nobody = Actor(name="outsider", units=frozenset())
    assert commune_map(nobody)["features"] == []


def test_the_map_is_a_fresh_copy(actor) -> None:
    commune_map(actor)["features"].clear()
    assert len(commune_map(actor)["features"]) == 114
