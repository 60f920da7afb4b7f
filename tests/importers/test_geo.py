"""Locating coordinates in the 2025 communes of Hải Phòng (antt.importers.geo)."""

from __future__ import annotations

import itertools
import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import shape

from antt.errors import InvalidInput, NotFound
from antt.importers.geo import Located, LocationFlag, UnitLocator, to_wgs84

GEO_DIR = Path(__file__).resolve().parents[2] / "antt" / "data" / "geo"
COMMUNES = GEO_DIR / "haiphong-2025-communes.geojson"

OPERA_HOUSE = (106.6826, 20.8584)  # Nhà hát lớn Hải Phòng
CAT_BA_TOWN = (107.0487, 20.7266)  # the town on Cát Bà island
HANOI = (105.85, 21.03)  # Hoàn Kiếm, Hà Nội


# --- fixtures: the GeoJSON is read and indexed once for the module ----------------------------------
@pytest.fixture(scope="module")
def geojson() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COMMUNES.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def locator(geojson: dict[str, Any]) -> UnitLocator:
    return UnitLocator.from_geojson(geojson)


@pytest.fixture(scope="module")
def polygons(geojson: dict[str, Any]) -> dict[str, shapely.Geometry]:
    return {f["properties"]["code"]: shape(f["geometry"]) for f in geojson["features"]}


@pytest.fixture(scope="module")
def names(geojson: dict[str, Any]) -> dict[str, str]:
    return {f["properties"]["code"]: f["properties"]["name"] for f in geojson["features"]}


@pytest.fixture(scope="module")
def to_utm() -> Transformer:
    return Transformer.from_crs(4326, 32648, always_xy=True)


@pytest.fixture(scope="module")
def from_utm() -> Transformer:
    return Transformer.from_crs(32648, 4326, always_xy=True)


@pytest.fixture(scope="module")
def projected(polygons: dict[str, shapely.Geometry], to_utm: Transformer) -> dict[str, shapely.Geometry]:
    return {
        code: shapely.transform(geom, lambda x, y: to_utm.transform(x, y), interleaved=False)
        for code, geom in polygons.items()
    }


def code_named(names: dict[str, str], name: str) -> str:
    (code,) = [c for c, n in names.items() if n == name]
    return code


def locate_one(locator: UnitLocator, lon: float, lat: float, **kw: Any) -> tuple[Any, Any, float]:
    found = locator.locate([lon], [lat], **kw)
    return found.codes[0], found.flags[0], found.distances_m[0]


# --- the bundled data ---------------------------------------------------------------------------
def test_bundled_boundary_files_load() -> None:
    communes = UnitLocator.from_file(COMMUNES)
    city = UnitLocator.from_file(GEO_DIR / "haiphong-2025-city.geojson")
    districts = UnitLocator.from_file(GEO_DIR / "haiphong-2024-districts.geojson")
    assert len(communes.codes) == 114 and all(len(c) == 5 for c in communes.codes)
    assert city.codes == ["31"]
    assert len(districts.codes) == 15 and all(len(c) == 3 for c in districts.codes)
    assert communes.codes == sorted(communes.codes)
    assert locate_one(city, *OPERA_HOUSE)[:2] == ("31", LocationFlag.INSIDE)
    # the opera house is in Quận Hồng Bàng (303) in the 2024 districts
    assert locate_one(districts, *OPERA_HOUSE)[:2] == ("303", LocationFlag.INSIDE)


# --- (a) every commune's representative point -------------------------------------------------------
def test_every_communes_representative_point_is_located_in_that_commune(
    locator: UnitLocator, polygons: dict[str, shapely.Geometry]
) -> None:
    codes = sorted(polygons)
    points = [shapely.point_on_surface(polygons[c]) for c in codes]
    found = locator.locate([p.x for p in points], [p.y for p in points])
    assert len(found) == len(codes) == 114
    assert found.codes == codes
    assert set(found.flags) == {LocationFlag.INSIDE}
    assert set(found.distances_m) == {0.0}
    assert all(locator.contains(c, p.x, p.y) for c, p in zip(codes, points, strict=True))


