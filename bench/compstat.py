"""Benchmark: city-wide CompStat by commune × group at about 1,000,000 incidents, SQLite and PostgreSQL.

Measures ``antt.services.compstat.compstat(..., parse_period("report-month:2026-04"), by=By.UNIT_GROUP)``
— the whole city, every reporting group, against the same period last year (two grouped queries) — and
prints the median and p90 latency. Baseline in the same run: DuckDB (in memory) running the very same
two statements on the same rows (the statements are captured from the service, compiled to SQL, and
loaded into DuckDB from the SQLite table through a CSV export). Also timed, to split the service's time
into "the database" and "the rest": the two statements alone through the bare drivers (``sqlite3``,
``psycopg``). The contenders run in interleaved rounds (each once per round), so a change of load on the
machine weighs on all of them alike. Checks that DuckDB's figures equal the service's, cell by cell
(commune × group, both periods), and fails loudly when they do not.

Data: the demo city (``antt.demo.build.generate``) at ``--scale`` 79.5 (≈ 1,000,000 incidents from
2021-01-01 to 2026-10-31, fixed so that runs are comparable), imported into SQLite through the real
importer (``antt.demo.build.load``); PostgreSQL gets ``antt db upgrade`` and a COPY of the SQLite rows
(the query is measured, not the import). ``--keep DIR`` keeps and reuses the files and both databases.

    .venv/bin/python bench/compstat.py [--scale 79.5] [--runs 31] [--keep DIR]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/antt_bench | --no-postgres]

Aims (from the issue): ≤ 300 ms on SQLite; within 3× of DuckDB.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, String, Text  # noqa: E402
from sqlalchemy.dialects import postgresql, sqlite  # noqa: E402

from antt.analytics.compstat import Measures  # noqa: E402
from antt.demo.build import DEFAULT_SEED, DEFAULT_START, DemoFiles, generate, load  # noqa: E402
from antt.domain.access import Actor  # noqa: E402
from antt.domain.periods import parse_period  # noqa: E402
from antt.services.compstat import By, CompstatResult, compstat  # noqa: E402
from antt.services.database import Database, open_database, upgrade  # noqa: E402
from antt.services.imports import ImportSummary  # noqa: E402
from antt.settings import load_settings  # noqa: E402
from antt.storage.tables import ImportBatch, IncidentRow  # noqa: E402

END = date(2026, 10, 31)  # fixed: the same data in every run
AS_OF = date(2026, 11, 1)  # clearance counted as of the day after the data ends (= "today" for any later run)
PERIOD = "report-month:2026-04"
AIM_MS = 300.0
AIM_RATIO = 3.0
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/antt_bench"


# ----------------------------------------------------------------------------------------------- helpers


def step(label: str) -> Callable[[], None]:
    """Print ``label`` now and its duration when the returned function is called."""
    print(f"… {label}", flush=True)
    started = time.perf_counter()
    return lambda: print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p90_ms(self) -> float:  # nearest rank
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)] * 1000

    def line(self) -> str:
        return (
            f"{self.label:44s} median {self.median_ms:8.1f} ms   p90 {self.p90_ms:8.1f} ms"
            f"   min {min(self.seconds) * 1000:8.1f} ms   ({len(self.seconds)} runs)"
        )


def measure(contenders: dict[str, Callable[[], object]], warmup: int, runs: int) -> dict[str, Timing]:
    """Interleaved: every round runs each contender once (in a rotating order), so a change of load on
    the machine during the measurement weighs on all of them alike and the ratios stay meaningful."""
    labels = list(contenders)
    for _ in range(warmup):
        for label in labels:
            contenders[label]()
    seconds: dict[str, list[float]] = {label: [] for label in labels}
    for round_ in range(runs):
        for label in labels[round_ % len(labels) :] + labels[: round_ % len(labels)]:
            started = time.perf_counter()
            contenders[label]()
            seconds[label].append(time.perf_counter() - started)
    return {label: Timing(label, seconds[label]) for label in labels}


def run_service(database: Database) -> CompstatResult:
    return compstat(database, Actor.system("bench"), parse_period(PERIOD), by=By.UNIT_GROUP, as_of=AS_OF)


# --------------------------------------------------------------------------- the statements of the service


class _Recorder:
    """Stands in for the session and the database: records the statements the service builds."""

    def __init__(self) -> None:
        self.statements: list[Any] = []

    def execute(self, statement: Any) -> Any:
        self.statements.append(statement)

        class _Empty:
            def all(self) -> list[Any]:
                return []

        return _Empty()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[_Recorder]:
        yield self


def service_statements() -> tuple[list[str], list[str]]:
    """The two statements (this period, the comparison period) exactly as the service builds them, as SQL
    text with literal values: for PostgreSQL's dialect (run by DuckDB) and for SQLite's."""
    recorder = _Recorder()
    run_service(recorder)  # type: ignore[arg-type]
    if len(recorder.statements) != 2:
        raise SystemExit(f"expected the service to issue 2 statements, it issued {len(recorder.statements)}")

    def text(dialect: Any) -> list[str]:
        return [
            str(s.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            for s in recorder.statements
        ]

    return text(postgresql.dialect()), text(sqlite.dialect())


def as_cells(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], tuple[int, ...]]:
    """The same shape as ``measures_by_unit_and_group`` returns."""
    return {(u, g): tuple(int(v or 0) for v in values) for u, g, *values in rows}


# ------------------------------------------------------------------------------------------- the data


def demo_files(folder: Path, scale: float) -> DemoFiles:
    """The demo city's files at ``scale``: reused when ``folder`` holds them for the same parameters."""
    manifest = folder / "manifest.json"
    wanted = {"seed": DEFAULT_SEED, "scale": scale, "from": DEFAULT_START.isoformat(), "to": END.isoformat()}
    if manifest.exists():
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        names = [f["name"] for f in doc["files"]]
        if {k: doc.get(k) for k in wanted} == wanted and all((folder / n).exists() for n in names):
            print(f"  reusing the generated files in {folder}")
            return DemoFiles(
                folder,
                [folder / n for n in names if n.startswith("incidents-")],
                [folder / n for n in names if not n.startswith("incidents-") and n != "ground_truth.json"],
                manifest,
                folder / "ground_truth.json",
            )
    shutil.rmtree(folder, ignore_errors=True)
    done = step(f"generating the demo city at scale {scale:g} (seed {DEFAULT_SEED}, to {END})")
    files = generate(folder, seed=DEFAULT_SEED, start=DEFAULT_START, end=END, scale=scale)
    done()
    return files


