"""Every migration, from every earlier schema revision, on a database with data in it.

For each revision r (the first to the newest): an empty database is migrated to r, gets representative rows
in every table that exists at r (reference data through the reference sync, an import batch, incidents,
persons, audit records — plain SHA-256 before the keyed chain of 0003, keyed after — users, grants,
sessions, targets …), then ``antt db upgrade`` takes it to the newest revision; every row must still be
there with the values it had, the audit chain must verify with the test key and go on growing.

The data is described per *table*, not per revision (:data:`RECIPES`): a new migration is covered as soon
as it exists, a new column is filled from the recipe when the recipe names it (and must be nullable or have
a default otherwise), and a new table without a recipe fails with a message saying what to add.
Runs on SQLite and, in the PostgreSQL pass, on a database of its own on the same server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from antt.domain.reference import offence_table, unit_catalog, unit_geometries
from antt.services.database import open_database, upgrade
from antt.settings import AUDIT_CHAIN_KEY, load_settings
from antt.storage import audit, audit_verify, migrate
from antt.storage import backup as engine_level
from antt.storage.engine import normalise_url
from antt.storage.reference import sync_reference_data
from antt.storage.tables import (
    AuditRecord,
    CrosswalkRow,
    GrantRow,
    IncidentRow,
    OffenceClauseRow,
    OffenceRow,
    ReportingGroupRow,
    UnitRow,
    UnitScheme,
    UserRow,
)
from tests.conftest import PG_URL, TEST_KEY

REVISIONS = [
    s.revision for s in reversed(list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()))
]
T0 = datetime(2025, 11, 3, 8, 15, 30, 123456)
SCHEME, UNIT, ARTICLE = "2025-07", "11311", "173"
GROUP = next(o.reporting_group for o in offence_table().offences if o.article == ARTICLE)


@dataclass
class Recipe:
    """Rows of one table; ``after`` puts it after other tables whose inserted rows it reads."""

    rows: Callable[[Context], list[dict[str, Any]]]
    after: tuple[str, ...] = ()


@dataclass
class Context:
    tables: dict[str, Table]
    key: bytes
    inserted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.tables


def audit_rows(ctx: Context) -> list[dict[str, Any]]:
    """A short chain, hashed as the code of that revision hashed it: plain SHA-256 before 0003 (no
    ``audit_boundary`` table yet), keyed after."""
    keyed = ctx.has("audit_boundary")
    rows, prev = [], audit.GENESIS
    for i, (action, details) in enumerate(
        [
            ("import.incidents", {"batch": 1, "rows": 2, "tệp": "vụ việc tháng 10.csv"}),
            ("user.grant", {"user": 1, "role": "analyst", "unit": UNIT}),
            ("auth.sign_in", {"ok": True, "nested": {"list": [1, 2.5, None]}}),
        ]
    ):
        at = T0 + timedelta(minutes=i, microseconds=i)
        data = audit.payload(prev, at, "cli:old", action, "database", "127.0.0.1", "success", details)
        digest = audit.keyed_digest(ctx.key, data) if keyed else audit.legacy_digest(data)
        rows.append(
            {
                "id": i + 1,
                "at": at,
                "actor": "cli:old",
                "action": action,
                "object": "database",
                "client": "127.0.0.1",
                "outcome": "success",
                "details": details,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    return rows


def verified_rows(ctx: Context) -> list[dict[str, Any]]:
    """The signed last-verified position over the chain just written (so an incremental check after the
    upgrade starts from it)."""
    log = ctx.inserted["audit_log"]
    last = log[-1]
    mac = audit_verify._verified_mac(ctx.key, len(log), last["id"], last["hash"])
    at = T0 + timedelta(hours=1)
    return [{"id": 1, "records": len(log), "last_id": last["id"], "last_hash": last["hash"], "verified_at": at,
             "full_at": at, "mac": mac}]  # fmt: skip


def incident(n: int, **changes: Any) -> dict[str, Any]:
    at = T0 - timedelta(days=n)
    row = {
        "id": n, "source": "default", "source_id": f"HP-{n:05d}", "occurred_at": at, "occurred_on": at.date(),
        "reported_at": at + timedelta(hours=1), "unit_scheme": SCHEME, "unit_code": UNIT, "lat": 20.8616,
        "lon": 106.6745, "location_flag": "exact", "article": ARTICLE, "clause": 1, "reporting_group": GROUP,
        "severity": "less_serious", "severity_min": "less_serious", "severity_max": "serious",
        "status": "Đang điều tra", "cleared_on": None, "suspects": 1, "victims": 2, "drug_related": False,
        "organised_group": False, "damage_vnd": 1_500_000_000_000, "note": "Ghi chú có dấu: Hồng Bàng",
        "report_unit_code": UNIT, "report_approx": False, "content_hash": f"{n:032x}", "created_batch_id": 1,
        "updated_batch_id": 1,
    }  # fmt: skip
    row.update(changes)
    return row


#: the reference tables: filled by the reference sync when the code's models fit the schema of that
#: revision, else with the few rows the data below points at
REFERENCE = {
    "unit_schemes": Recipe(lambda _: [{"code": SCHEME, "name_vi": "Hai cấp", "name_en": "Two-tier",
                                       "valid_from": date(2025, 7, 1), "valid_to": None, "source": "test"}]),
    "units": Recipe(lambda _: [{"id": 1, "scheme": SCHEME, "code": UNIT, "name": "Phường Hồng Bàng",
                                "short_name": "Hồng Bàng", "kind": "ward", "level": "commune",
                                "parent_code": "31", "area_km2": 12.186, "geometry": None}]),
    "reporting_groups": Recipe(lambda _: [{"code": GROUP, "name_vi": "Trật tự xã hội", "name_en": "Social order",
                                           "sort_order": 1}]),
    "offences": Recipe(lambda _: [{"article": ARTICLE, "name_vi": "Tội trộm cắp tài sản", "chapter": "XVI",
                                   "section": None, "reporting_group": GROUP, "valid_from": date(2018, 1, 1),
                                   "valid_to": None}]),
    "unit_crosswalk": Recipe(lambda _: []),
    "offence_clauses": Recipe(lambda _: []),
}  # fmt: skip
REFERENCE_MODELS = (
    UnitScheme,
    UnitRow,
    CrosswalkRow,
    ReportingGroupRow,
    OffenceRow,
    OffenceClauseRow,
    IncidentRow,
)

RECIPES: dict[str, Recipe] = {
    "import_batches": Recipe(lambda _: [
        {"id": 1, "kind": "incidents", "source": "default", "file_name": "vụ việc.csv", "file_sha256": "a" * 64,
         "file_bytes": 12345, "imported_by": "cli:old", "started_at": T0, "finished_at": T0 + timedelta(seconds=3),
         "rows_total": 2, "rows_new": 2, "rows_updated": 0, "rows_unchanged": 0, "warnings": 1,
         "summary": {"new_persons": 2, "cảnh báo": ["dòng 3"]}},
        {"id": 2, "kind": "indicators", "source": "default", "file_name": "chỉ tiêu.xlsx", "file_sha256": "b" * 64,
         "file_bytes": 999, "imported_by": "cli:old", "started_at": T0, "finished_at": T0, "rows_total": 1,
         "rows_new": 1, "rows_updated": 0, "rows_unchanged": 0, "warnings": 0, "summary": {}},
    ]),
    "incidents": Recipe(lambda _: [
        incident(1), incident(2, status="Đã khởi tố", cleared_on=date(2025, 10, 20), lat=None, lon=None,
                              location_flag="missing", clause=None, severity=None, note=None, damage_vnd=None),
    ]),
    "persons": Recipe(lambda _: [{"id": 1, "pseudonym": "1" * 64, "first_batch_id": 1},
                                 {"id": 2, "pseudonym": "2" * 64, "first_batch_id": 1}]),
    "incident_persons": Recipe(lambda _: [{"incident_id": 1, "person_id": 1, "role": "suspect"},
                                          {"incident_id": 2, "person_id": 1, "role": "suspect"},
                                          {"incident_id": 2, "person_id": 2, "role": "victim"}]),
    "incident_changes": Recipe(lambda _: [{"id": 1, "incident_id": 2, "batch_id": 1, "changed_at": T0,
                                           "changes": {"status": ["Đang điều tra", "Đã khởi tố"]}}]),
    "indicator_values": Recipe(lambda _: [{"id": 1, "indicator": "eid_level2_accounts", "unit_scheme": SCHEME,
                                           "unit_code": UNIT, "period": "month:2025-10",
                                           "period_start": date(2025, 10, 1), "period_end": date(2025, 10, 31),
                                           "value": 1234.5, "unit_of_measure": "accounts", "source": "Bộ Công an",
                                           "synthetic": True, "batch_id": 2}]),
    "audit_log": Recipe(audit_rows),
    "audit_verified": Recipe(verified_rows, after=("audit_log",)),
    "audit_throttle": Recipe(lambda _: [{"client": "203.0.113.9", "action": "auth.callback_failed",
                                         "written_at": T0, "attempts": 3, "first_at": T0 - timedelta(minutes=2),
                                         "reasons": {"state_mismatch": 3}}]),
    "users": Recipe(lambda _: [
        {"id": 1, "issuer": "https://vneid.example", "subject": "sub-1", "personal_id_pseudonym": "c" * 64,
         "full_name": "Nguyễn Văn An", "status": "active", "legacy": False, "legacy_login": None,
         "created_at": T0, "last_sign_in_at": T0 + timedelta(days=1)},
        {"id": 2, "issuer": "legacy", "subject": "legacy:an.nv", "personal_id_pseudonym": "c" * 64,
         "full_name": "Nguyễn Văn An", "status": "active", "legacy": True, "legacy_login": "an.nv",
         "created_at": T0, "last_sign_in_at": None, "legacy_active": True, "linked_user_id": 1,
         "linked_at": T0 + timedelta(days=1)},
    ]),
    "grants": Recipe(lambda _: [
        {"id": 1, "user_id": 1, "role": "analyst", "unit_scheme": SCHEME, "unit_code": UNIT,
         "granted_by": "cli:root", "granted_at": T0},
        {"id": 2, "user_id": 1, "role": "leader", "unit_scheme": None, "unit_code": None,
         "granted_by": "cli:root", "granted_at": T0},
    ]),
    "sessions": Recipe(lambda _: [{"id": "d" * 64, "user_id": 1, "created_at": T0, "last_seen_at": T0,
                                   "ended_at": None, "end_reason": None, "client_address": "10.0.0.5",
                                   "csrf_secret": "e" * 64}]),
    "target_versions": Recipe(lambda _: [{"id": 1, "target_id": "crime_reduction_2026", "version": 1,
                                          "action": "set", "definition": {"max_ratio": 0.95, "văn bản": "KH 12"},
                                          "reason": "Kế hoạch của Thành ủy", "recorded_at": T0,
                                          "recorded_by": "cli:root"}]),
    "drug_decisions": Recipe(lambda _: [{"id": 1, "unit_scheme": SCHEME, "unit_code": UNIT, "year": 2025,
                                         "status": "drug_free", "decision_number": "123/QĐ-UBND",
                                         "decision_date": date(2025, 12, 1), "issued_by": "UBND thành phố",
                                         "valid_from": date(2025, 12, 1), "valid_to": None,
                                         "note": "Công nhận xã không ma túy", "batch_id": 2}]),
    "drug_surveys": Recipe(lambda _: [{"id": 1, "year": 2025, "unit_scheme": SCHEME, "unit_code": UNIT,
                                       "form_version": "ptmt-xa-2025", "answers": {"users_managed": 12, "ghi_chú": "đủ"},
                                       "status": "returned", "submitted_by": "user:3", "submitted_at": T0,
                                       "reviewed_by": "user:2", "reviewed_at": T0 + timedelta(days=1),
                                       "review_comment": "Bổ sung số liệu"}]),
    "survey_campaigns": Recipe(lambda _: [{"id": 1, "year": 2026, "name": "Khảo sát PCMT cấp xã 2026",
                                           "form_version": "ptmt-xa-2025", "deadline": date(2026, 6, 30),
                                           "scheme": SCHEME, "units": [UNIT], "created_by": "cli:root",
                                           "updated_at": T0}]),
    "survey_forms": Recipe(lambda _: [{"id": 1, "code": "ptmt-xa-2026", "title_vi": "Khảo sát PCMT 2026",
                                       "title_en": "Drug-control survey 2026",
                                       "definition": {"code": "ptmt-xa-2026", "sections": [], "tên": "đủ"},
                                       "file_sha256": "f" * 64, "created_by": "cli:root", "created_at": T0}]),
    "survey_attachments": Recipe(lambda _: [{"id": 1, "survey_id": 1, "question_id": "bien_ban",
                                             "file_name": "biên bản họp.pdf", "content_type": "application/pdf",
                                             "size": 9, "sha256": "a" * 64, "content": b"%PDF-\x00\xff\n1",
                                             "uploaded_by": "user:3", "uploaded_at": T0}]),
    "legacy_lock_schedule": Recipe(lambda _: [{"id": 1, "lock_at": T0 + timedelta(days=30),
                                              "scheduled_by": "cli:root", "scheduled_at": T0}]),
    "alerts": Recipe(lambda _: [{"id": 1, "kind": "rise", "scheme": SCHEME, "unit_code": UNIT,
                                 "subject": "social_order", "period_start": date(2025, 11, 3),
                                 "period_end": date(2025, 11, 9), "figures": {"observed": 11, "expected": 4.2},
                                 "explanation_vi": "11 vụ, dự kiến 4", "explanation_en": "11 cases, 4 expected",
                                 "sensitive": False, "status": "acknowledged", "created_at": T0, "updated_at": T0,
                                 "acknowledged_by": "user:1", "acknowledged_at": T0 + timedelta(hours=2),
                                 "action_taken": "Tăng cường tuần tra", "closed_at": None}]),
    "group_snapshots": Recipe(lambda _: [{"id": 1, "rules_key": "r" * 16, "step_end": date(2025, 11, 9),
                                          "group_id": "g1a2b3c4d", "members": ["p1_" + "0" * 32, "p1_" + "1" * 32],
                                          "batch_id": 1}]),
    "report_drafts": Recipe(lambda _: [{"id": 1, "period_key": "report-month:2025-11", "scheme": SCHEME,
                                        "unit_code": None, "status": "approved", "current_version": 2,
                                        "approved_version": 2, "created_by": "user:1", "created_at": T0,
                                        "reviewed_by": "user:2", "reviewed_at": T0 + timedelta(days=1),
                                        "review_note": "Đồng ý"}]),
    "report_draft_versions": Recipe(lambda _: [
        {"id": n, "draft_id": 1, "version": n, "texts": {"an_ninh_chinh_tri": f"Bản {n}: ổn định"},
         "options": {"number": "12"}, "saved_by": "user:1", "saved_at": T0 + timedelta(hours=n)}
        for n in (1, 2)
    ], after=("report_drafts",)),
}  # fmt: skip

#: tables that hold no rows of their own before an upgrade, and why
NO_RECIPE = {
    engine_level.VERSION_TABLE: "Alembic's own",
    "audit_boundary": "written by revision 0003 itself from the log it finds",
}


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = make_url(normalise_url(PG_URL))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_withdata"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fits_the_models(tables: dict[str, Table]) -> bool:
    """Whether the code's models of the reference tables (and of incidents, which the sync reads) name
    only columns that exist at this revision, so the sync can run on it."""
    for model in REFERENCE_MODELS:
        table = tables.get(model.__tablename__)
        if table is None or not {c.name for c in model.__table__.columns} <= set(table.columns.keys()):
            return False
    return True


def fitted(table: Table, rows: list[dict[str, Any]], revision: str) -> list[dict[str, Any]]:
    """The recipe's rows cut to the columns the table has at ``revision``; a column it must have a value
    for but the recipe does not give fails with what to add."""
    for column in table.columns:
        if (
            not column.nullable
            and column.server_default is None
            and rows
            and any(column.name not in row for row in rows)
        ):
            pytest.fail(
                f"{table.name}.{column.name} (revision {revision}) is NOT NULL without a default and the data "
                f"recipe RECIPES[{table.name!r}] in {Path(__file__).name} gives no value: add one."
            )
    return [{k: v for k, v in row.items() if k in table.columns} for row in rows]


def fill(connection: Connection, revision: str, key: bytes) -> dict[str, list[dict[str, Any]]]:
    """Representative rows in every table that exists at ``revision``; returns them as read back."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    tables = {t.name: t for t in metadata.sorted_tables}
    unknown = sorted(set(tables) - set(RECIPES) - set(REFERENCE) - set(NO_RECIPE))
    if unknown:
        pytest.fail(
            f"revision {revision} has tables without a data recipe: {', '.join(unknown)}. Add rows for each to "
            f"RECIPES in {Path(__file__).name} (or, for a table that never holds rows before an upgrade, a "
            "reason to NO_RECIPE), so every migration is tested on a database with data in it."
        )
    ctx = Context(tables, key)
    if fits_the_models(tables):
        session = Session(bind=connection)
        sync_reference_data(session, unit_catalog(), offence_table(), unit_geometries())
        session.flush()
        pending = [t for t in tables.values() if t.name in RECIPES]
    else:
        pending = [t for t in tables.values() if t.name in RECIPES or t.name in REFERENCE]
    recipes = {**REFERENCE, **RECIPES}
    done: set[str] = set()
    while pending:  # sorted_tables order, each after the tables its recipe reads
        table = next(t for t in pending if set(recipes[t.name].after) & set(tables) <= done)
        rows = fitted(table, recipes[table.name].rows(ctx), revision)
        if rows:
            connection.execute(table.insert(), rows)
        ctx.inserted[table.name] = rows
        done.add(table.name)
        pending.remove(table)
    engine_level.reset_sequences(connection, tables.values())  # ids were given: serials must follow
    return {name: read(connection, tables[name]) for name in tables if name not in NO_RECIPE}


