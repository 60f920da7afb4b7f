"""Failures anyone can cause without signing in are recorded at most once a minute per client, counted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient

from antt.errors import SignInFailed
from antt.services.audit_log import checkpoint_audit, verify_audit
from antt.services.users import record_sign_in_failure
from antt.web.app import create_app
from tests.services.test_audit_chain import AUDITOR
from tests.user_fixtures import T0, audit_records


def fail(database, reason: str, client: str, at) -> None:
    record_sign_in_failure(database, SignInFailed(reason, "vi", "en"), client, at)


def test_a_burst_from_one_client_is_one_record_then_one_counting_the_rest(database) -> None:
    for second in range(40):
        fail(
            database, "bad_state" if second % 4 else "expired", "203.0.113.9", T0 + timedelta(seconds=second)
        )
    [first] = audit_records(database, "auth.sign_in")
    assert (first.client, first.details) == ("203.0.113.9", {"reason": "expired", "attempts": 1})

    fail(database, "bad_state", "203.0.113.9", T0 + timedelta(seconds=61))
    first, second = audit_records(database, "auth.sign_in")
    assert second.details["attempts"] == 40  # the 39 held back and this one
    assert second.details["reasons"] == {"bad_state": 31, "expired": 9}
    assert second.details["since"] == "2026-11-28T01:00:01Z"
    assert verify_audit(database, AUDITOR, full=True, audited=False).ok


def test_each_client_has_its_own_minute(database) -> None:
    for n in range(5):
        fail(database, "bad_state", f"198.51.100.{n}", T0)
        fail(database, "bad_state", f"198.51.100.{n}", T0 + timedelta(seconds=1))
    assert sorted(r.client for r in audit_records(database, "auth.sign_in")) == [
        f"198.51.100.{n}" for n in range(5)
    ]


def test_the_count_of_a_client_gone_quiet_is_written_by_the_next_failure_or_checkpoint(
    database, tmp_path
) -> None:
    for second in range(3):
        fail(database, "bad_state", "192.0.2.1", T0 + timedelta(seconds=second))
    fail(database, "bad_state", "192.0.2.2", T0 + timedelta(minutes=2))
    counted = [r for r in audit_records(database, "auth.sign_in") if r.client == "192.0.2.1"]
    assert [r.details["attempts"] for r in counted] == [1, 2]

    for second in range(4):
        fail(database, "bad_state", "192.0.2.3", T0 + timedelta(minutes=5, seconds=second))
    checkpoint_audit(database, AUDITOR, tmp_path / "c.jsonl", now=T0 + timedelta(minutes=7))
    counted = [r for r in audit_records(database, "auth.sign_in") if r.client == "192.0.2.3"]
    assert [r.details["attempts"] for r in counted] == [1, 3]


def test_concurrent_failed_callbacks_from_one_client_make_one_record(database) -> None:
    client = TestClient(create_app(database.settings), base_url="https://testserver")

    def callback(_n: int) -> int:
        return client.get("/auth/callback?code=x&state=y").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(callback, range(80)))

    assert set(statuses) == {401}
    [record] = audit_records(database, "auth.sign_in")
    assert (record.actor, record.details["reason"], record.details["attempts"]) == (
        "anonymous",
        "bad_state",
        1,
    )
    assert verify_audit(database, AUDITOR, full=True, audited=False).ok
