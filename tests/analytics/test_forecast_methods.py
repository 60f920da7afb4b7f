"""Each forecast method against scores worked out by hand on a few events."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from antt.analytics.forecast import Events, methods
from antt.analytics.forecast.hotspot import ProspectiveHotspot, RetrospectiveHotspot
from antt.analytics.forecast.kde import SpaceTimeKDE
from antt.analytics.forecast.naive import NaiveCount
from antt.analytics.forecast.sepp import GridSEPP, SEPPFit, collapse_duplicates, gaussian_cell_mass
from antt.analytics.grids import build_grid

GRID = build_grid(box(0, 0, 500, 500), 100, crs="EPSG:32648")  # 5 × 5 cells of 100 m


def at(i: int, j: int) -> int:
    """The grid position of cell (i, j)."""
    ii, jj = GRID.indices()
    return int(np.flatnonzero((ii == i) & (jj == j))[0])


def centre(i: int, j: int) -> tuple[float, float]:
    return 100 * i + 50.0, 100 * j + 50.0


def events(*rows: tuple[float, int, int]) -> Events:
    """(day, i, j) → an event at the centre of cell (i, j)."""
    return Events.of(
        [r[0] for r in rows], [centre(r[1], r[2])[0] for r in rows], [centre(r[1], r[2])[1] for r in rows]
    )


def scores(method, history: Events, t: float, horizon: float = 1.0) -> np.ndarray:
    return method.fit(history, GRID, t).predict(history, t, horizon)


def test_naive_count_counts_the_window_only() -> None:
    history = events((10, 1, 1), (95, 1, 1), (99.5, 1, 1), (96, 4, 4), (60, 4, 4))
    s = scores(NaiveCount(28, "naive_28d"), history, 100.0)
    assert s[at(1, 1)] == 2  # day 10 is 90 days back
    assert s[at(4, 4)] == 1
    assert s.sum() == 3


def test_prospective_hotspot_weights_by_cells_and_whole_weeks() -> None:
    history = events(
        (90.0, 2, 2), (99.0, 0, 0), (40.0, 4, 4)
    )  # 10 days = week 1; 1 day = week 0; 60 days: out
    s = scores(ProspectiveHotspot(bandwidth_m=200, weeks=8), history, 100.0)
    assert s[at(2, 2)] == pytest.approx(1 * 1 / 2 + 1 / 3 * 1)  # own cell, week 1; (0,0) is 2 cells away
    assert s[at(3, 3)] == pytest.approx(1 / 2 * 1 / 2 + 0)  # (0,0) is 3 cells away: beyond 200 m
    assert s[at(0, 0)] == pytest.approx(1 + 1 / 3 * 1 / 2)
    assert s[at(4, 4)] == pytest.approx(1 / 3 * 1 / 2)  # the 60-day-old event is past 8 weeks


def test_retrospective_hotspot_has_no_time_decay() -> None:
    history = events((1.0, 2, 2), (99.0, 2, 2))
    s = scores(RetrospectiveHotspot(bandwidth_m=100, days=365), history, 100.0)
    assert s[at(2, 2)] == 2
    assert s[at(3, 2)] == pytest.approx(2 / 2)
    assert s[at(4, 2)] == 0


def test_kde_is_a_gaussian_in_space_times_an_exponential_in_time() -> None:
    history = events((70.0, 2, 2))
    s = scores(SpaceTimeKDE(bandwidth_m=100, decay_days=30, days=365), history, 100.0)
    assert s[at(2, 2)] == pytest.approx(math.exp(-1))
    assert s[at(3, 2)] == pytest.approx(math.exp(-1) * math.exp(-0.5))
    assert s[at(3, 3)] == pytest.approx(math.exp(-1) * math.exp(-1))
    assert s[at(4, 4)] == pytest.approx(math.exp(-1) * math.exp(-4))


def test_sepp_forecast_is_background_plus_remaining_trigger_mass() -> None:
    mu = np.zeros(GRID.n_cells)
    mu[at(0, 0)] = 0.2
    fitted = SEPPFit(
        GRID,
        mu,
        theta=0.5,
        omega=0.25,
        sigma=50.0,
        iterations=1,
        events=1,
        duplicates=0,
        background_share=1.0,
        max_days=60.0,
        max_metres=300.0,
    )
    history = events((96.0, 2, 2))
    s = fitted.predict(history, 100.0, 2.0)
    mass = math.erf(50 / (50 * math.sqrt(2)))  # P(|N(0, 50)| < 50 m) along one axis
    trigger = 0.5 * (math.exp(-0.25 * 4) - math.exp(-0.25 * 6))
    assert s[at(2, 2)] == pytest.approx(trigger * mass**2)
    assert s[at(0, 0)] == pytest.approx(0.2 * 2)
    assert gaussian_cell_mass(50.0, 100.0, 3).sum() == pytest.approx(1.0, abs=1e-6)


def test_same_incident_duplicates_are_collapsed() -> None:
    ev = Events.of([1.0, 1.0 + 1e-5, 1.0, 2.0], [10.0, 10.2, 500.0, 10.0], [10.0, 10.0, 10.0, 10.0])
    kept, dropped = collapse_duplicates(ev)
    assert (len(kept), dropped) == (3, 1)


def simulate_hawkes(
    rng: np.random.Generator,
    *,
    days: float,
    size: float,
    mu_per_day: float,
    theta: float,
    omega: float,
    sigma: float,
) -> Events:
    """Background uniform in a square, each event's offspring Poisson(θ), exp(ω) later, N(0, σ²) away."""
    n0 = rng.poisson(mu_per_day * days)
    t = list(rng.uniform(0, days, n0))
    x = list(rng.uniform(0, size, n0))
    y = list(rng.uniform(0, size, n0))
    parents = list(zip(t, x, y, strict=True))
    while parents:
        children = []
        for pt, px, py in parents:
            for _ in range(rng.poisson(theta)):
                ct = pt + rng.exponential(1 / omega)
                cx, cy = px + rng.normal(0, sigma), py + rng.normal(0, sigma)
                if ct < days and 0 <= cx < size and 0 <= cy < size:
                    children.append((ct, cx, cy))
        t += [c[0] for c in children]
        x += [c[1] for c in children]
        y += [c[2] for c in children]
        parents = children
    return Events.of(t, x, y)


