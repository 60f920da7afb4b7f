"""The official drug-status import (all problems listed, atomic, idempotent, audited) and the drug-free
targets counted from recognitions, never from ANTT's own indicator-derived share."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from antt.domain.access import Actor, Grant, Role
from antt.domain.reference import unit_catalog
from antt.domain.units import Level
from antt.errors import ImportRejected, PermissionDenied
from antt.services.drug_status import commune_statuses, import_drug_status, official_share
from antt.services.targets import target_status
from antt.storage.tables import DrugDecisionRow, ImportBatch
from tests.drug_status_files import CITY, GOOD_ROWS, HEADERS_VI, write_decisions
from tests.user_fixtures import audit_records

NOW = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)


def stored(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(DrugDecisionRow)) or 0


def batches(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(ImportBatch)) or 0


def run(database, settings, actor, path, **kw):
    return import_drug_status(database, settings, actor, path, now=NOW, **kw)


def test_a_good_file_is_recorded_once_and_a_second_import_changes_nothing(
    database, settings, actor, tmp_path
) -> None:
    path = write_decisions(tmp_path / "qd.csv", GOOD_ROWS)
    dry = run(database, settings, actor, path, dry_run=True)
    assert (dry.dry_run, dry.new, dry.batch_id) == (True, 7, None)
    assert stored(database) == 0 and batches(database) == 0
    first = run(database, settings, actor, path)
    assert (first.rows_total, first.new, first.unchanged) == (7, 7, 0)
    assert first.by_status == {"class_2": 1, "drug_free": 6}
    again = run(database, settings, actor, path)
    assert (again.new, again.unchanged) == (0, 7)
    assert stored(database) == 7
    records = audit_records(database, "import.drug_status")
    assert [r.outcome for r in records] == ["success", "success"]


def test_vietnamese_headers_and_an_excel_file_give_the_same_decisions(
    database, settings, actor, tmp_path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADERS_VI))
    for code, year, status, number, day, issuer in GOOD_ROWS:
        d, m, y = str(day).split("/") if "/" in str(day) else reversed(str(day).split("-"))
        sheet.append([code, year, status, number, datetime(int(y), int(m), int(d)), issuer])
    book.save(tmp_path / "qd.xlsx")
    summary = run(database, settings, actor, tmp_path / "qd.xlsx")
    assert summary.new == 7
    again = run(database, settings, actor, write_decisions(tmp_path / "qd.csv", GOOD_ROWS))
    assert (again.new, again.unchanged) == (0, 7)


BAD_ROWS: list[tuple[object, ...]] = [
    ("99999", 2025, "drug_free", "1/QĐ", "20/12/2025", CITY),  # 2: unknown commune
    ("10510", 2025, "drug_free", "1/QĐ", "20/12/2025", CITY),  # 3: an old code after 1/7/2025
    ("11383", 2026, "drug_free", "2/QĐ", "20/02/2026", CITY),  # 4: in the future (today 15/01/2026)
    ("11383", 2025, "loại IV", "3/QĐ", "20/12/2025", CITY),  # 5: no such class
    ("10525", 2025, "drug_free", "4/QĐ", "20/12/2025", CITY),  # 6
    ("10525", 2025, "class_3", "4/QĐ", "20/12/2025", CITY),  # 7: same decision, other contents
    ("31", 2025, "drug_free", "5/QĐ", "20/12/2025", CITY),  # 8: the city, not a commune
    ("11311", 2025, "drug_free", "", "32/12/2025", CITY),  # 9: no number, no real date
]


def test_a_bad_file_lists_every_problem_in_both_languages_and_writes_nothing(
    database, settings, actor, tmp_path
) -> None:
    path = write_decisions(tmp_path / "qd.csv", BAD_ROWS)
    with pytest.raises(ImportRejected) as caught:
        run(database, settings, actor, path)
    errors = {(i.row, i.column, i.rule): i for i in caught.value.issues if i.is_error}
    assert set(errors) == {
        (2, "unit_code", "unit.unknown"),
        (3, "unit_code", "unit.unknown"),
        (4, "decision_date", "date.future"),
        (5, "status", "status.unknown"),
        (7, "decision_number", "decision.conflict"),
        (8, "unit_code", "unit.not_commune"),
        (9, "decision_number", "value.required"),
        (9, "decision_date", "date.format"),
    }
    old = errors[(3, "unit_code", "unit.unknown")]
    assert old.value == "10510" and "Phường Bình Hàn trong hệ 2025-01" in old.message_vi
    assert "scheme 2025-07" in old.message_en
    conflict = errors[(7, "decision_number", "decision.conflict")]
    assert (
        "dòng 6" in conflict.message_vi and "row 6" in conflict.message_en and "status" in conflict.message_en
    )
    assert all(i.file == "qd.csv" and i.message_vi and i.message_en for i in errors.values())
    assert "loại I, loại II, loại III" in errors[(5, "status", "status.unknown")].message_vi
    assert stored(database) == 0 and batches(database) == 0
    assert audit_records(database, "import.drug_status") == []


def test_a_code_is_read_in_the_scheme_in_force_on_the_decision_date(
    database, settings, actor, tmp_path
) -> None:
    # 10510 was Phường Bình Hàn until 30/6/2025: valid in June, unknown in July
    rows = [("10510", 2025, "class_3", "7/QĐ", "30/06/2025", CITY)]
    run(database, settings, actor, write_decisions(tmp_path / "a.csv", rows))
    with pytest.raises(ImportRejected) as caught:
        run(
            database,
            settings,
            actor,
            write_decisions(tmp_path / "b.csv", [(*rows[0][:3], "8/QĐ", "01/07/2025", CITY)]),
        )
    assert [i.rule for i in caught.value.issues] == ["unit.unknown"]
    with database.transaction(write=False) as session:
        row = session.scalars(select(DrugDecisionRow)).one()
    assert (row.unit_scheme, row.unit_code) == ("2025-01", "10510")


def test_a_stored_decision_is_never_changed_by_a_later_file(database, settings, actor, tmp_path) -> None:
    run(database, settings, actor, write_decisions(tmp_path / "a.csv", GOOD_ROWS))
    changed = [("11383", 2025, "class_3", "3001/QĐ-UBND", "20/12/2025", CITY), *GOOD_ROWS[1:2]]
    with pytest.raises(ImportRejected) as caught:
        run(database, settings, actor, write_decisions(tmp_path / "b.csv", changed))
    (issue,) = [i for i in caught.value.issues if i.is_error]
    assert (issue.rule, issue.row, issue.column) == ("decision.conflict_stored", 2, "decision_number")
    assert "lô 1" in issue.message_vi and "status" in issue.message_en
    assert stored(database) == 7


def test_an_identical_repeated_row_is_a_warning_and_recorded_once(
    database, settings, actor, tmp_path
) -> None:
    summary = run(
        database, settings, actor, write_decisions(tmp_path / "a.csv", [GOOD_ROWS[0], GOOD_ROWS[0]])
    )
    assert (summary.new, summary.duplicates, summary.warnings_by_rule) == (1, 1, {"decision.duplicate": 1})


def test_a_commune_officer_may_not_import_decisions(database, settings, tmp_path) -> None:
    officer = Actor.for_user("cax_lechan", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
    with pytest.raises(PermissionDenied):
        run(database, settings, officer, write_decisions(tmp_path / "a.csv", GOOD_ROWS[:1]))
    assert stored(database) == 0


def test_the_drug_free_target_counts_recognitions_not_inherited_decisions(
    database, settings, actor, tmp_path
) -> None:
    run(database, settings, actor, write_decisions(tmp_path / "a.csv", GOOD_ROWS))
    share = official_share(database, date(2025, 12, 31))
    assert share is not None and (share.recognised, share.communes) == (5, 114)  # 10507 is inherited
    evaluation = target_status(database, actor, "drug-free-communes-2025", as_of=date(2026, 1, 10))
    assert evaluation.status.value == "off_track"
    assert evaluation.actual == pytest.approx(500 / 114)
    assert "5/114" in evaluation.model and "Chính thức" in evaluation.model


def test_the_drug_free_target_is_met_when_30_percent_are_recognised(
    database, settings, actor, tmp_path
) -> None:
    communes = unit_catalog().in_scheme("2025-07", Level.COMMUNE)[:35]
    rows = [(u.code, 2025, "drug_free", "3001/QĐ-UBND", "20/12/2025", CITY) for u in communes]
    run(database, settings, actor, write_decisions(tmp_path / "a.csv", rows))
    evaluation = target_status(database, actor, "drug-free-communes-2025", as_of=date(2026, 1, 10))
    assert evaluation.status.value == "met"
    assert evaluation.actual == pytest.approx(3500 / 114)
    # the day before the recognitions took effect, none was in force
    early = target_status(database, actor, "drug-free-communes-2025", as_of=date(2025, 12, 19))
    assert early.actual == 0


def test_without_decisions_the_target_has_no_data_whatever_the_indicators_say(
    database, settings, actor, tmp_path
) -> None:
    from antt.services.indicators import import_indicators

    clean = {u.code: (0, 0, 0) for u in unit_catalog().in_scheme("2025-07", Level.COMMUNE)}  # all "clean"
    import_indicators(database, settings, actor, write_drug_indicators(tmp_path / "i.csv", clean))
    evaluation = target_status(database, actor, "drug-free-communes-2025", as_of=date(2026, 1, 10))
    assert evaluation.status.value == "no_data" and evaluation.actual is None
    assert "drug-status" in evaluation.model
    assert "tham khảo" not in evaluation.model and "100" not in evaluation.model  # no indicator-derived share


def test_a_commune_officer_sees_their_commune_and_the_inherited_mark(
    database, settings, actor, tmp_path
) -> None:
    run(database, settings, actor, write_decisions(tmp_path / "a.csv", GOOD_ROWS))
    _, everyone = commune_statuses(database, actor, as_of=date(2026, 1, 10))
    by_code = {c.unit_code: c for c in everyone}
    assert len(everyone) == 114
    assert by_code["10507"].official is not None and by_code["10507"].official.inherited
    assert by_code["11383"].official is not None and by_code["11383"].official.recognised
    assert by_code["10546"].official is None
    officer = Actor.for_user("cax_lechan", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
    _, own = commune_statuses(database, officer, as_of=date(2026, 1, 10))
    assert [c.unit_code for c in own] == ["11383"]


def write_drug_indicators(path, values: dict[str, tuple[int, int, int]]):
    lines = ["indicator,unit_code,period,value"]
    for code, figures in values.items():
        for name, value in zip(
            ("drug_users_managed", "drug_use_places", "drug_offenders_arrested"), figures, strict=True
        ):
            lines.append(f"{name},{code},year:2025,{value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_road_to_100_percent_and_the_communes_to_review(database, settings, actor, tmp_path) -> None:
    from antt.services.drug_status import road_to_full
    from antt.services.indicators import import_indicators

    run(database, settings, actor, write_decisions(tmp_path / "a.csv", GOOD_ROWS))
    # 11383 is recognised but records 12 users; 10546 is clean and not recognised; 10525 clean and recognised
    figures = {"11383": (12, 0, 1), "10546": (0, 0, 0), "10525": (0, 0, 0)}
    import_indicators(database, settings, actor, write_drug_indicators(tmp_path / "i.csv", figures))
    road = road_to_full(database, actor, as_of=date(2026, 1, 10))
    steps = [
        (m.target_id, m.required_communes, m.share.recognised, m.missing, m.decided) for m in road.milestones
    ]
    assert steps == [
        ("drug-free-communes-2025", 35, 5, 30, True),
        ("drug-free-communes-2027", 52, 5, 47, False),
        ("drug-free-communes-2030", 69, 5, 64, False),
        ("drug-free-communes-2035", 114, 5, 109, False),
    ]
    # five recognitions since the new scheme began (1/7/2025, 193 days before): 5 × 365.25 / 193 a year
    assert road.pace == pytest.approx(5 * 365.25 / 193)
    projected = [(m.projected, m.on_track) for m in road.milestones]
    # 31/12/2027 is 720 days away: 5 + 9.462 × 1.971 = 23.65; 2030: 1,816 days, 52.05; 2035: 3,642, 99.35
    assert projected == [(None, False), (23, False), (52, False), (99, False)]
    assert road.full_by == 2037  # 109 more at 9.46 a year: 11.5 years after 10/01/2026
    assert [(s.day, s.recognised, s.communes) for s in road.history] == [
        (date(2025, 12, 31), 5, 114),
        (date(2026, 1, 10), 5, 114),
    ]
    early = road_to_full(database, actor, as_of=date(2025, 8, 1))  # a month into the scheme: no pace yet
    assert (early.pace, early.full_by) == (None, None)
    assert {(m.projected, m.on_track) for m in early.milestones} == {(None, None)}
    kinds = {(c.kind, c.unit_code) for c in road.candidates}
    assert kinds == {("recognised_with_activity", "11383"), ("clean_not_recognised", "10546")}
    flagged = next(c for c in road.candidates if c.unit_code == "11383")
    assert flagged.figures == {"drug_users_managed": 12, "drug_use_places": 0, "drug_offenders_arrested": 1}
    assert "chỉ báo tham khảo" in flagged.explanation_vi and "3001/QĐ-UBND" in flagged.explanation_en
    # a commune officer without the small-count privilege sees the arrest count of 1 as "<5"
    officer = Actor.for_user("cax_lechan", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
    (own,) = road_to_full(database, officer, as_of=date(2026, 1, 10)).candidates
    assert own.unit_code == "11383" and own.figures["drug_offenders_arrested"] is None


def test_the_communes_nearest_to_recognition_rank_survey_figures_and_falling_drug_cases(
    database, settings, actor, tmp_path
) -> None:
    """As of 10/01/2027 the last ended reporting years are 2026 (15/12/2025–14/12/2026) and 2025. 10546:
    clean yearly figures (2), survey "meets" (2), no drug case in 2026 (1) = 5. 11329: survey "near" (1),
    drug cases 6 → 3 (falling, 1) = 2, but 1 for a reader who may not see counts under 5 (the fall between
    two withheld counts would tell them). Recognised communes are never listed."""
    from antt.services.drug_status import nearest_to_recognition
    from antt.services.drug_survey import submit_survey
    from antt.services.imports import import_incidents
    from antt.services.indicators import import_indicators
    from tests.incident_files import incident, write_csv
    from tests.services.test_drug_survey import GOOD

    run(database, settings, actor, write_decisions(tmp_path / "a.csv", GOOD_ROWS))
    figures = {"10546": (0, 0, 0), "11383": (0, 0, 0)}  # 11383 is recognised: not listed
    import_indicators(database, settings, actor, write_drug_indicators(tmp_path / "i.csv", figures))
    days = ["20/08/2025"] * 6 + ["10/03/2026"] * 3 + ["20/12/2026"] * 4  # the last four: not an ended year
    rows = [
        incident(n, occurred_at=f"{d} 10:00", reported_at="", unit_code="11329", article="249.1")
        for n, d in enumerate(days, start=1)
    ]
    later = datetime(2027, 1, 10, 3, 0, tzinfo=UTC)  # the December cases are in the future today
    import_incidents(database, settings, actor, write_csv(tmp_path / "drugs.csv", rows), now=later)
    for code, assessment in (("10546", "meets"), ("11329", "near")):
        officer = Actor.for_user(f"cax{code}", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", code))])
        submit_survey(
            database,
            officer,
            code,
            dict(GOOD, self_assessment=assessment),
            now=datetime(2026, 11, 2, tzinfo=UTC),
        )
    day = date(2027, 1, 10)
    ranked = nearest_to_recognition(database, actor, as_of=day)
    assert [(n.unit_code, n.points) for n in ranked] == [("10546", 5), ("11329", 2)]
    first, second = ranked
    assert (first.self_assessment, first.indicators_clean, first.cases_last, first.years) == (
        "meets",
        True,
        0,
        (2026, 2025),
    )
    assert (second.self_assessment, second.indicators_clean, second.cases_last, second.cases_before) == (
        "near",
        None,
        3,
        6,
    )
    officer = Actor.for_user("cax11329", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11329"))])
    (own,) = nearest_to_recognition(database, officer, as_of=day)
    assert (own.unit_code, own.points, own.cases_last, own.cases_before) == ("11329", 1, None, 6)
