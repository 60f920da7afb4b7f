"""``/drugs/survey/{code}``: a commune officer fills in their own commune's survey on the web or through
the Excel template, the city approves or returns it; another commune's is not found; nothing is written on
any error; every step audited."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from antt.domain.drug_survey import QUESTIONS
from antt.importers.drug_survey import SHEET, VERSION_ROW
from antt.services.drug_survey import get_survey
from antt.web.app import create_app
from tests.services.test_drug_survey import ANALYST, GOOD
from tests.services.test_drug_survey_files import excel_answers, filled, stored
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as

OWN, OTHER = "11383", "11311"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(settings, database):
    return create_app(settings)


def post(client, url: str, data: dict[str, str]):
    return client.post(url, data={**data, "csrf_token": client.csrf_token}, follow_redirects=False)


def test_the_officer_fills_in_their_commune_and_the_city_returns_then_approves_it(app, database) -> None:
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        page = officer.get(f"/drugs/survey/{OWN}").text
        assert 'id="survey-form"' in page and 'name="csrf_token"' in page
        for q in QUESTIONS.values():  # every question, with its Vietnamese label and its English one
            assert f'data-question="{q.id}"' in page and q.label_vi in page and q.label_en in page
        assert 'name="steering_committee" value="có"' in page and '<option value="near"' in page
        assert 'data-status="none"' in page and "Thời hạn" in page
        sent = post(officer, f"/drugs/survey/{OWN}", GOOD)
        assert sent.status_code == 303 and sent.headers["location"].startswith(f"/drugs/survey/{OWN}?year=")
        page = officer.get(sent.headers["location"]).text
        assert (
            'data-status="submitted"' in page and 'value="1204"' in page and 'id="survey-review"' not in page
        )
        assert post(officer, f"/drugs/survey/{OWN}/review", {"decision": "approve"}).status_code == 403
        assert officer.get(f"/drugs/survey/{OTHER}").status_code == 404
        assert post(officer, f"/drugs/survey/{OTHER}", GOOD).status_code == 404
        assert officer.get(f"/drugs/survey/{OTHER}/template.xlsx").status_code == 404
    with client_as(app, database, "analyst") as analyst:
        page = analyst.get(f"/drugs/survey/{OWN}").text
        assert 'id="survey-review"' in page and "Đề nghị hỗ trợ xét nghiệm" in page
        refused = post(analyst, f"/drugs/survey/{OWN}/review", {"decision": "return", "comment": " "})
        assert refused.status_code == 422 and "Trả lại phiếu cần ghi lý do." in refused.text
        assert "Returning a survey needs a comment." in refused.text
        returned = post(analyst, f"/drugs/survey/{OWN}/review", {"decision": "return", "comment": "Bổ sung"})
        assert returned.status_code == 303
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        page = officer.get(f"/drugs/survey/{OWN}").text
        assert 'data-status="returned"' in page and 'data-testid="review-comment">Bổ sung<' in page
        assert post(officer, f"/drugs/survey/{OWN}", GOOD).status_code == 303  # sent again
    with client_as(app, database, "analyst") as analyst:
        assert post(analyst, f"/drugs/survey/{OWN}/review", {"decision": "approve"}).status_code == 303
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        page = officer.get(f"/drugs/survey/{OWN}").text
        assert 'data-status="approved"' in page and 'id="survey-form"' not in page  # final
    with client_as(app, database, "leader") as leader:
        assert 'data-answer="offenders_arrested">1<' in leader.get(f"/drugs/survey/{OWN}").text
        assert post(leader, f"/drugs/survey/{OWN}", GOOD).status_code == 403
    with client_as(app, database, "administrator") as admin:  # no small-count privilege: 1 arrest is "<5"
        page = admin.get(f"/drugs/survey/{OWN}").text
        assert 'data-answer="offenders_arrested">&lt;5<' in page and 'data-answer="users_managed">12<' in page
    assert [r.details["status"] for r in audit_records(database, "drug_survey.review")] == [
        "returned",
        "approved",
    ]
    assert len(audit_records(database, "drug_survey.submit")) == 2


def test_a_bad_form_comes_back_with_each_problem_beside_its_question_and_nothing_written(
    app, database
) -> None:
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        answer = post(officer, f"/drugs/survey/{OWN}", {**GOOD, "places": "nhiều", "users_managed": ""})
        assert answer.status_code == 422
        page = answer.text
        assert (
            'id="e-places"' in page
            and 'id="e-users_managed"' in page
            and 'id="e-offenders_arrested"' not in page
        )
        assert "cần một số nguyên từ 0 đến 1.000.000" in page and "a whole number from 0 to 1,000,000" in page
        assert "Chưa trả lời" in page and "Not answered" in page
        assert 'value="nhiều"' in page and "Đề nghị hỗ trợ xét nghiệm" in page  # kept as sent
    assert stored(database, OWN) is None and audit_records(database, "drug_survey.submit") == []


def test_the_excel_template_round_trips_through_the_page_to_the_web_forms_record(app, database) -> None:
    with client_as(app, database, "commune_officer", (OTHER,)) as web:
        assert post(web, f"/drugs/survey/{OTHER}", GOOD).status_code == 303
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        template = officer.get(f"/drugs/survey/{OWN}/template.xlsx")
        assert template.status_code == 200 and template.headers["content-type"] == XLSX
        assert f"khao-sat-ma-tuy-{OWN}-" in template.headers["content-disposition"]
        upload = officer.post(
            f"/drugs/survey/{OWN}/upload",
            data={"csrf_token": officer.csrf_token},
            files={"file": ("khao-sat.xlsx", filled(template.content, excel_answers()), XLSX)},
            follow_redirects=False,
        )
        assert upload.status_code == 303
    by_web, by_excel = stored(database, OTHER), stored(database, OWN)
    assert by_web is not None and by_excel is not None
    assert (by_excel.answers, by_excel.form_version, by_excel.status) == (
        by_web.answers,
        by_web.form_version,
        by_web.status,
    )
    assert [r.details["via"] for r in audit_records(database, "drug_survey.submit")] == ["web", "xlsx"]
    assert len(audit_records(database, "drug_survey.template")) == 1


def test_a_modified_or_foreign_template_is_refused_on_the_page_with_every_problem(app, database) -> None:
    with client_as(app, database, "analyst") as analyst:
        foreign = analyst.get(f"/drugs/survey/{OTHER}/template.xlsx").content
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        mine = officer.get(f"/drugs/survey/{OWN}/template.xlsx").content
        workbook = openpyxl.load_workbook(io.BytesIO(filled(mine, {**excel_answers(), "places": -3})))
        workbook[SHEET][f"B{VERSION_ROW}"] = "khác"
        workbook[SHEET]["D7"] = "Question"
        out = io.BytesIO()
        workbook.save(out)
        for content, rules in (
            (out.getvalue(), {"survey.template.version", "survey.template.changed", "survey.number"}),
            (filled(foreign, excel_answers()), {"survey.template.unit"}),
        ):
            answer = officer.post(
                f"/drugs/survey/{OWN}/upload",
                data={"csrf_token": officer.csrf_token},
                files={"file": ("sua.xlsx", content, XLSX)},
                follow_redirects=False,
            )
            assert answer.status_code == 422
            assert {r for r in rules if f'data-rule="{r}"' in answer.text} == rules
            assert "sua.xlsx" in answer.text and "nothing was saved" in answer.text
        no_file = officer.post(
            f"/drugs/survey/{OWN}/upload", data={"csrf_token": officer.csrf_token}, follow_redirects=False
        )
        assert no_file.status_code == 422
    assert stored(database, OWN) is None and audit_records(database, "drug_survey.submit") == []
    assert get_survey(database, ANALYST, OWN) is None


def test_the_drugs_page_links_each_commune_to_its_survey_and_lists_the_overdue(
    app, database, monkeypatch
) -> None:
    today = {"day": date(2026, 6, 30)}  # the clock: the deadline's day, then the day after
    monkeypatch.setattr("antt.services.drug_survey.today_local", lambda now=None: today["day"])
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        assert post(officer, f"/drugs/survey/{OWN}", GOOD).status_code == 303
    with client_as(app, database, "leader") as leader:
        page = leader.get("/drugs").text
        assert (
            f'href="/drugs/survey/{OWN}?year=2026"' in page
            and f'href="/drugs/survey/{OTHER}?year=2026"' in page
        )
        assert "30/06/2026" in page and 'id="survey-overdue"' not in page
        assert 'data-province="31">Quận, huyện cũ của Thành phố Hải Phòng đã xong: 0/15<' in page
        assert 'data-province="30">' in page and '<tr data-district="318"><td>Thành phố Hải Phòng<' in page
        today["day"] = date(2026, 7, 1)
        page = leader.get("/drugs").text
        overdue = page.split('id="survey-overdue"')[1].split("</ul>")[0]
        assert f'data-unit="{OTHER}"' in overdue and f'data-unit="{OWN}"' not in overdue
        assert 'data-testid="overdue"' in leader.get(f"/drugs/survey/{OTHER}").text
        assert 'data-testid="overdue"' not in leader.get(f"/drugs/survey/{OWN}").text
