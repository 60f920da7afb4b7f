"""Gi* as a forecast: a cell's score is its Getis–Ord z on the counts of the last year
(:mod:`antt.analytics.hotspots_gi`), so cells in significant clusters rank first."""

from __future__ import annotations

from collections.abc import Mapping

from antt.analytics.forecast.base import YEAR, Events, FittedModel, require_before
from antt.analytics.grids import FloatArray, Grid
from antt.analytics.hotspots_gi import gi_star


class GiStarForecast:
    def __init__(self, days: float = YEAR, radius_cells: int = 1, name: str = "gi_star") -> None:
        self.days = float(days)
        self.radius_cells = int(radius_cells)
        self.name = name

    def fit(self, history: Events, grid: Grid, t: float) -> FittedModel:
        require_before(history, t)
        return _GiModel(self, grid)


class _GiModel:
    def __init__(self, method: GiStarForecast, grid: Grid) -> None:
        self.method = method
        self.grid = grid

    @property
    def parameters(self) -> Mapping[str, float]:
        return {"window_days": self.method.days, "radius_cells": float(self.method.radius_cells)}

    def predict(self, history: Events, t: float, horizon: float) -> FloatArray:
        require_before(history, t)
        recent = history.between(t - self.method.days, t)
        counts = self.grid.take(self.grid.lattice_counts(recent.x, recent.y))
        return gi_star(counts, self.grid, self.method.radius_cells).z
