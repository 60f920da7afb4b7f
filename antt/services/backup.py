"""``antt db backup`` and ``antt db verify``, and the backup ``antt db upgrade`` takes first.

A backup is one consistent view of the database — SQLite's online backup API (the server may keep
writing), or ``pg_dump`` on an exported snapshot, or a logical export of every table in one repeatable-read
transaction — packed by :mod:`antt.services.backup_archive` with a manifest: schema revision, rows per
table, the audit chain's head, creation time, ANTT version and each member's SHA-256, all taken from that
same view. The file appears under its name only when complete (written beside it, then renamed).
"""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, create_engine
from sqlalchemy.orm import Session

import antt
from antt.domain.access import Action, Actor
from antt.errors import DiskFull, InvalidInput
from antt.services import backup_archive as archive
from antt.storage import audit, audit_verify
from antt.storage import backup as engine_level
from antt.storage.engine import Database

SUFFIX = ".anttbak"
SQLITE_MEMBER = "antt.sqlite"
PG_MEMBER = "antt.pgdump"
TABLE_MEMBER = re.compile(r"^tables/([a-z_][a-z0-9_]*)\.jsonl$")
#: tables whose rows are never deleted in normal use: fewer than at the last backup means data was lost
APPEND_ONLY = ("audit_log", "incidents", "import_batches", "persons", "incident_changes")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    bytes: int
    manifest: dict[str, Any]
    encrypted: bool
    removed: list[Path] = field(default_factory=list)


def audit_head(session: Session) -> dict[str, Any]:
    """The audit chain's head: the one place backups read it (records, last id, last hash)."""
    records, head_id, head_hash = audit_verify.chain_head(session)
    return {"records": records, "id": head_id, "hash": head_hash}


def record(database: Database, operator: str, action: str, outcome: str, details: dict[str, object]) -> None:
    """Append one audit record for a database operation (its own transaction)."""
    with database.transaction() as session:
        audit.append(session, actor=operator, action=action, outcome=outcome, obj="database", details=details)


def describe_view(connection: Connection, kind: str) -> dict[str, Any]:
    """The manifest of what ``connection`` sees now (its transaction's view), members still to add."""
    tables = engine_level.data_tables(engine_level.reflect(connection))
    return {
        "format": archive.FORMAT,
        "kind": kind,
        "engine": connection.dialect.name,
        "schema_revision": engine_level.schema_revision(connection),
        "tables": engine_level.row_counts(connection, tables),
        "audit_head": audit_head(Session(bind=connection)),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "antt_version": antt.__version__,
        "members": {},
    }


