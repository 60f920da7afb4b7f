"""Statistical disclosure control (docs/disclosure.md): small counts of sensitive categories (drug
offences, sexual offences, drug users) are hidden from roles without the privilege, and so is every way
back to them — a total minus the other groups, two overlapping windows, the incident list's rows — in
CompStat documents, series, the grid, indicator values, the incident list and the report; the privileged
and the operator see every number.

The city is hand-counted in :mod:`tests.disclosure_data`."""

from __future__ import annotations

from datetime import date

import pytest

from antt.domain.access import SUPPRESSED_LABEL, WITHHELD_LABEL, Actor
from antt.domain.disclosure import release_months
from antt.domain.periods import custom, parse_period
from antt.services.compstat import By, compstat, result_document
from antt.services.disclosure import (
    Disclosure,
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
    Q3,
    REPORT_OCTOBER,
    load_city,
)

DERIVED = {"change", "pct_change", "z", "signal", "approximate_share", "clearance_rate"}
SENSITIVE_ARTICLES = {"141", "249", "251"}


@pytest.fixture
def city(database, settings, tmp_path):
    load_city(database, settings, tmp_path)
    return database


def document(database, actor: Actor, period=OCTOBER, **kw) -> dict:
    return result_document(compstat(database, actor, period, **kw))


def row(doc: dict, group: str = "drugs", unit: str | None = None) -> dict:
    found = [r for r in doc["rows"] if r["group"] == group and unit in (None, r["unit_code"])]
    assert len(found) == 1
    return found[0]


# ------------------------------------------------------------------------------------------ the rules


def test_one_to_four_is_small_and_zero_and_five_are_not() -> None:
    assert [is_small(n) for n in (0, 1, 4, 5, 12)] == [False, True, True, False, False]
    assert hidden_fields({"current": 0, "previous": 5, "grave": 0, "suspects": 7}) == frozenset()
    assert hidden_fields({"current": 3, "previous": 7}) >= {"current"} | DERIVED
    assert "previous" not in hidden_fields({"current": 3, "previous": 7})
    assert hidden_fields({"current": 9, "previous": 2}) >= {"previous", "previous_clearance_rate", "z"}
    assert hidden_fields({"current": 9, "previous": 9, "grave": 1}) == {"grave", "grave_clearance_rate"}


def test_only_ended_reporting_periods_are_release_periods() -> None:
    today = date(2026, 12, 4)

    def months(key: str) -> int | None:
        found = release_months(parse_period(key), today)
        return None if found is None else len(found)

    assert [months(k) for k in ("report-month:2026-10", "report-quarter:2026-Q3", "report-half:2026-H1")] == [
        1,
        3,
        6,
    ]
    assert months("report-year:2025") == 12
    # calendar windows, windows anchored on a day, and a reporting quarter not yet ended: not released
    for key in ("month:2026-10", "quarter:2026-Q3", "year:2025", "last28:2026-10-31", "day:2026-10-10"):
        assert months(key) is None, key
    assert months("wtd:2026-10-14") is None and months("report-ytd:2026-10-14") is None
    assert months("report-quarter:2026-Q4") is None  # 15/09–14/12/2026 has not ended on 04/12
    # decided on the dates: a custom window equal to a reporting quarter is that quarter
    assert release_months(custom(date(2026, 6, 15), date(2026, 9, 14)), today) == release_months(Q3, today)
    assert release_months(custom(date(2026, 6, 15), date(2026, 8, 14)), today) is None  # two months


# --------------------------------------------------------------- attack 1: total minus the other groups


