"""Reminders of the commune drug-control survey (issue 15 §3): past the year's deadline, the configured
recipients (``ANTT_ALERT_MAIL_TO``, through the unit's mail server, as for alerts) hear which of their
communes have not sent their survey (none, or returned and not sent again), with the link to each
commune's form. A recipient bound to some communes hears only of those; nothing is sent to a recipient
none of whose communes is overdue. The message names communes and the deadline only: no figure.

Run by hand or by the unit's scheduler (``antt drugs survey-remind``); audited (``survey.remind``) whether
sent or failed. A failure is reported, never raised past the command's own error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from antt.domain.access import Actor
from antt.errors import PermissionDenied
from antt.services.alert_mail import Recipient, deliver, link, mail_configured, new_message
from antt.services.drug_survey import CommuneProgress, SurveyProgress, survey_progress
from antt.storage import audit
from antt.storage.engine import Database


@dataclass(frozen=True)
class ReminderResult:
    year: int
    overdue: int
    recipients: int
    sent: int
    error: str | None = None


def _lines(
    progress: SurveyProgress, mine: list[CommuneProgress], database: Database
) -> tuple[list[str], list[str]]:
    settings = database.settings
    deadline = f"{progress.deadline:%d/%m/%Y}"
    vi = [
        f"Đã quá hạn {deadline} nhưng {len(mine)} xã, phường chưa nộp phiếu khảo sát công tác phòng, chống "
        f"ma túy năm {progress.year}:",
        "",
    ]
    en = [
        f"The {progress.year} drug-control survey was due on {deadline}; {len(mine)} communes have not sent it:",
        "",
    ]
    for c in mine:
        form = link(settings, f"/drugs/survey/{c.unit_code}?year={progress.year}")
        returned = c.status is not None  # the only status that leaves a commune overdue is "returned"
        vi.append(
            f"- {c.unit_name}{' (đã trả lại, chưa nộp lại)' if returned else ''}{f': {form}' if form else ''}"
        )
        en.append(
            f"- {c.unit_name}{' (returned, not sent again)' if returned else ''}{f': {form}' if form else ''}"
        )
    return vi, en


def remind_overdue(
    database: Database, actor: Actor, *, year: int | None = None, now: datetime | None = None
) -> ReminderResult | None:
    """Mail each configured recipient its overdue communes of ``year``'s survey; ``None`` when e-mail is
    not configured. Only the system (the command, a scheduler) sends reminders."""
    if not actor.is_system:
        raise PermissionDenied("Chỉ hệ thống gửi nhắc nhở.", "Only the system sends reminders.")
    settings = database.settings
    if not mail_configured(settings):
        return None
    progress = survey_progress(database, actor, year, now=now)
    overdue = progress.overdue

    def message_for(to: Recipient) -> EmailMessage | None:
        mine = [c for c in overdue if to.units is None or c.unit_code in to.units]
        if not mine:
            return None
        vi, en = _lines(progress, mine, database)
        subject = (
            f"[ANTT] Nhắc nộp khảo sát PCMA {progress.year}: {len(mine)} xã quá hạn / "
            f"{len(mine)} surveys overdue"
        )
        return new_message(settings, to, subject, vi, en)

    count, error = deliver(settings, message_for)
    result = ReminderResult(progress.year, len(overdue), count, 0 if error else count, error)
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="survey.remind",
            outcome="failed" if error else "ok",
            obj=f"survey:{progress.year}",
            details={"overdue": result.overdue, "recipients": result.recipients, "sent": result.sent}
            | ({"error": error} if error else {}),
        )
    return result
