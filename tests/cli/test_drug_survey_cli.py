"""``antt drugs survey-template``, ``antt drugs survey-import FILE [--dry-run]`` and ``antt drugs survey-progress``
as an operator runs them."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from antt.importers.drug_survey import SHEET, VERSION_ROW
from tests.cli.test_cli import antt
from tests.services.test_drug_survey_files import excel_answers, filled


@pytest.mark.slow
def test_a_template_is_written_filled_checked_and_imported_and_a_modified_one_refused(
    cli_env, tmp_path
) -> None:
    template = tmp_path / "mau.xlsx"
    antt(cli_env, "drugs", "survey-template", "--unit", "11383", "--output", str(template))
    answered = tmp_path / "da-dien.xlsx"
    answered.write_bytes(filled(template.read_bytes(), excel_answers()))
    checked = antt(cli_env, "drugs", "survey-import", str(answered), "--dry-run").stdout
    assert "11383" in checked and "checked, nothing written" in checked
    assert "đã nộp / submitted" in antt(cli_env, "drugs", "survey-import", str(answered)).stdout
    progress = json.loads(antt(cli_env, "drugs", "survey-progress", "--format", "json").stdout)
    assert progress["communes_done"] == 1 and len(progress["communes"]) == 114
    assert [(p["code"], p["districts"], p["districts_done"]) for p in progress["provinces"]] == [
        ("30", 12, 0),
        ("31", 15, 0),
    ]
    (le_chan,) = [d for d in progress["districts"] if d["name"] == "Quận Lê Chân"]
    assert (le_chan["communes_done"], le_chan["complete"]) == (1, False)
    assert "Thành phố Hải Phòng: 0/15" in antt(cli_env, "drugs", "survey-progress").stdout
    workbook = openpyxl.load_workbook(io.BytesIO(filled(template.read_bytes(), {"places": "nhiều"})))
    workbook[SHEET][f"B{VERSION_ROW}"] = "cũ"
    modified = tmp_path / "sua.xlsx"
    workbook.save(modified)
    proc = antt(cli_env, "drugs", "survey-import", str(modified), check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    for text in ("survey.template.version", "survey.number", "sua.xlsx", "nhiều", "nothing was saved"):
        assert text in proc.stderr, text


@pytest.mark.slow
def test_a_form_is_exported_imported_under_a_new_code_and_given_to_a_campaign(cli_env, tmp_path) -> None:
    exported = tmp_path / "mau.xlsx"
    antt(cli_env, "drugs", "form-export", "ptmt-xa-2025", "--output", str(exported))
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    sheet.append(
        [
            "work",
            "II. Công tác phòng, chống ma túy",
            "II. Drug-control work",
            "bien_ban",
            "tệp đính kèm",
            "Biên bản họp",
            "Minutes",
            "không",
            "",
            "không",
        ]
    )
    edited = tmp_path / "mau-moi.xlsx"
    workbook.save(edited)
    args = (
        "drugs",
        "form-import",
        str(edited),
        "--code",
        "ptmt-xa-2026",
        "--title-vi",
        "Khảo sát 2026",
        "--title-en",
        "Survey 2026",
    )
    assert "checked, nothing written" in antt(cli_env, *args, "--dry-run").stdout
    assert "9 câu hỏi/questions — đã thêm / added" in antt(cli_env, *args).stdout
    forms = json.loads(antt(cli_env, "drugs", "forms", "--format", "json").stdout)["forms"]
    assert [(f["code"], f["questions"]) for f in forms] == [("ptmt-xa-2025", 8), ("ptmt-xa-2026", 9)]
    done = antt(
        cli_env,
        "drugs",
        "campaign",
        "--year",
        "2026",
        "--name",
        "Khảo sát 2026",
        "--deadline",
        "2026-09-30",
        "--form",
        "ptmt-xa-2026",
    ).stdout
    assert "mẫu/form ptmt-xa-2026" in done
    sheet.append(["work", "Khác", "Other", "bien_ban", "ngày", "X", "X", "", "", ""])
    workbook.save(edited)
    proc = antt(cli_env, *args[:3], "--code", "ptmt-xa-2027", *args[5:], check=False)
    assert proc.returncode == 2
    for text in ("form.duplicate_question", "form.kind", "form.section_title", "mau-moi.xlsx"):
        assert text in proc.stderr, text
