"""Space–time KDE whose bandwidth and memory are chosen at each fit, on the fitting data alone.

How far back crime keeps returning to the same places, and how far from them, differs between cities
and offences: Toronto's burglary settles in the same places for years (the longest counts win there),
the demo city's near repeats fade within weeks. Rather than one setting picked by looking at a benchmark,
``kde_tuned`` chooses among :data:`BANDWIDTHS_M` × :data:`DECAYS_DAYS` at every fit by a holdout that
ends at the forecast time: each candidate forecasts ``[t − holdout, t)`` from the events before
``t − holdout``, and the one capturing the most of those events in the top 5 % of the cells (ties
credited pro rata, as the backtest does; an earlier candidate wins a tie) forecasts ``[t, t + h)`` from
every event before ``t``. Nothing at or after ``t`` is read, so the backtest's windows stay unseen.

The holdout is :data:`HOLDOUT_DAYS` (8 weeks: a few hundred events in a city's month of a common
offence, enough to rank fifteen candidates) whatever the horizon: the cells that matter for the next day
and the next month are mostly the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from antt.analytics.forecast.base import YEAR, Events, captured, require_before
from antt.analytics.forecast.kde import kde_lattice
from antt.analytics.grids import FloatArray, Grid

BANDWIDTHS_M = (0.0, 50.0, 150.0)  # 0: the cell's own count, no smoothing
DECAYS_DAYS = (30.0, 90.0, YEAR, 3 * YEAR, 10 * YEAR)
HOLDOUT_DAYS = 56.0
WINDOW_DAYS = 10 * YEAR
COVERAGE = 0.05


@dataclass(frozen=True)
class TunedModel:
    grid: Grid
    bandwidth_m: float
    decay_days: float
    holdout_hit_rate: float

    @property
    def parameters(self) -> Mapping[str, float]:
        return {
            "bandwidth_m": self.bandwidth_m,
            "decay_days": self.decay_days,
            "holdout_days": HOLDOUT_DAYS,
            "holdout_hit_rate_5pct": round(self.holdout_hit_rate, 4),
        }

    def predict(self, history: Events, t: float, horizon: float) -> FloatArray:
        require_before(history, t)
        return self.grid.take(
            kde_lattice(history, self.grid, t, self.bandwidth_m, self.decay_days, WINDOW_DAYS)
        )


class TunedKDE:
    name = "kde_tuned"

    def fit(self, history: Events, grid: Grid, t: float) -> TunedModel:
        require_before(history, t)
        origin = t - HOLDOUT_DAYS
        held = history.between(origin, t)
        truth = grid.take(grid.lattice_counts(held.x, held.y))
        k_cells = COVERAGE * grid.n_cells
        best = (-1.0, BANDWIDTHS_M[-1], DECAYS_DAYS[-1])
        if truth.sum() > 0:
            before = history.before(origin)
            for bandwidth in BANDWIDTHS_M:
                for decay in DECAYS_DAYS:
                    scores = grid.take(kde_lattice(before, grid, origin, bandwidth, decay, WINDOW_DAYS))
                    hit = captured(scores, truth, k_cells) / float(truth.sum())
                    if hit > best[0] + 1e-12:
                        best = (hit, bandwidth, decay)
        hit_rate, bandwidth, decay = best
        return TunedModel(grid, bandwidth, decay, max(hit_rate, 0.0))  # −1: no holdout events
