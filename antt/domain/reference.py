"""The reference data that ships in ``antt/data/``: unit schemes, units, crosswalk, offences.

Read lazily, once per process (nothing happens at import time). The database keeps a copy (loaded by
``antt db upgrade``) so that queries can join on it; these files are the source of that copy.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from functools import lru_cache
from importlib import resources

from antt.domain.offences import Clause, Offence, OffenceTable, ReportingGroup, build_table
from antt.domain.text import nfc
from antt.domain.units import CrosswalkLink, Level, Scheme, Transfer, Unit, UnitCatalog, build_catalog


def read_data_file(*parts: str) -> str:
    return resources.files("antt.data").joinpath(*parts).read_text(encoding="utf-8")


def _rows(*parts: str) -> list[dict[str, str]]:
    return [
        {k: nfc(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(read_data_file(*parts)))
    ]


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _whole_population(text: str) -> bool:
    """The crosswalk's ``population`` column: ``whole`` (all residents went there) or empty (not stated)."""
    if text not in ("", "whole"):
        raise ValueError(f"crosswalk.csv: population must be 'whole' or empty, not {text!r}")
    return text == "whole"


@lru_cache(maxsize=1)
def unit_catalog() -> UnitCatalog:
    schemes = [
        Scheme(
            r["code"],
            r["name_vi"],
            r["name_en"],
            date.fromisoformat(r["valid_from"]),
            _date(r["valid_to"]),
            r["source"],
        )
        for r in _rows("units", "schemes.csv")
    ]
    units = [
        Unit(
            r["scheme"],
            r["code"],
            r["name"],
            r["short_name"],
            r["kind"],
            Level(r["level"]),
            r["parent_code"] or None,
            float(r["area_km2"]) if r["area_km2"] else None,
        )
        for r in _rows("units", "units.csv")
    ]
    links = [
        CrosswalkLink(
            r["old_scheme"],
            r["old_code"],
            r["new_scheme"],
            r["new_code"],
            Transfer(r["transfer"]),
            r["note_vi"],
            whole_population=_whole_population(r["population"]),
        )
        for r in _rows("units", "crosswalk.csv")
    ]
    return build_catalog(schemes, units, links)


@lru_cache(maxsize=1)
def offence_table() -> OffenceTable:
    groups = [
        ReportingGroup(r["code"], r["name_vi"], r["name_en"], int(r["sort_order"]))
        for r in _rows("reporting_groups.csv")
    ]
    clauses: dict[str, list[Clause]] = {}
    for r in _rows("offence_clauses.csv"):
        clauses.setdefault(r["article"].lower(), []).append(
            Clause(
                r["article"].lower(),
                int(r["clause"]),
                r["max_penalty"],
                _date(r["valid_from"]),
                _date(r["valid_to"]),
            )
        )
    offences = [
        Offence(
            article=r["article"].lower(),
            name_vi=r["name_vi"],
            chapter=r["chapter"],
            section=int(r["section"]) if r["section"] else None,
            reporting_group=r["reporting_group"],
            valid_from=date.fromisoformat(r["valid_from"]),
            valid_to=_date(r["valid_to"]),
            clauses=tuple(clauses.get(r["article"].lower(), ())),
        )
        for r in _rows("offences.csv")
    ]
    return build_table(groups, offences)


COMMUNE_BOUNDARIES = ("geo", "haiphong-2025-communes.geojson")
COMMUNE_BOUNDARIES_SCHEME = "2025-07"


@lru_cache(maxsize=1)
def commune_boundaries() -> dict[str, object]:
    """The GeoJSON FeatureCollection of the current scheme's communes (WGS84)."""
    data: dict[str, object] = json.loads(read_data_file(*COMMUNE_BOUNDARIES))
    return data


def unit_geometries() -> dict[tuple[str, str], object]:
    """GeoJSON geometry per unit key, for the units whose boundaries ship with ANTT."""
    features = commune_boundaries()["features"]
    assert isinstance(features, list)
    return {(COMMUNE_BOUNDARIES_SCHEME, str(f["properties"]["code"])): f["geometry"] for f in features}
