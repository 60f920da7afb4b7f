"""Official drug status of communes: what the competent authority **decided**, not what ANTT computes.

A commune is drug-free ("địa bàn không ma túy") when the competent authority *recognises* it, and the
drug-situation classes of QĐ 28/2025/QĐ-TTg (key areas of class I, II, III) are *decided* each year
(REFERENCE §1.2, §1.4). Each :class:`Decision` is one line of such a decision: one commune, the year it is
about, the status, the document (number, date, issuing body) and the days it is in force.

Rules encoded here (pure; no I/O):

* **In force.** A decision is in force from ``valid_from`` (default: its date) to ``valid_to`` inclusive
  (default: open). History is never overwritten: of the decisions on one unit in force on a day, the one
  that took effect last (then the later decision date, then the later year) states its status — a
  recognition for 2025 is followed by the classification for 2026 without anyone editing the first.
* **Units.** A decision names its unit by ``(scheme, code)``, the code read in the scheme in force on the
  decision date. 113 of Hải Phòng's 114 new communes reuse an old code for a different territory, so a
  decision of June 2025 on ``10507`` (old Phường Cẩm Thượng) is not a decision on the new ``10507``
  (Phường Thành Đông).
* **Inheritance.** A decision on a former commune is shown on each of its successors (through the
  crosswalk), marked *inherited*; it is never a recognition of the successor and never counts in the
  recognised share. When several predecessors' decisions reach one successor, the most severe status is
  shown (class I before II before III before not classified before drug-free): a merged commune is not
  presented as drug-free because one of its parts was.
* **The official share** on a day is the number of communes of the scheme in force that day with their
  *own* drug-free recognition in force, over all communes of that scheme.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from antt.domain.text import fold
from antt.domain.units import Level, Unit, UnitCatalog

UnitKey = tuple[str, str]  # (scheme, code)


class DrugStatus(StrEnum):
    DRUG_FREE = "drug_free"
    CLASS_1 = "class_1"
    CLASS_2 = "class_2"
    CLASS_3 = "class_3"
    NONE = "none"

    @property
    def label_vi(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]

    @property
    def severity(self) -> int:
        """Higher is worse: how a merged commune's inherited statuses are combined."""
        return _SEVERITY[self]


_LABELS: dict[DrugStatus, tuple[str, str]] = {
    DrugStatus.DRUG_FREE: ("không ma túy", "drug-free (recognised)"),
    DrugStatus.CLASS_1: ("loại I", "key area, class I"),
    DrugStatus.CLASS_2: ("loại II", "key area, class II"),
    DrugStatus.CLASS_3: ("loại III", "key area, class III"),
    DrugStatus.NONE: ("chưa phân loại", "not classified"),
}
_SEVERITY = {
    DrugStatus.DRUG_FREE: 0,
    DrugStatus.NONE: 1,
    DrugStatus.CLASS_3: 2,
    DrugStatus.CLASS_2: 3,
    DrugStatus.CLASS_1: 4,
}

# What a file may write in the status column (matched ignoring case, diacritics and spacing).
STATUS_WORDS: dict[DrugStatus, tuple[str, ...]] = {
    DrugStatus.DRUG_FREE: (
        "drug_free",
        "drug-free",
        "không ma túy",
        "không ma tuý",
        "địa bàn không ma túy",
        "xã không ma túy",
    ),
    DrugStatus.CLASS_1: ("class_1", "class 1", "class I", "loại I", "loại 1", "trọng điểm loại I"),
    DrugStatus.CLASS_2: ("class_2", "class 2", "class II", "loại II", "loại 2", "trọng điểm loại II"),
    DrugStatus.CLASS_3: ("class_3", "class 3", "class III", "loại III", "loại 3", "trọng điểm loại III"),
    DrugStatus.NONE: ("none", "not classified", "chưa phân loại", "không phân loại"),
}
_BY_WORD = {fold(w.replace("_", " ")): s for s, words in STATUS_WORDS.items() for w in words}


def parse_status(text: str) -> DrugStatus | None:
    """``drug_free`` / ``không ma túy`` / ``loại II`` … → the status; ``None`` when it names none."""
    return _BY_WORD.get(fold(text.replace("_", " ")))


