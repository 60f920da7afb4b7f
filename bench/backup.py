"""Benchmark: ``antt db backup`` / ``antt db restore`` (and ``antt db copy`` to PostgreSQL) against the
database engine's own tools, in the same run.

Builds a SQLite database at the newest schema with ``--incidents`` synthetic incidents (bulk-inserted here:
the point is to measure backup and restore, not imports), then times, each as the ``antt`` command an
operator runs (a subprocess, so its peak memory is measured too):

* ``antt db backup`` (plain, and encrypted with ``--encrypt-key-file``) vs ``sqlite3 DB ".backup FILE"``;
* ``antt db restore`` into a new file (unpack, integrity and foreign-key check, counts, full audit-chain
  walk, rename) vs ``sqlite3 NEW ".restore FILE"``;
* with ``--pg-url`` (an empty database you own): ``antt db copy --to`` that URL, in incidents per second.

    .venv/bin/python bench/backup.py [--incidents 200000] [--pg-url postgresql://postgres@127.0.0.1/antt_bench] [--copy-only]

The issue's targets are at 1,000,000 incidents: backup ≤ 30 s, restore ≤ 60 s, copy ≥ 50,000 incidents/s,
peak RSS ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antt.services.database import open_database, upgrade  # noqa: E402
from antt.settings import load_settings  # noqa: E402

KEY = "bench-backup-key-0123456789abcdef-not-for-production"
ANTT = str(Path(sys.executable).parent / "antt")


def build(path: Path, incidents: int) -> None:
    database = open_database(load_settings(database_url=f"sqlite:///{path}", pseudonym_key=KEY))
    upgrade(database)
    database.dispose()
    rng = random.Random(19)
    conn = sqlite3.connect(path)
    units = [
        r[0] for r in conn.execute("SELECT code FROM units WHERE scheme = '2025-07' AND level = 'commune'")
    ]
    offences = list(conn.execute("SELECT article, reporting_group FROM offences"))
    now = datetime(2026, 1, 1)
    conn.execute(
        "INSERT INTO import_batches (id, kind, source, file_name, file_sha256, file_bytes, imported_by, "
        "started_at, finished_at, rows_total, rows_new, rows_updated, rows_unchanged, warnings, summary) "
        "VALUES (1, 'incidents', 'bench', 'bench.csv', ?, 0, 'bench', ?, ?, ?, ?, 0, 0, 0, '{}')",
        ("0" * 64, now, now, incidents, incidents),
    )

    def rows():
        for n in range(1, incidents + 1):
            at = now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
            article, group = rng.choice(offences)
            unit = rng.choice(units)
            yield (
                "bench", f"B-{n:08d}", at, at.date(), at, "2025-07", unit, 20.8 + rng.random() / 10,
                106.6 + rng.random() / 10, "exact", article, None, group, "Đang điều tra", None,
                rng.randrange(3), rng.randrange(3), rng.random() < 0.1, rng.random() < 0.05,
                rng.randrange(10**8), f"ghi chú {n}", unit, False, f"{n:032x}", 1, 1,
            )  # fmt: skip

    conn.executemany(
        "INSERT INTO incidents (source, source_id, occurred_at, occurred_on, reported_at, unit_scheme, "
        "unit_code, lat, lon, location_flag, article, clause, reporting_group, status, cleared_on, suspects, "
        "victims, drug_related, organised_group, damage_vnd, note, report_unit_code, report_approx, "
        "content_hash, created_batch_id, updated_batch_id) VALUES (" + ",".join("?" * 26) + ")",
        rows(),
    )
    conn.commit()
    conn.close()


def run(label: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed: {proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  {label:<52} {seconds:>8.2f} s   (peak RSS of any child so far {peak:,.0f} MB)", flush=True)
    return seconds


def empty_schema(url: str, env: dict[str, str]) -> None:
    """Drop everything in the bench database, so the next load starts from an empty one."""
    subprocess.run(["psql", url, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], env=env,
                   check=True, capture_output=True)  # fmt: skip


def copy_to(url: str, incidents: int, env: dict[str, str], work: Path) -> None:
    """``antt db copy`` into PostgreSQL, then the engine's own tools on the same data for the ratios:
    ``antt db backup`` of the copy vs ``pg_dump -Fc``, and the copy's load vs ``pg_restore`` of that dump."""
    print("copy")
    took = run("antt db copy --to PostgreSQL", [ANTT, "db", "copy", "--to", url, "--force"], env)
    print(f"  {incidents / took:,.0f} incidents/s (all tables, checked)")
    on_pg = {**env, "ANTT_DATABASE_URL": url}
    ours = run(
        "antt db backup (PostgreSQL)", [ANTT, "db", "backup", "--out", str(work / "pg.anttbak")], on_pg
    )
    dump = run("pg_dump -Fc", ["pg_dump", "-Fc", "-f", str(work / "pg.dump"), url], env)
    empty_schema(url, env)
    load = run("pg_restore", ["pg_restore", "--no-owner", "-d", url, str(work / "pg.dump")], env)
    empty_schema(url, env)
    back = run(
        "antt db restore (PostgreSQL)", [ANTT, "db", "restore", str(work / "pg.anttbak"), "--to", url], env
    )
    empty_schema(url, env)
    print("ratios (ours / PostgreSQL's tools)")
    print(f"  copy {took / load:.1f}× pg_restore; backup {ours / dump:.1f}× pg_dump; "
          f"restore {back / load:.1f}× pg_restore")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--copy-only", action="store_true", help="only time `antt db copy` (needs --pg-url)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="antt-bench-backup-"))
    try:
        source = work / "antt.db"
        start = time.perf_counter()
        build(source, options.incidents)
        size = source.stat().st_size / 2**20
        print(f"{options.incidents:,} incidents, {size:,.0f} MiB SQLite file, built in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        env = {**os.environ, "ANTT_DATABASE_URL": f"sqlite:///{source}", "ANTT_PSEUDONYM_KEY": KEY}
        key = work / "key"
        key.write_bytes(os.urandom(48))
        if options.copy_only:
            copy_to(options.pg_url, options.incidents, env, work)
            return
        print("backup")
        ours = run("antt db backup", [ANTT, "db", "backup", "--out", str(work / "b.anttbak")], env)
        enc = run(
            "antt db backup --encrypt-key-file",
            [ANTT, "db", "backup", "--out", str(work / "e.anttbak"), "--encrypt-key-file", str(key)],
            env,
        )
        base = run("sqlite3 .backup", ["sqlite3", str(source), f".backup {work / 'plain.db'}"], env)
        for name in ("b.anttbak", "e.anttbak", "plain.db"):
            print(f"  {name:<52} {(work / name).stat().st_size / 2**20:>8,.1f} MiB")
        print("restore")
        back = run("antt db restore", [ANTT, "db", "restore", str(work / "b.anttbak"), "--to",
                                        f"sqlite:///{work / 'r1.db'}"], env)  # fmt: skip
        back_enc = run("antt db restore (encrypted)", [ANTT, "db", "restore", str(work / "e.anttbak"), "--to",
                       f"sqlite:///{work / 'r2.db'}", "--key-file", str(key)], env)  # fmt: skip
        base_back = run(
            "sqlite3 .restore", ["sqlite3", str(work / "r3.db"), f".restore {work / 'plain.db'}"], env
        )
        print("ratios (ours / sqlite3)")
        print(f"  backup {ours / base:.1f}×, encrypted {enc / base:.1f}×; restore {back / base_back:.1f}×, "
              f"encrypted {back_enc / base_back:.1f}×")  # fmt: skip
        scale = 1_000_000 / options.incidents
        print(
            f"  at 1,000,000 incidents (linear): backup ≈ {ours * scale:.0f} s, restore ≈ {back * scale:.0f} s"
        )
        if options.pg_url:
            copy_to(options.pg_url, options.incidents, env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
