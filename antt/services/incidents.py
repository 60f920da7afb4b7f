"""The incidents behind a figure: the same filters as CompStat, one page at a time, without persons.

Incident rows carry no personal identifiers (persons are pseudonymised in their own table), so listing
them is not a read of person-level data; the person links stay out of this view.

Listing rows shows their number and their dates, and dates rebuild any count: for an actor without the
privilege of seeing small sensitive counts, the rows of the sensitive categories (drug offences, sexual
offences) of the communes it lacks the privilege on are never listed, whatever their number (rule 4 of
docs/disclosure.md; :func:`antt.services.disclosure.withheld_categories`). The page says which
(commune, category) pairs are left out — every one the filter could hold, so the notice tells nothing —
and ``total`` counts the listed rows only.

A restricted group (crimes against national security) is listed only in the communes where the actor may
see it; asked for where it may not, it is not found, like an unknown group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from antt.domain.access import Actor
from antt.domain.periods import Period
from antt.services.compstat import ALL, scope_of
from antt.services.disclosure import Disclosure, exclusions, groups_of, withheld_categories
from antt.storage.engine import Database
from antt.storage.incident_list import count_incidents, incident_page

PAGE_SIZE = 100


@dataclass(frozen=True)
class IncidentLine:
    id: int
    source: str
    source_id: str
    occurred_at: datetime  # UTC
    unit_code: str  # the commune it is reported under (current scheme)
    approximate: bool
    article: str
    clause: int | None
    group: str
    severity: str | None
    status: str
    cleared_on: date | None
    suspects: int | None
    drug_related: bool
    organised_group: bool


@dataclass(frozen=True)
class IncidentPage:
    period: Period
    total: int  # the rows listed (without those withheld)
    page: int
    pages: int
    lines: list[IncidentLine]
    # (commune code, category) pairs whose rows are not listed for this actor (see the module docstring)
    withheld: list[tuple[str, str]] = field(default_factory=list)


def list_incidents(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    group: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> IncidentPage:
    _, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    units = None if unit_code is None and actor.units is None else codes
    # an unknown group, or a restricted one the actor may not see here, is not found; "all" lists every
    # group, the restricted ones' rows left out where the actor may not see them (``exclude``)
    groups = None if group in (None, ALL) else groups_of(actor, group, codes)
    protected = Disclosure(actor).protected(codes)
    withheld = withheld_categories(protected, group)
    exclude = exclusions(actor, protected)
    with database.transaction(write=False) as session:
        total = count_incidents(
            session, period.start, period.end, units=units, groups=groups, exclude=exclude
        )
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        rows = incident_page(
            session,
            period.start,
            period.end,
            units=units,
            groups=groups,
            offset=(page - 1) * page_size,
            limit=page_size,
            exclude=exclude,
        )
        lines = [
            IncidentLine(
                r.id,
                r.source,
                r.source_id,
                r.occurred_at,
                r.report_unit_code,
                r.report_approx,
                r.article,
                r.clause,
                r.reporting_group,
                r.severity or r.severity_min,
                r.status,
                r.cleared_on,
                r.suspects,
                r.drug_related,
                r.organised_group,
            )
            for r in rows
        ]
    return IncidentPage(period, total, page, pages, lines, withheld)
