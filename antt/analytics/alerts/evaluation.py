"""The evaluation harness: inject rises of known size and length into weekly series, run detectors, and
count what they catch and what they raise for nothing.

An injected rise multiplies a series' expected weekly count by ``factor`` for ``length`` weeks from an
onset week: each of those weeks gets ``Poisson((factor − 1) · b)`` extra cases, b the series' mean weekly
count over the 52 weeks before the onset. Rises go only into series with ``b ≥ min_baseline`` (1 case a
week by default): doubling a series that is almost always 0 is not a rise anyone could see.

Measures (per detector, over the judged weeks):

* ``detected_within`` — the share of rises with an alarm in the first ``within`` weeks (onset included;
  ``within = 2``: the onset week or the next);
* ``detected_any`` and ``median_weeks_to_detection`` (0 = the onset week), over the rise's weeks;
* ``false_alarm_rate`` — alarms per series-week outside every injected window (and outside the 4 weeks
  after one, when the recursion or the Farrington reweighting may still carry it) of the judged weeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from antt.analytics.alerts import WEEKS_PER_YEAR, BoolArray, IntArray

AFTERMATH = 4  # weeks after a rise that count neither as detections nor as false alarms


@dataclass(frozen=True)
class Injection:
    series: int
    onset: int  # week index
    length: int
    factor: float
    baseline: float  # mean weekly count of the 52 weeks before the onset
    added: tuple[int, ...]  # extra cases per week of the rise


@dataclass(frozen=True)
class Evaluation:
    method: str
    rises: int
    detected_within: float  # share detected in the first `within` weeks
    detected_any: float
    median_weeks_to_detection: float | None
    false_alarms: int
    quiet_series_weeks: int
    false_alarm_rate: float  # per series-week
    within: int


def inject(
    counts: IntArray,
    rng: np.random.Generator,
    *,
    factor: float,
    length: int,
    rises: int,
    first_week: int,
    last_week: int,
    min_baseline: float = 1.0,
    exclude: Sequence[Injection] = (),
    periods_per_year: int = WEEKS_PER_YEAR,
) -> tuple[IntArray, list[Injection]]:
    """``counts`` with ``rises`` injected rises (at most one per series), onsets drawn uniformly in
    ``[first_week, last_week − length + 1]`` among eligible series; → the new counts and the truth.
    The baseline is the mean count of the year before the onset (``periods_per_year``: 12 for months)."""
    out = counts.copy()
    latest = last_week - length + 1
    if latest < first_week:
        return out, []
    taken = {i.series for i in exclude}
    onsets = np.asarray(rng.integers(first_week, latest + 1, size=counts.shape[0]), dtype=np.int64)
    cumulative = np.concatenate([np.zeros((counts.shape[0], 1)), counts.cumsum(axis=1)], axis=1)
    rows = np.arange(counts.shape[0])
    baseline = (
        cumulative[rows, onsets] - cumulative[rows, np.maximum(onsets - periods_per_year, 0)]
    ) / np.minimum(periods_per_year, np.maximum(onsets, 1))
    eligible = [s for s in rows if baseline[s] >= min_baseline and s not in taken]
    chosen = rng.permutation(np.array(eligible, dtype=np.int64))[:rises]
    truth: list[Injection] = []
    for s in sorted(int(c) for c in chosen):
        added = rng.poisson((factor - 1.0) * baseline[s], size=length)
        onset = int(onsets[s])
        out[s, onset : onset + length] += added
        truth.append(Injection(s, onset, length, factor, float(baseline[s]), tuple(int(a) for a in added)))
    return out, truth


def evaluate(
    method: str,
    alarm: BoolArray,
    weeks: IntArray,
    truth: Sequence[Injection],
    *,
    within: int = 2,
    series: Sequence[int] | None = None,
) -> Evaluation:
    """Score an alarm matrix ``(series, judged weeks)`` against injected rises (``series``: the rows of
    the matrix that count as series-weeks; all by default)."""
    position = {int(w): i for i, w in enumerate(weeks)}
    quiet = np.zeros(alarm.shape, dtype=bool)
    rows = np.arange(alarm.shape[0]) if series is None else np.asarray(series, dtype=np.int64)
    quiet[rows] = True
    delays: list[int] = []
    caught_early = 0
    judged = 0
    for rise in truth:
        span = [position.get(rise.onset + d) for d in range(rise.length + AFTERMATH)]
        for i in span:
            if i is not None:
                quiet[rise.series, i] = False
        inside = [i for i in span[: rise.length] if i is not None]
        if len(inside) < rise.length:
            continue  # the rise is not wholly inside the judged weeks
        judged += 1
        hits = [d for d, i in enumerate(inside) if alarm[rise.series, i]]
        if hits:
            delays.append(hits[0])
            caught_early += hits[0] < within
    false = int(np.count_nonzero(alarm & quiet))
    quiet_weeks = int(np.count_nonzero(quiet))
    return Evaluation(
        method=method,
        rises=judged,
        detected_within=caught_early / judged if judged else float("nan"),
        detected_any=len(delays) / judged if judged else float("nan"),
        median_weeks_to_detection=float(np.median(delays)) if delays else None,
        false_alarms=false,
        quiet_series_weeks=quiet_weeks,
        false_alarm_rate=false / quiet_weeks if quiet_weeks else float("nan"),
        within=within,
    )


@dataclass(frozen=True)
class RisingUnits:
    """How a detector saw units known to rise from ``onset`` (e.g. the demo city's planted communes):
    for each, the weeks from the onset to its first alarm in any of its series (``None``: none in the
    judged weeks); and its alarms in every other unit's series, the false alarms."""

    method: str
    delays: dict[str, int | None]
    subjects: dict[str, str | None]  # the series that alarmed first
    false_alarms: int
    other_series_weeks: int

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.other_series_weeks if self.other_series_weeks else float("nan")


def rising_units(
    method: str,
    alarm: BoolArray,
    weeks: IntArray,
    keys: Sequence[tuple[str, str]],
    rising: Sequence[str],
    onset: int,
) -> RisingUnits:
    """``alarm (series, judged weeks)`` with ``keys[s] = (unit, subject)``; ``onset`` a week index."""
    after = np.asarray(weeks) >= onset
    delays: dict[str, int | None] = {}
    subjects: dict[str, str | None] = {}
    for unit in rising:
        rows = [s for s, (u, _) in enumerate(keys) if u == unit]
        first: tuple[int, str] | None = None
        for s in rows:
            hits = np.flatnonzero(alarm[s] & after)
            if hits.size and (first is None or int(weeks[hits[0]]) - onset < first[0]):
                first = (int(weeks[hits[0]]) - onset, keys[s][1])
        delays[unit] = None if first is None else first[0]
        subjects[unit] = None if first is None else first[1]
    others = np.array([u not in set(rising) for u, _ in keys], dtype=bool)
    return RisingUnits(
        method, delays, subjects, int(np.count_nonzero(alarm[others])), int(others.sum()) * alarm.shape[1]
    )
