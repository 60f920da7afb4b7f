"""Importing indicator values end to end: real files, the real importer, a real database."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, text

from antt.demo.build import generate
from antt.domain.access import Actor, Grant, Role
from antt.errors import ImportRejected, NotFound, PermissionDenied
from antt.importers.indicators import KNOWN_INDICATORS, parse_number
from antt.services.indicators import import_indicators, indicator_values
from antt.storage.tables import AuditRecord, ImportBatch, IndicatorValue

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
DEMO_END = date(2026, 10, 31)
HEADERS = ["indicator", "unit_code", "period", "value"]
ANTT = str(Path(sys.executable).parent / "antt")
SNAPSHOT_TABLES = ["indicator_values", "import_batches", "audit_log"]


def snapshot(database) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of the tables an indicator import touches."""
    result = {}
    with database.engine.connect() as conn:
        for table in SNAPSHOT_TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
            digest = hashlib.sha256(repr([tuple(map(str, r)) for r in rows]).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


def write_csv(path: Path, rows: list[list[object]], headers: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(headers or HEADERS)
        writer.writerows(rows)
    return path


def run(database, settings, actor, path: Path, **kw):
    return import_indicators(database, settings, actor, path, now=NOW, **kw)


def rejected(database, settings, actor, path: Path, **kw) -> ImportRejected:
    before = snapshot(database)
    with pytest.raises(ImportRejected) as info:
        run(database, settings, actor, path, **kw)
    assert snapshot(database) == before, "a rejected import must leave the database unchanged"
    exc = info.value
    assert exc.errors, "a rejection lists its errors"
    for issue in exc.errors:
        assert issue.file == path.name and issue.message_vi and issue.message_en
        assert issue.message_vi != issue.message_en
    return exc


def stored(database) -> dict[tuple[str, str, str, str], IndicatorValue]:
    with database.transaction(write=False) as s:
        return {
            (v.indicator, v.unit_scheme, v.unit_code, v.period): v for v in s.scalars(select(IndicatorValue))
        }


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


# --- the demo's files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    city = generate(tmp_path_factory.mktemp("demo"), end=DEMO_END)
    # the indicator files: the demo's other files (drug-status decisions) have their own import
    return {p.name: p for p in city.other_files if p.suffix == ".csv" and p.name != "drug-status.csv"}


def import_demo(database, settings, actor, demo_files):
    """As ``antt.demo.build.load`` does: commune files on the 2025-07 map, the city file by period."""
    summaries = {}
    for name, path in demo_files.items():
        commune_file = name != "indicators-city.csv"
        summaries[name] = run(
            database,
            settings,
            actor,
            path,
            unit_scheme="2025-07" if commune_file else None,
            synthetic=True if commune_file else None,
        )
    return summaries


def test_the_demo_indicator_files_import_without_a_single_error(
    database, settings, actor, demo_files
) -> None:
    assert set(demo_files) == {
        "population.csv",
        "indicators-city.csv",
        "indicators-eid.csv",
        "indicators-drugs.csv",
        "indicators-traffic.csv",
        "indicators-social.csv",
        "indicators-project06.csv",
    }
    summaries = import_demo(database, settings, actor, demo_files)
    for name, s in summaries.items():
        rows = data_rows(demo_files[name])
        assert (s.rows_total, s.values_total, s.new, s.updated, s.unchanged) == (rows, rows, rows, 0, 0), name
        assert not any(w.is_error for w in s.warnings)
    seen = set().union(*(s.by_indicator for s in summaries.values()))
    assert seen == set(KNOWN_INDICATORS), "the catalogue covers exactly the demo's indicators"

    values = stored(database)
    assert len(values) == sum(s.new for s in summaries.values())
    pci = values[("pci_rank", "2025-01", "31", "year:2024")]  # old Hải Phòng's published rank
    assert (pci.value, pci.unit_of_measure, pci.synthetic) == (1.0, "hạng", False)
    assert "phapluatplus" in pci.source
    grdp = values[("grdp_growth_pct", "2025-07", "31", "year:2025")]
    assert (grdp.value, grdp.period_start, grdp.period_end) == (11.81, date(2025, 1, 1), date(2025, 12, 31))
    people = values[("population", "2025-07", "11948", "year:2021")]  # Bạch Long Vĩ, on the 2025-07 map
    assert people.synthetic is True and people.unit_of_measure == "người" and people.value > 0
    eid = values[("eid_accounts_activated", "2025-07", "10507", "month:2026-10")]
    assert eid.period_end == date(2026, 10, 31) and eid.value.is_integer()
    with database.transaction(write=False) as s:
        batches = s.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
        audits = s.scalars(select(AuditRecord).where(AuditRecord.action == "import.indicators")).all()
    assert [b.kind for b in batches] == ["indicators"] * 7 and len(audits) == 7
    assert batches[0].file_sha256 == hashlib.sha256(demo_files["population.csv"].read_bytes()).hexdigest()


def test_commune_codes_of_the_new_map_need_their_scheme_declared_before_july_2025(
    database, settings, actor, demo_files
) -> None:
    """Undeclared, a 2021 code is read on the map of its time, where Bạch Long Vĩ (11948) is no commune."""
    exc = rejected(database, settings, actor, demo_files["indicators-drugs.csv"])
    assert {i.rule for i in exc.errors} == {"unit.unknown"}
    assert {i.value for i in exc.errors} == {"11948"}
    assert all(i.column == "unit_code" and i.row for i in exc.errors)


def test_reimporting_the_demo_files_changes_nothing(database, settings, actor, demo_files) -> None:
    import_demo(database, settings, actor, demo_files)
    before = snapshot(database)
    again = import_demo(database, settings, actor, demo_files)
    for name, s in again.items():
        assert (s.new, s.updated, s.unchanged) == (0, 0, data_rows(demo_files[name])), name
    after = snapshot(database)
    assert after["indicator_values"] == before["indicator_values"]
    assert after["import_batches"][0] == before["import_batches"][0] + len(
        demo_files
    )  # recorded all the same


def test_a_changed_value_is_updated_and_the_rest_left_untouched(database, settings, actor, tmp_path) -> None:
    rows = [
        ["drug_users_managed", "11311", "year:2025", "120"],
        ["drug_users_managed", "11383", "year:2025", "95"],
        ["pci_rank", "31", "year:2024", "1"],
    ]
    first = run(database, settings, actor, write_csv(tmp_path / "v1.csv", rows))
    rows[1][3] = "97"
    second = run(database, settings, actor, write_csv(tmp_path / "v2.csv", rows))
    assert (second.new, second.updated, second.unchanged) == (0, 1, 2)
    values = stored(database)
    changed = values[("drug_users_managed", "2025-07", "11383", "year:2025")]
    assert (changed.value, changed.batch_id) == (97.0, second.batch_id)
    kept = values[("drug_users_managed", "2025-07", "11311", "year:2025")]
    assert kept.batch_id == first.batch_id
    assert values[("pci_rank", "2025-01", "31", "year:2024")].batch_id == first.batch_id


def test_a_changed_source_or_synthetic_flag_counts_as_an_update(database, settings, actor, tmp_path) -> None:
    headers = [*HEADERS, "source", "synthetic"]
    row = ["grdp_growth_pct", "31", "year:2025", "11.81", "Cục Thống kê", "không"]
    run(database, settings, actor, write_csv(tmp_path / "a.csv", [row], headers))
    row[5] = "có"
    summary = run(database, settings, actor, write_csv(tmp_path / "b.csv", [row], headers))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 0)
    assert stored(database)[("grdp_growth_pct", "2025-07", "31", "year:2025")].synthetic is True


# --- every rule -----------------------------------------------------------------------------------


def test_every_bad_row_is_listed_with_row_column_and_both_languages(
    database, settings, actor, tmp_path
) -> None:
    rows = [
        ["drug_users_managed", "11311", "year:2025", "120"],  # row 2: fine
        ["drug_sellers", "11311", "year:2025", "5"],  # 3: unknown indicator
        ["drug_users_managed", "99999", "year:2025", "5"],  # 4: unknown unit
        ["drug_users_managed", "10510", "month:2026-03", "5"],  # 5: a 2025-01 commune in 2026
        ["drug_users_managed", "11311", "month:2024-13", "5"],  # 6: bad period
        ["drug_users_managed", "11311", "month:2027-01", "5"],  # 7: future period
        ["drug_use_places", "11311", "year:2025", "-2"],  # 8: negative count
        ["pci_rank", "31", "year:2024", "2,5"],  # 9: rank not whole
        ["drug_users_managed", "11311", "year:2025", "121"],  # 10: duplicate of row 2
        ["drug_users_managed", "11311", "year:2024", "nhiều"],  # 11: not a number
        ["on_key_route", "11311", "year:2025", "2"],  # 12: flag not 0/1
        ["par_index_pct", "31", "year:2024", "1200"],  # 13: percentage out of range
        ["drug_users_managed", "288", "year:2026", "5"],  # 14: a district after July 2025
        ["drug_users_managed", "11311", "month:current", "5"],  # 15: relative period
    ]
    exc = rejected(database, settings, actor, write_csv(tmp_path / "bad.csv", rows))
    found = {(i.row, i.column, i.rule) for i in exc.errors}
    assert found == {
        (3, "indicator", "indicator.unknown"),
        (4, "unit_code", "unit.unknown"),
        (5, "unit_code", "unit.old_code"),
        (6, "period", "period.format"),
        (7, "period", "period.future"),
        (8, "value", "value.negative"),
        (9, "value", "value.not_whole"),
        (10, "value", "key.duplicate"),
        (11, "value", "value.format"),
        (12, "value", "value.flag"),
        (13, "value", "value.range"),
        (14, "unit_code", "unit.district_after_reorganisation"),
        (15, "period", "period.relative"),
    }
    by_rule = {i.rule: i for i in exc.errors}
    assert "pci_rank" in by_rule["indicator.unknown"].message_vi  # names the known indicators
    assert by_rule["indicator.unknown"].value == "drug_sellers"
    assert "10507" in by_rule["unit.old_code"].message_en  # where Bình Hàn went
    assert "dòng 2" in by_rule["key.duplicate"].message_vi and "row 2" in by_rule["key.duplicate"].message_en
    assert (
        by_rule["period.future"].value == "month:2027-01"
        and "01/01/2027" in by_rule["period.future"].message_vi
    )
    assert by_rule["value.not_whole"].value == "2,5"
    assert "13 error(s)" in exc.message_en and "13 lỗi" in exc.message_vi


def test_a_missing_column_is_named_in_both_languages(database, settings, actor, tmp_path) -> None:
    path = write_csv(tmp_path / "no-value.csv", [["population", "11311", "year:2025"]], HEADERS[:3])
    exc = rejected(database, settings, actor, path)
    (issue,) = exc.errors
    assert (issue.rule, issue.row, issue.column) == ("header.missing", 1, "value")
    assert "Giá trị" in issue.message_vi and "value" in issue.message_en


def test_a_file_with_neither_period_nor_year_is_rejected(database, settings, actor, tmp_path) -> None:
    path = write_csv(tmp_path / "p.csv", [["population", "11311", "5"]], ["indicator", "unit_code", "value"])
    exc = rejected(database, settings, actor, path)
    assert [(i.rule, i.column) for i in exc.errors] == [("header.missing", "period")]


def test_a_wrong_unit_of_measure_and_a_formula_like_source(database, settings, actor, tmp_path) -> None:
    headers = [*HEADERS, "unit_of_measure", "source"]
    bad = write_csv(tmp_path / "u.csv", [["pci_score", "31", "year:2024", "74,84", "%", ""]], headers)
    exc = rejected(database, settings, actor, bad)
    assert [(i.rule, i.column, i.value) for i in exc.errors] == [
        ("unit_of_measure.mismatch", "unit_of_measure", "%")
    ]
    good = write_csv(
        tmp_path / "g.csv", [["pci_score", "31", "year:2024", "74,84", "Điểm", "=HYPERLINK(1)"]], headers
    )
    summary = run(database, settings, actor, good)
    assert summary.warnings_by_rule == {"text.formula_like": 1, "unit.scheme_fallback": 1}
    value = stored(database)[("pci_score", "2025-01", "31", "year:2024")]
    assert (value.value, value.unit_of_measure, value.source) == (74.84, "điểm", "=HYPERLINK(1)")


def test_a_declared_scheme_must_still_be_in_force(database, settings, actor, tmp_path) -> None:
    path = write_csv(tmp_path / "s.csv", [["population", "10510", "year:2026", "5000"]])
    exc = rejected(database, settings, actor, path, unit_scheme="2025-01")
    assert [(i.rule, i.row) for i in exc.errors] == [("unit_scheme.ended", 2)]


def test_an_empty_file_is_rejected(database, settings, actor, tmp_path) -> None:
    exc = rejected(database, settings, actor, write_csv(tmp_path / "empty.csv", []))
    assert [i.rule for i in exc.errors] == ["file.no_rows"]


def test_numbers_take_a_comma_or_a_dot_and_thousands_separators() -> None:
    assert parse_number("12,5") == parse_number("12.5") == 12.5
    assert parse_number("1.234.567") == parse_number("1 234 567") == 1234567.0
    assert parse_number("1.234,5") == parse_number("1,234.5") == 1234.5
    assert parse_number(7) == 7.0 and parse_number("-3") == -3.0
    for bad in ("", "abc", "1.2.3", "nan", "inf", "1,2,3", True):
        assert parse_number(bad) is None, bad


# --- layouts --------------------------------------------------------------------------------------


def test_a_wide_xlsx_with_vietnamese_headers_and_a_year_column(database, settings, actor, tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị hành chính", "Năm", "Dân số", "Người nghiện có hồ sơ quản lý"])
    ws.append([11311, 2025, 57_000, None])
    ws.append([11383, 2024.0, 61_500, None])
    path = tmp_path / "dan-so.xlsx"
    wb.save(path)
    summary = run(database, settings, actor, path)
    # the second wide header is no indicator's name: it is only warned about
    assert summary.warnings_by_rule.get("header.unknown") == 1
    assert (summary.rows_total, summary.new, summary.by_indicator) == (2, 2, {"population": 2})
    values = stored(database)
    assert values[("population", "2025-07", "11311", "year:2025")].value == 57_000
    assert ("population", "2025-01", "11383", "year:2024") in values  # 2024 read on the map of its time


def test_a_file_cannot_mix_the_long_and_wide_layouts(database, settings, actor, tmp_path) -> None:
    path = write_csv(
        tmp_path / "mix.csv", [["population", "11311", "year:2025", "1", "2"]], [*HEADERS, "population"]
    )
    exc = rejected(database, settings, actor, path)
    assert [i.rule for i in exc.errors] == ["header.mixed_layout"]


# --- dry run, scope, reading ------------------------------------------------------------------------


def test_a_dry_run_counts_but_writes_nothing(database, settings, actor, tmp_path) -> None:
    path = write_csv(tmp_path / "d.csv", [["population", "11311", "year:2025", "57000"]])
    before = snapshot(database)
    summary = run(database, settings, actor, path, dry_run=True)
    assert summary.dry_run and summary.batch_id is None and (summary.new, summary.rows_total) == (1, 1)
    assert snapshot(database) == before


def test_a_unit_bound_actor_imports_and_reads_only_its_units(database, settings, actor, tmp_path) -> None:
    rows = [
        ["drug_users_managed", "11311", "year:2025", "120"],
        ["drug_users_managed", "11383", "year:2025", "95"],
    ]
    run(database, settings, actor, write_csv(tmp_path / "all.csv", rows))
    officer = Actor.for_user("officer-11311", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11311"))])

    exc = rejected(database, settings, officer, write_csv(tmp_path / "other.csv", [rows[1]]))
    assert [(i.rule, i.row) for i in exc.errors] == [("unit.out_of_scope", 2)]

    assert [p[0] for p in indicator_values(database, officer, "drug_users_managed")] == ["11311"]
    assert [p[0] for p in indicator_values(database, actor, "drug_users_managed")] == ["11311", "11383"]
    with pytest.raises(NotFound):
        indicator_values(database, officer, "drug_users_managed", unit_code="11383")
    with pytest.raises(NotFound):
        indicator_values(database, actor, "no_such_indicator")
    assert indicator_values(database, Actor("nobody", frozenset()), "drug_users_managed") == []


def test_an_actor_who_may_not_import_is_refused_before_the_file_is_read(database, settings, tmp_path) -> None:
    leader = Actor.for_user("leader", [Grant.city(Role.LEADER)])
    path = write_csv(tmp_path / "x.csv", [["population", "11311", "year:2025", "1"]])
    with pytest.raises(PermissionDenied):
        import_indicators(database, settings, leader, path)


def test_a_series_is_ordered_by_unit_then_period_and_windowed_by_period_end(
    database, settings, actor, tmp_path
) -> None:
    rows = [
        ["eid_accounts_activated", "11383", "month:2026-02", "20"],
        ["eid_accounts_activated", "11311", "month:2026-03", "30"],
        ["eid_accounts_activated", "11311", "month:2026-01", "10"],
        ["eid_accounts_activated", "11311", "month:2026-02", "20"],
    ]
    run(database, settings, actor, write_csv(tmp_path / "eid.csv", rows))
    series = indicator_values(
        database, actor, "eid_accounts_activated", start=date(2026, 2, 1), end=date(2026, 3, 31)
    )
    assert [(u, p, v) for u, p, _, _, v in series] == [
        ("11311", "month:2026-02", 20.0),
        ("11311", "month:2026-03", 30.0),
        ("11383", "month:2026-02", 20.0),
    ]
    one = indicator_values(database, actor, "eid_accounts_activated", unit_code="11383")
    assert one == [("11383", "month:2026-02", date(2026, 2, 1), date(2026, 2, 28), 20.0)]


# --- the command ----------------------------------------------------------------------------------


def test_the_command_prints_the_summary_as_json(cli_env, tmp_path) -> None:
    path = write_csv(
        tmp_path / "city.csv",
        [["pci_rank", "31", "year:2024", "1"], ["population", "31", "year:2025", "4100000"]],
    )
    proc = subprocess.run(
        [ANTT, "import", "indicators", str(path), "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["kind"], doc["rows"], doc["new"], doc["updated"], doc["unchanged"]) == (
        "indicators",
        2,
        2,
        0,
        0,
    )
    assert doc["by_indicator"] == {"pci_rank": 1, "population": 1} and doc["batch_id"] == 1

    again = subprocess.run(
        [ANTT, "import", "indicators", str(path), "--dry-run"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert "DRY RUN" in again.stdout and "unchanged 2" in again.stdout


def test_the_command_lists_every_error_and_exits_2(cli_env, tmp_path) -> None:
    path = write_csv(
        tmp_path / "bad.csv", [["pci_rank", "31", "year:2024", "0"], ["x", "31", "year:2024", "1"]]
    )
    proc = subprocess.run(
        [ANTT, "import", "indicators", str(path)], env=cli_env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert any("bad.csv, row 2, value" in line and "value.rank" in line for line in lines)
    assert any("bad.csv, row 3, indicator" in line and "indicator.unknown" in line for line in lines)
