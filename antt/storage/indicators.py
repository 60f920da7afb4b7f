"""Writing validated indicator values into ``indicator_values``, and reading a series back.

A value is identified by ``(indicator, unit_scheme, unit_code, period)``. The writer reads, once per
indicator the import contains, the values already stored; then a new key is inserted, a key whose value,
unit of measure, source or synthetic flag differs is updated (and takes the new batch id), and an
unchanged key is not touched at all. Everything runs in the caller's transaction: an import is all or
nothing, and re-importing a file changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, insert, select, tuple_, update
from sqlalchemy.orm import Session

from antt.storage.tables import IndicatorValue

__all__ = ["IndicatorCounts", "IndicatorValueLike", "IndicatorWriter", "indicator_series"]

VALUES = cast(Table, IndicatorValue.__table__)
_KEY = ("indicator", "unit_scheme", "unit_code", "period")
_COMPARED = ("value", "unit_of_measure", "source", "synthetic")
_COLUMNS = (*_KEY, "period_start", "period_end", *_COMPARED)


class IndicatorValueLike(Protocol):
    """A validated value (``antt.importers.indicators.IndicatorValueRecord``)."""

    @property
    def indicator(self) -> str: ...
    @property
    def unit_scheme(self) -> str: ...
    @property
    def unit_code(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def period_start(self) -> date: ...
    @property
    def period_end(self) -> date: ...
    @property
    def value(self) -> float: ...
    @property
    def unit_of_measure(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def synthetic(self) -> bool: ...


Key = tuple[str, str, str, str]  # indicator, unit_scheme, unit_code, period


@dataclass(frozen=True)
class IndicatorCounts:
    new: int
    updated: int
    unchanged: int


class IndicatorWriter:
    """Upserts the records of one import, batch ``batch_id``, and counts new / updated / unchanged."""

    def __init__(self, session: Session, batch_id: int) -> None:
        self.session = session
        self.batch_id = batch_id
        self.new = self.updated = self.unchanged = 0
        self._existing: dict[Key, tuple[int, tuple[Any, ...]]] = {}
        self._loaded: set[str] = set()

    def write(self, records: Sequence[IndicatorValueLike]) -> None:
        """Insert the new records of a chunk, update the changed ones, count the unchanged."""
        self._load({r.indicator for r in records} - self._loaded)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for r in records:
            key: Key = (r.indicator, r.unit_scheme, r.unit_code, r.period)
            compared = (r.value, r.unit_of_measure, r.source, r.synthetic)
            old = self._existing.get(key)
            if old is None:
                inserts.append({**{c: getattr(r, c) for c in _COLUMNS}, "batch_id": self.batch_id})
            elif old[1] != compared:
                updates.append(
                    {"row_id": old[0], **{f"v_{k}": v for k, v in zip(_COMPARED, compared, strict=True)}}
                )
            else:
                self.unchanged += 1
        conn = self.session.connection()
        if inserts:
            conn.execute(insert(VALUES), inserts)
        if updates:
            conn.execute(
                update(VALUES)
                .where(VALUES.c.id == bindparam("row_id"))
                .values(batch_id=self.batch_id, **{k: bindparam(f"v_{k}") for k in _COMPARED}),
                updates,
            )
        self.new += len(inserts)
        self.updated += len(updates)

    def finish(self) -> IndicatorCounts:
        return IndicatorCounts(self.new, self.updated, self.unchanged)

    def _load(self, indicators: set[str]) -> None:
        if not indicators:
            return
        v = VALUES.c
        rows = self.session.connection().execute(
            select(v.id, v.indicator, v.unit_scheme, v.unit_code, v.period, *(v[k] for k in _COMPARED)).where(
                v.indicator.in_(sorted(indicators))
            )
        )
        for row in rows:
            self._existing[(row.indicator, row.unit_scheme, row.unit_code, row.period)] = (
                row.id,
                (row.value, row.unit_of_measure, row.source, bool(row.synthetic)),
            )
        self._loaded |= indicators


def indicator_series(
    session: Session,
    indicator: str,
    unit_codes: Collection[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    unit_keys: Collection[tuple[str, str]] | None = None,
) -> list[tuple[str, str, date, date, float]]:
    """``(unit_code, period, period_start, period_end, value)`` of ``indicator``, by unit then period end.

    ``start``/``end`` keep the periods whose last day falls in the window (a year's value belongs to the
    window that holds 31 December). ``unit_codes`` filters on the bare code (any scheme); ``unit_keys`` on
    ``(scheme, code)`` — the scope of a unit-bound actor; an empty collection matches nothing.
    """
    v = VALUES.c
    query = select(v.unit_code, v.period, v.period_start, v.period_end, v.value).where(
        v.indicator == indicator
    )
    if unit_codes is not None:
        if not unit_codes:
            return []
        query = query.where(v.unit_code.in_(sorted(unit_codes)))
    if unit_keys is not None:
        if not unit_keys:
            return []
        query = query.where(tuple_(v.unit_scheme, v.unit_code).in_(sorted(unit_keys)))
    if start is not None:
        query = query.where(v.period_end >= start)
    if end is not None:
        query = query.where(v.period_end <= end)
    query = query.order_by(v.unit_code, v.period_end, v.period_start, v.unit_scheme)
    return [(r[0], r[1], r[2], r[3], float(r[4])) for r in session.execute(query)]