def read(connection: Connection, table: Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    return [dict(r) for r in connection.execute(select(table).order_by(*order)).mappings()]


@pytest.mark.parametrize("revision", REVISIONS, ids=[f"from-{r}" for r in REVISIONS])
def test_upgrading_from_each_revision_keeps_every_row_and_the_audit_chain(empty_url, revision) -> None:
    settings = load_settings(database_url=empty_url, pseudonym_key=TEST_KEY)
    key = settings.derived_key(AUDIT_CHAIN_KEY)
    database = open_database(settings)
    try:
        migrate.upgrade(database, revision)
        with database.engine.begin() as connection:
            before = fill(connection, revision, key)
        assert all(before[name] for name in RECIPES if name in before), "every recipe wrote rows"

        result = upgrade(database, "cli:test")  # what `antt db upgrade` runs: migrations, then reference sync
        assert result.revision_after == migrate.head_revision()

        with database.engine.connect() as connection:
            metadata = MetaData()
            metadata.reflect(bind=connection)
            for name, rows in before.items():
                after = read(connection, metadata.tables[name])
                if name in REFERENCE:  # the sync may add reference rows, never take one away
                    keys = [tuple(c.name for c in metadata.tables[name].primary_key.columns)]
                    assert {tuple(r[k] for k in keys[0]) for r in rows} <= {
                        tuple(r[k] for k in keys[0]) for r in after
                    }, name
                    continue
                kept = [{k: v for k, v in r.items() if k in rows[0]} for r in after] if rows else after
                assert kept == rows, f"{name}: rows changed by the upgrade from {revision}"

        with database.transaction(write=False) as session:
            check = audit.verify_chain(session)  # the full walk, with the test key
            assert (check.ok, check.problem, check.records) == (True, None, 3)
            incremental = audit_verify.verify_chain(session, key)
            assert incremental.ok, incremental.problem
            # the code's own models read what the old revision wrote
            assert session.scalar(select(func.count()).select_from(IncidentRow)) == 2
            users = session.scalars(select(UserRow).order_by(UserRow.id)).all()
            assert [u.full_name for u in users] == [r["full_name"] for r in before.get("users", [])]
            assert session.scalar(select(func.count()).select_from(GrantRow)) == len(before.get("grants", []))
        with database.transaction() as session:  # the chain goes on past the old records, keyed
            new = audit.append(session, actor="cli:test", action="test.after_upgrade", outcome="success")
        assert new.id == 4
        with database.transaction(write=False) as session:
            check = audit.verify_chain(session)
            assert (check.ok, check.records, check.head_id) == (True, 4, 4)
            assert (
                session.scalar(select(AuditRecord.prev_hash).where(AuditRecord.id == 4))
                == before["audit_log"][-1]["hash"]
            )
    finally:
        database.dispose()


def test_a_table_without_a_recipe_is_named(tmp_path) -> None:
    """The failure a new migration's table gets, so the next engineer knows what to add."""
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE shiny_new (id INTEGER PRIMARY KEY)"))
            with pytest.raises(pytest.fail.Exception, match="without a data recipe: shiny_new"):
                fill(connection, "9999", b"k" * 32)
    finally:
        engine.dispose()