# --- (b) known landmarks, checked to lie well inside their unit -------------------------------------
@pytest.mark.parametrize(
    ("point", "name"),
    [(OPERA_HOUSE, "Phường Hồng Bàng"), (CAT_BA_TOWN, "Đặc khu Cát Hải")],
    ids=["opera-house", "cat-ba-town"],
)
def test_landmark_falls_in_its_unit(
    locator: UnitLocator,
    names: dict[str, str],
    projected: dict[str, shapely.Geometry],
    to_utm: Transformer,
    point: tuple[float, float],
    name: str,
) -> None:
    code = code_named(names, name)
    assert locate_one(locator, *point) == (code, LocationFlag.INSIDE, 0.0)
    # well inside: more than 200 m from the unit's border, far beyond the 20 m simplification
    # and the uncertainty of the landmark's coordinates
    here = shapely.Point(*to_utm.transform(*point))
    assert shapely.distance(here, shapely.boundary(projected[code])) > 200


def test_opera_house_is_phuong_hong_bang_11311(locator: UnitLocator, names: dict[str, str]) -> None:
    assert names["11311"] == "Phường Hồng Bàng"
    assert locate_one(locator, *OPERA_HOUSE)[0] == "11311"
    assert locator.contains("11311", *OPERA_HOUSE)
    assert not locator.contains(code_named(names, "Đặc khu Cát Hải"), *OPERA_HOUSE)


# --- (c) far away --------------------------------------------------------------------------------
def test_hanoi_is_outside(locator: UnitLocator) -> None:
    assert locate_one(locator, *HANOI) == (None, LocationFlag.OUTSIDE, math.inf)
    code, flag, distance = locate_one(locator, *HANOI, outside_distance=True)
    assert (code, flag) == (None, LocationFlag.OUTSIDE)
    assert 20_000 < distance < 40_000  # the western edge of the old Hải Dương is ~29 km away


def test_far_away_points_are_outside_with_geodesic_distances(locator: UnitLocator) -> None:
    points = [(0.0, 0.0), (-75.0, 40.0), (106.7, -20.8), (-170.0, 0.0)]
    lon, lat = [p[0] for p in points], [p[1] for p in points]
    assert locator.locate(lon, lat) == Located([None] * 4, [LocationFlag.OUTSIDE] * 4, [math.inf] * 4)
    found = locator.locate(lon, lat, outside_distance=True)
    assert found.flags == [LocationFlag.OUTSIDE] * 4
    geod = Geod(ellps="WGS84")
    for (x, y), distance in zip(points[:3], found.distances_m[:3], strict=True):
        to_opera_house = geod.inv(x, y, *OPERA_HOUSE)[2]
        assert to_opera_house - 150_000 < distance <= to_opera_house  # the city is < 150 km across
    assert found.distances_m[3] == math.inf  # beyond what UTM 48N can represent


# --- (d) at sea, 1 km off the coast of Đồ Sơn ---------------------------------------------------------
@pytest.fixture(scope="module")
def sea_point(
    names: dict[str, str], projected: dict[str, shapely.Geometry], from_utm: Transformer
) -> tuple[str, tuple[float, float], tuple[float, float]]:
    """A point 1 km out to sea from a coastal segment of Phường Đồ Sơn, built in UTM from the geometry.

    Returns (code, sea point lon/lat, coast point lon/lat). The segment's outward normal (exterior rings
    are counter-clockwise, so outward is to the right) is followed for 1,000 m; the point is kept only if
    no land is closer than that (the coast does not curve back towards it) and Đồ Sơn is clearly the
    nearest unit.
    """
    code = code_named(names, "Phường Đồ Sơn")
    city = shapely.union_all(list(projected.values()))
    others = shapely.union_all([g for c, g in projected.items() if c != code])
    for polygon in shapely.get_parts(projected[code]):
        ring = polygon.exterior
        assert ring.is_ccw
        xy = np.asarray(ring.coords)
        for (x0, y0), (x1, y1) in itertools.pairwise(xy):
            length = math.hypot(x1 - x0, y1 - y0)
            if length < 50:
                continue
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            sx, sy = mx + 1000 * (y1 - y0) / length, my - 1000 * (x1 - x0) / length
            sea = shapely.Point(sx, sy)
            if city.covers(sea) or not 999 <= city.distance(sea) <= 1000.001:
                continue
            if others.distance(sea) < 1100:
                continue
            lon, lat = from_utm.transform(sx, sy)
            coast = from_utm.transform(mx, my)
            return code, (lon, lat), coast
    raise AssertionError("no coastal segment of Đồ Sơn faces 1 km of open sea")


