"""Small counts of sensitive categories (drug offences, sexual offences, drug users) are hidden from roles
without the privilege — in CompStat documents, time series, the grid, indicator values, the incident list
and the report — and nothing shown gives them back; the privileged and the operator see every number.

The city is hand-counted in :mod:`tests.disclosure_data`."""

from __future__ import annotations

import pytest

from antt.domain.access import SUPPRESSED_LABEL, Actor
from antt.services.compstat import By, compstat, result_document
from antt.services.disclosure import (
    Disclosure,
    compstat_document,
    grid_figures,
    hidden_fields,
    indicator_points,
    is_small,
    series_figures,
)
from antt.services.incidents import list_incidents
from antt.services.indicators import indicator_values
from antt.services.reports import build_report
from antt.services.trends import Step, series, weekday_hour
from tests.disclosure_data import (
    HONG_BANG,
    HONG_BANG_OFFICER,
    LE_CHAN,
    LE_CHAN_ANALYST,
    LEADER,
    MIXED,
    OCTOBER,
    OFFICER,
    load_city,
)

DERIVED = {"change", "pct_change", "z", "signal", "approximate_share", "clearance_rate"}


@pytest.fixture
def city(database, settings, tmp_path):
    load_city(database, settings, tmp_path)
    return database


def document(database, actor: Actor, **kw) -> dict:
    return compstat_document(actor, result_document(compstat(database, actor, OCTOBER, **kw)))


def row(doc: dict, group: str = "drugs", unit: str | None = None) -> dict:
    found = [r for r in doc["rows"] if r["group"] == group and unit in (None, r["unit_code"])]
    assert len(found) == 1
    return found[0]


def test_one_to_four_is_small_and_zero_and_five_are_not() -> None:
    assert [is_small(n) for n in (0, 1, 4, 5, 12)] == [False, True, True, False, False]
    assert hidden_fields({"current": 0, "previous": 5, "grave": 0, "suspects": 7}) == frozenset()
    assert hidden_fields({"current": 3, "previous": 7}) >= {"current"} | DERIVED
    assert "previous" not in hidden_fields({"current": 3, "previous": 7})
    assert hidden_fields({"current": 9, "previous": 2}) >= {"previous", "previous_clearance_rate", "z"}
    assert hidden_fields({"current": 9, "previous": 9, "grave": 1}) == {"grave", "grave_clearance_rate"}


def test_the_commune_officer_sees_neither_the_small_drug_count_nor_what_gives_it_back(city) -> None:
    doc = document(city, OFFICER, unit_code=LE_CHAN, by=By.GROUP)
    drugs = row(doc)
    for field in ("current", "previous", "change", "pct_change", "z", "signal", "clearance_rate"):
        assert drugs[field] is None, field
    assert drugs["grave"] is None and drugs["grave_clearance_rate"] is None  # 1 very serious case
    assert drugs["suspects"] is None and drugs["approximate_share"] is None
    assert drugs["organised_group"] == 0  # zero is shown
    assert drugs["suppressed"] is True and {"current", "previous", "change", "z"} <= set(
        drugs["suppressed_fields"]
    )
    # social order holds the two sexual offences: a mixed count, shown; so are the totals of all groups
    social = row(doc, "social_order")
    assert (social["current"], social["previous"], social["suppressed"]) == (8, 4, False)
    assert (doc["totals"]["current"], doc["totals"]["previous"], doc["totals"]["suppressed"]) == (
        11,
        6,
        False,
    )
    assert all(not r["suppressed"] for r in doc["rows"] if r["group"] != "drugs")


@pytest.mark.parametrize("actor", [LEADER, LE_CHAN_ANALYST, Actor.system("cli")], ids=lambda a: a.name)
def test_the_privileged_and_the_operator_see_the_exact_numbers(city, actor) -> None:
    drugs = row(document(city, actor, unit_code=LE_CHAN, by=By.GROUP))
    assert (drugs["current"], drugs["previous"], drugs["change"], drugs["grave"], drugs["suspects"]) == (
        3,
        2,
        1,
        1,
        3,
    )
    assert drugs["clearance_rate"] == pytest.approx(33.3) and drugs["suppressed"] is False
    assert drugs["suppressed_fields"] == []


def test_zero_stays_zero_and_five_or_more_is_shown(city) -> None:
    drugs = row(document(city, HONG_BANG_OFFICER, unit_code=HONG_BANG, by=By.GROUP))
    assert (drugs["current"], drugs["previous"], drugs["change"], drugs["suppressed"]) == (6, 0, 6, False)
    assert drugs["z"] == pytest.approx(4.9, abs=0.01) and drugs["suspects"] == 6