@pytest.mark.parametrize("period", [OCTOBER, REPORT_OCTOBER], ids=["month", "report-month"])
@pytest.mark.parametrize("by", [By.GROUP, By.UNIT_GROUP, By.UNIT])
def test_no_total_gives_back_a_hidden_drug_count_of_the_officer(city, period, by) -> None:
    doc = document(city, OFFICER, period, unit_code=LE_CHAN, by=by)
    assert doc["excluded_units"] == [LE_CHAN]
    drugs = [r for r in doc["rows"] if r["group"] == "drugs"]
    assert all(r["current"] is None and r["previous"] is None for r in drugs)
    others = [r for r in doc["rows"] if r["group"] != "drugs"]
    for side in ("current", "previous", "suspects", "grave", "organised_group"):
        # the hidden cell is in no total: the total minus every other figure leaves nothing
        assert doc["totals"][side] == sum(r[side] for r in others), side
    # all offences: 6 thefts (month) or none (reporting month), without the 3 drug and 2 sexual offences
    assert doc["totals"]["current"] == (6 if period is OCTOBER else 0)


def test_the_officer_sees_lt5_for_a_small_drug_count_of_a_reporting_month(city) -> None:
    doc = document(city, OFFICER, REPORT_OCTOBER, unit_code=LE_CHAN, by=By.GROUP)
    drugs = row(doc)
    for field in ("current", "previous", "change", "pct_change", "z", "signal", "clearance_rate"):
        assert drugs[field] is None, field
    assert drugs["grave"] is None and drugs["suspects"] is None  # 1 very serious case, 3 suspects
    assert drugs["organised_group"] == 0  # zero is shown
    assert {"current", "previous", "change", "z"} <= set(drugs["suppressed_fields"])
    assert drugs["withheld_fields"] == []  # small, not withheld: "<5"
    # social order leaves out the two sexual offences of the officer's commune
    assert row(doc, "social_order")["current"] == 0


def test_a_drug_figure_of_a_window_that_is_not_a_reporting_period_is_withheld_even_when_zero(city) -> None:
    drugs = row(document(city, OFFICER, unit_code=LE_CHAN, by=By.GROUP))
    assert drugs["current"] is None and drugs["organised_group"] is None
    assert {"current", "previous", "grave", "suspects", "organised_group"} <= set(drugs["withheld_fields"])
    none = row(
        document(city, HONG_BANG_OFFICER, parse_period("month:2024-01"), unit_code=HONG_BANG, by=By.GROUP)
    )
    assert none["current"] is None and "current" in none["withheld_fields"]  # 0, yet withheld


@pytest.mark.parametrize("actor", [LEADER, LE_CHAN_ANALYST, Actor.system("cli")], ids=lambda a: a.name)
def test_the_privileged_and_the_operator_see_the_exact_numbers(city, actor) -> None:
    doc = document(city, actor, unit_code=LE_CHAN, by=By.GROUP)
    drugs = row(doc)
    assert (drugs["current"], drugs["previous"], drugs["change"], drugs["grave"], drugs["suspects"]) == (
        3,
        2,
        1,
        1,
        3,
    )
    assert drugs["clearance_rate"] == pytest.approx(33.3) and drugs["suppressed"] is False
    assert drugs["suppressed_fields"] == [] and doc["excluded_units"] == []
    assert (row(doc, "social_order")["current"], doc["totals"]["current"]) == (8, 11)
    custom_window = document(city, actor, custom(date(2026, 10, 4), date(2026, 10, 31)), unit_code=LE_CHAN)
    assert row(custom_window, "all")["current"] == 10


def test_five_or_more_in_a_reporting_month_is_shown_to_an_officer(city) -> None:
    drugs = row(document(city, HONG_BANG_OFFICER, REPORT_OCTOBER, unit_code=HONG_BANG, by=By.GROUP))
    assert (drugs["current"], drugs["previous"], drugs["change"], drugs["suppressed"]) == (5, 0, 5, False)
    assert drugs["suspects"] == 5


# ------------------------------------------------------------------- attack 2: windows that overlap


