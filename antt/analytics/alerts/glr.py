"""Negative-binomial CUSUM and GLR on the improved Farrington baseline (Höhle & Paul 2008).

The improved Farrington (:func:`.farrington.noufaily`) judges each week on its own: a doubling that
adds 3 cases to a week expecting 3 rarely crosses a 1 % threshold in its first week, and the second
week starts again from nothing. A likelihood-ratio statistic adds up the evidence of consecutive weeks.

Baseline: for every week ``i`` the Noufaily GLM (all weeks of up to 5 past years except the last 26,
10 seasonal levels, downweighted outbreaks) gives the expected count μ_i and the dispersion φ_i; the
in-control count is negative binomial with mean μ_i and size ``r_i = μ_i / (φ_i − 1)`` (Poisson when
φ = 1). Out of control the mean is κ μ_i with the same size (Höhle & Paul's parametrisation), so the
log-likelihood ratio of a week is linear in its count:

    ℓ_κ(y) = r log((r + μ) / (r + κμ)) + y log(κ (r + μ) / (r + κμ))    (Poisson: −(κ − 1)μ + y log κ)

``nb_glr`` — the window-limited GLR: the largest sum of ℓ_κ over the windows ending with the judged week
(1 … ``window`` weeks long) and the rate ratios κ of a grid (1.5, 2, 3, 4: the maximum likelihood over
κ ≥ 1 of Höhle & Paul, on a grid); alarm when it exceeds ``h``. It has no state: the verdict on week t
depends on the ``window`` weeks ending with t and their baselines only, so the weekly scan of the
product judges a week exactly as the backtest does.

``nb_cusum`` — Page's CUSUM of ℓ_κ for κ = 2 (``S_t = max(0, S_{t−1} + ℓ(y_t))``, alarm above ``h``, then
0), started ``warmup`` weeks before the first judged week.

The count that alarms is explicit: for each window and κ, ``y > (h − Σ earlier ℓ − a_κ) / b_κ`` with
``ℓ_κ(y) = a_κ + b_κ y``; the threshold is the smallest of these. ``h`` was chosen with
``bench/warn.py`` for about 1 % false alarms per series-week on the synthetic series
(``docs/early-warning.md``).

Reference: M. Höhle, M. Paul (2008), Count data regression charts for the monitoring of surveillance
time series, Computational Statistics & Data Analysis 52, 4357–4368 (R ``surveillance::glrnb``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from antt.analytics.alerts import (
    WEEKS_PER_YEAR,
    Detection,
    Detector,
    FloatArray,
    IntArray,
    as_counts,
    as_weeks,
)
from antt.analytics.alerts.farrington import fitted, noufaily_design, years_available

KAPPAS = (1.5, 2.0, 3.0, 4.0)
MU_FLOOR = 0.02  # an expectation of 0 would make one case infinitely unlikely
MIN_HISTORY = WEEKS_PER_YEAR + 4  # as the improved Farrington: one year and its ±3-week window

# (first week, number of weeks) → (μ, size) of those weeks: a baseline computed once and shared by
# several settings (bench/warn.py sweeps the thresholds without refitting the GLMs)
Base = Callable[[int, int], tuple[FloatArray, FloatArray]]


def baseline(counts: IntArray, span: IntArray) -> tuple[FloatArray, FloatArray]:
    """μ and the negative-binomial size r (``inf``: Poisson) of every series at the weeks ``span``."""
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
    return from_fit(mu0, phi)


def from_fit(mu0: FloatArray, phi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The Noufaily fit's μ0 and φ → μ (floored) and the negative-binomial size."""
    mu = np.where(np.isfinite(mu0), np.maximum(mu0, MU_FLOOR), MU_FLOOR)
    over = np.isfinite(phi) & (phi > 1.0 + 1e-9)
    size = np.where(over, mu / np.where(over, phi - 1.0, 1.0), np.inf)
    return mu, size


def shared_baseline(mu: FloatArray, size: FloatArray, first: int) -> Base:
    """A baseline of the weeks ``first …`` computed once (:func:`baseline`), sliced for each caller."""

    def part(start: int, weeks: int) -> tuple[FloatArray, FloatArray]:
        if start < first or start + weeks > first + mu.shape[1]:
            raise ValueError("the shared baseline does not cover these weeks")
        return mu[:, start - first : start - first + weeks], size[:, start - first : start - first + weeks]

    return part


