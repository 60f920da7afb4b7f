"""E-mail of new early-warning alerts to configured recipients (issue 13 §4), through the unit's own mail
server: nothing leaves for the internet unless that server sends it there.

Off until ``ANTT_SMTP_HOST`` and ``ANTT_ALERT_MAIL_TO`` are set. Each recipient gets one message per scan
that opened alerts, with the new ``rise`` alerts of its communes (all communes when the entry names none),
each explained as on the Alerts page, and the link to that page. An e-mail leaves ANTT's access control
behind, so it carries less than the page:

- an alert about a sensitive group (drugs, sexual offences, national security) is only counted, with no
  commune and no figure ("và 1 cảnh báo thuộc nhóm được bảo vệ: chỉ xem trên ANTT");
- co-offending group alerts are never mailed (they are about people);
- no name, id or pseudonym: the alerts hold none.

Every sending is audited (``alert.mail``: the alerts, the number of recipients, the outcome). A failure (the
server refuses, is unreachable, a recipient is malformed) is logged and audited as ``failed``; it never
fails the scan or the import that set it off, and the alerts stay on the page.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from antt.domain.alerts import Alert, AlertKind
from antt.domain.reference import unit_catalog
from antt.errors import SettingsError
from antt.settings import Settings
from antt.storage import alerts as store
from antt.storage import audit
from antt.storage.engine import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    address: str
    #: the communes whose alerts it gets (codes of the current scheme); ``None``: every commune
    units: frozenset[str] | None


@dataclass(frozen=True)
class MailResult:
    alerts: int
    recipients: int
    sent: int
    error: str | None = None


def recipients(settings: Settings) -> list[Recipient]:
    """``ANTT_ALERT_MAIL_TO`` read: ``address[=code,code]`` entries separated by ``;``. A malformed address or
    an unknown commune code is a :class:`SettingsError` naming it."""
    known = {u.code for u in unit_catalog().in_scheme(unit_catalog().current.code)}
    found: list[Recipient] = []
    for entry in (e.strip() for e in settings.alert_mail_to.split(";")):
        if not entry:
            continue
        address, _, codes = (part.strip() for part in entry.partition("="))
        local, at, domain = address.rpartition("@")
        if not at or not local or "." not in domain or any(c.isspace() or c in ",<>" for c in address):
            raise SettingsError(
                f"ANTT_ALERT_MAIL_TO: địa chỉ e-mail không hợp lệ: {address!r}",
                f"ANTT_ALERT_MAIL_TO: not an e-mail address: {address!r}",
            )
        units = frozenset(c.strip() for c in codes.split(",") if c.strip()) if codes else None
        unknown = sorted((units or frozenset()) - known)
        if unknown:
            raise SettingsError(
                f"ANTT_ALERT_MAIL_TO: mã đơn vị không có trong danh mục hiện hành: {', '.join(unknown)}",
                f"ANTT_ALERT_MAIL_TO: unit codes not in the current scheme: {', '.join(unknown)}",
            )
        found.append(Recipient(address, units))
    return found


def _span(alert: Alert) -> str:
    return f"{alert.period_start:%d/%m}–{alert.period_end:%d/%m/%Y}"


def compose(settings: Settings, to: Recipient, alerts: Sequence[Alert]) -> EmailMessage | None:
    """The message for one recipient (``None``: none of ``alerts`` is theirs)."""
    mine = [
        a for a in alerts if a.kind == AlertKind.RISE.value and (to.units is None or a.unit_code in to.units)
    ]
    if not mine:
        return None
    shown = [a for a in mine if not a.sensitive]
    withheld = len(mine) - len(shown)
    weeks = sorted({_span(a) for a in mine})
    page = link(settings, "/alerts?status=open")
    vi = [f"ANTT phát hiện {len(mine)} cảnh báo tăng bất thường mới (tuần {', '.join(weeks)}):", ""]
    vi += [f"{n}. {a.explanation_vi}" for n, a in enumerate(shown, start=1)]
    if withheld:
        vi.append(f"Và {withheld} cảnh báo thuộc nhóm được bảo vệ: chỉ xem trên ANTT.")
    vi += ["", f"Xem và xác nhận biện pháp xử lý: {page}" if page else "Xem và xác nhận trên trang Cảnh báo."]
    en = [f"ANTT found {len(mine)} new rise alerts (week {', '.join(weeks)}):", ""]
    en += [f"{n}. {a.explanation_en}" for n, a in enumerate(shown, start=1)]
    if withheld:
        en.append(f"And {withheld} alerts on protected groups: seen only in ANTT.")
    en += ["", f"See them and record the action taken: {page}" if page else "See them on the Alerts page."]
    subject = f"[ANTT] {len(mine)} cảnh báo mới / new alerts — tuần {weeks[-1]}"
    return new_message(settings, to, subject, vi, en)


def new_message(
    settings: Settings, to: Recipient, subject: str, vi: list[str], en: list[str]
) -> EmailMessage:
    """A plain-text message from ANTT: the Vietnamese lines, then the English ones."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.alert_mail_from
    message["To"] = to.address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.alert_mail_from.rpartition("@")[2] or "antt")
    message.set_content("\n".join([*vi, "", "—", "", *en]) + "\n", charset="utf-8")
    return message


