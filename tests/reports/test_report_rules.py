"""Rules of the report that need no database: which imported spans cover a period, who signs, which marks
are accepted, and a map of scattered communes."""

from __future__ import annotations

from datetime import date

import pytest

from antt.domain.periods import parse_period
from antt.errors import InvalidInput
from antt.reports.document import Signature
from antt.services.report_content import _with_default_authority
from antt.services.reports import report_options, tiles

OCTOBER = parse_period("report-month:2026-10")  # 15/09/2026 – 14/10/2026


def test_spans_cover_a_period_only_back_to_back_without_gaps_or_overlaps() -> None:
    whole = [(date(2026, 9, 15), date(2026, 10, 14))]
    halves = [(date(2026, 9, 15), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 14))]
    gap = [(date(2026, 9, 15), date(2026, 9, 29)), (date(2026, 10, 1), date(2026, 10, 14))]
    overlap = [  # as many days as the period (16 + 14), yet 30/09 twice and 14/10 missing
        (date(2026, 9, 15), date(2026, 9, 30)),
        (date(2026, 9, 30), date(2026, 10, 13)),
    ]
    assert tiles(OCTOBER, whole) and tiles(OCTOBER, halves)
    assert not tiles(OCTOBER, gap) and not tiles(OCTOBER, overlap)
    assert not tiles(OCTOBER, []) and not tiles(OCTOBER, whole[:0])
    assert not tiles(OCTOBER, [(date(2026, 9, 15), date(2026, 10, 13))])  # the last day missing


def test_a_deputy_signs_on_the_heads_behalf_unless_the_author_says_otherwise() -> None:
    assert _with_default_authority(Signature(""), "GIÁM ĐỐC") == Signature("GIÁM ĐỐC")
    deputy = _with_default_authority(Signature("", "PHÓ GIÁM ĐỐC", "Đại tá A"), "GIÁM ĐỐC")
    assert deputy == Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đại tá A")
    head = _with_default_authority(Signature("", "GIÁM ĐỐC", "Thiếu tướng B"), "GIÁM ĐỐC")
    assert head == Signature("GIÁM ĐỐC", "", "Thiếu tướng B")
    chosen = _with_default_authority(Signature("TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG", ""), "GIÁM ĐỐC")
    assert chosen == Signature("TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG", "")


def test_marks_are_read_as_people_type_them_and_others_refused() -> None:
    options = report_options(secrecy=" tối  mật ", urgency="hoả tốc")
    assert (options.secrecy, options.urgency) == ("TỐI MẬT", "HỎA TỐC")
    with pytest.raises(InvalidInput) as refused:
        report_options(secrecy="BÍ MẬT", urgency="GẤP")
    assert "'BÍ MẬT'" in refused.value.message_vi and "'GẤP'" in refused.value.message_en


def test_a_map_of_scattered_communes_draws_them_all_without_insets() -> None:
    from antt.reports.document import Area, Map
    from antt.reports.maps import render_map

    def square(x: float, y: float) -> dict[str, object]:
        ring = [[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]
        return {"type": "Polygon", "coordinates": [ring]}

    areas = [Area(str(i), f"Xã {i}", square(106.0 + i, 20.5 + 0.3 * i), float(i)) for i in range(3)]
    assert render_map(Map("Ba xã xa nhau", areas, "Số vụ"), dpi=60).startswith(b"\x89PNG")
