"""Naive counts: a cell's score is the number of events in it over the last ``days`` days.

This is what an analyst does by hand ("where did it happen last month / last year / the last three
years"), and the baseline every other method must beat in the same backtest run.
"""

from __future__ import annotations

from collections.abc import Mapping

from antt.analytics.forecast.base import Events, FixedMethod
from antt.analytics.grids import FloatArray, Grid


class NaiveCount(FixedMethod):
    def __init__(self, days: float, name: str) -> None:
        self.days = float(days)
        self.name = name

    def settings(self) -> Mapping[str, float]:
        return {"window_days": self.days}

    def lattice_scores(self, history: Events, grid: Grid, t: float) -> FloatArray:
        recent = history.between(t - self.days, t)
        return grid.lattice_counts(recent.x, recent.y)
