"""Where it is getting worse (Nơi tình hình xấu đi): the significant rises and falls of a CompStat result.

A leader's first question is not "how many?" but "where is it rising?". The answer is read off the same
:class:`~antt.services.compstat.CompstatResult` the CompStat page shows (usually of ``by=unit,group``:
each commune × reporting group), never counted a second way, so every mover is a row of that table.

**Significance.** A cell moves when its Poisson z = 2(√C − √P) is at least :data:`Z_NOTABLE` (2) away
from 0 — |z| ≥ 2 notable, ≥ 3 strong (:mod:`antt.analytics.compstat`). Rises are ranked by z, then by
the change in counts, then by commune and group; falls likewise from the most negative z.

**Disclosure.** The result was counted for its actor, and each row carries what that actor may not see
(:class:`~antt.services.disclosure.Hidden`): a row with *anything* hidden (a small sensitive count, a
withheld drug figure, a restricted group where the actor lacks its privilege) is never a mover, so the
list gives back no hidden figure, not even by its rank. Restricted groups the actor sees nowhere are not
in the result at all (:func:`~antt.services.disclosure.groups_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from antt.analytics.compstat import Z_NOTABLE, signal
from antt.domain.access import Actor
from antt.domain.alerts import AlertStatus
from antt.domain.reference import unit_catalog
from antt.services.alerts import list_alerts, subject_group
from antt.services.compstat import CompstatResult, Row
from antt.storage.engine import Database

LIMIT = 5  # movers of each direction a page shows


@dataclass(frozen=True)
class Mover:
    """One significant change: a commune (or the scope) × a reporting group (or ``"all"``)."""

    unit_code: str
    unit_name: str
    group: str
    current: int
    previous: int
    change: int
    pct_change: float | None
    small_base: bool
    z: float
    strength: str  # "strong" (|z| ≥ 3) or "notable" (|z| ≥ 2)
    approximate: bool
    alert_unit: str | None = None  # an open alert exists for this commune: link to /alerts for it
    alert_group: str | None = None  # … and its subject is this very group (the alerts page filters on it)

    @property
    def rising(self) -> bool:
        return self.z > 0


@dataclass(frozen=True)
class Movers:
    """The strongest significant rises and falls of a result, and how many of each there are in all."""

    rises: list[Mover]
    falls: list[Mover]
    rises_total: int
    falls_total: int

    def __bool__(self) -> bool:
        return bool(self.rises or self.falls)


def _mover(row: Row) -> Mover:
    c = row.change
    return Mover(
        unit_code=row.unit.code,
        unit_name=row.unit.name,
        group=row.group,
        current=c.current.incidents,
        previous=c.previous.incidents,
        change=c.change,
        pct_change=c.pct_change,
        small_base=c.small_base,
        z=c.z,
        strength=signal(c.z) or "",
        approximate=c.approximate,
    )


def movers(result: CompstatResult, *, limit: int = LIMIT, threshold: float = Z_NOTABLE) -> Movers:
    """The ``limit`` strongest rises (z ≥ ``threshold``) and falls (z ≤ −``threshold``) among the rows of
    ``result`` its actor may see whole (see the module docstring)."""
    seen = [_mover(r) for r in result.rows if not r.hidden]
    rises = sorted(
        (m for m in seen if m.z >= threshold),
        key=lambda m: (-m.z, -m.change, m.unit_code, m.group),
    )
    falls = sorted(
        (m for m in seen if m.z <= -threshold),
        key=lambda m: (m.z, m.change, m.unit_code, m.group),
    )
    return Movers(rises[:limit], falls[:limit], len(rises), len(falls))


def with_open_alerts(database: Database, actor: Actor, found: Movers) -> Movers:
    """``found`` with the open alerts ``actor`` may see marked on its movers (same commune, and the
    alert's subject — a group or an article — in the mover's group). Alerts change without an import,
    so this is asked for every view, apart from the cached movers."""
    if not found:
        return found
    units = {m.unit_code for m in (*found.rises, *found.falls)}
    scheme = unit_catalog().current.code
    subjects: dict[tuple[str, str], set[str]] = {}
    for alert in list_alerts(database, actor, statuses=(AlertStatus.OPEN,)):
        if alert.scheme == scheme and alert.unit_code in units:
            subjects.setdefault((alert.unit_code, subject_group(alert.subject)), set()).add(alert.subject)

    def marked(items: Iterable[Mover]) -> list[Mover]:
        out = []
        for m in items:
            held = (
                set().union(*(s for (u, _), s in subjects.items() if u == m.unit_code))
                if m.group == "all"
                else subjects.get((m.unit_code, m.group), set())
            )
            if held:
                out.append(
                    replace(m, alert_unit=m.unit_code, alert_group=m.group if m.group in held else None)
                )
            else:
                out.append(m)
        return out

    return replace(found, rises=marked(found.rises), falls=marked(found.falls))