def test_two_overlapping_windows_of_the_drug_group_give_the_officer_nothing(city) -> None:
    wide, narrow = (
        custom(date(2026, 10, 10), date(2026, 10, 15)),
        custom(date(2026, 10, 11), date(2026, 10, 15)),
    )
    for window in (wide, narrow, parse_period("day:2026-10-10"), parse_period("last28:2026-10-15")):
        doc = document(city, HONG_BANG_OFFICER, window, group="drugs", unit_code=HONG_BANG)
        assert doc["totals"]["current"] is None and row(doc, unit=HONG_BANG)["current"] is None
    # what the subtraction would have given: 6 − 5 = the 1 drug offence of 10 October
    leader = [document(city, LEADER, w, group="drugs", unit_code=HONG_BANG) for w in (wide, narrow)]
    assert [d["totals"]["current"] for d in leader] == [6, 5]


def test_a_reporting_quarter_with_a_small_month_is_withheld_so_no_month_is_given_back(city) -> None:
    def drugs(actor: Actor, period, unit: str) -> dict:
        return row(document(city, actor, period, unit_code=unit, by=By.GROUP))

    months = [parse_period(f"report-month:2026-0{m}") for m in (7, 8, 9)]
    shown = [drugs(HONG_BANG_OFFICER, m, HONG_BANG)["current"] for m in months]
    assert shown == [6, 7, None]  # the September reporting month has 2: "<5"
    quarter = drugs(HONG_BANG_OFFICER, Q3, HONG_BANG)
    assert quarter["current"] is None and "current" in quarter["withheld_fields"]  # 15 − 6 − 7 = 2 otherwise
    assert drugs(LEADER, Q3, HONG_BANG)["current"] == 15
    # every month 0 or at least 5: the quarter adds nothing to its months and is shown
    assert [drugs(OFFICER, m, LE_CHAN)["current"] for m in months] == [5, 0, 5]
    assert drugs(OFFICER, Q3, LE_CHAN)["current"] == 10


def test_a_figure_of_several_communes_is_shown_only_when_each_protected_one_is(city) -> None:
    doc = document(city, MIXED, REPORT_OCTOBER, group="drugs", by=By.UNIT)
    hong_bang, le_chan = row(doc, unit=HONG_BANG), row(doc, unit=LE_CHAN)
    assert (hong_bang["current"], hong_bang["suppressed"]) == (5, False)
    assert le_chan["current"] is None and le_chan["suppressed"]
    # 5 + 3: Lê Chân's hidden 3 would be the total minus Hồng Bàng's 5
    assert doc["totals"]["current"] is None and doc["totals"]["change"] is None
    # contributors rank only the communes whose drug figures the actor sees
    assert [(c["unit_code"], c["change"]) for c in doc["contributors"]] == [(HONG_BANG, 5)]
    assert Disclosure(MIXED).sees(HONG_BANG) and not Disclosure(MIXED).sees(LE_CHAN)
    assert Disclosure(MIXED).protected([HONG_BANG, LE_CHAN]) == {LE_CHAN}
    mixed_groups = document(city, MIXED, REPORT_OCTOBER, by=By.UNIT)
    assert mixed_groups["excluded_units"] == [LE_CHAN]
    assert row(mixed_groups, "all", HONG_BANG)["current"] == 5  # its own drug offences: privileged there


def test_the_officers_whole_scope_is_their_commune_and_is_hidden_too(city) -> None:
    doc = document(city, OFFICER, REPORT_OCTOBER, group="drugs", by=By.UNIT)
    assert doc["totals"]["current"] is None and doc["totals"]["previous"] is None
    assert row(doc, unit=LE_CHAN)["current"] is None and doc["contributors"] == []
    by_group = document(city, OFFICER, REPORT_OCTOBER, group="drugs", by=By.GROUP)
    assert row(by_group)["current"] is None and by_group["totals"]["current"] is None


# ------------------------------------------------------------------------------- series and grid


