"""Codes shown as words (issue 18: leader language): every code a page would show — a role, an account
status, a severity class, an official mark, a period key — as its label in the page's language. The labels
live where the domain keeps them (``domain.access.ROLE_LABELS``, ``domain.offences.SEVERITY_LABELS_*``,
``domain.documents.MARK_LABELS_EN``, ``domain.periods``); this module only picks the language."""

from __future__ import annotations

from collections.abc import Mapping

from antt.domain.access import ACCOUNT_STATUS_LABELS, ROLE_LABELS
from antt.domain.audit_actions import AUDIT_ACTION_LABELS, AUDIT_OUTCOME_LABELS, BATCH_KIND_LABELS
from antt.domain.documents import MARK_LABELS_EN
from antt.domain.offences import SEVERITY_LABELS_EN, SEVERITY_LABELS_VI
from antt.domain.periods import parse_period
from antt.errors import AnttError
from antt.web.i18n import current_language

_PAIRS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "role": {str(k): v for k, v in ROLE_LABELS.items()},
    "account": ACCOUNT_STATUS_LABELS,
    "severity": {str(k): (SEVERITY_LABELS_VI[k], SEVERITY_LABELS_EN[k]) for k in SEVERITY_LABELS_VI},
    "audit_action": AUDIT_ACTION_LABELS,
    "audit_outcome": AUDIT_OUTCOME_LABELS,
    "batch_kind": BATCH_KIND_LABELS,
}


def code_label(kind: str, code: object) -> str:
    """The label of ``code`` (a ``kind``: ``role``, ``account``, ``severity``, ``audit_action``,
    ``audit_outcome``, ``batch_kind``) in the page's language; an
    unknown code is shown as it is rather than hidden."""
    pair = _PAIRS.get(kind, {}).get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if current_language() == "en" else pair[0]


def mark_label(mark: str) -> str:
    """An official document mark (``MẬT``, ``KHẨN`` …): as printed in Vietnamese, its meaning in English."""
    return MARK_LABELS_EN.get(mark, mark) if current_language() == "en" else mark


def period_name(key: str | None) -> str:
    """A period key (``report-year:2026``, ``year:2025``) as its name: ``Năm 2026 (15/12/2025 – …)``."""
    if not key:
        return "—"
    try:
        period = parse_period(key)
    except (AnttError, ValueError):
        return key
    return period.label_en() if current_language() == "en" else period.label_vi()


def actor_label(name: str) -> str:
    """Who did it, as the audit log names them: ``user:2`` is shown as "user no. 2"; other names as they are."""
    from antt.web.i18n import _

    kind, _sep, number = name.partition(":")
    if kind == "user" and number.isdigit():
        return _("user no. %(id)s", id=number)
    return name


def member_label(label: str) -> str:
    """A co-offending group member's label (``Đối tượng 3 · nhóm g…``, as the service writes it) in the
    page's language: ``Person 3 · group g…`` in English."""
    import re

    from antt.web.i18n import _

    match = re.fullmatch(r"Đối tượng (\d+) · nhóm (\w+)", label)
    if match is None or current_language() != "en":
        return label
    return _("Person %(k)s · group %(group)s", k=match.group(1), group=match.group(2))
