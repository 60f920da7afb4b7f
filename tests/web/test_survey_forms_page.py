"""The analyst adds a survey form on ``/drugs`` and gives it to the year's campaign; the commune officer then
fills that form on the web, a file attached; the file is downloaded within scope, audited; a bad definition
is refused with every problem (row, column, value, rule) on the page."""

from __future__ import annotations

from antt.web.app import create_app
from tests.services.test_survey_forms import ANSWERS, DEFINITION, PDF, definition_file
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as

OWN, OTHER = "11383", "11311"
CSV = "text/csv"


def test_a_form_added_on_the_page_is_the_campaigns_and_its_attachment_is_sent_and_opened(
    database, settings, tmp_path
) -> None:
    app = create_app(settings)
    definition = definition_file(tmp_path).read_bytes()
    with client_as(app, database, "analyst") as analyst:
        page = analyst.get("/drugs").text
        assert 'data-form="ptmt-xa-2025"' in page and 'action="/drugs/forms"' in page
        builtin = analyst.get("/drugs/forms/ptmt-xa-2025.xlsx")
        assert builtin.status_code == 200 and builtin.content[:2] == b"PK"
        added = analyst.post(
            "/drugs/forms",
            data={
                "csrf_token": analyst.csrf_token,
                "code": "ptmt-xa-2026",
                "title_vi": "Khảo sát 2026",
                "title_en": "Survey 2026",
            },
            files={"file": ("mẫu 2026.csv", definition, CSV)},
            follow_redirects=False,
        )
        assert added.status_code == 303 and added.headers["location"] == "/drugs?form=ptmt-xa-2026#forms"
        page = analyst.get("/drugs").text
        assert 'data-form="ptmt-xa-2026"' in page and '<option value="ptmt-xa-2026"' in page
        campaign = analyst.post(
            "/drugs/campaign",
            data={
                "csrf_token": analyst.csrf_token,
                "year": "2026",
                "name": "Khảo sát PCMT 2026",
                "deadline": "30/09/2026",
                "form": "ptmt-xa-2026",
            },
            follow_redirects=False,
        )
        assert campaign.status_code == 303
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        page = officer.get(f"/drugs/survey/{OWN}?year=2026").text
        assert (
            'enctype="multipart/form-data"' in page and 'type="file" id="q-bien_ban" name="bien_ban"' in page
        )
        assert "Biên bản họp Ban chỉ đạo" in page and 'data-question="users_managed"' not in page
        missing = officer.post(
            f"/drugs/survey/{OWN}", data={**ANSWERS, "year": "2026", "csrf_token": officer.csrf_token}
        )
        assert missing.status_code == 422 and 'data-rule="survey.attachment.required"' in missing.text
        sent = officer.post(
            f"/drugs/survey/{OWN}",
            data={**ANSWERS, "year": "2026", "csrf_token": officer.csrf_token},
            files={
                "bien_ban": ("Biên bản.pdf", PDF, "application/pdf"),
                "anh": ("", b"", "application/octet-stream"),
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303
        page = officer.get(sent.headers["location"]).text
        link = f"/drugs/survey/{OWN}/attachment/bien_ban?year=2026"
        assert f'href="{link}"' in page and "Biên bản.pdf" in page
        download = officer.get(link)
        assert download.status_code == 200 and download.content == PDF
        assert download.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf" in download.headers["content-disposition"]
    with client_as(app, database, "commune_officer", (OTHER,)) as other:
        assert other.get(f"/drugs/survey/{OWN}/attachment/bien_ban?year=2026").status_code == 404
    assert len(audit_records(database, "drug_survey.attachment")) == 1


def test_a_bad_definition_is_refused_on_the_page_with_every_problem(database, settings, tmp_path) -> None:
    app = create_app(settings)
    bad = [[*DEFINITION[0][:4], "ngày", *DEFINITION[0][5:]], [*DEFINITION[1][:8], "meets", ""]]
    with client_as(app, database, "analyst") as analyst:
        refused = analyst.post(
            "/drugs/forms",
            data={"csrf_token": analyst.csrf_token, "code": "mau-xau", "title_vi": "X", "title_en": "X"},
            files={"file": ("mau.csv", definition_file(tmp_path, bad).read_bytes(), CSV)},
        )
        assert refused.status_code == 422
        assert 'data-rule="form.kind"' in refused.text and 'data-rule="form.choice"' in refused.text
        assert "Dòng 2" in refused.text and "“ngày”" in refused.text
        assert 'data-form="mau-xau"' not in analyst.get("/drugs").text
    with client_as(app, database, "commune_officer", (OWN,)) as officer:
        denied = officer.post(
            "/drugs/forms",
            data={"csrf_token": officer.csrf_token, "code": "mau-xa", "title_vi": "X", "title_en": "X"},
            files={"file": ("mau.csv", definition_file(tmp_path).read_bytes(), CSV)},
        )
        assert denied.status_code == 403
