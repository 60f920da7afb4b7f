"""``antt db restore`` and ``antt db copy``: a backup (or the live database) into an empty database, then
proof that it arrived whole before success is reported — rows per table equal to the manifest's, the audit
chain intact from its first record with the same head.

Nothing half-made is ever left under the target's name: a SQLite target is built in a hidden file beside it
and renamed onto it only once checked; a PostgreSQL target is loaded in one transaction (``pg_restore
--single-transaction``, or our own ``COPY`` load, checked before the commit), so a killed or failed run
leaves it as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from antt.errors import InvalidInput
from antt.services import backup_archive as archive
from antt.services.backup import (
    PG_MEMBER,
    SQLITE_MEMBER,
    TABLE_MEMBER,
    consistent_view,
    describe_view,
    record,
)
from antt.settings import Settings
from antt.storage import audit, audit_verify
from antt.storage import backup as engine_level
from antt.storage.engine import Database, make_engine, normalise_url

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RestoreResult:
    target: str  # the URL, password hidden
    manifest: dict[str, Any]
    sha256: str  # of the backup file ("" for a copy)
    rows: int


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def target_settings(settings: Settings, url: str | None) -> Settings:
    if not url:
        return settings
    try:
        make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(f"URL cơ sở dữ liệu không hợp lệ: {url}", f"Not a database URL: {url}") from exc
    return settings.model_copy(update={"database_url": normalise_url(url)})


def _reachable(engine: Engine, url: str) -> bool:
    """Whether the target holds tables; a clear refusal when it cannot be reached."""
    try:
        return engine_level.has_tables(engine)
    except OperationalError as exc:
        raise InvalidInput(
            f"Không kết nối được tới cơ sở dữ liệu đích {_shown(url)}.",
            f"Cannot reach the target database {_shown(url)}.",
        ) from exc


def _refuse_non_empty(settings: Settings, force: bool) -> None:
    path = engine_level.sqlite_file(settings.database_url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return
    engine = make_engine(settings)
    try:
        occupied = _reachable(engine, settings.database_url)
    finally:
        engine.dispose()
    if occupied and not force:
        raise InvalidInput(
            f"Cơ sở dữ liệu đích {_shown(settings.database_url)} không trống: không ghi gì. Dùng --force để "
            "thay thế toàn bộ (khi máy chủ ANTT đã dừng).",
            f"The target database {_shown(settings.database_url)} is not empty: nothing was written. Use "
            "--force to replace it entirely (with the ANTT server stopped).",
        )


def check_restored(connection: Connection, settings: Settings, manifest: dict[str, Any]) -> list[str]:
    """What differs between the restored database and the manifest (empty: it arrived whole)."""
    problems = []
    counts = engine_level.row_counts(connection)
    expected = {k: int(v) for k, v in manifest["tables"].items()}
    for table in sorted(set(counts) | set(expected)):
        if counts.get(table) != expected.get(table):
            problems.append(f"{table}: {counts.get(table)} ≠ {expected.get(table)}")
    session = Session(bind=connection, info={audit.SETTINGS_INFO: settings})
    chain = audit_verify.verify_chain(session, audit.chain_key(session), full=True)
    head = manifest["audit_head"]
    if not chain.ok:
        problems.append(f"audit chain: {chain.problem} at record {chain.first_bad_id}")
    elif (chain.head_id, chain.head_hash) != (head["id"], head["hash"]) and head["id"]:
        problems.append(f"audit head {chain.head_id} ≠ {head['id']}")
    return problems


def _failed(problems: list[str]) -> InvalidInput:
    joined = "; ".join(problems[:10])
    return InvalidInput(
        f"Kiểm tra sau khi khôi phục thất bại (không ghi gì vào đích): {joined}. Nếu chuỗi nhật ký kiểm toán "
        "không khớp, ANTT_PSEUDONYM_KEY phải là khoá của hệ thống đã sao lưu.",
        f"The check after restoring failed (nothing was written to the target): {joined}. If the audit chain "
        "does not verify, ANTT_PSEUDONYM_KEY must be the key of the installation that was backed up.",
    )


# -------------------------------------------------------------------------------------------- loading


RowsFor = Callable[[Table], Iterator[dict[str, Any]]]
#: a SQLite source's rows as the driver returns them (columns named), for a PostgreSQL target's COPY
RawFor = Callable[[Table, list[str]], Iterator[tuple[Any, ...]]]


def _load(
    connection: Connection,
    settings: Settings,
    manifest: dict[str, Any],
    rows_for: RowsFor,
    progress: Progress,
    raw_for: RawFor | None = None,
) -> int:
    """Schema at the manifest's revision, then every table's rows, then sequences; checked."""
    engine_level.create_schema(connection, settings, manifest["schema_revision"])
    tables = engine_level.data_tables(engine_level.reflect(connection))
    engine_level.clear_rows(connection, tables)
    missing = set(manifest["tables"]) - {t.name for t in tables}
    if missing:
        raise _failed([f"tables missing on the target: {', '.join(sorted(missing))}"])
    loaded = 0
    postgres = connection.dialect.name == "postgresql"
    with engine_level.pg_deferred_keys(connection) if postgres else nullcontext():
        for table in tables:
            if table.name == engine_level.VERSION_TABLE:
                continue
            if raw_for is not None and postgres:
                names = [c.name for c in table.columns]
                loaded += engine_level.copy_raw(connection, table, names, raw_for(table, names), progress)
            else:
                loaded += engine_level.load_rows(connection, table, rows_for(table), progress)
    engine_level.reset_sequences(connection, tables)
    problems = check_restored(connection, settings, manifest)
    if problems:
        raise _failed(problems)
    return loaded


def _load_into(
    target: Settings,
    manifest: dict[str, Any],
    rows_for: RowsFor,
    force: bool,
    progress: Progress,
    raw_for: RawFor | None = None,
) -> int:
    path = engine_level.sqlite_file(target.database_url)
    if path is None:  # PostgreSQL: one transaction, checked before it commits
        engine = make_engine(target)
        try:
            with engine.begin() as connection:
                if force:
                    connection.execute(text("DROP SCHEMA public CASCADE"))
                    connection.execute(text("CREATE SCHEMA public"))
                return _load(connection, target, manifest, rows_for, progress, raw_for)
        finally:
            engine.dispose()
    with _hidden_beside(path, "loading") as temp:
        engine = create_engine(f"sqlite:///{temp}")
        try:
            with engine.begin() as connection:
                loaded = _load(connection, target, manifest, rows_for, progress)
        finally:
            engine.dispose()
        problems = engine_level.sqlite_problems(temp)
        if problems:
            raise _failed(problems)
        _replace_sqlite(temp, path)
    return loaded


@contextmanager
def _hidden_beside(path: Path, suffix: str) -> Iterator[Path]:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{suffix}")
    try:
        yield temp
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            with suppress(FileNotFoundError):
                leftover.unlink()


def _replace_sqlite(temp: Path, path: Path) -> None:
    """Put a finished file in place of ``path`` atomically (its write-ahead log folded in and removed
    first, or SQLite would replay the old database's log onto the new file)."""
    if path.exists():
        engine_level.checkpoint_sqlite(path)
        for suffix in ("-wal", "-shm"):
            with suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()
    archive.commit_file(temp, path)


# -------------------------------------------------------------------------------------------- restore


def restore_database(
    settings: Settings,
    backup: Path,
    *,
    operator: str,
    target_url: str | None = None,
    key_file: Path | None = None,
    force: bool = False,
    progress: Progress = lambda _n: None,
) -> RestoreResult:
    """Restore ``backup`` into the configured database or ``target_url``, which must be empty unless
    ``force``; checked (rows per table, audit chain) before success. Audited as ``db.restore`` on the
    restored database."""
    settings.key_bytes()  # the audit chain cannot be checked without it
    _, sha = archive.check_file(backup)
    secret = archive.read_key_file(key_file) if key_file else None
    target = target_settings(settings, target_url)
    _refuse_non_empty(target, force)
    path = engine_level.sqlite_file(target.database_url)
    if path is not None:
        archive.sweep_leftovers(path.parent)
    scratch = Path(
        tempfile.mkdtemp(prefix=f".antt-restore-{os.getpid()}-", dir=path.parent if path else None)
    )
    try:
        manifest = _extract(backup, secret, scratch, sqlite_target=path is not None)
        rows = _restore_extracted(target, manifest, scratch, force, progress)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    database = Database(target)
    try:
        record(
            database, operator, "db.restore", "success", {"file": str(backup), "sha256": sha, "rows": rows}
        )
    finally:
        database.dispose()
    return RestoreResult(_shown(target.database_url), manifest, sha, rows)


def _extract(backup: Path, secret: bytes | None, scratch: Path, *, sqlite_target: bool) -> dict[str, Any]:
    def open_member(name: str) -> IO[bytes] | None:
        if name == PG_MEMBER and sqlite_target:
            raise InvalidInput(
                "Bản sao lưu này là pg_dump của PostgreSQL: chỉ khôi phục được vào PostgreSQL (rồi dùng "
                "'antt db copy' để chuyển sang SQLite).",
                "This backup is a PostgreSQL pg_dump: it restores only into PostgreSQL (then use 'antt db "
                "copy' to move it to SQLite).",
            )
        if name in (SQLITE_MEMBER, PG_MEMBER) or TABLE_MEMBER.match(name):
            target = scratch / name
            target.parent.mkdir(exist_ok=True)
            return target.open("xb")
        return None

    manifest, digests = archive.read_archive(backup, secret, open_member)
    declared = {n: m.get("sha256") for n, m in dict(manifest.get("members", {})).items()}
    if declared != digests or not isinstance(manifest.get("tables"), dict):
        raise archive.refuse(archive.DAMAGED, backup.name)
    if not engine_level.known_revision(manifest.get("schema_revision")):
        raise InvalidInput(
            f"Bản sao lưu {backup.name} có lược đồ {manifest.get('schema_revision')} (ANTT "
            f"{manifest.get('antt_version')}), mới hơn phiên bản ANTT này: hãy dùng ANTT mới hơn.",
            f"The backup {backup.name} has schema revision {manifest.get('schema_revision')} (ANTT "
            f"{manifest.get('antt_version')}), newer than this ANTT: use a newer ANTT.",
        )
    return manifest


def _restore_extracted(
    target: Settings, manifest: dict[str, Any], scratch: Path, force: bool, progress: Progress
) -> int:
    path = engine_level.sqlite_file(target.database_url)
    kind = manifest.get("kind")
    if kind == "sqlite" and path is not None:  # the file itself, checked, then renamed into place
        restored = scratch / SQLITE_MEMBER
        problems = engine_level.sqlite_problems(restored)
        engine = create_engine(f"sqlite:///{restored}")
        try:
            with engine.connect() as connection:
                problems += check_restored(connection, target, manifest)
        finally:
            engine.dispose()
        if problems:
            raise _failed(problems)
        _replace_sqlite(restored, path)
        rows = sum(manifest["tables"].values())
        progress(rows)
        return int(rows)
    if kind == "sqlite":  # onto PostgreSQL: loaded table by table from the restored file
        engine = create_engine(f"sqlite:///{scratch / SQLITE_MEMBER}")
        try:
            with engine.connect() as source:
                return _load_into(target, manifest, _rows_from(source), force, progress, _raw_from(source))
        finally:
            engine.dispose()
    if kind == "pg_dump":
        engine_level.pg_restore(target.database_url, scratch / PG_MEMBER, clean=force)
        engine = make_engine(target)
        try:
            with engine.connect() as connection:
                problems = check_restored(connection, target, manifest)
        finally:
            engine.dispose()
        if problems:
            raise _failed(problems)
        rows = sum(manifest["tables"].values())
        progress(rows)
        return int(rows)
    return _load_into(target, manifest, _rows_from_files(scratch), force, progress)


def _rows_from(source: Connection) -> RowsFor:
    tables = {t.name: t for t in engine_level.data_tables(engine_level.reflect(source))}
    return lambda table: engine_level.rows_of(source, tables[table.name])


def _raw_from(source: Connection) -> RawFor | None:
    if source.dialect.name != "sqlite":
        return None
    tables = {t.name: t for t in engine_level.data_tables(engine_level.reflect(source))}
    return lambda table, names: engine_level.raw_rows(source, tables[table.name], names)


def _rows_from_files(scratch: Path) -> RowsFor:
    def rows(table: Table) -> Iterator[dict[str, Any]]:
        with (scratch / "tables" / f"{table.name}.jsonl").open("rb") as fh:
            yield from engine_level.read_jsonl(fh, table)

    return rows


# ----------------------------------------------------------------------------------------------- copy


def copy_database(
    database: Database,
    target_url: str,
    *,
    operator: str,
    force: bool = False,
    progress: Progress = lambda _n: None,
    on_total: Callable[[int], None] = lambda _n: None,
) -> RestoreResult:
    """Copy every table of the live database (one consistent view) into ``target_url`` — SQLite to
    PostgreSQL or back — all or nothing, checked like a restore. Audited as ``db.copy`` on both sides."""
    settings = database.settings
    settings.key_bytes()
    target = target_settings(settings, target_url)
    if make_url(target.database_url) == make_url(normalise_url(settings.database_url)):
        raise InvalidInput("Đích trùng với nguồn.", "The target is the source itself.")
    _refuse_non_empty(target, force)
    path = engine_level.sqlite_file(target.database_url)
    if path is not None and path.parent.is_dir():
        archive.sweep_leftovers(path.parent)  # what a killed copy left beside the target
    with consistent_view(database) as source:
        manifest = describe_view(source, "copy")
        on_total(sum(manifest["tables"].values()))
        rows = _load_into(target, manifest, _rows_from(source), force, progress, _raw_from(source))
    details: dict[str, object] = {
        "target": _shown(target.database_url),
        "rows": rows,
        "tables": manifest["tables"],
    }
    record(database, operator, "db.copy", "success", details)
    copied = Database(target)
    try:
        record(copied, operator, "db.copy", "success", {**details, "source": _shown(settings.database_url)})
    finally:
        copied.dispose()
    return RestoreResult(_shown(target.database_url), manifest, "", rows)
