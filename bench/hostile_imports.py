"""Benchmark: peak memory and time of importing hostile files (issue 17, "hold the line").

Generates the files the tester used (``tests/hostile_files.py``): 7 MB of bad rows, a small xlsx that
declares millions of empty rows, another whose one data row sits at row 8,300,000, and a CSV whose second
line is 200 MB. Each is imported (a dry run) into a fresh SQLite database in a subprocess of its own, the
way each edge runs it:

- ``web``: in a worker thread (no second process), the full list of problems written to a CSV beside it;
- ``cli``: in the main thread, as ``antt import`` (a file over 1 MB is validated in a forked process).

Prints, per file and way, the outcome (the rule of the refusal), the wall time and the peak RSS of the
subprocess and the processes it waited for (``wait4``). Baseline in the same run: the peak RSS of a
subprocess that only loads ANTT and opens the database. Aim: ≤ 300 MB everywhere.

    .venv/bin/python bench/hostile_imports.py [--keep DIR] [--mode web|cli|both]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AIM_MB = 300
KEY = "bench-pseudonym-key-0123456789abcdef-not-for-production"


def _files(folder: Path) -> dict[str, Path]:
    from tests.hostile_files import bad_rows_csv, empty_rows_xlsx, long_line_csv

    made = {
        "bad-rows-7MB.csv": lambda p: bad_rows_csv(p, megabytes=7),
        "empty-rows.xlsx": lambda p: empty_rows_xlsx(p, empty_rows=3_000_000),
        "row-8300000.xlsx": lambda p: empty_rows_xlsx(p, empty_rows=0, last_row=8_300_000),
        "line-200MB.csv": lambda p: long_line_csv(p, megabytes=200),
    }
    paths = {}
    for name, make in made.items():
        path = folder / name
        if not path.exists():
            make(path)
        paths[name] = path
    return paths


def _run_one(database_url: str, path: str | None, mode: str) -> None:
    """In the subprocess: import ``path`` (or only open the database) and print the outcome as JSON."""
    import threading

    from antt.domain.access import Actor
    from antt.errors import AnttError, ImportRejected
    from antt.importers.issue_log import collecting_issues
    from antt.services.database import open_database
    from antt.services.imports import import_incidents
    from antt.settings import load_settings

    settings = load_settings(database_url=database_url, pseudonym_key=KEY)
    database = open_database(settings)
    outcome: dict[str, object] = {}

    def work() -> None:
        if path is None:
            outcome["outcome"] = "baseline"
            return
        try:
            if mode == "web":
                with collecting_issues(Path(path).with_suffix(".issues.csv")) as sink:
                    try:
                        import_incidents(database, settings, Actor.system("bench"), Path(path), dry_run=True)
                    finally:
                        outcome["listed"] = sink.count
            else:
                import_incidents(database, settings, Actor.system("bench"), Path(path), dry_run=True)
            outcome["outcome"] = "accepted"
        except ImportRejected as exc:
            rules = sorted(exc.counts_by_rule.items(), key=lambda kv: -kv[1])
            outcome["outcome"] = "refused: " + ", ".join(f"{r} ×{n}" for r, n in rules[:3])
            outcome["kept"] = len(exc.issues)
        except AnttError as exc:
            outcome["outcome"] = f"{type(exc).__name__}: {exc.message_en[:80]}"

    if mode == "web":
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    else:
        work()
    database.dispose()
    print(json.dumps(outcome))


def _measure(database_url: str, path: Path | None, mode: str) -> tuple[dict[str, object], float, float]:
    started = time.perf_counter()
    command = [sys.executable, __file__, "--run-one", database_url, str(path or ""), mode]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the import of {path} failed (status {status})")
    return json.loads(out.decode().strip().splitlines()[-1]), seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the files here")
    parser.add_argument("--mode", choices=("web", "cli", "both"), default="both")
    parser.add_argument("--run-one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        url, path, mode = args.run_one
        _run_one(url, path or None, mode)
        return

    from antt.services.database import open_database, upgrade
    from antt.settings import load_settings

    folder = args.keep or Path(tempfile.mkdtemp(prefix="antt-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        database_url = f"sqlite:///{folder / 'bench.db'}"
        if not (folder / "bench.db").exists():
            database = open_database(load_settings(database_url=database_url, pseudonym_key=KEY))
            upgrade(database)
            database.dispose()
        files = _files(folder)
        modes = ("web", "cli") if args.mode == "both" else (args.mode,)
        _, _, baseline = _measure(database_url, None, "cli")
        print(f"baseline (ANTT loaded, database open): peak RSS {baseline:.0f} MB")
        print(f"{'file':<20} {'size':>9} {'way':<4} {'time':>7} {'peak RSS':>9}  outcome")
        worst = 0.0
        for name, path in files.items():
            for mode in modes:
                outcome, seconds, peak = _measure(database_url, path, mode)
                worst = max(worst, peak)
                size = path.stat().st_size / 2**20
                extra = (
                    f" (kept {outcome.get('kept')}, listed {outcome.get('listed', '—')})"
                    if "kept" in outcome
                    else ""
                )
                print(
                    f"{name:<20} {size:>7.1f}MB {mode:<4} {seconds:>6.1f}s {peak:>7.0f}MB  {outcome['outcome']}{extra}"
                )
        print(
            f"worst peak RSS {worst:.0f} MB = {worst / baseline:.1f}× the baseline; aim ≤ {AIM_MB} MB: "
            f"{'met' if worst <= AIM_MB else 'NOT MET'}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
