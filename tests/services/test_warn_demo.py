"""The demo city's evidence (issue 13, "Correctness"): its ground truth plants three communes rising from
1 January 2025 (``rising_communes`` in ground_truth.json) — a wave of ≈ 4 extra social-order incidents a
week for 4 weeks on communes of ≈ 0.3 a week, then growth of 22 % a year against the city's −5 % — and
the default detector, on the series the product scans (commune × reporting group, weekly, from the
database the demo loads), is judged on them and on every other commune × group."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest

from antt.analytics.alerts import detector
from antt.analytics.alerts.evaluation import RisingUnits, rising_units
from antt.demo.model import RISING_COMMUNES, RISING_FROM, RISING_WAVE_PER_WEEK, RISING_WAVE_WEEKS
from antt.services.warn import weekly_series

FIRST_MONDAY = date(2021, 1, 4)
LAST_MONDAY = date(2026, 10, 19)  # the demo_database fixture ends on 31/10/2026
JUDGED_WEEKS = 12  # the onset's week and the 11 after: "within 4 weeks" needs 4


@pytest.fixture(scope="module")
def evidence(demo_database) -> RisingUnits:
    weeks = (LAST_MONDAY - FIRST_MONDAY).days // 7 + 1
    series = weekly_series(demo_database, FIRST_MONDAY, weeks)
    onset = series.week_of(RISING_FROM)  # the week (Monday 30/12/2024) of 1 January 2025
    judged = np.arange(onset, onset + JUDGED_WEEKS)
    found = detector("default").run(series.counts, judged)
    keys = [series.key(s) for s in range(series.counts.shape[0])]
    return rising_units(found.method, found.alarm, judged, keys, RISING_COMMUNES, onset)


@pytest.mark.slow  # loads the demo city (≈ 10 s) and fits the default detector on 1,140 series × 12 weeks
def test_the_default_detector_stays_quiet_on_the_communes_that_do_not_rise(evidence, demo_database) -> None:
    assert evidence.other_series_weeks == (114 - 3) * 10 * JUDGED_WEEKS
    assert evidence.false_alarm_rate <= 0.01, evidence
    assert set(evidence.delays) == set(RISING_COMMUNES)


@pytest.mark.slow
def test_the_demo_citys_three_rising_communes_raise_alerts_within_4_weeks_of_their_rise(evidence) -> None:
    late = {u: d for u, d in evidence.delays.items() if d is None or d >= 4}
    assert not late, evidence
    assert set(evidence.subjects.values()) == {"social_order"}, evidence  # the group the wave is in


def test_the_ground_truth_names_the_rise_the_tests_judge(tmp_path) -> None:
    """The demo's ground truth is what these tests read through antt.demo.model: same communes, same day."""
    from antt.demo.build import generate

    city = generate(tmp_path, end=date(2021, 2, 1))
    truth = json.loads(city.ground_truth.read_text(encoding="utf-8"))["rising_communes"]
    assert truth["codes"] == list(RISING_COMMUNES)
    assert truth["wave"] == {
        "group": "social_order",
        "extra_per_week": RISING_WAVE_PER_WEEK,
        "weeks": RISING_WAVE_WEEKS,
        "incidents": 0,  # this city ends before the wave
    }
    assert date.fromisoformat(truth["from"]) == RISING_FROM
    assert RISING_FROM - timedelta(days=RISING_FROM.weekday()) == date(2024, 12, 30)