@dataclass(frozen=True, slots=True)
class Decision:
    """One commune's line of an official decision."""

    unit: UnitKey
    year: int  # the year the decision is about
    status: DrugStatus
    decision_number: str
    decision_date: date
    issued_by: str
    valid_from: date  # the decision date unless the decision says otherwise
    valid_to: date | None = None  # inclusive; None: until a later decision replaces it
    note: str = ""

    @property
    def key(self) -> tuple[str, str, int, str]:
        """What identifies a decision line: the unit, the year and the decision's number."""
        return (self.unit[0], self.unit[1], self.year, self.decision_number)

    def contents(self) -> tuple[object, ...]:
        """What a second line with the same :attr:`key` must repeat to be the same decision."""
        return (self.status, self.decision_date, fold(self.issued_by), self.valid_from, self.valid_to)

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def precedence(self) -> tuple[date, date, int, str]:
        return (self.valid_from, self.decision_date, self.year, self.decision_number)


@dataclass(frozen=True, slots=True)
class OfficialStatus:
    """The status a unit shows on a day: its own decision, or (``inherited``) its predecessors'."""

    status: DrugStatus
    decision: Decision
    inherited: bool
    # inherited: every predecessor decision that reaches the unit, (predecessor, its decision)
    sources: tuple[tuple[UnitKey, Decision], ...] = ()

    @property
    def recognised(self) -> bool:
        """Counts as a drug-free recognition of this unit: its own decision, never an inherited one."""
        return not self.inherited and self.status is DrugStatus.DRUG_FREE


@dataclass(frozen=True, slots=True)
class OfficialShare:
    day: date
    scheme: str
    recognised: int
    communes: int

    @property
    def percent(self) -> float:
        return 100.0 * self.recognised / self.communes if self.communes else 0.0


class DecisionBook:
    """Every stored decision, with the look-ups the pages, targets and reports need."""

    def __init__(self, catalog: UnitCatalog, decisions: Iterable[Decision]) -> None:
        self.catalog = catalog
        self.decisions = sorted(decisions, key=Decision.precedence)
        self._by_unit: dict[UnitKey, list[Decision]] = {}
        for d in self.decisions:
            self._by_unit.setdefault(d.unit, []).append(d)
        self._successors: dict[tuple[UnitKey, str], list[UnitKey]] = {}

    def __bool__(self) -> bool:
        return bool(self.decisions)

    def own(self, unit: UnitKey, day: date) -> Decision | None:
        """The unit's own decision in force on ``day`` (the one that took effect last)."""
        found = [d for d in self._by_unit.get(unit, ()) if d.in_force_on(day)]
        return found[-1] if found else None

    def history(self, unit: UnitKey) -> list[Decision]:
        """Every decision on the unit itself, oldest first."""
        return list(self._by_unit.get(unit, ()))

    def successors(self, old: UnitKey, scheme: str) -> list[UnitKey]:
        key = (old, scheme)
        found = self._successors.get(key)
        if found is None:
            unit = self.catalog.find(*old)
            found = [] if unit is None else [c.new.key for c in self.catalog.convert(unit, scheme)]
            self._successors[key] = found
        return found

    def inherited(self, unit: UnitKey, day: date) -> list[tuple[UnitKey, Decision]]:
        """Decisions on former units, in force on ``day``, that reach ``unit`` through the crosswalk."""
        found: list[tuple[UnitKey, Decision]] = []
        for old in self._by_unit:
            if old[0] == unit[0]:
                continue
            if unit in self.successors(old, unit[0]):
                decision = self.own(old, day)
                if decision is not None:
                    found.append((old, decision))
        return found

    def status(self, unit: Unit | UnitKey, day: date) -> OfficialStatus | None:
        """What ``unit`` shows on ``day``: its own decision, else its predecessors' (inherited), else None."""
        key = unit.key if isinstance(unit, Unit) else unit
        own = self.own(key, day)
        if own is not None:
            return OfficialStatus(own.status, own, inherited=False)
        sources = self.inherited(key, day)
        if not sources:
            return None
        worst = max(sources, key=lambda s: (s[1].status.severity, s[1].precedence()))
        return OfficialStatus(worst[1].status, worst[1], inherited=True, sources=tuple(sources))

    def communes(self, day: date) -> list[Unit]:
        return self.catalog.in_scheme(self.catalog.scheme_on(day).code, Level.COMMUNE)

    def share(self, day: date) -> OfficialShare:
        """Communes with their own drug-free recognition in force on ``day`` over all communes of the
        scheme in force that day."""
        communes = self.communes(day)
        recognised = sum(
            1
            for u in communes
            if (d := self.own(u.key, day)) is not None and d.status is DrugStatus.DRUG_FREE
        )
        return OfficialShare(day, self.catalog.scheme_on(day).code, recognised, len(communes))
