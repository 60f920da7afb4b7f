"""``antt forecast backtest``: the exact file contract on an arbitrary CSV, and every bad input refused
with one bilingual line, exit 2 and nothing written."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pyproj
import pytest

from antt.cli.main import main

LON0, LAT0 = 106.68, 20.86  # Hải Phòng; UTM 48N
BOX = (106.66, 20.84, 106.70, 20.88)


def write_events(path: Path, *, n: int = 800, seed: int = 1, time_format: str = "%d/%m/%Y %H:%M") -> Path:
    rng = np.random.default_rng(seed)
    days = np.sort(rng.uniform(0, 120, n))
    hot = rng.random(n) < 0.5
    lon = np.where(hot, LON0 + rng.normal(0, 0.002, n), rng.uniform(BOX[0], BOX[2], n))
    lat = np.where(hot, LAT0 + rng.normal(0, 0.002, n), rng.uniform(BOX[1], BOX[3], n))
    import datetime as dt

    base = dt.datetime(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["occurred", "lon", "lat", "kind"])
        for d, x, y, k in zip(days, lon, lat, rng.integers(0, 2, n), strict=True):
            writer.writerow(
                [
                    (base + dt.timedelta(days=float(d))).strftime(time_format),
                    f"{x:.6f}",
                    f"{y:.6f}",
                    "burglary" if k else "theft",
                ]
            )
    return path


def write_boundary(path: Path) -> Path:
    w, s, e, n = BOX
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    return path


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["antt", "forecast", "backtest", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def base_args(tmp_path: Path, events: Path, **over: str) -> list[str]:
    opts = {
        "--events": str(events),
        "--time-col": "occurred",
        "--x-col": "lon",
        "--y-col": "lat",
        "--crs": "EPSG:4326",
        "--tz": "Asia/Ho_Chi_Minh",
        "--start": "2024-04-01",
        "--windows": "3",
        "--horizon": "7d",
        "--cell": "200",
        "--out": str(tmp_path / "out"),
        "--bootstrap": "50",
    }
    opts.update(over)
    return [v for kv in opts.items() for v in kv]


def test_it_writes_each_method_file_exactly_as_the_contract_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(tmp_path / "events.csv")
    boundary = write_boundary(tmp_path / "area.geojson")
    code = run(
        monkeypatch, *base_args(tmp_path, events, **{"--boundary": str(boundary), "--grid-origin": "100,50"})
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "summary.json" in files and "naive_3y.json" in files and "sepp.json" in files
    doc = json.loads((tmp_path / "out" / "kde.json").read_text())
    assert list(doc) == ["grid", "forecasts"]
    assert doc["grid"] == {"cell_size": 200, "origin": [100, 50], "crs": "EPSG:32648"}
    assert list(doc["forecasts"]) == ["2024-04-01", "2024-04-08", "2024-04-15"]
    cells = doc["forecasts"]["2024-04-01"]
    assert all(set(c) == {"x", "y", "score"} for c in cells)
    xy = {(c["x"], c["y"]) for c in cells}
    assert len(xy) == len(cells)  # every boundary cell listed once
    for key in doc["forecasts"]:
        assert {(c["x"], c["y"]) for c in doc["forecasts"][key]} == xy
    # centres sit at origin + cell·(i + ½)
    assert all((c["x"] - 100) % 200 == 100 and (c["y"] - 50) % 200 == 100 for c in cells)
    # the projected boundary is covered: its UTM bounds fall within the cells' extent
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    x0, y0 = to_utm.transform(BOX[0], BOX[1])
    x1, y1 = to_utm.transform(BOX[2], BOX[3])
    xs = [c["x"] for c in cells]
    ys = [c["y"] for c in cells]
    assert min(xs) - 100 <= x0 + 1 and max(xs) + 100 >= x1 - 1 and min(ys) - 100 <= min(y0, y1) + 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["default"]["method"] in summary["methods"]
    assert summary["methods"]["naive_3y"]["coverage"]["0.05"]["hit_rate"]["value"] is not None
    assert set(summary["methods"]["sepp"]["parameters"]) >= {"trigger_decay_days", "trigger_sigma_m"}
    assert "naive_3y" in out.out and "PEI*" in out.out and "Default for 7d" in out.out


def test_a_forecast_reads_only_events_before_its_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = write_events(tmp_path / "events.csv")
    assert run(monkeypatch, *base_args(tmp_path, events, **{"--method": "naive_28d", "--windows": "1"})) == 0
    first = json.loads((tmp_path / "out" / "naive_28d.json").read_text())["forecasts"]["2024-04-01"]
    # the same file with a burst on the window's first local minute (00:00 Asia/Ho_Chi_Minh)
    rows = events.read_text().splitlines()
    rows += [f"01/04/2024 00:00,{LON0},{LAT0},burglary"] * 20
    (tmp_path / "more.csv").write_text("\n".join(rows) + "\n")
    assert (
        run(
            monkeypatch,
            *base_args(
                tmp_path,
                tmp_path / "more.csv",
                **{"--method": "naive_28d", "--windows": "1", "--out": str(tmp_path / "o2")},
            ),
        )
        == 0
    )
    second = json.loads((tmp_path / "o2" / "naive_28d.json").read_text())["forecasts"]["2024-04-01"]
    assert first == second


def test_a_category_filters_the_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = write_events(tmp_path / "events.csv", time_format="%Y-%m-%dT%H:%M:%S+07:00")
    code = run(
        monkeypatch,
        *base_args(
            tmp_path, events, **{"--category-col": "kind", "--category": "burglary", "--method": "naive_1y"}
        ),
    )
    assert code == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["events"]["rows"] == 800 and 300 < summary["events"]["selected"] < 500


def test_several_methods_by_name_write_those_files_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = write_events(tmp_path / "events.csv", n=300)
    assert (
        run(monkeypatch, *base_args(tmp_path, events, **{"--method": "kde, naive_1y", "--windows": "2"})) == 0
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "kde.json",
        "naive_1y.json",
        "summary.json",
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert list(summary["methods"]) == ["naive_1y", "kde"]  # the registry's order: baselines first


def projected(events: Path, out: Path) -> Path:
    """The same events with UTM 48N metres in lon/lat's place (for the wrong-CRS case)."""
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    rows = list(csv.reader(events.open()))
    for r in rows[1:]:
        x, y = to_utm.transform(float(r[1]), float(r[2]))
        r[1], r[2] = f"{x:.1f}", f"{y:.1f}"
    with out.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return out


