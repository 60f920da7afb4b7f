"""The vendored front-end libraries are exactly the files recorded in ``VENDOR.md`` (name, version, SHA-256)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import antt.web

VENDOR = Path(antt.web.__file__).parent / "static" / "vendor"
COLUMNS = ["library", "version", "npm tarball", "file in the tarball", "file here", "SHA-256", "licence"]


def recorded_rows(text: str) -> list[dict[str, str]]:
    """The rows of the table in VENDOR.md, as column → cell (backticks stripped)."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == COLUMNS, header
    rows = []
    for line in lines[2:]:  # lines[1] is the |---| separator
        cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        assert len(cells) == len(COLUMNS), line
        rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


ROWS = recorded_rows((VENDOR / "VENDOR.md").read_text(encoding="utf-8"))


def test_the_vendor_record_lists_each_library_once_per_file() -> None:
    names = [row["file here"] for row in ROWS]
    assert len(names) == len(set(names))
    assert {row["library"] for row in ROWS} >= {"htmx", "Apache ECharts"}


@pytest.mark.parametrize("row", ROWS, ids=[row["file here"] for row in ROWS])
def test_each_vendored_file_has_its_recorded_sha256(row: dict[str, str]) -> None:
    path = VENDOR / row["file here"]
    assert path.is_file(), f"{row['file here']} is listed in VENDOR.md but missing"
    assert row["file here"].split("-", 1)[1].startswith(row["version"] + "."), "name must carry the version"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["SHA-256"], (
        f"{row['file here']} differs from the file recorded in VENDOR.md"
    )


def test_every_file_in_the_vendor_folder_is_recorded() -> None:
    present = {p.name for p in VENDOR.iterdir()} - {"VENDOR.md"}
    unrecorded = present - {row["file here"] for row in ROWS}
    assert not unrecorded, f"files in static/vendor/ not listed in VENDOR.md: {sorted(unrecorded)}"


def test_the_recorder_rejects_a_table_with_a_missing_column() -> None:
    bad = "| library | version |\n|---|---|\n| htmx | 2.0.11 |\n"
    with pytest.raises(AssertionError):
        recorded_rows(bad)
