"""Writing validated incidents into ``incidents``, matched by ``(source, source_id)``.

The writer first reads the content hash of every incident the source already has (one query).
Each chunk of records is then *prepared* — content hashes computed, rows sorted into new, changed and
unchanged, the values of new rows encoded for the database — without touching the database, so an
import may prepare in another process; *applying* a prepared chunk inserts the new rows directly,
updates the changed ones with a record of which fields changed, and counts the unchanged. Persons are
linked at the end with set-based statements. Everything runs in the caller's transaction: an import is
all or nothing, and re-importing a file changes nothing.

Bulk inserts go through the DB-API ``executemany`` with values encoded by SQLAlchemy's own bind processors
for the dialect (so they are stored exactly as SQLAlchemy stores them): the per-row overhead of a Core
``insert`` would dominate a million-row import.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from operator import methodcaller
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
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
INSERT_COLUMNS = ["source", *RECORD_COLUMNS, "content_hash", "created_batch_id", "updated_batch_id"]
_ENUM_COLUMNS = frozenset({RECORD_COLUMNS.index("status"), RECORD_COLUMNS.index("location_flag")})

INCIDENTS = cast(Table, IncidentRow.__table__)
PERSONS = cast(Table, Person.__table__)
INCIDENT_PERSONS = cast(Table, IncidentPerson.__table__)
CHANGES = cast(Table, IncidentChange.__table__)

_staging_metadata = MetaData()
STAGING_PERSONS = Table(
    "antt_staging_persons",
    _staging_metadata,
    Column("source_id", String(64)),  # no index: the link query scans this table and probes incidents
    Column("pseudonym", String(64)),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class MergeCounts:
    new: int
    updated: int
    unchanged: int
    persons_new: int


@dataclass
class PreparedChunk:
    """A chunk of records sorted for the database; plain data, so it may come from another process."""

    new_rows: list[tuple[Any, ...]]  # values of ``INSERT_COLUMNS``, encoded for the dialect
    changed: list[tuple[IncidentRecord, str]]  # (record, content hash)
    persons: list[tuple[str, str]]  # (source id, pseudonym) of the new and changed incidents
    unchanged: int


class RowEncoder:
    """A record's values as ``incidents`` stores them in one dialect, computed without a connection.

    Enum members become their values; every other value goes through its column type's bind processor
    for the dialect (on SQLite: dates and datetimes as ISO text, booleans as 0/1) — what SQLAlchemy itself
    would bind. Enums, dates and booleans repeat across a file, so their encodings are remembered.
    """

    def __init__(self, dialect: Dialect) -> None:
        self._encoders: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(RECORD_COLUMNS):
            column_type = INCIDENTS.c[name].type
            if i in _ENUM_COLUMNS:
                self._encoders.append((i, _Remembered(_enum_value).__getitem__))
                continue
            process: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                continue
            if isinstance(column_type, (Date, Boolean)):  # few distinct values (DateTime is no Date)
                process = _Remembered(process).__getitem__
            elif isinstance(column_type, DateTime):
                process = _fast_datetime(process)
            self._encoders.append((i, process))

    def encode(self, record: IncidentRecord) -> list[Any]:
        """The values of ``RECORD_COLUMNS``."""
        values: list[Any] = list(record[:-1])
        for i, encode in self._encoders:
            value = values[i]
            if value is not None:
                values[i] = encode(value)
        return values


class _Remembered(dict[Any, Any]):
    """The results of ``process`` per value, computed on first use."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        result = self[value] = self.process(value)
        return result


def _enum_value(member: Enum) -> Any:
    return member.value


