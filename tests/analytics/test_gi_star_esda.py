"""Gi* against PySAL esda (``G_Local(star=True)``, binary weights, analytical z) on a small masked lattice.
The reference values were written by ``scripts/reference/gi_star_esda.py`` (esda is not needed here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from shapely import union_all
from shapely.geometry import box

from antt.analytics.grids import build_grid
from antt.analytics.hotspots_gi import gi_star

REFERENCE = Path(__file__).parents[1] / "reference" / "gi_star_esda.json"


def test_gi_star_matches_esda_on_a_masked_lattice() -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    s = float(ref["cell_size"])
    masked = {tuple(c) for c in ref["masked"]}
    squares = [
        box(i * s, j * s, (i + 1) * s, (j + 1) * s)
        for j in range(ref["nj"])
        for i in range(ref["ni"])
        if (i, j) not in masked
    ]
    grid = build_grid(union_all(squares), s, crs="EPSG:32648")
    i, j = grid.indices()
    assert [[int(a), int(b)] for a, b in zip(i, j, strict=True)] == ref["cells"]
    counts = np.array(ref["counts"])
    values = counts[j, i]
    ours = gi_star(values, grid, radius_cells=1).z
    assert ours == pytest.approx(np.array(ref["z"]), abs=1e-9)
    assert np.max(ref["z"]) > 3  # the planted cluster is there to compare, not only noise
