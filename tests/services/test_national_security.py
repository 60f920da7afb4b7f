"""Crimes against national security (Penal Code Chapter XIII) are their own reporting group, seen only by
roles holding ``Action.VIEW_NATIONAL_SECURITY`` (leader, analyst) and the operator: for everybody else the
group is in no list of groups, asking for it is "not found" like an unknown group, and its incidents are in
no figure — so no total minus the visible groups gives them back (docs/disclosure.md).

The city is hand-counted in :mod:`tests.national_security_data`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from antt.domain.access import Actor
from antt.errors import NotFound
from antt.services.compstat import By, compstat, result_document
from antt.services.disclosure import Disclosure, exclusions, privilege_key
from antt.services.incidents import list_incidents
from antt.services.reports import build_report
from antt.services.targets import TargetSet, load_targets, target_status, targets_status
from antt.services.trends import Step, series, weekday_hour
from tests.disclosure_data import (
    HONG_BANG,
    LE_CHAN,
    LE_CHAN_ANALYST,
    LEADER,
    OCTOBER,
    OFFICER,
    REPORT_OCTOBER,
)
from tests.national_security_data import (
    ADMINISTRATOR,
    ANALYST,
    ARTICLES,
    GROUP,
    MIXED,
    load_city_with_national_security,
)

SIDES = ("current", "previous", "suspects", "grave", "organised_group")
UNPRIVILEGED = [OFFICER, ADMINISTRATOR]
PRIVILEGED = [LEADER, ANALYST, LE_CHAN_ANALYST, Actor.system("cli")]
GROUP_NAME = "Tội phạm xâm phạm an ninh quốc gia"


@pytest.fixture
def city(database, settings, tmp_path):
    load_city_with_national_security(database, settings, tmp_path)
    return database


def document(database, actor: Actor, period=OCTOBER, **kw) -> dict:
    return result_document(compstat(database, actor, period, **kw))


def scope(actor: Actor) -> dict:
    """The officer's commune; the city for everybody else."""
    return {"unit_code": LE_CHAN} if actor is OFFICER else {}


def ids(actor: Actor) -> str:
    return actor.name


# --------------------------------------------------------------------- not there for the unprivileged


@pytest.mark.parametrize("period", [OCTOBER, REPORT_OCTOBER], ids=["month", "report-month"])
@pytest.mark.parametrize("by", [By.GROUP, By.UNIT_GROUP])
@pytest.mark.parametrize("actor", UNPRIVILEGED, ids=ids)
def test_total_minus_the_visible_groups_gives_no_national_security_incident(city, actor, period, by) -> None:
    doc = document(city, actor, period, by=by, **scope(actor))
    assert GROUP not in doc["groups"] and all(r["group"] != GROUP for r in doc["rows"])
    # drug cells are the disclosure policy's: in no total for these users either
    shown = [r for r in doc["rows"] if r["group"] != "drugs"]
    for side in SIDES:
        assert doc["totals"][side] - sum(r[side] for r in shown) == 0, side
    # hand-counted: the thefts alone (the officer: Lê Chân's 6; the administrator: 6 + Hồng Bàng's 2)
    month = period is OCTOBER
    expected = (6 if month else 0) if actor is OFFICER else (8 if month else 0)
    assert doc["totals"]["current"] == expected
    assert doc["totals"]["previous"] == (4 if month else 0)


@pytest.mark.parametrize("actor", PRIVILEGED, ids=ids)
def test_the_privileged_see_the_group_and_the_same_arithmetic_gives_it(city, actor) -> None:
    unit = {"unit_code": LE_CHAN}
    doc = document(city, actor, by=By.GROUP, **unit)
    assert GROUP in doc["groups"]
    security = next(r for r in doc["rows"] if r["group"] == GROUP)
    assert (security["current"], security["previous"], security["suspects"]) == (2, 1, 3)
    assert (security["organised_group"], security["clearance_rate"]) == (1, 50.0)
    rest = sum(r["current"] for r in doc["rows"] if r["group"] != GROUP)
    assert doc["totals"]["current"] == 13 and doc["totals"]["current"] - rest == 2
    alone = document(city, actor, group=GROUP, by=By.UNIT)
    expected = {LE_CHAN: 2} if actor is LE_CHAN_ANALYST else {LE_CHAN: 2, HONG_BANG: 1}
    assert {r["unit_code"]: r["current"] for r in alone["rows"] if r["current"]} == expected
    assert alone["totals"]["current"] == sum(expected.values()) and alone["excluded_units"] == []


