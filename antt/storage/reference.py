"""Make the reference tables equal to the packaged reference data (idempotent).

Rows are inserted or updated, never deleted: an incident may point at a unit or article that a later data
file no longer lists, and history must stay readable. What stored incidents derive from the reference data
follows it: their reporting group (:func:`regroup_incidents`) and, for incidents of a split former commune
whose coordinates don't decide, the successor they count in (:func:`reassign_report_units`).
"""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from antt.domain.incidents import IncidentRecord
from antt.domain.offences import OffenceTable
from antt.domain.units import UnitCatalog
from antt.storage.tables import (
    Base,
    CrosswalkRow,
    IncidentPerson,
    IncidentRow,
    OffenceClauseRow,
    OffenceRow,
    Person,
    ReportingGroupRow,
    UnitRow,
    UnitScheme,
)

RECORD_FIELDS = [name for name in IncidentRecord._fields if name != "persons"]  # = incidents columns


def _sync(session: Session, model: type[Base], keys: tuple[str, ...], rows: list[dict[str, Any]]) -> int:
    """Insert missing rows and update changed ones, matching on ``keys``; return how many changed."""
    existing = {tuple(getattr(obj, k) for k in keys): obj for obj in session.scalars(select(model))}
    changed = 0
    for row in rows:
        obj = existing.get(tuple(row[k] for k in keys))
        if obj is None:
            session.add(model(**row))
            changed += 1
        elif any(getattr(obj, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(obj, k, v)
            changed += 1
    session.flush()
    return changed


def sync_reference_data(
    session: Session, units: UnitCatalog, offences: OffenceTable, geometries: dict[tuple[str, str], Any]
) -> dict[str, int]:
    """Bring schemes, units (with their GeoJSON geometry where known), crosswalk and offences up to date."""
    counts = {
        "unit_schemes": _sync(
            session,
            UnitScheme,
            ("code",),
            [
                {
                    "code": s.code,
                    "name_vi": s.name_vi,
                    "name_en": s.name_en,
                    "valid_from": s.valid_from,
                    "valid_to": s.valid_to,
                    "source": s.source,
                }
                for s in units.schemes
            ],
        ),
        "units": _sync(
            session,
            UnitRow,
            ("scheme", "code"),
            [
                {
                    "scheme": u.scheme,
                    "code": u.code,
                    "name": u.name,
                    "short_name": u.short_name,
                    "kind": u.kind,
                    "level": u.level.value,
                    "parent_code": u.parent_code,
                    "area_km2": u.area_km2,
                    "geometry": json.dumps(geometries[u.key], separators=(",", ":"))
                    if u.key in geometries
                    else None,
                }
                for u in units.units
            ],
        ),
        "unit_crosswalk": _sync(
            session,
            CrosswalkRow,
            ("old_scheme", "old_code", "new_scheme", "new_code"),
            [
                {
                    "old_scheme": link.old_scheme,
                    "old_code": link.old_code,
                    "new_scheme": link.new_scheme,
                    "new_code": link.new_code,
                    "transfer": link.transfer.value,
                    "note_vi": link.note_vi,
                }
                for link in units.links
            ],
        ),
        "reporting_groups": _sync(
            session,
            ReportingGroupRow,
            ("code",),
            [
                {"code": g.code, "name_vi": g.name_vi, "name_en": g.name_en, "sort_order": g.sort_order}
                for g in offences.groups
            ],
        ),
        "offences": _sync(
            session,
            OffenceRow,
            ("article",),
            [
                {
                    "article": o.article,
                    "name_vi": o.name_vi,
                    "chapter": o.chapter,
                    "section": o.section,
                    "reporting_group": o.reporting_group,
                    "valid_from": o.valid_from,
                    "valid_to": o.valid_to,
                }
                for o in offences.offences
            ],
        ),
    }
    counts["offence_clauses"] = _sync(
        session,
        OffenceClauseRow,
        ("article", "clause", "valid_from"),
        [
            {
                "article": c.article,
                "clause": c.clause,
                "max_penalty": c.max_penalty,
                "severity": c.severity.value,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
            }
            for o in offences.offences
            for c in o.clauses
        ],
    )
    counts["incidents_regrouped"] = regroup_incidents(session)
    counts["incidents_reassigned"] = reassign_report_units(session, units)
    return counts


def regroup_incidents(session: Session) -> int:
    """Give every incident the reporting group its article has now (after the mapping file was edited)."""
    group_now = select(OffenceRow.reporting_group).where(OffenceRow.article == IncidentRow.article)
    result = session.execute(
        update(IncidentRow)
        .where(IncidentRow.reporting_group != group_now.scalar_subquery())
        .values(reporting_group=group_now.scalar_subquery()),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def reassign_report_units(session: Session, units: UnitCatalog, chunk: int = 1000) -> int:
    """Move incidents placed approximately to the successor :meth:`UnitCatalog.report_unit` picks now.

    An incident of a split former commune whose coordinates don't decide (none, or a point outside every
    successor) counts in a default successor — since the crosswalk carries the population remark, the one
    that received the whole population. Incidents imported under an older rule move there; they stay
    flagged approximate. The content hash is recomputed from the stored fields (and the linked persons'
    pseudonyms, as the importer orders them), so re-importing the unchanged file reports them unchanged.
    Returns how many incidents moved.
    """
    moves: list[tuple[str, str, str, str]] = []
    for scheme, code, stored in session.execute(
        select(IncidentRow.unit_scheme, IncidentRow.unit_code, IncidentRow.report_unit_code)
        .where(IncidentRow.report_approx.is_(True))
        .distinct()
    ):
        unit = units.find(scheme, code)
        if unit is None:  # a unit a later data file no longer lists: leave its incidents as they are
            continue
        wanted, approximate = units.report_unit(unit, None)
        if approximate and wanted != stored:
            moves.append((scheme, code, stored, wanted))
    moved = 0
    table = cast(Table, IncidentRow.__table__)
    for scheme, code, stored, wanted in moves:
        rows = session.execute(
            select(table.c.id, *(table.c[name] for name in RECORD_FIELDS)).where(
                table.c.report_approx.is_(True),
                table.c.unit_scheme == scheme,
                table.c.unit_code == code,
                table.c.report_unit_code == stored,
            )
        ).all()
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            persons: dict[int, list[str]] = {}
            for incident_id, pseudonym in session.execute(
                select(IncidentPerson.incident_id, Person.pseudonym)
                .join(Person, Person.id == IncidentPerson.person_id)
                .where(IncidentPerson.incident_id.in_([r.id for r in part]))
            ):
                persons.setdefault(incident_id, []).append(pseudonym)
            session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(report_unit_code=bindparam("v_code"), content_hash=bindparam("v_hash")),
                [
                    {
                        "row_id": r.id,
                        "v_code": wanted,
                        "v_hash": IncidentRecord(
                            **{**dict(zip(RECORD_FIELDS, r[1:], strict=True)), "report_unit_code": wanted},
                            persons=tuple(sorted(set(persons.get(r.id, ())))),
                        ).content_hash(),
                    }
                    for r in part
                ],
            )
        moved += len(rows)
    return moved
