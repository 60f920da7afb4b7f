"""The commune drug-control survey: entered for one's own commune only, every problem at once, reviewed by
the city, progress by commune and by former district; every step audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.domain.drug_survey import SurveyStatus, checked_answers
from antt.domain.reference import unit_catalog
from antt.domain.units import Level
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antt.services.drug_survey import (
    former_districts,
    get_survey,
    review_survey,
    submit_survey,
    survey_progress,
)
from tests.user_fixtures import audit_records

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
GOOD = {
    "users_managed": "12",
    "places": "0",
    "offenders_arrested": "1",
    "plants_destroyed": "0",
    "steering_committee": "có",
    "community_treatment": "1.204",
    "self_assessment": "near",
    "notes": "Đề nghị hỗ trợ xét nghiệm",
}
OFFICER = Actor.for_user("cax_lechan", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
LEADER = Actor.for_user("lanhdao", [Grant.city(Role.LEADER)])
ANALYST = Actor.for_user("phantich", [Grant.city(Role.ANALYST)])


def test_answers_are_typed_and_every_problem_is_listed_at_once() -> None:
    answers = checked_answers(GOOD)
    assert answers["community_treatment"] == 1204 and answers["steering_committee"] is True
    with pytest.raises(InvalidInput) as caught:
        checked_answers(
            {**GOOD, "places": "-1", "users_managed": "", "self_assessment": "maybe", "extra": "1"}
        )
    rules = sorted(i.rule for i in caught.value.issues)
    assert rules == ["survey.choice", "survey.number", "survey.required", "survey.unknown_question"]
    assert "problem(s); nothing was saved" in caught.value.message_en


def test_a_commune_officer_enters_their_own_commune_only(database) -> None:
    record = submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    assert (record.status, record.answers["users_managed"]) == (SurveyStatus.SUBMITTED, 12)
    with pytest.raises(NotFound):
        submit_survey(database, OFFICER, "11329", GOOD, year=2026, now=NOW)
    with pytest.raises(PermissionDenied):
        submit_survey(database, LEADER, "11329", GOOD, year=2026, now=NOW)  # reads, enters nothing
    with pytest.raises(InvalidInput):
        submit_survey(database, OFFICER, "11383", {**GOOD, "places": "nhiều"}, year=2026, now=NOW)
    assert get_survey(database, OFFICER, "11383", 2026).answers["places"] == 0  # the bad form wrote nothing
    assert [r.outcome for r in audit_records(database, "drug_survey.submit")] == ["success"]


def test_the_city_returns_or_approves_and_an_approved_survey_is_final(database) -> None:
    submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    with pytest.raises(PermissionDenied):
        review_survey(database, OFFICER, "11383", 2026, approve=True)
    with pytest.raises(InvalidInput):
        review_survey(database, ANALYST, "11383", 2026, approve=False)
    returned = review_survey(database, ANALYST, "11383", 2026, approve=False, comment="Bổ sung số cai nghiện")
    assert returned.status is SurveyStatus.RETURNED
    assert survey_progress(database, LEADER, 2026).done == 0  # returned: pending again
    submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    assert review_survey(database, ANALYST, "11383", 2026, approve=True).status is SurveyStatus.APPROVED
    with pytest.raises(Conflict):
        submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    assert [r.details["status"] for r in audit_records(database, "drug_survey.review")] == [
        "returned",
        "approved",
    ]


def test_progress_by_former_district_says_which_districts_are_done(database) -> None:
    catalog = unit_catalog()
    communes = catalog.in_scheme(catalog.current.code, Level.COMMUNE)
    districts = former_districts(communes)
    an_lao = next(members for d, members in districts.values() if d.name == "Huyện An Lão")
    for code in sorted(an_lao):
        actor = Actor.for_user(f"cax_{code}", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", code))])
        submit_survey(database, actor, code, GOOD, year=2026, now=NOW)
    progress = survey_progress(database, LEADER, 2026)
    # the article's count: Hải Phòng's 15 districts before 1/7/2025 (Bạch Long Vĩ, which had no communes,
    # through its successor), apart from Hải Dương's 12
    assert [(p.name, p.districts) for p in progress.provinces] == [
        ("Tỉnh Hải Dương", 12),
        ("Thành phố Hải Phòng", 15),
    ]
    assert {p.name: p.done for p in progress.provinces}["Thành phố Hải Phòng"] == sum(
        1 for d in progress.districts if d.province_code == "31" and d.complete
    )
    assert {d.name: d.communes for d in progress.districts}["Huyện Bạch Long Vĩ"] == 1
    by_name = {d.name: d for d in progress.districts}
    assert by_name["Huyện An Lão"].complete and by_name["Huyện An Lão"].done == len(an_lao)
    assert progress.done == len(an_lao)
    assert progress.districts_done == sum(
        1 for d in progress.districts if d.communes and set(districts[d.code][1]) <= an_lao
    )
    mine = survey_progress(database, OFFICER, 2026)
    assert [c.unit_code for c in mine.communes] == ["11383"] and mine.districts == []


def test_a_reader_without_the_small_count_privilege_sees_small_counts_of_people_hidden(database) -> None:
    """docs/disclosure.md: the survey's counts of people about drugs from 1 to 4 are "<5" for a reader who
    neither holds the privilege on the commune nor fills its form in; zero, 5 and more, and plants are shown."""
    submit_survey(database, OFFICER, "11383", {**GOOD, "plants_destroyed": "3"}, year=2026, now=NOW)
    admin = Actor.for_user("quantri", [Grant.city(Role.ADMINISTRATOR)])
    seen = get_survey(database, admin, "11383", 2026)
    assert seen.suppressed == {"offenders_arrested"} and seen.answers["offenders_arrested"] is None
    assert (seen.answers["users_managed"], seen.answers["places"], seen.answers["plants_destroyed"]) == (
        12,
        0,
        3,
    )
    for reader in (OFFICER, LEADER, ANALYST):  # the source, and the privileged
        record = get_survey(database, reader, "11383", 2026)
        assert record.answers["offenders_arrested"] == 1 and not record.suppressed


def test_an_analyst_sets_up_the_campaign_its_communes_and_deadline_rule_progress(database, cli_env) -> None:
    from datetime import date

    from antt.services.drug_survey import campaign_of, save_campaign, survey_progress
    from tests.cli.test_cli import antt

    hong_bang, le_chan = "11311", "11383"
    with pytest.raises(PermissionDenied):  # a commune officer does not set up campaigns
        save_campaign(database, OFFICER, year=2026, name="x", deadline=date(2026, 6, 30))
    with pytest.raises(InvalidInput) as bad:  # every problem at once
        save_campaign(database, ANALYST, year=2026, name="  ", deadline=date(2028, 1, 1), units=["99999"])
    assert (
        "Tên đợt" in bad.value.message_vi
        and "2028" in bad.value.message_vi
        and "99999" in bad.value.message_vi
    )
    found = save_campaign(
        database,
        ANALYST,
        year=2026,
        name="Khảo sát  PCMT cấp xã 2026",
        deadline=date(2026, 9, 15),
        units=[le_chan, hong_bang],
        now=datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert (found.name, found.deadline, found.units) == (
        "Khảo sát PCMT cấp xã 2026",
        date(2026, 9, 15),
        frozenset({le_chan, hong_bang}),
    )
    (record,) = audit_records(database, "drug_survey.campaign")
    assert record.details == {
        "year": 2026,
        "name": found.name,
        "deadline": "2026-09-15",
        "communes": 2,
        "form": "ptmt-xa-2025",
    }
    # only its communes are asked; its deadline, not the setting's 30/06, makes them overdue
    progress = survey_progress(database, LEADER, 2026, now=datetime(2026, 8, 1, tzinfo=UTC))
    assert sorted(c.unit_code for c in progress.communes) == [hong_bang, le_chan]
    assert progress.campaign == found.name and progress.overdue == []
    late = survey_progress(database, LEADER, 2026, now=datetime(2026, 9, 16, tzinfo=UTC))
    assert sorted(c.unit_code for c in late.overdue) == [hong_bang, le_chan]
    other = Actor.for_user("cax10525", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "10525"))])
    with pytest.raises(InvalidInput, match="không thuộc đợt khảo sát"):  # not assigned to it
        submit_survey(database, other, "10525", GOOD, year=2026, now=datetime(2026, 5, 1, tzinfo=UTC))
    submit_survey(database, OFFICER, le_chan, GOOD, year=2026, now=datetime(2026, 5, 1, tzinfo=UTC))
    # the command changes it: every commune now, a new deadline
    done = antt(
        cli_env, "drugs", "campaign", "--year", "2026", "--name", "Đợt 2026", "--deadline", "2026-10-01"
    )
    assert "Đợt 2026" in done.stdout and "01/10/2026" in done.stdout
    changed = campaign_of(database, 2026)
    assert changed is not None and changed.units is None and changed.deadline == date(2026, 10, 1)
    assert len(survey_progress(database, LEADER, 2026, now=datetime(2026, 8, 1, tzinfo=UTC)).communes) == 114
