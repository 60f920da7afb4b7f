"""Early-warning benchmark: every detector on weekly series with injected rises (2× for 4 weeks, 1.5× for
8 weeks), detection within 2 weeks vs false alarms per series-week, the naive baselines in the same run;
and the speed of a scan of every commune × reporting group.

    .venv/bin/python bench/warn.py [--events FILE.csv --time-col C --unit-col U --category-col K --tz Z]
                                   [--series 400] [--years 7] [--judge-weeks 104] [--seed 1]

Without ``--events`` the series are synthetic: negative-binomial weekly counts (size 5) with a yearly
season, means drawn from 0.5–12 a week (a commune × group of a large city); with ``--events`` they are
the file's (e.g. the demo city's incidents, or Toronto's Major Crime Indicators by neighbourhood ×
category). Rises go into series averaging ≥ 1 case a week (antt.analytics.alerts.evaluation).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np

from antt.analytics.alerts import DEFAULT_METHOD, registry
from antt.analytics.alerts.evaluation import evaluate, inject


def synthetic(rng: np.random.Generator, series: int, weeks: int) -> np.ndarray:
    means = rng.choice([0.5, 1, 2, 3, 5, 8, 12], size=series)
    t = np.arange(weeks)
    phase = rng.uniform(0, 2 * np.pi, size=series)[:, None]
    mu = means[:, None] * np.exp(0.3 * np.sin(2 * np.pi * t / 52 + phase))
    return rng.negative_binomial(5, 5 / (5 + mu))


def from_file(args: argparse.Namespace) -> np.ndarray:
    from antt.services.warn_backtest import read_events, weekly

    events = read_events(Path(args.events), args.time_col, args.unit_col, args.category_col, args.tz)
    last = events.day.max().astype(date)
    return weekly(events, last).counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events")
    parser.add_argument("--time-col", default="occurred_at")
    parser.add_argument("--unit-col", default="unit_code")
    parser.add_argument("--category-col", default="group")
    parser.add_argument("--tz", default="Asia/Ho_Chi_Minh")
    parser.add_argument("--series", type=int, default=400)
    parser.add_argument("--years", type=int, default=7)
    parser.add_argument("--judge-weeks", type=int, default=104)
    parser.add_argument("--rises", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    counts = from_file(args) if args.events else synthetic(rng, args.series, args.years * 52)
    weeks = np.arange(counts.shape[1] - args.judge_weeks, counts.shape[1])
    print(f"{counts.shape[0]} series × {counts.shape[1]} weeks; judged: the last {weeks.size} weeks")
    detectors = registry()
    for factor, length in ((2.0, 4), (1.5, 8)):
        injected, truth = inject(
            counts,
            rng,
            factor=factor,
            length=length,
            rises=args.rises,
            first_week=int(weeks[0]),
            last_week=int(weeks[-1]),
        )
        print(f"\n{factor:g}× for {length} weeks, {len(truth)} rises")
        print(
            f"{'method':18s} {'≤2 weeks':>9s} {'any':>7s} {'median':>7s} {'false/series-week':>18s} {'seconds':>8s}"
        )
        rows = []
        for name, d in detectors.items():
            start = time.perf_counter()
            found = d.run(injected, weeks)
            elapsed = time.perf_counter() - start
            rows.append((evaluate(name, found.alarm, weeks, truth), elapsed))
        for e, elapsed in sorted(rows, key=lambda r: -r[0].detected_within):
            mark = " ← default" if e.method == DEFAULT_METHOD else ""
            median = "" if e.median_weeks_to_detection is None else f"{e.median_weeks_to_detection:g}"
            print(
                f"{e.method:18s} {100 * e.detected_within:8.1f}% {100 * e.detected_any:6.1f}% {median:>7s}"
                f" {100 * e.false_alarm_rate:17.2f}% {elapsed:8.2f}{mark}"
            )
    # the scan: every commune × group of the city (114 × 10), one week judged
    scan_counts = synthetic(rng, 114 * 10, 5 * 52 + 9)
    print("\nscan of 114 communes × 10 groups, one week:")
    for name, d in detectors.items():
        start = time.perf_counter()
        d.run(scan_counts, np.array([scan_counts.shape[1] - 1]))
        print(f"  {name:18s} {time.perf_counter() - start:6.3f} s")


if __name__ == "__main__":
    main()
