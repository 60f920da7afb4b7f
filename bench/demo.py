"""Benchmark: ``antt demo`` from nothing to a server answering ``/health``.

Starts the real command in a fresh folder (new database, new files), polls the health page, and prints
the seconds until it answered, with the number of incidents loaded. Baseline in the same run: the time
``antt db upgrade`` alone takes on an empty database (schema + reference data), so the figure can be read
as "upgrade + this much for generating and importing the city".

    .venv/bin/python bench/demo.py [--scale 1] [--scale 10]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANTT = str(ROOT / ".venv" / "bin" / "antt")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_demo(scale: float) -> tuple[float, int]:
    work = Path(tempfile.mkdtemp(prefix="antt-demo-bench-"))
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [ANTT, "demo", "--port", str(port), "--scale", str(scale)],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    body = json.loads(r.read())
                    return time.perf_counter() - started, int(body["incidents"])
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"antt demo exited with {proc.returncode}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def time_upgrade() -> float:
    work = Path(tempfile.mkdtemp(prefix="antt-upgrade-bench-"))
    env = {**os.environ, "ANTT_DATABASE_URL": f"sqlite:///{work / 'x.db'}"}
    started = time.perf_counter()
    subprocess.run([ANTT, "db", "upgrade"], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append")
    args = parser.parse_args()
    baseline = time_upgrade()
    print(f"baseline: antt db upgrade on an empty database  {baseline:6.1f} s")
    for scale in args.scale or [1.0]:
        seconds, incidents = time_demo(scale)
        print(
            f"antt demo --scale {scale:g}: answering after {seconds:6.1f} s with {incidents:,} incidents"
            f"  ({seconds / baseline:.1f}× the upgrade alone; aim ≤ 60 s at scale 1)"
        )


if __name__ == "__main__":
    main()
