"""Reading any point-events CSV and boundary GeoJSON for the forecast backtest, refusing bad input clearly.

Everything here runs before anything is written: a CSV without the named columns, times that do not
parse, coordinates that are not numbers or lie mostly outside the boundary (or the CRS's area of use: a
wrong ``--crs``), an unknown time zone or CRS, an empty training window, a cell size outside 10 m–5 km —
each is one :class:`InvalidInput` in Vietnamese and English (exit 2 at the CLI).

Times: a value with an offset (``2019-12-01T08:00:00+07:00``, ``…+00``) is an instant; a value without
one is the local time in ``--tz``; a date alone is the local midnight. Internally every time is days
since 1970-01-01 UTC, so a window ``[local midnight, next local midnight)`` is exact across daylight-saving
changes. Coordinates in a geographic CRS (lon/lat) are projected to their UTM zone, which becomes the grid's
CRS; a projected CRS must be in metres and is the grid's CRS as it is.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely
from pyproj.exceptions import CRSError
from shapely.geometry import shape

from antt.analytics.forecast import Events
from antt.analytics.grids import MAX_CELL_M, MIN_CELL_M
from antt.errors import InvalidInput

EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
OUTSIDE_LIMIT = 0.5  # more than this share of the points outside the area: the CRS is wrong
HORIZON = re.compile(r"^(\d{1,3})d$")


def bad(vi: str, en: str) -> InvalidInput:
    return InvalidInput(vi, en)


@dataclass(frozen=True)
class EventFile:
    events: Events  # days since the epoch (UTC), grid CRS metres
    crs: str  # the grid's CRS
    rows: int  # data rows in the file
    selected: int  # rows of the category (all rows without one)
    without_location: int  # rows with empty coordinates, left out
    lonlat: tuple[np.ndarray, np.ndarray]  # the same points in WGS84, for the area-of-use check


def parse_horizon(text: str) -> int:
    match = HORIZON.match(text.strip())
    days = int(match.group(1)) if match else 0
    if not 1 <= days <= 366:
        raise bad(
            f"Khoảng dự báo {text!r} không hợp lệ: dùng 1d, 7d, 14d, 28d (1–366 ngày)",
            f"invalid horizon {text!r}: use 1d, 7d, 14d or 28d (1–366 days)",
        )
    return days


def check_cell(cell: float) -> None:
    if not (math.isfinite(cell) and MIN_CELL_M <= cell <= MAX_CELL_M):
        raise bad(
            f"Kích thước ô {cell:g} m nằm ngoài khoảng {MIN_CELL_M:g} m – {MAX_CELL_M:g} m",
            f"cell size {cell:g} m is outside {MIN_CELL_M:g} m – {MAX_CELL_M:g} m",
        )


def parse_origin(text: str | None) -> tuple[float, float]:
    if text is None:
        return (0.0, 0.0)
    parts = text.split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        x = y = math.nan
    if len(parts) != 2 or not (math.isfinite(x) and math.isfinite(y)):
        raise bad(
            f"Gốc lưới {text!r} không hợp lệ: cần dạng X,Y (mét)",
            f"invalid grid origin {text!r}: expected X,Y (metres)",
        )
    return (x, y)


def parse_start(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise bad(
            f"Ngày bắt đầu {text!r} không hợp lệ: cần YYYY-MM-DD",
            f"invalid start {text!r}: expected YYYY-MM-DD",
        ) from None
    if not 1800 <= day.year <= 2299:
        raise bad("Ngày bắt đầu phải trong khoảng 1800–2299", "the start must lie between 1800 and 2299")
    return day


def check_zone(tz: str) -> str:
    try:
        pd.Timestamp("2000-01-01").tz_localize(tz)
    except Exception:
        raise bad(
            f"Múi giờ {tz!r} không tồn tại (vd. Asia/Ho_Chi_Minh)",
            f"unknown time zone {tz!r} (e.g. Asia/Ho_Chi_Minh)",
        ) from None
    return tz


def window_starts(start: date, windows: int, horizon_days: int, tz: str) -> tuple[list[date], list[float]]:
    """The local start date of each window and its instant in days since the epoch."""
    if not 1 <= windows <= 3660:
        raise bad("Số cửa sổ phải từ 1 đến 3660", "the number of windows must be 1 to 3660")
    days = [start + timedelta(days=horizon_days * k) for k in range(windows)]
    instants = [
        pd.Timestamp(d.isoformat()).tz_localize(tz, nonexistent="shift_forward", ambiguous=False)
        for d in days
    ]
    return days, [float((ts.tz_convert("UTC") - EPOCH) / pd.Timedelta(days=1)) for ts in instants]


def read_events(
    path: Path,
    *,
    time_col: str,
    x_col: str,
    y_col: str,
    crs: str,
    tz: str,
    category_col: str | None = None,
    category: str | None = None,
) -> EventFile:
    if (category_col is None) != (category is None):
        raise bad(
            "--category-col và --category phải đi cùng nhau", "--category-col and --category go together"
        )
    source = _crs(crs)
    frame = _read_csv(path)
    wanted = [time_col, x_col, y_col, *([category_col] if category_col else [])]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise bad(
            f"{path.name}: thiếu cột {', '.join(missing)} (có: {', '.join(map(str, frame.columns[:12]))})",
            f"{path.name}: missing column(s) {', '.join(missing)} (found: {', '.join(map(str, frame.columns[:12]))})",
        )
    rows = len(frame)
    if category_col and category is not None:
        frame = frame[frame[category_col].str.strip() == category.strip()]
        if frame.empty:
            raise bad(
                f"{path.name}: không có dòng nào có {category_col} = {category!r}",
                f"{path.name}: no row has {category_col} = {category!r}",
            )
    selected = len(frame)
    x_text, y_text = frame[x_col].str.strip(), frame[y_col].str.strip()
    located = (x_text != "") & (y_text != "")
    frame, x_text, y_text = frame[located], x_text[located], y_text[located]
    x = pd.to_numeric(x_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(float)
    y = pd.to_numeric(y_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(float)
    broken = ~(np.isfinite(x) & np.isfinite(y))
    if broken.any():
        raise bad(
            f"{path.name}: {int(broken.sum())} dòng có tọa độ không phải số, vd. dòng {_rows(frame, broken)}",
            f"{path.name}: {int(broken.sum())} row(s) have non-numeric coordinates, e.g. row(s) {_rows(frame, broken)}",
        )
    t = _times(frame[time_col], tz, path.name, frame)
    gx, gy, grid_crs, lon, lat = _project(source, x, y)
    return EventFile(Events.of(t, gx, gy), grid_crs, rows, selected, int((~located).sum()), (lon, lat))


def check_area_of_use(file: EventFile, crs: str) -> None:
    """Most points outside the area where ``crs`` is meant to be used: the CRS named is not theirs."""
    area = _crs(crs).area_of_use
    lon, lat = file.lonlat
    if area is None or not lon.size:
        return
    ok = np.isfinite(lon) & np.isfinite(lat)
    ok &= (lon >= area.west - 1) & (lon <= area.east + 1) & (lat >= area.south - 1) & (lat <= area.north + 1)
    if (~ok).mean() > OUTSIDE_LIMIT:
        raise bad(
            f"{100 * (~ok).mean():.0f}% số điểm nằm ngoài vùng dùng của {crs} ({area.name}): tọa độ không thuộc hệ {crs}?",
            f"{100 * (~ok).mean():.0f}% of the points lie outside the area of use of {crs} ({area.name}): are the coordinates really in {crs}?",
        )


def read_boundary(path: Path, grid_crs: str) -> shapely.Geometry:
    """The union of the polygons of a GeoJSON file (lon/lat, RFC 7946), projected to the grid's CRS."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        geometries = [shape(g) for g in _geometries(data)]
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise bad(
            f"{path.name}: không đọc được ranh giới GeoJSON ({exc})",
            f"{path.name}: cannot read the boundary GeoJSON ({exc})",
        ) from None
    polygons = [g for g in geometries if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not polygons:
        raise bad(f"{path.name}: ranh giới không có đa giác nào", f"{path.name}: the boundary has no polygon")
    minx, miny, maxx, maxy = shapely.union_all(polygons).bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise bad(
            f"{path.name}: ranh giới phải ở kinh độ/vĩ độ (RFC 7946)",
            f"{path.name}: the boundary must be in lon/lat (RFC 7946)",
        )
    transformer = pyproj.Transformer.from_crs("EPSG:4326", grid_crs, always_xy=True)
    projected = [
        shapely.transform(p, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
        for p in polygons
    ]
    return shapely.make_valid(shapely.union_all(projected))


def study_area(events: Events, cell: float) -> shapely.Geometry:
    """Without a boundary: the convex hull of the file's points, widened by half a cell (locations only,
    no times — the area is fixed before any forecast)."""
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([events.x, events.y])))
    return hull.buffer(cell / 2)


