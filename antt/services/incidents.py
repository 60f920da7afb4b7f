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

One incident (:func:`get_incident`) follows the same rules: outside the actor's communes, or of a category
the list would leave out for the actor, it is not found — a 404 that reads like an id that does not exist.
Its persons are shown, by pseudonym only, to roles allowed person-level reads (:data:`PERSONS_ACTION`) on
its commune, and that read is audited (``incidents.persons``); nobody else learns even how many are named.

An export (:func:`export_incidents`) is every listed row of the filters, up to :data:`EXPORT_LIMIT`: a
larger one is refused (narrow the filters) rather than cut short without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from antt.domain.access import Action, Actor
from antt.domain.periods import Period
from antt.domain.reference import unit_catalog
from antt.errors import InvalidInput, NotFound
from antt.services.compstat import ALL, scope_of
from antt.services.disclosure import Disclosure, exclusions, groups_of, withheld_categories
from antt.storage import audit
from antt.storage.engine import Database
from antt.storage.incident_list import count_incidents, incident_by_id, incident_page, incident_persons

PAGE_SIZE = 100
#: the most rows one export holds (a city's year at scale 1 is ≈ 20 000 incidents)
EXPORT_LIMIT = 100_000
#: the privilege of seeing who an incident names (by pseudonym): person-level data (domain.access)
PERSONS_ACTION = Action.VIEW_PERSONS


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


def export_incidents(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    group: str | None = None,
    limit: int = EXPORT_LIMIT,
) -> IncidentPage:
    """Every incident :func:`list_incidents` lists for these filters, on one page; more than ``limit`` is
    refused (``InvalidInput``): an export is never silently cut short."""
    found = list_incidents(database, actor, period, unit_code=unit_code, group=group, page_size=limit)
    if found.total > limit:
        total_vi, limit_vi = (f"{n:,}".replace(",", ".") for n in (found.total, limit))
        raise InvalidInput(
            f"Có {total_vi} vụ việc, quá {limit_vi} vụ của một lần tải: hãy thu hẹp bộ lọc "
            "(kỳ ngắn hơn, một xã/phường hoặc một nhóm tội).",
            f"{found.total:,} incidents is more than the {limit:,} one download holds: narrow the filters "
            "(a shorter period, one commune or one offence group).",
        )
    return found


@dataclass(frozen=True)
class IncidentDetail:
    """One incident as its page shows it: facts only. ``persons`` is ``None`` when the actor may not see
    them (not even their number), else the ``(pseudonym, role)`` of each person named."""

    id: int
    source: str
    source_id: str
    occurred_at: datetime  # UTC
    reported_at: datetime | None  # UTC
    unit_code: str  # the commune in the current scheme
    approximate: bool
    recorded_scheme: str  # the unit as recorded (an older map's code, for an incident before a merger)
    recorded_code: str
    lat: float | None
    lon: float | None
    location_flag: str
    article: str
    clause: int | None
    group: str
    severity: str | None  # exact when known
    severity_min: str | None
    severity_max: str | None
    status: str
    cleared_on: date | None
    suspects: int | None
    victims: int | None
    drug_related: bool
    organised_group: bool
    damage_vnd: int | None
    persons: tuple[tuple[str, str], ...] | None = None


def get_incident(
    database: Database, actor: Actor, incident_id: int, *, client_address: str = ""
) -> IncidentDetail:
    """The incident ``incident_id`` if the list would show it to ``actor`` (its communes, the categories it
    may see), else ``NotFound``. Its persons' pseudonyms come with it for roles allowed
    :data:`PERSONS_ACTION` on its commune; that read is audited."""
    _, communes = scope_of(actor, None)
    codes = [c.code for c in communes]
    units = None if actor.units is None else codes
    exclude = exclusions(actor, Disclosure(actor).protected(codes))
    scheme = unit_catalog().current.code
    with database.transaction(write=False) as session:
        row = incident_by_id(session, incident_id, units=units, exclude=exclude)
        if row is None:
            raise NotFound(f"Không có vụ việc số {incident_id}.", f"No incident {incident_id}.")
        allowed = actor.can(PERSONS_ACTION, (scheme, row.report_unit_code))
        persons = tuple(incident_persons(session, row.id)) if allowed else None
        detail = IncidentDetail(
            row.id,
            row.source,
            row.source_id,
            row.occurred_at,
            row.reported_at,
            row.report_unit_code,
            row.report_approx,
            row.unit_scheme,
            row.unit_code,
            row.lat,
            row.lon,
            row.location_flag,
            row.article,
            row.clause,
            row.reporting_group,
            row.severity,
            row.severity_min,
            row.severity_max,
            row.status,
            row.cleared_on,
            row.suspects,
            row.victims,
            row.drug_related,
            row.organised_group,
            row.damage_vnd,
            persons,
        )
    if persons is not None:
        with database.transaction() as session:
            audit.append(
                session,
                actor=actor.name,
                action="incidents.persons",
                outcome="ok",
                obj=f"incident:{detail.id}",
                client=client_address,
                details={"source_id": detail.source_id, "persons": len(persons)},
            )
    return detail
