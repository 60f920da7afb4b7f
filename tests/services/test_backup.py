"""Backup, restore, verify and copy on the real test database (SQLite, or PostgreSQL in the second run)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from antt.errors import InvalidInput
from antt.services.backup import backup_database, verify_database
from antt.services.backup_archive import read_manifest
from antt.services.database import open_database
from antt.services.imports import import_incidents
from antt.services.restore import copy_database, restore_database
from antt.settings import load_settings
from antt.storage import audit
from antt.storage import drug_survey as surveys
from antt.storage.migrate import head_revision
from antt.storage.tables import AuditRecord, Base, SurveyAttachmentRow
from tests.conftest import PG_URL, TEST_KEY
from tests.incident_files import incident, snapshot, write_csv

NOW = datetime(2026, 4, 20, tzinfo=timezone.utc)
OPERATOR = "cli:test"


#: a file kept in the database (a survey's attachment): every byte value, so an encoding slip shows
ATTACHMENT = b"%PDF-" + bytes(range(256)) * 3


@pytest.fixture
def filled(database, settings, actor, tmp_path):
    rows = [incident(n, person_ids=f"0310950{n:05d}") for n in range(1, 41)]
    import_incidents(database, settings, actor, write_csv(tmp_path / "in.csv", rows), now=NOW)
    at = NOW.replace(tzinfo=None)
    with database.transaction() as session:
        survey = surveys.save(
            session, 2026, ("2025-07", "11383"), "ptmt-xa-2025", {"notes": "đủ"}, "submitted", "t", at
        )
        surveys.save_attachment(
            session,
            SurveyAttachmentRow(
                survey_id=survey.id,
                question_id="bien_ban",
                file_name="biên bản.pdf",
                content_type="application/pdf",
                size=len(ATTACHMENT),
                sha256="0" * 64,
                content=ATTACHMENT,
                uploaded_by="t",
                uploaded_at=at,
            ),
        )
    return database


@pytest.fixture
def empty_url(tmp_path) -> str:
    """An empty target: a new SQLite file, or a new PostgreSQL database beside the test one."""
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'restored.db'}"
    url = make_url(PG_URL)
    name = f"{url.database}_restore"
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "backup.key"
    path.write_text("k" * 20 + "-a-secret-for-tests-only-0123456789\n")
    return path


def opened(url: str):
    return open_database(load_settings(database_url=url, pseudonym_key=TEST_KEY))


def restored_snapshot(url: str) -> dict:
    db = opened(url)
    try:
        return snapshot(db)
    finally:
        db.dispose()


TYPED = (
    "incidents",
    "persons",
    "incident_persons",
    "import_batches",
    "indicator_values",
    "users",
    "grants",
    "drug_surveys",
    "survey_attachments",
)


def typed_rows(database) -> dict[str, list[tuple]]:
    """Every row of the data tables as typed values (comparable across engines, unlike raw text)."""
    with database.engine.connect() as conn:
        return {
            name: [
                tuple(r)
                for r in conn.execute(
                    select(Base.metadata.tables[name]).order_by(
                        *Base.metadata.tables[name].primary_key.columns
                    )
                )
            ]
            for name in TYPED
        }


def keys_and_indexes(database) -> set[tuple[str, ...]]:
    """Every constraint and index of a PostgreSQL database by name and definition."""
    with database.engine.connect() as conn:
        constraints = conn.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = current_schema()::regnamespace"
            )
        )
        indexes = conn.execute(
            text("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        )
        return {tuple(r) for r in constraints} | {tuple(r) for r in indexes}


def typed_rows_at(url: str) -> dict[str, list[tuple]]:
    db = opened(url)
    try:
        return typed_rows(db)
    finally:
        db.dispose()


def test_a_backup_restores_into_an_empty_database_row_for_row(filled, settings, tmp_path, empty_url) -> None:
    before = snapshot(filled)
    result = backup_database(filled, tmp_path / "b.anttbak", operator=OPERATOR)
    restored = restore_database(settings, result.path, operator=OPERATOR, target_url=empty_url)
    after = restored_snapshot(empty_url)
    assert {t: v for t, v in after.items() if t != "audit_log"} == {
        t: v for t, v in before.items() if t != "audit_log"
    }
    # the backup holds the log as it was; the restore then appends its own record to the chain
    assert after["audit_log"][0] == before["audit_log"][0] + 1
    assert restored.manifest["tables"]["incidents"] == 40
    db = opened(empty_url)
    try:
        with db.transaction(write=False) as s:
            assert audit.verify_chain(s).ok
            assert (
                s.scalars(select(AuditRecord.action).order_by(AuditRecord.id.desc())).first() == "db.restore"
            )
    finally:
        db.dispose()


def test_the_manifest_describes_the_database_backed_up(filled, tmp_path) -> None:
    with filled.transaction(write=False) as s:
        head = audit.head(s)
        incidents = s.scalar(text("SELECT COUNT(*) FROM incidents"))
        persons = s.scalar(text("SELECT COUNT(*) FROM persons"))
    result = backup_database(filled, tmp_path, operator=OPERATOR)
    manifest = read_manifest(result.path, None)
    assert result.path.parent == tmp_path and result.path.name.endswith(".anttbak")
    assert manifest["schema_revision"] == head_revision()
    assert manifest["tables"]["incidents"] == incidents == 40 and manifest["tables"]["persons"] == persons
    assert head is not None and (manifest["audit_head"]["id"], manifest["audit_head"]["hash"]) == head
    assert manifest["antt_version"] and manifest["created_at"].startswith(
        str(datetime.now(timezone.utc).year)
    )
    (member,) = manifest["members"].values()
    assert len(member["sha256"]) == 64


def test_every_backup_is_audited_with_its_checksum(filled, tmp_path) -> None:
    result = backup_database(filled, tmp_path / "a.anttbak", operator=OPERATOR)
    with filled.transaction(write=False) as s:
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "db.backup")).one()
    details = rec.details if isinstance(rec.details, dict) else json.loads(rec.details)
    assert rec.actor == OPERATOR and rec.outcome == "success"
    assert details["sha256"] == result.sha256 and details["tables"]["incidents"] == 40


def test_an_encrypted_backup_needs_its_key(filled, settings, tmp_path, key_file, empty_url) -> None:
    result = backup_database(filled, tmp_path / "e.anttbak", operator=OPERATOR, key_file=key_file)
    assert result.encrypted
    assert b"HP-00001" not in result.path.read_bytes()  # nothing readable without the key
    wrong = tmp_path / "wrong.key"
    wrong.write_text("w" * 40)
    for key, words in ((None, "encrypt-key-file"), (wrong, "Wrong decryption key")):
        with pytest.raises(InvalidInput, match=words):
            restore_database(settings, result.path, operator=OPERATOR, target_url=empty_url, key_file=key)
    restore_database(settings, result.path, operator=OPERATOR, target_url=empty_url, key_file=key_file)
    assert typed_rows_at(empty_url) == typed_rows(filled)


def test_a_logical_backup_restores_on_sqlite_whatever_the_source_engine(filled, settings, tmp_path) -> None:
    result = backup_database(filled, tmp_path / "l.anttbak", operator=OPERATOR, logical=True)
    assert result.manifest["kind"] == "logical"
    target = f"sqlite:///{tmp_path / 'logical.db'}"
    restore_database(settings, result.path, operator=OPERATOR, target_url=target)
    assert typed_rows_at(target) == typed_rows(filled)


def corrupt(path: Path, how: str) -> Path:
    data = bytearray(path.read_bytes())
    if how == "flipped":
        data[len(data) // 2] ^= 0x01
    elif how == "truncated":
        data = data[: len(data) - 100]
    else:
        data = bytearray(b"PK\x03\x04 not a backup at all" * 10)
    out = path.with_name(f"{how}.anttbak")
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(
    ("how", "words"),
    [
        ("flipped", "damaged or truncated"),
        ("truncated", "damaged or truncated"),
        ("other", "not an ANTT backup"),
    ],
)
def test_a_bad_backup_file_is_refused_and_nothing_is_written(
    filled, settings, tmp_path, how, words, key_file
) -> None:
    for key in (None, key_file):
        good = backup_database(filled, tmp_path / f"g{key is None}.anttbak", operator=OPERATOR, key_file=key)
        target = tmp_path / "never.db"
        with pytest.raises(InvalidInput, match=words) as refused:
            restore_database(
                settings,
                corrupt(good.path, how),
                operator=OPERATOR,
                target_url=f"sqlite:///{target}",
                key_file=key,
            )
        assert refused.value.exit_code == 2 and refused.value.message_vi != refused.value.message_en
        assert not target.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_non_empty_target_is_refused_unless_forced(filled, settings, actor, tmp_path) -> None:
    result = backup_database(filled, tmp_path / "b.anttbak", operator=OPERATOR)
    import_incidents(filled, settings, actor, write_csv(tmp_path / "more.csv", [incident(99)]), now=NOW)
    before = snapshot(filled)
    with pytest.raises(InvalidInput, match="not empty"):
        restore_database(settings, result.path, operator=OPERATOR)
    assert snapshot(filled) == before


@pytest.mark.sqlite_only
def test_force_replaces_a_sqlite_database_with_the_backup(filled, settings, actor, tmp_path) -> None:
    result = backup_database(filled, tmp_path / "b.anttbak", operator=OPERATOR)
    backed_up = snapshot(filled)["incidents"]
    import_incidents(filled, settings, actor, write_csv(tmp_path / "more.csv", [incident(99)]), now=NOW)
    filled.dispose()
    restore_database(settings, result.path, operator=OPERATOR, force=True)
    assert snapshot(filled)["incidents"] == backed_up


@pytest.mark.sqlite_only
def test_a_backup_of_a_newer_schema_is_refused(filled, settings, tmp_path) -> None:
    with filled.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    result = backup_database(filled, tmp_path / "new.anttbak", operator=OPERATOR)
    target = tmp_path / "never.db"
    with pytest.raises(InvalidInput, match="newer than this ANTT"):
        restore_database(settings, result.path, operator=OPERATOR, target_url=f"sqlite:///{target}")
    assert not target.exists()


def test_keep_rotates_the_folder_and_leaves_other_files(filled, tmp_path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.anttbak").write_text("not ours")  # a name like ours, not a backup: never deleted
    made = [backup_database(filled, folder, operator=OPERATOR, keep=2) for _ in range(3)]
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([made[1].path.name, made[2].path.name, "notes.anttbak"])
    assert made[2].removed == [made[0].path]


def test_verify_finds_a_sound_database_then_lost_rows_and_an_edited_audit_record(filled, tmp_path) -> None:
    assert verify_database(filled, OPERATOR).ok
    backup_database(filled, tmp_path / "b.anttbak", operator=OPERATOR)
    with filled.transaction() as s:
        s.execute(text("DELETE FROM incident_persons"))
        s.execute(text("DELETE FROM incidents WHERE source_id = 'HP-00007'"))
    report = verify_database(filled, OPERATOR)
    assert not report.ok and report.shrunk == {"incidents": (40, 39)} and report.chain_problem is None
    with filled.transaction() as s:
        s.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 1"))
    report = verify_database(filled, OPERATOR)
    assert report.chain_problem == "record_edited" and report.chain_bad_id == 1


def test_copy_moves_every_row_with_a_verifiable_audit_chain_and_sequences_set(
    filled, tmp_path, empty_url
) -> None:
    before = typed_rows(filled)
    other = f"sqlite:///{tmp_path / 'copy.db'}"
    copy_database(filled, other, operator=OPERATOR)  # to SQLite (from PostgreSQL in the second run)
    source = opened(other)
    try:
        copy_database(source, empty_url, operator=OPERATOR)  # and on (back to PostgreSQL in the second run)
    finally:
        source.dispose()
    target = opened(empty_url)
    try:
        after = typed_rows(target)
        if PG_URL:  # the keys and indexes set aside during the load are all back, as the migrations made them
            assert keys_and_indexes(target) == keys_and_indexes(filled)
        with target.transaction() as s:
            appended = audit.append(s, actor="t", action="test.after_copy", outcome="success")
            biggest = s.scalar(text("SELECT MAX(id) FROM audit_log WHERE id <> :id"), {"id": appended.id})
        with target.transaction(write=False) as s:
            assert audit.verify_chain(s).ok
        with target.transaction() as s:  # a new incident-side row gets a fresh id too (sequences set)
            s.execute(
                text(
                    "INSERT INTO import_batches (kind, source, file_name, file_sha256, file_bytes, "
                    "imported_by, started_at, finished_at, rows_total, rows_new, rows_updated, "
                    "rows_unchanged, warnings, summary) VALUES ('x','x','x','x',0,'x',:t,:t,0,0,0,0,0,'{}')"
                ),
                {"t": datetime(2026, 1, 1)},
            )
    finally:
        target.dispose()
    assert appended.id == biggest + 1
    assert after == before and len(after["incidents"]) == 40


@pytest.mark.parametrize("logical", [False, True])
def test_a_backup_taken_while_others_write_is_one_consistent_view(
    filled, settings, tmp_path, empty_url, logical
) -> None:
    import threading

    stop = threading.Event()
    written = []

    def writer() -> None:
        db = opened(filled.settings.database_url)
        try:
            while not stop.is_set():
                with db.transaction() as s:
                    written.append(audit.append(s, actor="busy", action="test.write", outcome="success").id)
        finally:
            db.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        result = backup_database(filled, tmp_path / "busy.anttbak", operator=OPERATOR, logical=logical)
    finally:
        stop.set()
        thread.join()
    # counts and chain head of the manifest are those of the data inside: the restore checks exactly that
    restore_database(settings, result.path, operator=OPERATOR, target_url=empty_url)
    assert 0 < result.manifest["audit_head"]["id"] < written[-1] + 1
