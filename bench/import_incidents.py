"""Benchmark: import a 1,000,000-row incident CSV into a fresh SQLite database.

Prints rows/s and peak RSS (of the largest process) of ``antt import incidents`` (full validation, one
transaction), of a re-import of the same file (all rows unchanged), the CPU time and peak PSS of all the
processes of each run (an import may validate in a second process), and the ratio against the baseline:
the ``sqlite3`` command-line shell's ``.import`` of the same file into an unindexed table (no
validation), measured in the same run on the same machine.

    .venv/bin/python bench/import_incidents.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = "bench-pseudonym-key-0123456789abcdef-synthetic-only"
PSS_EVERY = 2.0  # seconds between samples of the processes' memory
ARTICLES = [
    "173.1",
    "173.2",
    "174.1",
    "134.1",
    "134.2",
    "171.1",
    "168.2",
    "249.1",
    "251.1",
    "255.1",
    "321.1",
    "322.1",
    "318.1",
    "260.1",
    "290.1",
    "188.1",
    "123.1",
    "141.1",
    "178.1",
    "330.1",
]
STATUSES = ["Đang điều tra", "Đã làm rõ", "Đã làm rõ", "Đã làm rõ", "Tạm đình chỉ", "Đình chỉ"]
HEADERS = [
    "source_id",
    "occurred_at",
    "reported_at",
    "unit_code",
    "lat",
    "lon",
    "article",
    "status",
    "cleared_at",
    "suspects",
    "victims",
    "person_ids",
    "drug_related",
    "organised_group",
    "damage_vnd",
    "note",
]


def sample_points(per_unit: int, rng: random.Random) -> dict[str, list[tuple[float, float]]]:
    """Random points inside each current commune (rejection sampling in its bounding box)."""
    import shapely
    from shapely.geometry import shape

    from antt.domain.reference import commune_boundaries

    points: dict[str, list[tuple[float, float]]] = {}
    for feature in commune_boundaries()["features"]:  # type: ignore[union-attr]
        polygon = shape(feature["geometry"])
        shapely.prepare(polygon)
        minx, miny, maxx, maxy = polygon.bounds
        found: list[tuple[float, float]] = []
        while len(found) < per_unit:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(polygon, lon, lat):
                found.append((round(lat, 6), round(lon, 6)))
        points[feature["properties"]["code"]] = found
    return points


def generate(path: Path, rows: int, seed: int = 20261128) -> None:
    from antt.domain.reference import unit_catalog
    from antt.domain.units import Level

    rng = random.Random(seed)
    catalog = unit_catalog()
    old_codes = [u.code for u in catalog.in_scheme("2025-01", Level.COMMUNE)]
    new_codes = [u.code for u in catalog.in_scheme("2025-07", Level.COMMUNE)]
    points = sample_points(50, rng)
    provinces = ["031", "030", "001", "034", "036", "022"]
    start, span = datetime(2021, 1, 1), (datetime(2026, 11, 1) - datetime(2021, 1, 1)).total_seconds()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for n in range(rows):
            occurred = start + timedelta(seconds=int(rng.random() * span))
            new = occurred >= datetime(2025, 7, 1)
            code = rng.choice(new_codes) if new else rng.choice(old_codes)
            lat = lon = ""
            if new and rng.random() < 0.3:
                lat, lon = (str(v) for v in rng.choice(points[code]))
            status = rng.choice(STATUSES)
            cleared = (
                (occurred + timedelta(days=rng.randint(0, 20))).strftime("%d/%m/%Y")
                if status == "Đã làm rõ"
                else ""
            )
            suspects = rng.randint(0, 3)
            persons = ";".join(
                f"{rng.choice(provinces)}{rng.randint(0, 99):03d}{rng.randint(0, 999999):06d}"
                for _ in range(min(suspects, rng.randint(0, 2)))
            )
            w.writerow(
                [
                    f"BENCH-{n:08d}",
                    occurred.strftime("%d/%m/%Y %H:%M"),
                    (occurred + timedelta(minutes=rng.randint(5, 600))).strftime("%d/%m/%Y %H:%M"),
                    code,
                    lat,
                    lon,
                    rng.choice(ARTICLES),
                    status,
                    cleared,
                    suspects,
                    rng.randint(0, 2),
                    persons,
                    "x" if rng.random() < 0.1 else "",
                    "",
                    rng.randint(0, 50) * 100000,
                    "",
                ]
            )


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes) of the child, and its stdout."""
    seconds, peak, out, _, _ = measured(cmd, env)
    return seconds, peak, out


def measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str, float, int | None]:
    """Wall seconds, peak RSS (bytes) of the largest process, stdout, CPU seconds of the command and every
    process it started, and the peak of their summed PSS (bytes; None without psutil) — the memory they
    really use together, shared pages counted once. PSS is sampled every ``PSS_EVERY`` seconds: reading it
    walks a process's page tables, which slows a busy process down when done often."""
    try:
        import psutil
    except ImportError:
        psutil = None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    peak_pss = 0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        watched = psutil.Process(proc.pid) if psutil else None
        while True:
            try:
                proc.wait(timeout=PSS_EVERY)
                break
            except subprocess.TimeoutExpired:
                pass
            if watched is not None:
                total = 0
                try:
                    for p in [watched, *watched.children(recursive=True)]:
                        total += p.memory_full_info().pss
                except psutil.Error:  # a process ended while being measured
                    pass
                peak_pss = max(peak_pss, total)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, max(after.ru_maxrss, before.ru_maxrss) * 1024, stdout, cpu, peak_pss if psutil else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="antt-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"incidents-{args.rows}.csv"
    if not data.exists():
        t = time.perf_counter()
        generate(data, args.rows)
        print(
            f"generated {args.rows:,} rows ({data.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s"
        )

    antt = str(ROOT / ".venv" / "bin" / "antt")
    db = work / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "ANTT_DATABASE_URL": f"sqlite:///{db}", "ANTT_PSEUDONYM_KEY": KEY}
    timed([antt, "db", "upgrade"], env)

    results = {}
    for label in ("first import", "re-import (unchanged)"):
        seconds, peak, out, cpu, pss = measured([antt, "import", "incidents", str(data), "--json"], env)
        summary = json.loads(out)
        results[label] = (seconds, peak, summary)
        print(
            f"{label:24s} {seconds:7.1f} s  {args.rows / seconds:9,.0f} rows/s  peak RSS {peak / 2**20:6.0f} MiB"
            f"  new {summary['new']:,} updated {summary['updated']:,} unchanged {summary['unchanged']:,}"
        )
        together = f"{pss / 2**20:.0f} MiB" if pss is not None else "n/a (no psutil)"
        print(
            f"{'':24s} CPU {cpu:7.1f} s in all processes ({cpu / seconds:.2f} cores busy)  peak PSS all processes {together}"
        )

    sqlite3 = shutil.which("sqlite3")
    if sqlite3:
        base_db = work / "baseline.db"
        base_db.unlink(missing_ok=True)
        seconds, _, _ = timed(
            [sqlite3, str(base_db), ".mode csv", f".import {data} incidents"], dict(os.environ)
        )
        print(
            f"{'sqlite3 .import baseline':24s} {seconds:7.1f} s  {args.rows / seconds:9,.0f} rows/s  (no validation)"
        )
        for label, (s, _, _) in results.items():
            print(f"ratio {label} / sqlite3 .import: {s / seconds:.2f}× the time")
    else:
        print("sqlite3 command-line shell not found: baseline skipped")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
