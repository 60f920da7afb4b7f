"""``drug_status_report``: the official status beside the indicative class, on the database; review flags;
the alerts stored through the shared alert store (sensitive); scope and small counts per role."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.errors import InvalidInput, NotFound
from antt.services.alerts import list_alerts
from antt.services.drug_classes import drug_status_report, status_document, store_drug_alerts
from antt.services.drug_status import import_drug_status
from antt.services.indicators import import_indicators
from tests.drug_status_files import GOOD_ROWS, write_decisions

NOW = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
AS_OF = date(2026, 1, 10)
# (users, places, arrested, plants, route, population) for 2025
FIGURES = {
    "11383": (12, 0, 1, 0, 0, 10_000),  # recognised drug-free (3001/QĐ-UBND) yet users and an arrest
    "11329": (60, 2, 12, 0, 0, 10_000),  # class I by a, b, c — no decision says so
    "10543": (0, 0, 0, 0, 0, 8_000),  # decided class II, figures meet neither I nor II
    "10546": (3, 1, 5, 0, 0, 10_000),  # b and c at class II level, a not configured: undetermined
}
NAMES = ("drug_users_managed", "drug_use_places", "drug_offenders_arrested", "narcotic_plants_destroyed")


def write_figures(path, figures=FIGURES):
    lines = ["indicator,unit_code,period,value"]
    for code, (users, places, arrested, plants, route, population) in figures.items():
        for name, value in zip(NAMES, (users, places, arrested, plants), strict=True):
            lines.append(f"{name},{code},year:2025,{value}")
        lines.append(f"on_key_route,{code},year:2025,{route}")
        lines.append(f"population,{code},year:2025,{population}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def loaded(database, settings, actor, tmp_path):
    import_drug_status(database, settings, actor, write_decisions(tmp_path / "qd.csv", GOOD_ROWS), now=NOW)
    import_indicators(database, settings, actor, write_figures(tmp_path / "i.csv"), unit_scheme="2025-07")
    return database


def test_each_commune_shows_its_decision_beside_its_indicative_class(loaded, actor) -> None:
    report = drug_status_report(loaded, actor, as_of=AS_OF)
    assert report.year == 2025 and report.rule_set is not None and len(report.communes) == 114
    by = {c.unit_code: c for c in report.communes}
    assert (by["11383"].official.status.value, by["11383"].indicative.cls) == ("drug_free", "below_class_2")
    assert (by["11329"].official, by["11329"].indicative.cls, by["11329"].review) == (None, "class_1", True)
    assert (by["10543"].official.status.value, by["10543"].indicative.cls) == ("class_2", "below_class_2")
    assert by["10543"].review is True  # decided class II, figures meet neither
    assert by["10546"].indicative.cls == "undetermined" and not by["10546"].review
    assert by["11311"].indicative.cls == "no_data"
    assert by["10507"].official.inherited is True  # a former commune's decision, shown, never counted
    document = status_document(report)
    assert set(document) == {"communes", "drug_free_share"}
    assert document["drug_free_share"] == round(100 * 5 / 114, 2)
    entry = next(c for c in document["communes"] if c["unit_code"] == "11329")
    assert set(entry) == {"unit_code", "unit_name", "official", "indicative"}
    assert set(entry["indicative"]) == {"class", "criteria"}
    a = next(k for k in entry["indicative"]["criteria"] if k["id"] == "class_1.a")
    assert a == {"id": "class_1.a", "value": 0.6, "threshold": 0.5, "met": True}
    recognised = next(c for c in document["communes"] if c["unit_code"] == "11383")["official"]
    assert recognised == {
        "status": "drug_free",
        "decision_number": "3001/QĐ-UBND",
        "decision_date": "2025-12-20",
        "inherited": False,
    }
    province = {r.criterion.id: r.met for r in report.province}
    assert province["province.5"] is None  # not configured


def test_bad_input_is_refused_in_both_languages(loaded, actor) -> None:
    with pytest.raises(InvalidInput, match="No commune with code '99999'"):
        drug_status_report(loaded, actor, as_of=AS_OF, unit_code="99999")
    with pytest.raises(InvalidInput, match="Năm 2027 không hợp lệ"):
        drug_status_report(loaded, actor, as_of=AS_OF, year=2027)


def test_a_city_wide_reader_without_the_privilege_gets_no_city_totals(loaded) -> None:
    """The city's totals less the communes shown would give back the small counts withheld from them."""
    administrator = Actor.for_user("qtv", [Grant.city(Role.ADMINISTRATOR)])
    report = drug_status_report(loaded, administrator, as_of=AS_OF)
    assert report.province == [] and any(c.withheld for c in report.communes)
    leader = Actor.for_user("ld", [Grant.city(Role.LEADER)])
    assert drug_status_report(loaded, leader, as_of=AS_OF).province != []


def test_a_commune_officer_sees_only_their_commune_with_small_counts_withheld(loaded) -> None:
    officer = Actor.for_user("cax", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
    report = drug_status_report(loaded, officer, as_of=AS_OF)
    assert [c.unit_code for c in report.communes] == ["11383"] and report.province == []
    mine = report.communes[0]
    assert mine.withheld and mine.figures.arrested is None and mine.figures.users == 12
    assert next(r for r in mine.indicative.criteria if r.criterion.id == "class_1.c").value is None
    with pytest.raises(NotFound):
        drug_status_report(loaded, officer, as_of=AS_OF, unit_code="11329")


def test_review_candidates_are_stored_as_sensitive_alerts_once(loaded, actor) -> None:
    new, updated = store_drug_alerts(loaded, actor, as_of=AS_OF)
    assert len(new) == 2 and updated == []
    alerts = {(a.kind, a.unit_code, a.subject): a for a in list_alerts(loaded, actor)}
    assert set(alerts) == {
        ("drug_free.with_activity", "11383", "drug_free"),
        ("drug_class", "11329", "class_1"),
    }
    assert all(a.sensitive for a in alerts.values())
    assert alerts[("drug_class", "11329", "class_1")].figures["criteria_met"] == [
        "class_1.a",
        "class_1.b",
        "class_1.c",
    ]
    again_new, again_updated = store_drug_alerts(loaded, actor, as_of=AS_OF)
    assert again_new == [] and len(again_updated) == 2
    officer = Actor.for_user("cax", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
    (seen,) = list_alerts(loaded, officer)
    assert seen.unit_code == "11383" and seen.withheld and seen.figures == {}


def test_the_report_states_the_recognised_share_of_each_drug_free_target(loaded, actor) -> None:
    from antt.services.report_content import Figures as ReportFigures
    from antt.services.report_content import drug_free_lines
    from antt.services.targets import targets_status

    evaluations = targets_status(loaded, actor, as_of=AS_OF)
    lines = drug_free_lines(ReportFigures(None, None, evaluations, None))  # type: ignore[arg-type]
    assert lines[0].startswith("- Xây dựng xã, phường không ma túy (theo quyết định công nhận")
    drug_free = [e for e in evaluations if e.target.indicator == "drug_free_communes_share"]
    assert len(lines) == 1 + len(drug_free) == 5
    assert any(f"thực hiện {round(100 * 5 / 114, 1)}".replace(".", ",") in line for line in lines[1:])
    assert drug_free_lines(ReportFigures(None, None, [], None)) == []  # type: ignore[arg-type]
