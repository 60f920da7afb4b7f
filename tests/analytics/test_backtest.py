"""Hit rate, PAI and PEI* against hand-counted examples, and the backtest's guard against leakage."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from shapely.geometry import box

from antt.analytics.backtest import captured, choose_default, run_method, window_truth
from antt.analytics.forecast import NAIVE_BASELINES, Events, methods
from antt.analytics.forecast.base import require_before
from antt.analytics.grids import FloatArray, Grid, build_grid


def test_ties_at_the_cut_off_are_credited_pro_rata() -> None:
    scores = np.array([5.0, 3.0, 3.0, 3.0, 1.0])
    counts = np.array([2.0, 0.0, 3.0, 1.0, 4.0])
    assert captured(scores, counts, 1) == 2
    assert captured(scores, counts, 2) == pytest.approx(2 + 4 / 3)  # one of three tied cells
    assert captured(scores, counts, 2.5) == pytest.approx(2 + 1.5 * 4 / 3)  # a partial cell too
    assert captured(scores, counts, 4) == 6
    assert captured(scores, counts, 5) == 10
    assert captured(np.zeros(5), counts, 1) == pytest.approx(2.0)  # all tied: the average cell
    assert captured(counts, counts, 2) == 7  # the perfect forecast: 4 + 3


def test_pooled_hit_rate_pai_and_pei_star_match_a_hand_count() -> None:
    grid = build_grid(box(0, 0, 1000, 100), 100, crs="EPSG:32648")  # ten cells in a row
    xs = lambda *i: [100 * k + 50.0 for k in i]  # noqa: E731
    # history: one event in cell 0 and two in cell 1 → naive ranks cell 1 first, then cell 0
    hist_x = xs(0, 1, 1)
    # window 1 (day 10): cells 1, 1, 5; window 2 (day 11): cells 0, 7, 7, 7
    win_x = xs(1, 1, 5) + xs(0, 7, 7, 7)
    t = [1.0, 2.0, 3.0, 10.2, 10.4, 10.6, 11.1, 11.2, 11.3, 11.4]  # history, window 1, window 2
    ev = Events.of(t, hist_x + win_x, [50.0] * len(t))
    truth = window_truth(ev, grid, [10.0, 11.0], 1.0, coverages=(0.1, 0.2))
    assert truth.totals.tolist() == [3, 4]
    assert truth.best.tolist() == [[2, 3], [3, 4]]
    run = run_method(
        methods()["naive_3y"], ev, grid, [10.0, 11.0], 1.0, truth, rng=np.random.default_rng(0), bootstrap=200
    )
    # window 1: top cell = 1 → 2 of 3; window 2 (history now has cells 1×4, 0×1, 5×1 → top: 1, then 0 or 5 tied)
    assert run.captured[:, 0].tolist() == [2, 0]
    assert run.captured[:, 1].tolist() == pytest.approx([2, 0.5])  # 1 + half of the (0, 5) tie's one event
    m10, m20 = run.metrics
    assert m10.hit_rate.value == pytest.approx(2 / 7)
    assert m10.pai.value == pytest.approx((2 / 7) / 0.1)
    assert m10.pei_star.value == pytest.approx(2 / 5)
    assert m20.hit_rate.value == pytest.approx(2.5 / 7)
    assert m20.pei_star.value == pytest.approx(2.5 / 7)
    assert m10.hit_rate.low is not None and m10.hit_rate.low <= 2 / 7 <= m10.hit_rate.high


class Spy:
    """A method that records the latest event time it was ever shown."""

    name = "spy"

    def __init__(self) -> None:
        self.seen: list[tuple[float, float]] = []

    def fit(self, history: Events, grid: Grid, t: float) -> Spy:
        self.seen.append((t, float(history.t.max()) if len(history) else -np.inf))
        return self

    @property
    def parameters(self) -> Mapping[str, float]:
        return {}

    def predict(self, history: Events, t: float, horizon: float) -> FloatArray:
        self.seen.append((t, float(history.t.max()) if len(history) else -np.inf))
        return np.zeros(self.grid_cells)

    grid_cells = 0


def test_the_backtest_never_shows_a_forecast_an_event_at_or_after_its_window_start() -> None:
    grid = build_grid(box(0, 0, 500, 500), 100, crs="EPSG:32648")
    rng = np.random.default_rng(5)
    starts = [200.0, 201.0, 202.0, 209.0]
    t = np.concatenate([rng.uniform(0, 215, 400), starts])  # events exactly at each window start too
    ev = Events.of(t, rng.uniform(0, 500, t.size), rng.uniform(0, 500, t.size))
    spy = Spy()
    spy.grid_cells = grid.n_cells
    truth = window_truth(ev, grid, starts, 7.0)
    run_method(spy, ev, grid, starts, 7.0, truth, rng=rng, bootstrap=10)
    assert spy.seen and all(latest < t0 for t0, latest in spy.seen)


@pytest.mark.parametrize("name", list(methods()))
def test_events_at_or_after_a_window_start_do_not_change_its_forecast(name: str) -> None:
    grid = build_grid(box(0, 0, 800, 800), 100, crs="EPSG:32648")
    rng = np.random.default_rng(11)
    n = 600
    base = Events.of(rng.uniform(0, 400, n), rng.uniform(0, 800, n), rng.uniform(0, 800, n))
    starts = [380.0, 387.0]

    def forecasts(ev: Events) -> list[FloatArray]:
        out: list[FloatArray] = []
        truth = window_truth(ev, grid, starts, 7.0)
        run_method(
            methods()[name],
            ev,
            grid,
            starts,
            7.0,
            truth,
            rng=np.random.default_rng(0),
            bootstrap=10,
            on_forecast=lambda k, s: out.append(s.copy()),
        )
        return out

    plain = forecasts(base)
    for k, start in enumerate(starts):
        burst_t = np.array([start, start, start + 0.5, start + 3.0])  # exactly at the start, then inside
        more = Events.of(
            np.concatenate([base.t, burst_t]),
            np.concatenate([base.x, [55.0] * 4]),
            np.concatenate([base.y, [55.0] * 4]),
        )
        np.testing.assert_array_equal(plain[k], forecasts(more)[k])


def test_require_before_refuses_an_event_at_t() -> None:
    with pytest.raises(ValueError):
        require_before(Events.of([1.0, 2.0], [0.0, 0.0], [0.0, 0.0]), 2.0)


def test_the_default_is_the_best_hit_rate_against_the_best_naive_baseline() -> None:
    grid = build_grid(box(0, 0, 500, 500), 100, crs="EPSG:32648")
    rng = np.random.default_rng(2)
    ev = Events.of(rng.uniform(0, 200, 300), rng.normal(250, 60, 300), rng.normal(250, 60, 300))
    starts = [150.0, 160.0, 170.0]
    truth = window_truth(ev, grid, starts, 7.0)
    runs = [
        run_method(methods()[n], ev, grid, starts, 7.0, truth, rng=rng, bootstrap=10)
        for n in ("naive_28d", "naive_1y", "kde")
    ]
    choice = choose_default(runs, NAIVE_BASELINES)
    assert choice is not None
    best = max(runs, key=lambda r: r.metric(0.05).hit_rate.value or 0)
    assert choice.hit_rate == best.metric(0.05).hit_rate.value
    assert choice.baseline in ("naive_28d", "naive_1y")
