"""``/audit`` as the auditor sees it: the chain's state in one line, one audit record per view."""

from __future__ import annotations

from sqlalchemy import update

from antt.storage.tables import AuditRecord
from antt.web.app import create_app
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as


def test_a_view_shows_the_chain_intact_and_writes_one_record(database) -> None:
    client = client_as(create_app(database.settings), database, "auditor")
    before = len(audit_records(database))
    client.cookies.set("antt_lang", "en")
    page = client.get("/audit")
    assert page.status_code == 200
    assert "is intact" in page.text and "No checkpoint yet" in page.text
    again = client.get("/audit")
    assert again.status_code == 200
    assert [r.action for r in audit_records(database)][before:] == ["audit.read", "audit.read"]
    assert audit_records(database, "audit.read")[-1].details["chain"]["walked"] == 1


def test_a_broken_chain_is_shown_with_what_is_wrong(database) -> None:
    client = client_as(create_app(database.settings), database, "auditor")
    client.get("/audit")
    first = audit_records(database)[-1].id
    client.get("/audit")  # one more record after the edited one, then edit the newest checked one
    with database.transaction() as session:
        session.execute(update(AuditRecord).where(AuditRecord.id > first).values(client="elsewhere"))
    client.cookies.set("antt_lang", "en")
    page = client.get("/audit")
    assert page.status_code == 200
    assert f"broken at record {first + 1}" in page.text and f"record {first + 1} was edited" in page.text