@pytest.mark.parametrize("actor", UNPRIVILEGED, ids=ids)
def test_asking_for_the_group_is_not_found_like_an_unknown_group(city, actor) -> None:
    calls = [
        lambda g: compstat(city, actor, OCTOBER, group=g, **scope(actor)),
        lambda g: series(city, actor, OCTOBER, group=g, **scope(actor)),
        lambda g: weekday_hour(city, actor, OCTOBER, group=g, **scope(actor)),
        lambda g: list_incidents(city, actor, OCTOBER, group=g, **scope(actor)),
    ]
    for call in calls:
        with pytest.raises(NotFound) as restricted:
            call(GROUP)
        with pytest.raises(NotFound) as unknown:
            call("no_such_group")
        assert restricted.value.message_en == unknown.value.message_en.replace("no_such_group", GROUP)
    for actor_ in PRIVILEGED:
        assert compstat(city, actor_, OCTOBER, group=GROUP).groups == [GROUP]


@pytest.mark.parametrize("actor", UNPRIVILEGED, ids=ids)
def test_series_and_grid_of_every_group_leave_the_group_out(city, actor) -> None:
    expected = 6 if actor is OFFICER else 8
    for step in (Step.DAY, Step.MONTH):
        trend = series(city, actor, OCTOBER, step=step, **scope(actor))
        assert trend.total == expected and GROUP not in trend.groups
    assert weekday_hour(city, actor, OCTOBER, **scope(actor)).total == expected
    assert series(city, LEADER, OCTOBER, unit_code=LE_CHAN, step=Step.DAY).total == 13
    assert weekday_hour(city, LEADER, OCTOBER).total == 13 + 9


def test_the_incident_list_has_no_national_security_row_for_the_officer(city) -> None:
    year = list_incidents(city, OFFICER, OCTOBER, unit_code=LE_CHAN, page_size=1000)
    assert year.total == len(year.lines) == 6
    assert not {line.article for line in year.lines} & ARTICLES
    assert not {line.group for line in year.lines} & {GROUP}
    # the list's total and CompStat's are the same figure for this user
    assert year.total == document(city, OFFICER, unit_code=LE_CHAN)["totals"]["current"]
    everything = list_incidents(city, LEADER, OCTOBER, unit_code=LE_CHAN, page_size=1000)
    assert everything.total == 13 and {"117", "109"} <= {line.article for line in everything.lines}
    theirs = list_incidents(city, LEADER, OCTOBER, group=GROUP)
    assert sorted(line.unit_code for line in theirs.lines) == sorted([LE_CHAN, LE_CHAN, HONG_BANG])


def test_the_report_of_the_officer_counts_no_national_security_incident(city) -> None:
    def annex(report, key: str):
        return next(t for t in report.tables() if t.key == key)

    for period, now, before in ((OCTOBER, 6, 4), (REPORT_OCTOBER, 0, 0)):
        report = build_report(city, OFFICER, period, unit_code=LE_CHAN)
        situation = annex(report, "Bảng 1 Tình hình")
        assert GROUP_NAME not in [r[0] for r in situation.rows]
        assert situation.total is not None and situation.total[1:3] == [now, before]
        for key, total in (("PL1 Kỳ này", now), ("PL2 Cùng kỳ", before)):
            table = annex(report, key)
            assert GROUP_NAME not in [c.header for c in table.columns]
            assert table.rows[0][-1] == total and table.total is not None and table.total[-1] == total
        chart = next(b for s in report.sections for b in s.blocks if hasattr(b, "categories"))
        assert GROUP_NAME not in chart.categories
    theirs = build_report(city, LEADER, OCTOBER, unit_code=LE_CHAN)
    table = annex(theirs, "PL1 Kỳ này")
    column = [c.header for c in table.columns].index(GROUP_NAME)
    assert table.rows[0][column] == 2 and table.rows[0][-1] == 13


