"""The engine-level parts of backup, restore and copy: SQLite's online backup API and checks, ``pg_dump`` /
``pg_restore`` on a shared snapshot, and a logical table-by-table export and bulk load (PostgreSQL
``COPY``) that works between the two engines.

Tables are reflected from the database itself rather than taken from :mod:`antt.storage.tables`, so a
database at an older schema revision (the one ``antt db upgrade`` is about to migrate) is copied as it is.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.types import JSON, Date, DateTime, LargeBinary

from antt.errors import AnttError
from antt.settings import Settings
from antt.storage import migrate
from antt.storage.tables import AuditRecord

BATCH = 5000
VERSION_TABLE = "alembic_version"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for another engine or an in-memory database)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def reflect(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return metadata


def data_tables(metadata: MetaData) -> list[Table]:
    """Every table, parents before children (the order a load must follow)."""
    return list(metadata.sorted_tables)


def row_counts(connection: Connection, tables: Iterable[Table] | None = None) -> dict[str, int]:
    tables = data_tables(reflect(connection)) if tables is None else tables
    return {t.name: connection.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def has_tables(engine: Engine) -> bool:
    """Whether the database holds any table at all (a fresh file or database holds none)."""
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def schema_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    version = sa.table(VERSION_TABLE, sa.column("version_num"))
    found = connection.scalar(select(version.c.version_num))
    return None if found is None else str(found)


def known_revision(revision: str | None) -> bool:
    """Whether this code's migrations know ``revision`` (an unknown one was made by a newer ANTT)."""
    if revision is None:
        return True
    try:
        return ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def last_backup_details(connection: Connection) -> dict[str, Any] | None:
    """The details of the newest successful ``db.backup`` audit record (its manifest's counts)."""
    row = connection.execute(
        select(AuditRecord.details, AuditRecord.at)
        .where(AuditRecord.action == "db.backup", AuditRecord.outcome == "success")
        .order_by(AuditRecord.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return {**dict(row[0]), "at": row[1]}


def newest_backup_at(connection: Connection, since: datetime | None = None) -> datetime | None:
    """When the newest successful ``db.backup`` was recorded (naive UTC); with ``since``, only records from
    then on are looked at (the index on ``audit_log.at`` keeps that quick on a long log)."""
    query = select(func.max(AuditRecord.at)).where(
        AuditRecord.action == "db.backup", AuditRecord.outcome == "success"
    )
    if since is not None:
        query = query.where(AuditRecord.at >= since)
    found = connection.scalar(query)
    return found if isinstance(found, datetime) else None


# ------------------------------------------------------------------------------------------------ SQLite


def sqlite_snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database through its online backup API, in one step (so in WAL
    mode writers go on while it runs, and the copy is one transaction's view)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def sqlite_problems(path: Path) -> list[str]:
    """What SQLite's ``integrity_check`` and ``foreign_key_check`` find (empty: sound)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        problems = [r[0] for r in connection.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [
            f"foreign key: {table} rowid {rowid} → {parent}"
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
        ]
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        connection.close()


def checkpoint_sqlite(path: Path) -> None:
    """Fold the write-ahead log into the file and empty it (before the file is replaced)."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# -------------------------------------------------------------------------------------------- PostgreSQL


def pg_tools() -> bool:
    return shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes in the environment, never on a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


class ToolFailed(AnttError):
    exit_code = 1


def _run(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise ToolFailed(f"{args[0]} thất bại: {detail[0]}", f"{args[0]} failed: {detail[0]}")


@contextmanager
def pg_snapshot(engine: Engine) -> Iterator[tuple[Connection, str]]:
    """A read-only repeatable-read transaction and its exported snapshot id: ``pg_dump --snapshot`` and the
    manifest's counts then see exactly the same rows."""
    with (
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
        connection.begin(),
    ):
        connection.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        yield connection, str(snapshot)


def pg_dump(url: str, target: Path, snapshot: str | None) -> None:
    conninfo, env = _libpq(url)
    args = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    _run([*args, conninfo], env)


def pg_restore(url: str, source: Path, *, clean: bool) -> None:
    """All or nothing (one transaction): a killed restore leaves the database as it was."""
    conninfo, env = _libpq(url)
    args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, f"--dbname={conninfo}", str(source)], env)


def reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Set each serial/identity sequence past the largest id loaded (PostgreSQL; SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for one in tables:
        for pk in one.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": one.name, "c": pk.name}
            )
            if sequence:
                key = one.c[pk.name]
                connection.execute(
                    select(func.setval(sequence, func.coalesce(func.max(key), 1), func.max(key).is_not(None)))
                )


# --------------------------------------------------------------------------------- logical export / load


def rows_of(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` in primary-key order, streamed."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for row in result.mappings():
        yield dict(row)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):  # a file kept in the database (a survey's attachment)
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot export {type(value).__name__}")


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, default=_plain, separators=(",", ":")).encode("utf-8"))
        out.write(b"\n")
        count += 1
    return count


def read_jsonl(source: IO[bytes], table: Table) -> Iterator[dict[str, Any]]:
    """Rows written by :func:`write_jsonl`, with dates and times turned back into Python values by the
    target table's column types."""
    converters: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            converters[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            converters[column.name] = date.fromisoformat
        elif isinstance(column.type, LargeBinary):
            converters[column.name] = base64.b64decode
    for line in source:
        row = json.loads(line)
        for name, convert in converters.items():
            if row.get(name) is not None:
                row[name] = convert(row[name])
        yield row


def create_schema(connection: Connection, settings: Settings, revision: str) -> None:
    """Migrate an empty database to ``revision`` inside the caller's transaction."""
    config = migrate.alembic_config(connection.engine)
    config.attributes["antt_settings"] = settings
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def clear_rows(connection: Connection, tables: Iterable[Table]) -> None:
    """Empty every table but the schema version (children first)."""
    for table in reversed(list(tables)):
        if table.name != VERSION_TABLE:
            connection.execute(table.delete())


def load_rows(
    connection: Connection, table: Table, rows: Iterable[dict[str, Any]], progress: Callable[[int], None]
) -> int:
    """Bulk-load ``rows`` into ``table``: PostgreSQL ``COPY``, batched inserts elsewhere."""
    if connection.dialect.name == "postgresql":
        return _copy_in(connection, table, rows, progress)
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            count += len(batch)
            progress(len(batch))
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
        progress(len(batch))
    return count


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw_rows(connection: Connection, table: Table, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """The ``names`` columns of every row of a SQLite ``table``, in primary-key order, exactly as the driver
    returns them (dates and times as text, booleans as 0/1, JSON as text): what PostgreSQL's ``COPY``
    text format reads as it is, without SQLAlchemy's type processing of every value (most of the time a
    copy took)."""
    order = [c.name for c in table.primary_key.columns] or names
    columns, ordered = ", ".join(map(_quoted, names)), ", ".join(map(_quoted, order))
    sql = f"SELECT {columns} FROM {_quoted(table.name)} ORDER BY {ordered}"  # noqa: S608 - reflected names, quoted
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield from batch
    finally:
        cursor.close()


def copy_raw(
    connection: Connection,
    table: Table,
    names: list[str],
    rows: Iterable[tuple[Any, ...]],
    progress: Callable[[int], None],
) -> int:
    """``COPY`` rows of :func:`raw_rows` (values in ``names`` order) into a PostgreSQL ``table``."""
    from psycopg.copy import QueuedLibpqWriter

    cursor: Any = connection.connection.cursor()
    count = 0
    statement = f"COPY {_quoted(table.name)} ({', '.join(map(_quoted, names))}) FROM STDIN"
    # the queued writer sends from a thread of its own: reading SQLite and loading PostgreSQL overlap
    with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        write = copy.write_row
        for row in rows:
            write(row)
            count += 1
            if count % BATCH == 0:
                progress(BATCH)
    progress(count % BATCH)
    return count


@contextmanager
def pg_deferred_keys(connection: Connection) -> Iterator[None]:
    """Load first, then index and check, as ``pg_restore`` does: during a ``COPY`` PostgreSQL checks each
    foreign key row by row (a trigger per row and key) and grows each index, the primary and unique keys'
    included, one entry at a time, which took most of a copy's time. Inside the load's own transaction (so
    nobody ever sees the tables without them), the foreign keys, then the primary and unique keys, then the
    other indexes are dropped, and after the rows are in re-created from their own definitions in the
    reverse order: each index in one sort (given the memory to sort in one pass), each key checked at once
    — a row that breaks one still fails the whole load."""
    constraints = connection.execute(
        text(
            "SELECT contype, conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('f', 'p', 'u') "
            "AND connamespace = current_schema()::regnamespace ORDER BY contype = 'f' DESC, oid"
        )
    ).all()
    indexes = connection.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = current_schema()::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY i.indexrelid"
        )
    ).all()
    for _, table, name, _ in constraints:  # foreign keys first: they depend on the keys they reference
        connection.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
    for name, _ in indexes:
        connection.execute(text(f"DROP INDEX {name}"))
    yield
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for _, definition in indexes:
        connection.execute(text(definition))
    for _, table, name, definition in reversed(constraints):  # keys before the foreign keys using them
        connection.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))


def _copy_in(
    connection: Connection, table: Table, rows: Iterable[dict[str, Any]], progress: Callable[[int], None]
) -> int:
    from psycopg.types.json import Json

    names = [c.name for c in table.columns]
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{n}"' for n in names)
    cursor: Any = connection.connection.cursor()  # psycopg's own cursor: COPY needs it
    count = 0
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    Json(row.get(n)) if n in json_columns and row.get(n) is not None else row.get(n)
                    for n in names
                ]
            )
            count += 1
            if count % BATCH == 0:
                progress(BATCH)
    progress(count % BATCH)
    return count