BAD = {
    "missing column": ({"--x-col": "longitude"}, "longitude"),
    "unparseable time": ({"--time-col": "kind"}, "time value"),
    "lon/lat read as UTM": ({"--crs": "EPSG:32648"}, "area of use"),
    "empty training window": ({"--start": "2023-06-01"}, "empty training window"),
    "cell too small": ({"--cell": "5"}, "cell size"),
    "cell too large": ({"--cell": "5001"}, "cell size"),
    "bad horizon": ({"--horizon": "1w"}, "horizon"),
    "unknown method": ({"--method": "magic"}, "unknown method"),
    "one unknown among several": ({"--method": "naive_1y,magic"}, "unknown method 'magic'"),
    "unknown zone": ({"--tz": "Mars/Olympus"}, "time zone"),
    "unknown crs": ({"--crs": "EPSG:999999"}, "CRS"),
    "no such file": ({"--events": "/nonexistent/x.csv"}, "not found"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_bilingual_error_exit_2_and_nothing_written(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(tmp_path / "events.csv", n=200)
    over, english = BAD[case]
    code = run(monkeypatch, *base_args(tmp_path, events, **over))
    err = capsys.readouterr().err
    assert code == 2, err
    assert english in err and " / " in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]


def test_points_mostly_outside_the_boundary_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = projected(write_events(tmp_path / "raw.csv", n=200), tmp_path / "events.csv")
    far = tmp_path / "far.geojson"
    far.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[105, 21], [105.1, 21], [105.1, 21.1], [105, 21]]]})
    )
    code = run(monkeypatch, *base_args(tmp_path, events, **{"--crs": "EPSG:32648", "--boundary": str(far)}))
    err = capsys.readouterr().err
    assert code == 2 and "outside the boundary" in err and "ngoài ranh giới" in err
    assert not (tmp_path / "out").exists()


def run_map(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["antt", "forecast", "map", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_forecast_map_prints_the_top_cells_with_the_method_and_evidence(
    monkeypatch, capsys, cli_env, tmp_path, settings, database
) -> None:
    import datetime as dt

    from antt.domain.access import Actor
    from antt.services.imports import import_incidents
    from tests.incident_files import write_csv
    from tests.services.test_risk_map import LE_CHAN, located_rows

    import_incidents(
        database, settings, Actor.system("t"), write_csv(tmp_path / "in.csv", located_rows()),
        now=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    code = run_map(monkeypatch, "--as-of", "2026-02-28", "--group", "social_order", "--unit", LE_CHAN)
    out = capsys.readouterr().out
    assert code == 0, out
    doc = json.loads(out)
    assert doc["window"] == {"from": "2026-03-01", "to": "2026-03-07"} and doc["horizon_days"] == 7
    assert doc["method"] == doc["evidence"]["default"] and doc["cells"][0]["commune"] == LE_CHAN
    assert {"rank", "score", "commune", "lon", "lat", "gi_class"} <= set(doc["cells"][0])
    code = run_map(
        monkeypatch,
        "--period",
        "day:2026-03-01",
        "--group",
        "social_order",
        "--unit",
        LE_CHAN,
        "--format",
        "geojson",
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["type"] == "FeatureCollection" and doc["properties"]["horizon_days"] == 1


def test_forecast_map_refuses_a_period_and_an_as_of_day_together(monkeypatch, capsys, cli_env) -> None:
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    assert run_map(monkeypatch, "--as-of", "2026-02-28", "--period", "day:2026-03-01") == 2
    err = capsys.readouterr().err
    assert "--period" in err and "--as-of" in err
