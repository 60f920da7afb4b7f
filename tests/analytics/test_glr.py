"""The negative-binomial CUSUM and GLR (Höhle & Paul 2008) on the improved Farrington baseline, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from antt.analytics.alerts import registry
from antt.analytics.alerts.glr import KAPPAS, coefficients, nb_cusum, nb_glr
from antt.services.warn import QUIET_WEEKS


def flat(weeks: int = 70, level: int = 2) -> np.ndarray:
    return np.full(weeks, level, dtype=np.int64)


def test_the_log_likelihood_ratio_is_poisson_without_overdispersion_and_nb_with_it() -> None:
    a, b = coefficients(np.array([2.0]), np.array([np.inf]), 2.0)
    assert a[0] == pytest.approx(-2.0) and b[0] == pytest.approx(math.log(2))
    mu, r, k = 3.0, 1.5, 2.0  # NB: log NB(y; kμ, r) − log NB(y; μ, r) at y = 4, from the pmf
    a, b = coefficients(np.array([mu]), np.array([r]), k)
    from scipy import stats

    y = 4
    direct = stats.nbinom.logpmf(y, r, r / (r + k * mu)) - stats.nbinom.logpmf(y, r, r / (r + mu))
    assert a[0] + b[0] * y == pytest.approx(direct)


def test_the_nb_cusum_adds_the_evidence_of_consecutive_weeks_and_restarts_after_an_alarm() -> None:
    counts = flat()
    counts[60:64] = [5, 5, 2, 9]
    d = nb_cusum(counts, np.arange(60, 64), h=3.5, warmup=0)
    log2 = math.log(2)
    s1 = -2 + 5 * log2  # baseline 2 a week, Poisson (the reference weeks have no spread)
    s2 = s1 - 2 + 5 * log2
    s3 = s2 - 2 + 2 * log2
    s4 = s3 - 2 + 9 * log2
    np.testing.assert_allclose(d.expected[0], 2.0, rtol=1e-6)
    np.testing.assert_allclose(d.score[0], [s1, s2, s3, s4], rtol=1e-6)
    assert d.alarm[0].tolist() == [False, False, False, True]
    # a single week of 5 would not alarm; the threshold is the count that takes S over h
    np.testing.assert_allclose(d.threshold[0, :2], [(3.5 + 2) / log2, (3.5 - s1 + 2) / log2], rtol=1e-6)


def test_the_nb_glr_is_the_best_window_and_rate_ratio_by_brute_force() -> None:
    counts = flat()
    counts[58:64] = [2, 4, 3, 6, 2, 7]
    weeks = np.arange(60, 64)
    d = nb_glr(counts, weeks, h=4.5)
    for k, t in enumerate(weeks):
        best = max(
            sum(-(kappa - 1) * 2 + counts[i] * math.log(kappa) for i in range(t - length + 1, t + 1))
            for kappa in KAPPAS
            for length in range(1, 5)
        )
        assert d.score[0, k] == pytest.approx(best, rel=1e-6)
        assert d.alarm[0, k] == (best > 4.5)
        # the threshold: the largest count of week t that keeps every window at or below h
        y = math.floor(d.threshold[0, k])
        for trial, alarms in ((y, False), (y + 1, True)):
            changed = counts.copy()
            changed[t] = trial
            assert nb_glr(changed, np.array([t]), h=4.5).alarm[0, 0] == alarms


@pytest.mark.parametrize("name", sorted(registry()))
def test_no_detector_alarms_on_a_series_quiet_for_the_scans_quiet_weeks(name: str) -> None:
    """The weekly scan fits only series with a case in the judged week or the QUIET_WEEKS before it
    (antt.services.warn): that skips no alarm of any detector, even after a burst just before."""
    rng = np.random.default_rng(3)
    counts = rng.poisson(3.0, size=(8, 6 * 52))
    t = 6 * 52 - 1
    counts[:, t - QUIET_WEEKS - 3 : t - QUIET_WEEKS] = 30  # a burst just before the quiet weeks
    counts[:, t - QUIET_WEEKS : t + 1] = 0
    assert not registry()[name].run(counts, np.array([t])).alarm.any()
