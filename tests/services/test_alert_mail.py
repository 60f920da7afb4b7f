"""E-mail of new early-warning alerts (issue 13 §4) through a real SMTP server started by the test
(aiosmtpd on 127.0.0.1): each recipient gets its communes' new rise alerts explained in words and the link
to the Alerts page; protected groups only counted; co-offending alerts never mailed; a refused or
unreachable server is audited as failed and never raised; the scan command and the import mail once."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from antt.domain.access import Actor
from antt.services.alert_mail import mail_new_alerts, recipients
from antt.services.alerts import store_alerts
from antt.services.database import open_database
from antt.settings import Settings
from antt.storage.engine import Database
from tests.cli.test_cli import antt
from tests.incident_files import write_csv
from tests.services.test_alerts import HONG_BANG, LE_CHAN, _history, candidate
from tests.user_fixtures import audit_records

SYSTEM = Actor.system("test")


class Inbox:
    """The messages the local server accepted, as parsed messages with their envelope recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.received if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def mailing(settings: Settings, port: int, to: str) -> Database:
    return open_database(
        settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_security": "none",
                "alert_mail_from": "antt@conganhp.test",
                "alert_mail_to": to,
                "public_url": "https://antt.conganhp.test/",
            }
        )
    )


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_each_recipient_gets_its_communes_new_alerts_and_protected_ones_only_counted(
    database, settings, smtp
) -> None:
    inbox, port = smtp
    drugs = candidate(LE_CHAN, subject="drugs", observed=3, sensitive=True)
    group = candidate(LE_CHAN, subject="g7/new_member", kind="group_growth")
    ids, _ = store_alerts(
        database, SYSTEM, [candidate(LE_CHAN), candidate(HONG_BANG, observed=9), drugs, group]
    )
    db = mailing(settings, port, "lanhdao@conganhp.test; lechan@conganhp.test = 11383")
    try:
        result = mail_new_alerts(db, ids, actor="import")
    finally:
        db.dispose()
    assert result is not None and (result.recipients, result.sent, result.error) == (2, 2, None)
    (city,) = inbox.to("lanhdao@conganhp.test")
    (commune,) = inbox.to("lechan@conganhp.test")
    assert len(inbox.received) == 2
    text = body(city)
    assert "11 vụ tuần 23–29/11" in text and "9 vụ tuần 23–29/11" in text  # both communes' rises
    assert "9 cases in the week 23–29/11" in text  # and in English
    assert "Và 1 cảnh báo thuộc nhóm được bảo vệ" in text and "3 vụ" not in text  # drugs: counted only
    assert "https://antt.conganhp.test/alerts?status=open" in text
    assert "g7" not in text and "nhóm đồng phạm" not in text.lower()  # no co-offending alert
    assert city["Subject"].startswith("[ANTT] 3 cảnh báo mới") and city["From"] == "antt@conganhp.test"
    mine = body(commune)
    assert "11 vụ tuần" in mine and "9 vụ tuần" not in mine  # Lê Chân's only
    (record,) = audit_records(database, "alert.mail")
    assert (record.actor, record.outcome) == ("import", "ok")
    assert record.target == "alerts:" + ",".join(map(str, ids))
    assert record.details == {"alerts": 4, "recipients": 2, "sent": 2}


def test_nothing_is_sent_without_configuration_or_without_a_rise_alert(database, settings, smtp) -> None:
    inbox, port = smtp
    (group,), _ = store_alerts(database, SYSTEM, [candidate(LE_CHAN, subject="g1/size", kind="group_growth")])
    (rise,), _ = store_alerts(database, SYSTEM, [candidate(HONG_BANG)])
    assert mail_new_alerts(database, [rise], actor="import") is None  # the test settings have no server
    db = mailing(settings, port, "lechan@conganhp.test=11383")
    try:
        assert mail_new_alerts(db, [group], actor="import") is None  # group alerts are not mailed
        assert mail_new_alerts(db, [rise], actor="import") is None  # Hồng Bàng's: not this recipient's
        assert mail_new_alerts(db, [], actor="import") is None
    finally:
        db.dispose()
    assert inbox.received == [] and audit_records(database, "alert.mail") == []


def test_an_unreachable_server_or_a_bad_recipient_is_audited_as_failed_and_never_raised(
    database, settings, caplog
) -> None:
    (rise,), _ = store_alerts(database, SYSTEM, [candidate(LE_CHAN)])
    db = mailing(settings, free_port(), "lanhdao@conganhp.test")  # nobody listens there
    try:
        down = mail_new_alerts(db, [rise], actor="cli")
    finally:
        db.dispose()
    assert down is not None and down.sent == 0 and "ConnectionRefusedError" in (down.error or "")
    assert "alert e-mail not sent" in caplog.text
    db = mailing(settings, free_port(), "lanhdao@conganhp.test; not-an-address")
    try:
        bad = mail_new_alerts(db, [rise], actor="cli")
    finally:
        db.dispose()
    assert bad is not None and "'not-an-address'" in (bad.error or "")
    assert [(r.outcome, r.details["sent"]) for r in audit_records(database, "alert.mail")] == [
        ("failed", 0),
        ("failed", 0),
    ]


def test_recipients_are_read_with_their_communes_and_unknown_codes_are_refused(settings) -> None:
    read = recipients(settings.model_copy(update={"alert_mail_to": " a@x.vn ;b@x.vn=11383, 11311;"}))
    assert [(r.address, r.units) for r in read] == [
        ("a@x.vn", None),
        ("b@x.vn", frozenset({"11383", "11311"})),
    ]
    from antt.errors import SettingsError

    with pytest.raises(SettingsError, match="99999"):
        recipients(settings.model_copy(update={"alert_mail_to": "b@x.vn=99999"}))


@pytest.mark.slow  # imports two years of weekly incidents through the command line
def test_the_import_or_the_scan_command_mails_a_new_alert_once(cli_env, smtp, tmp_path) -> None:
    inbox, port = smtp
    env = dict(
        cli_env,
        ANTT_SMTP_HOST="127.0.0.1",
        ANTT_SMTP_PORT=str(port),
        ANTT_SMTP_SECURITY="none",
        ANTT_ALERT_MAIL_TO="lanhdao@conganhp.test",
    )
    monday = date(2026, 11, 23)
    path = write_csv(tmp_path / "incidents.csv", _history(110, 12, monday))
    antt(env, "import", "incidents", str(path))
    scanned = antt(env, "warn", "scan", "--as-of", "2026-11-30")
    # the import's own scan (as of today) mailed it when today's last week is that week; else the command
    (message,) = inbox.to("lanhdao@conganhp.test")
    assert "12 vụ tội phạm về trật tự xã hội tại Phường Lê Chân tuần 23–29/11" in body(message)
    assert len(inbox.received) == 1
    if "0 cảnh báo mới" not in scanned.stdout:
        assert "e-mailed 1 recipients" in scanned.stdout
    antt(env, "warn", "scan", "--as-of", "2026-11-30")  # the same week again: still open, not mailed again
    assert len(inbox.received) == 1