def sqlite_database(work: Path, files: DemoFiles) -> tuple[Database, Path]:
    """The SQLite database, imported through the real importer; reused when already loaded from ``files``."""
    db_path = work / "compstat.db"
    marker = work / "compstat.db.loaded"
    manifest_sha = files.manifest.read_bytes()
    settings = load_settings(demo=True, database_url=f"sqlite:///{db_path}")
    if db_path.exists() and marker.exists() and marker.read_bytes() == manifest_sha:
        print(f"  reusing the SQLite database {db_path}")
        return open_database(settings), db_path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    database = open_database(settings)
    done = step("antt db upgrade (SQLite)")
    upgrade(database)
    done()
    done = step(f"importing {len(files.incident_files)} files through the importer (antt.demo.build.load)")
    started = time.perf_counter()
    seen: set[str] = set()

    def progress(name: str, rows: int, total: int | None) -> None:
        if name not in seen:
            seen.add(name)
            print(f"    {name} … (at {time.perf_counter() - started:.0f} s)", flush=True)

    summaries = load(database, settings, files, progress)
    done()
    # load() also imports the indicator files: count the incidents only
    rows = sum(s.rows_total for s in summaries if isinstance(s, ImportSummary))
    print(
        f"  imported {rows:,} incident rows at {rows / (time.perf_counter() - started):,.0f} rows/s overall"
    )
    with sqlite3.connect(db_path) as conn:  # a checkpoint, so the measured reads do not go through the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no ANALYZE: measured as the importer leaves it
    marker.write_bytes(manifest_sha)
    return database, db_path


