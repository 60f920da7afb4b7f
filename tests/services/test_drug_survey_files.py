"""The commune drug-control survey offline: the Excel template round-trips to the same record as the web
form; a modified template, another commune's or bad answers are refused with every problem listed and
nothing written; the deadline makes communes overdue."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import select

from antt.domain.access import Actor, Grant, Role
from antt.domain.drug_survey import FORM_VERSION, SurveyStatus, deadline_of
from antt.errors import ImportRejected, NotFound, PermissionDenied
from antt.importers.drug_survey import ANSWER, ROW_OF, SHEET, VERSION_ROW
from antt.services.drug_survey import get_survey, review_survey, submit_survey, survey_progress
from antt.services.drug_survey_files import import_survey_file, survey_template
from antt.storage.tables import DrugSurveyRow
from tests.services.test_drug_survey import ANALYST, GOOD, LEADER, NOW, OFFICER
from tests.user_fixtures import audit_records

OTHER = Actor.for_user("cax_hongbang", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11311"))])


def filled(template: bytes, answers: dict[str, object]) -> bytes:
    """The template with ``answers`` typed into the answer column, as a person would in Excel."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    ws = workbook[SHEET]
    for qid, value in answers.items():
        ws[f"{ANSWER}{ROW_OF[qid]}"] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def excel_answers() -> dict[str, object]:
    """GOOD as typed in Excel: numbers as numbers, the drop-downs' Vietnamese labels."""
    return {
        "users_managed": 12,
        "places": 0,
        "offenders_arrested": 1,
        "plants_destroyed": 0,
        "steering_committee": "có",
        "community_treatment": 1204,
        "self_assessment": "gần đạt",
        "notes": "Đề nghị hỗ trợ xét nghiệm",
    }


def stored(database, unit_code: str) -> DrugSurveyRow | None:
    with database.transaction(write=False) as session:
        row = session.scalars(select(DrugSurveyRow).where(DrugSurveyRow.unit_code == unit_code)).one_or_none()
        if row is not None:
            session.expunge(row)
        return row


def test_the_template_round_trips_to_the_same_record_as_the_web_form(database) -> None:
    web = submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    name, template = survey_template(database, OTHER, "11311", 2026, now=NOW)
    assert name == "khao-sat-ma-tuy-11311-2026.xlsx"
    result = import_survey_file(
        database, OTHER, filled(template, excel_answers()), name, unit_code="11311", year=2026, now=NOW
    )
    assert result.record is not None and result.record.answers == web.answers
    by_web, by_excel = stored(database, "11383"), stored(database, "11311")
    assert by_web is not None and by_excel is not None
    assert (by_excel.answers, by_excel.form_version, by_excel.status, by_excel.year) == (
        by_web.answers,
        by_web.form_version,
        by_web.status,
        by_web.year,
    )
    assert by_excel.answers["community_treatment"] == 1204 and by_excel.answers["self_assessment"] == "near"
    submits = audit_records(database, "drug_survey.submit")
    assert [r.details["via"] for r in submits] == ["web", "xlsx"]
    assert submits[1].details["sha256"] == result.sha256 and submits[1].details["file"] == name
    assert [r.actor for r in audit_records(database, "drug_survey.template")] == ["cax_hongbang"]


def test_a_returned_survey_comes_back_prefilled_and_a_dry_run_writes_nothing(database) -> None:
    submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    review_survey(database, ANALYST, "11383", 2026, approve=False, comment="Bổ sung số liệu")
    _, template = survey_template(database, OFFICER, "11383", 2026, now=NOW)
    ws = openpyxl.load_workbook(io.BytesIO(template))[SHEET]
    assert ws[f"{ANSWER}{ROW_OF['community_treatment']}"].value == 1204
    assert ws[f"{ANSWER}{ROW_OF['self_assessment']}"].value == "gần đạt"
    assert ws.protection.sheet and ws[f"{ANSWER}{ROW_OF['places']}"].protection.locked is False
    assert ws[f"C{ROW_OF['places']}"].protection.locked is True
    changed = filled(template, {"places": 2})
    checked = import_survey_file(
        database, OFFICER, changed, "x.xlsx", unit_code="11383", dry_run=True, now=NOW
    )
    assert checked.answers["places"] == 2 and checked.record is None
    assert get_survey(database, OFFICER, "11383", 2026).status is SurveyStatus.RETURNED  # unchanged
    again = import_survey_file(database, OFFICER, changed, "x.xlsx", unit_code="11383", now=NOW)
    assert again.record is not None and again.record.status is SurveyStatus.SUBMITTED
    assert again.record.answers["places"] == 2


