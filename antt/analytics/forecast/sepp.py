"""The grid self-exciting point process (Mohler et al. 2015), fitted by expectation–maximisation.

Mohler G. O., Short M. B., Malinowski S., Johnson M., Tita G. E., Bertozzi A. L., Brantingham P. J.,
"Randomized controlled field trials of predictive policing", *JASA* 110(512), 2015, 1399–1411: every grid
cell ``c`` has its own background rate ``μ_c`` and every event raises the rate near it for a while. The
conditional intensity (events per day per m²) at ``(t, x)`` in cell ``c`` is

    λ(t, x) = μ_c / s² + Σ_{t_j < t} θ · ω e^{−ω (t − t_j)} · exp(−‖x − x_j‖² / (2σ²)) / (2πσ²)

with ``θ`` the expected number of events one event triggers, ``1/ω`` the trigger's decay in days and ``σ``
its spread in metres. (Mohler's grid model keeps the trigger inside the event's cell; the Gaussian spread
is the parametric kernel of Mohler et al. 2011, so near repeats across a cell edge count, and the spread
is reported in metres.) EM alternates the probability that event ``i`` was triggered by ``j`` or came
from the background (E) with the closed-form estimates (M):

    μ_c = Σ_{i in c} p_ii / T,  θ = Σ p_ij / Σ_j K_j,  1/ω = Σ p_ij (t_i − t_j) / Σ p_ij,
    σ² = Σ p_ij ‖x_i − x_j‖² / (2 Σ p_ij)

where ``K_j`` is the kernel mass within the cut-offs (``max_days``, ``max_metres``) and before the end of
the training span. Pairs are only those within the cut-offs (a sparse list from a k-d tree), never a
dense n × n matrix. Events recorded more than once (same time to the minute, same place to the metre)
are collapsed first: otherwise one incident would appear to trigger its own copies.

**Background.** With ``background_m = 0`` every cell has its own free ``μ_c`` (Mohler 2015). On sparse
data that over-fits: a cell holding one triggered event explains it as its own background (on the demo
city it recovered θ = 0.11–0.15 of a planted 0.25). The default (``background_m = 300``) smooths the
background as in Mohler et al. 2011 / Zhuang et al. 2002: the background density at event ``i`` is
``Σ_{j ≠ i} p_jj G_h(x_i − x_j) / (T m_j)`` — leave-one-out, so no event is its own background; ``G_h`` a
2-D Gaussian of ``h`` metres; ``m_j`` the share of ``j``'s kernel on the grid (edge correction) — a sparse
matrix over the pairs within ``4h``; ``μ_c`` for the forecast is the same kernel's mass per cell.

The forecast for ``[t, t + h)`` is the expected count per cell: ``μ_c h`` plus, for every past event, its
remaining trigger mass ``θ (e^{−ω(t − t_j)} − e^{−ω(t + h − t_j)})`` spread over cells by the Gaussian's
exact cell mass (the event taken at its cell's centre).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, sparse, special
from scipy.spatial import cKDTree

from antt.analytics.forecast.base import YEAR, Events, require_before
from antt.analytics.grids import FloatArray, Grid, IntArray

MINUTE = 1.0 / 1440.0


def collapse_duplicates(events: Events) -> tuple[Events, int]:
    """Drop repeated records of one incident: same minute, same metre. Returns the rest and how many."""
    if not len(events):
        return events, 0
    key = np.stack([np.round(events.t / MINUTE), np.round(events.x), np.round(events.y)], axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    keep = np.zeros(len(events), dtype=bool)
    keep[first] = True
    return events.take(keep), int(len(events) - first.size)


def gaussian_cell_mass(sigma: float, cell: float, radius_cells: int) -> FloatArray:
    """The share of a 1-D normal(0, σ) in each whole-cell interval ``[(k − ½)s, (k + ½)s)``, |k| ≤ r."""
    k = np.arange(-radius_cells, radius_cells + 1, dtype=float)
    upper = special.ndtr((k + 0.5) * cell / sigma)
    lower = special.ndtr((k - 0.5) * cell / sigma)
    return np.asarray(upper - lower, dtype=float)


@dataclass(frozen=True)
class SEPPFit:
    grid: Grid
    mu: FloatArray  # background events per day, per grid cell
    theta: float
    omega: float  # per day
    sigma: float  # metres
    iterations: int
    events: int
    duplicates: int
    background_share: float
    max_days: float
    max_metres: float

    @property
    def parameters(self) -> Mapping[str, float]:
        return {
            "background_events_per_day": float(self.mu.sum()),
            "background_share": self.background_share,
            "triggered_per_event": self.theta,
            "trigger_decay_days": 1.0 / self.omega if self.omega > 0 else math.inf,
            "trigger_sigma_m": self.sigma,
            "em_iterations": float(self.iterations),
            "events": float(self.events),
            "duplicates_collapsed": float(self.duplicates),
        }

    def predict(self, history: Events, t: float, horizon: float) -> FloatArray:
        require_before(history, t)
        recent, _ = collapse_duplicates(history.between(t - self.max_days, t))
        age = t - recent.t
        mass = self.theta * (np.exp(-self.omega * age) - np.exp(-self.omega * (age + horizon)))
        lattice = self.grid.lattice_counts(recent.x, recent.y, mass)
        radius = max(1, math.ceil(self.max_metres / self.grid.cell_size))
        k = gaussian_cell_mass(self.sigma, self.grid.cell_size, radius)
        once = ndimage.convolve1d(lattice, k, axis=0, mode="constant", cval=0.0)
        triggered = ndimage.convolve1d(once, k, axis=1, mode="constant", cval=0.0)
        return np.asarray(self.mu * horizon + self.grid.take(triggered), dtype=float)


class GridSEPP:
    """Fit on the last ``fit_days`` before ``t``; pairs within ``max_days`` and ``max_metres``."""

    def __init__(
        self,
        fit_days: float = 3 * YEAR,
        max_days: float = 60.0,
        max_metres: float = 750.0,
        iterations: int = 100,
        tolerance: float = 1e-5,
        name: str = "sepp",
        background_m: float = 300.0,
    ) -> None:
        self.background_m = float(background_m)
        self.fit_days = float(fit_days)
        self.max_days = float(max_days)
        self.max_metres = float(max_metres)
        self.iterations = int(iterations)
        self.tolerance = float(tolerance)
        self.name = name

    def fit(self, history: Events, grid: Grid, t: float) -> SEPPFit:
        require_before(history, t)
        raw = history.between(t - self.fit_days, t)
        events, duplicates = collapse_duplicates(raw)
        cell = grid.cell_of(events.x, events.y)
        events = events.take(cell >= 0)
        cell = cell[cell >= 0]
        n = len(events)
        if n == 0:
            return SEPPFit(
                grid,
                np.zeros(grid.n_cells),
                0.0,
                1.0,
                grid.cell_size,
                0,
                0,
                duplicates,
                1.0,
                self.max_days,
                self.max_metres,
            )
        start = max(t - self.fit_days, float(events.t[0]))
        span = max(t - start, 1.0)
        parent, child = self._pairs(events)
        dt = events.t[child] - events.t[parent]
        d2 = (events.x[child] - events.x[parent]) ** 2 + (events.y[child] - events.y[parent]) ** 2
        remaining = np.minimum(t - events.t, self.max_days)  # trigger time each event has left before t

        counts = np.bincount(cell, minlength=grid.n_cells).astype(float)
        mu = counts / (2.0 * span)
        smooth = self._smoother(events, grid) if self.background_m > 0 else None
        # an event with no other within 4σ still has a background: one event over the span and the grid
        floor = 1.0 / (span * max(grid.area_m2, 1.0))
        density = floor + smooth @ np.full(n, 0.5) / span if smooth is not None else None
        theta, omega, sigma = (
            (0.5, 1.0 / 7.0, min(100.0, self.max_metres / 3)) if parent.size else (0.0, 1.0, 1.0)
        )
        s2 = grid.cell_size**2
        p_bg = np.ones(n)
        done = 0
        for step in range(1, self.iterations + 1):
            done = step
            background = mu[cell] / s2 if density is None else density
            trig = (
                theta * omega * np.exp(-omega * dt) * np.exp(-d2 / (2 * sigma**2)) / (2 * math.pi * sigma**2)
            )
            total = background + np.bincount(child, weights=trig, minlength=n)
            p_bg = background / total
            p_tr = trig / total[child]
            mu = np.bincount(cell, weights=p_bg, minlength=grid.n_cells) / span
            if smooth is not None:
                density = floor + smooth @ p_bg / span
            if not parent.size:
                break
            triggered = float(p_tr.sum())
            if triggered <= 1e-12:
                theta = 0.0
                break
            new_omega = triggered / float((p_tr * dt).sum())
            new_sigma = math.sqrt(float((p_tr * d2).sum()) / (2 * triggered))
            new_sigma = min(max(new_sigma, 1.0), self.max_metres)
            space_mass = 1.0 - math.exp(-(self.max_metres**2) / (2 * new_sigma**2))
            time_mass = 1.0 - np.exp(-new_omega * remaining)
            new_theta = triggered / float((time_mass * space_mass).sum())
            change = max(
                abs(new_theta - theta) / max(theta, 1e-9),
                abs(new_omega - omega) / omega,
                abs(new_sigma - sigma) / sigma,
            )
            theta, omega, sigma = new_theta, new_omega, new_sigma
            if change < self.tolerance:
                break
        if self.background_m > 0:
            mu = self._smoothed_cells(events, p_bg, grid) / span
        return SEPPFit(
            grid,
            mu,
            float(theta),
            float(omega),
            float(sigma),
            done,
            n,
            duplicates,
            float(p_bg.sum() / n),
            self.max_days,
            self.max_metres,
        )

    def _kernel(self, grid: Grid) -> FloatArray:
        radius = max(1, math.ceil(4.0 * self.background_m / grid.cell_size))
        return gaussian_cell_mass(self.background_m, grid.cell_size, radius)

    def _inside(self, events: Events, grid: Grid) -> FloatArray:
        """The share of each event's background kernel that falls on the grid (edge correction)."""
        k = self._kernel(grid)
        mask = grid.mask().astype(float)
        once = ndimage.convolve1d(mask, k, axis=0, mode="constant", cval=0.0)
        share = ndimage.convolve1d(once, k, axis=1, mode="constant", cval=0.0).reshape(-1)
        flat = grid.lattice_index(events.x, events.y)
        return np.asarray(np.clip(share[np.maximum(flat, 0)], 0.05, 1.0), dtype=float)

    def _smoother(self, events: Events, grid: Grid) -> sparse.csr_matrix:
        """``B[i, j]`` = the 2-D Gaussian density (σ = ``background_m``) at event ``i`` of event ``j``, for
        the other events within 4σ (leave-one-out: an event never explains itself as background), divided
        by the share of ``j``'s kernel on the grid (near the edge of the area the rest is not lost)."""
        h = self.background_m
        xy = np.stack([events.x, events.y], axis=1)
        pairs = cKDTree(xy).query_pairs(4.0 * h, output_type="ndarray")
        a, b = pairs[:, 0], pairs[:, 1]
        d2 = (events.x[a] - events.x[b]) ** 2 + (events.y[a] - events.y[b]) ** 2
        w = np.exp(-d2 / (2 * h * h)) / (2 * math.pi * h * h)
        inside = self._inside(events, grid)
        n = len(events)
        rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
        return sparse.csr_matrix((np.concatenate([w, w]) / inside[cols], (rows, cols)), (n, n))

    def _smoothed_cells(self, events: Events, weights: FloatArray, grid: Grid) -> FloatArray:
        """The background weights spread over the grid's cells by the same Gaussian (exact cell masses)."""
        lattice = grid.lattice_counts(events.x, events.y, weights)
        k = self._kernel(grid)
        once = ndimage.convolve1d(lattice, k, axis=0, mode="constant", cval=0.0)
        spread = grid.take(ndimage.convolve1d(once, k, axis=1, mode="constant", cval=0.0))
        total = float(spread.sum())
        # the mass the kernel carried off the grid belongs to the grid: every event is in it
        return spread * (float(weights.sum()) / total) if total > 0 else spread

    def _pairs(self, events: Events) -> tuple[IntArray, IntArray]:
        """(parent, child) index pairs with 0 < t_child − t_parent ≤ max_days and distance ≤ max_metres."""
        if len(events) < 2:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        scaled = np.stack(
            [events.x / self.max_metres, events.y / self.max_metres, events.t / self.max_days], axis=1
        )
        pairs = cKDTree(scaled).query_pairs(1.0, p=np.inf, output_type="ndarray")
        a, b = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
        earlier = events.t[a] <= events.t[b]
        parent, child = np.where(earlier, a, b), np.where(earlier, b, a)
        dt = events.t[child] - events.t[parent]
        d2 = (events.x[child] - events.x[parent]) ** 2 + (events.y[child] - events.y[parent]) ** 2
        keep = (dt > 0) & (d2 <= self.max_metres**2)
        return parent[keep], child[keep]
