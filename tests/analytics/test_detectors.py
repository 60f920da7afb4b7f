"""The early-warning detectors against hand-computed values, the no-look-ahead rule, and the harness."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from antt.analytics.alerts import DEFAULT_METHOD, detector, methods, registry
from antt.analytics.alerts.baselines import ears, poisson_z
from antt.analytics.alerts.evaluation import Injection, evaluate, inject
from antt.analytics.alerts.sequential import cusum
from antt.errors import InvalidInput


def test_poisson_z_compares_with_the_mean_of_the_same_weeks_last_year() -> None:
    counts = np.zeros(60, dtype=int)
    counts[0:7] = 4  # weeks 52 ± 3 before week 55
    counts[55] = 13
    d = poisson_z(counts, [55])
    assert d.expected[0, 0] == pytest.approx(4.0)
    assert d.threshold[0, 0] == pytest.approx((2 + 1.5) ** 2)  # (√E + z/2)², z = 3
    assert d.score[0, 0] == pytest.approx(2 * (math.sqrt(13) - 2))
    assert d.alarm[0, 0]
    counts[55] = 12  # 12 ≤ 12.25: no alarm
    assert not poisson_z(counts, [55]).alarm[0, 0]


def test_ears_c1_uses_the_seven_weeks_before() -> None:
    counts = np.array([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 11])
    d = ears(counts, [10], variant="C1")
    sd = math.sqrt(28 / 6)
    assert d.expected[0, 0] == pytest.approx(4.0)
    assert d.threshold[0, 0] == pytest.approx(4 + 3 * sd)
    assert d.score[0, 0] == pytest.approx(7 / sd)
    assert d.alarm[0, 0]
    # C2 skips the two weeks before: baseline weeks 1..7 = 0,0,1,2,3,4,5
    d2 = ears(counts, [10], variant="C2")
    assert d2.expected[0, 0] == pytest.approx(15 / 7)


def test_cusum_accumulates_standardised_excess_and_restarts_after_an_alarm() -> None:
    counts = np.full(70, 2)
    counts[56:60] = [5, 5, 2, 9]
    d = cusum(counts, np.arange(56, 60))
    sd = math.sqrt(2)  # the reference weeks are all 2: Poisson variance
    z = np.array([3, 3, 0, 7]) / sd
    s1 = z[0] - 0.5
    s2 = s1 + z[1] - 0.5
    s3 = s2 + z[2] - 0.5
    s4 = s3 + z[3] - 0.5
    assert s4 > 4  # the score is the statistic that alarmed; the recursion restarts after it
    np.testing.assert_allclose(d.score[0], [s1, s2, s3, s4])
    assert d.alarm[0].tolist() == [False, False, False, True]
    np.testing.assert_allclose(d.threshold[0, :2], [2 + sd * 4.5, 2 + sd * (4.5 - s1)])


@pytest.mark.parametrize("name", sorted(registry()))
def test_no_detector_reads_the_week_it_judges_or_later(name: str) -> None:
    rng = np.random.default_rng(7)
    counts = rng.poisson(4.0, size=(6, 6 * 52 + 10))
    t = 5 * 52 + 20
    weeks = np.arange(t - 3, t + 1)
    run = registry()[name].run
    before = run(counts, weeks)
    later = counts.copy()
    later[:, t + 1 :] = rng.poisson(40.0, size=later[:, t + 1 :].shape)
    same = run(later, weeks)
    for field in ("expected", "threshold", "score", "alarm"):
        np.testing.assert_array_equal(getattr(same, field), getattr(before, field))
    now = later.copy()
    now[:, t] += 25  # the judged week itself: only its verdict may change, not what was expected
    judged = run(now, weeks)
    np.testing.assert_array_equal(judged.expected[:, -1], before.expected[:, -1])
    np.testing.assert_array_equal(judged.threshold[:, -1], before.threshold[:, -1])


def test_unknown_method_is_a_bilingual_input_error() -> None:
    with pytest.raises(InvalidInput) as err:
        methods("noufaily,nosuch")
    assert "nosuch" in err.value.message_vi and "Unknown detection method" in err.value.message_en
    assert detector("default").name == DEFAULT_METHOD


def test_the_harness_counts_detections_delays_and_false_alarms_by_hand() -> None:
    weeks = np.arange(100, 110)
    alarm = np.zeros((2, 10), dtype=bool)
    alarm[0, 3] = True  # week 103: the second week of the rise → within 2 weeks, delay 1
    alarm[0, 7] = True  # week 107: the aftermath of the rise, neither detection nor false alarm
    alarm[1, 5] = True  # week 105 of a series without a rise: a false alarm
    truth = [Injection(series=0, onset=102, length=3, factor=2.0, baseline=3.0, added=(3, 3, 3))]
    e = evaluate("x", alarm, weeks, truth)
    assert e.rises == 1 and e.detected_within == 1.0 and e.median_weeks_to_detection == 1.0
    # quiet series-weeks: series 0 outside 102..108 (100, 101, 109) and all 10 of series 1
    assert e.quiet_series_weeks == 13 and e.false_alarms == 1
    assert e.false_alarm_rate == pytest.approx(1 / 13)
    late = alarm.copy()
    late[0, 3] = False
    late[0, 4] = True  # third week: caught, but not within 2 weeks
    e2 = evaluate("x", late, weeks, truth)
    assert e2.detected_within == 0.0 and e2.detected_any == 1.0 and e2.median_weeks_to_detection == 2.0


def test_injection_adds_the_stated_extra_cases_only_inside_the_rise() -> None:
    rng = np.random.default_rng(3)
    counts = rng.poisson(5.0, size=(10, 200))
    out, truth = inject(counts, rng, factor=2.0, length=4, rises=3, first_week=100, last_week=199)
    assert len(truth) == 3
    diff = out - counts
    for rise in truth:
        assert diff[rise.series, rise.onset : rise.onset + 4].tolist() == list(rise.added)
        assert rise.baseline == pytest.approx(counts[rise.series, rise.onset - 52 : rise.onset].mean())
    assert diff.sum() == sum(sum(r.added) for r in truth)


@pytest.mark.slow
def test_the_default_detector_keeps_its_false_alarm_promise_on_flat_series() -> None:
    """Ten years of flat Poisson counts: the share of weeks alarming stays within the binomial interval
    of what the default threshold promises (at most α per series-week)."""
    d = detector("default")
    rng = np.random.default_rng(11)
    counts = rng.poisson(5.0, size=(20, 10 * 52))
    weeks = np.arange(5 * 52 + 4, 10 * 52)
    found = d.run(counts, weeks)
    n = found.alarm.size
    alarms = int(found.alarm.sum())
    alpha = 0.01  # the default's nominal level (antt.analytics.alerts.farrington.detectors)
    assert alarms <= stats.binom.ppf(0.999, n, alpha)
    assert alarms >= 1  # the threshold is not so high that nothing ever alarms