def test_a_figure_of_several_communes_needs_the_privilege_on_each(city) -> None:
    doc = document(city, MIXED, group="drugs", by=By.UNIT)
    hong_bang, le_chan = row(doc, unit=HONG_BANG), row(doc, unit=LE_CHAN)
    assert (hong_bang["current"], hong_bang["suppressed"]) == (6, False)
    assert le_chan["current"] is None and le_chan["suppressed"]
    # both communes: 9 now (shown), 2 before (only Lê Chân's: hidden), so no change either
    totals = doc["totals"]
    assert (totals["current"], totals["previous"], totals["change"], totals["z"]) == (9, None, None, None)
    drivers = {c["unit_code"]: c for c in doc["contributors"]}
    assert drivers[HONG_BANG]["change"] == 6 and not drivers[HONG_BANG]["suppressed"]
    assert drivers[LE_CHAN]["change"] is None and drivers[LE_CHAN]["share"] is None
    assert drivers[LE_CHAN]["suppressed"]
    assert Disclosure(MIXED).sees(HONG_BANG) and not Disclosure(MIXED).sees(LE_CHAN)
    assert not Disclosure(MIXED).sees(None)


def test_the_officers_whole_scope_is_their_commune_and_is_hidden_too(city) -> None:
    doc = document(city, OFFICER, group="drugs", by=By.UNIT)  # no unit: the city as the officer sees it
    assert doc["totals"]["current"] is None and doc["totals"]["previous"] is None
    assert row(doc, unit=LE_CHAN)["current"] is None
    assert [c["change"] for c in doc["contributors"]] == [None]
    by_group = document(city, OFFICER, group="drugs", by=By.GROUP)
    assert row(by_group)["current"] is None and by_group["totals"]["current"] is None
    assert [c["change"] for c in by_group["contributors"]] == [None]
    cells = document(city, OFFICER, by=By.UNIT_GROUP)
    assert row(cells, unit=LE_CHAN)["current"] is None and row(cells, "social_order")["current"] == 8


def test_series_and_grid_of_the_drug_group_hide_their_small_counts(city) -> None:
    trend = series(city, OFFICER, OCTOBER, unit_code=LE_CHAN, group="drugs", step=Step.DAY)
    shown = series_figures(OFFICER, trend)
    assert trend.total == 3 and shown.total is None and shown.last_year_total is None and shown.suppressed
    assert set(shown.current) == {None, 0} and set(shown.last_year) == {None, 0}
    assert shown.current.count(None) == 3 and shown.bin_suppressed(2) and not shown.bin_suppressed(20)
    assert series_figures(LEADER, trend).current == trend.current
    grid = grid_figures(OFFICER, weekday_hour(city, OFFICER, OCTOBER, unit_code=LE_CHAN, group="drugs"))
    assert grid.total is None and grid.at_midnight == 0 and grid.suppressed
    assert {n for line in grid.counts for n in line} == {None, 0}
    # all groups together are not sensitive: the officer's series of every offence is shown whole
    every = series(city, OFFICER, OCTOBER, unit_code=LE_CHAN, step=Step.DAY)
    assert series_figures(OFFICER, every).current == every.current and every.total == 11
    many = series(city, HONG_BANG_OFFICER, OCTOBER, unit_code=HONG_BANG, group="drugs", step=Step.MONTH)
    assert series_figures(HONG_BANG_OFFICER, many).current == [6]


def test_drug_indicators_hide_small_values_per_unit(city) -> None:
    def values(actor: Actor, indicator: str) -> dict[tuple[str, str], float | None]:
        points = indicator_points(actor, indicator, indicator_values(city, actor, indicator))
        return {(p["unit_code"], p["period"]): p["value"] for p in points}

    assert values(OFFICER, "drug_users_managed") == {(LE_CHAN, "year:2025"): None, (LE_CHAN, "year:2024"): 0}
    assert values(OFFICER, "drug_offenders_arrested") == {(LE_CHAN, "year:2025"): None}
    assert values(OFFICER, "narcotic_plants_destroyed") == {(LE_CHAN, "year:2025"): 2}  # plants, not people
    assert values(HONG_BANG_OFFICER, "drug_users_managed") == {(HONG_BANG, "year:2025"): 12}
    assert values(LEADER, "drug_users_managed")[(LE_CHAN, "year:2025")] == 3
    assert values(MIXED, "drug_users_managed") == {
        (LE_CHAN, "year:2025"): None,
        (LE_CHAN, "year:2024"): 0,
        (HONG_BANG, "year:2025"): 12,
    }
    points = indicator_points(
        OFFICER, "drug_users_managed", indicator_values(city, OFFICER, "drug_users_managed")
    )
    assert [p["suppressed"] for p in points if p["period"] == "year:2025"] == [True]