def fingerprint_sqlite(db_path: Path) -> tuple[int, int, str]:
    with sqlite3.connect(db_path) as conn:
        n, top, last = conn.execute("SELECT count(*), max(id), max(occurred_on) FROM incidents").fetchone()
    return int(n), int(top), str(last)


def postgres_database(url: str, db_path: Path) -> Database:
    """``antt db upgrade`` on ``url`` (created if missing), then a COPY of the SQLite ``import_batches`` and
    ``incidents``; reused when it already holds the same rows."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"  created the PostgreSQL database {name}")
    database = open_database(load_settings(demo=True, database_url=url))
    done = step(f"antt db upgrade (PostgreSQL {name})")
    upgrade(database)
    done()
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    wanted = fingerprint_sqlite(db_path)
    with psycopg.connect(dsn) as conn:
        n, top, last = conn.execute(
            "SELECT count(*), coalesce(max(id), 0), coalesce(max(occurred_on)::text, '') FROM incidents"
        ).fetchone()
        if (int(n), int(top), str(last)) == wanted:
            print(f"  reusing the PostgreSQL rows ({n:,} incidents)")
            return database
        done = step(f"copying {wanted[0]:,} incidents from SQLite to PostgreSQL (COPY)")
        conn.execute("TRUNCATE incidents, import_batches CASCADE")  # our own database
        source = sqlite3.connect(db_path)
        try:
            for table in (ImportBatch.__table__, IncidentRow.__table__):
                columns = [c.name for c in table.columns]
                cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table.name} ORDER BY id")
                with conn.cursor().copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    while chunk := cursor.fetchmany(50_000):
                        for row in chunk:
                            copy.write_row(row)
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                )
        finally:
            source.close()
        conn.commit()
        done()
    done = step("VACUUM ANALYZE incidents (PostgreSQL)")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE incidents")
    done()
    return database


_DUCK_TYPES = {Integer: "INTEGER", BigInteger: "BIGINT", Float: "DOUBLE", Boolean: "BOOLEAN", Date: "DATE"}


def duck_type(column: Any) -> str:
    if isinstance(column.type, DateTime):
        return "TIMESTAMP"
    for kind, name in _DUCK_TYPES.items():
        if type(column.type) is kind:
            return name
    if isinstance(column.type, String | Text):
        return "VARCHAR"
    raise SystemExit(f"no DuckDB type for {column.name}: {column.type!r}")


def duckdb_incidents(db_path: Path, work: Path) -> Any:
    """An in-memory DuckDB with the SQLite ``incidents`` table (every column, typed as in the schema):
    exported with ``sqlite3`` to CSV, read back with ``read_csv`` (no extension to download)."""
    import duckdb

    table = IncidentRow.__table__
    columns = [c.name for c in table.columns]
    csv_path = work / "incidents-export.csv"
    done = step("exporting incidents from SQLite to CSV")
    with sqlite3.connect(db_path) as source, csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        cursor = source.execute(f"SELECT {', '.join(columns)} FROM incidents ORDER BY id")
        while chunk := cursor.fetchmany(50_000):
            writer.writerows(chunk)
    done()
    done = step("loading the CSV into DuckDB (in memory)")
    con = duckdb.connect()
    types = ", ".join(f"'{c.name}': '{duck_type(c)}'" for c in table.columns)
    path = str(csv_path).replace("'", "''")
    con.execute(
        f"CREATE TABLE incidents AS SELECT * FROM read_csv('{path}', header = false, "
        f"columns = {{{types}}}, nullstr = '', quote = '\"', escape = '\"')"
    )
    done()
    csv_path.unlink()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(
        f"  DuckDB {duckdb.__version__}: {con.execute('SELECT count(*) FROM incidents').fetchone()[0]:,} rows, "
        f"{threads} threads"
    )
    return con


# ----------------------------------------------------------------------------------------------- checks


def check(
    result: CompstatResult,
    now: dict[tuple[str, str], tuple[int, ...]],
    before: dict[tuple[str, str], tuple[int, ...]],
    label: str,
) -> None:
    """Every commune × group cell of the service's result equals the baseline's, in both periods; so do the
    per-group totals. Fails loudly otherwise."""
    zero = Measures()
    problems = []
    for row in result.rows:
        key = (row.unit.code, row.group)
        for which, cells, got in (
            ("current", now, row.change.current),
            ("previous", before, row.change.previous),
        ):
            want = Measures(*cells[key]) if key in cells else zero
            if got != want:
                problems.append(f"{key} {which}: service {got} ≠ {label} {want}")
    seen = {(r.unit.code, r.group) for r in result.rows}
    for cells in (now, before):
        problems += [f"{key}: only in {label}" for key in cells.keys() - seen]
    for group in result.groups:
        for which, cells in (("current", now), ("previous", before)):
            service_total = sum(
                (getattr(r.change, which) for r in result.rows if r.group == group), start=Measures()
            )
            baseline_total = sum(
                (Measures(*v) for (_, g), v in cells.items() if g == group), start=Measures()
            )
            if service_total != baseline_total:
                problems.append(f"group {group} {which}: service {service_total} ≠ {label} {baseline_total}")
    if problems:
        print("\n".join(problems[:20]))
        raise SystemExit(f"RESULTS DISAGREE between the service and {label}: {len(problems)} differences")
    print(
        f"  results agree ({label}): {len(result.rows)} commune × group cells in both periods; "
        f"city total {result.totals.current.incidents:,} incidents vs {result.totals.previous.incidents:,}"
    )


# ------------------------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=79.5, help="demo scale (79.5 ≈ 1,000,000 incidents)")
    parser.add_argument("--runs", type=int, default=31, help="timed runs per engine (≥ 15)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the files and databases in this folder")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL database to (re)fill and measure")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.runs < 15:
        parser.error("--runs must be at least 15")

    work = Path(args.keep or tempfile.mkdtemp(prefix="antt-bench-compstat-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"CompStat benchmark: {PERIOD} vs same period last year, whole city by commune × group; work {work}"
    )

    files = demo_files(work / "demo", args.scale)
    sqlite_db, db_path = sqlite_database(work, files)
    incidents, _, _ = fingerprint_sqlite(db_path)
    size = sum(Path(f"{db_path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db_path}{s}").exists())
    print(f"  SQLite database: {incidents:,} incidents, {size / 2**20:,.0f} MiB")

    pg_statements, sqlite_statements = service_statements()
    duck = duckdb_incidents(db_path, work)

    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA cache_size=-65536")  # as the application's connections

    def sqlite_raw() -> list[dict[tuple[str, str], tuple[int, ...]]]:
        return [as_cells(raw.execute(sql).fetchall()) for sql in sqlite_statements]

    def duck_run() -> list[dict[tuple[str, str], tuple[int, ...]]]:
        return [as_cells(duck.execute(sql).fetchall()) for sql in pg_statements]

    plan = raw.execute("EXPLAIN QUERY PLAN " + sqlite_statements[0]).fetchall()
    stats = raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
    print(
        "  SQLite query plan: "
        + " | ".join(str(r[-1]) for r in plan)
        + ("" if stats else "  (no ANALYZE statistics: as the importer leaves the database)")
    )

    contenders: dict[str, Callable[[], object]] = {
        "sqlite": lambda: run_service(sqlite_db),
        "sqlite_raw": sqlite_raw,
    }
    labels = {
        "sqlite": "SQLite: compstat() service",
        "sqlite_raw": "SQLite: the 2 statements, bare sqlite3",
        "postgres": "PostgreSQL: compstat() service",
        "postgres_raw": "PostgreSQL: the 2 statements, bare psycopg",
        "duckdb": "DuckDB: the 2 statements (baseline)",
    }
    pg_db = None
    if not args.no_postgres:
        import psycopg
        from sqlalchemy.engine import make_url

        pg_db = postgres_database(args.pg_url, db_path)
        with pg_db.engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
            settings = {
                k: conn.exec_driver_sql(f"SHOW {k}").scalar()
                for k in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit")
            }
        print(f"  PostgreSQL {version}: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
        contenders["postgres"] = lambda: run_service(pg_db)
        bare_pg = psycopg.connect(make_url(args.pg_url).set(drivername="postgresql").render_as_string(False))

        def postgres_raw() -> list[dict[tuple[str, str], tuple[int, ...]]]:
            cells = [as_cells(bare_pg.execute(sql).fetchall()) for sql in pg_statements]
            bare_pg.rollback()  # one read transaction per run, as the service's
            return cells

        contenders["postgres_raw"] = postgres_raw
    contenders["duckdb"] = duck_run

    print("Checks", flush=True)
    sqlite_result = run_service(sqlite_db)
    duck_now, duck_before = duck_run()
    check(sqlite_result, duck_now, duck_before, "DuckDB")
    raw_now, raw_before = sqlite_raw()
    check(sqlite_result, raw_now, raw_before, "bare sqlite3")
    if pg_db is not None:
        check(run_service(pg_db), duck_now, duck_before, "DuckDB (vs the PostgreSQL service)")

    load_before = os.getloadavg()[0]
    print(
        f"Measuring: {args.warmup} warm-up and {args.runs} timed rounds, each contender once per round",
        flush=True,
    )
    measured = measure(contenders, args.warmup, args.runs)
    timings = {key: Timing(labels[key], t.seconds) for key, t in measured.items()}
    load_after = os.getloadavg()[0]
    raw.close()
    sqlite_db.dispose()
    if pg_db is not None:
        pg_db.dispose()
        bare_pg.close()
    duck.close()

    base = timings["duckdb"].median_ms
    print()
    print("=" * 100)
    print(
        f"CompStat {PERIOD} (+ same period last year), whole city by commune × group, {incidents:,} incidents"
    )
    for t in timings.values():
        print("  " + t.line())

    def paired(key: str) -> float:  # the median of the per-round ratios: robust to drifting load
        return statistics.median(
            a / b for a, b in zip(timings[key].seconds, timings["duckdb"].seconds, strict=True)
        )

    s = timings["sqlite"].median_ms
    print(
        f"  SQLite service / DuckDB:      {s / base:6.1f}×   (aim ≤ {AIM_RATIO:g}×)  "
        f"{'MET' if s / base <= AIM_RATIO else 'MISSED'}   (per-round ratios: median {paired('sqlite'):.1f}×)"
    )
    if "postgres" in timings:
        p = timings["postgres"].median_ms
        print(
            f"  PostgreSQL service / DuckDB:  {p / base:6.1f}×   (aim ≤ {AIM_RATIO:g}×)  "
            f"{'MET' if p / base <= AIM_RATIO else 'MISSED'}   (per-round ratios: median {paired('postgres'):.1f}×)"
        )
    print(
        f"  SQLite service median:        {s:6.1f} ms (aim ≤ {AIM_MS:g} ms)  {'MET' if s <= AIM_MS else 'MISSED'}"
    )
    r = timings["sqlite_raw"].median_ms
    print(f"  of which the two SQLite statements alone: {r:.1f} ms ({r / s:.0%}; {r / base:.1f}× DuckDB)")
    if "postgres_raw" in timings:
        p, r = timings["postgres"].median_ms, timings["postgres_raw"].median_ms
        print(
            f"  of which the two PostgreSQL statements alone: {r:.1f} ms ({r / p:.0%}; {r / base:.1f}× DuckDB)"
        )
    print(
        f"  load average during the measurements: {load_before:.2f} → {load_after:.2f} "
        f"on {os.cpu_count()} CPUs (other work on the machine inflates every figure, DuckDB's most)"
    )
    print("=" * 100)
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
