"""The audit chain holds under concurrency, is keyed, anchored by signed checkpoints, and checked
incrementally: the attacks of issue 17 (forks, tail deletion, deleting records and rehashing) are found."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select, update

from antt.domain.access import Actor, Grant, Role
from antt.services.audit_log import checkpoint_audit, record_denied, verify_audit, view_audit
from antt.settings import AUDIT_CHAIN_KEY
from antt.storage import audit
from antt.storage.tables import AuditRecord, AuditVerified
from tests.user_fixtures import audit_records

AUDITOR = Actor.for_user("user:1", [Grant.city(Role.AUDITOR)], user_id=1)
T = datetime(2026, 3, 5, 1, 0, tzinfo=timezone.utc)


def append_many(database, n: int, start: datetime = T) -> None:
    for i in range(n):
        with database.transaction() as session:
            audit.append(
                session,
                actor=f"user:{i}",
                action="user.grant",
                outcome="success",
                at=start + timedelta(seconds=i),
                details={"n": i},
            )


def rehash_from(database, first_id: int, digest) -> None:
    """What someone with database access does after deleting records: recompute every later hash."""
    with database.transaction() as session:
        rows = session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
        prev = audit.GENESIS
        for row in rows:
            if row.id >= first_id:
                data = audit.payload(
                    prev, row.at, row.actor, row.action, row.target, row.client, row.outcome, row.details
                )
                row.prev_hash, row.hash = prev, digest(data)
                session.flush()
            prev = row.hash


def forks(database) -> int:
    with database.transaction(write=False) as session:
        total = session.scalar(select(func.count()).select_from(AuditRecord))
        links = session.scalar(select(func.count(func.distinct(AuditRecord.prev_hash))))
    return int(total or 0) - int(links or 0)


# --- concurrency ---------------------------------------------------------------------------------------


def test_concurrent_appends_through_the_service_never_fork_the_chain(database) -> None:
    actors = [Actor.for_user(f"user:{n}", [], user_id=n) for n in range(12)]

    def worker(n: int) -> None:
        for i in range(25):
            record_denied(database, actors[n], "view_persons", f"GET /persons/{i}", f"10.0.0.{n}")

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(worker, range(12)))

    assert len(audit_records(database, "access.denied")) == 300
    assert forks(database) == 0
    report = verify_audit(database, AUDITOR, full=True, audited=False)
    assert report.ok and report.records == 300


# --- keyed chain ---------------------------------------------------------------------------------------


def test_each_record_is_an_hmac_under_the_audit_chain_key_not_a_plain_digest(database) -> None:
    append_many(database, 1)
    [record] = audit_records(database)
    data = audit.payload(
        record.prev_hash,
        record.at,
        record.actor,
        record.action,
        record.target,
        record.client,
        record.outcome,
        record.details,
    )
    assert record.hash == audit.keyed_digest(database.settings.derived_key(AUDIT_CHAIN_KEY), data)
    assert record.hash != hashlib.sha256(data).hexdigest()
    assert record.hash != audit.keyed_digest(database.settings.key_bytes(), data)  # not the pseudonym key


@pytest.mark.parametrize("digest", ["sha256", "wrong_key"])
def test_deleting_a_grant_record_and_recomputing_every_hash_is_found(database, digest) -> None:
    append_many(database, 6)
    with database.transaction() as session:
        session.execute(delete(AuditRecord).where(AuditRecord.id == 3))
    forger = (
        (lambda d: hashlib.sha256(d).hexdigest())
        if digest == "sha256"
        else (lambda d: audit.keyed_digest(b"a guess at the key, 32 bytes long", d))
    )
    rehash_from(database, 4, forger)

    report = verify_audit(database, AUDITOR, full=True, audited=False)
    assert (report.ok, report.first_bad_id, report.problem) == (False, 4, "record_edited")


# --- anchoring: signed checkpoints and the signed verified position ------------------------------------


def test_deleting_the_last_records_is_found_against_the_last_checkpoint(database, tmp_path) -> None:
    append_many(database, 5)
    path = tmp_path / "checkpoints.jsonl"
    checkpoint, _ = checkpoint_audit(database, AUDITOR, path)
    assert checkpoint is not None and checkpoint.records == 5  # the audit.checkpoint record comes after it
    head_id = checkpoint.head_id
    with database.transaction() as session:  # cut the tail, and the verified position with it
        session.execute(delete(AuditRecord).where(AuditRecord.id >= head_id - 1))
        session.execute(delete(AuditVerified))

    report = verify_audit(database, AUDITOR, full=True, checkpoint_file=path, audited=False)
    assert (report.ok, report.problem, report.first_bad_id) == (False, "checkpoint_head_missing", head_id)
    assert "deleted from the end" in report.explanation()[1]


def test_a_log_rewritten_after_the_checkpoint_is_found(database, tmp_path) -> None:
    append_many(database, 5)
    path = tmp_path / "checkpoints.jsonl"
    checkpoint_audit(database, AUDITOR, path)
    with database.transaction() as session:
        session.execute(delete(AuditRecord).where(AuditRecord.id == 2))
        session.execute(delete(AuditVerified))
    key = database.settings.derived_key(AUDIT_CHAIN_KEY)  # even an insider holding the chain key
    rehash_from(database, 3, lambda d: audit.keyed_digest(key, d))

    report = verify_audit(database, AUDITOR, checkpoint_file=path, audited=False)
    assert (report.ok, report.problem) == (False, "checkpoint_head_changed")


def test_a_forged_checkpoint_line_is_refused(database, tmp_path) -> None:
    append_many(database, 3)
    path = tmp_path / "checkpoints.jsonl"
    checkpoint_audit(database, AUDITOR, path)
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(path.read_text() + json.dumps({**line, "records": 2}) + "\n")
    report = verify_audit(database, AUDITOR, checkpoint_file=path, audited=False)
    assert (report.ok, report.problem) == (False, "checkpoint_forged")


def test_a_checkpoint_is_refused_for_a_broken_chain(database, tmp_path) -> None:
    append_many(database, 3)
    with database.transaction() as session:
        session.execute(update(AuditRecord).where(AuditRecord.id == 2).values(actor="x"))
    checkpoint, report = checkpoint_audit(database, AUDITOR, tmp_path / "c.jsonl")
    assert checkpoint is None and (report.problem, report.first_bad_id) == ("record_edited", 2)
    assert not (tmp_path / "c.jsonl").exists()


def test_deleting_the_tail_is_found_against_the_verified_position_even_without_a_checkpoint(database) -> None:
    append_many(database, 5)
    assert verify_audit(database, AUDITOR, audited=False).ok
    with database.transaction() as session:
        session.execute(delete(AuditRecord).where(AuditRecord.id >= 4))
    report = verify_audit(database, AUDITOR, audited=False)
    assert (report.ok, report.problem, report.first_bad_id) == (False, "verified_record_changed", 5)


def test_a_forged_verified_position_is_found(database) -> None:
    append_many(database, 5)
    assert verify_audit(database, AUDITOR, audited=False).ok
    with database.transaction() as session:
        session.execute(update(AuditVerified).values(records=4))
    report = verify_audit(database, AUDITOR, audited=False)
    assert (report.ok, report.problem) == (False, "verified_state_forged")


# --- incremental verification and the auditor's page ---------------------------------------------------


def test_verification_walks_only_the_records_since_the_last_check(database) -> None:
    append_many(database, 20)
    first = verify_audit(database, AUDITOR, audited=False)
    assert (first.ok, first.walked, first.full) == (True, 20, True)  # never verified: from the start
    append_many(database, 3, T + timedelta(hours=1))
    second = verify_audit(database, AUDITOR, audited=False)
    assert (second.ok, second.walked, second.records, second.full) == (True, 3, 23, False)
    full = verify_audit(database, AUDITOR, full=True, audited=False)
    assert (full.ok, full.walked, full.records) == (True, 23, 23)


def test_an_edit_behind_the_verified_position_is_left_to_the_full_check(database) -> None:
    append_many(database, 5)
    assert verify_audit(database, AUDITOR, audited=False).ok
    with database.transaction() as session:
        session.execute(update(AuditRecord).where(AuditRecord.id == 2).values(outcome="failure"))
    assert verify_audit(database, AUDITOR, audited=False).ok  # incremental: what is new only
    report = verify_audit(database, AUDITOR, full=True, audited=False)
    assert (report.ok, report.first_bad_id) == (False, 2)


def test_a_page_view_writes_one_record_and_checks_only_what_is_new(database) -> None:
    append_many(database, 10)
    day = T.date()
    first = view_audit(database, AUDITOR, day, day + timedelta(days=1))
    assert first.chain.ok and len(first.entries) == 10
    second = view_audit(database, AUDITOR, day, date.today())
    assert second.chain.ok and second.chain.walked == 1  # only the first view's audit.read record
    assert [r.action for r in audit_records(database)][10:] == ["audit.read", "audit.read"]
    assert audit_records(database, "audit.read")[-1].details["chain"]["ok"] is True
