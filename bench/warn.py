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
from antt.analytics.alerts.evaluation import Evaluation, Injection, evaluate, inject
from antt.analytics.alerts.farrington import (
    Prediction,
    fitted,
    judge,
    noufaily_design,
    threshold,
    years_available,
)
from antt.analytics.alerts.glr import from_fit, nb_cusum, nb_glr, shared_baseline

# the thresholds swept on one shared fit: the false-alarm rate each buys and what it detects
SWEEP_ALPHA = (0.002, 0.005, 0.01, 0.02)
SWEEP_GLR_H = (3.0, 3.5, 4.0, 4.5, 5.0)
SWEEP_CUSUM_H = (2.5, 3.0, 3.5, 4.0)
SWEEP_GLR2_H = (2.0, 2.5, 3.0, 3.5)


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


def sweep(counts: np.ndarray, weeks: np.ndarray, truth: list[Injection]) -> list[Evaluation]:
    """One Noufaily fit of every judged week (and the 8 before), then the improved Farrington at several
    α and the negative-binomial GLR and CUSUM at several h from that same fit: detection at matched
    false-alarm rates."""
    first = int(weeks[0]) - 8
    span = np.arange(first, int(weeks[-1]) + 1)
    b = years_available(span, 3, 0)
    mu0, phi, _ = fitted(
        counts,
        span,
        design=noufaily_design(b, 3, 10, 26),
        b=b,
        trend=True,
        reweight_threshold=2.58,
        flexible=True,
    )
    pick = weeks - first
    out: list[Evaluation] = []
    zeros = np.zeros_like(mu0[:, pick])
    pred = Prediction(mu0[:, pick], zeros, zeros, phi[:, pick], zeros.astype(bool))
    for alpha in SWEEP_ALPHA:
        upper = threshold(pred, "nb", alpha)
        d = judge("noufaily", counts, weeks, mu0[:, pick], upper, (5, 4))
        out.append(evaluate(f"noufaily α={alpha:g}", d.alarm, weeks, truth))
    base = shared_baseline(*from_fit(mu0, phi), first)
    for h in SWEEP_GLR_H:
        d = nb_glr(counts, weeks, h=h, base=base)
        out.append(evaluate(f"nb_glr h={h:g}", d.alarm, weeks, truth))
    for h in SWEEP_GLR2_H:  # two weeks, one rate ratio: fewer tries under the null
        d = nb_glr(counts, weeks, h=h, window=2, kappas=(2.0,), base=base)
        out.append(evaluate(f"nb_glr 2w κ=2 h={h:g}", d.alarm, weeks, truth))
    for h in SWEEP_CUSUM_H:
        d = nb_cusum(counts, weeks, h=h, base=base)
        out.append(evaluate(f"nb_cusum h={h:g}", d.alarm, weeks, truth))
    return out


def print_rows(rows: list[tuple[Evaluation, float | None]]) -> None:
    print(
        f"{'method':22s} {'≤2 weeks':>9s} {'any':>7s} {'median':>7s} {'false/series-week':>18s} {'seconds':>8s}"
    )
    for e, elapsed in rows:
        mark = " ← default" if e.method == DEFAULT_METHOD else ""
        median = "" if e.median_weeks_to_detection is None else f"{e.median_weeks_to_detection:g}"
        seconds = "" if elapsed is None else f"{elapsed:8.2f}"
        print(
            f"{e.method:22s} {100 * e.detected_within:8.1f}% {100 * e.detected_any:6.1f}% {median:>7s}"
            f" {100 * e.false_alarm_rate:17.2f}% {seconds:>8s}{mark}"
        )


def demo(weeks_after: int) -> None:
    """The demo city (seed 1, to 31/10/2026) loaded into a temporary SQLite database through the importer;
    every detector on the series the product scans (commune × group), judged from the week of the planted
    rise (ground_truth.json ``rising_communes``) for ``weeks_after`` weeks: weeks to the first alarm in each
    rising commune, and false alarms in the other communes × groups."""
    import json
    import tempfile

    from antt.analytics.alerts.evaluation import rising_units
    from antt.demo.build import generate, load
    from antt.services.database import open_database, upgrade
    from antt.services.warn import weekly_series
    from antt.settings import load_settings

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.db"
        settings = load_settings(database_url=url, pseudonym_key="bench-" + "k" * 32, demo=True)
        database = open_database(settings)
        upgrade(database)
        city = generate(Path(folder) / "city", end=date(2026, 10, 31))
        load(database, settings, city)
        truth = json.loads(city.ground_truth.read_text(encoding="utf-8"))["rising_communes"]
        first = date(2021, 1, 4)
        series = weekly_series(database, first, (date(2026, 10, 19) - first).days // 7 + 1)
        database.dispose()
    rising_from = date.fromisoformat(truth["from"])
    onset = series.week_of(rising_from)
    weeks = np.arange(onset, min(onset + weeks_after, series.counts.shape[1]))
    keys = [series.key(s) for s in range(series.counts.shape[0])]
    print(
        f"demo city: rising communes {', '.join(truth['codes'])} from {rising_from} "
        f"(×{truth['growth_per_year']} a year); {series.counts.shape[0]} series, {weeks.size} weeks judged"
    )
    for code in truth["codes"]:
        rows = [s for s, (u, _) in enumerate(keys) if u == code]
        per_year = [int(series.counts[rows, y * 52 : (y + 1) * 52].sum()) for y in range(6)]
        print(f"  {code}: incidents per 52 weeks from 4/1/2021: {per_year}")
    print(f"{'method':18s} " + " ".join(f"{c:>16s}" for c in truth["codes"]) + f" {'false/series-week':>18s}")
    for name, d in registry().items():
        found = rising_units(name, d.run(series.counts, weeks).alarm, weeks, keys, truth["codes"], onset)
        cells = [
            "never" if found.delays[c] is None else f"{found.delays[c]} wk ({found.subjects[c]})"
            for c in truth["codes"]
        ]
        mark = " ← default" if name == DEFAULT_METHOD else ""
        print(
            f"{name:18s} "
            + " ".join(f"{c:>16s}" for c in cells)
            + f" {100 * found.false_alarm_rate:17.3f}%{mark}"
        )


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
    parser.add_argument("--sweep-only", action="store_true", help="only the matched false-alarm sweep")
    parser.add_argument("--no-scan", action="store_true", help="skip the scan timing")
    parser.add_argument("--demo", type=int, metavar="WEEKS", help="the demo city's rising communes instead")
    args = parser.parse_args()
    if args.demo:
        demo(args.demo)
        return
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
        if not args.sweep_only:
            rows = []
            for name, d in detectors.items():
                start = time.perf_counter()
                found = d.run(injected, weeks)
                elapsed = time.perf_counter() - start
                rows.append((evaluate(name, found.alarm, weeks, truth), elapsed))
            print_rows(sorted(rows, key=lambda r: -r[0].detected_within))
        print("  thresholds swept on one fit (the same injected series):")
        print_rows([(e, None) for e in sweep(injected, weeks, truth)])
    if args.no_scan:
        return
    # the scan: every commune × group of the city (114 × 10), one week judged
    scan_counts = synthetic(rng, 114 * 10, 5 * 52 + 9)
    print("\nscan of 114 communes × 10 groups, one week:")
    for name, d in detectors.items():
        start = time.perf_counter()
        d.run(scan_counts, np.array([scan_counts.shape[1] - 1]))
        print(f"  {name:18s} {time.perf_counter() - start:6.3f} s")


if __name__ == "__main__":
    main()
