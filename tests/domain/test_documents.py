from datetime import date

import pytest

from antt.domain.documents import (
    document_number,
    format_count,
    format_percent,
    format_signed,
    official_date,
    place_and_date,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
        (date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (date(2026, 9, 9), "ngày 09 tháng 9 năm 2026"),
        (date(2026, 12, 10), "ngày 10 tháng 12 năm 2026"),
    ],
)
def test_official_date_pads_days_below_ten_and_only_january_and_february(day: date, expected: str) -> None:
    assert official_date(day) == expected


def test_place_and_date_puts_the_place_first() -> None:
    assert place_and_date("Hải Phòng", date(2026, 2, 5)) == "Hải Phòng, ngày 05 tháng 02 năm 2026"


def test_document_number_pads_small_numbers_and_leaves_a_blank_without_one() -> None:
    assert document_number("BC-CATP", 7) == "Số: 07/BC-CATP"
    assert document_number("BC-CATP", 123) == "Số: 123/BC-CATP"
    assert document_number("BC-CATP").startswith("Số: ") and document_number("BC-CATP").endswith("/BC-CATP")
    with pytest.raises(ValueError):
        document_number("BC-CATP", 0)


def test_numbers_use_vietnamese_separators() -> None:
    assert format_count(1234567) == "1.234.567"
    assert format_count(-1234) == "-1.234"
    assert format_percent(12.5) == "12,5%"
    assert format_percent(1234.56) == "1.234,6%"
    assert format_percent(-0.04) == "0,0%"
    assert format_percent(-3.25, 2) == "-3,25%"
    assert format_signed(12) == "+12" and format_signed(-3) == "-3" and format_signed(0) == "0"
