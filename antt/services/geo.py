"""Commune geometry for the dashboard: the choropleth's GeoJSON, and which communes share a border.

Both come from the boundaries that ship in ``antt/data/geo`` (never from the network) and are computed
once per process. The map is simplified as a coverage (``shapely.coverage_simplify``): neighbouring
communes keep one shared, simplified border, so the choropleth has no slivers or gaps between them, which
simplifying each polygon on its own (``simplify(…, preserve_topology=True)``) would leave. Coordinates
are then rounded to 5 decimals (about 1 m).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from antt.domain.access import Actor
from antt.domain.reference import unit_catalog, unit_geometries
from antt.domain.units import Unit
from antt.services.compstat import scope_of

SIMPLIFY_TOLERANCE = 0.001  # degrees, Visvalingam–Whyatt; ≈ the vertex count of simplify(0.0005)
DECIMALS = 5

__all__ = ["SIMPLIFY_TOLERANCE", "commune_geometries", "commune_map", "commune_map_json", "neighbours"]


def commune_map(actor: Actor) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the current scheme's communes in the actor's scope (WGS84), one
    feature per commune with properties ``code``, ``name`` and ``short_name``, in Vietnamese order of
    the short names. A fresh object: the caller may change it."""
    data: dict[str, Any] = json.loads(commune_map_json(actor))
    return data


def commune_map_json(actor: Actor) -> bytes:
    """:func:`commune_map` as UTF-8 JSON, built once per scope and then served from memory."""
    _, communes = scope_of(actor, None)
    if actor.units is None or not communes:
        return _map_json(tuple(communes))
    # a commune officer's map shows the communes around theirs in outline (issue 18): their boundaries
    # and names are public geography, under ``neighbours`` (no figure of theirs is in the map)
    own = {unit.code for unit in communes}
    around = {code for unit in communes for code in _adjacency(unit.scheme).get(unit.code, ())} - own
    catalog = unit_catalog()
    scheme = communes[0].scheme
    outline = tuple(u for code in sorted(around) if (u := catalog.find(scheme, code)) is not None)
    return _map_json(tuple(communes), outline)


def commune_geometries(scheme: str) -> dict[str, dict[str, Any]]:
    """The simplified GeoJSON geometry per commune code of ``scheme`` (as on the dashboard's map); empty
    for a scheme whose boundaries ANTT does not ship. Shared between callers: read, do not change."""
    return _simplified(scheme)


def neighbours(scheme: str) -> dict[str, tuple[str, ...]]:
    """Per commune code of ``scheme``, the codes of the communes whose boundaries touch or overlap its
    own (in code order); empty for a scheme whose boundaries ANTT does not ship. Symmetric."""
    return dict(_adjacency(scheme))


@lru_cache(maxsize=4)
def _adjacency(scheme: str) -> dict[str, tuple[str, ...]]:
    codes, geometries = _geometries(scheme)
    if not geometries:
        return {}
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    found: dict[str, set[str]] = {code: set() for code in codes}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            found[codes[i]].add(codes[j])
            found[codes[j]].add(codes[i])
    return {code: tuple(sorted(others)) for code, others in found.items()}


@lru_cache(maxsize=256)
def _map_json(communes: tuple[Unit, ...], outline: tuple[Unit, ...] = ()) -> bytes:
    simplified = _simplified(communes[0].scheme) if communes else {}

    def features(units: tuple[Unit, ...]) -> list[dict[str, Any]]:
        return [
            {
                "type": "Feature",
                "id": unit.code,
                "properties": {"code": unit.code, "name": unit.name, "short_name": unit.short_name},
                "geometry": simplified[unit.code],
            }
            for unit in units
            if unit.code in simplified
        ]

    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features(communes)}
    if outline:
        collection["neighbours"] = features(outline)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@lru_cache(maxsize=4)
def _simplified(scheme: str) -> dict[str, dict[str, Any]]:
    codes, geometries = _geometries(scheme)
    if not geometries:
        return {}
    simpler = shapely.coverage_simplify(geometries, SIMPLIFY_TOLERANCE)
    return {code: _rounded(mapping(g)) for code, g in zip(codes, simpler, strict=True)}


def _geometries(scheme: str) -> tuple[list[str], list[Any]]:
    shipped = sorted((key[1], geometry) for key, geometry in unit_geometries().items() if key[0] == scheme)
    return [code for code, _ in shipped], [shape(geometry) for _, geometry in shipped]


def _rounded(geometry: Any) -> dict[str, Any]:
    """A GeoJSON geometry with coordinates rounded, and points that rounding merged dropped."""

    def ring(points: Any) -> list[list[float]]:
        out: list[list[float]] = []
        for x, y in points:
            point = [round(x, DECIMALS), round(y, DECIMALS)]
            if not out or out[-1] != point:
                out.append(point)
        return out

    def polygon(rings: Any) -> list[list[list[float]]]:
        return [ring(r) for r in rings]

    kind = geometry["type"]
    coordinates = geometry["coordinates"]
    if kind == "Polygon":
        return {"type": kind, "coordinates": polygon(coordinates)}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [polygon(p) for p in coordinates]}
    raise ValueError(f"unexpected geometry type {kind} in the commune boundaries")