def test_the_incident_list_withholds_the_rows_of_a_small_sensitive_category(city) -> None:
    drugs = list_incidents(city, OFFICER, OCTOBER, unit_code=LE_CHAN, group="drugs")
    assert (drugs.lines, drugs.total, drugs.withheld) == ([], 0, [(LE_CHAN, "drugs")])
    every = list_incidents(city, OFFICER, OCTOBER, unit_code=LE_CHAN)
    assert every.withheld == [(LE_CHAN, "drugs"), (LE_CHAN, "sexual_offences")]
    assert every.total == len(every.lines) == 6 and {line.article for line in every.lines} == {"173"}
    social = list_incidents(city, OFFICER, OCTOBER, group="social_order")
    assert social.withheld == [(LE_CHAN, "sexual_offences")] and social.total == 6
    whole = list_incidents(city, LEADER, OCTOBER, unit_code=LE_CHAN)
    assert (whole.total, whole.withheld) == (11, [])
    many = list_incidents(city, HONG_BANG_OFFICER, OCTOBER, group="drugs")
    assert (many.total, many.withheld) == (6, [])
    both = list_incidents(city, MIXED, OCTOBER, group="drugs")
    assert both.withheld == [(LE_CHAN, "drugs")] and {line.unit_code for line in both.lines} == {HONG_BANG}


def _report_text(report) -> str:
    parts = []

    def walk(section) -> None:
        parts.extend(getattr(b, "text", "") for b in section.blocks)
        for sub in section.subsections:
            walk(sub)

    for section in report.sections:
        walk(section)
    return "\n".join(parts)


def _table(report, key: str):
    return next(t for t in report.tables() if t.key == key)


def test_the_report_of_an_officer_writes_lt5_for_the_drug_figures(city) -> None:
    report = build_report(city, OFFICER, OCTOBER, unit_code=LE_CHAN)
    situation = _table(report, "Bảng 1 Tình hình")
    drugs = next(r for r in situation.rows if r[0] == "Tội phạm về ma túy")
    assert drugs[1:] == [
        SUPPRESSED_LABEL,
        SUPPRESSED_LABEL,
        SUPPRESSED_LABEL,
        SUPPRESSED_LABEL,
        SUPPRESSED_LABEL,
    ]
    assert situation.total is not None and situation.total[1] == 11  # all groups: shown
    for key in ("PL1 Kỳ này", "PL2 Cùng kỳ"):
        annex = _table(report, key)
        column = [c.header for c in annex.columns].index("Tội phạm về ma túy")
        assert annex.rows[0][column] == SUPPRESSED_LABEL and annex.total is not None
        assert annex.total[column] == SUPPRESSED_LABEL and annex.rows[0][-1] == (
            11 if key.startswith("PL1") else 6
        )
    text = _report_text(report)
    lines = [line for line in text.splitlines() if "ma túy" in line]
    assert lines and all("3 vụ" not in line and "2 vụ" not in line for line in lines)
    assert "Tội phạm về ma túy: <5 vụ (cùng kỳ <5 vụ;" in text
    assert "phát hiện <5 vụ, <5 đối tượng (cùng kỳ <5 vụ, <5 đối tượng)" in text
    chart = next(b for s in report.sections for b in s.blocks if hasattr(b, "categories"))
    assert "Tội phạm về ma túy" not in chart.categories and "Tội phạm về trật tự xã hội" in chart.categories


@pytest.mark.parametrize("actor", [LEADER, Actor.system("cli")], ids=lambda a: a.name)
def test_the_report_of_the_privileged_has_the_numbers(city, actor) -> None:
    report = build_report(city, actor, OCTOBER, unit_code=LE_CHAN)
    drugs = next(r for r in _table(report, "Bảng 1 Tình hình").rows if r[0] == "Tội phạm về ma túy")
    assert drugs[1:3] == [3, 2]
    annex = _table(report, "PL1 Kỳ này")
    assert annex.rows[0][[c.header for c in annex.columns].index("Tội phạm về ma túy")] == 3
    assert "phát hiện 3 vụ, 3 đối tượng (cùng kỳ 2 vụ, 2 đối tượng)" in _report_text(report)
