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


def _monthly() -> tuple[dict[str, np.ndarray], dict[str, list[dict[str, str]]]]:
    series: dict[str, list[tuple[int, int]]] = defaultdict(list)
    with open(HERE / "farrington_monthly_series.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            series[r["series"]].append((int(r["month"]), int(r["count"])))
    results: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(HERE / "farrington_monthly_results.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            results[r["series"]].append(r)
    return {k: np.array([c for _, c in sorted(v)]) for k, v in series.items()}, results


@pytest.mark.parametrize("name", ["seasonal", "trend", "low"])
def test_the_monthly_detector_agrees_with_r_surveillance_on_monthly_series(name: str) -> None:
    """``MONTHLY``'s settings (freq 12, w 1, 4 seasons, 6 months left out) against R's farringtonFlexible
    (scripts/reference/surveillance_monthly.R)."""
    from antt.analytics.alerts.farrington import MONTHLY, MONTHS_PER_YEAR

    counts, results = _monthly()
    rows = results[name]
    months = np.array([int(r["month"]) - 1 for r in rows])
    settings = MONTHLY.run.keywords  # type: ignore[attr-defined]
    assert settings["freq"] == MONTHS_PER_YEAR and (settings["w"], settings["periods"]) == (1, 4)
    found = noufaily(counts[name], months, **{**settings, "b": 5})
    upper = np.array([_num(r["upperbound"]) for r in rows])
    judged = np.isfinite(upper) & (upper > 0)
    assert judged.sum() >= 20
    np.testing.assert_allclose(found.threshold[0][judged], upper[judged], rtol=1e-4)
    expected = np.array([_num(r["expected"]) for r in rows])
    np.testing.assert_allclose(found.expected[0][judged], expected[judged], rtol=1e-5)
    assert found.alarm[0].astype(int).tolist() == [int(_num(r["alarm"]) == 1) for r in rows]
