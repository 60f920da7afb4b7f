"""Early warning: is this week's count of a series (a commune × reporting group, weekly) above what its
own history makes likely?

One interface for every detector (DESIGN.md, "Finding risk"): a detector takes the weekly counts of many
series at once, ``counts[s, t]`` (series × weeks, Monday–Sunday), and the weeks to judge, and returns a
:class:`Detection` — for each series and judged week the expected count, the threshold (the count above
which the week alarms), a score and the alarm. A detector judging week ``t`` reads only
``counts[:, :t]`` to set its expectation and threshold, and ``counts[:, t]`` only to compare it with the
threshold (``tests/analytics/test_detectors_no_lookahead.py`` guards this for every detector).

Detectors, one module each:

- :mod:`.baselines` — the Poisson z against the same weeks of past years, the naive "same week last
  year" and EARS C1, C2, C3 (the naive baselines every backtest compares with);
- :mod:`.farrington` — Farrington (1996) as R ``surveillance::algo.farrington`` and the improved
  Farrington of Noufaily et al. (2013) as ``farringtonFlexible`` with ``noPeriods = 10`` and
  negative-binomial thresholds; checked against R's numbers (``tests/reference/``);
- :mod:`.sequential` — CUSUM and EWMA on standardised counts.

``DETECTORS`` names them; :data:`DEFAULT_METHOD` is the one the product scans with, chosen from the
backtest evidence in ``docs/early-warning.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from antt.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

WEEKS_PER_YEAR = 52  # "the same week of past years" is 52 weeks back, as in R surveillance (freq = 52)


@dataclass(frozen=True)
class Detection:
    """A detector's verdict on ``weeks`` (indices into the counts' time axis) of every series.

    Every array is ``(series, len(weeks))``. ``threshold`` is the largest count that does not alarm
    (an alarm needs ``observed > threshold`` plus any rule of the method, e.g. Farrington's "at least 5
    cases in the last 4 weeks"); ``score`` is the method's own statistic (> 1 or its own cut-off alarms:
    see each method). ``nan`` where the method cannot judge (too little history)."""

    method: str
    weeks: IntArray
    observed: IntArray
    expected: FloatArray
    threshold: FloatArray
    score: FloatArray
    alarm: BoolArray


@dataclass(frozen=True)
class Detector:
    """A named detection method with its settings; ``run(counts, weeks)`` → :class:`Detection`."""

    name: str
    run: Callable[[IntArray, IntArray], Detection]
    min_history: int  # weeks of history before the first judged week the method needs
    description_vi: str
    description_en: str


def as_counts(counts: npt.ArrayLike) -> IntArray:
    array = np.asarray(counts)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError("counts must be (series, weeks)")
    return array.astype(np.int64, copy=False)


def as_weeks(weeks: npt.ArrayLike, length: int, min_history: int) -> IntArray:
    w = np.atleast_1d(np.asarray(weeks, dtype=np.int64))
    if w.size and (w.min() < min_history or w.max() >= length):
        raise ValueError(
            f"weeks must lie in [{min_history}, {length}) (the method needs {min_history} weeks of history)"
        )
    return w


def registry() -> dict[str, Detector]:
    """Every detector by name (built on demand: nothing at import time)."""
    from antt.analytics.alerts import baselines, farrington, glr, sequential

    found: dict[str, Detector] = {}
    for module in (baselines, farrington, sequential, glr):
        for d in module.detectors():
            found[d.name] = d
    return found


# chosen by the backtest evidence (docs/early-warning.md): see bench/warn.py
DEFAULT_METHOD = "noufaily"
# the methods every backtest compares the others with
NAIVE_METHODS = ("naive_last_year", "poisson_z", "ears_c2")


def detector(name: str) -> Detector:
    found = registry()
    if name == "default":
        name = DEFAULT_METHOD
    if name not in found:
        raise InvalidInput(
            f"Không có phương pháp phát hiện {name!r}; có: default, all, {', '.join(sorted(found))}.",
            f"Unknown detection method {name!r}; known: default, all, {', '.join(sorted(found))}.",
        )
    return found[name]


def methods(spec: str) -> list[Detector]:
    """``default``, ``all`` or a comma-separated list of names → the detectors."""
    if spec == "all":
        return list(registry().values())
    return [detector(n.strip()) for n in spec.split(",") if n.strip()]