def check_inside(events: Events, area: shapely.Geometry, name: str) -> Events:
    """The events inside ``area``; refuse when most are outside (coordinates in another CRS)."""
    shapely.prepare(area)
    inside = shapely.contains_xy(area, events.x, events.y)
    if len(events) and (~inside).mean() > OUTSIDE_LIMIT:
        raise bad(
            f"{100 * (~inside).mean():.0f}% số điểm nằm ngoài ranh giới {name}: sai hệ tọa độ (--crs) hoặc sai cột X/Y?",
            f"{100 * (~inside).mean():.0f}% of the points lie outside the boundary {name}: wrong --crs or swapped X/Y columns?",
        )
    return events.take(inside)


def _geometries(data: Any) -> list[Any]:
    kind = data.get("type")
    if kind == "FeatureCollection":
        return [f["geometry"] for f in data["features"] if f.get("geometry")]
    if kind == "Feature":
        return [data["geometry"]]
    return [data]


def _crs(text: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(text)
    except CRSError:
        raise bad(
            f"Hệ tọa độ {text!r} không hợp lệ (vd. EPSG:32648)", f"unknown CRS {text!r} (e.g. EPSG:32648)"
        ) from None


def _project(
    source: pyproj.CRS, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str, np.ndarray, np.ndarray]:
    to_wgs = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    lon, lat = (np.asarray(v, dtype=float) for v in to_wgs.transform(x, y))
    if source.is_geographic:
        if not ((np.abs(lon) <= 180) & (np.abs(lat) <= 90)).mean() > OUTSIDE_LIMIT:
            raise bad(
                "Tọa độ không phải kinh độ/vĩ độ dù --crs là hệ địa lý",
                "the coordinates are not longitude/latitude although --crs is geographic",
            )
        ok = np.isfinite(lon) & np.isfinite(lat)
        zone = int((np.median(lon[ok]) + 180) // 6) % 60 + 1
        target = f"EPSG:{(32600 if np.median(lat[ok]) >= 0 else 32700) + zone}"
        forward = pyproj.Transformer.from_crs("EPSG:4326", target, always_xy=True)
        gx, gy = (np.asarray(v, dtype=float) for v in forward.transform(lon, lat))
        return gx, gy, target, lon, lat
    units = {a.unit_name for a in source.axis_info[:2]}
    if not units <= {"metre", "meter"}:
        raise bad(
            f"Hệ tọa độ {source.to_string()} không tính bằng mét ({', '.join(sorted(units))})",
            f"CRS {source.to_string()} is not in metres ({', '.join(sorted(units))})",
        )
    authority = source.to_authority()
    name = f"{authority[0]}:{authority[1]}" if authority else source.to_string()
    return x, y, name, lon, lat


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=";")
    except FileNotFoundError:
        raise bad(f"Không tìm thấy tệp {path}", f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise bad(
            f"{path.name}: không đọc được tệp CSV ({exc})", f"{path.name}: cannot read the CSV ({exc})"
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise bad(f"{path.name}: tệp không có dòng dữ liệu", f"{path.name}: the file has no data rows")
    return frame


def day_first(values: pd.Series) -> bool:
    """Whether ``a/b/yyyy`` dates are day-first: yes when some ``a`` exceeds 12, no when some ``b`` does,
    and day-first (the Vietnamese way) when no value tells."""
    parts = values.str.extract(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    if first.isna().all():  # year-first (ISO) or no such dates: never day-first
        return False
    return bool((first > 12).any() or not (second > 12).any())


def _times(text: pd.Series, tz: str, name: str, frame: pd.DataFrame) -> np.ndarray:
    values = text.str.strip()
    dayfirst = day_first(values)
    parsed = _parse(values, None, dayfirst)
    if parsed is None or parsed.isna().any():
        parsed = _parse(values, "mixed", dayfirst)
    failed = parsed.isna().to_numpy() if parsed is not None else np.ones(len(values), dtype=bool)
    if failed.any():
        example = values[failed].iloc[0]
        raise bad(
            f"{name}: {int(failed.sum())} giá trị thời gian không đọc được, vd. dòng {_rows(frame, failed)}: {example!r}",
            f"{name}: {int(failed.sum())} time value(s) cannot be parsed, e.g. row(s) {_rows(frame, failed)}: {example!r}",
        )
    assert parsed is not None
    if parsed.dt.tz is None:
        parsed = parsed.dt.tz_localize(
            tz, nonexistent="shift_forward", ambiguous=np.zeros(len(parsed), dtype=bool)
        )
    years = parsed.dt.year
    if ((years < 1800) | (years > 2299)).any():
        raise bad(f"{name}: có thời gian ngoài khoảng 1800–2299", f"{name}: some times lie outside 1800–2299")
    since = (parsed.dt.tz_convert("UTC") - EPOCH) / pd.Timedelta(days=1)
    return np.asarray(since.to_numpy(dtype=float), dtype=float)


def _parse(values: pd.Series, fmt: str | None, dayfirst: bool) -> pd.Series | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": the fallback is intended
        try:
            out = pd.to_datetime(values, errors="coerce", format=fmt, dayfirst=dayfirst)
        except (ValueError, TypeError, OverflowError):
            try:  # mixed offsets: read each as an instant
                out = pd.to_datetime(values, errors="coerce", utc=True, format=fmt, dayfirst=dayfirst)
            except (ValueError, TypeError, OverflowError):
                return None
    if not isinstance(out.dtype, pd.DatetimeTZDtype) and out.dtype.kind != "M":
        return None
    return out


def _rows(frame: pd.DataFrame, which: np.ndarray) -> str:
    """Spreadsheet row numbers (header = row 1) of the first few flagged rows."""
    index = frame.index.to_numpy()[np.asarray(which, dtype=bool)][:5]
    return ", ".join(str(int(i) + 2) for i in index)