def _fast_datetime(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's DATETIME processor writes a naive datetime as ``YYYY-MM-DD HH:MM:SS.ffffff`` with Python
    string formatting — exactly what the C method ``isoformat(" ", "microseconds")`` gives, several times
    faster. Records hold naive UTC datetimes; use the method when the processor agrees on probe values."""
    probes = [datetime(2025, 7, 1), datetime(2000, 1, 9, 23, 59, 59, 999999), datetime(1, 2, 3, 4, 5, 6, 7)]
    fast = methodcaller("isoformat", " ", "microseconds")
    return fast if all(process(p) == fast(p) for p in probes) else process


class IncidentWriter:
    """Writes the records of one import into the incidents of ``source``.

    ``write`` = ``apply(prepare(records))``. ``prepare`` reads only what the writer loaded when it was
    created and never uses the session: it may run in a process forked after the writer was created.
    """

    def __init__(
        self, session: Session, source: str, batch_id: int, scope: Collection[str] | None = None
    ) -> None:
        self.session = session
        self.source = source
        self.batch_id = batch_id
        self.new = self.updated = self.unchanged = 0
        self._changed_ids: list[int] = []
        conn = session.connection()
        STAGING_PERSONS.drop(conn, checkfirst=True)
        STAGING_PERSONS.create(conn)
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        # source id → content hash of every incident of the source (ids are looked up for changed rows only);
        # through the driver: a million rows. With a ``scope`` (the reporting-scheme codes an importer bound
        # to some communes may write), incidents outside it are not the writer's: their ids are set apart
        # in ``foreign_ids`` for the validator to refuse, and never counted as updated.
        self.foreign_ids: set[str] = set()
        cursor = conn.connection.cursor()
        try:
            columns = "source_id, content_hash" + ("" if scope is None else ", report_unit_code")
            cursor.execute(f"SELECT {columns} FROM incidents WHERE source = {mark}", (source,))  # noqa: S608
            if scope is None:
                self._existing: dict[str, str] = dict(cast(Iterable[tuple[str, str]], cursor))
            else:
                allowed = frozenset(scope)
                self._existing = {}
                for source_id, digest, unit in cast(Iterable[tuple[str, str, str]], cursor):
                    if unit in allowed:
                        self._existing[source_id] = digest
                    else:
                        self.foreign_ids.add(source_id)
        finally:
            cursor.close()
        placeholders = ", ".join([mark] * len(INSERT_COLUMNS))
        self._insert_sql = f"INSERT INTO incidents ({', '.join(INSERT_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
        self._persons_sql = (
            f"INSERT INTO {STAGING_PERSONS.name} (source_id, pseudonym) VALUES ({mark}, {mark})"  # noqa: S608
        )
        self._encoder = RowEncoder(conn.dialect)

    def write(self, records: list[IncidentRecord]) -> None:
        """Insert the new records of a chunk, update the changed ones, count the unchanged."""
        self.apply(self.prepare(records))

    def prepare(self, records: list[IncidentRecord]) -> PreparedChunk:
        """Sort a chunk into new, changed and unchanged records; encode the new ones. No database access."""
        new_rows: list[tuple[Any, ...]] = []
        changed: list[tuple[IncidentRecord, str]] = []
        persons: list[tuple[str, str]] = []
        unchanged = 0
        existing, source, batch, encode = self._existing, self.source, self.batch_id, self._encoder.encode
        for r in records:
            digest = r.content_hash()
            old = existing.get(r.source_id)
            if old is None:
                new_rows.append((source, *encode(r), digest, batch, batch))
            elif old != digest:
                changed.append((r, digest))
            else:
                unchanged += 1
                continue
            if r.persons:
                persons.extend([(r.source_id, p) for p in r.persons])
        return PreparedChunk(new_rows, changed, persons, unchanged)

    def apply(self, chunk: PreparedChunk) -> None:
        """Insert the new rows of a prepared chunk, update the changed ones, count the unchanged."""
        cursor = self.session.connection().connection.cursor()
        try:
            if chunk.new_rows:
                cursor.executemany(self._insert_sql, chunk.new_rows)
            if chunk.persons:
                cursor.executemany(self._persons_sql, chunk.persons)
        finally:
            cursor.close()
        if chunk.changed:
            self._update(chunk.changed)
        self.new += len(chunk.new_rows)
        self.updated += len(chunk.changed)
        self.unchanged += chunk.unchanged

    def _update(self, changed: list[tuple[IncidentRecord, str]]) -> None:
        """Update changed incidents and record, per incident, each field's old and new value."""
        conn = self.session.connection()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        source_ids = [record.source_id for record, _ in changed]
        old_rows = {
            row.source_id: row
            for start in range(0, len(source_ids), 500)
            for row in conn.execute(
                select(INCIDENTS).where(
                    INCIDENTS.c.source == self.source,
                    INCIDENTS.c.source_id.in_(source_ids[start : start + 500]),
                )
            )
        }
        updates: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for record, digest in changed:
            old = old_rows[record.source_id]
            incident_id = old.id
            self._changed_ids.append(incident_id)
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
        # the changed incidents lose their old links (new ones, inserted by this import, have none)
        if self._changed_ids:
            conn.execute(
                delete(ip).where(ip.c.incident_id == bindparam("i")), [{"i": n} for n in self._changed_ids]
            )
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