def test_a_modified_template_is_refused_with_every_problem_and_nothing_written(database) -> None:
    _, template = survey_template(database, OFFICER, "11383", 2026, now=NOW)
    workbook = openpyxl.load_workbook(io.BytesIO(filled(template, {**excel_answers(), "places": "nhiều"})))
    ws = workbook[SHEET]
    ws[f"B{VERSION_ROW}"] = "ptmt-xa-2019"
    ws[f"C{ROW_OF['users_managed']}"] = "Người nghiện"  # a label changed
    ws[f"A{ROW_OF['plants_destroyed']}"] = "plants"  # an id changed: unknown, and plants_destroyed missing
    extra = ROW_OF["notes"] + 1
    ws[f"A{extra}"], ws[f"G{extra}"] = "bonus", "1"  # an added question
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportRejected) as caught:
        import_survey_file(database, OFFICER, out.getvalue(), "khao-sat.xlsx", unit_code="11383", now=NOW)
    issues = caught.value.issues
    found = {(i.rule, i.row, i.column) for i in issues}
    assert found == {
        ("survey.template.version", VERSION_ROW, "B"),
        ("survey.template.changed", ROW_OF["users_managed"], "C"),
        ("survey.template.unknown_question", ROW_OF["plants_destroyed"], "A"),
        ("survey.template.missing_question", ROW_OF["plants_destroyed"], "A"),
        ("survey.template.unknown_question", extra, "A"),
        ("survey.number", ROW_OF["places"], ANSWER),
    }
    assert all(i.file == "khao-sat.xlsx" and i.message_vi and i.message_en for i in issues)
    assert next(i for i in issues if i.rule == "survey.number").value == "nhiều"
    assert next(i for i in issues if i.rule == "survey.template.version").value == "ptmt-xa-2019"
    assert "nothing was saved" in caught.value.message_en and "chưa lưu" in caught.value.message_vi
    assert stored(database, "11383") is None and audit_records(database, "drug_survey.submit") == []


def test_a_template_of_another_commune_or_year_is_refused(database) -> None:
    _, theirs = survey_template(database, ANALYST, "11311", 2026, now=NOW)
    with pytest.raises(ImportRejected) as caught:
        import_survey_file(
            database, OFFICER, filled(theirs, excel_answers()), "t.xlsx", unit_code="11383", now=NOW
        )
    [issue] = caught.value.issues
    assert (issue.rule, issue.row, issue.column, issue.value) == ("survey.template.unit", 3, "B", "11311")
    with pytest.raises(NotFound):  # the page of a commune outside the officer's scope
        import_survey_file(database, OFFICER, filled(theirs, excel_answers()), "t.xlsx", unit_code="11311")
    with pytest.raises(ImportRejected) as caught:  # the command line: the file's commune, in scope
        import_survey_file(database, OFFICER, filled(theirs, excel_answers()), "t.xlsx", now=NOW)
    assert [i.rule for i in caught.value.issues] == ["survey.template.unit"]
    _, last_year = survey_template(database, OFFICER, "11383", 2025, now=NOW)
    with pytest.raises(ImportRejected) as caught:
        import_survey_file(
            database,
            OFFICER,
            filled(last_year, excel_answers()),
            "t.xlsx",
            unit_code="11383",
            year=2026,
            now=NOW,
        )
    assert [i.rule for i in caught.value.issues] == ["survey.template.year"]
    with pytest.raises(PermissionDenied):
        survey_template(database, LEADER, "11383", 2026, now=NOW)  # reads, enters nothing
    with pytest.raises(ImportRejected) as caught:
        import_survey_file(database, OFFICER, b"source_id,unit_code\n1,11383\n", "t.xlsx", unit_code="11383")
    assert [i.rule for i in caught.value.issues] == ["xlsx.corrupt"]
    assert stored(database, "11383") is None and stored(database, "11311") is None
    assert audit_records(database, "drug_survey.submit") == []


def test_communes_are_overdue_after_the_deadline_until_their_survey_is_in(database) -> None:
    assert deadline_of(2026) == date(2026, 6, 30) and deadline_of(2024, "02-30") == date(2024, 2, 29)
    submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW)
    submit_survey(database, OTHER, "11311", GOOD, year=2026, now=NOW)
    review_survey(database, ANALYST, "11311", 2026, approve=False, comment="Thiếu số liệu")
    before = survey_progress(database, LEADER, 2026, now=datetime(2026, 6, 30, 12, 0, tzinfo=UTC))
    assert before.deadline == date(2026, 6, 30) and before.overdue == []
    after = survey_progress(database, LEADER, 2026, now=datetime(2026, 7, 1, 1, 0, tzinfo=UTC))
    overdue = {c.unit_code for c in after.overdue}
    assert "11383" not in overdue and "11311" in overdue  # returned: pending again
    assert len(overdue) == len(after.communes) - 1
    mine = survey_progress(database, OTHER, 2026, now=datetime(2026, 7, 1, 1, 0, tzinfo=UTC))
    assert [c.unit_code for c in mine.overdue] == ["11311"]
    assert stored(database, "11383").form_version == FORM_VERSION