def test_sepp_recovers_the_parameters_of_a_simulated_self_exciting_process() -> None:
    rng = np.random.default_rng(7)
    sim = simulate_hawkes(rng, days=730, size=3000, mu_per_day=4.0, theta=0.4, omega=1 / 3, sigma=60.0)
    grid = build_grid(box(0, 0, 3000, 3000), 150, crs="EPSG:32648")
    fit = GridSEPP(fit_days=730, max_days=60, max_metres=400).fit(sim, grid, 730.0)
    p = fit.parameters
    assert p["triggered_per_event"] == pytest.approx(0.4, rel=0.15)
    assert p["trigger_decay_days"] == pytest.approx(3.0, rel=0.15)
    assert p["trigger_sigma_m"] == pytest.approx(60.0, rel=0.15)
    assert p["background_events_per_day"] == pytest.approx(4.0, rel=0.1)


def test_sepp_on_a_pure_background_finds_little_triggering() -> None:
    rng = np.random.default_rng(3)
    sim = simulate_hawkes(rng, days=365, size=3000, mu_per_day=5.0, theta=0.0, omega=1.0, sigma=50.0)
    grid = build_grid(box(0, 0, 3000, 3000), 150, crs="EPSG:32648")
    fit = GridSEPP(fit_days=365).fit(sim, grid, 365.0)
    assert fit.parameters["triggered_per_event"] < 0.05


@pytest.mark.parametrize("name", list(methods()))
def test_no_method_accepts_an_event_at_or_after_the_forecast_time(name: str) -> None:
    method = methods()[name]
    history = events((50.0, 1, 1), (100.0, 2, 2))  # the second is AT t
    with pytest.raises(ValueError, match="not before"):
        method.fit(history, GRID, 100.0)
    model = method.fit(history.before(100.0), GRID, 100.0)
    with pytest.raises(ValueError, match="not before"):
        model.predict(history, 100.0, 1.0)


def test_the_tuned_kde_keeps_a_long_memory_where_places_persist() -> None:
    from antt.analytics.forecast.tuned import HOLDOUT_DAYS, TunedKDE

    t = 1500.0
    steady = [(float(d), 1, 1) for d in range(0, 1500, 10)]  # every ten days, through the holdout
    burst = [(t - HOLDOUT_DAYS - 30 + k, 3, 3) for k in range(20)]  # twenty in the month before it, then none
    model = TunedKDE().fit(events(*steady, *burst), GRID, t)
    assert model.decay_days >= 365 and model.parameters["holdout_hit_rate_5pct"] > 0.9
    s = model.predict(events(*steady, *burst), t, 1.0)
    assert s.argmax() == at(1, 1)


def test_the_tuned_kde_forgets_quickly_where_crime_moves() -> None:
    from antt.analytics.forecast.tuned import TunedKDE

    t = 1500.0
    old = [(float(d), 1, 1) for d in range(0, 1000, 5)]  # two hundred, ending 500 days ago
    new = [(float(d), 3, 3) for d in range(1400, 1500, 4)]  # twenty-five since day 1400, into the holdout
    model = TunedKDE().fit(events(*old, *new), GRID, t)
    assert model.decay_days <= 90
    assert model.predict(events(*old, *new), t, 1.0).argmax() == at(3, 3)
    # the holdout reads only the events before t: the same fit with later events refused
    with pytest.raises(ValueError, match="not before"):
        TunedKDE().fit(events(*old, *new, (t, 2, 2)), GRID, t)
