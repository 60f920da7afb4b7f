"""Importing incident files end to end: real files, the real importer, a real database."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from antt.errors import ImportRejected
from antt.services.imports import import_incidents
from antt.storage.tables import IncidentChange, IncidentRow, Person
from tests.incident_files import HONG_BANG, incident, snapshot, write_csv, write_xlsx

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def run(database, settings, actor, path: Path, **kw):
    return import_incidents(database, settings, actor, path, now=NOW, **kw)


def rejected(database, settings, actor, path: Path) -> ImportRejected:
    before = snapshot(database)
    with pytest.raises(ImportRejected) as info:
        run(database, settings, actor, path)
    assert snapshot(database) == before, "a rejected import must leave the database unchanged"
    exc = info.value
    assert exc.errors, "a rejection lists its errors"
    for issue in exc.errors:
        assert issue.file == path.name and issue.message_vi and issue.message_en
        assert issue.message_vi != issue.message_en
    return exc


def one_error(exc: ImportRejected, rule: str):
    matches = [i for i in exc.errors if i.rule == rule]
    assert matches, f"expected {rule}, got {[i.rule for i in exc.issues]}"
    return matches[0]


def incidents(database) -> list[IncidentRow]:
    with database.transaction(write=False) as s:
        return list(s.scalars(select(IncidentRow).order_by(IncidentRow.source_id)))


# --- the happy path ---------------------------------------------------------------------------------


def test_it_imports_a_valid_csv_and_reports_what_it_did(database, settings, actor, tmp_path) -> None:
    rows = [
        incident(1),
        incident(2, article="Điều 134 khoản 2", status="Đã làm rõ", cleared_at="10/03/2026"),
        incident(3, unit_code="", lat=str(HONG_BANG[0]), lon=str(HONG_BANG[1])),
    ]
    summary = run(database, settings, actor, write_csv(tmp_path / "week.csv", rows))
    assert (summary.rows_total, summary.new, summary.updated, summary.unchanged) == (3, 3, 0, 0)
    assert summary.assignments == {"code": 2, "point": 1}
    stored = incidents(database)
    assert [i.source_id for i in stored] == ["HP-00001", "HP-00002", "HP-00003"]
    first = stored[0]
    assert (first.unit_scheme, first.unit_code, first.reporting_group) == ("2025-07", "11311", "social_order")
    assert first.occurred_at == datetime(2026, 3, 5, 7, 30)  # 14:30 in Hải Phòng = 07:30 UTC
    assert first.occurred_on.isoformat() == "2026-03-05" and first.severity == "minor"
    assert stored[1].status == "cleared" and stored[1].cleared_on.isoformat() == "2026-03-10"
    assert stored[1].severity == "serious" and stored[1].clause == 2
    assert (stored[2].unit_code, stored[2].location_flag) == ("11311", "point")


def test_reimporting_the_same_file_changes_nothing(database, settings, actor, tmp_path) -> None:
    path = write_csv(tmp_path / "week.csv", [incident(n) for n in range(1, 6)])
    run(database, settings, actor, path)
    before = snapshot(database)
    again = run(database, settings, actor, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    after = snapshot(database)
    assert after["incidents"] == before["incidents"] and after["persons"] == before["persons"]
    assert after["import_batches"][0] == 2  # the second import is recorded too


def test_a_changed_row_is_updated_and_its_change_recorded(database, settings, actor, tmp_path) -> None:
    run(database, settings, actor, write_csv(tmp_path / "a.csv", [incident(1), incident(2)]))
    changed = incident(2, status="Đã làm rõ", cleared_at="06/03/2026")
    summary = run(
        database, settings, actor, write_csv(tmp_path / "b.csv", [incident(1), changed, incident(3)])
    )
    assert (summary.new, summary.updated, summary.unchanged) == (1, 1, 1)
    with database.transaction(write=False) as s:
        (change,) = s.scalars(select(IncidentChange)).all()
        assert change.changes["status"] == ["under_investigation", "cleared"]
        assert change.changes["cleared_on"] == [None, "2026-03-06"]
        row = s.scalars(select(IncidentRow).where(IncidentRow.source_id == "HP-00002")).one()
        assert row.status == "cleared" and row.updated_batch_id == summary.batch_id


def test_a_dry_run_validates_and_counts_but_writes_nothing(database, settings, actor, tmp_path) -> None:
    before = snapshot(database)
    summary = run(database, settings, actor, write_csv(tmp_path / "w.csv", [incident(1)]), dry_run=True)
    assert summary.dry_run and summary.new == 1 and summary.batch_id is None
    assert snapshot(database) == before


def test_the_same_source_id_from_another_source_is_another_incident(
    database, settings, actor, tmp_path
) -> None:
    path = write_csv(tmp_path / "w.csv", [incident(1)])
    run(database, settings, actor, path, source="vks")
    assert run(database, settings, actor, path, source="ca").new == 1
    assert len(incidents(database)) == 2


def test_personal_ids_are_stored_only_as_pseudonyms_that_link_cases(
    database, settings, actor, tmp_path
) -> None:
    rows = [
        incident(1, person_ids="031095000123;001090001234", suspects="2"),
        incident(2, person_ids="031095000123"),
    ]
    summary = run(database, settings, actor, write_csv(tmp_path / "p.csv", rows))
    assert summary.persons_new == 2
    with database.engine.connect() as conn:
        dump = json.dumps(
            [
                list(map(str, r))
                for t in ("persons", "incident_persons", "incidents")
                for r in conn.execute(text(f"SELECT * FROM {t}"))
            ]
        )
        shared = conn.execute(
            text("SELECT person_id FROM incident_persons GROUP BY person_id HAVING COUNT(*) = 2")
        ).all()
    assert "031095000123" not in dump and "001090001234" not in dump
    assert len(shared) == 1


@pytest.mark.sqlite_only
def test_the_database_file_never_contains_a_personal_id(database, settings, actor, tmp_path) -> None:
    run(database, settings, actor, write_csv(tmp_path / "p.csv", [incident(1, person_ids="031095000123")]))
    database.dispose()
    raw = b"".join(
        p.read_bytes() for p in Path(settings.database_url.removeprefix("sqlite:///")).parent.glob("antt.db*")
    )
    assert b"031095000123" not in raw


def test_an_xlsx_with_date_cells_imports_like_a_csv(database, settings, actor, tmp_path) -> None:
    rows = [
        incident(
            1,
            occurred_at=datetime(2026, 3, 5, 14, 30),
            reported_at=None,
            suspects=2,
            victims=0,
            damage_vnd=2500000,
            unit_code=11311,
        )
    ]
    summary = run(database, settings, actor, write_xlsx(tmp_path / "w.xlsx", rows))
    assert summary.new == 1
    (row,) = incidents(database)
    assert row.occurred_at == datetime(2026, 3, 5, 7, 30) and row.suspects == 2 and row.damage_vnd == 2500000


def test_an_old_code_before_the_reorganisation_is_kept_in_its_own_scheme(
    database, settings, actor, tmp_path
) -> None:
    rows = [
        incident(1, occurred_at="10/02/2025", unit_code="10510"),  # Phường Bình Hàn, 2025-01
        incident(2, occurred_at="10/02/2025", unit_code="303"),
    ]  # a district code, accepted before July
    run(database, settings, actor, write_csv(tmp_path / "old.csv", rows))
    stored = incidents(database)
    assert [(i.unit_scheme, i.unit_code) for i in stored] == [("2025-01", "10510"), ("2025-01", "303")]


def test_codes_and_coordinates_that_disagree_are_flagged_not_rejected(
    database, settings, actor, tmp_path
) -> None:
    rows = [incident(1, unit_code="11383", lat=str(HONG_BANG[0]), lon=str(HONG_BANG[1]))]
    summary = run(database, settings, actor, write_csv(tmp_path / "m.csv", rows))
    assert summary.warnings_by_rule.get("coords.mismatch") == 1
    (row,) = incidents(database)
    assert (row.unit_code, row.location_flag) == ("11383", "mismatch")


def test_a_point_just_off_the_coast_goes_to_the_nearest_unit_flagged(
    database, settings, actor, tmp_path
) -> None:
    # in the sea about 1.3 km east of the Đồ Sơn peninsula (Phường Đồ Sơn, 11455)
    rows = [incident(1, unit_code="", lat="20.7", lon="106.81")]
    summary = run(database, settings, actor, write_csv(tmp_path / "c.csv", rows))
    assert summary.warnings_by_rule.get("coords.nearest") == 1
    (row,) = incidents(database)
    assert (row.unit_code, row.location_flag) == ("11455", "nearest")


def test_vn2000_projected_coordinates_are_converted(database, settings, actor, tmp_path) -> None:
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 9210, always_xy=True).transform(HONG_BANG[1], HONG_BANG[0])
    rows = [incident(1, unit_code="", x=f"{x:.2f}", y=f"{y:.2f}", crs="EPSG:9210")]
    headers = [*[h for h in rows[0] if h not in ("lat", "lon")]]
    run(database, settings, actor, write_csv(tmp_path / "vn2000.csv", rows, headers=headers))
    (row,) = incidents(database)
    assert row.unit_code == "11311" and abs(row.lat - HONG_BANG[0]) < 1e-5


def test_formula_like_text_is_stored_verbatim_as_text(database, settings, actor, tmp_path) -> None:
    rows = [incident(1, note='=HYPERLINK("http://x","y")'), incident(2, note="+84 912 345 678")]
    summary = run(database, settings, actor, write_xlsx(tmp_path / "f.xlsx", rows))
    assert summary.warnings_by_rule.get("text.formula_like") == 2
    notes = [i.note for i in incidents(database)]
    assert notes == ['=HYPERLINK("http://x","y")', "+84 912 345 678"]


def test_an_import_is_audited_in_the_hash_chain(database, settings, actor, tmp_path) -> None:
    from antt.storage.audit import verify_chain
    from antt.storage.tables import AuditRecord

    summary = run(database, settings, actor, write_csv(tmp_path / "w.csv", [incident(1)]))
    with database.transaction(write=False) as s:
        (record,) = s.scalars(select(AuditRecord)).all()
        assert record.action == "import.incidents" and record.actor == actor.name
        assert record.target == f"import_batch:{summary.batch_id}" and record.details["new"] == 1
        assert verify_chain(s).ok


def test_vietnamese_text_is_stored_in_nfc(database, settings, actor, tmp_path) -> None:
    import unicodedata

    note = unicodedata.normalize("NFD", "Trộm xe máy tại chợ Sắt")
    run(database, settings, actor, write_csv(tmp_path / "n.csv", [incident(1, note=note)]))
    (row,) = incidents(database)
    assert row.note == "Trộm xe máy tại chợ Sắt" and unicodedata.is_normalized("NFC", row.note)


# --- bad input: every problem listed, nothing written ------------------------------------------------


def test_it_lists_every_error_of_every_row_not_just_the_first(database, settings, actor, tmp_path) -> None:
    rows = [
        incident(1, article="999"),
        incident(2, status="đang xử lý"),
        incident(3, suspects="-1"),
        incident(4),
        incident(5, occurred_at="31/02/2026"),
    ]
    exc = rejected(database, settings, actor, write_csv(tmp_path / "bad.csv", rows))
    assert sorted((i.row, i.column, i.rule) for i in exc.errors) == [
        (2, "article", "article.unknown"),
        (3, "status", "status.unknown"),
        (4, "suspects", "number.negative"),
        (6, "occurred_at", "date.format"),
    ]


def test_it_rejects_a_file_missing_a_required_column(database, settings, actor, tmp_path) -> None:
    headers = [h for h in incident() if h != "article"]
    exc = rejected(database, settings, actor, write_csv(tmp_path / "h.csv", [incident(1)], headers=headers))
    issue = one_error(exc, "header.missing")
    assert issue.row == 1 and issue.column == "article" and "Điều luật" in issue.message_vi


def test_an_unknown_header_is_a_warning_and_the_rest_imports(database, settings, actor, tmp_path) -> None:
    rows = [{**incident(1), "Cán bộ thụ lý": "Nguyễn Văn A"}]
    summary = run(database, settings, actor, write_csv(tmp_path / "u.csv", rows, headers=list(rows[0])))
    assert summary.new == 1 and summary.warnings_by_rule == {"header.unknown": 1}


def test_vietnamese_headers_with_or_without_diacritics_are_accepted(
    database, settings, actor, tmp_path
) -> None:
    vi = {
        "source_id": "Mã vụ việc",
        "occurred_at": "thoi gian xay ra",
        "unit_code": "MÃ ĐƠN VỊ HÀNH CHÍNH",
        "article": "Điều luật",
        "status": "Tình trạng",
    }
    row = {vi[k]: v for k, v in incident(1).items() if k in vi}
    summary = run(database, settings, actor, write_csv(tmp_path / "vi.csv", [row], headers=list(vi.values())))
    assert summary.new == 1 and not summary.warnings


def test_day_comes_before_month(database, settings, actor, tmp_path) -> None:
    run(
        database,
        settings,
        actor,
        write_csv(tmp_path / "d.csv", [incident(1, occurred_at="03/04/2026", reported_at="")]),
    )
    assert incidents(database)[0].occurred_on.isoformat() == "2026-04-03"
    exc = rejected(
        database, settings, actor, write_csv(tmp_path / "m.csv", [incident(2, occurred_at="04/13/2026")])
    )
    issue = one_error(exc, "date.format")
    assert issue.value == "04/13/2026" and "dd/mm/yyyy" in issue.message_en


def test_an_excel_serial_date_in_a_csv_is_read_with_a_warning(database, settings, actor, tmp_path) -> None:
    summary = run(
        database,
        settings,
        actor,
        write_csv(tmp_path / "s.csv", [incident(1, occurred_at="46086", reported_at="")]),
    )
    assert summary.warnings_by_rule.get("date.excel_serial") == 1
    assert incidents(database)[0].occurred_on.isoformat() == "2026-03-05"  # 46023 = 01/01/2026


def test_it_rejects_future_and_ancient_dates(database, settings, actor, tmp_path) -> None:
    rows = [
        incident(1, occurred_at="01/01/2027", reported_at=""),
        incident(2, occurred_at="31/12/1999", reported_at=""),
    ]
    exc = rejected(database, settings, actor, write_csv(tmp_path / "f.csv", rows))
    assert {(i.row, i.rule) for i in exc.errors} == {(2, "date.future"), (3, "date.too_early")}


def test_it_rejects_an_unknown_or_not_yet_valid_article(database, settings, actor, tmp_path) -> None:
    rows = [
        incident(1, article="Điều 500"),
        incident(2, article="256a", occurred_at="30/06/2025", reported_at=""),
        incident(3, article="khoản 2"),
        incident(4, article="352"),  # a definition, not an offence
    ]
    exc = rejected(database, settings, actor, write_csv(tmp_path / "a.csv", rows))
    assert {(i.row, i.rule) for i in exc.errors} == {
        (2, "article.unknown"),
        (3, "article.not_in_force"),
        (4, "article.format"),
        (5, "article.not_an_offence"),
    }


def test_it_rejects_unknown_unit_codes_and_old_codes_after_the_reorganisation(
    database, settings, actor, tmp_path
) -> None:
    rows = [incident(1, unit_code="99999"), incident(2, unit_code="10510"), incident(3, unit_code="303")]
    exc = rejected(database, settings, actor, write_csv(tmp_path / "u.csv", rows))
    assert {(i.row, i.rule) for i in exc.errors} == {
        (2, "unit.unknown"),
        (3, "unit.old_code"),
        (4, "unit.district_after_reorganisation"),
    }
    old = one_error(exc, "unit.old_code")
    assert "10507" in old.message_vi and "Thành Đông" in old.message_vi  # where Bình Hàn went


def test_it_rejects_coordinates_outside_the_city(database, settings, actor, tmp_path) -> None:
    rows = [incident(1, unit_code="", lat="21.0285", lon="105.8542")]  # Hà Nội
    issue = one_error(
        rejected(database, settings, actor, write_csv(tmp_path / "c.csv", rows)), "coords.outside"
    )
    assert issue.row == 2 and issue.column == "lat"


def test_it_rejects_duplicate_source_ids_in_one_file(database, settings, actor, tmp_path) -> None:
    exc = rejected(
        database, settings, actor, write_csv(tmp_path / "d.csv", [incident(1), incident(2), incident(1)])
    )
    issue = one_error(exc, "source_id.duplicate")
    assert issue.row == 4 and "2" in issue.message_en  # first seen on row 2


def test_it_rejects_malformed_personal_ids_without_echoing_them(database, settings, actor, tmp_path) -> None:
    exc = rejected(
        database, settings, actor, write_csv(tmp_path / "p.csv", [incident(1, person_ids="03109500012")])
    )
    issue = one_error(exc, "person_id.format")
    assert issue.value == "********012" and "03109500012" not in issue.describe()


def test_it_rejects_a_truncated_xlsx(database, settings, actor, tmp_path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [incident(n) for n in range(1, 50)])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    one_error(rejected(database, settings, actor, path), "xlsx.corrupt")


@pytest.mark.slow  # builds and reads a zip bomb
def test_it_rejects_an_xlsx_zip_bomb(database, settings, actor, tmp_path) -> None:
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1 << 24)
        for _ in range(80):  # 1.25 GiB of zeros, a few MB on disk
            member.write(block)
    one_error(rejected(database, settings, actor, path), "xlsx.zip_bomb")


def test_it_rejects_an_empty_file(database, settings, actor, tmp_path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    one_error(rejected(database, settings, actor, path), "file.empty")


def test_it_rejects_a_file_with_a_header_and_no_rows(database, settings, actor, tmp_path) -> None:
    one_error(rejected(database, settings, actor, write_csv(tmp_path / "h.csv", [])), "file.no_rows")


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-16", "\t"), ("utf-8", ";")])
def test_it_reads_excel_encodings_and_delimiters(
    database, settings, actor, tmp_path, encoding, delimiter
) -> None:
    rows = [incident(1, note="Cướp giật tài sản ở Lê Chân")]
    path = write_csv(tmp_path / "e.csv", rows, encoding=encoding, delimiter=delimiter)
    assert run(database, settings, actor, path).new == 1
    assert incidents(database)[0].note == "Cướp giật tài sản ở Lê Chân"


def test_it_reads_windows_1258_with_a_warning(database, settings, actor, tmp_path) -> None:
    from tests.importers.test_readers import to_cp1258

    path = write_csv(tmp_path / "w.csv", [incident(1, note="Đánh bạc")])
    path.write_bytes(to_cp1258(path.read_text(encoding="utf-8")))
    summary = run(database, settings, actor, path)
    assert "csv.encoding_cp1258" in summary.warnings_by_rule
    assert incidents(database)[0].note == "Đánh bạc"


def test_persons_table_holds_only_pseudonyms(database, settings, actor, tmp_path) -> None:
    run(database, settings, actor, write_csv(tmp_path / "p.csv", [incident(1)]))
    with database.transaction(write=False) as s:
        (person,) = s.scalars(select(Person)).all()
        assert person.pseudonym.startswith("p1_") and len(person.pseudonym) == 35


def test_editing_the_group_mapping_regroups_stored_incidents(database, settings, actor, tmp_path) -> None:
    from dataclasses import replace

    from antt.domain.offences import build_table
    from antt.domain.reference import offence_table, unit_catalog, unit_geometries
    from antt.storage.reference import sync_reference_data

    run(database, settings, actor, write_csv(tmp_path / "w.csv", [incident(1), incident(2, article="134.1")]))
    table = offence_table()
    edited = build_table(
        table.groups,
        [replace(o, reporting_group="other") if o.article == "173" else o for o in table.offences],
    )
    try:
        with database.transaction() as session:
            counts = sync_reference_data(session, unit_catalog(), edited, unit_geometries())
        assert counts["offences"] == 1 and counts["incidents_regrouped"] == 1
        assert [i.reporting_group for i in incidents(database)] == ["other", "social_order"]
    finally:  # on PostgreSQL the reference tables are shared by the whole run: put the mapping back
        with database.transaction() as session:
            sync_reference_data(session, unit_catalog(), table, unit_geometries())


def _split_commune():
    """An old (2025-01) commune split between several new ones, and a point inside its second successor."""
    from shapely.geometry import shape

    from antt.domain.reference import commune_boundaries, unit_catalog

    catalog = unit_catalog()
    for link in catalog.links:
        old = catalog.get(link.old_scheme, link.old_code)
        targets = [c.new.code for c in catalog.convert(old)]
        if old.level.value == "commune" and len(targets) >= 2:
            feature = next(
                f for f in commune_boundaries()["features"] if f["properties"]["code"] == targets[1]
            )
            point = shape(feature["geometry"]).representative_point()
            return old.code, targets, point
    raise AssertionError("no split commune")


def test_incidents_under_old_units_count_in_the_current_scheme(database, settings, actor, tmp_path) -> None:
    old_code, targets, point = _split_commune()
    rows = [
        incident(1, occurred_at="10/02/2025", reported_at="", unit_code="10510"),  # whole → 10507
        incident(
            2,
            occurred_at="10/02/2025",
            reported_at="",
            unit_code=old_code,
            lat=str(point.y),
            lon=str(point.x),
        ),
        incident(3, occurred_at="10/02/2025", reported_at="", unit_code=old_code),  # split, no point
        incident(4),  # already in the current scheme
    ]
    summary = run(database, settings, actor, write_csv(tmp_path / "carry.csv", rows))
    assert summary.assignments.get("approximate") == 1
    stored = incidents(database)
    assert [(i.report_unit_code, i.report_approx) for i in stored[:2]] == [
        ("10507", False),
        (targets[1], False),
    ]
    assert stored[2].report_approx and stored[2].report_unit_code in targets
    assert (stored[3].report_unit_code, stored[3].report_approx) == ("11311", False)


# --- the importer's scope ---------------------------------------------------------------------------
# A commune officer writes their own commune's cases only: new, updated and moved incidents alike, and a
# refusal tells nothing about the other commune's case (no counts, no unit, no status).

LE_CHAN_CODE, OTHER_CODE = "11311", "11383"


def _officer(code: str = LE_CHAN_CODE):
    from antt.domain.access import Actor, Grant, Role

    return Actor.for_user(f"officer-{code}", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", code))])


def test_an_officer_cannot_create_an_incident_in_another_commune(database, settings, tmp_path) -> None:
    exc = rejected(
        database, settings, _officer(), write_csv(tmp_path / "x.csv", [incident(1, unit_code=OTHER_CODE)])
    )
    issue = one_error(exc, "unit.out_of_scope")
    assert (issue.row, issue.column, issue.value) == (2, "unit_code", OTHER_CODE)
    assert "ngoài phạm vi" in issue.message_vi and "outside" in issue.message_en


def test_an_officer_cannot_overwrite_or_take_over_another_communes_case(
    database, settings, actor, tmp_path
) -> None:
    cleared = incident(7, unit_code=OTHER_CODE, status="Đã làm rõ", cleared_at="10/03/2026")
    run(database, settings, actor, write_csv(tmp_path / "city.csv", [cleared]))
    before = snapshot(database)
    officer = _officer()
    # overwrite in place (cleared → under investigation), and move into the officer's commune
    for n, row in enumerate([incident(7, unit_code=OTHER_CODE), incident(7, unit_code=LE_CHAN_CODE)]):
        for dry_run in (True, False):
            with pytest.raises(ImportRejected) as info:
                run(database, settings, officer, write_csv(tmp_path / f"o{n}.csv", [row]), dry_run=dry_run)
            assert "source_id.out_of_scope" in [i.rule for i in info.value.errors]
            assert snapshot(database) == before
    (stored,) = incidents(database)
    assert (stored.report_unit_code, stored.status) == (OTHER_CODE, "cleared")


def test_an_officer_cannot_move_their_own_case_to_another_commune(database, settings, tmp_path) -> None:
    officer = _officer()
    run(database, settings, officer, write_csv(tmp_path / "mine.csv", [incident(3)]))
    exc = rejected(
        database, settings, officer, write_csv(tmp_path / "move.csv", [incident(3, unit_code=OTHER_CODE)])
    )
    assert [i.rule for i in exc.errors] == ["unit.out_of_scope"]
    (stored,) = incidents(database)
    assert stored.report_unit_code == LE_CHAN_CODE


def test_an_officer_updates_their_own_cases_and_learns_nothing_of_others(
    database, settings, actor, tmp_path
) -> None:
    run(
        database,
        settings,
        actor,
        write_csv(tmp_path / "city.csv", [incident(1), incident(2, unit_code=OTHER_CODE)]),
    )
    officer = _officer()
    summary = run(
        database,
        settings,
        officer,
        write_csv(
            tmp_path / "mine.csv", [incident(1, status="Đã làm rõ", cleared_at="10/03/2026"), incident(9)]
        ),
        dry_run=True,
    )
    assert (summary.new, summary.updated, summary.unchanged) == (1, 1, 0)
    assert summary.persons_new is None, "new-person counts would tell who is known in other communes"
    summary = run(
        database,
        settings,
        officer,
        write_csv(tmp_path / "mine2.csv", [incident(1, status="Đã làm rõ", cleared_at="10/03/2026")]),
    )
    assert (summary.new, summary.updated) == (0, 1)
    assert {(i.source_id, i.status) for i in incidents(database)} == {
        ("HP-00001", "cleared"),
        ("HP-00002", "under_investigation"),
    }


def test_a_role_that_may_not_import_is_refused(database, settings, tmp_path) -> None:
    from antt.domain.access import Actor, Grant, Role
    from antt.errors import PermissionDenied

    leader = Actor.for_user("leader", [Grant.city(Role.LEADER)])
    with pytest.raises(PermissionDenied):
        run(database, settings, leader, write_csv(tmp_path / "x.csv", [incident(1)]))


def test_a_clause_is_checked_against_the_law_in_force_on_the_day(database, settings, actor, tmp_path) -> None:
    # art. 248 clause 5 was created by Luật 86/2025/QH15 from 1/7/2025: unknown before, known after
    before = incident(1, occurred_at="15/06/2025 10:00", reported_at="", article="248.5")
    after = incident(2, occurred_at="15/07/2025 10:00", reported_at="", article="248.5")
    summary = run(database, settings, actor, write_csv(tmp_path / "c.csv", [before, after]))
    assert [(w.rule, w.row) for w in summary.warnings if w.rule == "clause.unknown"] == [
        ("clause.unknown", 2)
    ]
