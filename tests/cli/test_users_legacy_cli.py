"""``antt users import-legacy``, ``legacy-report`` and ``lock-legacy --at`` as an operator runs them: a real
subprocess on the test database."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

import pytest

from antt.services.legacy_users import schedule_legacy_lock
from antt.services.users import sign_in
from tests.cli.test_cli import antt
from tests.legacy_files import AN_ID, BAD_ROWS, CLEAR_IDS, GOOD_ROWS, write_legacy_csv
from tests.user_fixtures import OPERATOR, T0, audit_records, identity


def test_a_bad_file_lists_every_problem_and_exits_2(cli_env, database, tmp_path) -> None:
    path = write_legacy_csv(tmp_path / "cu.csv", BAD_ROWS)
    proc = antt(cli_env, "users", "import-legacy", str(path), check=False)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("LỖI/ERROR")]
    assert len(errors) == 7
    assert any("row 3, old_login: 'NVA.lechan'" in e and "[login.duplicate]" in e for e in errors)
    assert any("row 4, communes: '99999'" in e and "không có trong danh mục" in e for e in errors)
    assert "7 lỗi; không có dữ liệu nào được ghi. / cu.csv: 7 error(s); nothing was written." in proc.stderr
    for clear in CLEAR_IDS:
        assert clear not in proc.stdout + proc.stderr
    assert audit_records(database, "import.legacy_users") == []


def test_a_good_file_is_imported_once_and_again_changes_nothing(cli_env, database, tmp_path) -> None:
    path = write_legacy_csv(tmp_path / "cu.csv", GOOD_ROWS)
    dry = json.loads(antt(cli_env, "users", "import-legacy", str(path), "--dry-run", "--json").stdout)
    assert (dry["dry_run"], dry["new"], dry["batch_id"]) == (True, 6, None)
    out = antt(cli_env, "users", "import-legacy", str(path)).stdout
    assert "Đã nhập / imported" in out and "mới/new 6" in out and "personal_id.shared" in out
    again = json.loads(antt(cli_env, "users", "import-legacy", str(path), "--json").stdout)
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 6)
    assert [r.outcome for r in audit_records(database, "import.legacy_users")] == ["success", "success"]
    for clear in CLEAR_IDS:
        assert clear not in out and clear not in json.dumps(again)


@pytest.mark.slow  # four runs of the command
def test_the_report_says_who_has_moved_by_commune(cli_env, database, settings, tmp_path) -> None:
    antt(cli_env, "users", "import-legacy", str(write_legacy_csv(tmp_path / "cu.csv", GOOD_ROWS)))
    sign_in(database, settings, identity("eid-an", personal_id=AN_ID), "", T0)
    document = json.loads(antt(cli_env, "users", "legacy-report", "--format", "json").stdout)
    communes = {c["commune"]: (c["linked"], c["not_linked"]) for c in document["communes"]}
    assert communes["11383"] == (1, 1) and communes["city"] == (0, 1)
    assert document["eid_share"]["eid_users"] == 1 and document["eid_share"]["legacy_pending"] == 4

    rows = list(
        csv.DictReader(io.StringIO(antt(cli_env, "users", "legacy-report", "--format", "csv").stdout))
    )
    an = next(r for r in rows if r["login"] == "nva.lechan")
    assert (an["commune"], an["linked"], an["linked_at"]) == ("11383", "True", "2026-11-28T01:00:00+00:00")
    table = antt(cli_env, "users", "legacy-report").stdout
    assert "not yet linked — to remind" in table and "ttb.city" in table and "20,0%" in table


@pytest.mark.slow  # four runs of the command
def test_lock_legacy_at_a_date_schedules_it_and_a_past_date_is_refused(cli_env, database) -> None:
    out = antt(cli_env, "users", "lock-legacy", "--at", "2099-01-01").stdout
    assert "01/01/2099 00:00" in out
    [scheduled] = audit_records(database, "users.lock_legacy_scheduled")
    assert scheduled.details["lock_at"] == "2098-12-31T17:00:00+00:00"
    proc = antt(cli_env, "users", "lock-legacy", "--at", "2020-01-01", check=False)
    assert proc.returncode == 2 and "after today" in proc.stderr
    proc = antt(cli_env, "users", "lock-legacy", "--at", "01/01/2099", check=False)
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    assert "đã huỷ" in antt(cli_env, "users", "lock-legacy", "--cancel").stdout


def test_a_scheduled_lock_whose_day_has_come_is_applied_by_the_next_users_command(
    cli_env, database, tmp_path
) -> None:
    antt(cli_env, "users", "import-legacy", str(write_legacy_csv(tmp_path / "cu.csv", GOOD_ROWS)))
    schedule_legacy_lock(database, OPERATOR, date(2020, 1, 2), now=datetime(2020, 1, 1, tzinfo=timezone.utc))
    proc = antt(cli_env, "users", "list", "--format", "json")
    assert "scheduled lock applied / đã khoá theo lịch: 6" in proc.stderr
    legacy = [u for u in json.loads(proc.stdout) if u["legacy"]]
    assert {u["status"] for u in legacy} == {"locked"}
    [run] = audit_records(database, "users.lock_legacy")
    assert run.details["scheduled"] is True and run.client == "cli"
