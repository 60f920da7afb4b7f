"""Incidents left out of a query: the rows of some communes that are of some reporting groups and/or some
Penal Code articles (``NOT (unit IN … AND group IN … AND article IN …)``), or the rows of some groups
outside the communes where they may be seen (``NOT (group IN … AND unit NOT IN …)``).

The disclosure policy (:mod:`antt.services.disclosure`) uses it to leave the incidents of sensitive
categories out of every figure a user without the privilege sees, except the sensitive category's own, and
the incidents of a restricted reporting group (crimes against national security) out of every figure of
the communes where the user may not see that group.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, not_

from antt.storage.tables import IncidentRow

_Query = TypeVar("_Query", bound=Any)


@dataclass(frozen=True)
class Exclusion:
    """The incidents of ``units`` (``None``: every unit) of ``groups`` and of ``articles`` (``None``: any),
    except those of the ``kept`` units; at least one of ``groups`` and ``articles`` is given."""

    units: frozenset[str] | None
    groups: frozenset[str] | None = None
    articles: frozenset[str] | None = None
    kept: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        units: Collection[str] | None,
        groups: Collection[str] | None = None,
        articles: Collection[str] | None = None,
    ) -> Exclusion:
        return cls(_frozen(units), _frozen(groups), _frozen(articles))

    @classmethod
    def outside(cls, kept: Collection[str], groups: Collection[str]) -> Exclusion:
        """The incidents of ``groups`` in every unit but ``kept`` (none kept: everywhere). Stated by the
        units kept rather than those left out, so it fails closed: an incident of an unknown unit, or of
        none, is left out too."""
        return cls(None, frozenset(groups), None, frozenset(kept))

    def matching(self) -> list[ColumnElement[bool]]:
        """The conditions selecting the excluded incidents."""
        i = IncidentRow
        found: list[ColumnElement[bool]] = []
        if self.units is not None:
            found.append(i.report_unit_code.in_(sorted(self.units)))
        if self.groups is not None:
            found.append(i.reporting_group.in_(sorted(self.groups)))
        if self.articles is not None:
            found.append(i.article.in_(sorted(self.articles)))
        if self.kept:  # NULL NOT IN (…) is unknown: an incident without a unit is left out
            found.append(i.report_unit_code.not_in(sorted(self.kept)))
        return found


def _frozen(values: Collection[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def excluding(query: _Query, exclusions: Sequence[Exclusion]) -> _Query:
    """``query`` without the incidents of each of ``exclusions`` (an empty unit set excludes nothing)."""
    for exclusion in exclusions:
        if exclusion.units is not None and not exclusion.units:
            continue
        query = query.where(not_(and_(*exclusion.matching())))
    return query
