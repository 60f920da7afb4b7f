"""Listing Penal Code articles with their reporting group and severity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from antt.domain.offences import Offence, SeverityRange
from antt.domain.reference import offence_table


@dataclass(frozen=True)
class OffenceView:
    offence: Offence
    group_name_vi: str
    severity: SeverityRange | None


def list_offences(group: str | None = None, on: date | None = None) -> list[OffenceView]:
    """Articles in force on ``on`` (default: today), optionally of one reporting group."""
    table = offence_table()
    day = on or date.today()
    if group is not None:
        table.group(group)  # raises NotFound for an unknown group
    return [
        OffenceView(o, table.group(o.reporting_group).name_vi, o.severity(None, day))
        for o in table.offences
        if o.is_offence and o.in_force_on(day) and (group is None or o.reporting_group == group)
    ]
