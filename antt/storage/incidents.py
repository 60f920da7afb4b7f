"""Writing validated incidents: stage, then merge into ``incidents`` by ``(source, source_id)``.

Validated records are first bulk-inserted into a temporary staging table; three set-based statements then
insert the new incidents, find the changed ones (content hash differs), and link persons. Only the
changed rows come back to Python, to record which fields changed. Everything runs in the caller's
transaction, so an import is all or nothing, and re-importing a file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from antt.domain.incidents import IncidentRecord
from antt.storage.tables import IncidentChange, IncidentPerson, IncidentRow, Person

# Columns copied from a record into ``incidents`` (everything but the persons).
RECORD_COLUMNS = [f.name for f in fields(IncidentRecord) if f.name != "persons"]
TRACKED_COLUMNS = RECORD_COLUMNS  # the fields whose changes are recorded in incident_changes

INCIDENTS = cast(Table, IncidentRow.__table__)
PERSONS = cast(Table, Person.__table__)
INCIDENT_PERSONS = cast(Table, IncidentPerson.__table__)
CHANGES = cast(Table, IncidentChange.__table__)

_staging_metadata = MetaData()
STAGING = Table(
    "antt_staging_incidents",
    _staging_metadata,
    Column("source_id", String(64), primary_key=True),
    Column("occurred_at", DateTime),
    Column("occurred_on", Date),
    Column("reported_at", DateTime),
    Column("unit_scheme", String(16)),
    Column("unit_code", String(8)),
    Column("lat", Float),
    Column("lon", Float),
    Column("location_flag", String(12)),
    Column("article", String(8)),
    Column("clause", Integer),
    Column("reporting_group", String(24)),
    Column("severity", String(24)),
    Column("severity_max", String(24)),
    Column("status", String(24)),
    Column("cleared_on", Date),
    Column("suspects", Integer),
    Column("victims", Integer),
    Column("drug_related", Boolean),
    Column("organised_group", Boolean),
    Column("damage_vnd", BigInteger),
    Column("note", Text),
    Column("content_hash", String(32)),
    Column("state", String(8)),
    prefixes=["TEMPORARY"],
)
STAGING_PERSONS = Table(
    "antt_staging_persons",
    _staging_metadata,
    Column("source_id", String(64), index=True),
    Column("pseudonym", String(64)),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class MergeCounts:
    new: int
    updated: int
    unchanged: int
    persons_new: int


class IncidentWriter:
    """Stages records of one import and merges them into the incidents of ``source``."""

    def __init__(self, session: Session, source: str, batch_id: int) -> None:
        self.session = session
        self.source = source
        self.batch_id = batch_id
        self.staged = 0
        conn = session.connection()
        for table in (STAGING_PERSONS, STAGING):
            table.drop(conn, checkfirst=True)
            table.create(conn)

    def stage(self, records: list[IncidentRecord]) -> None:
        if not records:
            return
        conn = self.session.connection()
        rows: list[dict[str, Any]] = []
        persons: list[dict[str, str]] = []
        for r in records:
            row = {name: getattr(r, name) for name in RECORD_COLUMNS}
            row["status"] = r.status.value
            row["location_flag"] = r.location_flag.value
            row["content_hash"] = r.content_hash()
            rows.append(row)
            persons.extend({"source_id": r.source_id, "pseudonym": p} for p in r.persons)
        conn.execute(insert(STAGING), rows)
        if persons:
            conn.execute(insert(STAGING_PERSONS), persons)
        self.staged += len(records)

    def merge(self) -> MergeCounts:
        conn = self.session.connection()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        s, i = STAGING, INCIDENTS

        match = and_(i.c.source == self.source, i.c.source_id == s.c.source_id)
        conn.execute(update(s).values(state="new").where(~select(i.c.id).where(match).exists()))
        conn.execute(
            update(s)
            .values(state="changed")
            .where(select(i.c.id).where(match, i.c.content_hash != s.c.content_hash).exists())
        )
        counts: dict[str, int] = dict(conn.execute(select(s.c.state, func.count()).group_by(s.c.state)).all())
        new, changed = counts.get("new", 0), counts.get("changed", 0)

        if changed:
            self._record_changes(now)
        if new:
            cols = [*RECORD_COLUMNS, "content_hash"]
            conn.execute(
                insert(i).from_select(
                    ["source", *cols, "created_batch_id", "updated_batch_id"],
                    select(
                        bindparam("src", self.source),
                        *[s.c[c] for c in cols],
                        bindparam("b1", self.batch_id),
                        bindparam("b2", self.batch_id),
                    )
                    .where(s.c.state == "new")
                    .order_by(s.c.occurred_at, s.c.source_id),
                )
            )
        persons_new = self._link_persons() if new or changed else 0
        return MergeCounts(new, changed, self.staged - new - changed, persons_new)

    def _record_changes(self, now: datetime) -> None:
        conn = self.session.connection()
        s, i = STAGING, INCIDENTS
        old_cols = [i.c.id, *[i.c[c] for c in TRACKED_COLUMNS]]
        new_cols = [s.c[c].label(f"new_{c}") for c in [*TRACKED_COLUMNS, "content_hash"]]
        rows = (
            conn.execute(
                select(*old_cols, *new_cols)
                .join(s, and_(i.c.source == self.source, i.c.source_id == s.c.source_id))
                .where(s.c.state == "changed")
            )
            .mappings()
            .all()
        )
        updates: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for row in rows:
            diff = {
                c: [_jsonable(row[c]), _jsonable(row[f"new_{c}"])]
                for c in TRACKED_COLUMNS
                if row[c] != row[f"new_{c}"]
            }
            values = {f"v_{c}": row[f"new_{c}"] for c in [*TRACKED_COLUMNS, "content_hash"]}
            updates.append({"row_id": row["id"], **values})
            history.append(
                {"incident_id": row["id"], "batch_id": self.batch_id, "changed_at": now, "changes": diff}
            )
        conn.execute(
            update(i)
            .where(i.c.id == bindparam("row_id"))
            .values(
                updated_batch_id=self.batch_id,
                **{c: bindparam(f"v_{c}") for c in [*TRACKED_COLUMNS, "content_hash"]},
            ),
            updates,
        )
        conn.execute(insert(CHANGES), history)

    def _link_persons(self) -> int:
        conn = self.session.connection()
        s, sp, i = STAGING, STAGING_PERSONS, INCIDENTS
        p, ip = PERSONS, INCIDENT_PERSONS
        before = conn.execute(select(func.count()).select_from(p)).scalar_one()
        conn.execute(
            insert(p).from_select(
                ["pseudonym", "first_batch_id"],
                select(sp.c.pseudonym, bindparam("b", self.batch_id))
                .distinct()
                .where(~select(p.c.id).where(p.c.pseudonym == sp.c.pseudonym).exists()),
            )
        )
        touched = (
            select(i.c.id)
            .join(s, and_(i.c.source == self.source, i.c.source_id == s.c.source_id))
            .where(s.c.state.in_(["new", "changed"]))
        )
        conn.execute(delete(ip).where(ip.c.incident_id.in_(touched)))
        conn.execute(
            insert(ip).from_select(
                ["incident_id", "person_id", "role"],
                select(i.c.id, p.c.id, bindparam("r", "suspect"))
                .distinct()
                .select_from(sp)
                .join(s, s.c.source_id == sp.c.source_id)
                .join(i, and_(i.c.source == self.source, i.c.source_id == sp.c.source_id))
                .join(p, p.c.pseudonym == sp.c.pseudonym)
                .where(s.c.state.in_(["new", "changed"])),
            )
        )
        return int(conn.execute(select(func.count()).select_from(p)).scalar_one() - before)

    def close(self) -> None:
        conn = self.session.connection()
        for table in (STAGING_PERSONS, STAGING):
            table.drop(conn, checkfirst=True)


def _jsonable(value: object) -> object:
    if isinstance(value, (datetime,)):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return value
