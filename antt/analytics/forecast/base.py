"""The one interface of every forecast method, and the events it reads.

A method is *fitted* on the events before an instant ``t`` (``fit``); the fitted model then *scores*
every cell of the grid for the window ``[t, t + horizon)`` from the events before ``t`` (``predict``). A
higher score means more expected crime; only the order of the scores matters to the evaluation, but
where a method estimates expected counts (the self-exciting process) its scores are those counts.

Times are in days (floats) since any fixed epoch; the caller converts local times once. Every method
calls :func:`require_before` on what it is given, so an event at or after ``t`` can never reach a
forecast for a window starting at ``t`` — the backtest gives each window only the events before its
start, and this check is the second lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from antt.analytics.grids import FloatArray, Grid

WEEK = 7.0
YEAR = 365.0


@dataclass(frozen=True, eq=False)
class Events:
    """Point events in time order: ``t`` in days, ``x`` and ``y`` in the grid's CRS (metres)."""

    t: FloatArray
    x: FloatArray
    y: FloatArray

    @classmethod
    def of(cls, t: object, x: object, y: object) -> Events:
        ta, xa, ya = (np.asarray(v, dtype=float).reshape(-1) for v in (t, x, y))
        if not ta.size == xa.size == ya.size:
            raise ValueError("t, x and y must have the same length")
        order = np.argsort(ta, kind="stable")
        return cls(ta[order], xa[order], ya[order])

    def __len__(self) -> int:
        return int(self.t.size)

    def between(self, start: float, end: float) -> Events:
        """The events with ``start ≤ t < end``."""
        a, b = np.searchsorted(self.t, [start, end], side="left")
        return Events(self.t[a:b], self.x[a:b], self.y[a:b])

    def before(self, end: float) -> Events:
        """The events with ``t < end``."""
        return self.between(-np.inf, end)

    def take(self, keep: NDArray[np.bool_]) -> Events:
        return Events(self.t[keep], self.x[keep], self.y[keep])


def captured(scores: FloatArray, counts: FloatArray, k_cells: float) -> float:
    """Events in the ``k_cells`` highest-scoring cells, ties at the cut-off (and a partial cell) pro rata."""
    scores = np.asarray(scores, dtype=float)
    counts = np.asarray(counts, dtype=float)
    if k_cells <= 0 or scores.size == 0:
        return 0.0
    if k_cells >= scores.size:
        return float(counts.sum())
    levels, group = np.unique(-scores, return_inverse=True)  # group 0 = the highest score
    size = np.bincount(group, minlength=levels.size).astype(float)
    hits = np.bincount(group, weights=counts, minlength=levels.size)
    before = np.concatenate([[0.0], np.cumsum(size)[:-1]])
    g = int(np.searchsorted(np.cumsum(size), k_cells, side="left"))
    return float(hits[:g].sum() + (k_cells - before[g]) / size[g] * hits[g])


def require_before(events: Events, t: float) -> None:
    """Refuse any event at or after ``t``: a forecast for a window starting at ``t`` must not see it."""
    if len(events) and events.t[-1] >= t:
        raise ValueError(f"an event at day {events.t[-1]:.4f} is not before the forecast time {t:.4f}")


class FittedModel(Protocol):
    """A method fitted at an instant; ``parameters`` are what it estimated (for the report)."""

    @property
    def parameters(self) -> Mapping[str, float]: ...

    def predict(self, history: Events, t: float, horizon: float) -> FloatArray:
        """One score per grid cell (grid order) for ``[t, t + horizon)`` from the events before ``t``."""
        ...


class ForecastMethod(Protocol):
    name: str

    def fit(self, history: Events, grid: Grid, t: float) -> FittedModel:
        """Fit on the events before ``t`` (all of ``history`` must be before ``t``)."""
        ...


@dataclass(frozen=True)
class LatticeScorer:
    """The fitted model of a method with fixed settings: its scores are a function of the recent past."""

    grid: Grid
    method: FixedMethod

    @property
    def parameters(self) -> Mapping[str, float]:
        return self.method.settings()

    def predict(self, history: Events, t: float, horizon: float) -> FloatArray:
        require_before(history, t)
        return self.grid.take(self.method.lattice_scores(history, self.grid, t))


class FixedMethod:
    """Base of the methods with nothing to estimate: ``fit`` only binds the grid; subclasses give the
    score of every lattice cell from the events before ``t``."""

    name = "fixed"

    def fit(self, history: Events, grid: Grid, t: float) -> FittedModel:
        require_before(history, t)
        return LatticeScorer(grid, self)

    def settings(self) -> Mapping[str, float]:
        raise NotImplementedError

    def lattice_scores(self, history: Events, grid: Grid, t: float) -> FloatArray:
        raise NotImplementedError
