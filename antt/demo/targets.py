"""The demo's target set (``targets.yaml``): Hải Phòng's real targets, as ANTT ships them.

The *targets* are the shipped defaults — ``antt/data/targets.yaml``, each saying where it comes from (the
document that sets it, an inferred figure, or none: "chưa có văn bản"), the URL REFERENCE cites and
REFERENCE's confidence tag; the demo copy sits beside synthetic data and so carries the top-level
label "Dữ liệu mô phỏng" like every demo file.
"""

from __future__ import annotations

from pathlib import Path

from antt.domain.reference import read_data_file

LABEL = "Dữ liệu mô phỏng"


def write_targets(path: Path) -> None:
    """Write the packaged target set to ``path`` with the synthetic-data label in front."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"label: {LABEL}\n" + read_data_file("targets.yaml"), encoding="utf-8", newline="\n")
