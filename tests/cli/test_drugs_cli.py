"""``antt drugs status [--year] [--as-of] [--unit] [--format table|json]`` as an operator runs it."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import antt
from tests.drug_status_files import GOOD_ROWS, write_decisions
from tests.services.test_drug_classes import write_figures


@pytest.mark.slow
def test_the_json_follows_the_contract_and_keeps_the_official_status_beside(cli_env, tmp_path) -> None:
    antt(cli_env, "import", "drug-status", str(write_decisions(tmp_path / "qd.csv", GOOD_ROWS)))
    antt(cli_env, "import", "indicators", str(write_figures(tmp_path / "i.csv")), "--scheme", "2025-07")
    out = antt(cli_env, "drugs", "status", "--as-of", "2026-01-10", "--unit", "11383", "--format", "json")
    document = json.loads(out.stdout)
    assert set(document) == {"communes", "drug_free_share"} and document["drug_free_share"] == 4.39
    (commune,) = document["communes"]
    assert commune["official"]["status"] == "drug_free" and commune["official"]["inherited"] is False
    assert commune["indicative"]["class"] == "below_class_2"
    assert {"id": "class_2.a", "value": 0.12, "threshold": None, "met": None} in commune["indicative"][
        "criteria"
    ]
    table = antt(cli_env, "drugs", "status", "--as-of", "2026-01-10", "--year", "2025").stdout
    assert "loại I / class I" in table and "chưa cấu hình / not configured" in table


@pytest.mark.slow
def test_bad_input_is_one_line_in_both_languages_and_exit_2(cli_env) -> None:
    for args, vi, en in (
        (("--format", "csv"), "Định dạng không hợp lệ", "Invalid format 'csv'"),
        (("--year", "20x5"), "Năm không hợp lệ", "Invalid year '20x5'"),
        (("--as-of", "2026-02-30"), "Ngày không hợp lệ", "Invalid date"),
        (("--unit", "99999", "--as-of", "2026-01-10"), "Không có xã/phường mã", "No commune with code"),
        (("--year", "2030", "--as-of", "2026-01-10"), "Năm 2030 không hợp lệ", "Invalid year 2030"),
    ):
        proc = antt(cli_env, "drugs", "status", *args, check=False)
        assert proc.returncode == 2, (args, proc.stderr)
        assert vi in proc.stderr and en in proc.stderr and proc.stdout == ""
