"""Social evils and fires, this period against the same period last year (issue 16 item 6): the figures
checked by hand against the values imported, with the coverage, city-from-communes and disclosure rules."""

from __future__ import annotations

import csv
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.domain.periods import parse_period
from antt.errors import NotFound
from antt.services.indicators import import_indicators
from antt.services.social_order import SOCIAL_ORDER_INDICATORS, social_order_comparison, tiles

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
AS_OF = date(2026, 11, 20)
OCTOBER = parse_period("report-month:2026-10")  # 15/09/2026 – 14/10/2026
THREE_MONTHS = parse_period("custom:2026-07-15..2026-10-14")  # report months 2026-08, -09, -10
LE_CHAN, NGO_QUYEN, HONG_BANG = "11383", "11329", "11311"

CITY_ROWS = [
    ("gambling_admin_cases", "31", "report-month:2026-08", 10),
    ("gambling_admin_cases", "31", "report-month:2026-09", 11),
    ("gambling_admin_cases", "31", "report-month:2026-10", 24),
    ("gambling_admin_cases", "31", "report-month:2025-10", 20),
    ("gambling_admin_persons", "31", "report-month:2026-10", 92),
    ("gambling_admin_persons", "31", "report-month:2025-10", 80),
    ("prostitution_admin_cases", "31", "report-month:2026-10", 6),
    ("prostitution_admin_cases", "31", "report-month:2025-10", 4),
    ("fire_cases", "31", "report-month:2026-10", 9),
    ("fire_cases", "31", "report-month:2025-10", 12),
    ("fire_deaths", "31", "report-month:2026-10", 0),
    ("fire_deaths", "31", "report-month:2025-10", 0),
    ("fire_injuries", "31", "report-month:2026-10", 2),
    ("fire_damage_vnd", "31", "report-month:2026-10", 1_094_087_000),
    ("fire_damage_vnd", "31", "report-month:2025-10", 500_000_000),
]


def load(database, settings, tmp_path: Path, rows, name: str = "v.csv") -> None:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["indicator", "unit_code", "period", "value"])
        writer.writerows(rows)
    import_indicators(database, settings, Actor.system("t"), path, now=NOW, unit_scheme="2025-07")


@pytest.fixture
def city(database, settings, tmp_path):
    load(database, settings, tmp_path, CITY_ROWS)
    return database


def test_the_months_must_tile_the_period() -> None:
    halves = [(date(2026, 9, 15), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 14))]
    assert tiles(OCTOBER, halves) and not tiles(OCTOBER, halves[:1]) and not tiles(OCTOBER, [])
    assert not tiles(OCTOBER, [halves[0], (date(2026, 9, 30), date(2026, 10, 14))])  # overlapping


def test_the_citys_figures_against_the_same_period_last_year(city) -> None:
    result = social_order_comparison(city, Actor.system("t"), OCTOBER, as_of=AS_OF)
    assert result.scope.code == "31" and result.compare.key == "report-month:2025-10"
    assert list(result.figures) == list(SOCIAL_ORDER_INDICATORS)
    gambling = result["gambling_admin_cases"]
    assert (gambling.current, gambling.previous, gambling.change) == (24.0, 20.0, 4.0)
    assert gambling.pct_change == pytest.approx(20.0) and not gambling.small_base  # (24 − 20) / 20
    prostitution = result["prostitution_admin_cases"]  # 4 cases a year ago: a small base
    assert (prostitution.change, prostitution.pct_change, prostitution.small_base) == (2.0, 50.0, True)
    fires = result["fire_cases"]
    assert (fires.change, fires.pct_change) == (-3.0, -25.0)  # (9 − 12) / 12
    damage = result["fire_damage_vnd"]
    assert damage.change == 594_087_000.0
    assert damage.pct_change == pytest.approx(118.8174)  # 594.087.000 / 500.000.000
    deaths = result["fire_deaths"]
    assert (deaths.current, deaths.change, deaths.pct_change) == (0.0, 0.0, None)  # no base
    injuries = result["fire_injuries"]  # none imported for last year: no comparison, not a zero
    assert (injuries.current, injuries.previous, injuries.change) == (2.0, None, None)
    assert result["drug_use_admin_cases"].current is None  # not imported at all
    assert result.has_social_evils and result.has_fires
    document = result.document()
    assert document["period"] == "report-month:2026-10" and len(document["figures"]) == 10


