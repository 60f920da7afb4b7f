"""A split former commune's incidents without coordinates count in the successor that received its
population (the conversion table's "toàn bộ dân số"), through the real importer and after `antt db upgrade`."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from shapely.geometry import shape
from sqlalchemy import select, text, update

from antt.domain.reference import commune_boundaries
from antt.services.imports import import_incidents
from antt.storage.tables import AuditRecord, IncidentRow
from tests.cli.test_cli import antt
from tests.domain.test_units import POPULATION_SUCCESSORS
from tests.incident_files import incident, write_csv

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
BEFORE_JULY = "10/02/2025 09:00"  # the old (2025-01) codes are in force


def point_in(code: str) -> tuple[float, float]:
    """(lat, lon) of a point well inside a current commune."""
    feature = next(f for f in commune_boundaries()["features"] if f["properties"]["code"] == code)
    p = shape(feature["geometry"]).representative_point()
    return p.y, p.x


def split_rows() -> list[dict[str, object]]:
    """One incident without coordinates in each of the seven communes, and one in Trường Sơn located in
    Phù Liễn (the successor that got land only)."""
    rows = [
        incident(n, occurred_at=BEFORE_JULY, reported_at="", unit_code=old)
        for n, (old, _, _) in enumerate(POPULATION_SUCCESSORS, start=1)
    ]
    lat, lon = point_in("11446")
    rows.append(
        incident(99, occurred_at=BEFORE_JULY, reported_at="", unit_code="11656", lat=str(lat), lon=str(lon))
    )
    return rows


def stored(database) -> dict[str, tuple[str, bool]]:
    with database.transaction(write=False) as s:
        return {
            r.source_id: (r.report_unit_code, r.report_approx)
            for r in s.scalars(select(IncidentRow).order_by(IncidentRow.source_id))
        }


@pytest.mark.parametrize(("old_code", "people", "land"), POPULATION_SUCCESSORS)
def test_an_incident_without_coordinates_lands_on_the_successor_that_received_the_population(
    database, settings, actor, tmp_path, old_code, people, land
) -> None:
    row = incident(1, occurred_at=BEFORE_JULY, reported_at="", unit_code=old_code)
    summary = import_incidents(database, settings, actor, write_csv(tmp_path / "split.csv", [row]), now=NOW)
    assert summary.assignments.get("approximate") == 1
    assert stored(database) == {"HP-00001": (people, True)}


def test_an_incident_with_coordinates_still_goes_by_its_point(database, settings, actor, tmp_path) -> None:
    lat, lon = point_in("11446")  # Phù Liễn: the part of Trường Sơn that kept no residents
    row = incident(1, occurred_at=BEFORE_JULY, reported_at="", unit_code="11656", lat=str(lat), lon=str(lon))
    summary = import_incidents(database, settings, actor, write_csv(tmp_path / "point.csv", [row]), now=NOW)
    assert not summary.assignments.get("approximate")
    assert stored(database) == {"HP-00001": ("11446", False)}


@pytest.mark.slow
def test_db_upgrade_moves_incidents_imported_under_the_old_rule_and_says_how_many(
    database, settings, actor, tmp_path, cli_env
) -> None:
    path = write_csv(tmp_path / "split.csv", split_rows())
    import_incidents(database, settings, actor, path, now=NOW)
    # the database as the previous release left it: each case in the successor that kept the code (else the
    # lowest code), with the content hash of that state
    with database.transaction() as s:
        for n, (old, _, land) in enumerate(POPULATION_SUCCESSORS, start=1):
            s.execute(
                update(IncidentRow)
                .where(IncidentRow.source_id == f"HP-{n:05d}")
                .values(report_unit_code=land, content_hash=f"old-rule-{old}")
            )

    out = antt(cli_env, "db", "upgrade").stdout
    assert "incidents_reassigned 7" in out
    assert "Đã chuyển 7 vụ việc" in out and "7 incidents of split former communes" in out
    expected = {f"HP-{n:05d}": (people, True) for n, (_, people, _) in enumerate(POPULATION_SUCCESSORS, 1)}
    assert stored(database) == {**expected, "HP-00099": ("11446", False)}
    with database.transaction(write=False) as s:
        (record,) = s.scalars(select(AuditRecord).where(AuditRecord.action == "incidents.reassign_units"))
        details = record.details if isinstance(record.details, dict) else json.loads(record.details)
        assert details["incidents"] == 7 and record.actor.startswith("cli:")

    again = antt(cli_env, "db", "upgrade").stdout
    assert "incidents_reassigned" not in again and "Đã chuyển" not in again
    with database.transaction(write=False) as s:
        count = s.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'incidents.reassign_units'"))
        assert count.scalar_one() == 1
    # the recomputed content hash is the importer's: the unchanged file changes nothing
    summary = import_incidents(database, settings, actor, path, now=NOW)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 8)
