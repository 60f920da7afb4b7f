"""Locating incident coordinates in administrative units (communes), vectorised.

:class:`UnitLocator` holds the unit polygons of one GeoJSON file (WGS84, RFC 7946) and answers, for
arrays of longitudes and latitudes, which unit each point lies in:

* ``INSIDE`` — covered by a unit polygon (a point exactly on a border counts as inside; on a border
  shared by several units it gets the lowest code, so every point gets exactly one unit);
* ``NEAREST`` — outside every polygon but within ``max_snap_m`` metres of one (coast, ports, islands):
  assigned to the nearest unit (ties: lowest code) and flagged;
* ``OUTSIDE`` — farther than ``max_snap_m`` from every unit: an error for the importer.

The inside test runs on the WGS84 polygons: STRtree candidates by bounding box, then the exact test on the
prepared polygons (``intersects_xy``, border included). Distances are measured
in UTM zone 48N (EPSG:32648), where the polygons' rings are cut into segments and indexed once at
construction. Over Hải Phòng (105°E–108°E) the UTM scale error stays below 0.06 %, i.e. about 1 m on
2 km. :func:`to_wgs84` converts projected coordinates (e.g. VN-2000 / TM-3) to WGS84.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import ProjError
from shapely.errors import GEOSException
from shapely.geometry import shape

from antt.errors import InvalidInput, NotFound

WGS84 = 4326
UTM_48N = 32648  # metric CRS for distances (WGS 84 / UTM zone 48N)

_EPSG = re.compile(r"^\s*(?:epsg\s*:\s*)?(\d{1,9})(?:\.0*)?\s*$", re.IGNORECASE)
_NO_UNIT = -1
# flag codes in the internal int8 array; index into _FLAG_OBJECTS
_INVALID, _INSIDE, _NEAREST, _OUTSIDE = 0, 1, 2, 3

FloatArray = npt.NDArray[np.float64]


class LocationFlag(StrEnum):
    INSIDE = "inside"  # covered by a unit polygon (a border point counts as inside)
    NEAREST = "nearest"  # outside every polygon, within max_snap_m of one: assigned to it, flagged
    OUTSIDE = "outside"  # farther than max_snap_m from every unit: an error for the importer


_FLAG_OBJECTS = np.array(
    [None, LocationFlag.INSIDE, LocationFlag.NEAREST, LocationFlag.OUTSIDE], dtype=object
)


@dataclass(frozen=True)
class Located:
    """The result of :meth:`UnitLocator.locate`, one entry per input point, in input order.

    ``codes`` is ``None`` when the point is OUTSIDE or its coordinates are invalid (NaN, None, ±inf,
    not a number, |lon| > 180 or |lat| > 90); ``flags`` is ``None`` exactly for invalid input.
    ``distances_m`` is 0.0 for INSIDE, the distance in metres to the nearest unit polygon for NEAREST,
    NaN for invalid input, and for OUTSIDE ``inf`` ("farther than ``max_snap_m``") unless
    ``locate(..., outside_distance=True)`` measured it.
    """

    codes: list[str | None]
    flags: list[LocationFlag | None]
    distances_m: list[float]

    def __len__(self) -> int:
        return len(self.codes)


@lru_cache(maxsize=32)
def _transformer(source: int, target: int) -> Transformer:
    """A cached lon/lat-ordered (``always_xy``) transformer; pyproj transformers are thread-safe."""
    return Transformer.from_crs(CRS.from_epsg(source), CRS.from_epsg(target), always_xy=True)


@lru_cache(maxsize=1)
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def _epsg_code(crs: str | int) -> int:
    """``9210``, ``"9210"``, ``"EPSG:9210"`` (any case, spaces allowed) → 9210; else InvalidInput."""
    code: int | None = None
    if isinstance(crs, str):
        match = _EPSG.match(crs)
        code = int(match.group(1)) if match else None
    elif isinstance(crs, int | np.integer | float | np.floating) and not isinstance(crs, bool):
        code = int(crs) if float(crs).is_integer() else None  # 9210.0 from a spreadsheet cell
    if code is None or code <= 0:
        raise InvalidInput(
            f"Hệ tọa độ {crs!r} không hợp lệ: cần mã EPSG, ví dụ 9210 hoặc EPSG:9210 "
            "(VN-2000 / TM-3 105°45′)",
            f"invalid coordinate reference system {crs!r}: expected an EPSG code such as 9210 or EPSG:9210 "
            "(VN-2000 / TM-3 105°45′)",
        )
    return code


def _unknown_crs(crs: str | int, reason: str) -> InvalidInput:
    return InvalidInput(
        f"Hệ tọa độ {crs!r} không được hỗ trợ (không phải mã EPSG của một hệ tọa độ phẳng hoặc địa lý "
        f"đã biết): {reason}",
        f"unsupported coordinate reference system {crs!r} (not the EPSG code of a known projected or "
        f"geographic CRS): {reason}",
    )


@lru_cache(maxsize=32)
def _to_wgs84_transformer(code: int) -> Transformer:
    try:
        crs = CRS.from_epsg(code)
    except ProjError as exc:
        raise _unknown_crs(code, "unknown EPSG code") from exc
    if not (crs.is_projected or crs.is_geographic):
        raise _unknown_crs(code, f"{crs.name} is neither projected nor geographic")
    try:
        return _transformer(code, WGS84)
    except ProjError as exc:
        raise _unknown_crs(code, str(exc)) from exc


def to_wgs84(x: Sequence[float], y: Sequence[float], crs: str | int) -> tuple[FloatArray, FloatArray]:
    """Projected (or geographic) coordinates in ``crs`` → (lon, lat) arrays in WGS84 degrees.

    ``x`` is the easting (or longitude), ``y`` the northing (or latitude), whatever the CRS's official
    axis order (``always_xy``). ``crs`` is an EPSG code: ``9210``, ``"9210"`` or ``"EPSG:9210"``, e.g.
    VN-2000 / TM-3 105°45′ = 9210, 105°30′ = 9209, VN-2000 / UTM 48N = 3405, WGS 84 / UTM 48N = 32648,
    VN-2000 geographic = 4756, WGS84 = 4326. Transformers are cached per CRS. Points that cannot be
    converted (NaN, None, out of range) come back as NaN. An unknown code raises :class:`InvalidInput`.
    VN-2000 → WGS84 uses the EPSG 7-parameter transformation "VN-2000 to WGS 84 (2)" (about 1 m).
    """
    transformer = _to_wgs84_transformer(_epsg_code(crs))
    xs, ys = _as_coordinates(x, "x"), _as_coordinates(y, "y")
    _same_length(xs, ys, "x", "y")
    lon, lat = transformer.transform(xs, ys)
    lon_a = np.asarray(lon, dtype=np.float64).reshape(-1)
    lat_a = np.asarray(lat, dtype=np.float64).reshape(-1)
    bad = ~(np.isfinite(lon_a) & np.isfinite(lat_a))
    if bad.any():
        lon_a = np.where(bad, np.nan, lon_a)
        lat_a = np.where(bad, np.nan, lat_a)
    return lon_a, lat_a


def _as_coordinates(values: Sequence[float] | Any, name: str) -> FloatArray:
    """A 1-D float64 array; None and anything that is not a number become NaN."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        arr = np.array([_to_float(v) for v in values], dtype=np.float64)
    if arr.ndim > 1:
        raise InvalidInput(
            f"Tọa độ {name} phải là một dãy số một chiều",
            f"coordinate {name} must be a one-dimensional sequence",
        )
    return arr.reshape(-1)


