"""Reference Getis–Ord Gi* z-values from PySAL esda for a small masked lattice (issue 12).

Run OUTSIDE the project's environment (esda is not a dependency of ANTT, and the tests must not need it):

    python3 -m venv /tmp/esda-venv && /tmp/esda-venv/bin/pip install esda libpysal numpy
    /tmp/esda-venv/bin/python scripts/reference/gi_star_esda.py > tests/reference/gi_star_esda.json

The lattice: 9 columns × 7 rows of 150 m cells, three of them masked out (off the grid: neither counted
nor neighbours), with seeded Poisson counts and a planted cluster. Weights: queen contiguity among the
grid's cells plus the cell itself (``star=True``, binary, not row-standardised), as ANTT's ``gi_star`` with
``radius_cells=1``. esda's analytical ``Z_s`` is what ANTT computes; ``p_norm`` is its one-sided normal
p-value (ANTT reports two-sided). Written: the lattice, the counts, the mask and esda's z per cell, in
row-major order (row ``j`` then column ``i``), with the versions used.
"""

from __future__ import annotations

import json
import sys

import esda
import libpysal
import numpy as np

NI, NJ = 9, 7
MASKED = [(0, 0), (8, 6), (4, 3)]  # (i, j) cells off the grid


def main() -> None:
    rng = np.random.default_rng(12)
    counts = rng.poisson(1.0, size=(NJ, NI)).astype(float)
    counts[1:4, 5:8] += rng.poisson(4.0, size=(3, 3))  # a planted cluster
    mask = np.ones((NJ, NI), dtype=bool)
    for i, j in MASKED:
        mask[j, i] = False
    cells = [(i, j) for j in range(NJ) for i in range(NI) if mask[j, i]]
    index = {c: k for k, c in enumerate(cells)}
    neighbours: dict[int, list[int]] = {}
    for (i, j), k in index.items():
        found = []
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                other = (i + di, j + dj)
                if (di or dj) and other in index:
                    found.append(index[other])
        neighbours[k] = found
    w = libpysal.weights.W(neighbours, silence_warnings=True)
    w.transform = "B"
    y = np.array([counts[j, i] for i, j in cells])
    g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
    json.dump(
        {
            "source": "PySAL esda G_Local(star=True, transform='B'), analytical Z_s",
            "esda_version": esda.__version__,
            "libpysal_version": libpysal.__version__,
            "ni": NI,
            "nj": NJ,
            "cell_size": 150,
            "masked": [list(c) for c in MASKED],
            "counts": [[float(v) for v in row] for row in counts],
            "cells": [list(c) for c in cells],
            "z": [float(v) for v in g.Zs],
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
