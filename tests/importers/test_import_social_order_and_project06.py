"""The indicators of social evils, fires and Project 06 (issue 16 items 6 and 7) go through the import like
every other indicator: good rows stored with their unit of measure, bad ones listed and nothing written."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from antt.errors import ImportRejected
from antt.importers.indicators import KNOWN_INDICATORS
from antt.services.indicators import import_indicators
from antt.storage.tables import IndicatorValue

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
DOC = Path(__file__).parents[2] / "docs" / "formats" / "indicators.md"
NEW = {
    "prostitution_admin_cases": "vụ",
    "prostitution_admin_persons": "người",
    "gambling_admin_cases": "vụ",
    "gambling_admin_persons": "người",
    "drug_use_admin_cases": "vụ",
    "drug_use_admin_persons": "người",
    "fire_cases": "vụ",
    "fire_deaths": "người",
    "fire_injuries": "người",
    "fire_damage_vnd": "đồng",
    "eid_level2_collected": "tài khoản",
    "eid_level2_activated": "tài khoản",
    "chip_id_cards_issued": "thẻ",
    "online_public_services": "hồ sơ",
}


def write_csv(path: Path, rows: list[list[str]], headers: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def stored(database) -> dict[tuple[str, str, str], IndicatorValue]:
    with database.transaction(write=False) as s:
        return {(v.indicator, v.unit_code, v.period): v for v in s.scalars(select(IndicatorValue))}


def test_the_catalogue_holds_the_new_indicators_with_their_units() -> None:
    assert {k: KNOWN_INDICATORS[k].unit_of_measure for k in NEW} == NEW
    assert KNOWN_INDICATORS["fire_damage_vnd"].kind == "amount"


def test_every_catalogued_indicator_is_documented_in_the_format() -> None:
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), re.M))
    assert set(KNOWN_INDICATORS) <= documented


def test_social_evil_fire_and_project06_rows_are_stored(database, settings, actor, tmp_path) -> None:
    headers = ["indicator", "unit_code", "period", "value", "unit_of_measure", "synthetic"]
    rows = [[name, "31", "report-month:2026-10", str(i + 1), "", "1"] for i, name in enumerate(NEW)]
    rows[9] = ["fire_damage_vnd", "31", "report-month:2026-10", "1.094.087.000", "đồng", "1"]
    rows += [
        ["Tài khoản định danh điện tử mức 2 đã kích hoạt", "11383", "report-month:2026-10", "61234", "", "0"],
        ["chip_id_cards_issued", "11383", "report-month:2026-10", "70 001", "thẻ", "0"],
    ]
    summary = import_indicators(
        database, settings, actor, write_csv(tmp_path / "good.csv", rows, headers), now=NOW
    )
    assert (summary.rows_total, summary.new) == (16, 16)
    values = stored(database)
    damage = values[("fire_damage_vnd", "31", "report-month:2026-10")]
    assert (damage.value, damage.unit_of_measure, damage.synthetic) == (1_094_087_000.0, "đồng", True)
    assert (damage.period_start, damage.period_end) == (date(2026, 9, 15), date(2026, 10, 14))
    gambling = values[("gambling_admin_persons", "31", "report-month:2026-10")]
    assert (gambling.value, gambling.unit_of_measure) == (4.0, "người")
    level2 = values[("eid_level2_activated", "11383", "report-month:2026-10")]  # by its Vietnamese name
    assert (level2.value, level2.unit_of_measure, level2.synthetic) == (61234.0, "tài khoản", False)
    assert values[("chip_id_cards_issued", "11383", "report-month:2026-10")].value == 70001.0


def test_bad_social_evil_fire_and_project06_rows_are_listed_and_nothing_is_written(
    database, settings, actor, tmp_path
) -> None:
    headers = ["indicator", "unit_code", "period", "value", "unit_of_measure"]
    rows = [
        ["fire_cases", "31", "report-month:2026-10", "9", ""],  # row 2: fine
        ["fire_damage_vnd", "31", "report-month:2026-10", "-5000000", ""],  # 3: negative damage
        ["gambling_admin_cases", "31", "report-month:2026-10", "2,5", ""],  # 4: half a case
        ["eid_level2_activated", "11383", "report-month:2026-10", "100", "người"],  # 5: wrong unit
        ["fire_case", "31", "report-month:2026-10", "3", ""],  # 6: unknown indicator
        ["online_public_services", "11383", "report-month:2027-01", "40", ""],  # 7: not begun
        ["fire_cases", "31", "report-month:2026-10", "10", ""],  # 8: duplicate of row 2
        ["chip_id_cards_issued", "11383", "report-month:2026-10", "nhiều", ""],  # 9: not a number
    ]
    path = write_csv(tmp_path / "bad.csv", rows, headers)
    with pytest.raises(ImportRejected) as info:
        import_indicators(database, settings, actor, path, now=NOW)
    found = {(i.row, i.column, i.rule) for i in info.value.errors}
    assert found == {
        (3, "value", "value.negative"),
        (4, "value", "value.not_whole"),
        (5, "unit_of_measure", "unit_of_measure.mismatch"),
        (6, "indicator", "indicator.unknown"),
        (7, "period", "period.future"),
        (8, "value", "key.duplicate"),
        (9, "value", "value.format"),
    }
    by_rule = {i.rule: i for i in info.value.errors}
    assert "fire_damage_vnd" in by_rule["value.negative"].message_vi
    assert "tài khoản" in by_rule["unit_of_measure.mismatch"].message_vi
    assert "fire_cases" in by_rule["indicator.unknown"].message_en  # the known list names the right code
    assert stored(database) == {}


def test_damage_in_dong_is_a_whole_amount(database, settings, actor, tmp_path) -> None:
    path = write_csv(
        tmp_path / "d.csv",
        [["fire_damage_vnd", "31", "report-month:2026-10", "1250000,5"]],
        ["indicator", "unit_code", "period", "value"],
    )
    with pytest.raises(ImportRejected) as info:
        import_indicators(database, settings, actor, path, now=NOW)
    (issue,) = info.value.errors
    assert issue.rule == "value.not_whole" and "số tiền" in issue.message_vi and "money" in issue.message_en