def test_a_point_1_km_off_the_coast_is_nearest(
    locator: UnitLocator, sea_point: tuple[str, tuple[float, float], tuple[float, float]]
) -> None:
    code, (lon, lat), (coast_lon, coast_lat) = sea_point
    found_code, flag, distance = locate_one(locator, lon, lat)
    assert (found_code, flag) == (code, LocationFlag.NEAREST)
    assert 900 <= distance <= 1100
    # independent check on the ellipsoid: the coast point we started from is ~1 km away (geodesic)
    _, _, geodesic = Geod(ellps="WGS84").inv(coast_lon, coast_lat, lon, lat)
    assert abs(geodesic - 1000) < 2
    assert distance <= geodesic + 1
    assert not locator.contains(code, lon, lat)


def test_the_snap_distance_decides_between_nearest_and_outside(
    geojson: dict[str, Any], sea_point: tuple[str, tuple[float, float], tuple[float, float]]
) -> None:
    _, (lon, lat), _ = sea_point
    strict = UnitLocator.from_geojson(geojson, max_snap_m=500)
    assert locate_one(strict, lon, lat) == (None, LocationFlag.OUTSIDE, math.inf)
    code, flag, distance = locate_one(strict, lon, lat, outside_distance=True)
    assert (code, flag) == (None, LocationFlag.OUTSIDE) and 900 <= distance <= 1100
    no_snap = UnitLocator.from_geojson(geojson, max_snap_m=0)
    assert locate_one(no_snap, lon, lat)[1] is LocationFlag.OUTSIDE
    assert locate_one(no_snap, *OPERA_HOUSE)[:2] == ("11311", LocationFlag.INSIDE)


# --- (e) VN-2000 / TM-3 -----------------------------------------------------------------------------
@pytest.mark.parametrize("crs", ["EPSG:9210", "9210", 9210, "epsg: 9210 ", 9210.0])
def test_vn2000_tm3_round_trip_and_same_commune(
    locator: UnitLocator, polygons: dict[str, shapely.Geometry], crs: str | int
) -> None:
    codes = sorted(polygons)
    points = [shapely.point_on_surface(polygons[c]) for c in codes]
    lon = np.array([OPERA_HOUSE[0], *(p.x for p in points)])
    lat = np.array([OPERA_HOUSE[1], *(p.y for p in points)])
    forward = Transformer.from_crs(4326, 9210, always_xy=True)
    x, y = forward.transform(lon, lat)
    assert 590_000 < x[0] < 600_000 and 2_300_000 < y[0] < 2_310_000  # easting, northing (always_xy)
    back_lon, back_lat = to_wgs84(list(x), list(y), crs)
    assert isinstance(back_lon, np.ndarray) and back_lon.dtype == np.float64
    assert np.abs(back_lon - lon).max() < 1e-6 and np.abs(back_lat - lat).max() < 1e-6
    inverse_lon, inverse_lat = Transformer.from_crs(9210, 4326, always_xy=True).transform(x, y)
    assert np.abs(back_lon - inverse_lon).max() < 1e-9 and np.abs(back_lat - inverse_lat).max() < 1e-9
    assert locator.locate(back_lon, back_lat).codes == locator.locate(lon, lat).codes == ["11311", *codes]


