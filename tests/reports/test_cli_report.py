"""``antt report`` as a user runs it: a real subprocess writing a real file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ANTT = str(Path(sys.executable).with_name("antt"))


@pytest.mark.slow  # the whole report as a command
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
    assert book.sheetnames[1:5] == ["PL1 Kỳ này", "PL2 Cùng kỳ", "PL3 So sánh", "PL4 Kết quả"]


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


def run_report(cli_env, *args: str) -> subprocess.CompletedProcess[str]:
    command = [ANTT, "report", "--period", "report-month:2026-10", "--as-of", "2026-10-31", *args]
    return subprocess.run(command, env=cli_env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # the whole report as a command
def test_report_command_sets_the_signer_and_the_marks(cli_env, tmp_path) -> None:
    import unicodedata

    from docx import Document

    out = tmp_path / "bao-cao.docx"
    signer = unicodedata.normalize("NFD", "Đại tá Nguyễn Văn Ánh")  # typed decomposed on some systems
    options = {
        "--out": str(out),
        "--number": "12",
        "--issued": "2026-11-03",
        "--authority": "kt. giám đốc",
        "--signer-title": "Phó Giám đốc",
        "--signer": signer,
        "--secrecy": "mật",
        "--urgency": "KHẨN",
    }
    proc = run_report(cli_env, *(part for pair in options.items() for part in pair))
    assert proc.returncode == 0, proc.stderr
    doc = Document(str(out))
    header = [p.text for cell in doc.tables[0].rows[0].cells for p in cell.paragraphs]
    assert "Số: 12/BC-CATP" in header and "MẬT" in header and "KHẨN" in header
    assert "Hải Phòng, ngày 03 tháng 11 năm 2026" in header
    block = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    signature = [p.text for p in block.rows[0].cells[1].paragraphs if p.text]
    assert signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đại tá Nguyễn Văn Ánh"]
    assert unicodedata.is_normalized("NFC", signature[-1])


def test_report_command_lists_every_bad_option_and_writes_nothing(cli_env, tmp_path) -> None:
    out = tmp_path / "bao-cao.docx"
    bad = ["--secrecy", "BÍ MẬT", "--urgency", "GẤP", "--signer", "x" * 81, "--issued", "2026-02-31"]
    proc = run_report(cli_env, "--out", str(out), *bad)
    assert proc.returncode == 2
    for expected in ("'BÍ MẬT'", "TUYỆT MẬT", "'GẤP'", "HỎA TỐC", "80", "2026-02-31"):
        assert expected in proc.stderr
    assert not out.exists()


@pytest.mark.slow
def test_report_command_renders_a_saved_draft_by_its_number(database, cli_env, tmp_path) -> None:
    from datetime import date

    from docx import Document

    from antt.domain.access import Actor
    from antt.domain.periods import parse_period
    from antt.services.report_drafts import create_draft, save_draft
    from antt.services.reports import ReportOptions

    analyst = Actor.system("phân-tích-viên")
    draft = create_draft(database, analyst, parse_period("report-month:2026-10"), as_of=date(2026, 10, 31))
    text = "Tình hình an ninh chính trị ổn định.\nKhông phát sinh điểm nóng."
    save_draft(database, analyst, draft.id, {"an_ninh_chinh_tri": text}, ReportOptions(number=4))
    out = tmp_path / "du-thao.docx"
    proc = subprocess.run(
        [ANTT, "report", "--draft", str(draft.id), "--format", "docx", "--out", str(out)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"dự thảo số {draft.id}, phiên bản 2" in proc.stdout
    doc = Document(str(out))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Tình hình an ninh chính trị ổn định." in paragraphs and "Không phát sinh điểm nóng." in paragraphs
    assert "Số: 04/BC-CATP" in [p.text for c in doc.tables[0].rows[0].cells for p in c.paragraphs]
    assert f"dự thảo số {draft.id}, phiên bản 2" in doc.core_properties.content_status
    # the draft's period and options are the draft's: mixing them with --period is refused, in one line
    mixed = subprocess.run(
        [ANTT, "report", "--draft", str(draft.id), "--period", "report-month:2026-09", "--out", str(out)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert mixed.returncode == 2 and "--period" in mixed.stderr
    missing = subprocess.run(
        [ANTT, "report", "--draft", "999999", "--out", str(tmp_path / "x.docx")],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode != 0 and "999999" in missing.stderr and not (tmp_path / "x.docx").exists()