class _Hashing:
    """A read-only file that hashes what passes through it (so the tar member's SHA-256 is free)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        return data


def add_member(tar: tarfile.TarFile, manifest: dict[str, Any], name: str, path: Path) -> None:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    with path.open("rb") as fh:
        hashing = _Hashing(fh)
        tar.addfile(info, hashing)
    manifest["members"][name] = {"sha256": hashing.digest.hexdigest(), "bytes": info.size}


def output_path(out: Path, now: datetime | None = None) -> Path:
    """``out`` itself, or a new time-stamped name inside it when it is a folder; never an existing file."""
    if out.is_dir():
        moment = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
        out = out / f"antt-{moment}{SUFFIX}"
    if out.exists():
        raise InvalidInput(
            f"Tệp {out} đã có: không ghi đè một bản sao lưu.",
            f"{out} already exists: a backup is never overwritten.",
        )
    if not out.parent.is_dir():
        raise InvalidInput(f"Không có thư mục {out.parent}.", f"The folder {out.parent} does not exist.")
    return out


@contextmanager
def _scratch(beside: Path, suffix: str) -> Iterator[Path]:
    """A hidden temporary path beside ``beside`` (same disk), removed afterwards whatever happens."""
    path = beside.with_name(f".{beside.name}.{os.getpid()}.{suffix}")
    try:
        yield path
    finally:
        with suppress(FileNotFoundError):
            path.unlink()


def backup_database(
    database: Database,
    out: Path,
    *,
    operator: str,
    key_file: Path | None = None,
    keep: int | None = None,
    logical: bool = False,
) -> BackupResult:
    """Back the database up into ``out`` (a file, or a folder for a time-stamped name), encrypted when a
    ``key_file`` is given; then keep only the ``keep`` newest backups of that folder. Audited as
    ``db.backup`` (and as a failure when it fails)."""
    if keep is not None and keep < 1:
        raise InvalidInput("--keep phải ≥ 1.", "--keep must be at least 1.")
    database.settings.key_bytes()  # the audit record needs the key: refuse now, before writing anything
    secret = archive.read_key_file(key_file) if key_file else None
    target = output_path(out)
    archive.sweep_leftovers(target.parent)
    try:
        result = _write_backup(database, target, secret, logical)
    except Exception as exc:
        with suppress(Exception):
            record(database, operator, "db.backup", "failure", {"file": str(target), "error": str(exc)[:500]})
        if not isinstance(exc, DiskFull) and DiskFull.caused(exc):  # pg_dump's own words included
            raise DiskFull(
                f"Đĩa đầy khi ghi bản sao lưu vào {target.parent}: không có tệp sao lưu nào được tạo, cơ sở dữ "
                "liệu không thay đổi. Hãy giải phóng dung lượng hoặc chọn thư mục khác.",
                f"The disk is full writing the backup into {target.parent}: no backup file was left and the "
                "database is unchanged. Free some space or choose another folder.",
            ) from exc
        raise
    removed = rotate(target.parent, keep, spare=target) if keep else []
    record(
        database,
        operator,
        "db.backup",
        "success",
        {
            "file": str(result.path),
            "sha256": result.sha256,
            "bytes": result.bytes,
            "encrypted": result.encrypted,
            "kind": result.manifest["kind"],
            "schema_revision": result.manifest["schema_revision"],
            "tables": result.manifest["tables"],
            "audit_head": result.manifest["audit_head"],
            "removed": [p.name for p in removed],
        },
    )
    return BackupResult(result.path, result.sha256, result.bytes, result.manifest, result.encrypted, removed)


def _write_backup(database: Database, target: Path, secret: bytes | None, logical: bool) -> BackupResult:
    source = engine_level.sqlite_file(database.settings.database_url)
    if database.engine.dialect.name == "sqlite" and source is None:
        raise InvalidInput(
            "Không sao lưu được CSDL trong bộ nhớ.", "An in-memory database cannot be backed up."
        )
    handle, temp = archive.atomic_output(target)
    try:
        with handle:
            if source is not None and not logical:
                sha, manifest = _sqlite_backup(source, target, handle, secret)
            elif database.engine.dialect.name == "postgresql" and engine_level.pg_tools() and not logical:
                sha, manifest = _pg_backup(database, target, handle, secret)
            else:
                sha, manifest = _logical_backup(database, target, handle, secret)
        archive.check_file(temp)  # what reached the disk reads back whole
        archive.commit_file(temp, target)
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()
    return BackupResult(target, sha, target.stat().st_size, manifest, secret is not None)


def _sqlite_backup(
    source: Path, target: Path, handle: IO[bytes], secret: bytes | None
) -> tuple[str, dict[str, Any]]:
    if not source.exists():
        raise InvalidInput(f"Không có cơ sở dữ liệu {source}.", f"There is no database {source}.")
    with _scratch(target, "snapshot") as snapshot:
        engine_level.sqlite_snapshot(source, snapshot)
        engine = create_engine(f"sqlite:///{snapshot}")
        try:
            with engine.connect() as connection:
                manifest = describe_view(connection, "sqlite")
        finally:
            engine.dispose()

        def fill(tar: tarfile.TarFile) -> dict[str, Any]:
            add_member(tar, manifest, SQLITE_MEMBER, snapshot)
            return manifest

        return archive.write_archive(handle, secret, fill)


def _pg_backup(
    database: Database, target: Path, handle: IO[bytes], secret: bytes | None
) -> tuple[str, dict[str, Any]]:
    with _scratch(target, "pgdump") as dump:
        with engine_level.pg_snapshot(database.engine) as (connection, snapshot):
            manifest = describe_view(connection, "pg_dump")
            engine_level.pg_dump(database.settings.database_url, dump, snapshot)

        def fill(tar: tarfile.TarFile) -> dict[str, Any]:
            add_member(tar, manifest, PG_MEMBER, dump)
            return manifest

        return archive.write_archive(handle, secret, fill)


@contextmanager
def consistent_view(database: Database) -> Iterator[Connection]:
    if database.engine.dialect.name == "postgresql":
        with engine_level.pg_snapshot(database.engine) as (connection, _):
            yield connection
    else:
        with database.engine.connect() as connection, connection.begin():  # one read transaction (WAL)
            yield connection


def _logical_backup(
    database: Database, target: Path, handle: IO[bytes], secret: bytes | None
) -> tuple[str, dict[str, Any]]:
    with consistent_view(database) as connection:
        manifest = describe_view(connection, "logical")
        tables = engine_level.data_tables(engine_level.reflect(connection))

        def fill(tar: tarfile.TarFile) -> dict[str, Any]:
            for table in tables:
                with _scratch(target, f"{table.name}.jsonl") as part:
                    with part.open("wb") as fh:
                        engine_level.write_jsonl(engine_level.rows_of(connection, table), fh)
                    add_member(tar, manifest, f"tables/{table.name}.jsonl", part)
            return manifest

        return archive.write_archive(handle, secret, fill)


def rotate(folder: Path, keep: int | None, spare: Path | None = None) -> list[Path]:
    """Delete all but the ``keep`` newest ANTT backups (``*.anttbak`` files that start like one) of
    ``folder``; other files are never touched."""
    if not keep:
        return []
    backups = []
    for path in folder.glob(f"*{SUFFIX}"):
        with suppress(OSError), path.open("rb") as fh:
            if path.is_file() and fh.read(len(archive.MAGIC)) == archive.MAGIC:
                backups.append(path)
    backups.sort(key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    removed = [p for p in backups[keep:] if p != spare]
    for path in removed:
        path.unlink()
    return removed


# --------------------------------------------------------------------------------------------- db verify


@dataclass(frozen=True)
class VerifyReport:
    engine_problems: list[str]
    counts_now: dict[str, int]
    counts_backup: dict[str, int] | None  # the last backup's manifest counts (None: no backup yet)
    backup_at: datetime | None
    shrunk: dict[str, tuple[int, int]]  # append-only tables with fewer rows than at the last backup
    chain_problem: str | None
    chain_bad_id: int | None
    chain_records: int

    @property
    def ok(self) -> bool:
        return not self.engine_problems and not self.shrunk and self.chain_problem is None


def verify_database(database: Database, operator: str) -> VerifyReport:
    """Check a live database: SQLite ``integrity_check`` and ``foreign_key_check``, rows per table against
    the last backup's manifest (an append-only table with fewer rows means data was lost), and a full walk
    of the audit chain. Audited as ``db.verify``."""
    source = engine_level.sqlite_file(database.settings.database_url)
    problems = engine_level.sqlite_problems(source) if source is not None else []
    with database.transaction(write=False) as session:
        connection = session.connection()
        counts = engine_level.row_counts(connection)
        last = engine_level.last_backup_details(connection)
        chain = audit_verify.verify_chain(session, audit.chain_key(session), full=True)
    before: dict[str, int] | None = dict(last["tables"]) if last and "tables" in last else None
    shrunk = {
        t: (before[t], counts.get(t, 0))
        for t in APPEND_ONLY
        if before and t in before and counts.get(t, 0) < before[t]
    }
    report = VerifyReport(
        problems,
        counts,
        before,
        last["at"] if last else None,
        shrunk,
        chain.problem,
        chain.first_bad_id,
        chain.records,
    )
    record(
        database,
        operator,
        "db.verify",
        "success" if report.ok else "failure",
        {
            "engine_problems": problems[:20],
            "shrunk": {t: list(v) for t, v in shrunk.items()},
            "chain_problem": chain.problem,
            "chain_first_bad_id": chain.first_bad_id,
        },
    )
    return report


# ------------------------------------------------------------------------------------- overdue backups


@dataclass(frozen=True)
class OverdueBackup:
    last_at: datetime | None  # naive UTC; None: no backup has ever been recorded
    max_age_hours: float


def overdue_backup(database: Database, actor: Actor, now: datetime | None = None) -> OverdueBackup | None:
    """For an administrator (who may manage users): the newest backup when it is older than
    ``ANTT_BACKUP_MAX_AGE_HOURS`` or there is none; ``None`` when it is recent enough or for anyone else."""
    if not actor.can(Action.MANAGE_USERS):
        return None
    hours = database.settings.backup_max_age_hours
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    with database.transaction(write=False) as session:
        connection = session.connection()
        if engine_level.newest_backup_at(connection, since=moment - timedelta(hours=hours)) is not None:
            return None
        return OverdueBackup(engine_level.newest_backup_at(connection), hours)


# ------------------------------------------------------------------------------------------- db upgrade


def refuse_newer_schema(database: Database) -> None:
    """A database migrated by a newer ANTT cannot be handled (or migrated) by this one: say so plainly."""
    if not engine_level.has_tables(database.engine):
        return
    with database.engine.connect() as connection:
        revision = engine_level.schema_revision(connection)
    if not engine_level.known_revision(revision):
        raise InvalidInput(
            f"Cơ sở dữ liệu ở phiên bản lược đồ {revision}, mới hơn phiên bản ANTT này ({antt.__version__}) "
            "biết: hãy dùng ANTT mới hơn; không có gì bị thay đổi.",
            f"The database is at schema revision {revision}, newer than this ANTT ({antt.__version__}) "
            "knows: use a newer ANTT; nothing was changed.",
        )


def backup_before_upgrade(database: Database, operator: str) -> BackupResult | None:
    """Refuse a newer schema; then back a non-empty SQLite database up into the backup folder (default
    ``antt-backups`` beside the file) before ``antt db upgrade`` changes it. ``None``: nothing to keep."""
    refuse_newer_schema(database)
    source = engine_level.sqlite_file(database.settings.database_url)
    if source is None or not source.exists() or not engine_level.has_tables(database.engine):
        return None
    settings = database.settings
    folder = settings.backup_dir or source.parent / "antt-backups"
    folder.mkdir(parents=True, exist_ok=True)
    return backup_database(database, folder, operator=operator, key_file=settings.backup_key_file)
