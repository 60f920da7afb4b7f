"""``antt db backup / restore / verify / upgrade`` as an operator runs them: bad input is one bilingual line,
exit 2, nothing written; a killed backup or restore leaves the source untouched and the target absent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import ANTT, antt
from tests.conftest import PG_URL
from tests.services.test_backup_faults import small_disk  # noqa: F401 - the fixture


def sqlite_path(env: dict[str, str]) -> Path:
    return Path(env["ANTT_DATABASE_URL"].removeprefix("sqlite:///"))


def test_backup_then_restore_then_verify_from_the_command_line(cli_env, tmp_path) -> None:
    key = tmp_path / "key"
    key.write_bytes(os.urandom(48))
    logical = ["--logical"] if PG_URL else []  # a pg_dump restores only into PostgreSQL
    out = antt(
        cli_env,
        "db",
        "backup",
        "--out",
        str(tmp_path / "b.anttbak"),
        "--encrypt-key-file",
        str(key),
        *logical,
    )
    assert "encrypted" in out.stdout and "sha256:" in out.stdout
    target = tmp_path / "restored.db"
    restored = antt(
        cli_env,
        "db",
        "restore",
        str(tmp_path / "b.anttbak"),
        "--to",
        f"sqlite:///{target}",
        "--key-file",
        str(key),
    )
    assert "audit chain intact" in restored.stdout and target.exists()
    verified = antt({**cli_env, "ANTT_DATABASE_URL": f"sqlite:///{target}"}, "db", "verify")
    assert "integrity ok" in verified.stdout


def bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    data = good.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x40
    files = {
        "not a backup": b"id,name\n1,x\n",
        "truncated": data[: len(data) // 2],
        "flipped": bytes(flipped),
    }
    for name, content in files.items():
        (tmp_path / f"{name}.anttbak").write_bytes(content)
    return {name: tmp_path / f"{name}.anttbak" for name in files}


@pytest.mark.parametrize(
    "case", ["not a backup", "truncated", "flipped", "wrong key", "non-empty target", "unreachable server"]
)
def test_bad_input_to_restore_is_one_bilingual_line_and_exit_2(cli_env, tmp_path, case) -> None:
    key, wrong = tmp_path / "key", tmp_path / "wrong"
    key.write_bytes(os.urandom(40))
    wrong.write_bytes(os.urandom(40))
    antt(cli_env, "db", "backup", "--out", str(tmp_path / "good.anttbak"), "--encrypt-key-file", str(key))
    files = bad_files(tmp_path, tmp_path / "good.anttbak")
    target = tmp_path / "target.db"
    args = ["db", "restore", "--to", f"sqlite:///{target}", "--key-file", str(key)]
    if case in files:
        args.append(str(files[case]))
    elif case == "wrong key":
        args = [*args[:-2], "--key-file", str(wrong), str(tmp_path / "good.anttbak")]
    elif case == "unreachable server":  # port 1: nothing listens there
        args = ["db", "restore", "--to", "postgresql://antt@127.0.0.1:1/antt", str(tmp_path / "good.anttbak")]
        args += ["--key-file", str(key)]
    else:
        args = ["db", "restore", "--key-file", str(key), str(tmp_path / "good.anttbak")]  # the live database
    before = None if PG_URL else sqlite_path(cli_env).read_bytes()
    proc = antt(cli_env, *args, check=False)
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    vi, en = line.removeprefix("antt: ").split(" / ", 1)
    assert vi != en and vi and en
    assert not target.exists()
    if before is not None:
        assert sqlite_path(cli_env).read_bytes() == before


def test_backup_refuses_to_overwrite_a_file(cli_env, tmp_path) -> None:
    (tmp_path / "b.anttbak").write_text("keep me")
    proc = antt(cli_env, "db", "backup", "--out", str(tmp_path / "b.anttbak"), check=False)
    assert proc.returncode == 2 and "never overwritten" in proc.stderr
    assert (tmp_path / "b.anttbak").read_text() == "keep me"


@pytest.mark.sqlite_only
def test_upgrade_takes_a_backup_first_beside_the_database(cli_env) -> None:
    out = antt(cli_env, "db", "upgrade").stdout
    folder = sqlite_path(cli_env).parent / "antt-backups"
    (made,) = folder.glob("*.anttbak")
    assert str(made) in out and "→" in out


@pytest.mark.sqlite_only
def test_upgrade_refuses_a_database_newer_than_the_code(cli_env) -> None:
    path = sqlite_path(cli_env)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    before = path.read_bytes()
    for args in (("db", "upgrade"), ("db", "upgrade", "--no-backup")):
        proc = antt(cli_env, *args, check=False)
        assert proc.returncode == 2 and "9999_future" in proc.stderr and "newer than this ANTT" in proc.stderr
    assert path.read_bytes() == before and not (path.parent / "antt-backups").exists()


# ------------------------------------------------------------------------------------------ SIGKILL


def padded(path: Path, megabytes: int) -> None:
    """Make the database big enough that a backup takes a moment (incompressible padding rows)."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE padding (id INTEGER PRIMARY KEY, blob BLOB)")
        conn.executemany(
            "INSERT INTO padding (blob) VALUES (?)", ((os.urandom(1 << 20),) for _ in range(megabytes))
        )
    conn.close()


