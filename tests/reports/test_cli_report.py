"""``antt report`` as a user runs it: a real subprocess writing a real file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

ANTT = str(Path(sys.executable).with_name("antt"))


def test_report_command_writes_the_annex_workbook(cli_env, tmp_path) -> None:
    out = tmp_path / "bao-cao.xlsx"
    proc = subprocess.run(
        [
            ANTT,
            "report",
            "--period",
            "report-month:2026-10",
            "--as-of",
            "2026-10-31",
            "--format",
            "xlsx",
            "--out",
            str(out),
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Đã ghi" in proc.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[1:] == ["PL1 Kỳ này", "PL2 Cùng kỳ", "PL3 So sánh"]


def test_report_command_rejects_an_unknown_format_in_one_line(cli_env, tmp_path) -> None:
    proc = subprocess.run(
        [ANTT, "report", "--period", "report-month:2026-10", "--format", "odt", "--out", str(tmp_path / "x")],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "docx, pdf" in proc.stderr
