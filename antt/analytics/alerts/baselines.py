"""The naive detectors every backtest compares with.

``poisson_z`` — expected count E = the mean of the same weeks of past years (the ±w weeks around the
week 52, 104, … weeks back, as many years as there are, at most b); score the variance-stabilised
difference ``2(√y − √E)`` (CompStat's z, Wheeler 2018); alarm when it exceeds ``z`` (3 by default), i.e.
``y > (√E + z/2)²``.

``naive_last_year`` — CompStat's own comparison week by week: E = the same week last year, z > 2.

EARS C1, C2, C3 (Hutwagner et al. 2003; CDC's Early Aberration Reporting System): the mean m and standard
deviation σ of the 7 weeks before (C1) or of the 7 weeks ending 3 weeks before (C2: a 2-week guard band,
so a rise does not raise its own baseline); C1/C2 alarm when ``(y − m)/σ > 3``; C3 sums the positive parts
of ``C2 − 1`` over the week and the 2 before and alarms above 2. σ is floored at ``SIGMA_FLOOR`` (0.5) —
weekly crime counts of one commune are often constant zeros, and an unfloored σ of 0 alarms on one case.

Reference: L. C. Hutwagner, W. W. Thompson, G. M. Seeman, T. Treadwell (2003), The bioterrorism
preparedness and response Early Aberration Reporting System (EARS), J. Urban Health 80, i89–i96.
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

SIGMA_FLOOR = 0.5


def past_years(counts: IntArray, weeks: IntArray, *, b: int = 5, w: int = 3) -> FloatArray:
    """The reference counts ``(series, judged weeks, b·(2w + 1))`` of the same weeks of the past years
    available to the earliest judged week (at most ``b``); ``nan``-free."""
    first = int(weeks.min()) if weeks.size else 0
    years = max(1, min(b, (first - w) // WEEKS_PER_YEAR))
    offsets = np.array(
        [-WEEKS_PER_YEAR * i + j for i in range(years, 0, -1) for j in range(-w, w + 1)], dtype=np.int64
    )
    return counts[:, weeks[:, None] + offsets[None, :]].astype(np.float64)


def _z_detection(name: str, counts: IntArray, weeks: IntArray, expected: FloatArray, z: float) -> Detection:
    observed = counts[:, weeks]
    root = np.sqrt(np.maximum(expected, 0.0))
    score = 2.0 * (np.sqrt(observed) - root)
    threshold = (root + z / 2.0) ** 2
    return Detection(name, weeks, observed, expected, threshold, score, score > z)


def poisson_z(
    counts_in: IntArray, weeks_in: IntArray, *, z: float = 3.0, b: int = 5, w: int = 3
) -> Detection:
    counts = as_counts(counts_in)
    weeks = as_weeks(weeks_in, counts.shape[1], WEEKS_PER_YEAR + w)
    expected = past_years(counts, weeks, b=b, w=w).mean(axis=2)
    return _z_detection("poisson_z", counts, weeks, expected, z)


def naive_last_year(counts_in: IntArray, weeks_in: IntArray, *, z: float = 2.0) -> Detection:
    counts = as_counts(counts_in)
    weeks = as_weeks(weeks_in, counts.shape[1], WEEKS_PER_YEAR)
    expected = counts[:, weeks - WEEKS_PER_YEAR].astype(np.float64)
    return _z_detection("naive_last_year", counts, weeks, expected, z)


def _ears_stats(counts: IntArray, weeks: IntArray, lag: int) -> tuple[FloatArray, FloatArray]:
    """Mean and floored sd of the 7 weeks ``t − lag − 6 … t − lag``."""
    window = counts[:, weeks[:, None] - lag - np.arange(7)[None, :]].astype(np.float64)
    return window.mean(axis=2), np.maximum(window.std(axis=2, ddof=1), SIGMA_FLOOR)


def ears(
    counts_in: IntArray, weeks_in: IntArray, *, variant: str = "C2", cutoff: float | None = None
) -> Detection:
    counts = as_counts(counts_in)
    lag = 1 if variant == "C1" else 3
    guard = 2 if variant == "C3" else 0
    weeks = as_weeks(weeks_in, counts.shape[1], lag + 6 + guard)
    observed = counts[:, weeks]
    mean, sd = _ears_stats(counts, weeks, lag)
    if variant in ("C1", "C2"):
        cut = 3.0 if cutoff is None else cutoff
        score = (observed - mean) / sd
        return Detection(
            f"ears_{variant.lower()}", weeks, observed, mean, mean + cut * sd, score, score > cut
        )
    cut = 2.0 if cutoff is None else cutoff
    prior = np.zeros_like(mean)
    for back in (1, 2):
        m, s = _ears_stats(counts, weeks - back, lag)
        prior += np.maximum(0.0, (counts[:, weeks - back] - m) / s - 1.0)
    score = prior + np.maximum(0.0, (observed - mean) / sd - 1.0)
    threshold = np.where(prior > cut, -1.0, mean + sd * (1.0 + cut - prior))
    return Detection("ears_c3", weeks, observed, mean, threshold, score, score > cut)


def detectors() -> list[Detector]:
    return [
        Detector(
            "poisson_z",
            poisson_z,
            WEEKS_PER_YEAR + 3,
            "z Poisson so với các tuần cùng kỳ những năm trước (z > 3)",
            "Poisson z against the same weeks of past years (z > 3)",
        ),
        Detector(
            "naive_last_year",
            naive_last_year,
            WEEKS_PER_YEAR,
            "So với cùng tuần năm trước (z > 2), như CompStat",
            "Against the same week last year (z > 2), as CompStat",
        ),
        Detector(
            "ears_c1", partial(ears, variant="C1"), 7, "EARS C1 (7 tuần trước)", "EARS C1 (7 weeks before)"
        ),
        Detector(
            "ears_c2",
            partial(ears, variant="C2"),
            9,
            "EARS C2 (7 tuần, cách 2 tuần)",
            "EARS C2 (7 weeks, 2-week guard)",
        ),
        Detector("ears_c3", partial(ears, variant="C3"), 11, "EARS C3", "EARS C3"),
    ]
