"""Reminders of the drug-control survey (issue 15 §3) through a real SMTP server started by the test:
past the deadline each recipient hears of its overdue communes only, with the link to each form; before
it, nobody hears anything; only the system sends them; every run is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.errors import PermissionDenied
from antt.services.drug_survey import submit_survey
from antt.services.survey_reminders import remind_overdue
from tests.services.test_alert_mail import body, mailing, smtp  # noqa: F401  (fixture)
from tests.services.test_drug_survey import GOOD
from tests.user_fixtures import audit_records

SYSTEM = Actor.system("cli")
HONG_BANG, LE_CHAN = "11311", "11383"


def test_past_the_deadline_each_recipient_hears_of_its_overdue_communes(database, settings, smtp) -> None:  # noqa: F811
    inbox, port = smtp
    officer = Actor.for_user("cax", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", HONG_BANG))])
    submit_survey(database, officer, HONG_BANG, GOOD, now=datetime(2026, 5, 2, tzinfo=UTC))
    db = mailing(settings, port, "lanhdao@conganhp.test; lechan@conganhp.test=11383; hb@conganhp.test=11311")
    try:
        early = remind_overdue(db, SYSTEM, year=2026, now=datetime(2026, 6, 1, tzinfo=UTC))
        assert early is not None and (early.overdue, early.recipients) == (0, 0) and inbox.received == []
        result = remind_overdue(db, SYSTEM, year=2026, now=datetime(2026, 7, 15, tzinfo=UTC))
        with pytest.raises(PermissionDenied):
            remind_overdue(db, officer, year=2026)
    finally:
        db.dispose()
    assert result is not None and (result.year, result.overdue, result.recipients, result.sent) == (
        2026,
        113,
        2,
        2,
    )  # Hồng Bàng's own recipient: nothing overdue, no message
    assert {r for rcpts, _ in inbox.received for r in rcpts} == {
        "lanhdao@conganhp.test",
        "lechan@conganhp.test",
    }
    city = body(inbox.to("lanhdao@conganhp.test")[0])
    assert "Đã quá hạn 30/06/2026 nhưng 113 xã, phường chưa nộp" in city
    assert "- Phường Lê Chân: https://antt.conganhp.test/drugs/survey/11383?year=2026" in city
    assert "Phường Hồng Bàng" not in city  # sent in
    (mine,) = inbox.to("lechan@conganhp.test")
    assert "1 xã, phường chưa nộp" in body(mine) and mine["Subject"].startswith("[ANTT] Nhắc nộp khảo sát")
    assert [(r.outcome, r.details["sent"]) for r in audit_records(database, "survey.remind")] == [
        ("ok", 0),
        ("ok", 2),
    ]


def test_without_mail_settings_nothing_is_sent(database) -> None:
    assert remind_overdue(database, SYSTEM, year=2026, now=datetime(2026, 7, 15, tzinfo=UTC)) is None