@pytest.mark.parametrize("crs", [9209, 3405, 32648, 4756, 4326])
def test_other_supported_crs_round_trip(crs: int) -> None:
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(*OPERA_HOUSE)
    lon, lat = to_wgs84([x], [y], f"EPSG:{crs}")
    assert abs(lon[0] - OPERA_HOUSE[0]) < 1e-6 and abs(lat[0] - OPERA_HOUSE[1]) < 1e-6


def test_vn2000_differs_from_wgs84() -> None:
    """The datum shift is applied: VN-2000 / TM-3 differs from the same projection on WGS84 by ~220 m here."""
    x, y = Transformer.from_crs(4326, 9210, always_xy=True).transform(*OPERA_HOUSE)
    wrong_x, wrong_y = Transformer.from_crs(
        4326, "+proj=tmerc +lon_0=105.75 +k=0.9999 +x_0=500000 +ellps=WGS84", always_xy=True
    ).transform(*OPERA_HOUSE)
    assert math.hypot(x - wrong_x, y - wrong_y) > 100


# --- (f) unknown CRS ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "crs", ["EPSG:999999", 999999, "abc", "", "EPSG:", 0, -9210, True, 9210.5, "9210m", "EPSG:5773", None]
)
def test_unknown_crs_is_invalid_input(crs: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        to_wgs84([600_000.0], [2_300_000.0], crs)
    assert caught.value.message_vi and caught.value.message_en
    assert caught.value.message_vi != caught.value.message_en
    assert "Hệ tọa độ" in caught.value.message_vi and "coordinate reference system" in caught.value.message_en


# --- (g) invalid coordinates ------------------------------------------------------------------------
def test_invalid_coordinates_give_no_code_no_flag_and_nan(locator: UnitLocator) -> None:
    lon: list[Any] = [math.nan, None, math.inf, 106.6826, -math.inf, "abc", 106.6826, 200.0, OPERA_HOUSE[0]]
    lat: list[Any] = [20.8584, 20.8584, 20.8584, math.nan, 20.8584, 20.8584, None, 20.8584, OPERA_HOUSE[1]]
    found = locator.locate(lon, lat)
    assert found.codes == [None] * 8 + ["11311"]
    assert found.flags == [None] * 8 + [LocationFlag.INSIDE]
    assert all(math.isnan(d) for d in found.distances_m[:8]) and found.distances_m[8] == 0.0
    array = locator.locate(np.array([np.nan, OPERA_HOUSE[0]]), np.array([20.0, OPERA_HOUSE[1]]))
    assert array.codes == [None, "11311"] and array.flags == [None, LocationFlag.INSIDE]
    assert not locator.contains("11311", math.nan, OPERA_HOUSE[1])


def test_swapped_latitude_and_longitude_are_invalid(locator: UnitLocator) -> None:
    found = locator.locate([OPERA_HOUSE[1]], [OPERA_HOUSE[0]])  # lat = 106.68 is impossible
    assert found.flags == [None] and found.codes == [None] and math.isnan(found.distances_m[0])


def test_empty_and_mismatched_input(locator: UnitLocator) -> None:
    assert locator.locate([], []) == Located([], [], [])
    with pytest.raises(InvalidInput):
        locator.locate([106.7, 106.8], [20.8])
    with pytest.raises(InvalidInput):
        locator.locate([[106.7]], [[20.8]])
    with pytest.raises(InvalidInput):
        to_wgs84([1.0, 2.0], [1.0], 9210)


def test_to_wgs84_turns_unconvertible_points_into_nan() -> None:
    lon, lat = to_wgs84([math.nan, None, 596_851.36], [2_307_559.09, 2_307_559.09, math.inf], 9210)
    assert np.isnan(lon).all() and np.isnan(lat).all()


# --- (h) a point exactly on a shared border -----------------------------------------------------------
def shared_vertex(polygons: dict[str, shapely.Geometry], code: str) -> tuple[float, float, list[str]]:
    """A vertex of ``code``'s exterior that lies exactly on exactly one other commune (not on the coast)."""
    codes = sorted(polygons)
    geoms = np.array([polygons[c] for c in codes], dtype=object)
    shapely.prepare(geoms)
    for x, y in shapely.get_coordinates(polygons[code]):
        hits = shapely.intersects_xy(geoms, x, y)
        if hits.sum() == 2:
            return float(x), float(y), [c for c, hit in zip(codes, hits, strict=True) if hit]
    raise AssertionError(f"{code} shares no vertex with a neighbour")


def test_a_point_exactly_on_a_shared_border_gets_exactly_one_code(
    locator: UnitLocator, polygons: dict[str, shapely.Geometry]
) -> None:
    x, y, pair = shared_vertex(polygons, "11311")
    assert "11311" in pair and len(pair) == 2
    assert all(polygons[c].boundary.intersects(shapely.Point(x, y)) for c in pair)  # on both borders
    found = locator.locate([x, x], [y, y])
    assert found.codes == [min(pair)] * 2  # deterministic: the lowest code
    assert found.flags == [LocationFlag.INSIDE] * 2 and found.distances_m == [0.0, 0.0]
    assert all(locator.contains(c, x, y) for c in pair)  # contains() is geometric: both borders hold it


def test_points_along_a_shared_border_get_one_of_the_two_codes(
    locator: UnitLocator, polygons: dict[str, shapely.Geometry]
) -> None:
    _, _, pair = shared_vertex(polygons, "11311")
    border = shapely.intersection(polygons[pair[0]].boundary, polygons[pair[1]].boundary)
    along = [border.interpolate(f, normalized=True) for f in np.linspace(0, 1, 51)]
    found = locator.locate([p.x for p in along], [p.y for p in along])
    assert set(found.codes) <= set(pair) and set(found.flags) == {LocationFlag.INSIDE}


def test_overlapping_units_resolve_to_the_lowest_code_whatever_the_feature_order() -> None:
    def square(code: str, x0: float) -> dict[str, Any]:
        ring = [[x0, 20.0], [x0 + 0.1, 20.0], [x0 + 0.1, 20.1], [x0, 20.1], [x0, 20.0]]
        return {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    for features in (
        [square("B2", 106.0), square("A1", 106.05)],
        [square("A1", 106.05), square("B2", 106.0)],
    ):
        loc = UnitLocator.from_geojson({"type": "FeatureCollection", "features": features})
        assert loc.codes == ["A1", "B2"]
        found = loc.locate([106.075, 106.02, 106.14, 106.16, 106.2], [20.05, 20.05, 20.05, 20.05, 20.05])
        assert found.codes == ["A1", "B2", "A1", "A1", None]
        assert found.flags == [
            LocationFlag.INSIDE,
            LocationFlag.INSIDE,
            LocationFlag.INSIDE,
            LocationFlag.NEAREST,
            LocationFlag.OUTSIDE,
        ]
        assert 1000 < found.distances_m[3] < 1100  # 0.01° of longitude at 20°N ≈ 1,046 m


# --- construction errors ------------------------------------------------------------------------
def feature(code: Any, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[106.0, 20.0], [106.1, 20.0], [106.1, 20.1], [106.0, 20.0]]]}


