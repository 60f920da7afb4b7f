"""Alerts: one concept for every "risk found early" — a commune's crime group rising this week (issue 13),
a co-offending group growing (issue 14), a commune drifting into a drug class (issue 15).

An alert names what (``kind``), where (a unit of a scheme), about what (``subject``: a reporting group, a
group id, a drug class) and when (``period_start``–``period_end``, a week for a rise); it carries the
figures behind it and its explanation in plain Vietnamese and English. People acknowledge it with the
action taken; an alert whose cause has gone (the series back below its threshold) is closed by the next
scan. The same (kind, unit, subject, period) is one alert, however often it is computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from antt.errors import InvalidInput

MAX_ACTION_CHARS = 2000


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class AlertKind(StrEnum):
    RISE = "rise"  # issue 13: a commune × reporting group above its early-warning threshold
    GROUP_GROWTH = "group_growth"  # issue 14: a co-offending group growing
    DRUG_CLASS = "drug_class"  # issue 15: a commune drifting into a drug class


ARTICLE_SUBJECT = "article:"  # a rise of one Penal Code article (``antt warn scan --article``): "article:173"


def article_subject(article: str) -> str:
    return f"{ARTICLE_SUBJECT}{article}"


def subject_article(subject: str) -> str | None:
    """The article of an article subject ("article:173" → "173"); ``None`` for a reporting group."""
    return subject.removeprefix(ARTICLE_SUBJECT) if subject.startswith(ARTICLE_SUBJECT) else None


MONTH_SUBJECT = "month:"  # a rise of a reporting group over a reporting month (``antt warn scan --monthly``)


def month_subject(group: str) -> str:
    return f"{MONTH_SUBJECT}{group}"


def subject_month_group(subject: str) -> str | None:
    """The reporting group of a monthly subject ("month:drugs" → "drugs"); ``None`` for a weekly one."""
    return subject.removeprefix(MONTH_SUBJECT) if subject.startswith(MONTH_SUBJECT) else None


def label_vi(status: AlertStatus) -> str:
    return {"open": "Đang mở", "acknowledged": "Đã tiếp nhận", "closed": "Đã đóng"}[status.value]


@dataclass(frozen=True)
class AlertCandidate:
    """An alert as a detector produces it, before it is stored."""

    kind: str
    scheme: str
    unit_code: str
    subject: str
    period_start: date
    period_end: date
    figures: Mapping[str, object]
    explanation_vi: str
    explanation_en: str
    sensitive: bool = False  # figures of a sensitive category (drugs…): disclosure control applies

    @property
    def key(self) -> tuple[str, str, str, str, date]:
        return (self.kind, self.scheme, self.unit_code, self.subject, self.period_start)


@dataclass(frozen=True)
class Alert:
    id: int
    kind: str
    scheme: str
    unit_code: str
    subject: str
    period_start: date
    period_end: date
    figures: Mapping[str, object]
    explanation_vi: str
    explanation_en: str
    sensitive: bool
    status: AlertStatus
    created_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    action_taken: str | None = None
    closed_at: datetime | None = None
    withheld: bool = field(default=False)  # figures hidden from this reader (disclosure control)


def checked_action(text: str) -> str:
    """The action taken, as typed: required, at most :data:`MAX_ACTION_CHARS` characters."""
    cleaned = " ".join(text.split()) if "\n" not in text else text.strip()
    if not cleaned:
        raise InvalidInput(
            "Cần ghi biện pháp đã thực hiện khi tiếp nhận cảnh báo.",
            "Acknowledging an alert needs the action taken.",
        )
    if len(cleaned) > MAX_ACTION_CHARS:
        raise InvalidInput(
            f"Biện pháp đã thực hiện dài quá {MAX_ACTION_CHARS} ký tự.",
            f"The action taken is longer than {MAX_ACTION_CHARS} characters.",
        )
    return cleaned


def vi_number(value: float, digits: int = 1) -> str:
    """``4.1`` → ``4,1`` (Vietnamese decimal comma; no decimals for whole numbers)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
