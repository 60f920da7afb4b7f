"""Rolling-origin evaluation of place-based forecasts: hit rate, PAI and PEI* with bootstrap intervals.

Windows ``[t_k, t_k + h)`` follow each other from the first start. For each window every method is
(re)fitted on the events before ``t_k`` and scores every cell; the evaluation then counts the window's
events. At a coverage ``c`` (share of the grid's area) the forecast "flags" the ``k = c · n_cells``
highest-scoring cells:

- hit rate ``n / N`` — the share of the window's ``N`` events (inside the grid) that fall in them;
- PAI ``(n / N) / (a / A)`` (Chainey, Tompson & Uhlig 2008) — the hit rate per share of area, here
  ``hit rate / c``;
- PEI* ``n / n*`` (Hunt 2016; Chainey's PEI with the maximum at the *same* area) — ``n*`` is what the
  perfect forecast for that window would have captured in ``k`` cells.

Ties at the cut-off are credited pro rata: when ``m`` cells share the score at the boundary and only
``r`` of them fit, they contribute ``r / m`` of their events — the expected count of a random tie break,
so a method gains nothing from ties. A fractional ``k`` counts the partial cell the same way.

Figures are pooled over the windows (``Σ n / Σ N``); their 95 % intervals resample the windows with
replacement (percentile bootstrap, seeded). The default method is the one with the highest pooled hit
rate at 5 % of the area; its ratio to the best naive baseline is reported beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from antt.analytics.forecast.base import Events, FittedModel, ForecastMethod, captured
from antt.analytics.grids import FloatArray, Grid

COVERAGES = (0.01, 0.02, 0.05, 0.10)
HEADLINE_COVERAGE = 0.05


@dataclass(frozen=True)
class Interval:
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class CoverageMetrics:
    coverage: float
    hit_rate: Interval
    pai: Interval
    pei_star: Interval


@dataclass(frozen=True, eq=False)
class MethodRun:
    """One method over every window: per-window captures, pooled metrics, timings, fitted parameters."""

    name: str
    captured: NDArray[np.float64]  # (windows, coverages): n
    metrics: tuple[CoverageMetrics, ...]
    fit_seconds: tuple[float, ...]
    forecast_seconds: tuple[float, ...]
    parameters: Mapping[str, float]

    def metric(self, coverage: float) -> CoverageMetrics:
        for m in self.metrics:
            if abs(m.coverage - coverage) < 1e-12:
                return m
        raise KeyError(coverage)


@dataclass(frozen=True, eq=False)
class Truth:
    """What happened in each window: events per cell, their total N and the perfect capture n*."""

    counts: tuple[FloatArray, ...]
    totals: NDArray[np.float64]  # (windows,)
    best: NDArray[np.float64]  # (windows, coverages)
    coverages: tuple[float, ...]


def window_truth(
    events: Events,
    grid: Grid,
    starts: Sequence[float],
    horizon: float,
    coverages: Sequence[float] = COVERAGES,
) -> Truth:
    counts = []
    for t in starts:
        inside = events.between(t, t + horizon)
        cell = grid.cell_of(inside.x, inside.y)
        counts.append(np.bincount(cell[cell >= 0], minlength=grid.n_cells).astype(float))
    totals = np.array([c.sum() for c in counts], dtype=float)
    best = np.array([[captured(c, c, cov * grid.n_cells) for cov in coverages] for c in counts], dtype=float)
    return Truth(tuple(counts), totals, best.reshape(len(counts), len(coverages)), tuple(coverages))


def run_method(
    method: ForecastMethod,
    events: Events,
    grid: Grid,
    starts: Sequence[float],
    horizon: float,
    truth: Truth,
    *,
    refit_every: int = 1,
    rng: np.random.Generator,
    bootstrap: int = 1000,
    on_forecast: Callable[[int, FloatArray], None] | None = None,
) -> MethodRun:
    """Fit (every ``refit_every`` windows) and forecast each window from the events before its start only."""
    fits: list[float] = []
    predicts: list[float] = []
    model: FittedModel | None = None
    rows = []
    for k, t in enumerate(starts):
        history = events.before(t)  # the only data a forecast for this window may see
        if model is None or k % max(refit_every, 1) == 0:
            began = time.perf_counter()
            model = method.fit(history, grid, t)
            fits.append(time.perf_counter() - began)
        began = time.perf_counter()
        scores = np.asarray(model.predict(history, t, horizon), dtype=float)
        predicts.append(time.perf_counter() - began)
        if scores.shape != (grid.n_cells,):
            raise ValueError(f"{method.name} returned {scores.shape} scores for {grid.n_cells} cells")
        rows.append([captured(scores, truth.counts[k], c * grid.n_cells) for c in truth.coverages])
        if on_forecast is not None:
            on_forecast(k, scores)
    n = np.array(rows, dtype=float).reshape(len(starts), len(truth.coverages))
    metrics = pooled_metrics(n, truth, rng=rng, bootstrap=bootstrap)
    params = dict(model.parameters) if model is not None else {}
    return MethodRun(method.name, n, metrics, tuple(fits), tuple(predicts), params)


def pooled_metrics(
    n: NDArray[np.float64], truth: Truth, *, rng: np.random.Generator, bootstrap: int = 1000
) -> tuple[CoverageMetrics, ...]:
    windows = n.shape[0]
    draws = rng.integers(0, windows, size=(bootstrap, windows)) if windows and bootstrap else None
    out = []
    for c, coverage in enumerate(truth.coverages):
        hit = _ratio(n[:, c], truth.totals, draws)
        pei = _ratio(n[:, c], truth.best[:, c], draws)
        pai = Interval(*(None if v is None else v / coverage for v in (hit.value, hit.low, hit.high)))
        out.append(CoverageMetrics(coverage, hit, pai, pei))
    return tuple(out)


def _ratio(num: FloatArray, den: FloatArray, draws: NDArray[np.int64] | None) -> Interval:
    total = float(den.sum())
    if total <= 0:
        return Interval(None, None, None)
    value = float(num.sum()) / total
    if draws is None:
        return Interval(value, None, None)
    b_num, b_den = num[draws].sum(axis=1), den[draws].sum(axis=1)
    ok = b_den > 0
    if not ok.any():
        return Interval(value, None, None)
    ratios = b_num[ok] / b_den[ok]
    low, high = np.percentile(ratios, [2.5, 97.5])
    return Interval(value, float(low), float(high))


@dataclass(frozen=True)
class DefaultChoice:
    method: str
    hit_rate: float | None
    baseline: str
    baseline_hit_rate: float | None
    ratio: float | None


def choose_default(
    runs: Sequence[MethodRun], baselines: Sequence[str], coverage: float = HEADLINE_COVERAGE
) -> DefaultChoice | None:
    """The method with the highest pooled hit rate at ``coverage`` (first listed wins a tie), against the
    best naive baseline of the same run."""
    scored = [(r.metric(coverage).hit_rate.value, r.name) for r in runs]
    rated = [(v, name) for v, name in scored if v is not None]
    if not rated:
        return None
    best_value, best_name = rated[0]
    for v, name in rated[1:]:
        if v > best_value:
            best_value, best_name = v, name
    naive = [(v, name) for v, name in rated if name in baselines]
    if not naive:
        return DefaultChoice(best_name, best_value, "", None, None)
    base_value, base_name = max(naive, key=lambda item: item[0])
    ratio = best_value / base_value if base_value > 0 else None
    return DefaultChoice(best_name, best_value, base_name, base_value, ratio)