def test_series_and_grid_of_the_drug_group_are_withheld_from_the_officer(city) -> None:
    for step in Step:
        trend = series(city, OFFICER, OCTOBER, unit_code=LE_CHAN, group="drugs", step=step)
        shown = series_figures(OFFICER, trend)
        assert trend.total == 3 and shown.total is None and shown.withheld
        assert set(shown.current) == {None} and set(shown.last_year) == {None}
    grid = grid_figures(OFFICER, weekday_hour(city, OFFICER, OCTOBER, unit_code=LE_CHAN, group="drugs"))
    assert grid.total is None and grid.at_midnight is None and grid.withheld
    assert {n for line in grid.counts for n in line} == {None}
    many = series(city, HONG_BANG_OFFICER, OCTOBER, unit_code=HONG_BANG, group="drugs", step=Step.MONTH)
    assert series_figures(HONG_BANG_OFFICER, many).current == [None]  # 6, but a calendar month
    leader = series(city, LEADER, OCTOBER, unit_code=LE_CHAN, group="drugs", step=Step.DAY)
    assert series_figures(LEADER, leader).current == leader.current and leader.total == 3


def test_the_officers_series_of_every_offence_leaves_the_sensitive_incidents_out(city) -> None:
    every = series(city, OFFICER, OCTOBER, unit_code=LE_CHAN, step=Step.DAY)
    shown = series_figures(OFFICER, every)
    assert shown.current == every.current and every.total == 6  # the thefts alone
    assert every.current[2:5] == [0, 0, 0] and every.current[10:12] == [0, 0]  # 3–5 Oct, 11–12 Oct
    grid = weekday_hour(city, OFFICER, OCTOBER, unit_code=LE_CHAN)
    assert grid.total == 6
    assert series(city, LEADER, OCTOBER, unit_code=LE_CHAN, step=Step.DAY).total == 11


# ------------------------------------------------------------------------------------ indicators


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


# ------------------------------------------------------------- attack 3: the incident list's rows


def test_the_incident_list_never_lists_a_protected_communes_sensitive_incidents(city) -> None:
    drugs = list_incidents(city, OFFICER, OCTOBER, unit_code=LE_CHAN, group="drugs")
    assert (drugs.lines, drugs.total, drugs.withheld) == ([], 0, [(LE_CHAN, "drugs")])
    every = list_incidents(city, OFFICER, OCTOBER, unit_code=LE_CHAN)
    assert every.withheld == [(LE_CHAN, "drugs"), (LE_CHAN, "sexual_offences")]
    assert every.total == len(every.lines) == 6 and {line.article for line in every.lines} == {"173"}
    # sexual offences: the social-order count the officer sees equals the rows listed
    social = list_incidents(city, OFFICER, OCTOBER, group="social_order")
    assert social.withheld == [(LE_CHAN, "sexual_offences")] and social.total == 6
    assert row(document(city, OFFICER, group="social_order"), "social_order", LE_CHAN)["current"] == 6
    assert list_incidents(city, OFFICER, OCTOBER, group="economic").withheld == []
    # six drug offences in Hồng Bàng are not listed either: their dates would give any window's count
    many = list_incidents(city, HONG_BANG_OFFICER, parse_period("year:2026"), group="drugs")
    assert (many.total, many.lines, many.withheld) == (0, [], [(HONG_BANG, "drugs")])
    for actor, unit in ((OFFICER, LE_CHAN), (HONG_BANG_OFFICER, HONG_BANG)):
        year = list_incidents(city, actor, parse_period("year:2026"), unit_code=unit, page_size=1000)
        assert not {line.article for line in year.lines} & SENSITIVE_ARTICLES
    whole = list_incidents(city, LEADER, OCTOBER, unit_code=LE_CHAN)
    assert (whole.total, whole.withheld) == (11, [])
    both = list_incidents(city, MIXED, OCTOBER, group="drugs")
    assert both.withheld == [(LE_CHAN, "drugs")] and {line.unit_code for line in both.lines} == {HONG_BANG}


