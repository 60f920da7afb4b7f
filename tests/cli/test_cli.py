"""The ``antt`` command as a user runs it: a real subprocess, real files, the test database."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.incident_files import incident, snapshot, write_csv

ANTT = str(Path(sys.executable).parent / "antt")


def antt(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([ANTT, *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_units_list_prints_the_current_communes_as_json(cli_env) -> None:
    units = json.loads(antt(cli_env, "units", "list", "--format", "json").stdout)
    communes = [u for u in units if u["level"] == "commune"]
    assert len(communes) == 114 and {u["scheme"] for u in units} == {"2025-07"}
    assert {"code": "11311", "name": "Phường Hồng Bàng"}.items() <= next(
        u for u in units if u["code"] == "11311"
    ).items()


def test_units_list_can_show_an_older_scheme_as_csv(cli_env) -> None:
    out = antt(
        cli_env, "units", "list", "--scheme", "2025-01", "--level", "district", "--format", "csv"
    ).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 27 and {"Huyện An Lão", "Huyện Thuỷ Nguyên"} & {r["name"] for r in rows} == {
        "Huyện An Lão"
    }


def test_units_convert_says_where_an_old_commune_went(cli_env) -> None:
    doc = json.loads(
        antt(cli_env, "units", "convert", "10510", "--date", "2025-03-01", "--format", "json").stdout
    )
    assert doc["name"] == "Phường Bình Hàn" and doc["scheme"] == "2025-01"
    assert [(c["new_code"], c["new_name"], c["transfer"]) for c in doc["conversions"]] == [
        ("10507", "Phường Thành Đông", "whole")
    ]


def test_units_convert_of_an_unknown_code_is_one_line_and_non_zero(cli_env) -> None:
    proc = antt(cli_env, "units", "convert", "10510", "--date", "2025-08-01", check=False)
    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1 and "10510" in proc.stderr and "No unit" in proc.stderr


def test_import_prints_a_summary_and_a_second_run_is_unchanged(cli_env, tmp_path) -> None:
    path = write_csv(tmp_path / "week.csv", [incident(n) for n in range(1, 4)])
    first = json.loads(antt(cli_env, "import", "incidents", str(path), "--json").stdout)
    assert (first["new"], first["unchanged"], first["rows"]) == (3, 0, 3)
    second = antt(cli_env, "import", "incidents", str(path)).stdout
    assert "unchanged 3" in second and "mới/new 0" in second


def test_import_of_a_bad_file_lists_every_error_and_exits_2(cli_env, tmp_path, database) -> None:
    path = write_csv(tmp_path / "bad.csv", [incident(1, article="999"), incident(2, suspects="-2")])
    before = snapshot(database)
    proc = antt(cli_env, "import", "incidents", str(path), check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert any("bad.csv, row 2, article" in line and "article.unknown" in line for line in lines)
    assert any("bad.csv, row 3, suspects" in line and "number.negative" in line for line in lines)
    assert lines[-1].startswith("antt: bad.csv: 2 lỗi")
    assert snapshot(database) == before


def test_import_without_a_key_is_refused(cli_env, tmp_path) -> None:
    env = {k: v for k, v in cli_env.items() if k != "ANTT_PSEUDONYM_KEY"}
    proc = antt(env, "import", "incidents", str(write_csv(tmp_path / "w.csv", [incident(1)])), check=False)
    assert proc.returncode == 78 and "ANTT_PSEUDONYM_KEY" in proc.stderr


def test_db_upgrade_is_idempotent(cli_env) -> None:
    from antt.storage.migrate import head_revision

    out = antt(cli_env, "db", "upgrade").stdout
    assert f"{head_revision()} → {head_revision()}" in out and "up to date" in out


BIG = 120_000  # rows: an import of several CPU seconds, still running when the test kills it at 2 s


@pytest.mark.slow
def test_killing_an_import_midway_leaves_the_database_as_it_was(cli_env, tmp_path, database) -> None:
    path = write_csv(tmp_path / "big.csv", [incident(n, person_ids="") for n in range(1, BIG + 1)])
    antt(cli_env, "import", "incidents", str(write_csv(tmp_path / "small.csv", [incident(1)])))
    before = snapshot(database)
    proc = subprocess.Popen(
        [ANTT, "import", "incidents", str(path)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while (
        import_cpu_seconds(watched) < 2.0 and time.monotonic() < deadline
    ):  # well into validation and staging
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed; use a bigger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert snapshot(database) == before
    # and the database is still usable: the same import then succeeds
    antt(cli_env, "import", "incidents", str(path))
    assert snapshot(database)["incidents"][0] == BIG


@pytest.mark.slow
def test_killing_an_import_midway_also_ends_its_validating_process(cli_env, tmp_path) -> None:
    path = write_csv(tmp_path / "big.csv", [incident(n, person_ids="") for n in range(1, BIG + 1)])
    proc = subprocess.Popen(
        [ANTT, "import", "incidents", str(path)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while not (watched.children() and import_cpu_seconds(watched) >= 2.0) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = watched.children(recursive=True)
    assert proc.poll() is None and children, "no validating process seen before the import finished"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []


def import_cpu_seconds(process: psutil.Process) -> float:
    """User CPU time of an import so far: the command's own and that of the process validating for it."""
    total = process.cpu_times().user
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.cpu_times().user
    return total


def test_compstat_prints_the_json_contract(cli_env, tmp_path) -> None:
    antt(
        cli_env,
        "import",
        "incidents",
        str(write_csv(tmp_path / "w.csv", [incident(1, occurred_at="10/10/2026 10:00", reported_at="")])),
    )
    doc = json.loads(
        antt(
            cli_env, "compstat", "--period", "month:2026-10", "--group", "social_order", "--format", "json"
        ).stdout
    )
    assert {"period", "compare", "rows", "totals"} <= doc.keys()
    assert (doc["period"]["from"], doc["period"]["to"]) == ("2026-10-01", "2026-10-31")
    assert (doc["compare"]["from"], doc["compare"]["to"]) == ("2025-10-01", "2025-10-31")
    required = {
        "unit_code",
        "unit_name",
        "group",
        "current",
        "previous",
        "change",
        "pct_change",
        "z",
        "approximate",
    }
    assert all(required <= row.keys() for row in doc["rows"]) and len(doc["rows"]) == 114
    assert doc["totals"]["current"] == 1 and doc["totals"]["pct_change"] is None
    out = antt(
        cli_env, "compstat", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "group", "--format", "csv"
    ).stdout
    assert out.splitlines()[0].startswith("unit_code,unit_name,group,current,previous")


def test_compstat_with_a_bad_period_is_one_line(cli_env) -> None:
    proc = antt(cli_env, "compstat", "--period", "month:2026-13", check=False)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("antt:")


def test_an_unknown_option_is_a_usage_error_not_an_internal_one(cli_env) -> None:
    proc = antt(cli_env, "compstat", "--bogus", check=False)
    assert proc.returncode == 2 and "No such option: --bogus" in proc.stderr
    assert "internal error" not in proc.stderr
