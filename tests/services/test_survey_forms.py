"""Survey forms an analyst adds and the files a commune sends with its survey: a campaign on a new form is
filled on the web and in Excel to the same record; attachments are checked by type and content, required
ones asked for, stored with the survey, opened only within scope and audited; a form is never changed."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from antt.domain.drug_survey import BUILTIN_FORM
from antt.errors import Conflict, ImportRejected, InvalidInput, NotFound, PermissionDenied
from antt.importers.drug_survey import ANSWER, SHEET, rows_of
from antt.importers.survey_form import FORM_COLUMNS
from antt.services.drug_survey import (
    attachment_content,
    form_of_year,
    get_survey,
    save_campaign,
    submit_survey,
    survey_view,
)
from antt.services.drug_survey_files import import_survey_file, survey_template
from antt.services.survey_forms import all_forms, find_form, form_definition, import_form
from tests.services.test_drug_survey import ANALYST, GOOD, LEADER, NOW, OFFICER
from tests.services.test_drug_survey_files import OTHER
from tests.user_fixtures import audit_records

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DEFINITION = [
    [
        "tinh_hinh",
        "I. Tình hình",
        "I. Situation",
        "nguoi_nghien",
        "number",
        "Người nghiện có hồ sơ",
        "Addicts on record",
        "có",
        "",
        "có",
    ],
    [
        "tinh_hinh",
        "I. Tình hình",
        "I. Situation",
        "tu_danh_gia",
        "choice",
        "Tự đánh giá",
        "Self-assessment",
        "có",
        "meets = Đủ điều kiện | Ready; near = Gần đạt | Nearly; far = Chưa đạt | Not yet",
        "",
    ],
    [
        "ho_so",
        "II. Hồ sơ",
        "II. Records",
        "bien_ban",
        "attachment",
        "Biên bản họp Ban chỉ đạo",
        "Steering committee minutes",
        "có",
        "",
        "",
    ],
    ["ho_so", "II. Hồ sơ", "II. Records", "anh", "attachment", "Ảnh hiện trường", "Photos", "không", "", ""],
]
ANSWERS = {"nguoi_nghien": "7", "tu_danh_gia": "near"}


def definition_file(folder: Path, rows: list[list[str]] = DEFINITION) -> Path:
    path = folder / "mau-2026.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.name for c in FORM_COLUMNS])
        writer.writerows(rows)
    return path


@pytest.fixture
def campaign(database, settings, tmp_path):
    """The 2026 campaign on a new form with a required attachment."""
    import_form(
        database,
        settings,
        ANALYST,
        definition_file(tmp_path),
        code="ptmt-xa-2026",
        title_vi="Khảo sát 2026",
        title_en="Survey 2026",
        now=NOW,
    )
    save_campaign(
        database,
        ANALYST,
        year=2026,
        name="Khảo sát PCMT 2026",
        deadline=date(2026, 9, 30),
        form_code="ptmt-xa-2026",
        now=NOW,
    )
    return find_form(database, "ptmt-xa-2026")


def test_an_added_form_is_listed_audited_and_never_changed(database, settings, tmp_path, campaign) -> None:
    assert [e.form.code for e in all_forms(database)] == [BUILTIN_FORM.code, "ptmt-xa-2026"]
    assert [s.id for s in campaign.sections] == ["tinh_hinh", "ho_so"]
    (record,) = audit_records(database, "drug_survey.form")
    assert record.details["questions"] == 4 and record.actor == ANALYST.name
    again = import_form(
        database,
        settings,
        ANALYST,
        definition_file(tmp_path),
        code="ptmt-xa-2026",
        title_vi="Khảo sát 2026",
        title_en="Survey 2026",
    )
    assert again == campaign and len(audit_records(database, "drug_survey.form")) == 1  # idempotent
    changed = [
        *DEFINITION[:1],
        [*DEFINITION[1][:5], "Tự đánh giá (sửa)", *DEFINITION[1][6:]],
        *DEFINITION[2:],
    ]
    for code in ("ptmt-xa-2026", BUILTIN_FORM.code):
        with pytest.raises(Conflict):
            import_form(
                database,
                settings,
                ANALYST,
                definition_file(tmp_path, changed),
                code=code,
                title_vi="Khảo sát 2026",
                title_en="Survey 2026",
            )
    with pytest.raises(PermissionDenied):
        import_form(
            database, settings, OFFICER, definition_file(tmp_path), code="mau-xa", title_vi="X", title_en="X"
        )
    with pytest.raises(InvalidInput, match="Form code"):
        import_form(
            database,
            settings,
            ANALYST,
            definition_file(tmp_path),
            code="Mẫu mới!",
            title_vi="X",
            title_en="X",
        )
    name, content = form_definition(database, LEADER, "ptmt-xa-2026")
    assert name == "mau-phieu-ptmt-xa-2026.xlsx" and content[:2] == b"PK"


def test_a_bad_definition_file_lists_every_problem_and_adds_nothing(database, settings, tmp_path) -> None:
    bad = [[*DEFINITION[0][:4], "ngày", *DEFINITION[0][5:]], [*DEFINITION[1][:8], "meets", ""]]
    with pytest.raises(ImportRejected) as caught:
        import_form(
            database,
            settings,
            ANALYST,
            definition_file(tmp_path, bad),
            code="mau-xau",
            title_vi="X",
            title_en="X",
        )
    assert sorted((i.row, i.rule) for i in caught.value.issues) == [(2, "form.kind"), (3, "form.choice")]
    assert [e.form.code for e in all_forms(database)] == [BUILTIN_FORM.code]
    assert audit_records(database, "drug_survey.form") == []


def test_the_campaigns_form_is_the_one_filled_and_attachments_are_stored_with_the_survey(
    database, campaign
) -> None:
    assert form_of_year(database, 2026) == campaign and form_of_year(database, 2025) == BUILTIN_FORM
    view = survey_view(database, OFFICER, "11383", 2026, now=NOW)
    assert view.form == campaign
    with pytest.raises(InvalidInput) as caught:  # the built-in form's answers and no minutes attached
        submit_survey(database, OFFICER, "11383", GOOD, year=2026, now=NOW, files={"anh": ("anh.exe", b"MZ")})
    rules = sorted((i.column, i.rule) for i in caught.value.issues)
    assert ("bien_ban", "survey.attachment.required") in rules
    assert ("anh", "survey.attachment.type") in rules
    assert ("nguoi_nghien", "survey.required") in rules and (
        "users_managed",
        "survey.unknown_question",
    ) in rules
    assert get_survey(database, OFFICER, "11383", 2026) is None  # nothing written
    with pytest.raises(InvalidInput) as caught:  # a renamed file is not what it says
        submit_survey(
            database, OFFICER, "11383", ANSWERS, year=2026, now=NOW, files={"bien_ban": ("bien-ban.pdf", PNG)}
        )
    assert [i.rule for i in caught.value.issues] == ["survey.attachment.content"]
    record = submit_survey(
        database, OFFICER, "11383", ANSWERS, year=2026, now=NOW, files={"bien_ban": ("Biên bản họp.pdf", PDF)}
    )
    assert record.form_version == "ptmt-xa-2026" and record.answers == {
        "nguoi_nghien": 7,
        "tu_danh_gia": "near",
    }
    assert record.attachments["bien_ban"].file_name == "Biên bản họp.pdf"
    assert record.attachments["bien_ban"].size == len(PDF)
    (submitted,) = audit_records(database, "drug_survey.submit")
    assert submitted.details["attachments"][0]["question"] == "bien_ban"
    # sent again without a file: the minutes stay; a new photo is added
    again = submit_survey(
        database, OFFICER, "11383", ANSWERS, year=2026, now=NOW, files={"anh": ("a.png", PNG)}
    )
    assert sorted(again.attachments) == ["anh", "bien_ban"]


def test_an_attachment_is_opened_within_scope_only_and_every_opening_is_audited(database, campaign) -> None:
    submit_survey(
        database, OFFICER, "11383", ANSWERS, year=2026, now=NOW, files={"bien_ban": ("bb.pdf", PDF)}
    )
    found, content_type, content = attachment_content(database, LEADER, "11383", 2026, "bien_ban")
    assert (found.file_name, content_type, content) == ("bb.pdf", "application/pdf", PDF)
    (opened,) = audit_records(database, "drug_survey.attachment")
    assert (opened.actor, opened.details["question"]) == (LEADER.name, "bien_ban")
    with pytest.raises(NotFound):  # another commune's officer: not found, as for the survey itself
        attachment_content(database, OTHER, "11383", 2026, "bien_ban")
    with pytest.raises(NotFound):
        attachment_content(database, LEADER, "11383", 2026, "anh")  # none sent
    assert len(audit_records(database, "drug_survey.attachment")) == 1


def test_the_excel_template_of_the_campaigns_form_gives_the_same_record_as_the_web(
    database, campaign
) -> None:
    name, template = survey_template(database, OFFICER, "11383", 2026, now=NOW)
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    ws = workbook[SHEET]
    rows = rows_of(campaign)
    assert sorted(rows) == ["nguoi_nghien", "tu_danh_gia"]  # attachments are sent on the web
    assert ws["B5"].value == "ptmt-xa-2026"
    ws[f"{ANSWER}{rows['nguoi_nghien']}"] = 7
    ws[f"{ANSWER}{rows['tu_danh_gia']}"] = "Gần đạt"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportRejected) as caught:  # the required minutes are not attached yet
        import_survey_file(database, OFFICER, out.getvalue(), name, unit_code="11383", year=2026, now=NOW)
    assert [(i.column, i.rule) for i in caught.value.issues] == [("bien_ban", "survey.attachment.required")]
    by_web = submit_survey(
        database, OFFICER, "11383", ANSWERS, year=2026, now=NOW, files={"bien_ban": ("bb.pdf", PDF)}
    )
    by_excel = import_survey_file(
        database, OFFICER, out.getvalue(), name, unit_code="11383", year=2026, now=NOW
    )
    assert by_excel.record is not None
    assert (by_excel.record.answers, by_excel.record.form_version) == (by_web.answers, by_web.form_version)
    assert sorted(by_excel.record.attachments) == ["bien_ban"]  # kept


def test_a_template_of_the_builtin_form_is_refused_once_the_campaign_uses_another(database, campaign) -> None:
    from antt.importers.drug_survey import write_template
    from tests.services.test_drug_survey_files import excel_answers, filled

    old = filled(write_template("11383", "Lê Chân", 2026), excel_answers())
    with pytest.raises(ImportRejected) as caught:
        import_survey_file(database, OFFICER, old, "old.xlsx", unit_code="11383", year=2026, now=NOW)
    rules = {i.rule for i in caught.value.issues}
    assert {"survey.template.version", "survey.template.unknown_question"} <= rules


def test_a_campaigns_form_cannot_change_once_surveys_were_given_on_it(database, campaign) -> None:
    submit_survey(
        database, OFFICER, "11383", ANSWERS, year=2026, now=NOW, files={"bien_ban": ("bb.pdf", PDF)}
    )
    with pytest.raises(Conflict):
        save_campaign(
            database,
            ANALYST,
            year=2026,
            name="Khảo sát PCMT 2026",
            deadline=date(2026, 9, 30),
            form_code=BUILTIN_FORM.code,
            now=NOW,
        )
    kept = save_campaign(
        database, ANALYST, year=2026, name="Đợt 2026 (gia hạn)", deadline=date(2026, 10, 31), now=NOW
    )  # no form given: the campaign keeps its own
    assert kept.form_version == "ptmt-xa-2026"
    with pytest.raises(InvalidInput, match="No survey form"):
        save_campaign(
            database,
            ANALYST,
            year=2027,
            name="2027",
            deadline=date(2027, 6, 30),
            form_code="khong-co",
            now=NOW,
        )
