"""The risk map on ANTT's own database: the cells where crime is most likely in the next period, by the
method the database's own history says is best for that horizon, with that evidence beside it.

One use case (:func:`risk_map`, behind ``antt forecast map``, ``/risk`` and the patrol sheet):

1. **Scope.** The communes of the actor's scope (a commune officer: theirs); only their incidents are read
   and only their cells are scored, so nothing of another commune reaches the map.
2. **Disclosure** (:mod:`antt.services.disclosure`). For the communes the actor lacks the privilege on,
   drug and sexual-offence incidents count in no other group's map (rule 2), and the drug group's own
   cells are withheld there (named in ``withheld``): a cell's score is built from counts, and a map of
   a few cells would give small counts and places back. Restricted groups follow :func:`groups_of`.
3. **Grid.** 150 m cells in UTM 48N (EPSG:32648) over the scope's communes, each cell with its commune
   (:mod:`antt.analytics.grids`).
4. **Evidence.** A rolling-origin backtest of every method (:mod:`antt.analytics.backtest`) over the
   windows just before the forecast: 28 × 1 day, 12 × 7 days, 8 × 14 days, 6 × 28 days (other horizons:
   about 12 weeks of windows). The default is the method with the highest hit rate at 5 % of the area
   (:func:`choose_default`); the naive counts are in the same run. The evidence is cached with the data
   version (recomputed after the next import).
5. **Forecast.** That method, fitted on the incidents before the window's first day, scores every cell;
   the cells of the top 1 %, 2 % and 5 % of the area are listed with their rank, score, commune and
   centre, and the Gi* hot-spot class of last year's counts.

Times: local days of Asia/Ho_Chi_Minh (UTC+7, no daylight saving), like every figure in ANTT. A window
``[start, start + h)`` uses only incidents that occurred on a local day before ``start``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape

from antt.analytics.backtest import (
    COVERAGES,
    HEADLINE_COVERAGE,
    MethodRun,
    choose_default,
    run_method,
    window_truth,
)
from antt.analytics.forecast import NAIVE_BASELINES, Events, methods
from antt.analytics.forecast.base import YEAR
from antt.analytics.grids import Grid, build_grid
from antt.analytics.hotspots_gi import gi_star
from antt.domain.access import Actor
from antt.domain.periods import Period, check_supported_day
from antt.domain.reference import unit_geometries
from antt.domain.units import Unit
from antt.errors import InvalidInput
from antt.services.compstat import scope_of
from antt.services.data_cache import cached
from antt.services.disclosure import (
    Disclosure,
    exclusions,
    groups_of,
    sensitive_groups,
)
from antt.services.forecast_files import parse_horizon
from antt.storage.engine import Database
from antt.storage.forecast import located_incidents

CRS = "EPSG:32648"  # UTM 48N: Hải Phòng
CELL_M = 150.0
TIERS = (0.01, 0.02, 0.05)  # the shares of the area listed
EVIDENCE_WINDOWS = {1: 28, 7: 12, 14: 8, 28: 6}
EPOCH = np.datetime64("2000-01-01T00:00:00")
EPOCH_S = int(EPOCH.astype("datetime64[s]").astype(np.int64))
LOCAL_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh: UTC+7 all year
BASELINE_LAST_YEAR = "naive_1y"  # "counting last year's cases": the analyst's own map
GI_DAYS = YEAR
MAX_HOT_CELLS = 6000  # Gi* hot cells drawn on the page at most (the strongest first)


@dataclass(frozen=True)
class MethodEvidence:
    method: str
    hit_rate: dict[str, float | None]  # by coverage ("0.01" …)
    pai_5: float | None
    pei_star_5: float | None
    parameters: dict[str, float | None]


@dataclass(frozen=True)
class Evidence:
    """The backtest that chose the method: ``windows`` windows of ``horizon_days`` just before the
    forecast, each forecast from the incidents before its own start."""

    horizon_days: int
    windows: int
    first_start: date
    events: int  # incidents in the windows (inside the grid)
    default: str
    default_hit_rate: float | None
    best_baseline: str | None
    best_baseline_hit_rate: float | None
    last_year_hit_rate: float | None  # naive_1y: "counting last year's cases"
    methods: tuple[MethodEvidence, ...]

    @property
    def enough(self) -> bool:
        return self.events > 0 and self.default_hit_rate is not None

    def reason(self) -> tuple[str, str]:
        """The evidence in one sentence, in Vietnamese and in English."""
        if not self.enough:
            return (
                f"Chưa đủ dữ liệu để kiểm định: {self.windows} cửa sổ gần nhất không có vụ nào có tọa độ; "
                f"dùng {self.default}.",
                f"Not enough data to test: the last {self.windows} windows hold no located incident; "
                f"using {self.default}.",
            )
        span_vi, span_en = _span_words(self.horizon_days, self.windows)
        pct = _pct(HEADLINE_COVERAGE)
        vi = (
            f"{pct} diện tích do {self.default} chọn chiếm {_pct(self.default_hit_rate)} số vụ "
            f"{span_vi[0]} trong {span_vi[1]}"
        )
        en = f"the {pct} of the area {self.default} flags held {_pct(self.default_hit_rate)} of {span_en}"
        if self.last_year_hit_rate is not None:
            vi += f"; đếm số vụ năm trước: {_pct(self.last_year_hit_rate)}"
            en += f"; counting last year's cases held {_pct(self.last_year_hit_rate)}"
        if self.best_baseline and self.best_baseline != BASELINE_LAST_YEAR:
            vi += f"; đếm thô tốt nhất ({self.best_baseline}): {_pct(self.best_baseline_hit_rate)}"
            en += f"; the best naive count ({self.best_baseline}) {_pct(self.best_baseline_hit_rate)}"
        return vi + ".", en[0].upper() + en[1:] + "."


@dataclass(frozen=True)
class RiskCell:
    rank: int
    cell: str  # "i,j" in the 150 m lattice anchored at (0, 0) of EPSG:32648
    commune: str
    score: float
    tier: float  # the smallest listed share of the area (0.01, 0.02, 0.05) the cell is in
    lon: float
    lat: float
    x: float
    y: float
    polygon: tuple[tuple[float, float], ...]  # the square's corners, lon/lat
    gi_class: int


@dataclass(frozen=True)
class RiskMap:
    scope: Unit
    group: str
    groups: tuple[str, ...]
    start: date  # first day of the forecast window
    end: date  # last day (inclusive)
    horizon_days: int
    method: str
    parameters: dict[str, float | None]
    evidence: Evidence | None
    cells: tuple[RiskCell, ...]
    hot_cells: tuple[RiskCell, ...]  # Gi* hot spots (class ≥ 2: FDR 5 %), strongest first
    grid_cells: int
    area_km2: float
    incidents_used: int
    withheld: tuple[str, ...] = field(default_factory=tuple)  # communes whose cells are withheld
    communes: dict[str, str] = field(default_factory=dict)  # code → name

    def reason(self) -> tuple[str, str]:
        if self.evidence is None:
            return ("Không có dữ liệu để dự báo.", "No data to forecast from.")
        return self.evidence.reason()


def forecast_window(period: Period | None, as_of: date | None, horizon: str | None) -> tuple[date, int]:
    """The first day and the length in days of the window to forecast: a period's own days (``horizon``
    must then agree or be left out), or the ``horizon`` days after ``as_of``."""
    if (period is None) == (as_of is None):
        raise InvalidInput(
            "Cần chỉ định kỳ (--period) hoặc ngày số liệu (--as-of), không cả hai.",
            "Give either a period (--period) or an as-of day (--as-of), not both.",
        )
    if period is not None:
        days = (period.end - period.start).days + 1
        if horizon is not None and parse_horizon(horizon) != days:
            raise InvalidInput(
                f"Kỳ {period.key} dài {days} ngày, khác --horizon {horizon}: bỏ --horizon khi dùng --period.",
                f"The period {period.key} is {days} days long, not --horizon {horizon}: leave --horizon out "
                "with --period.",
            )
        if days > 366:
            raise InvalidInput(
                f"Kỳ {period.key} dài {days} ngày: dự báo tối đa 366 ngày.",
                f"The period {period.key} is {days} days long: forecasts go up to 366 days.",
            )
        return period.start, days
    assert as_of is not None
    check_supported_day(as_of)
    return as_of + timedelta(days=1), parse_horizon(horizon or "7d")


def risk_map(
    database: Database,
    actor: Actor,
    *,
    start: date,
    horizon_days: int,
    group: str | None = None,
    unit_code: str | None = None,
) -> RiskMap:
    """The risk map of ``[start, start + horizon_days)`` for ``actor`` (see the module's text)."""
    check_supported_day(start, "start")
    scope, communes = scope_of(actor, unit_code)
    codes = [c.code for c in communes]
    groups = groups_of(actor, group, codes)
    protected = Disclosure(actor).protected(codes)
    only_sensitive = sensitive_groups(groups)
    withheld = tuple(sorted(protected)) if only_sensitive else ()
    shown = tuple(sorted(set(codes) - set(withheld)))
    left_out = exclusions(actor, protected, drugs=not only_sensitive)
    # keyed by what the map depends on, not by who asks: a leader and an administrator with the same
    # scope and the same incidents left out share one computation (≈ 10 s city-wide)
    key = ("risk-map", scope.code, tuple(codes), shown, tuple(groups), tuple(left_out), start, horizon_days)

    def compute() -> RiskMap:
        return _compute(database, scope, communes, shown, groups, left_out, start, horizon_days, withheld)

    result: RiskMap = cached(database, key, compute)
    return result


def _compute(
    database: Database,
    scope: Unit,
    communes: list[Unit],
    shown: tuple[str, ...],
    groups: list[str],
    left_out: Any,
    start: date,
    horizon_days: int,
    withheld: tuple[str, ...],
) -> RiskMap:
    names = {c.code: c.name for c in communes}
    label = groups[0] if len(groups) == 1 else "all"
    empty = RiskMap(
        scope, label, tuple(groups), start, start + timedelta(days=horizon_days - 1), horizon_days,
        BASELINE_LAST_YEAR, {}, None, (), (), 0, 0.0, 0, withheld, names,
    )  # fmt: skip
    if not shown:
        return empty
    with database.transaction(write=False) as session:
        rows = located_incidents(session, start, units=shown, groups=groups, exclude=left_out)
    if not rows:  # nothing located to forecast from: no grid to build
        return empty
    grid, projector = scope_grid(shown)
    if grid.n_cells == 0:
        return empty
    events = _events(rows, projector)
    t0 = _day_number(start)
    evidence = backtest_evidence(events, grid, t0, horizon_days, start)
    chosen = evidence.default if evidence.enough else BASELINE_LAST_YEAR
    method = methods()[chosen]
    history = events.before(t0)
    model = method.fit(history, grid, t0)
    scores = np.asarray(model.predict(history, t0, float(horizon_days)), dtype=float)
    year = history.between(t0 - GI_DAYS, t0)
    gi = gi_star(grid.take(grid.lattice_counts(year.x, year.y)), grid)
    cells = _top_cells(grid, projector, scores, gi.classes)
    hot = np.flatnonzero(gi.classes >= 2)
    hot = hot[np.argsort(-gi.z[hot], kind="stable")][:MAX_HOT_CELLS]
    hot_cells = _cells(grid, projector, hot, gi.z[hot], [0.0] * hot.size, gi.classes[hot])
    return RiskMap(
        scope,
        label,
        tuple(groups),
        start,
        start + timedelta(days=horizon_days - 1),
        horizon_days,
        chosen,
        {k: (float(v) if math.isfinite(v) else None) for k, v in model.parameters.items()},
        evidence,
        cells,
        hot_cells,
        grid.n_cells,
        round(grid.area_m2 / 1e6, 3),
        len(history),
        withheld,
        names,
    )


def backtest_evidence(events: Events, grid: Grid, t0: float, horizon_days: int, start: date) -> Evidence:
    """Every method over the windows just before ``t0`` (each from the events before its own start)."""
    windows = EVIDENCE_WINDOWS.get(horizon_days, max(3, min(28, 84 // horizon_days)))
    starts = [t0 - horizon_days * (windows - k) for k in range(windows)]
    truth = window_truth(events, grid, starts, float(horizon_days), COVERAGES)
    if truth.totals.sum() == 0:  # nothing to test on: no method is run
        return Evidence(
            horizon_days, windows, start - timedelta(days=horizon_days * windows), 0,
            BASELINE_LAST_YEAR, None, None, None, None, (),
        )  # fmt: skip
    refit = 7 if horizon_days < 7 else max(1, 28 // horizon_days)
    rng = np.random.default_rng(0)
    runs: list[MethodRun] = [
        run_method(
            m, events, grid, starts, float(horizon_days), truth, refit_every=refit, rng=rng, bootstrap=0
        )
        for m in methods().values()
    ]
    choice = choose_default(runs, NAIVE_BASELINES)
    by_name = {r.name: r for r in runs}
    last_year = by_name[BASELINE_LAST_YEAR].metric(HEADLINE_COVERAGE).hit_rate.value
    return Evidence(
        horizon_days=horizon_days,
        windows=windows,
        first_start=start - timedelta(days=horizon_days * windows),
        events=int(truth.totals.sum()),
        default=choice.method if choice else BASELINE_LAST_YEAR,
        default_hit_rate=choice.hit_rate if choice else None,
        best_baseline=(choice.baseline or None) if choice else None,
        best_baseline_hit_rate=choice.baseline_hit_rate if choice else None,
        last_year_hit_rate=last_year,
        methods=tuple(
            MethodEvidence(
                r.name,
                {f"{m.coverage:g}": m.hit_rate.value for m in r.metrics},
                r.metric(HEADLINE_COVERAGE).pai.value,
                r.metric(HEADLINE_COVERAGE).pei_star.value,
                {k: (float(v) if math.isfinite(v) else None) for k, v in r.parameters.items()},
            )
            for r in runs
        ),
    )


# ------------------------------------------------------------------------------------------ the grid


@dataclass(frozen=True)
class Projector:
    to_metres: pyproj.Transformer
    to_lonlat: pyproj.Transformer


@lru_cache(maxsize=1)
def _projector() -> Projector:
    return Projector(
        pyproj.Transformer.from_crs("EPSG:4326", CRS, always_xy=True),
        pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True),
    )


@lru_cache(maxsize=32)
def scope_grid(codes: tuple[str, ...]) -> tuple[Grid, Projector]:
    """The 150 m grid over the communes ``codes`` (current scheme), each cell with its commune."""
    projector = _projector()
    scheme_geometries = {key[1]: g for key, g in unit_geometries().items()}

    def metres(geometry: Any) -> shapely.Geometry:
        return shapely.transform(
            shape(geometry), lambda xy: np.column_stack(projector.to_metres.transform(xy[:, 0], xy[:, 1]))
        )

    polygons = {code: metres(scheme_geometries[code]) for code in codes if code in scheme_geometries}
    if not polygons:
        return Grid(CELL_M, (0.0, 0.0), CRS, 0, 0, 0, 0, np.zeros(0, dtype=np.int64), ()), projector
    area = shapely.union_all(list(polygons.values()))
    return build_grid(area, CELL_M, crs=CRS, communes=polygons), projector


def _events(rows: list[Any], projector: Projector) -> Events:
    if not rows:
        return Events.of([], [], [])
    seconds = np.array([r[0] for r in rows], dtype="datetime64[s]").astype(np.int64)
    t = (seconds + LOCAL_OFFSET_S - EPOCH_S) / 86400.0
    x, y = projector.to_metres.transform(np.array([r[2] for r in rows]), np.array([r[1] for r in rows]))
    return Events.of(t, x, y)


def _day_number(day: date) -> float:
    return float((np.datetime64(day.isoformat()) - EPOCH) / np.timedelta64(1, "D"))


def _top_cells(grid: Grid, projector: Projector, scores: Any, classes: Any) -> tuple[RiskCell, ...]:
    """The cells of the top 5 % of the area with a positive score, highest first (ties: lattice order)."""
    limit = math.ceil(max(TIERS) * grid.n_cells)
    order = np.lexsort((grid.cells, -scores))[:limit]
    order = order[scores[order] > 0]
    ranks = range(1, order.size + 1)
    tiers = [next(c for c in TIERS if rank <= math.ceil(c * grid.n_cells)) for rank in ranks]
    return _cells(grid, projector, order, scores[order], tiers, classes[order])


def _cells(
    grid: Grid, projector: Projector, ks: Any, scores: Any, tiers: Sequence[float], gis: Any
) -> tuple[RiskCell, ...]:
    """The cells ``ks`` (ranked 1, 2, … in that order) with their corners and centre in degrees: one
    projection for all of them (a call per cell made the city-wide map take 5 s longer)."""
    if len(ks) == 0:
        return ()
    i_all, j_all = grid.indices()
    i, j = i_all[ks], j_all[ks]
    s = grid.cell_size
    x0, y0 = grid.origin[0] + s * i, grid.origin[1] + s * j
    xs = np.column_stack([x0, x0 + s, x0 + s, x0, x0 + s / 2])
    ys = np.column_stack([y0, y0, y0 + s, y0 + s, y0 + s / 2])
    lon, lat = projector.to_lonlat.transform(xs.ravel(), ys.ravel())
    lon, lat = np.asarray(lon).reshape(xs.shape).tolist(), np.asarray(lat).reshape(ys.shape).tolist()
    found = []
    for n, k in enumerate(np.asarray(ks).tolist()):
        corners = tuple((round(lon[n][c], 6), round(lat[n][c], 6)) for c in range(4))
        commune = grid.communes[k] if grid.communes else ""
        found.append(
            RiskCell(
                n + 1,
                f"{int(i[n])},{int(j[n])}",
                commune,
                float(scores[n]),
                float(tiers[n]),
                round(lon[n][4], 6),
                round(lat[n][4], 6),
                float(x0[n] + s / 2),
                float(y0[n] + s / 2),
                corners,
                int(gis[n]),
            )
        )
    return tuple(found)


# ------------------------------------------------------------------------------------------ documents


def map_document(result: RiskMap) -> dict[str, Any]:
    """The JSON of ``antt forecast map --format json``."""
    reason_vi, reason_en = result.reason()
    return {
        "scope": {"code": result.scope.code, "name": result.scope.name},
        "group": result.group,
        "groups": list(result.groups),
        "window": {"from": result.start.isoformat(), "to": result.end.isoformat()},
        "horizon_days": result.horizon_days,
        "grid": {
            "cell_size": CELL_M,
            "origin": [0, 0],
            "crs": CRS,
            "cells": result.grid_cells,
            "area_km2": result.area_km2,
        },
        "method": result.method,
        "parameters": result.parameters,
        "incidents_used": result.incidents_used,
        "evidence": _evidence_document(result.evidence, reason_vi, reason_en),
        "withheld_communes": list(result.withheld),
        "cells": [_cell_document(c, result.communes) for c in result.cells],
    }


def geojson_document(result: RiskMap) -> dict[str, Any]:
    """The cells as a GeoJSON FeatureCollection (lon/lat squares), the evidence in ``properties``."""
    document = map_document(result)
    features = []
    for c in result.cells:
        ring = [list(p) for p in c.polygon] + [list(c.polygon[0])]
        features.append(
            {
                "type": "Feature",
                "id": c.cell,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {k: v for k, v in _cell_document(c, result.communes).items() if k != "polygon"},
            }
        )
    meta = {k: v for k, v in document.items() if k != "cells"}
    return {"type": "FeatureCollection", "properties": meta, "features": features}


def _cell_document(c: RiskCell, names: dict[str, str]) -> dict[str, Any]:
    return {
        "rank": c.rank,
        "cell": c.cell,
        "commune": c.commune,
        "commune_name": names.get(c.commune, ""),
        "score": round(c.score, 6),
        "top_share": c.tier,
        "lon": c.lon,
        "lat": c.lat,
        "x": c.x,
        "y": c.y,
        "gi_class": c.gi_class,
    }


def _evidence_document(evidence: Evidence | None, vi: str, en: str) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {
        "horizon_days": evidence.horizon_days,
        "windows": evidence.windows,
        "from": evidence.first_start.isoformat(),
        "events": evidence.events,
        "coverage": HEADLINE_COVERAGE,
        "default": evidence.default,
        "default_hit_rate": evidence.default_hit_rate,
        "best_baseline": evidence.best_baseline,
        "best_baseline_hit_rate": evidence.best_baseline_hit_rate,
        "last_year_hit_rate": evidence.last_year_hit_rate,
        "reason_vi": vi,
        "reason_en": en,
        "methods": {
            m.method: {"hit_rate": m.hit_rate, "pai_5": m.pai_5, "pei_star_5": m.pei_star_5}
            for m in evidence.methods
        },
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _span_words(horizon_days: int, windows: int) -> tuple[tuple[str, str], str]:
    if horizon_days == 1:
        return (
            "ngày hôm sau",
            f"{windows} ngày qua",
        ), f"the next day's incidents over the last {windows} days"
    if horizon_days == 7:
        return (
            "tuần kế tiếp",
            f"{windows} tuần qua",
        ), f"the next week's incidents over the last {windows} weeks"
    return (
        (f"{horizon_days} ngày kế tiếp", f"{windows} kỳ {horizon_days} ngày qua"),
        f"the next {horizon_days} days' incidents over the last {windows} such periods",
    )


__all__ = [
    "Evidence",
    "RiskCell",
    "RiskMap",
    "backtest_evidence",
    "forecast_window",
    "geojson_document",
    "map_document",
    "risk_map",
    "scope_grid",
]
