"""Our Farrington and improved Farrington against R ``surveillance`` 1.20.3 (numbers produced by
scripts/reference/surveillance_reference.R and committed under tests/reference/; R is not needed here)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from antt.analytics.alerts.farrington import farrington, noufaily

HERE = Path(__file__).resolve().parents[1] / "reference"


def _series() -> dict[str, np.ndarray]:
    rows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    with open(HERE / "farrington_series.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["series"]].append((int(r["week"]), int(r["count"])))
    return {k: np.array([c for _, c in sorted(v)]) for k, v in rows.items()}


def _results() -> dict[tuple[str, str, float], list[dict[str, str]]]:
    grouped: dict[tuple[str, str, float], list[dict[str, str]]] = defaultdict(list)
    with open(HERE / "farrington_results.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            grouped[(r["series"], r["method"], float(r["alpha"]))].append(r)
    return grouped


CASES = sorted(_results())


def _num(text: str) -> float:
    return float("nan") if text in ("NA", "") else float(text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_thresholds_and_alarms_agree_with_r_surveillance(case: tuple[str, str, float]) -> None:
    name, method, alpha = case
    rows = _results()[case]
    counts = _series()[name]
    weeks = np.array([int(r["week"]) - 1 for r in rows])  # R is 1-based
    run = farrington if method == "farrington" else noufaily
    found = run(counts, weeks, alpha=alpha)
    upper = np.array([_num(r["upperbound"]) for r in rows])
    judged = np.isfinite(upper) & (upper > 0)  # R reports no bound without 5 cases in 4 weeks
    assert judged.sum() >= 40
    np.testing.assert_allclose(found.threshold[0][judged], upper[judged], rtol=1e-4)
    assert found.alarm[0].astype(int).tolist() == [int(_num(r["alarm"]) == 1) for r in rows]
    if method == "noufaily":
        expected = np.array([_num(r["expected"]) for r in rows])
        np.testing.assert_allclose(found.expected[0][judged], expected[judged], rtol=1e-5)


def test_the_reference_covers_alarms_and_trends() -> None:
    """The fixtures exercise what could differ: some alarms, some weeks with a kept trend."""
    rows = [r for rs in _results().values() for r in rs]
    assert sum(_num(r["alarm"]) == 1 for r in rows) >= 10
    assert sum(_num(r["trend"]) == 1 for r in rows) >= 10
