"""Benchmark: the dashboard under 20 concurrent users — overview, CompStat (changing filters) and commune pages.

Builds the demo city with the real command (``antt demo --no-serve --scale N``), serves it with ``antt serve``
on loopback (its default number of workers), and drives it from a separate process: ``--users`` closed-loop
users (no think time by default), each walking its own seeded path — the overview, CompStat with a random
choice of period, comparison, reporting group and commune (the full page, then filter changes as htmx sends
them: ``HX-Request`` and the CompStat region only), and a commune's page. Every user also asks ``/health``
now and then: the cheapest route, the baseline, measured under the very same load. A warm-up (not
counted) lets each worker fill its caches first.

Prints, per kind of page and overall: requests, requests/s, p50/p95/p99/max latency, error rate, each kind's
p50 and p95 as a multiple of ``/health``'s, and ("alone") the median of the same requests sent afterwards by
one user alone (caches warm, no queue): the server's time for one request. Also the CPU time the server and
the load generator used (a saturated load generator would inflate the latencies). With closed-loop users
and no think time, latency under load is about users ÷ throughput (Little's law): compare it with "alone".
Aim (the dashboard issue): p95 ≤ 300 ms and no errors, at scale 1 and 10.

    .venv/bin/python bench/web.py [--scale 1] [--scale 10] [--duration 120] [--users 20] [--warmup 5]
        [--think 0] [--solo 10] [--workers N] [--keep DIR] [--during-warm]

``--keep DIR`` keeps the demo databases there and reuses them in later runs. The load starts once the
server has filled its cache of the data (``/health`` says ``cache_warmed``; the seconds it took are printed):
the state an import leaves it in a while later. ``--during-warm`` measures at once instead, while one worker
is still computing every page in the background.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
ANTT = str(ROOT / ".venv" / "bin" / "antt")
AIM_P95_MS = 300.0
SESSION_COOKIE = "__Host-antt_session"  # antt.web.session.SESSION_COOKIE
KINDS = {
    "overview": "overview  /",
    "compstat": "CompStat  /compstat (page)",
    "compstat-htmx": "CompStat  filter change (htmx)",
    "unit": "commune   /units/{code}",
    "health": "baseline  /health",
}
# one round of a user's walk; /health once a round is the baseline under the same load
ROUND = ["overview", "compstat", "compstat-htmx", "compstat-htmx", "compstat-htmx", "unit", "health"]


# ----------------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo(scale: float, folder: Path) -> Path:
    """The demo city at ``scale`` through ``antt demo --no-serve`` (reused when ``folder`` has it)."""
    database = folder / f"antt-demo-scale{scale:g}.db"
    if database.exists():
        print(f"… reusing {database}", flush=True)
        return database
    print(f"… building the demo city at scale {scale:g} (antt demo --no-serve)", flush=True)
    started = time.perf_counter()
    data = folder / f"data-scale{scale:g}"
    subprocess.run(
        [ANTT, "demo", "--no-serve", "--scale", str(scale), "--database", str(database), "--data", str(data)],
        cwd=folder,
        env=_env(database),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return database


def _env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTT_")}
    env.update({"ANTT_DATABASE_URL": f"sqlite:///{database}", "ANTT_DEMO": "1", "COLUMNS": "200"})
    return env


@contextmanager
def serving(database: Path, workers: int | None) -> Iterator[tuple[str, subprocess.Popen[bytes], str]]:
    """``antt serve`` on a free loopback port; yields (base URL, process, the line it printed)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="antt-web-bench-", suffix=".log")[1])
    command = [ANTT, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=_env(database), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"antt serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"antt serve did not answer /health in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, proc, log.read_text(errors="replace").strip().splitlines()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        log.unlink(missing_ok=True)


def analyst_session(database: Path) -> str:
    """A session of the demo analyst (city-wide), opened through the real sign-in service as the
    identity provider's callback would: the benchmark measures the pages, not the provider."""
    sys.path.insert(0, str(ROOT))
    from antt.auth.identity import Identity
    from antt.demo.personas import PERSONAS
    from antt.demo.users import DEMO_ISSUER
    from antt.services.database import open_database
    from antt.services.users import sign_in
    from antt.settings import load_settings

    settings = load_settings(database_url=f"sqlite:///{database}", demo=True)
    analyst = next(p for p in PERSONAS if p.role == "analyst")
    db = open_database(settings)
    try:
        identity = Identity(
            DEMO_ISSUER, analyst.oidc_sub, personal_id=analyst.personal_id, full_name=analyst.full_name
        )
        token, _actor = sign_in(db, settings, identity, "127.0.0.1")
    finally:
        db.dispose()
    return token


def wait_for_warm_cache(base: str, token: str, limit_s: float = 900) -> float:
    """Seconds until the server says its cache of the current data is filled (``/health`` ``cache_warmed``):
    the state the cache is built for, which an import leaves it in a while later."""
    started = time.monotonic()
    while not get_json(f"{base}/health", token).get("cache_warmed"):
        if time.monotonic() - started > limit_s:
            raise SystemExit(f"the server did not fill its cache in {limit_s:g} s")
        time.sleep(0.5)
    return time.monotonic() - started


def get_json(url: str, token: str = "") -> Any:
    request = urllib.request.Request(url, headers={"Cookie": f"{SESSION_COOKIE}={token}"} if token else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and all its descendants (the uvicorn workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return float("nan")


# ------------------------------------------------------------------------------------------ the walk


def choices(base: str, data_up_to: date, token: str) -> dict[str, Any]:
    """What the users choose from: the filter bar's own period presets, groups, communes."""
    sys.path.insert(0, str(ROOT))
    from antt.domain.reference import offence_table
    from antt.web.pages.filters import default_period, period_choices

    periods = [key for key, _ in period_choices(data_up_to, default_period(data_up_to))]
    communes = [f["id"] for f in get_json(f"{base}/api/map/communes", token)["features"]]
    return {
        "periods": periods,
        "compare": ["same-period-last-year", "previous-period"],
        "groups": ["all", *offence_table().group_codes],
        "communes": communes,
    }


def compstat_query(rng: random.Random, options: dict[str, Any]) -> str:
    """A filter bar state, as the form sends it (htmx serialises every field, empty ones too)."""
    unit = rng.choice(options["communes"]) if rng.random() < 0.4 else ""
    return urlencode(
        {
            "period": rng.choice(options["periods"]),
            "from": "",
            "to": "",
            "compare": rng.choice(options["compare"]),
            "group": rng.choice(options["groups"]),
            "unit": unit,
            "measure": rng.choice(["count", "count", "rate", "z"]),
        }
    )


def request_for(kind: str, rng: random.Random, options: dict[str, Any]) -> tuple[str, dict[str, str]]:
    if kind == "overview":
        return "/", {}
    if kind == "compstat":
        return f"/compstat?{compstat_query(rng, options)}", {}
    if kind == "compstat-htmx":
        headers = {"HX-Request": "true", "HX-Target": "compstat", "HX-Current-URL": "/compstat"}
        return f"/compstat?{compstat_query(rng, options)}", headers
    if kind == "unit":
        return f"/units/{rng.choice(options['communes'])}", {}
    return "/health", {}


async def _drive(config: dict[str, Any]) -> dict[str, Any]:
    import httpx

    options = config["options"]
    started = time.perf_counter()
    measure_from = started + config["warmup"]
    stop_at = measure_from + config["duration"]
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: dict[str, int] = dict.fromkeys(KINDS, 0)
    samples: list[str] = []

    async def user(index: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(f"antt-web-bench-{index}")
        step = rng.randrange(len(ROUND))  # users start at different points of the walk
        while time.perf_counter() < stop_at:
            kind = ROUND[step % len(ROUND)]
            step += 1
            url, headers = request_for(kind, rng, options)
            sent = time.perf_counter()
            try:
                response = await client.get(url, headers=headers)
                failed = (
                    response.status_code != 200 and f"{response.status_code} {url}"
                )  # a redirect to /login too
            except httpx.HTTPError as exc:
                failed = f"{type(exc).__name__} {url}"
            done = time.perf_counter()
            if sent >= measure_from and done <= stop_at:
                latencies[kind].append((done - sent) * 1000)
                if failed:
                    errors[kind] += 1
                    if len(samples) < 10:
                        samples.append(failed)
            if config["think"]:
                await asyncio.sleep(rng.expovariate(1000 / config["think"]))

    limits = httpx.Limits(max_connections=config["users"], max_keepalive_connections=config["users"])
    solo: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cookies = {SESSION_COOKIE: config["token"]}
    async with httpx.AsyncClient(
        base_url=config["base"], timeout=60, limits=limits, cookies=cookies
    ) as client:
        await asyncio.gather(*(user(i, client) for i in range(config["users"])))
        # then one user alone (caches warm): each kind's time without queueing behind the others
        rng = random.Random("antt-web-bench-solo")
        for _ in range(config["solo"]):
            for kind in KINDS:
                url, headers = request_for(kind, rng, options)
                sent = time.perf_counter()
                await client.get(url, headers=headers)
                solo[kind].append((time.perf_counter() - sent) * 1000)
    usage = os.times()
    return {
        "latencies": latencies,
        "solo": solo,
        "errors": errors,
        "samples": samples,
        "client_cpu": usage.user + usage.system,
    }


def client_main(config_path: str) -> None:
    """The load generator's process: reads its configuration, prints its measurements as JSON."""
    config = json.loads(Path(config_path).read_text())
    print(json.dumps(asyncio.run(_drive(config))))


def run_load(base: str, options: dict[str, Any], args: argparse.Namespace, token: str) -> dict[str, Any]:
    config = {
        "base": base,
        "token": token,
        "options": options,
        "users": args.users,
        "duration": args.duration,
        "warmup": args.warmup,
        "think": args.think,
        "solo": args.solo,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(config, fh)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--client", fh.name], check=True, capture_output=True, text=True
        )
    finally:
        os.unlink(fh.name)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figures:
    label: str
    latencies: list[float]
    errors: int
    seconds: float
    alone: list[float]  # the same kind of request by one user alone

    def pct(self, q: float) -> float:  # nearest rank
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")

    def line(self, health: Figures | None) -> str:
        n = len(self.latencies)
        rate = 100 * self.errors / n if n else float("nan")
        ratio = ""
        if health is not None:
            ratio = f"  {self.pct(0.5) / health.pct(0.5):7.1f}×  {self.pct(0.95) / health.pct(0.95):7.1f}×"
        alone = statistics.median(self.alone) if self.alone else float("nan")
        return (
            f"{self.label:34s}{n:8d}{n / self.seconds:8.1f}{self.pct(0.5):9.1f}{self.pct(0.95):9.1f}"
            f"{self.pct(0.99):9.1f}{max(self.latencies, default=float('nan')):9.1f}{self.errors:7d}{rate:7.2f}%"
            f"{alone:9.1f}" + ratio
        )


def report(result: dict[str, Any], seconds: float) -> tuple[float, int]:
    """Print the table; return the overall p95 (without /health) and the number of errors."""
    kinds = {
        kind: Figures(label, result["latencies"][kind], result["errors"][kind], seconds, result["solo"][kind])
        for kind, label in KINDS.items()
    }
    pages = [k for k in KINDS if k != "health"]
    overall = Figures(
        "all pages (without /health)",
        [x for k in pages for x in kinds[k].latencies],
        sum(kinds[k].errors for k in pages),
        seconds,
        [x for k in pages for x in kinds[k].alone],
    )
    health = kinds["health"]
    print(
        f"{'kind':34s}{'requests':>8s}{'req/s':>8s}{'p50 ms':>9s}{'p95 ms':>9s}{'p99 ms':>9s}{'max ms':>9s}"
        f"{'errors':>7s}{'rate':>8s}{'alone':>9s}  {'p50/base':>8s} {'p95/base':>8s}"
    )
    for kind in pages:
        print(kinds[kind].line(health))
    print(overall.line(health))
    print(health.line(None))
    for sample in result["samples"]:
        print(f"  error: {sample}")
    return overall.pct(0.95), overall.errors + health.errors


def bench(scale: float, folder: Path, args: argparse.Namespace) -> bool:
    database = build_demo(scale, folder)
    with serving(database, args.workers) as (base, proc, banner):
        token = analyst_session(database)
        health = get_json(f"{base}/health", token)  # its figures only for a signed-in user
        options = choices(base, date.fromisoformat(health["data_up_to"]), token)  # starts the warm-up
        warmed = None if args.during_warm else wait_for_warm_cache(base, token)
        cpu_before, wall_before = cpu_seconds(proc.pid), time.perf_counter()
        result = run_load(base, options, args, token)
        server_cpu, wall = cpu_seconds(proc.pid) - cpu_before, time.perf_counter() - wall_before
    print(
        f"\ndemo city scale {scale:g}: {health['incidents']:,} incidents, data up to {health['data_up_to']};"
        f" {banner.strip()}; {args.users} users, {args.duration:g} s measured after {args.warmup:g} s warm-up,"
        f" think time {args.think:g} ms; load from a separate process (httpx, asyncio)"
    )
    print(
        "measured while the server fills its cache (--during-warm)"
        if warmed is None
        else f"measured once the server had filled its cache after the import ({warmed:.1f} s, /health cache_warmed)"
    )
    p95, errors = report(result, args.duration)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(
        f"CPU: server {server_cpu:.1f} s ({server_cpu / wall:.2f} cores), load generator"
        f" {result['client_cpu']:.1f} s ({result['client_cpu'] / wall:.2f} cores), of {cores} cores,"
        f" over {wall:.1f} s"
    )
    met = p95 <= AIM_P95_MS and errors == 0
    print(
        f"aim p95 ≤ {AIM_P95_MS:g} ms with 0 errors: {'met' if met else 'MISSED'}"
        f" (p95 {p95:.1f} ms, {errors} errors)"
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--scale", type=float, action="append", help="demo city scale (repeatable; default 1)"
    )
    parser.add_argument("--duration", type=float, default=120.0, help="seconds measured (default 120)")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load not counted (default 5)")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time between requests, ms")
    parser.add_argument("--solo", type=int, default=10, help="requests per kind by one user alone, after")
    parser.add_argument("--workers", type=int, help="antt serve --workers (default: the command's own)")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the demo databases in this folder")
    parser.add_argument(
        "--during-warm",
        action="store_true",
        help="measure at once, while the server fills its cache after the import (default: once it is filled)",
    )
    parser.add_argument("--client", help=argparse.SUPPRESS)  # internal: run as the load generator
    args = parser.parse_args()
    if args.client:
        client_main(args.client)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="antt-web-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        results = [bench(scale, folder.resolve(), args) for scale in args.scale or [1.0]]
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