def grown(folder: Path, suffix: str, size: int = 20 << 20) -> bool:
    """Whether a file ending with ``suffix`` under ``folder`` has passed ``size`` bytes."""
    for path in folder.rglob(f"*{suffix}"):
        try:
            if path.is_file() and path.stat().st_size > size:
                return True
        except FileNotFoundError:
            pass
    return False


def kill_when(proc: subprocess.Popen, appeared) -> None:
    deadline = time.monotonic() + 60
    while not appeared() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, "finished before it could be killed: make the database bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_killing_a_backup_leaves_the_source_untouched_and_no_backup(cli_env, tmp_path) -> None:
    source = sqlite_path(cli_env)
    padded(source, 120)
    before = source.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([ANTT, "db", "backup", "--out", str(out / "b.anttbak")], env=cli_env)
    kill_when(proc, lambda: grown(out, ".partial"))
    assert not (out / "b.anttbak").exists()
    assert source.read_bytes() == before
    with sqlite3.connect(source) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    antt(cli_env, "db", "backup", "--out", str(out / "b.anttbak"))  # the next run works, and sweeps up
    assert [p.name for p in out.iterdir()] == ["b.anttbak"]


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_killing_a_restore_leaves_no_target(cli_env, tmp_path) -> None:
    padded(sqlite_path(cli_env), 120)
    antt(cli_env, "db", "backup", "--out", str(tmp_path / "b.anttbak"))
    folder = tmp_path / "target"
    folder.mkdir()
    target = folder / "restored.db"
    proc = subprocess.Popen(
        [ANTT, "db", "restore", str(tmp_path / "b.anttbak"), "--to", f"sqlite:///{target}"], env=cli_env
    )
    kill_when(proc, lambda: grown(folder, ""))  # half-way through unpacking the database
    assert not target.exists()
    antt(cli_env, "db", "restore", str(tmp_path / "b.anttbak"), "--to", f"sqlite:///{target}")
    assert [p.name for p in folder.iterdir()] == ["restored.db"]  # the killed run's scratch swept up
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT COUNT(*) FROM padding").fetchone() == (120,)
    conn.close()


# ---------------------------------------------------------------------------------------------- full disk


def test_a_backup_onto_a_full_disk_is_one_bilingual_line_and_leaves_nothing(cli_env, small_disk) -> None:  # noqa: F811
    disk = small_disk(48 << 10)
    proc = antt(cli_env, "db", "backup", "--out", str(disk), check=False)
    assert proc.returncode == 74, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    vi, en = line.removeprefix("antt: ").split(" / ", 1)
    assert "Đĩa đầy" in vi and "disk is full" in en and "no backup file was left" in en
    assert list(disk.iterdir()) == []


# --------------------------------------------------------------------------------------- SIGKILL, copy


