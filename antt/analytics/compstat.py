"""CompStat arithmetic: change between two periods, its significance, clearance, and who drives it.

Counts first, then change in counts; a percent change only with its base, flagged when the base is small
(ECOSYSTEM A1.6: "percent change is a horrible metric" on small counts). Significance of a change between
two Poisson counts uses the variance-stabilised difference (Wheeler 2018, "the Poisson e-test"):

    z = 2 · (√C − √P)

which is approximately standard normal when both counts come from the same rate; |z| ≥ 2 is notable and
|z| ≥ 3 strong (≈ 1 in 1,000 by chance). It is antisymmetric: z(C, P) = −z(P, C).

Clearance rate (tỷ lệ điều tra, khám phá) — the one formula ANTT uses everywhere:

    clearance = cases that occurred in the period and were cleared by the as-of date
                ÷ cases that occurred in the period

(``None`` when no case occurred). The official police formula is not published (REFERENCE §3.5, open
question 4); this is the cohort definition, which does not let cases cleared now from earlier years inflate
the rate of the current period.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z_NOTABLE = 2.0
Z_STRONG = 3.0
SMALL_BASE = 10  # a percent change on fewer previous cases than this is flagged as unreliable


def poisson_z(current: int, previous: int) -> float:
    """z = 2(√C − √P): the variance-stabilised difference of two Poisson counts."""
    return 2.0 * (math.sqrt(current) - math.sqrt(previous))


def pct_change(current: int, previous: int) -> float | None:
    """Percent change, or ``None`` when there is no base to compare with."""
    if previous == 0:
        return None
    return 100.0 * (current - previous) / previous


def signal(z: float) -> str | None:
    if abs(z) >= Z_STRONG:
        return "strong"
    if abs(z) >= Z_NOTABLE:
        return "notable"
    return None


def clearance_rate(cleared: int, occurred: int) -> float | None:
    """Cases cleared by the as-of date ÷ cases occurred, as a percentage (see the module docstring)."""
    if occurred == 0:
        return None
    if not 0 <= cleared <= occurred:
        raise ValueError(f"cleared {cleared} must be between 0 and occurred {occurred}")
    return 100.0 * cleared / occurred


@dataclass(frozen=True)
class Measures:
    """What was counted for one cell (a unit, a group, or both) in one period."""

    incidents: int = 0
    approximate: int = 0  # of which counted through a split crosswalk link without coordinates
    cleared: int = 0
    grave: int = 0  # very serious and especially serious
    grave_cleared: int = 0
    suspects: int = 0
    organised_group: int = 0

    def __add__(self, other: Measures) -> Measures:
        return Measures(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.incidents,
            self.approximate,
            self.cleared,
            self.grave,
            self.grave_cleared,
            self.suspects,
            self.organised_group,
        )


@dataclass(frozen=True)
class Change:
    """One cell of a CompStat table: the current period against the comparison period."""

    current: Measures
    previous: Measures

    @property
    def change(self) -> int:
        return self.current.incidents - self.previous.incidents

    @property
    def pct_change(self) -> float | None:
        return pct_change(self.current.incidents, self.previous.incidents)

    @property
    def small_base(self) -> bool:
        return self.previous.incidents < SMALL_BASE

    @property
    def z(self) -> float:
        return poisson_z(self.current.incidents, self.previous.incidents)

    @property
    def signal(self) -> str | None:
        return signal(self.z)

    @property
    def approximate(self) -> bool:
        return self.current.approximate > 0 or self.previous.approximate > 0

    @property
    def approximate_share(self) -> float:
        total = self.current.incidents + self.previous.incidents
        return 0.0 if total == 0 else (self.current.approximate + self.previous.approximate) / total

    @property
    def clearance(self) -> float | None:
        return clearance_rate(self.current.cleared, self.current.incidents)

    @property
    def previous_clearance(self) -> float | None:
        return clearance_rate(self.previous.cleared, self.previous.incidents)

    @property
    def grave_clearance(self) -> float | None:
        return clearance_rate(self.current.grave_cleared, self.current.grave)


def total(changes: Iterable[Change]) -> Change:
    current, previous = Measures(), Measures()
    for c in changes:
        current, previous = current + c.current, previous + c.previous
    return Change(current, previous)


@dataclass(frozen=True)
class Contribution:
    key: str
    change: int
    share: float | None  # of the total change (can exceed 1 or be negative when others offset it)


def contributions(changes: dict[str, Change], limit: int = 10) -> list[Contribution]:
    """The cells that drive the total change: largest absolute change first (ties by key)."""
    whole = sum(c.change for c in changes.values())
    ranked = sorted(changes.items(), key=lambda kv: (-abs(kv[1].change), kv[0]))
    return [
        Contribution(key, c.change, None if whole == 0 else c.change / whole)
        for key, c in ranked[:limit]
        if c.change != 0
    ]
