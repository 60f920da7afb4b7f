"""Where it is getting worse (issue 18): the significant rises and falls of a CompStat result, ranked by z,
never a figure the reader may not see, and marked when an open alert exists for them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from antt.analytics.compstat import Change, Measures
from antt.domain.access import Actor
from antt.domain.alerts import AlertCandidate
from antt.domain.periods import Comparison
from antt.domain.reference import unit_catalog
from antt.domain.units import Level
from antt.services.alerts import store_alerts
from antt.services.compstat import By, CompstatResult, Row, compstat
from antt.services.disclosure import ALL_WITHHELD, Hidden
from antt.services.movers import movers, with_open_alerts
from tests.disclosure_data import HONG_BANG, HONG_BANG_OFFICER, LEADER, OCTOBER, SCHEME, load_city
from tests.national_security_data import ADMINISTRATOR, ANALYST, GROUP, load_city_with_national_security

COMMUNES = unit_catalog().in_scheme(unit_catalog().current.code, Level.COMMUNE)


def row(
    index: int, current: int, previous: int, group: str = "social_order", hidden: Hidden | None = None
) -> Row:
    change = Change(Measures(incidents=current), Measures(incidents=previous))
    return Row(COMMUNES[index], group, change, hidden or Hidden())


def result(rows: list[Row]) -> CompstatResult:
    """A hand-made CompStat result of commune × group rows (the figures of the rows are all that count)."""
    city = unit_catalog().in_scheme(unit_catalog().current.code, Level.PROVINCE)[0]
    return CompstatResult(
        period=OCTOBER,
        compare=OCTOBER.compare(Comparison.SAME_PERIOD_LAST_YEAR),
        comparison=Comparison.SAME_PERIOD_LAST_YEAR,
        as_of=date(2026, 11, 28),
        compare_as_of=date(2025, 11, 28),
        scope=city,
        groups=["social_order", "drugs"],
        by=By.UNIT_GROUP,
        rows=rows,
        totals=Change(Measures(), Measures()),
        contributors=[],
    )


def test_rises_are_ranked_by_z_then_change_and_cut_at_z_two() -> None:
    rows = [
        row(0, 9, 1),  # z = 4,00, +8
        row(1, 30, 10),  # z = 4,63: the strongest
        row(2, 16, 4),  # z = 4,00, +12: before the +8 of the same z
        row(3, 25, 16),  # z = 2,00 exactly: notable, in
        row(4, 24, 16),  # z = 1,80: not significant, out
        row(5, 10, 10),  # no change
    ]
    found = movers(result(rows))
    assert [(m.unit_code, round(m.z, 2), m.change) for m in found.rises] == [
        (COMMUNES[1].code, 4.63, 20),
        (COMMUNES[2].code, 4.0, 12),
        (COMMUNES[0].code, 4.0, 8),
        (COMMUNES[3].code, 2.0, 9),
    ]
    assert [m.strength for m in found.rises] == ["strong", "strong", "strong", "notable"]
    assert found.falls == [] and found.rises_total == 4 and found.falls_total == 0


def test_falls_are_ranked_from_the_most_negative_z_and_never_counted_as_rises() -> None:
    rows = [row(0, 1, 9), row(1, 0, 4), row(2, 10, 30), row(3, 30, 10), row(4, 16, 24)]
    found = movers(result(rows))
    # z: −4 (−8), −4 (−4), −4,63 (−20); the rise is a rise; −1,80 is not significant
    assert [(m.unit_code, m.change) for m in found.falls] == [
        (COMMUNES[2].code, -20),
        (COMMUNES[0].code, -8),
        (COMMUNES[1].code, -4),
    ]
    assert all(m.z < 0 and not m.rising for m in found.falls)
    assert [m.unit_code for m in found.rises] == [COMMUNES[3].code] and found.rises[0].rising


def test_only_the_strongest_are_kept_but_all_are_counted() -> None:
    rows = [row(i, 20 + i, 1) for i in range(8)] + [row(10 + i, 1, 20 + i) for i in range(7)]
    found = movers(result(rows), limit=3)
    assert len(found.rises) == len(found.falls) == 3
    assert (found.rises_total, found.falls_total) == (8, 7)
    assert found.rises[0].unit_code == COMMUNES[7].code and found.falls[0].unit_code == COMMUNES[16].code


def test_a_row_with_anything_hidden_is_never_a_mover() -> None:
    small = Hidden.of({"current": 4, "previous": 0})  # "<5": the change and z give it back
    rows = [
        row(0, 60, 0, "drugs", ALL_WITHHELD),  # the strongest change of all, withheld
        row(1, 4, 0, "drugs", small),
        row(2, 0, 60, "drugs", ALL_WITHHELD),
        row(3, 9, 1),
    ]
    found = movers(result(rows))
    assert [(m.unit_code, m.group) for m in found.rises] == [(COMMUNES[3].code, "social_order")]
    assert found.falls == [] and found.rises_total == 1


@pytest.fixture
def city(database, settings, tmp_path):
    load_city(database, settings, tmp_path)
    return database


def test_a_commune_officer_never_sees_a_withheld_drug_cell_among_the_movers(city) -> None:
    # October 2026 against October 2025: Hồng Bàng 6 drug offences (none before, z = 4,90) and 2 thefts;
    # a calendar month is no release period, so its drug figures are withheld from its officer
    leader = movers(compstat(city, LEADER, OCTOBER, by=By.UNIT_GROUP))
    assert (HONG_BANG, "drugs") in [(m.unit_code, m.group) for m in leader.rises]
    assert leader.rises[0].group == "drugs" and leader.rises[0].current == 6

    result = compstat(city, HONG_BANG_OFFICER, OCTOBER, by=By.UNIT_GROUP)
    officer = movers(result)
    assert (HONG_BANG, "drugs") not in [(m.unit_code, m.group) for m in (*officer.rises, *officer.falls)]
    hidden = {(r.unit.code, r.group) for r in result.rows if r.hidden}
    assert (HONG_BANG, "drugs") in hidden  # the case the test is about
    assert all((m.unit_code, m.group) not in hidden for m in (*officer.rises, *officer.falls))
    assert {m.unit_code for m in (*officer.rises, *officer.falls)} <= {HONG_BANG}  # and its scope only


def test_national_security_rises_are_movers_only_for_the_privileged(database, settings, tmp_path) -> None:
    load_city_with_national_security(database, settings, tmp_path)
    # Hồng Bàng: 1 national-security case in October 2026, none a year before (z = 2,00)
    privileged = movers(compstat(database, ANALYST, OCTOBER, by=By.UNIT_GROUP))
    assert (HONG_BANG, GROUP) in [(m.unit_code, m.group) for m in privileged.rises]
    unprivileged = movers(compstat(database, ADMINISTRATOR, OCTOBER, by=By.UNIT_GROUP))
    assert GROUP not in {m.group for m in (*unprivileged.rises, *unprivileged.falls)}


def test_an_open_alert_of_the_commune_and_group_is_marked(city) -> None:
    found = movers(compstat(city, LEADER, OCTOBER, by=By.UNIT_GROUP))
    assert all(m.alert_unit is None for m in found.rises)
    week = date(2026, 10, 12)
    store_alerts(
        city,
        Actor.system("test"),
        [
            AlertCandidate(
                kind="rise",
                scheme=SCHEME,
                unit_code=HONG_BANG,
                subject="drugs",
                period_start=week,
                period_end=week + timedelta(days=6),
                figures={"observed": 5},
                explanation_vi="5 vụ",
                explanation_en="5 cases",
                sensitive=True,
            )
        ],
    )
    marked = with_open_alerts(city, LEADER, found)
    drugs = next(m for m in marked.rises if (m.unit_code, m.group) == (HONG_BANG, "drugs"))
    assert (drugs.alert_unit, drugs.alert_group) == (HONG_BANG, "drugs")
    others = [m for m in (*marked.rises, *marked.falls) if (m.unit_code, m.group) != (HONG_BANG, "drugs")]
    assert others and all(m.alert_unit is None for m in others)  # another group of the commune included
