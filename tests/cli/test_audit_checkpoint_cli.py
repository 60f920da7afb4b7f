"""``antt audit checkpoint`` and ``antt audit verify [--full] [--checkpoint FILE]`` as an operator runs them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, update

from antt.settings import AUDIT_CHECKPOINT_KEY
from antt.storage.tables import AuditRecord, AuditVerified
from tests.cli.test_cli import antt
from tests.cli.test_users_audit_cli import new_user
from tests.user_fixtures import audit_records

pytestmark = pytest.mark.slow  # each test runs the antt command several times in subprocesses


def test_a_checkpoint_is_printed_signed_and_appended_to_the_file(
    cli_env, database, settings, tmp_path
) -> None:
    new_user(database, settings, "officer")
    antt(cli_env, "users", "grant", "officer", "leader", "--city")
    path = tmp_path / "anchor" / "checkpoints.jsonl"
    env = {**cli_env, "ANTT_AUDIT_CHECKPOINT_FILE": str(path)}
    first = json.loads(antt(env, "audit", "checkpoint").stdout)
    second = json.loads(antt(env, "audit", "checkpoint").stdout)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == [first, second]
    assert (first["records"], second["records"]) == (2, 3)  # the first checkpoint's own record, then
    assert second["head_id"] == audit_records(database, "audit.checkpoint")[0].id
    assert len(first["mac"]) == 64 and settings.derived_key(AUDIT_CHECKPOINT_KEY)

    out = antt(env, "audit", "verify").stdout  # the configured file is used by default
    assert "audit log intact" in out and "matches the checkpoint" in out


def test_verify_names_records_cut_from_the_end_after_a_checkpoint(
    cli_env, database, settings, tmp_path
) -> None:
    new_user(database, settings, "officer")
    for role in ("leader", "analyst", "auditor"):
        antt(cli_env, "users", "grant", "officer", role, "--city")
    path = tmp_path / "checkpoints.jsonl"
    antt(cli_env, "audit", "checkpoint", "--file", str(path))
    head = json.loads(path.read_text())["head_id"]
    with database.transaction() as session:
        session.execute(delete(AuditRecord).where(AuditRecord.id >= head - 1))
        session.execute(delete(AuditVerified))
    assert antt(cli_env, "audit", "verify").returncode == 0  # the chain alone cannot tell
    proc = antt(cli_env, "audit", "verify", "--full", "--checkpoint", str(path), check=False)
    assert proc.returncode == 9
    assert (
        proc.stderr.count("\n") == 1 and "deleted from the end" in proc.stderr and f"({head})" in proc.stderr
    )


def test_verify_full_finds_an_edit_the_incremental_check_has_passed(cli_env, database, settings) -> None:
    new_user(database, settings, "officer")
    antt(cli_env, "users", "grant", "officer", "leader", "--city")
    antt(cli_env, "audit", "verify")
    first = audit_records(database)[0].id
    with database.transaction() as session:
        session.execute(update(AuditRecord).where(AuditRecord.id == first).values(actor="someone-else"))
    assert "1 new checked" in antt(cli_env, "audit", "verify").stdout
    proc = antt(cli_env, "audit", "verify", "--full", check=False)
    assert proc.returncode == 9 and f"record {first} was edited" in proc.stderr


def test_verify_with_a_missing_checkpoint_file_is_an_input_error(cli_env, tmp_path) -> None:
    proc = antt(cli_env, "audit", "verify", "--checkpoint", str(tmp_path / "none.jsonl"), check=False)
    assert proc.returncode != 0 and proc.returncode != 9 and "none.jsonl" in proc.stderr
