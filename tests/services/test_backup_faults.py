"""A full disk during a backup and during an import: one clear message in both languages, nothing half-written.

The disk is a real small file system where the machine lets the test mount one (a size-limited tmpfs, as
root); an injected ``ENOSPC`` in the backup writer and SQLite's own page limit (``max_page_count``, which
fails a write with the same ``SQLITE_FULL`` as a full disk) run everywhere.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text

from antt.errors import DiskFull
from antt.services import backup_archive
from antt.services.backup import backup_database
from antt.services.database import open_database
from antt.services.imports import import_incidents
from antt.settings import load_settings
from antt.storage.tables import AuditRecord
from tests.conftest import TEST_KEY
from tests.incident_files import incident, snapshot, write_csv

NOW = datetime(2026, 4, 20, tzinfo=timezone.utc)
OPERATOR = "cli:test"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """Mount a tmpfs of a given size (bytes) in the test's folder; skip where mounting is not allowed."""
    mounted: list[Path] = []

    def mount(size: int) -> Path:
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("mounting a small file system needs root")
        folder = tmp_path / f"disk{len(mounted)}"
        folder.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def filled(database, settings, actor, tmp_path):
    rows = [incident(n, person_ids=f"0310950{n:05d}") for n in range(1, 41)]
    import_incidents(database, settings, actor, write_csv(tmp_path / "in.csv", rows), now=NOW)
    return database


def bilingual(exc: DiskFull, *words: str) -> None:
    assert exc.exit_code == 74 and exc.message_vi != exc.message_en
    assert "Đĩa đầy" in exc.message_vi and "disk is full" in exc.message_en
    for word in words:
        assert word in str(exc)


def last_backup_record(database) -> AuditRecord | None:
    with database.transaction(write=False) as s:
        return s.scalars(
            select(AuditRecord).where(AuditRecord.action == "db.backup").order_by(AuditRecord.id.desc())
        ).first()


# ------------------------------------------------------------------------------------------------ backup


class _FullAfter:
    """A file that takes ``room`` bytes, then fails every write with ENOSPC (as a full disk does)."""

    def __init__(self, fh: Any, room: int) -> None:
        self._fh, self._room = fh, room

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return int(self._fh.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _FullAfter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


@pytest.mark.parametrize("logical", [False, True])
def test_enospc_while_writing_a_backup_leaves_no_file_and_says_so(
    filled, tmp_path, monkeypatch, logical
) -> None:
    real = backup_archive.atomic_output

    def full_disk(path: Path):
        handle, temp = real(path)
        return _FullAfter(handle, 64 << 10), temp

    monkeypatch.setattr(backup_archive, "atomic_output", full_disk)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DiskFull) as failed:
        backup_database(filled, out / "b.anttbak", operator=OPERATOR, logical=logical)
    bilingual(failed.value, str(out))
    assert list(out.iterdir()) == []  # neither the backup nor its partial or scratch files
    record = last_backup_record(filled)
    assert record is not None and record.outcome == "failure"
    monkeypatch.undo()
    assert backup_database(filled, out / "b.anttbak", operator=OPERATOR, logical=logical).bytes > 64 << 10


def test_a_backup_onto_a_full_file_system_leaves_nothing_there(filled, small_disk) -> None:
    disk = small_disk(48 << 10)  # too small for the first scratch file of any kind of backup
    with pytest.raises(DiskFull) as failed:
        backup_database(filled, disk, operator=OPERATOR)
    bilingual(failed.value)
    assert list(disk.iterdir()) == []
    record = last_backup_record(filled)
    assert record is not None and record.outcome == "failure"


@pytest.mark.sqlite_only
def test_a_disk_that_fills_while_the_archive_is_written_leaves_nothing_there(
    filled, small_disk, tmp_path
) -> None:
    whole = backup_database(filled, tmp_path, operator=OPERATOR)
    source = Path(filled.settings.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(source) as conn:
        pages = (
            conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
        )
    conn.close()
    disk = small_disk(pages + whole.bytes // 2)  # the snapshot fits, the archive beside it does not
    with pytest.raises(DiskFull):
        backup_database(filled, disk, operator=OPERATOR)
    assert list(disk.iterdir()) == []


# ------------------------------------------------------------------------------------------------ import


def big_file(tmp_path: Path, n: int = 1500) -> Path:
    note = "Ghi chú dài về vụ việc, có dấu tiếng Việt. " * 12
    return write_csv(
        tmp_path / "big.csv", [incident(n, note=f"{i} {note}") for i, n in enumerate(range(1, n + 1))]
    )


def import_refused_whole(database, settings, actor, path: Path) -> None:
    before = snapshot(database)
    with pytest.raises(DiskFull) as failed:
        import_incidents(database, settings, actor, path, now=NOW)
    bilingual(failed.value, "nothing changed")
    assert snapshot(database) == before  # the import's transaction rolled back: no batch, no incident


@pytest.mark.sqlite_only
def test_a_database_that_cannot_grow_refuses_an_import_whole(database, settings, actor, tmp_path) -> None:
    with database.engine.connect() as conn:
        limit = conn.exec_driver_sql("PRAGMA page_count").scalar() + 40  # ~160 KiB more
    database.engine.dispose()

    @event.listens_for(database.engine, "connect")
    def cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {limit}")

    path = big_file(tmp_path)
    import_refused_whole(database, settings, actor, path)
    event.remove(database.engine, "connect", cap)
    database.engine.dispose()
    assert import_incidents(database, settings, actor, path, now=NOW).new == 1500  # room again: it goes in


@pytest.mark.sqlite_only
def test_an_import_onto_a_full_file_system_is_rolled_back(settings, actor, tmp_path, small_disk) -> None:
    source = Path(settings.database_url.removeprefix("sqlite:///"))
    disk = small_disk(source.stat().st_size + (256 << 10))
    shutil.copyfile(source, disk / "antt.db")
    url = f"sqlite:///{disk / 'antt.db'}"
    database = open_database(load_settings(database_url=url, pseudonym_key=TEST_KEY))
    try:
        import_refused_whole(database, database.settings, actor, big_file(tmp_path))
        with database.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("SELECT COUNT(*) FROM import_batches")).scalar() == 0
    finally:
        database.dispose()
