"""Rebuild antt/data/units/*.csv from the boundary and crosswalk files in ../shared/data/geo/.

Run from the repository root: ``python scripts/reference_data/build_units.py [SHARED_GEO_DIR]``.
The output is committed; this script documents exactly how it was derived (see antt/data/README.md).
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GEO = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "geo"
OUT = ROOT / "antt" / "data" / "units"

PROVINCES = {"31": "Thành phố Hải Phòng", "30": "Tỉnh Hải Dương"}
KINDS = [  # (name prefix, kind, level) — longest prefixes first
    ("Thành phố", "city", None),
    ("Thị xã", "town", "district"),
    ("Quận", "urban_district", "district"),
    ("Huyện", "rural_district", "district"),
    ("Phường", "ward", "commune"),
    ("Thị trấn", "township", "commune"),
    ("Xã", "commune", "commune"),
    ("Đặc khu", "special_zone", "commune"),
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def population(note: str) -> str:
    """``whole`` where the table's remark says the whole population went to this unit, else empty.

    "Nhập một phần diện tích, toàn bộ dân số": part of the land, all of the residents — the successor an
    incident of the split commune goes to when no coordinates decide (antt/domain/units.py).
    """
    return "whole" if "toàn bộ dân số" in unicodedata.normalize("NFC", note).casefold() else ""


def split_name(name: str) -> tuple[str, str, str]:
    """'Thị Xã Kinh Môn' -> ('Thị xã Kinh Môn', 'Kinh Môn', 'town')."""
    for prefix, kind, _level in KINDS:
        if name.casefold().startswith(prefix.casefold() + " "):
            short = name[len(prefix) + 1 :]
            return f"{prefix} {short}", short, kind
    raise ValueError(f"unknown unit type in {name!r}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    crosswalk = list(csv.DictReader((GEO / "haiphong-2025-old-to-new-communes.csv").open(encoding="utf-8")))
    communes = json.loads((GEO / "haiphong-2025-communes.geojson").read_text(encoding="utf-8"))["features"]

    units: dict[tuple[str, str], dict[str, str]] = {}

    def add(scheme: str, code: str, name: str, level: str, parent: str, area: str = "") -> None:
        full, short, kind = (
            split_name(nfc(name)) if level != "province" else (name, name.split(" ", 2)[-1], "")
        )
        if level == "province":
            kind = "city" if name.startswith("Thành phố") else "province"
            short = name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        elif level == "district" and kind == "city":
            kind = "provincial_city"
        row = {
            "scheme": scheme,
            "code": code,
            "name": full,
            "short_name": short,
            "kind": kind,
            "level": level,
            "parent_code": parent,
            "area_km2": area,
        }
        previous = units.setdefault((scheme, code), row)
        if previous != row:
            raise ValueError(f"conflicting rows for {scheme} {code}: {previous} / {row}")

    for code, name in PROVINCES.items():
        add("2025-01", code, name, "province", "")
    for r in crosswalk:
        add("2025-01", r["old_district_code"], r["old_district_name"], "district", r["old_province_code"])
        if r["old_level"] == "commune":
            add("2025-01", r["old_code"], r["old_name"], "commune", r["old_district_code"])

    add("2025-07", "31", PROVINCES["31"], "province", "")
    for f in communes:
        p = f["properties"]
        add("2025-07", p["code"], p["name"], "commune", "31", f"{p['area_km2']:.3f}")

    fields = ["scheme", "code", "name", "short_name", "kind", "level", "parent_code", "area_km2"]
    level_order = {"province": 0, "district": 1, "commune": 2}
    with (OUT / "units.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        for key in sorted(units, key=lambda k: (k[0], level_order[units[k]["level"]], k[1])):
            w.writerow(units[key])

    with (OUT / "crosswalk.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["old_scheme", "old_code", "new_scheme", "new_code", "transfer", "population", "note_vi"])
        for r in crosswalk:
            note = nfc(r["note_vi"])
            w.writerow(
                ["2025-01", r["old_code"], "2025-07", r["new_code"], r["transfer"], population(note), note]
            )

    counts: dict[tuple[str, str], int] = {}
    for (scheme, _), row in units.items():
        counts[(scheme, row["level"])] = counts.get((scheme, row["level"]), 0) + 1
    print(counts, len(crosswalk), "crosswalk rows")


if __name__ == "__main__":
    main()