def link(settings: Settings, path: str) -> str | None:
    """``path`` on ANTT as users open it (``ANTT_PUBLIC_URL``), or ``None`` when that is not set."""
    return f"{settings.public_url.rstrip('/')}{path}" if settings.public_url else None


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.alert_mail_to.strip())


def send_messages(settings: Settings, messages: Sequence[EmailMessage]) -> None:
    """Send through the configured server in one connection (raises ``OSError``/``SMTPException``)."""
    host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.smtp_timeout_seconds
    context = ssl.create_default_context()
    server: smtplib.SMTP = (
        smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        if settings.smtp_security == "ssl"
        else smtplib.SMTP(host, port, timeout=timeout)
    )
    with server:
        if settings.smtp_security == "starttls":
            server.starttls(context=context)
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            server.login(settings.smtp_user, password)
        for message in messages:
            server.send_message(message)


def deliver(
    settings: Settings, message_for: Callable[[Recipient], EmailMessage | None]
) -> tuple[int, str | None]:
    """Build each configured recipient's message (``None``: nothing for it) and send them all in one
    connection; → (messages, the error in English or ``None``). Never raises for a bad recipient list or a
    refused, unreachable or timed-out server: the caller reports and audits it."""
    messages: list[EmailMessage] = []
    try:
        for to in recipients(settings):
            if (message := message_for(to)) is not None:
                messages.append(message)
        if messages:
            send_messages(settings, messages)
    except SettingsError as exc:
        return len(messages), exc.message_en
    except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable, timed out, TLS
        return len(messages), f"{type(exc).__name__}: {exc}"
    return len(messages), None


def mail_new_alerts(database: Database, alert_ids: Sequence[int], *, actor: str) -> MailResult | None:
    """Mail the alerts ``alert_ids`` (just opened by a scan) to their recipients; ``None`` when e-mail is
    not configured or there is nothing to send. Never raises: a failure is logged, audited and returned."""
    settings = database.settings
    if not mail_configured(settings) or not alert_ids:
        return None
    with database.transaction(write=False) as session:
        alerts = [store.to_alert(row) for i in alert_ids if (row := store.get(session, i)) is not None]
    count, error = deliver(settings, lambda to: compose(settings, to, alerts))
    if error is None and not count:
        return None
    if error is not None:
        log.error("alert e-mail not sent / không gửi được e-mail cảnh báo: %s", error)
    result = MailResult(len(alerts), count, 0 if error else count, error)
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor,
            action="alert.mail",
            outcome="failed" if error else "ok",
            obj="alerts:" + ",".join(str(a.id) for a in alerts),
            details={"alerts": result.alerts, "recipients": result.recipients, "sent": result.sent}
            | ({"error": error} if error else {}),
        )
    return result
