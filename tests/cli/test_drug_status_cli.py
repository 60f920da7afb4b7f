"""``antt import drug-status FILE [--dry-run] [--json]`` as an operator runs it: a real subprocess."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from antt.storage.tables import DrugDecisionRow
from tests.cli.test_cli import antt
from tests.drug_status_files import CITY, GOOD_ROWS, write_decisions
from tests.user_fixtures import audit_records


def stored(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(DrugDecisionRow)) or 0


def test_a_bad_file_lists_every_problem_and_exits_2(cli_env, database, tmp_path) -> None:
    rows = [
        ("99999", 2025, "drug_free", "1/QĐ", "20/12/2025", CITY),
        ("11383", 2025, "loại IV", "2/QĐ", "20/12/2025", CITY),
        ("11383", 2025, "drug_free", "3/QĐ", "01/01/2099", CITY),
    ]
    path = write_decisions(tmp_path / "qd.csv", rows)
    proc = antt(cli_env, "import", "drug-status", str(path), "--json", check=False)
    assert proc.returncode == 2
    document = json.loads(proc.stdout)
    assert document["rejected"] is True
    assert document["counts_by_rule"] == {"unit.unknown": 1, "status.unknown": 1, "date.future": 1}
    errors = [line for line in proc.stderr.splitlines() if line.startswith("LỖI/ERROR")]
    assert any("row 2, unit_code: '99999'" in e and "[unit.unknown]" in e for e in errors)
    assert any("row 3, status: 'loại IV'" in e and "No such status" in e for e in errors)
    assert "3 lỗi; không có dữ liệu nào được ghi. / qd.csv: 3 error(s); nothing was written." in proc.stderr
    assert stored(database) == 0 and audit_records(database, "import.drug_status") == []


def test_a_good_file_is_imported_once_and_again_changes_nothing(cli_env, database, tmp_path) -> None:
    path = write_decisions(tmp_path / "qd.csv", GOOD_ROWS)
    dry = json.loads(antt(cli_env, "import", "drug-status", str(path), "--dry-run", "--json").stdout)
    assert (dry["kind"], dry["dry_run"], dry["new"], dry["batch_id"]) == ("drug_status", True, 7, None)
    assert stored(database) == 0
    out = antt(cli_env, "import", "drug-status", str(path)).stdout
    assert "Đã nhập / imported" in out and "quyết định mới/new decisions 7" in out
    again = json.loads(antt(cli_env, "import", "drug-status", str(path), "--json").stdout)
    assert (again["new"], again["unchanged"], again["by_year"]) == (0, 7, {"2025": 7})
    assert stored(database) == 7
    assert [r.outcome for r in audit_records(database, "import.drug_status")] == ["success", "success"]
