"""Offences: Penal Code articles, their reporting groups, and severity by clause.

Severity follows Penal Code Art. 9 (REFERENCE §3.1): it depends on the *maximum* of the penalty bracket of
the clause applied — ≤ 3 years or non-custodial: minor; > 3–7: serious; > 7–15: very serious; > 15–20, life
or death: especially serious. When the clause is unknown, an article has a severity *range* (the lightest
and the heaviest of its clauses). The article → reporting-group mapping is configuration (the official
police mapping is not published, REFERENCE §3.3): it lives in ``antt/data/offences.csv``.

Brackets change with the law: each row of ``offence_clauses.csv`` is one version of a clause with its
validity dates, so an offence committed on a day is classed by the bracket in force that day (Penal Code
Art. 7; sources and the 2025 amendment in ``antt/data/OFFENCES-SOURCES.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from antt.errors import NotFound


class Severity(StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    VERY_SERIOUS = "very_serious"
    ESPECIALLY_SERIOUS = "especially_serious"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @classmethod
    def from_max_penalty(cls, max_penalty: str) -> Severity:
        """Penal Code Art. 9: the class of a clause from the maximum of its penalty bracket."""
        if max_penalty in ("life", "death"):
            return cls.ESPECIALLY_SERIOUS
        if max_penalty == "non_custodial":
            return cls.MINOR
        years = float(max_penalty)
        if years <= 3:
            return cls.MINOR
        if years <= 7:
            return cls.SERIOUS
        if years <= 15:
            return cls.VERY_SERIOUS
        return cls.ESPECIALLY_SERIOUS


_SEVERITY_ORDER = [Severity.MINOR, Severity.SERIOUS, Severity.VERY_SERIOUS, Severity.ESPECIALLY_SERIOUS]

SEVERITY_LABELS_VI = {
    Severity.MINOR: "ít nghiêm trọng",
    Severity.SERIOUS: "nghiêm trọng",
    Severity.VERY_SERIOUS: "rất nghiêm trọng",
    Severity.ESPECIALLY_SERIOUS: "đặc biệt nghiêm trọng",
}
SEVERITY_LABELS_EN = {
    Severity.MINOR: "less serious",
    Severity.SERIOUS: "serious",
    Severity.VERY_SERIOUS: "very serious",
    Severity.ESPECIALLY_SERIOUS: "especially serious",
}


@dataclass(frozen=True, slots=True)
class ReportingGroup:
    code: str
    name_vi: str
    name_en: str
    sort_order: int


@dataclass(frozen=True, slots=True)
class Clause:
    article: str
    clause: int
    max_penalty: str  # years as text, "non_custodial", "life" or "death"
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def severity(self) -> Severity:
        return Severity.from_max_penalty(self.max_penalty)


@dataclass(frozen=True, slots=True)
class SeverityRange:
    lowest: Severity
    highest: Severity

    @property
    def exact(self) -> Severity | None:
        return self.lowest if self.lowest is self.highest else None


@dataclass(frozen=True, slots=True)
class Offence:
    article: str
    name_vi: str
    chapter: str
    section: int | None
    reporting_group: str
    valid_from: date
    valid_to: date | None
    clauses: tuple[Clause, ...] = ()

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_offence(self) -> bool:
        """False for the few articles of Part II that define terms or penalties (e.g. Art. 122, 352):
        every offence's official name begins with "Tội"."""
        return self.name_vi.startswith("Tội ")

    def clause_on(self, clause: int, on: date) -> Clause | None:
        """The version of ``clause`` in force on ``on`` (a clause re-enacted by an amending law has one row
        per version, e.g. up to 30/6/2025 and from 1/7/2025 for Luật 86/2025/QH15); ``None`` if none."""
        return next((c for c in self.clauses if c.clause == clause and c.in_force_on(on)), None)

    def severity(self, clause: int | None, on: date) -> SeverityRange | None:
        """The severity of ``clause`` on ``on``; the article's range if the clause is unknown or has no
        recorded bracket; ``None`` when no bracket of the article is recorded at all."""
        in_force = [c for c in self.clauses if c.in_force_on(on)]
        chosen = [c for c in in_force if c.clause == clause] if clause is not None else []
        pool = chosen or in_force
        if not pool:
            return None
        ranks = sorted(c.severity.rank for c in pool)
        return SeverityRange(_SEVERITY_ORDER[ranks[0]], _SEVERITY_ORDER[ranks[-1]])


_ARTICLE = re.compile(
    r"""^\s*(?:đ(?:iều)?\.?\s*)?            # optional "Điều" / "Đ."
        (?P<article>\d{1,3}[a-zđ]?)           # 173, 256a
        (?:\s*(?:[.,/]|\s+k(?:hoản)?\.?)\s*   # "." or "khoản" / "k."
           (?P<clause>\d{1,2}))?
        \s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_article(text: str) -> tuple[str, int | None] | None:
    """``'173'``, ``'173.2'``, ``'Điều 173 khoản 2'``, ``'256a'`` → ``('173', 2)``; ``None`` if unreadable."""
    match = _ARTICLE.match(text.replace("\u00a0", " "))
    if not match:
        return None
    clause = match.group("clause")
    return match.group("article").lower(), int(clause) if clause else None


@dataclass
class OffenceTable:
    groups: list[ReportingGroup]
    offences: list[Offence]
    _by_article: dict[str, Offence] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.groups = sorted(self.groups, key=lambda g: g.sort_order)
        self._by_article = {o.article: o for o in self.offences}

    def find(self, article: str) -> Offence | None:
        return self._by_article.get(article.lower())

    def get(self, article: str) -> Offence:
        offence = self.find(article)
        if offence is None:
            raise NotFound(
                f"Không có Điều {article} trong Bộ luật Hình sự.", f"No article {article} in the Penal Code."
            )
        return offence

    def group(self, code: str) -> ReportingGroup:
        for g in self.groups:
            if g.code == code:
                return g
        raise NotFound(f"Không có nhóm tội phạm '{code}'.", f"No reporting group '{code}'.")

    @property
    def group_codes(self) -> list[str]:
        return [g.code for g in self.groups]


def build_table(groups: Iterable[ReportingGroup], offences: Iterable[Offence]) -> OffenceTable:
    return OffenceTable(list(groups), list(offences))
