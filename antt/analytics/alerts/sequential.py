"""CUSUM and EWMA on standardised weekly counts.

Each week's count is standardised against the same weeks of past years (as many years as there are, at
most 5, ±3 weeks): ``z_t = (y_t − m_t) / σ_t`` with m the mean of those reference counts and
``σ² = max(1, v/m) · m`` (a Poisson variance inflated by the reference counts' own overdispersion),
σ ≥ 0.5.

CUSUM (Page 1954; Lucas 1985): ``S_t = max(0, S_{t−1} + z_t − k)``, alarm when ``S_t > h`` (k = 0.5 tuned
to a shift of one σ, h = 4), then S restarts from 0. The count that alarms at week t is
``y > m_t + σ_t (h + k − S_{t−1})``.

EWMA (Roberts 1959): ``E_t = λ z_t + (1 − λ) E_{t−1}``, alarm when ``E_t > L √(λ/(2 − λ))`` (λ = 0.3,
L = 3, the asymptotic limit), then E restarts from 0.

Both recursions start at 0 at the first judged week; week t's state reads only weeks ≤ t.
"""

from __future__ import annotations

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
from antt.analytics.alerts.baselines import past_years

SIGMA_FLOOR = 0.5


def standardised(counts: IntArray, weeks: IntArray) -> tuple[FloatArray, FloatArray]:
    """Mean and σ of each judged week from the same weeks of past years (see the module docstring)."""
    ref = past_years(counts, weeks)
    mean = ref.mean(axis=2)
    var = ref.var(axis=2, ddof=1)
    phi = np.maximum(1.0, np.divide(var, mean, out=np.ones_like(mean), where=mean > 0))
    return mean, np.maximum(np.sqrt(phi * mean), SIGMA_FLOOR)


def _recursive(
    name: str, counts_in: IntArray, weeks_in: IntArray, *, kind: str, k: float, h: float, lam: float
) -> Detection:
    counts = as_counts(counts_in)
    weeks = as_weeks(weeks_in, counts.shape[1], WEEKS_PER_YEAR + 3)
    if weeks.size == 0:
        empty = np.zeros((counts.shape[0], 0))
        return Detection(name, weeks, empty.astype(np.int64), empty, empty, empty, empty.astype(bool))
    span = np.arange(int(weeks.min()), int(weeks.max()) + 1, dtype=np.int64)
    mean, sd = standardised(counts, span)
    observed = counts[:, span]
    z = (observed - mean) / sd
    state = np.zeros(counts.shape[0])
    limit = h if kind == "cusum" else h * np.sqrt(lam / (2.0 - lam))
    threshold = np.empty_like(z)
    score = np.empty_like(z)
    alarm = np.zeros(z.shape, dtype=bool)
    for i in range(span.size):
        if kind == "cusum":
            threshold[:, i] = mean[:, i] + sd[:, i] * (limit + k - state)
            state = np.maximum(0.0, state + z[:, i] - k)
        else:
            threshold[:, i] = mean[:, i] + sd[:, i] * (limit - (1.0 - lam) * state) / lam
            state = lam * z[:, i] + (1.0 - lam) * state
        score[:, i] = state
        alarm[:, i] = state > limit
        state = np.where(alarm[:, i], 0.0, state)
    pick = weeks - span[0]
    return Detection(
        name, weeks, observed[:, pick], mean[:, pick], threshold[:, pick], score[:, pick], alarm[:, pick]
    )


def cusum(counts: IntArray, weeks: IntArray, *, k: float = 0.5, h: float = 4.0) -> Detection:
    return _recursive("cusum", counts, weeks, kind="cusum", k=k, h=h, lam=0.0)


def ewma(counts: IntArray, weeks: IntArray, *, lam: float = 0.3, L: float = 3.0) -> Detection:
    return _recursive("ewma", counts, weeks, kind="ewma", k=0.0, h=L, lam=lam)


def detectors() -> list[Detector]:
    return [
        Detector(
            "cusum",
            partial(cusum),
            WEEKS_PER_YEAR + 3,
            "CUSUM trên số vụ chuẩn hoá (k = 0,5, h = 4)",
            "CUSUM on standardised counts (k = 0.5, h = 4)",
        ),
        Detector(
            "ewma",
            partial(ewma),
            WEEKS_PER_YEAR + 3,
            "EWMA trên số vụ chuẩn hoá (λ = 0,3, L = 3)",
            "EWMA on standardised counts (λ = 0.3, L = 3)",
        ),
    ]
