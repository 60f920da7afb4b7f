"""The ``article`` cell of an incident row: a Penal Code article (and clause) in force on the day it occurred.

Rules (``../shared/formats/incidents.md``): the text must read as an article, optionally with a clause
(``article.format``); the article must exist (``article.unknown``), define an offence
(``article.not_an_offence``) and be in force on the day (``article.not_in_force``); a clause missing from
the penalty table is a warning (``clause.unknown``) and the severity is then the whole article's range.

Whether an article is in force, and what severity its clauses carry, change only on the days some article
or clause comes into or goes out of force. Between two such days — a *legal epoch* — the outcome of a
cell depends on its text alone, so valid outcomes are remembered per (text, epoch).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import Any

from antt.domain.offences import Offence, OffenceTable, parse_article
from antt.importers.cells import remember

# An offence as a record stores it: (article, reporting group, severity, lightest, heaviest severity)
OffenceFacts = tuple[str, str, str | None, str | None, str | None]
# A broken rule: (rule, parameters of its message)
Finding = tuple[str, dict[str, Any]]
# The outcome of a cell: (facts, clause, error, warning); no facts when there is an error
ArticleOutcome = tuple[OffenceFacts | None, int | None, Finding | None, Finding | None]


class Articles:
    def __init__(self, offences: OffenceTable) -> None:
        self.offences = offences
        self.changes = legal_changes(offences)
        self._valid: dict[tuple[str, int], ArticleOutcome] = {}

    def epoch(self, on: date) -> int:
        """The legal epoch of a day: how many changes of the law came into effect on or before it."""
        return bisect_right(self.changes, on)

    def check(self, text: str, on: date | None, epoch: int | None) -> ArticleOutcome:
        """The outcome of an article cell reading ``text`` for an incident on ``on`` (in ``epoch``)."""
        if on is None or epoch is None:  # the row is invalid anyway: check the article, remember nothing
            return self._check(text, None)
        outcome = self._valid.get((text, epoch))
        if outcome is None:
            outcome = self._check(text, on)
            if outcome[2] is None:
                remember(self._valid, (text, epoch), outcome)
        return outcome

    def _check(self, text: str, on: date | None) -> ArticleOutcome:
        parsed = parse_article(text)
        if parsed is None:
            return None, None, ("article.format", {}), None
        article, clause = parsed
        offence = self.offences.find(article)
        if offence is not None and not offence.is_offence:
            return None, None, ("article.not_an_offence", {"name": offence.name_vi}), None
        if offence is None:
            return None, None, ("article.unknown", {}), None
        if on is not None and not offence.in_force_on(on):
            valid = f"{offence.valid_from:%d/%m/%Y}–" + (
                f"{offence.valid_to:%d/%m/%Y}" if offence.valid_to else ""
            )
            return None, None, ("article.not_in_force", {"valid": valid}), None
        warning = None
        if clause is not None and offence.clauses and not _clause_exists(offence, clause, on):
            warning = ("clause.unknown", {"article": offence.article, "clause": clause})
        return _facts(offence, clause, on), clause, None, warning


def _clause_exists(offence: Offence, clause: int, on: date | None) -> bool:
    """Whether the article has ``clause`` on the day (any version, when the day is unknown): clause 5 of
    art. 248 exists only from 1/7/2025 (Luật 86/2025/QH15)."""
    if on is None:
        return any(c.clause == clause for c in offence.clauses)
    return offence.clause_on(clause, on) is not None


def legal_changes(offences: OffenceTable) -> list[date]:
    """Every day on which an article or a clause comes into or goes out of force, in order."""
    spans: list[tuple[date | None, date | None]] = []
    for offence in offences.offences:
        spans.append((offence.valid_from, offence.valid_to))
        spans.extend((c.valid_from, c.valid_to) for c in offence.clauses)
    days = {start for start, _ in spans if start is not None}
    days |= {end + timedelta(days=1) for _, end in spans if end is not None}
    return sorted(days)


def _facts(offence: Offence, clause: int | None, on: date | None) -> OffenceFacts:
    """What a record stores about its offence: article, group and (exact, lightest, heaviest) severity."""
    severity = offence.severity(clause, on) if on is not None else None
    return (
        offence.article,
        offence.reporting_group,
        severity.exact.value if severity and severity.exact else None,
        severity.lowest.value if severity else None,
        severity.highest.value if severity else None,
    )
