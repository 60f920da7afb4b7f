"""``antt forecast backtest``: every forecast method on any events file, against the naive baselines.

The use case: read and check the file (:mod:`antt.services.forecast_files`), build the grid, run the
rolling-origin backtest (:mod:`antt.analytics.backtest`) method by method, and write — only when all of
it succeeded — ``DIR/<method>.json`` in the exact contract of issue 12::

    {"grid": {"cell_size": 150, "origin": [0, 0], "crs": "EPSG:32618"},
     "forecasts": {"2019-12-01": [{"x": <cell centre>, "y": <cell centre>, "score": <number>}, ...], ...}}

(window keys are local start dates; each window's forecast used only the events before its local start;
every grid cell listed once per window) and ``DIR/summary.json`` with the evidence: hit rate, PAI and
PEI* with their bootstrap intervals at 1, 2, 5 and 10 % of the area, times, fitted parameters, and the
default method this evidence chooses for the horizon. The method files are streamed into a private
folder beside ``DIR`` and moved in at the end, so a failure leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from antt.analytics.backtest import (
    COVERAGES,
    HEADLINE_COVERAGE,
    Interval,
    MethodRun,
    choose_default,
    run_method,
    window_truth,
)
from antt.analytics.forecast import NAIVE_BASELINES, methods
from antt.analytics.grids import FloatArray, Grid, build_grid
from antt.errors import InvalidInput
from antt.services.forecast_files import (
    bad,
    check_area_of_use,
    check_cell,
    check_inside,
    check_zone,
    parse_horizon,
    parse_origin,
    parse_start,
    read_boundary,
    read_events,
    study_area,
    window_starts,
)

MAX_CELL_WINDOWS = 60_000_000  # cells × windows per method file: beyond this the files run to gigabytes


@dataclass(frozen=True)
class BacktestRequest:
    events: Path
    time_col: str
    x_col: str
    y_col: str
    crs: str
    tz: str
    start: str
    windows: int
    horizon: str
    cell: float
    out: Path
    category_col: str | None = None
    category: str | None = None
    grid_origin: str | None = None
    boundary: Path | None = None
    method: str = "all"
    refit_every: int = 1
    bootstrap: int = 1000
    seed: int = 0


@dataclass(frozen=True)
class BacktestOutcome:
    summary: dict[str, Any]
    rows: list[dict[str, Any]]
    files: list[Path] = field(default_factory=list)


def backtest_file(request: BacktestRequest, progress: Callable[[str], None] | None = None) -> BacktestOutcome:
    say = progress or (lambda _: None)
    horizon = parse_horizon(request.horizon)
    check_cell(request.cell)
    origin = parse_origin(request.grid_origin)
    start = parse_start(request.start)
    tz = check_zone(request.tz)
    chosen = _methods(request.method)
    if request.out.exists() and not request.out.is_dir():
        raise bad(f"{request.out} đã có và không phải thư mục", f"{request.out} exists and is not a folder")
    if request.refit_every < 1 or request.bootstrap < 0:
        raise bad("--refit-every ≥ 1 và --bootstrap ≥ 0", "--refit-every must be ≥ 1 and --bootstrap ≥ 0")
    days, starts = window_starts(start, request.windows, horizon, tz)

    say("đọc tệp / reading the file")
    file = read_events(
        request.events,
        time_col=request.time_col,
        x_col=request.x_col,
        y_col=request.y_col,
        crs=request.crs,
        tz=tz,
        category_col=request.category_col,
        category=request.category,
    )
    check_area_of_use(file, request.crs)
    if request.boundary is not None:
        area = read_boundary(request.boundary, file.crs)
        area_name = request.boundary.name
    else:
        area = study_area(file.events, request.cell)
        area_name = "(bao lồi các điểm / convex hull of the points)"
    events = check_inside(file.events, area, area_name)
    grid = build_grid(area, request.cell, crs=file.crs, origin=origin)
    if grid.n_cells == 0:
        raise bad("Lưới không có ô nào trong ranh giới", "the grid has no cell inside the boundary")
    if grid.n_cells * len(starts) > MAX_CELL_WINDOWS:
        raise bad(
            f"{grid.n_cells} ô × {len(starts)} cửa sổ quá lớn: tăng --cell hoặc giảm --windows",
            f"{grid.n_cells} cells × {len(starts)} windows is too large: raise --cell or lower --windows",
        )
    training = len(events.before(starts[0]))
    if training == 0:
        raise bad(
            f"Không có sự kiện nào trước {days[0].isoformat()} để huấn luyện (cửa sổ huấn luyện rỗng)",
            f"no event before {days[0].isoformat()} to train on (empty training window)",
        )

    truth = window_truth(events, grid, starts, float(horizon), COVERAGES)
    rng = np.random.default_rng(request.seed)
    workdir = Path(tempfile.mkdtemp(prefix=".antt-forecast-", dir=_existing_ancestor(request.out)))
    try:
        runs: list[MethodRun] = []
        for name, method in chosen.items():
            say(f"{name}")
            with open(workdir / f"{name}.json", "w", encoding="utf-8") as handle:
                writer = ForecastWriter(handle, grid, [d.isoformat() for d in days])
                runs.append(
                    run_method(
                        method,
                        events,
                        grid,
                        starts,
                        float(horizon),
                        truth,
                        refit_every=request.refit_every,
                        rng=rng,
                        bootstrap=request.bootstrap,
                        on_forecast=writer.window,
                    )
                )
                writer.close()
        summary = summary_document(
            request,
            file,
            grid,
            events_used=len(events),
            training=training,
            days=[d.isoformat() for d in days],
            totals=truth.totals.tolist(),
            horizon=horizon,
            runs=runs,
        )
        (workdir / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=1, allow_nan=False) + "\n", encoding="utf-8"
        )
        request.out.mkdir(parents=True, exist_ok=True)
        files = []
        for name in [*chosen, "summary"]:
            target = request.out / f"{name}.json"
            os.replace(workdir / f"{name}.json", target)
            files.append(target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return BacktestOutcome(summary, table_rows(runs), files)


class ForecastWriter:
    """Streams one method's forecasts in the contract's JSON, window by window."""

    def __init__(self, handle: IO[str], grid: Grid, keys: list[str]) -> None:
        self.handle = handle
        self.keys = keys
        cx, cy = grid.centres()
        self.prefix = [
            f'{{"x": {_num(x)}, "y": {_num(y)}, "score": '
            for x, y in zip(cx.tolist(), cy.tolist(), strict=True)
        ]
        header = {
            "cell_size": _plain(grid.cell_size),
            "origin": [_plain(v) for v in grid.origin],
            "crs": grid.crs,
        }
        handle.write('{"grid": ' + json.dumps(header) + ', "forecasts": {')

    def window(self, k: int, scores: FloatArray) -> None:
        if not np.isfinite(scores).all():
            raise ValueError("a forecast score is not finite")
        body = ", ".join(p + _num(s) + "}" for p, s in zip(self.prefix, scores.tolist(), strict=True))
        self.handle.write(("" if k == 0 else ", ") + json.dumps(self.keys[k]) + ": [" + body + "]")

    def close(self) -> None:
        self.handle.write("}}\n")


def summary_document(
    request: BacktestRequest,
    file: Any,
    grid: Grid,
    *,
    events_used: int,
    training: int,
    days: list[str],
    totals: list[float],
    horizon: int,
    runs: list[MethodRun],
) -> dict[str, Any]:
    choice = choose_default(runs, NAIVE_BASELINES)
    default: dict[str, Any] | None = None
    if choice is not None:
        pct = f"{HEADLINE_COVERAGE:.0%}"
        hit = _pct(choice.hit_rate)
        base = _pct(choice.baseline_hit_rate)
        default = {
            "horizon": f"{horizon}d",
            "method": choice.method,
            "coverage": HEADLINE_COVERAGE,
            "hit_rate": choice.hit_rate,
            "baseline": choice.baseline or None,
            "baseline_hit_rate": choice.baseline_hit_rate,
            "ratio_to_baseline": choice.ratio,
            "reason_vi": f"{pct} diện tích do {choice.method} chọn chứa {hit} số vụ của {len(days)} cửa sổ"
            + (f"; đếm thô ({choice.baseline}) chứa {base}" if choice.baseline else ""),
            "reason_en": f"the {pct} of the area {choice.method} flags held {hit} of the events over {len(days)} windows"
            + (f"; the naive count ({choice.baseline}) held {base}" if choice.baseline else ""),
        }
    return {
        "grid": {
            "cell_size": _plain(grid.cell_size),
            "origin": [_plain(v) for v in grid.origin],
            "crs": grid.crs,
            "cells": grid.n_cells,
            "area_km2": round(grid.area_m2 / 1e6, 4),
        },
        "events": {
            "file": request.events.name,
            "rows": file.rows,
            "selected": file.selected,
            "without_location": file.without_location,
            "outside_area": file.selected - file.without_location - events_used,
            "used": events_used,
            "before_first_window": training,
            "category": {"column": request.category_col, "value": request.category}
            if request.category_col
            else None,
        },
        "time_zone": request.tz,
        "horizon_days": horizon,
        "windows": [{"start": d, "events": int(n)} for d, n in zip(days, totals, strict=True)],
        "coverages": list(COVERAGES),
        "naive_baselines": [n for n in NAIVE_BASELINES if any(r.name == n for r in runs)],
        "methods": {r.name: _run_document(r) for r in runs},
        "default": default,
        "bootstrap": {"resamples": request.bootstrap, "seed": request.seed, "unit": "window"},
        "refit_every": request.refit_every,
    }


def table_rows(runs: list[MethodRun]) -> list[dict[str, Any]]:
    rows = []
    for r in runs:
        for m in r.metrics:
            rows.append(
                {
                    "method": r.name,
                    "area": f"{m.coverage:.0%}",
                    "hit_rate": _fmt(m.hit_rate, 3),
                    "PAI": _fmt(m.pai, 2),
                    "PEI*": _fmt(m.pei_star, 3),
                    "fit_s": f"{max(r.fit_seconds, default=0):.2f}",
                    "forecast_s": f"{max(r.forecast_seconds, default=0):.3f}",
                }
            )
    return rows


def _run_document(run: MethodRun) -> dict[str, Any]:
    return {
        "coverage": {
            f"{m.coverage:g}": {"hit_rate": _iv(m.hit_rate), "pai": _iv(m.pai), "pei_star": _iv(m.pei_star)}
            for m in run.metrics
        },
        "fit_seconds": _times(run.fit_seconds),
        "forecast_seconds": _times(run.forecast_seconds),
        "parameters": {k: (None if not np.isfinite(v) else float(v)) for k, v in run.parameters.items()},
    }


def _methods(name: str) -> dict[str, Any]:
    """``all``, one method's name, or several separated by commas (in the registry's order)."""
    known = methods()
    if name == "all":
        return dict(known)
    wanted = [n.strip() for n in name.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in known]
    if unknown or not wanted:
        raise InvalidInput(
            f"Phương pháp {', '.join(unknown) or name!r} không có; dùng all hoặc một/nhiều tên (cách nhau "
            f"bằng dấu phẩy) trong: {', '.join(known)}",
            f"unknown method {', '.join(unknown) or name!r}; use all or one or more (comma-separated) of: "
            f"{', '.join(known)}",
        )
    return {n: m for n, m in known.items() if n in wanted}


def _existing_ancestor(path: Path) -> Path:
    candidate = path.resolve().parent
    while not candidate.exists():
        candidate = candidate.parent
    return candidate


def _iv(value: Interval) -> dict[str, float | None]:
    return {"value": value.value, "low": value.low, "high": value.high}


def _times(values: tuple[float, ...]) -> dict[str, float]:
    return {
        "mean": float(np.mean(values)) if values else 0.0,
        "max": max(values, default=0.0),
        "count": len(values),
    }


def _fmt(value: Interval, digits: int) -> str:
    if value.value is None:
        return "—"
    text = f"{value.value:.{digits}f}"
    if value.low is not None and value.high is not None:
        text += f" ({value.low:.{digits}f}–{value.high:.{digits}f})"
    return text


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _num(value: float) -> str:
    return repr(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(float(value))
