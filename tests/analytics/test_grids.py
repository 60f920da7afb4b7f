"""Grid cells follow the issue's contract: cell (i, j) = [origin + s·i, origin + s·(i+1)) on each axis."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from antt.analytics.grids import build_grid, check_cell_size


def test_cells_are_half_open_from_the_origin_and_edge_touching_cells_are_left_out() -> None:
    grid = build_grid(box(0, 0, 300, 150), 100, crs="EPSG:32648")
    i, j = grid.indices()
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(a, b) for a in range(3) for b in range(2)]
    cx, cy = grid.centres()
    assert (cx.min(), cx.max(), cy.min(), cy.max()) == (50.0, 250.0, 50.0, 150.0)
    cells = grid.cell_of(np.array([99.999, 100.0, 0.0, 299.9]), np.array([0.0, 0.0, 100.0, 149.0]))
    got = [(int(i[c]), int(j[c])) for c in cells]
    assert got == [(0, 0), (1, 0), (0, 1), (2, 1)]
    assert grid.cell_of(np.array([300.0, -0.1]), np.array([10.0, 10.0])).tolist() == [-1, -1]


def test_a_grid_origin_shifts_every_cell() -> None:
    grid = build_grid(box(0, 0, 300, 100), 100, crs="EPSG:32648", origin=(50.0, 0.0))
    i, _ = grid.indices()
    cx, _ = grid.centres()
    assert i.tolist() == [-1, 0, 1, 2]
    assert cx.tolist() == [0.0, 100.0, 200.0, 300.0]


def test_cells_are_masked_to_the_boundary_and_know_their_commune() -> None:
    # an L-shaped area: the top-right cell is not in it
    area = box(0, 0, 200, 100).union(box(0, 100, 100, 200))
    communes = {"A": box(0, 0, 100, 200), "B": box(100, 0, 200, 100)}
    grid = build_grid(area, 100, crs="EPSG:32648", communes=communes)
    i, j = grid.indices()
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 0), (1, 0), (0, 1)]
    assert grid.communes == ("A", "B", "A")
    assert grid.area_m2 == 30_000


def test_an_edge_cell_outside_every_commune_takes_the_nearest() -> None:
    grid = build_grid(box(0, 0, 250, 100), 100, crs="EPSG:32648", communes={"A": box(0, 0, 240, 100)})
    assert grid.communes == ("A", "A", "A")  # the third cell's centre (250, 50) lies outside A


@pytest.mark.parametrize("size", [9.99, 5000.1, float("nan")])
def test_cell_sizes_outside_10_m_to_5_km_are_refused(size: float) -> None:
    with pytest.raises(ValueError):
        check_cell_size(size)
