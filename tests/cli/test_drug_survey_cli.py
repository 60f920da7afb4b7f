"""``antt drugs survey-template`` and ``antt drugs survey-import FILE [--dry-run]`` as an operator runs them."""

from __future__ import annotations

import io

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
    workbook = openpyxl.load_workbook(io.BytesIO(filled(template.read_bytes(), {"places": "nhiều"})))
    workbook[SHEET][f"B{VERSION_ROW}"] = "cũ"
    modified = tmp_path / "sua.xlsx"
    workbook.save(modified)
    proc = antt(cli_env, "drugs", "survey-import", str(modified), check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    for text in ("survey.template.version", "survey.number", "sua.xlsx", "nhiều", "nothing was saved"):
        assert text in proc.stderr, text
