"""Retrospective and prospective hotspotting (Bowers, Johnson & Pease 2004).

Prospective hotspotting (Bowers K. J., Johnson S. D., Pease K., "Prospective hot-spotting: the future of
crime mapping?", *Br. J. Criminol.* 44(5), 2004, 641–658) weights each recent event by how near it is in
space and in time:

    score(c) = Σ_e  1 / (1 + d(c, e)) · 1 / (1 + w(e))

over the events with ``d ≤ bandwidth`` and ``w < weeks``, where ``d`` is the distance in cells between
cell ``c`` and the event's cell (Chebyshev: diagonal neighbours count 1, as the grid version of open_cp
does) and ``w = ⌊(t − t_e) / 7⌋`` the whole weeks since the event. The original bandwidths are 400 m and
two months (8 weeks). Retrospective hotspotting is the same spatial kernel without the time decay, over
a fixed past window (one year by default).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import ndimage

from antt.analytics.forecast.base import WEEK, YEAR, Events, FixedMethod
from antt.analytics.grids import FloatArray, Grid


def chebyshev_kernel(radius: int) -> FloatArray:
    """``1 / (1 + max(|di|, |dj|))`` on the square of cells within ``radius``."""
    k = np.arange(-radius, radius + 1)
    d = np.maximum(np.abs(k)[:, None], np.abs(k)[None, :])
    return 1.0 / (1.0 + d)


def spread(weights: FloatArray, kernel: FloatArray) -> FloatArray:
    """Σ over lattice cells of weight × kernel(offset) — a zero-padded 2-D convolution."""
    return np.asarray(ndimage.convolve(weights, kernel, mode="constant", cval=0.0), dtype=float)


class ProspectiveHotspot(FixedMethod):
    def __init__(self, bandwidth_m: float = 400.0, weeks: int = 8, name: str = "prospective_hotspot") -> None:
        self.bandwidth_m = float(bandwidth_m)
        self.weeks = int(weeks)
        self.name = name

    def settings(self) -> Mapping[str, float]:
        return {"bandwidth_m": self.bandwidth_m, "weeks": float(self.weeks)}

    def lattice_scores(self, history: Events, grid: Grid, t: float) -> FloatArray:
        recent = history.between(t - WEEK * self.weeks, t)
        weeks_ago = np.floor((t - recent.t) / WEEK)
        weights = grid.lattice_counts(recent.x, recent.y, 1.0 / (1.0 + weeks_ago))
        radius = math.floor(self.bandwidth_m / grid.cell_size)
        return spread(weights, chebyshev_kernel(radius))


class RetrospectiveHotspot(FixedMethod):
    def __init__(
        self, bandwidth_m: float = 400.0, days: float = YEAR, name: str = "retrospective_hotspot"
    ) -> None:
        self.bandwidth_m = float(bandwidth_m)
        self.days = float(days)
        self.name = name

    def settings(self) -> Mapping[str, float]:
        return {"bandwidth_m": self.bandwidth_m, "window_days": self.days}

    def lattice_scores(self, history: Events, grid: Grid, t: float) -> FloatArray:
        recent = history.between(t - self.days, t)
        radius = math.floor(self.bandwidth_m / grid.cell_size)
        return spread(grid.lattice_counts(recent.x, recent.y), chebyshev_kernel(radius))