@pytest.mark.parametrize(
    "data",
    [
        {"type": "Feature"},
        {"type": "FeatureCollection", "features": []},
        {"type": "FeatureCollection", "features": [feature(None, SQUARE)]},
        {"type": "FeatureCollection", "features": [feature(11311, SQUARE)]},
        {"type": "FeatureCollection", "features": [feature("1", SQUARE), feature("1", SQUARE)]},
        {
            "type": "FeatureCollection",
            "features": [feature("1", {"type": "Point", "coordinates": [106, 20]})],
        },
        {"type": "FeatureCollection", "features": [feature("1", None)]},
        {
            "type": "FeatureCollection",
            "features": [
                feature("1", {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})
            ],
        },
        {
            "type": "FeatureCollection",
            "features": [
                feature(
                    "1",
                    {
                        "type": "Polygon",
                        "coordinates": [[[6e5, 2.3e6], [6.1e5, 2.3e6], [6e5, 2.31e6], [6e5, 2.3e6]]],
                    },
                )
            ],
        },
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9210"}},
            "features": [feature("1", SQUARE)],
        },
    ],
    ids=[
        "not-a-collection",
        "empty",
        "no-code",
        "int-code",
        "duplicate",
        "point",
        "no-geometry",
        "self-intersecting",
        "projected",
        "crs-member",
    ],
)
def test_bad_boundary_data_is_invalid_input(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        UnitLocator.from_geojson(data)
    assert caught.value.message_vi != caught.value.message_en


def test_bad_snap_distance_missing_file_and_unknown_code(locator: UnitLocator, tmp_path: Path) -> None:
    data = {"type": "FeatureCollection", "features": [feature("1", SQUARE)]}
    for bad in (-1, math.nan, math.inf, "far"):
        with pytest.raises(InvalidInput):
            UnitLocator.from_geojson(data, max_snap_m=bad)
    with pytest.raises(NotFound):
        UnitLocator.from_file(tmp_path / "missing.geojson")
    (tmp_path / "broken.geojson").write_text("{", encoding="utf-8")
    with pytest.raises(InvalidInput):
        UnitLocator.from_file(tmp_path / "broken.geojson")
    with pytest.raises(InvalidInput):
        locator.contains("99999", *OPERA_HOUSE)


# --- many points: agrees with a brute-force check, and is safe to share between threads ---------------
def test_many_random_points_agree_with_brute_force(
    locator: UnitLocator,
    polygons: dict[str, shapely.Geometry],
    projected: dict[str, shapely.Geometry],
    to_utm: Transformer,
) -> None:
    codes = sorted(polygons)
    rng = np.random.default_rng(20250701)
    # mostly land and the near shore of the main part of the city (Bạch Long Vĩ's open sea excluded)
    lon = rng.uniform(106.1, 107.15, 100_000)
    lat = rng.uniform(20.55, 21.25, 100_000)
    found = locator.locate(lon, lat, outside_distance=True)
    flags = np.array(found.flags, dtype=object)
    assert {LocationFlag.INSIDE, LocationFlag.NEAREST, LocationFlag.OUTSIDE} == set(found.flags)

    geoms = np.array([polygons[c] for c in codes], dtype=object)
    proj = np.array([projected[c] for c in codes], dtype=object)
    shapely.prepare(geoms)
    for i in rng.choice(lon.size, 1500, replace=False):
        hits = [c for c, hit in zip(codes, shapely.intersects_xy(geoms, lon[i], lat[i]), strict=True) if hit]
        if hits:
            assert (found.codes[i], flags[i]) == (hits[0], LocationFlag.INSIDE)
            continue
        distances = shapely.distance(proj, shapely.Point(*to_utm.transform(lon[i], lat[i])))
        nearest = float(distances.min())
        if nearest <= 2000:
            assert (found.codes[i], flags[i]) == (codes[int(distances.argmin())], LocationFlag.NEAREST)
            assert found.distances_m[i] == pytest.approx(nearest, abs=1e-6)  # measured in UTM 48N
        else:
            assert (found.codes[i], flags[i]) == (None, LocationFlag.OUTSIDE)
            # measured on the ellipsoid: within the UTM scale error (< 0.06 % here)
            assert found.distances_m[i] == pytest.approx(nearest, rel=6e-4)


def test_locator_can_be_shared_between_threads(locator: UnitLocator) -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(106.1, 107.8, 20_000), rng.uniform(20.1, 21.25, 20_000)
    expected = locator.locate(lon, lat)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: locator.locate(lon, lat), range(8)))
    assert all(r.codes == expected.codes and r.flags == expected.flags for r in results)