# ---------------------------------------------------------------------------------------- reports


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


@pytest.mark.parametrize(
    ("period", "label"), [(REPORT_OCTOBER, SUPPRESSED_LABEL), (OCTOBER, WITHHELD_LABEL)], ids=["lt5", "x"]
)
def test_the_report_of_an_officer_hides_the_drug_figures_and_leaves_them_out_of_totals(
    city, period, label
) -> None:
    report = build_report(city, OFFICER, period, unit_code=LE_CHAN)
    situation = _table(report, "Bảng 1 Tình hình")
    drugs = next(r for r in situation.rows if r[0] == "Tội phạm về ma túy")
    assert drugs[1:] == [label] * 4
    analysis = next(r for r in _table(report, "PT1 Nhóm tội phạm").rows if r[0] == "Tội phạm về ma túy")
    assert analysis[1:] == [label, label, label, "không công bố"]  # z in the analytical annex, hidden too
    thefts = 6 if period is OCTOBER else 0
    assert situation.total is not None and situation.total[1] == thefts  # without drugs, sexual offences
    for key in ("PL1 Kỳ này", "PL2 Cùng kỳ"):
        annex = _table(report, key)
        column = [c.header for c in annex.columns].index("Tội phạm về ma túy")
        assert annex.rows[0][column] == label and annex.total is not None
        assert annex.total[column] == label
        assert annex.rows[0][-1] == sum(v for v in annex.rows[0][3:-1] if isinstance(v, int))
    text = _report_text(report)
    lines = [line for line in text.splitlines() if "ma túy" in line and "Ghi chú" not in line]
    assert lines and all("3 vụ" not in line and "2 vụ" not in line for line in lines)
    assert f"Tội phạm về ma túy: {label} vụ (cùng kỳ {label} vụ;" in text
    assert "Ghi chú: số liệu tổng hợp không gồm" in text
    chart = next(b for s in report.sections for b in s.blocks if hasattr(b, "categories"))
    assert "Tội phạm về ma túy" not in chart.categories


@pytest.mark.parametrize("actor", [LEADER, Actor.system("cli")], ids=lambda a: a.name)
def test_the_report_of_the_privileged_has_the_numbers(city, actor) -> None:
    report = build_report(city, actor, OCTOBER, unit_code=LE_CHAN)
    drugs = next(r for r in _table(report, "Bảng 1 Tình hình").rows if r[0] == "Tội phạm về ma túy")
    assert drugs[1:3] == [3, 2]
    annex = _table(report, "PL1 Kỳ này")
    assert annex.rows[0][[c.header for c in annex.columns].index("Tội phạm về ma túy")] == 3
    assert annex.rows[0][-1] == 11
    text = _report_text(report)
    assert "phát hiện 3 vụ, 3 đối tượng (cùng kỳ 2 vụ, 2 đối tượng)" in text
    assert "Ghi chú: số liệu tổng hợp không gồm" not in text


def test_a_target_counts_what_the_officers_compstat_counts_so_their_difference_gives_nothing(city) -> None:
    # the social-order target once counted the sexual offences the officer's CompStat leaves out: the
    # difference of the two figures gave the hidden count back
    from dataclasses import replace
    from datetime import date

    from antt.services.targets import TargetSet, load_targets, targets_status

    shipped = load_targets()
    crime = replace(
        next(t for t in shipped.targets if t.id == "social-order-crime-reduction"), period="month:2026-10"
    )
    targets = TargetSet(shipped.version, shipped.sha256, shipped.source, [crime])
    for actor, expected in ((OFFICER, 6), (LEADER, 8)):
        (evaluation,) = targets_status(
            city, actor, as_of=date(2026, 11, 1), targets=targets, unit_code=LE_CHAN
        )
        doc = document(city, actor, unit_code=LE_CHAN, group="social_order")
        compstat_count = doc["totals"]["current"]
        assert evaluation.actual == compstat_count == expected
