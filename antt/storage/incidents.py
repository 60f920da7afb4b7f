"""Writing validated incidents into ``incidents``, matched by ``(source, source_id)``.

The writer first reads the id and content hash of every incident the source already has (one query),
then, chunk by chunk: rows it has not seen are inserted directly, rows whose hash differs are updated
with a record of which fields changed, and unchanged rows cost only the hash. Persons are linked at the
end with set-based statements. Everything runs in the caller's transaction: an import is all or nothing,
and re-importing a file changes nothing.

Bulk statements go through the DB-API ``executemany`` with SQLAlchemy's own bind processors (so values
are stored exactly as SQLAlchemy stores them): the per-row overhead of a Core ``insert`` would dominate a
million-row import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, cast

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from antt.domain.incidents import IncidentRecord
from antt.storage.tables import IncidentChange, IncidentPerson, IncidentRow, Person

# Columns copied from a record into ``incidents`` (everything but the persons), in record order.
RECORD_COLUMNS = [name for name in IncidentRecord._fields if name != "persons"]
_ENUM_COLUMNS = frozenset({RECORD_COLUMNS.index("status"), RECORD_COLUMNS.index("location_flag")})

INCIDENTS = cast(Table, IncidentRow.__table__)
PERSONS = cast(Table, Person.__table__)
INCIDENT_PERSONS = cast(Table, IncidentPerson.__table__)
CHANGES = cast(Table, IncidentChange.__table__)

_staging_metadata = MetaData()
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
    """Writes the records of one import into the incidents of ``source``."""

    def __init__(self, session: Session, source: str, batch_id: int) -> None:
        self.session = session
        self.source = source
        self.batch_id = batch_id
        self.new = self.updated = self.unchanged = 0
        conn = session.connection()
        STAGING_PERSONS.drop(conn, checkfirst=True)
        STAGING_PERSONS.create(conn)
        self._existing: dict[str, tuple[int, str]] = {
            sid: (iid, h)
            for sid, iid, h in conn.execute(
                select(INCIDENTS.c.source_id, INCIDENTS.c.id, INCIDENTS.c.content_hash).where(
                    INCIDENTS.c.source == source
                )
            )
        }
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        columns = ["source", *RECORD_COLUMNS, "content_hash", "created_batch_id", "updated_batch_id"]
        placeholders = ", ".join([mark] * len(columns))
        self._insert_sql = f"INSERT INTO incidents ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        self._persons_sql = (
            f"INSERT INTO {STAGING_PERSONS.name} (source_id, pseudonym) VALUES ({mark}, {mark})"  # noqa: S608
        )
        self._processors: list[tuple[int, Callable[[Any], Any]]] = [
            (i, process)
            for i, name in enumerate(RECORD_COLUMNS)
            if i not in _ENUM_COLUMNS
            and (process := INCIDENTS.c[name].type.bind_processor(conn.dialect)) is not None
        ]

    def write(self, records: list[IncidentRecord]) -> None:
        """Insert the new records of a chunk, update the changed ones, count the unchanged."""
        new_rows: list[tuple[Any, ...]] = []
        changed: list[tuple[int, IncidentRecord, str]] = []
        persons: list[tuple[str, str]] = []
        existing, source, batch = self._existing, self.source, self.batch_id
        for r in records:
            digest = r.content_hash()
            old = existing.get(r.source_id)
            if old is None:
                new_rows.append((source, *self._db_values(r), digest, batch, batch))
            elif old[1] != digest:
                changed.append((old[0], r, digest))
            else:
                self.unchanged += 1
                continue
            persons.extend((r.source_id, p) for p in r.persons)
        cursor = self.session.connection().connection.cursor()
        try:
            if new_rows:
                cursor.executemany(self._insert_sql, new_rows)
            if persons:
                cursor.executemany(self._persons_sql, persons)
        finally:
            cursor.close()
        if changed:
            self._update(changed)
        self.new += len(new_rows)
        self.updated += len(changed)

    def _db_values(self, record: IncidentRecord) -> list[Any]:
        values: list[Any] = list(record[:-1])
        for i in _ENUM_COLUMNS:
            values[i] = values[i].value
        for i, process in self._processors:
            if values[i] is not None:
                values[i] = process(values[i])
        return values

    def _update(self, changed: list[tuple[int, IncidentRecord, str]]) -> None:
        """Update changed incidents and record, per incident, each field's old and new value."""
        conn = self.session.connection()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        ids = [incident_id for incident_id, _, _ in changed]
        old_rows = {
            row.id: row
            for start in range(0, len(ids), 500)
            for row in conn.execute(select(INCIDENTS).where(INCIDENTS.c.id.in_(ids[start : start + 500])))
        }
        updates: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for incident_id, record, digest in changed:
            old = old_rows[incident_id]
            new_values = {name: _plain(getattr(record, name)) for name in RECORD_COLUMNS}
            diff: dict[str, object] = {
                name: [_jsonable(getattr(old, name)), _jsonable(value)]
                for name, value in new_values.items()
                if getattr(old, name) != value
            }
            if not diff:  # only the linked persons changed
                diff = {"persons": "changed"}
            updates.append(
                {
                    "row_id": incident_id,
                    "v_content_hash": digest,
                    **{f"v_{k}": v for k, v in new_values.items()},
                }
            )
            history.append(
                {"incident_id": incident_id, "batch_id": self.batch_id, "changed_at": now, "changes": diff}
            )
        conn.execute(
            INCIDENTS.update()
            .where(INCIDENTS.c.id == bindparam("row_id"))
            .values(
                updated_batch_id=self.batch_id,
                content_hash=bindparam("v_content_hash"),
                **{name: bindparam(f"v_{name}") for name in RECORD_COLUMNS},
            ),
            updates,
        )
        conn.execute(insert(CHANGES), history)

    def finish(self) -> MergeCounts:
        """Link persons of the new and changed incidents; return the counts of the whole import."""
        persons_new = self._link_persons(self.session.connection()) if self.new or self.updated else 0
        STAGING_PERSONS.drop(self.session.connection(), checkfirst=True)
        return MergeCounts(self.new, self.updated, self.unchanged, persons_new)

    def _link_persons(self, conn: Connection) -> int:
        sp, i, p, ip = STAGING_PERSONS, INCIDENTS, PERSONS, INCIDENT_PERSONS
        touched = select(i.c.id).where(i.c.source == self.source, i.c.updated_batch_id == self.batch_id)
        conn.execute(delete(ip).where(ip.c.incident_id.in_(touched)))
        before = conn.execute(select(func.count()).select_from(p)).scalar_one()
        conn.execute(
            insert(p).from_select(
                ["pseudonym", "first_batch_id"],
                select(sp.c.pseudonym, bindparam("b", self.batch_id))
                .distinct()
                .where(~select(p.c.id).where(p.c.pseudonym == sp.c.pseudonym).exists()),
            )
        )
        conn.execute(
            insert(ip).from_select(
                ["incident_id", "person_id", "role"],
                select(i.c.id, p.c.id, bindparam("r", "suspect"))
                .distinct()
                .select_from(sp)
                .join(i, and_(i.c.source == self.source, i.c.source_id == sp.c.source_id))
                .join(p, p.c.pseudonym == sp.c.pseudonym),
            )
        )
        return int(conn.execute(select(func.count()).select_from(p)).scalar_one() - before)


def _plain(value: object) -> object:
    """Enum members as their values, for comparison with and storage in the database."""
    return value.value if isinstance(value, Enum) else value


def _jsonable(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