def _to_float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _same_length(a: FloatArray, b: FloatArray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise InvalidInput(
            f"Số giá trị {name_a} ({a.size}) và {name_b} ({b.size}) khác nhau",
            f"{name_a} and {name_b} differ in length ({a.size} and {b.size})",
        )


def _bad_data(what_vi: str, what_en: str) -> InvalidInput:
    return InvalidInput(f"Dữ liệu ranh giới không hợp lệ: {what_vi}", f"invalid boundary data: {what_en}")


class UnitLocator:
    """Unit polygons of one GeoJSON file, indexed for vectorised point location.

    Safe to share between threads (GEOS prepared geometries are not, so queries take a lock).
    """

    def __init__(
        self, codes: Sequence[str], geometries: Sequence[shapely.Geometry], *, max_snap_m: float
    ) -> None:
        snap = math.nan if isinstance(max_snap_m, bool) else _to_float(max_snap_m)
        if not (math.isfinite(snap) and snap >= 0):
            raise InvalidInput(
                f"Khoảng cách gán gần nhất phải là số không âm, nhận được {max_snap_m!r}",
                f"max_snap_m must be a finite number ≥ 0, got {max_snap_m!r}",
            )
        order = sorted(range(len(codes)), key=lambda i: codes[i])  # index order = code order: lowest wins
        self._codes: list[str] = [codes[i] for i in order]
        self._index: dict[str, int] = {c: i for i, c in enumerate(self._codes)}
        self.max_snap_m = snap
        self._lock = threading.Lock()

        geoms = np.array([geometries[i] for i in order], dtype=object)
        shapely.prepare(geoms)
        self._geoms = geoms
        self._tree = shapely.STRtree(geoms)
        self._code_objects = np.array([*self._codes, None], dtype=object)  # index -1 → None

        to_utm = _transformer(WGS84, UTM_48N)
        self._to_utm = to_utm
        self._from_utm = _transformer(UTM_48N, WGS84)
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in shapely.total_bounds(geoms))
        # degrees that certainly cover max_snap_m (1° of latitude > 110 km; of longitude > 110 km·cos φ)
        d_lat = self.max_snap_m / 100_000 + 1e-6
        cos_lat = math.cos(math.radians(min(89.0, max(abs(min_lat), abs(max_lat)) + d_lat)))
        d_lon = d_lat / cos_lat
        self._snap_window = (min_lon - d_lon, min_lat - d_lat, max_lon + d_lon, max_lat + d_lat)
        projected = shapely.transform(geoms, lambda x, y: to_utm.transform(x, y), interleaved=False)
        self._projected = projected
        # every ring of every unit cut into 2-point segments: cheap exact distances, tight tree envelopes
        polygons, poly_unit = shapely.get_parts(projected, return_index=True)
        rings, ring_poly = shapely.get_rings(polygons, return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same_ring = coord_ring[1:] == coord_ring[:-1]
        starts, ends = coords[:-1][same_ring], coords[1:][same_ring]
        self._segments = shapely.linestrings(np.stack([starts, ends], axis=1))
        self._segment_unit = poly_unit[ring_poly[coord_ring[:-1][same_ring]]].astype(np.intp)
        self._segment_tree = shapely.STRtree(self._segments)

    # --- construction ---------------------------------------------------------------------------
    @classmethod
    def from_geojson(
        cls, data: dict[str, Any], *, code_property: str = "code", max_snap_m: float = 2000.0
    ) -> UnitLocator:
        """Build from a GeoJSON FeatureCollection of (Multi)Polygon features keyed by ``code_property``."""
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise _bad_data("cần một GeoJSON FeatureCollection", "expected a GeoJSON FeatureCollection")
        _check_crs_member(data)
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise _bad_data("không có đối tượng (feature) nào", "the FeatureCollection has no features")
        codes: list[str] = []
        geometries: list[shapely.Geometry] = []
        seen: set[str] = set()
        for number, feature in enumerate(features, start=1):
            where_vi, where_en = f"đối tượng thứ {number}", f"feature {number}"
            props = feature.get("properties") if isinstance(feature, dict) else None
            code = props.get(code_property) if isinstance(props, dict) else None
            if not isinstance(code, str) or not code.strip():
                raise _bad_data(
                    f"{where_vi} thiếu mã đơn vị (thuộc tính {code_property!r}, dạng chuỗi)",
                    f"{where_en} has no unit code (string property {code_property!r})",
                )
            code = code.strip()
            if code in seen:
                raise _bad_data(f"mã đơn vị {code} bị trùng", f"unit code {code} occurs more than once")
            seen.add(code)
            geometry = _polygonal(
                feature.get("geometry"), f"{where_vi} (mã {code})", f"{where_en} (code {code})"
            )
            codes.append(code)
            geometries.append(geometry)
        return cls(codes, geometries, max_snap_m=max_snap_m)

    @classmethod
    def from_file(
        cls, path: Path | str, *, code_property: str = "code", max_snap_m: float = 2000.0
    ) -> UnitLocator:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise NotFound(f"Không tìm thấy tệp ranh giới {path}", f"boundary file {path} not found") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad_data(
                f"tệp {path} không phải JSON hợp lệ ({exc})", f"{path} is not valid JSON ({exc})"
            ) from exc
        return cls.from_geojson(data, code_property=code_property, max_snap_m=max_snap_m)

    # --- queries --------------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        """The unit codes, sorted (the order used to break ties: the lowest code wins)."""
        return list(self._codes)

    def contains(self, code: str, lon: float, lat: float) -> bool:
        """Whether the polygon of unit ``code`` covers the WGS84 point (a border point counts).

        Purely geometric: a point NEAREST-assigned to ``code`` is not contained. An unknown code raises
        :class:`InvalidInput`; invalid coordinates give ``False``.
        """
        index = self._index.get(code)
        if index is None:
            raise InvalidInput(
                f"Mã đơn vị {code!r} không có trong dữ liệu ranh giới",
                f"unit code {code!r} is not in the boundary data",
            )
        lon_f, lat_f = _to_float(lon), _to_float(lat)
        if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
            return False
        with self._lock:
            return bool(shapely.intersects_xy(self._geoms[index], lon_f, lat_f))

    def locate(
        self, lon: Sequence[float], lat: Sequence[float], *, outside_distance: bool = False
    ) -> Located:
        """Locate WGS84 points (degrees); vectorised, meant for 10^5 and more points per call.

        OUTSIDE points get the distance ``inf`` unless ``outside_distance=True``, which measures it (geodesic)
        (about 10 µs per OUTSIDE point: a nearest-segment search without a distance limit, the dominant cost
        when most points are far out at sea).
        """
        lon_a, lat_a = _as_coordinates(lon, "lon"), _as_coordinates(lat, "lat")
        _same_length(lon_a, lat_a, "lon", "lat")
        n = lon_a.size
        unit = np.full(n, _NO_UNIT, dtype=np.intp)
        flag = np.full(n, _INVALID, dtype=np.int8)
        dist = np.full(n, np.nan, dtype=np.float64)

        with np.errstate(invalid="ignore"):
            valid = np.isfinite(lon_a) & np.isfinite(lat_a) & (np.abs(lon_a) <= 180) & (np.abs(lat_a) <= 90)
        todo = np.flatnonzero(valid)
        if todo.size:
            x, y = lon_a[todo], lat_a[todo]
            with self._lock:
                # candidates by bounding box, then the exact test on the prepared polygons: ``intersects_xy``
                # (= covers, border included) on the pairs is several times faster than a predicate in the query
                cand_point, cand_unit = self._tree.query(shapely.points(x, y))
                hit = shapely.intersects_xy(self._geoms[cand_unit], x[cand_point], y[cand_point])
            hit_point, hit_unit = cand_point[hit], cand_unit[hit]
            best = np.full(todo.size, np.iinfo(np.intp).max, dtype=np.intp)
            np.minimum.at(best, hit_point, hit_unit)  # on a shared border: the lowest index = lowest code
            inside = best != np.iinfo(np.intp).max
            unit[todo[inside]] = best[inside]
            flag[todo[inside]] = _INSIDE
            dist[todo[inside]] = 0.0
            todo = todo[~inside]
        if todo.size and self.max_snap_m > 0:
            # only points within the snap window (units' bounds + max_snap_m) can be NEAREST; this also
            # keeps points from the far side of the globe, which UTM 48N cannot represent, out of UTM
            w_min_lon, w_min_lat, w_max_lon, w_max_lat = self._snap_window
            window = todo[
                (lon_a[todo] >= w_min_lon)
                & (lon_a[todo] <= w_max_lon)
                & (lat_a[todo] >= w_min_lat)
                & (lat_a[todo] <= w_max_lat)
            ]
            if window.size:
                x, y = self._to_utm.transform(lon_a[window], lat_a[window])
                x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
                finite = np.isfinite(x) & np.isfinite(y)  # all, unless max_snap_m spans the globe
                window, x, y = window[finite], x[finite], y[finite]
                projected = shapely.points(x, y)
                near_point, near_unit, near_dist = self._nearest(projected, self.max_snap_m)
                unit[window[near_point]] = near_unit
                flag[window[near_point]] = _NEAREST
                dist[window[near_point]] = near_dist
                todo = todo[flag[todo] != _NEAREST]
        if todo.size:
            flag[todo] = _OUTSIDE
            dist[todo] = self._outside_distances(lon_a[todo], lat_a[todo]) if outside_distance else math.inf

        return Located(
            codes=self._code_objects[unit].tolist(),
            flags=_FLAG_OBJECTS[flag].tolist(),
            distances_m=dist.tolist(),
        )

    def _outside_distances(self, lon: FloatArray, lat: FloatArray) -> FloatArray:
        """Geodesic metres (WGS84 ellipsoid) from each point to the nearest point of any unit's border.

        The nearest border point is found in UTM 48N, the distance measured on the ellipsoid, so it stays
        right far from the zone too (for points thousands of km away the nearest point found in the
        distorted projection may not be the exact nearest: an error bounded by the city's extent).
        ``inf`` where UTM 48N cannot represent the point (the far side of the globe).
        """
        out = np.full(lon.size, math.inf, dtype=np.float64)
        x, y = self._to_utm.transform(lon, lat)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if not ok.size:
            return out
        points = shapely.points(x[ok], y[ok])
        with self._lock:
            point, segment = self._segment_tree.query_nearest(points, all_matches=False)
        # from each point to the nearest point on its nearest segment, back to lon/lat, on the ellipsoid
        ends = shapely.get_coordinates(shapely.shortest_line(points[point], self._segments[segment]))[1::2]
        end_lon, end_lat = self._from_utm.transform(ends[:, 0], ends[:, 1])
        _, _, metres = _geod().inv(lon[ok[point]], lat[ok[point]], end_lon, end_lat)
        out[ok[point]] = metres
        return out

    def _nearest(
        self, projected: npt.NDArray[np.object_], max_distance: float
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray]:
        """For points (UTM) within ``max_distance`` of a unit: (point index, unit index, metres).

        Equidistant units (a point facing a vertex shared by two units) resolve to the lowest code.
        """
        with self._lock:
            (point, segment), distance = self._segment_tree.query_nearest(
                projected, max_distance=max_distance, return_distance=True, all_matches=True
            )
        owner = self._segment_unit[segment]
        order = np.lexsort((owner, distance, point))
        point, owner, distance = point[order], owner[order], distance[order]
        first = np.ones(point.size, dtype=bool)
        first[1:] = point[1:] != point[:-1]
        return point[first], owner[first], distance[first]


def _check_crs_member(data: dict[str, Any]) -> None:
    """RFC 7946 GeoJSON is WGS84; refuse a legacy ``crs`` member that names anything else."""
    crs = data.get("crs")
    if crs is None:
        return
    name = str(crs.get("properties", {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if not re.search(r"(CRS84|EPSG:{1,2}4326)$", name, re.IGNORECASE):
        raise _bad_data(
            f"hệ tọa độ {name!r} không phải WGS84 (lon/lat)",
            f"coordinate system {name!r} is not WGS84 lon/lat",
        )


def _polygonal(geometry: object, where_vi: str, where_en: str) -> shapely.Geometry:
    """A valid, non-empty Polygon/MultiPolygon in lon/lat degrees from a GeoJSON geometry object."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise _bad_data(
            f"{where_vi}: hình học phải là Polygon hoặc MultiPolygon, không phải {kind}",
            f"{where_en}: geometry must be a Polygon or MultiPolygon, not {kind}",
        )
    try:
        geom = shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError) as exc:
        raise _bad_data(
            f"{where_vi}: hình học đọc không được ({exc})", f"{where_en}: unreadable geometry ({exc})"
        ) from exc
    if geom.is_empty:
        raise _bad_data(f"{where_vi}: hình học rỗng", f"{where_en}: empty geometry")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise _bad_data(
            f"{where_vi}: hình học không hợp lệ ({reason})", f"{where_en}: invalid geometry ({reason})"
        )
    min_x, min_y, max_x, max_y = geom.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise _bad_data(
            f"{where_vi}: tọa độ ngoài phạm vi kinh độ/vĩ độ (có phải tọa độ phẳng?)",
            f"{where_en}: coordinates out of lon/lat range (projected coordinates?)",
        )
    return geom