def coefficients(mu: FloatArray, size: FloatArray, kappa: float) -> tuple[FloatArray, FloatArray]:
    """``a, b`` of ``ℓ_κ(y) = a + b y`` (see the module docstring), Poisson where ``size`` is ``inf``."""
    finite = np.isfinite(size)
    r = np.where(finite, size, 1.0)
    shift = np.log1p((kappa - 1.0) * mu / (r + mu))
    a = np.where(finite, -r * shift, -(kappa - 1.0) * mu)
    b = np.where(finite, np.log(kappa) - shift, np.log(kappa))
    return a, b


def nb_glr(
    counts_in: IntArray,
    weeks_in: IntArray,
    *,
    h: float = 4.5,
    window: int = 4,
    kappas: tuple[float, ...] = KAPPAS,
    name: str = "nb_glr",
    base: Base | None = None,
) -> Detection:
    counts = as_counts(counts_in)
    weeks = as_weeks(weeks_in, counts.shape[1], MIN_HISTORY)
    if weeks.size == 0:
        return _empty(name, counts.shape[0])
    first = max(int(weeks.min()) - window + 1, MIN_HISTORY)
    span = np.arange(first, int(weeks.max()) + 1, dtype=np.int64)
    mu, size = base(first, span.size) if base else baseline(counts, span)
    y = counts[:, span].astype(np.float64)
    pick = weeks - first
    best = np.full((counts.shape[0], weeks.size), -np.inf)
    limit = np.full((counts.shape[0], weeks.size), np.inf)
    for kappa in kappas:
        a, b = coefficients(mu, size, kappa)
        ell = a + b * y
        cumulative = np.concatenate([np.zeros((counts.shape[0], 1)), ell.cumsum(axis=1)], axis=1)
        for length in range(1, window + 1):
            start = pick - length + 1
            ok = start >= 0
            if not ok.any():
                continue
            lo = np.where(ok, start, 0)
            earlier = cumulative[:, pick] - cumulative[:, lo]  # the window's ℓ before the judged week
            total = np.where(ok[None, :], earlier + ell[:, pick], -np.inf)
            best = np.maximum(best, total)
            count_limit = (h - earlier - a[:, pick]) / b[:, pick]
            limit = np.where(ok[None, :], np.minimum(limit, count_limit), limit)
    observed = counts[:, weeks]
    return Detection(name, weeks, observed, mu[:, pick], limit, best, best > h)


def nb_cusum(
    counts_in: IntArray,
    weeks_in: IntArray,
    *,
    h: float = 3.5,
    kappa: float = 2.0,
    warmup: int = 8,
    name: str = "nb_cusum",
    base: Base | None = None,
) -> Detection:
    counts = as_counts(counts_in)
    weeks = as_weeks(weeks_in, counts.shape[1], MIN_HISTORY)
    if weeks.size == 0:
        return _empty(name, counts.shape[0])
    first = max(int(weeks.min()) - warmup, MIN_HISTORY)
    span = np.arange(first, int(weeks.max()) + 1, dtype=np.int64)
    mu, size = base(first, span.size) if base else baseline(counts, span)
    a, b = coefficients(mu, size, kappa)
    y = counts[:, span]
    state = np.zeros(counts.shape[0])
    score = np.empty(y.shape)
    limit = np.empty(y.shape)
    alarm = np.zeros(y.shape, dtype=bool)
    for i in range(span.size):
        limit[:, i] = (h - state - a[:, i]) / b[:, i]
        state = np.maximum(0.0, state + a[:, i] + b[:, i] * y[:, i])
        score[:, i] = state
        alarm[:, i] = state > h
        state = np.where(alarm[:, i], 0.0, state)
    pick = weeks - first
    return Detection(name, weeks, y[:, pick], mu[:, pick], limit[:, pick], score[:, pick], alarm[:, pick])


def _empty(name: str, series: int) -> Detection:
    empty = np.zeros((series, 0))
    return Detection(
        name, np.zeros(0, dtype=np.int64), empty.astype(np.int64), empty, empty, empty, empty.astype(bool)
    )


def detectors() -> list[Detector]:
    return [
        Detector(
            "nb_glr",
            partial(nb_glr),
            MIN_HISTORY,
            "GLR nhị thức âm (Höhle & Paul 2008) trên đường nền Farrington cải tiến, cửa sổ 4 tuần, h = 4,5",
            "Negative-binomial GLR (Höhle & Paul 2008) on the improved Farrington baseline, 4 weeks, h = 4.5",
        ),
        Detector(
            "nb_cusum",
            partial(nb_cusum),
            MIN_HISTORY,
            "CUSUM nhị thức âm cho mức tăng gấp đôi trên đường nền Farrington cải tiến (h = 3,5)",
            "Negative-binomial CUSUM for a doubling on the improved Farrington baseline (h = 3.5)",
        ),
    ]
