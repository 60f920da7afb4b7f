"""Reading single cells of an incident file: dates at the edges of the calendar, remembered values."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from antt.importers.cells import MomentReader, whole_number

NOW = datetime(2026, 11, 28, 5, 0)  # naive UTC: 12:00 in Hải Phòng


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("01/01/0001", "date.too_early"),
        ("01/01/0001 03:00", "date.too_early"),
        ("0001-01-01T00:00", "date.too_early"),
        ("31/12/1999 23:59", "date.too_early"),
        ("9999-12-31T23:00:00-05:00", "date.future"),
        ("28/11/2026 12:01", "date.future"),
        ("29/11/2026", "date.future"),
        ("31/02/2024 10:00", "date.format"),
        ("12/09/2025 24:00", "date.format"),
        ("12/09/2025 10:60", "date.format"),
        ("12/09/2025 -1:08", "date.format"),
        ("yesterday", "date.format"),
    ],
)
def test_a_date_outside_the_rules_is_reported_not_raised(text: str, rule: str) -> None:
    reader = MomentReader(NOW)
    for _ in range(2):  # the second reading comes from what the reader remembered
        assert reader.read(text)[:3] == (None, None, rule)


def test_local_times_become_utc_and_keep_their_local_day() -> None:
    reader = MomentReader(NOW)
    assert reader.read("05/03/2026 06:30") == (datetime(2026, 3, 4, 23, 30), date(2026, 3, 5), None, None)
    assert reader.read("05/03/2026") == (datetime(2026, 3, 4, 17, 0), date(2026, 3, 5), None, None)
    assert reader.read("28/11/2026 12:00")[2] is None  # now, to the minute, is not the future
    assert reader.read("2026-03-05T06:30:00+07:00")[:2] == (datetime(2026, 3, 4, 23, 30), date(2026, 3, 5))


def test_a_five_digit_number_is_an_excel_serial_date_with_a_warning() -> None:
    assert MomentReader(NOW).read("45000") == (
        datetime(2023, 3, 14, 17, 0),
        date(2023, 3, 15),
        None,
        ("45000", "15/03/2023"),
    )


def test_sums_of_money_may_separate_thousands_and_counts_may_not() -> None:
    assert whole_number("1.500.000", amount=True) == (1_500_000, None)
    assert whole_number("1 500 000", amount=True) == (1_500_000, None)
    assert whole_number("1.500", amount=False) == (None, "number.format")
    assert whole_number(-2.0, amount=False) == (None, "number.negative")
    assert whole_number(True, amount=False) == (None, "number.format")
