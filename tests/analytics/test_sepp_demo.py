"""SEPP recovers the near-repeat process planted in the demo city (``ground_truth.json``).

The demo gives each social-order incident Poisson(0.25) offspring, ``1 + ⌊Exp(3 d)⌋`` days later (a mean
delay of ``1 + 1/(e^{1/3} − 1)`` ≈ 3.53 days), N(0, 150 m) away in each axis. 15 % of the exported rows
have no coordinates, so among located incidents a child's parent is seen with probability 0.85: the
branching ratio the located data can show is 0.25 × 0.85 ≈ 0.21. Tolerances: θ within 25 % of that,
the decay within 25 % of 3.53 days, σ within 15 % of 150 m. (The per-cell background of Mohler 2015,
``background_m=0``, gets θ ≈ 0.15 here and fails the first.)
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from antt.analytics.forecast import Events
from antt.analytics.forecast.sepp import GridSEPP
from antt.analytics.grids import build_grid
from antt.domain.reference import offence_table

NO_COORDINATES = 0.15  # antt.demo.incidents.NO_COORDINATES, restated: the test reads the files only


def planted(truth: dict) -> dict[str, float]:
    delay = 1.0 + 1.0 / (math.exp(1.0 / 3.0) - 1.0)
    return {
        "theta": truth["model"]["near_repeat_branching"] * (1 - NO_COORDINATES),
        "decay": delay,
        "sigma": 150.0,
    }


def social_order_events(folder) -> tuple[Events, float]:
    groups = {o.article: o.reporting_group for o in offence_table().offences}
    frames = []
    for path in sorted(folder.glob("incidents-*")):
        frame = pd.read_csv(path, dtype=str) if path.suffix == ".csv" else pd.read_excel(path, dtype=str)
        frame = frame.iloc[:, [1, 4, 5, 6]]
        frame.columns = ["time", "lat", "lon", "article"]
        frame["time"] = pd.to_datetime(frame["time"], dayfirst=True, format="mixed")
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True).dropna(subset=["lat", "lon"])
    data = data[data["article"].str.split(".").str[0].map(groups) == "social_order"]
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    x, y = to_utm.transform(data["lon"].astype(float).to_numpy(), data["lat"].astype(float).to_numpy())
    t = ((data["time"] - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)).to_numpy()
    return Events.of(t, x, y), float(np.ceil(t.max()))


@pytest.mark.slow
def test_sepp_recovers_the_demo_near_repeats(tmp_path) -> None:
    from antt.demo.build import generate

    generate(tmp_path, end=date(2026, 3, 31))
    truth = planted(json.loads((tmp_path / "ground_truth.json").read_text(encoding="utf-8")))
    events, t = social_order_events(tmp_path)
    area = shapely.MultiPoint(np.column_stack([events.x, events.y])).convex_hull.buffer(75)
    grid = build_grid(area, 150, crs="EPSG:32648")
    fit = GridSEPP(fit_days=5 * 365).fit(events, grid, t).parameters
    assert fit["triggered_per_event"] == pytest.approx(truth["theta"], rel=0.25)
    assert fit["trigger_decay_days"] == pytest.approx(truth["decay"], rel=0.25)
    assert fit["trigger_sigma_m"] == pytest.approx(truth["sigma"], rel=0.15)