def test_a_longer_window_adds_its_months_only_when_they_cover_it(city) -> None:
    result = social_order_comparison(city, Actor.system("t"), THREE_MONTHS, as_of=AS_OF)
    assert result["gambling_admin_cases"].current == 45.0  # 10 + 11 + 24
    assert result["gambling_admin_cases"].previous is None  # last year: only one month of three
    assert result["prostitution_admin_cases"].current is None  # only October: not understated
    running = social_order_comparison(city, Actor.system("t"), OCTOBER, as_of=date(2026, 10, 10))
    assert running["gambling_admin_cases"].current is None  # the month has not ended on the day
    assert not running.has_social_evils


def test_the_city_sums_its_communes_when_it_has_no_figure_of_its_own(database, settings, tmp_path) -> None:
    load(
        database,
        settings,
        tmp_path,
        [
            ("fire_cases", LE_CHAN, "report-month:2026-10", 3),
            ("fire_cases", HONG_BANG, "report-month:2026-10", 4),
            ("fire_cases", LE_CHAN, "report-month:2025-10", 1),
            ("gambling_admin_cases", LE_CHAN, "report-month:2026-10", 5),
            ("gambling_admin_cases", NGO_QUYEN, "custom:2026-09-15..2026-09-30", 2),  # half a month
        ],
    )
    city = social_order_comparison(database, Actor.system("t"), OCTOBER, as_of=AS_OF)
    assert (city["fire_cases"].current, city["fire_cases"].previous) == (7.0, 1.0)  # 3 + 4; 1
    assert city["gambling_admin_cases"].current is None  # Ngô Quyền's half month would understate it
    commune = social_order_comparison(database, Actor.system("t"), OCTOBER, unit_code=LE_CHAN, as_of=AS_OF)
    assert commune.scope.code == LE_CHAN
    assert (commune["fire_cases"].current, commune["gambling_admin_cases"].current) == (3.0, 5.0)


def test_small_drug_use_figures_are_hidden_from_an_officer_without_the_privilege(
    database, settings, tmp_path
) -> None:
    load(
        database,
        settings,
        tmp_path,
        [
            ("drug_use_admin_persons", LE_CHAN, "report-month:2026-08", 6),
            ("drug_use_admin_persons", LE_CHAN, "report-month:2026-09", 2),
            ("drug_use_admin_persons", LE_CHAN, "report-month:2026-10", 3),
            ("drug_use_admin_persons", LE_CHAN, "report-month:2025-10", 0),
            ("gambling_admin_persons", LE_CHAN, "report-month:2026-10", 3),
        ],
    )
    scope = frozenset({("2025-07", LE_CHAN)})
    officer = Actor.for_user("cán bộ xã", [Grant(Role.COMMUNE_OFFICER, scope)])
    leader = Actor.for_user("lãnh đạo", [Grant(Role.LEADER, scope)])

    seen = social_order_comparison(database, officer, OCTOBER, as_of=AS_OF)  # their one commune
    drug = seen["drug_use_admin_persons"]
    assert (drug.current, drug.current_label, drug.previous, drug.previous_label) == (None, "<5", 0.0, None)
    assert drug.change is None and drug.pct_change is None  # nothing gives the hidden count back
    assert seen["gambling_admin_persons"].current == 3.0  # not a sensitive figure
    quarter = social_order_comparison(database, officer, THREE_MONTHS, as_of=AS_OF)
    assert quarter["drug_use_admin_persons"].current_label == "x"  # 11, but September's 2 is inside

    full = social_order_comparison(database, leader, THREE_MONTHS, as_of=AS_OF)
    assert full["drug_use_admin_persons"].current == 11.0  # 6 + 2 + 3
    assert (
        social_order_comparison(database, leader, OCTOBER, as_of=AS_OF)["drug_use_admin_persons"].current
        == 3.0
    )


def test_a_commune_outside_the_scope_is_not_found(database) -> None:
    officer = Actor.for_user("cán bộ xã", [Grant(Role.COMMUNE_OFFICER, frozenset({("2025-07", LE_CHAN)}))])
    with pytest.raises(NotFound):
        social_order_comparison(database, officer, OCTOBER, unit_code=HONG_BANG, as_of=AS_OF)


def test_the_indicator_api_hides_small_drug_use_and_prostitution_values_too() -> None:
    from antt.services.disclosure import indicator_points

    officer = Actor.for_user("cán bộ xã", [Grant(Role.COMMUNE_OFFICER, frozenset({("2025-07", LE_CHAN)}))])
    day = date(2026, 10, 14)
    for name in ("drug_use_admin_persons", "prostitution_admin_cases"):
        (point,) = indicator_points(officer, name, [(LE_CHAN, "report-month:2026-10", day, day, 3.0)])
        assert point["value"] is None and point["suppressed"], name
    (gambling,) = indicator_points(officer, "gambling_admin_persons", [(LE_CHAN, "m", day, day, 3.0)])
    assert gambling["value"] == 3.0
