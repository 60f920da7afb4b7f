"""Hostile import files (issue 17): bounded memory and time, ids that differ only by invisible characters,
and two imports at once."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from antt.errors import Conflict, ImportRejected
from antt.importers.issue_log import KEEP_PER_RULE, IssueLog, collecting_issues
from antt.importers.readers import open_table
from antt.services.imports import import_incidents
from antt.services.indicators import import_indicators
from antt.storage.tables import IncidentRow, IndicatorValue
from tests.hostile_files import bad_rows_csv, empty_rows_xlsx, long_line_csv
from tests.incident_files import incident, write_csv

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def run(database, settings, actor, path: Path, **kw):
    return import_incidents(database, settings, actor, path, now=NOW, **kw)


def count(database, table) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(table))


# --- invisible characters in ids ----------------------------------------------------------------------
def test_a_bom_or_zero_width_space_in_a_source_id_does_not_make_another_incident(
    database, settings, actor, tmp_path
) -> None:
    run(database, settings, actor, write_csv(tmp_path / "a.csv", [incident(1, source_id="HP-2026-000001")]))
    again = run(
        database,
        settings,
        actor,
        write_csv(tmp_path / "b.csv", [incident(1, source_id="\ufeffHP-2026-000001\u200b ")]),
    )
    assert (again.new, again.unchanged) == (0, 1)
    assert count(database, IncidentRow) == 1


def test_two_ids_that_differ_only_by_a_bom_in_one_file_are_duplicates(
    database, settings, actor, tmp_path
) -> None:
    path = write_csv(
        tmp_path / "dup.csv",
        [incident(1, source_id="HP-2026-000001"), incident(2, source_id="\ufeffHP-2026-000001")],
    )
    with pytest.raises(ImportRejected) as info:
        run(database, settings, actor, path)
    assert [i.rule for i in info.value.errors] == ["source_id.duplicate"]


def test_an_id_of_invisible_characters_only_is_missing(database, settings, actor, tmp_path) -> None:
    with pytest.raises(ImportRejected) as info:
        run(database, settings, actor, write_csv(tmp_path / "x.csv", [incident(1, source_id="\ufeff\u200b")]))
    assert [(i.rule, i.column) for i in info.value.errors] == [("value.required", "source_id")]


def test_indicator_keys_are_cleaned_of_invisible_characters(database, settings, actor, tmp_path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(
        "indicator,unit_code,period,value\r\n"
        "drug_users_managed,11311,year:2025,120\r\n"
        "\ufeffdrug_users_managed,11311\u200b,year:2025\u00a0,120\r\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        import_indicators(database, settings, actor, path, now=NOW)
    assert [i.rule for i in info.value.errors] == ["key.duplicate"]
    assert count(database, IndicatorValue) == 0


# --- bounded issues -----------------------------------------------------------------------------------
def test_a_rejection_keeps_the_first_issues_of_each_rule_and_counts_them_all(
    database, settings, actor, tmp_path
) -> None:
    rows = [incident(n, unit_code="99999", suspects="-1") for n in range(1, 301)]
    path = write_csv(tmp_path / "bad.csv", rows)
    full_list = tmp_path / "issues.csv"
    with collecting_issues(full_list), pytest.raises(ImportRejected) as info:
        run(database, settings, actor, path)
    rejected = info.value
    assert rejected.counts_by_rule["unit.unknown"] == 300
    assert rejected.counts_by_rule["number.negative"] == 300
    assert sum(1 for i in rejected.issues if i.rule == "unit.unknown") == KEEP_PER_RULE
    assert rejected.truncated and "600 lỗi" in rejected.message_vi
    lines = full_list.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 600  # the header, then every issue
    assert sum("unit.unknown" in line for line in lines) == 300


def test_an_issue_log_hands_its_counts_to_the_log_of_another_process() -> None:
    from antt.errors import Issue

    child = IssueLog(keep_per_rule=2)
    for n in range(5):
        child.append(Issue("r", "vi", "en", row=n))
    parent = IssueLog(keep_per_rule=2)
    parent.extend(child[:])
    parent.take_over(child.tally())
    assert parent.counts_by_rule() == {"r": 5} and parent.error_total == 5 and len(parent) == 2


@pytest.mark.slow
def test_seven_megabytes_of_bad_rows_give_a_bounded_rejection(database, settings, actor, tmp_path) -> None:
    path = bad_rows_csv(tmp_path / "bad.csv", megabytes=7)
    with pytest.raises(ImportRejected) as info:
        run(database, settings, actor, path)
    rejected = info.value
    assert len(rejected.issues) <= KEEP_PER_RULE * len(rejected.counts_by_rule) + 5
    assert sum(rejected.counts_by_rule.values()) > 100_000


# --- readers ------------------------------------------------------------------------------------------
def test_an_xlsx_with_millions_of_empty_rows_is_refused_quickly(tmp_path) -> None:
    path = empty_rows_xlsx(tmp_path / "empty.xlsx", empty_rows=150_000)
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as info, open_table(path) as table:
        for _ in table.rows:
            pass
    assert time.perf_counter() - started < 5
    issue = info.value.issues[0]
    assert (issue.rule, issue.row) == ("xlsx.empty_rows", 3)


def test_an_xlsx_row_beyond_excels_last_row_is_refused_without_reading_the_gap(tmp_path) -> None:
    path = empty_rows_xlsx(tmp_path / "far.xlsx", empty_rows=0, last_row=8_300_000)
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as info, open_table(path) as table:
        for _ in table.rows:
            pass
    assert time.perf_counter() - started < 2
    assert info.value.issues[0].rule == "xlsx.too_many_rows"


def test_rows_far_down_a_sheet_keep_their_numbers_and_cost_nothing(tmp_path) -> None:
    path = empty_rows_xlsx(tmp_path / "gap.xlsx", empty_rows=0, last_row=1_000_000)
    started = time.perf_counter()
    with open_table(path) as table:
        rows = [(number, cells[0]) for number, cells in table.rows]
    assert time.perf_counter() - started < 2
    assert rows == [(2, "HP-00001"), (1_000_000, "HP-00002")]


def test_a_csv_line_longer_than_the_limit_is_refused(tmp_path) -> None:
    path = long_line_csv(tmp_path / "line.csv", megabytes=3)
    with pytest.raises(ImportRejected) as info, open_table(path) as table:
        for _ in table.rows:
            pass
    issue = info.value.issues[0]
    assert (issue.rule, issue.row) == ("csv.line_too_long", 2)


# --- two imports at once ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["incidents"])
def test_two_imports_at_once_on_postgresql_give_a_clear_conflict(
    database, settings, actor, tmp_path, is_postgres, kind
) -> None:
    if not is_postgres:
        pytest.skip("SQLite serialises writers itself: the second import waits for the first")
    path = write_csv(tmp_path / "same.csv", [incident(n) for n in range(1, 2001)])
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def one() -> None:
        start.wait()
        try:
            outcomes.append(run(database, settings, actor, path))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    others = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, Conflict)]
    assert not others, others
    assert len(conflicts) <= 1
    for conflict in conflicts:
        assert (
            "đang có một lần nhập" in conflict.message_vi.lower() and "Another import" in conflict.message_en
        )
    assert count(database, IncidentRow) == 2000


def test_an_import_waiting_on_the_lock_of_another_is_refused_at_once(
    database, settings, actor, tmp_path, is_postgres
) -> None:
    if not is_postgres:
        pytest.skip("the lock is PostgreSQL's; SQLite serialises writers at BEGIN")
    from antt.services.import_batches import one_import_at_a_time

    with database.transaction() as holder:
        one_import_at_a_time(holder, "incidents")
        started = time.perf_counter()
        with pytest.raises(Conflict):
            run(database, settings, actor, write_csv(tmp_path / "a.csv", [incident(1)]))
        assert time.perf_counter() - started < 5
    assert run(database, settings, actor, write_csv(tmp_path / "b.csv", [incident(1)])).new == 1


# --- the command line ----------------------------------------------------------------------------------
def test_the_cli_json_of_a_refused_file_holds_the_first_problems_of_each_rule(cli_env, tmp_path) -> None:
    import json

    from tests.cli.test_cli import antt

    rows = [incident(n, unit_code="99999") for n in range(1, 101)]
    proc = antt(
        cli_env, "import", "incidents", str(write_csv(tmp_path / "bad.csv", rows)), "--json", check=False
    )
    assert proc.returncode == 2
    document = json.loads(proc.stdout)
    assert document["rejected"] and document["truncated"]
    assert document["counts_by_rule"] == {"unit.unknown": 100}
    assert len(document["issues"]) == KEEP_PER_RULE
    assert "unit.unknown 100" in proc.stderr  # the counts after the listed problems