def grown_source(tmp_path: Path, incidents: int) -> Path:
    """A SQLite installation at the newest schema with many incidents (bulk-inserted: only the copy's
    duration matters here)."""
    from datetime import datetime, timedelta

    from antt.services.database import open_database, upgrade
    from antt.settings import load_settings
    from tests.conftest import TEST_KEY

    path = tmp_path / "source.db"
    database = open_database(load_settings(database_url=f"sqlite:///{path}", pseudonym_key=TEST_KEY))
    upgrade(database)
    database.dispose()
    at = datetime(2026, 1, 1)
    with sqlite3.connect(path) as conn:
        group = conn.execute("SELECT reporting_group FROM offences WHERE article = '173'").fetchone()[0]
        conn.execute(
            "INSERT INTO import_batches (id, kind, source, file_name, file_sha256, file_bytes, imported_by, "
            "started_at, finished_at, rows_total, rows_new, rows_updated, rows_unchanged, warnings, summary) "
            "VALUES (1, 'incidents', 'bulk', 'bulk.csv', ?, 0, 'test', ?, ?, 0, 0, 0, 0, 0, '{}')",
            ("0" * 64, at, at),
        )
        conn.executemany(
            "INSERT INTO incidents (source, source_id, occurred_at, occurred_on, unit_scheme, unit_code, "
            "location_flag, article, reporting_group, status, drug_related, organised_group, note, "
            "report_unit_code, report_approx, content_hash, created_batch_id, updated_batch_id) "
            "VALUES ('bulk', ?, ?, ?, '2025-07', '11311', 'missing', '173', ?, 'Đang điều tra', 0, 0, ?, "
            "'11311', 0, ?, 1, 1)",
            (
                (
                    f"B-{n:07d}",
                    at - timedelta(minutes=n),
                    (at - timedelta(minutes=n)).date(),
                    group,
                    f"ghi chú {n}",
                    f"{n:032x}",
                )
                for n in range(incidents)
            ),
        )
    conn.close()
    return path


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_killing_a_copy_to_sqlite_leaves_the_source_untouched_and_no_target(cli_env, tmp_path) -> None:
    source = grown_source(tmp_path, 150_000)
    env = {**cli_env, "ANTT_DATABASE_URL": f"sqlite:///{source}"}
    before = source.read_bytes()
    folder = tmp_path / "target"
    folder.mkdir()
    target = folder / "copy.db"
    proc = subprocess.Popen([ANTT, "db", "copy", "--to", f"sqlite:///{target}"], env=env)
    kill_when(proc, lambda: grown(folder, "", 4 << 20))  # part of the way into loading the new file
    assert not target.exists()
    assert source.read_bytes() == before
    antt(env, "db", "copy", "--to", f"sqlite:///{target}")  # the next run works, and sweeps up
    assert [p.name for p in folder.iterdir()] == ["copy.db"]
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT COUNT(*) FROM incidents").fetchone() == (150_000,)
    conn.close()


def postgres_has_copy_running(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'COPY \"incidents\"%%'",
            (name,),
        ).fetchone()
    return bool(found and found[0])


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL test server")
def test_killing_a_copy_to_postgresql_leaves_the_target_empty(cli_env, tmp_path) -> None:
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    source = grown_source(tmp_path, 300_000)
    env = {**cli_env, "ANTT_DATABASE_URL": f"sqlite:///{source}"}
    url = make_url(PG_URL)
    name = f"{url.database}_copykill"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = url.set(database=name).render_as_string(hide_password=False)
    plain = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        before = source.read_bytes()
        proc = subprocess.Popen([ANTT, "db", "copy", "--to", target], env=env)
        kill_when(proc, lambda: postgres_has_copy_running(plain, name))  # loading the incidents
        engine = create_engine(target)
        try:  # the server rolls the dead client's transaction back: not one table, not one row
            deadline = time.monotonic() + 30
            while postgres_has_copy_running(plain, name) and time.monotonic() < deadline:
                time.sleep(0.05)
            with engine.connect() as conn:
                assert inspect(conn).get_table_names() == []
        finally:
            engine.dispose()
        assert source.read_bytes() == before
        antt(env, "db", "copy", "--to", target)  # and the next run goes through
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
