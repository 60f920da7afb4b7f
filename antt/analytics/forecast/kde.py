"""Space–time kernel density: recent events near a cell raise its score, older ones less.

    score(c) = Σ_e  exp(−(t − t_e) / τ) · exp(−‖c − e‖² / (2 h²))

over the events of the last ``days`` days, with ``‖c − e‖`` the distance between the centres of cell ``c``
and of the event's cell (a binned KDE: each event sits at its cell's centre), the Gaussian cut at 4 h.
The kernel is separable, so the sum is two 1-D convolutions of the lattice of time-weighted counts.
Defaults: h = 200 m, τ = 60 days over one year (Chainey et al. 2008 on KDE for crime forecasting; the
exponential time decay follows the near-repeat literature, Johnson 2008).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import ndimage

from antt.analytics.forecast.base import YEAR, Events, FixedMethod
from antt.analytics.grids import FloatArray, Grid


def gaussian_offsets(sigma_cells: float, cut: float = 4.0) -> FloatArray:
    """``exp(−k² / (2σ²))`` for the whole-cell offsets ``|k| ≤ cut·σ``."""
    r = max(math.floor(cut * sigma_cells), 0)
    k = np.arange(-r, r + 1, dtype=float)
    return np.exp(-(k**2) / (2.0 * sigma_cells**2))


def separable(weights: FloatArray, kernel_1d: FloatArray) -> FloatArray:
    once = ndimage.convolve1d(weights, kernel_1d, axis=0, mode="constant", cval=0.0)
    return np.asarray(ndimage.convolve1d(once, kernel_1d, axis=1, mode="constant", cval=0.0), dtype=float)


class SpaceTimeKDE(FixedMethod):
    def __init__(
        self, bandwidth_m: float = 200.0, decay_days: float = 60.0, days: float = YEAR, name: str = "kde"
    ) -> None:
        self.bandwidth_m = float(bandwidth_m)
        self.decay_days = float(decay_days)
        self.days = float(days)
        self.name = name

    def settings(self) -> Mapping[str, float]:
        return {"bandwidth_m": self.bandwidth_m, "decay_days": self.decay_days, "window_days": self.days}

    def lattice_scores(self, history: Events, grid: Grid, t: float) -> FloatArray:
        return kde_lattice(history, grid, t, self.bandwidth_m, self.decay_days, self.days)


def kde_lattice(
    history: Events, grid: Grid, t: float, bandwidth_m: float, decay_days: float, days: float
) -> FloatArray:
    """The score of every lattice cell at ``t`` from the events of the last ``days`` before it (a
    bandwidth of 0: each cell's own time-weighted count, no smoothing)."""
    recent = history.between(t - days, t)
    weights = grid.lattice_counts(recent.x, recent.y, np.exp(-(t - recent.t) / decay_days))
    if bandwidth_m <= 0:
        return weights
    return separable(weights, gaussian_offsets(bandwidth_m / grid.cell_size))