# ------------------------------------------------------------------ privileged on some communes only


def test_a_user_privileged_in_one_commune_sees_the_group_there_only(city) -> None:
    cells = document(city, MIXED, group=GROUP, by=By.UNIT)
    rows = {r["unit_code"]: r for r in cells["rows"]}
    assert rows[HONG_BANG]["current"] == 1
    # Lê Chân's two are left out; its cell says "withheld", not 0
    assert rows[LE_CHAN]["current"] is None and "current" in rows[LE_CHAN]["withheld_fields"]
    assert cells["totals"]["current"] == 1
    assert [c["unit_code"] for c in cells["contributors"]] == [HONG_BANG]
    every = document(city, MIXED, by=By.UNIT_GROUP)
    le_chan = [r for r in every["rows"] if r["unit_code"] == LE_CHAN and r["group"] != "drugs"]
    assert every["totals"]["current"] - sum(r["current"] or 0 for r in le_chan) == 9  # Hồng Bàng's 9
    # in Lê Chân alone the group is not there: not in "all", not found when asked for
    assert GROUP not in document(city, MIXED, unit_code=LE_CHAN, by=By.GROUP)["groups"]
    with pytest.raises(NotFound):
        compstat(city, MIXED, OCTOBER, group=GROUP, unit_code=LE_CHAN)
    listed = list_incidents(city, MIXED, OCTOBER, group=GROUP)
    assert [line.unit_code for line in listed.lines] == [HONG_BANG]
    assert list_incidents(city, MIXED, OCTOBER, unit_code=LE_CHAN).total == 6


def test_who_sees_the_group_where(city) -> None:
    assert Disclosure(OFFICER).group_units(GROUP) == frozenset()
    assert Disclosure(ADMINISTRATOR).group_units(GROUP) == frozenset()
    assert Disclosure(LEADER).group_units(GROUP) is None
    assert Disclosure(MIXED).group_units(GROUP) == {HONG_BANG}
    assert Disclosure(Actor("no-grants", None)).shown_groups([GROUP, "drugs"]) == ["drugs"]
    assert [e.groups for e in exclusions(LEADER, [])] == []
    assert [(e.units, e.kept) for e in exclusions(MIXED, [])] == [(None, {HONG_BANG})]
    # cached pages are keyed by what the user may see of the group too
    assert privilege_key(MIXED)[-1] == (frozenset({("2025-07", HONG_BANG)}),)


def test_a_target_counting_the_group_is_shown_only_to_those_who_see_it_everywhere(city) -> None:
    shipped = next(t for t in load_targets().targets if t.indicator == "incidents.social_order.count")
    security = replace(shipped, id="ns-count", indicator=f"incidents.{GROUP}.count", period="year:2026")
    targets = TargetSet(1, "", "test", [security])
    day = date(2026, 11, 1)

    def shown(actor: Actor, **kw) -> list[str]:
        return [e.target.id for e in targets_status(city, actor, as_of=day, targets=targets, **kw)]

    assert shown(OFFICER) == [] and shown(ADMINISTRATOR) == []
    assert shown(MIXED) == [] and shown(MIXED, unit_code=HONG_BANG) == ["ns-count"]
    with pytest.raises(NotFound):
        target_status(city, OFFICER, "ns-count", as_of=day, targets=targets)
    (mine,) = targets_status(city, LEADER, as_of=day, unit_code=LE_CHAN, targets=targets)
    assert mine.actual == 2
