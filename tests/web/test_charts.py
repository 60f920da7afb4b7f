"""The dates and partial periods the charts show (issue 18): ``dd/MM`` axes, ``dd/MM/yyyy`` where the years
differ, windows written as a reader writes them, and which bins are not whole."""

from __future__ import annotations

from datetime import date as D

import pytest

from antt.domain.periods import custom
from antt.services.trends import Step, bin_windows
from antt.web.pages.charts import (
    FULL,
    NOT_YET,
    PARTIAL,
    bin_completeness,
    bin_labels,
    day_label,
    month_label,
    range_label,
    short_label,
)


def test_a_day_is_written_day_first_with_two_digits() -> None:
    assert day_label(D(2026, 3, 5)) == "05/03"
    assert day_label(D(2026, 3, 5), with_year=True) == "05/03/2026"
    assert month_label(D(2026, 3, 1)) == "03/2026"


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (D(2026, 11, 6), D(2026, 11, 6), "06/11/2026"),
        (D(2026, 3, 2), D(2026, 3, 8), "02/03 – 08/03/2026"),
        (D(2025, 12, 29), D(2026, 1, 4), "29/12/2025 – 04/01/2026"),
    ],
)
def test_a_window_names_the_year_once_unless_the_years_differ(start: D, end: D, text: str) -> None:
    assert range_label(start, end) == text


def test_axis_labels_are_never_iso_and_carry_the_year_only_across_years() -> None:
    one_year = bin_windows(custom(D(2026, 10, 1), D(2026, 10, 20)), Step.WEEK)
    assert bin_labels(one_year, Step.WEEK) == ["01/10", "05/10", "12/10", "19/10"]
    across = bin_windows(custom(D(2025, 12, 25), D(2026, 1, 10)), Step.WEEK)
    assert bin_labels(across, Step.WEEK) == ["25/12/2025", "29/12/2025", "05/01/2026"]
    months = bin_windows(custom(D(2025, 12, 15), D(2026, 2, 14)), Step.MONTH)
    assert bin_labels(months, Step.MONTH) == ["12/2025", "01/2026", "02/2026"]


def test_clipped_first_and_last_weeks_are_partial() -> None:
    windows = bin_windows(custom(D(2026, 10, 1), D(2026, 10, 20)), Step.WEEK)  # Thursday to Tuesday
    assert bin_completeness(windows, Step.WEEK) == [PARTIAL, FULL, FULL, PARTIAL]


def test_clipped_months_are_partial_and_whole_ones_of_any_length_are_not() -> None:
    windows = bin_windows(custom(D(2025, 12, 15), D(2026, 3, 31)), Step.MONTH)
    assert bin_completeness(windows, Step.MONTH) == [PARTIAL, FULL, FULL, FULL]  # February has 28 days


def test_bins_after_the_data_date_are_not_yet_and_the_one_it_cuts_is_partial() -> None:
    windows = bin_windows(custom(D(2026, 11, 1), D(2026, 11, 30)), Step.WEEK)
    found = bin_completeness(windows, Step.WEEK, data_up_to=D(2026, 11, 18))
    # 1/11 (Sunday, clipped), 2–8, 9–15, 16–22 (cut by the data date), 23–29, 30 (after it)
    assert found == [PARTIAL, FULL, FULL, PARTIAL, NOT_YET, NOT_YET]
    days = bin_windows(custom(D(2026, 11, 17), D(2026, 11, 19)), Step.DAY)
    assert bin_completeness(days, Step.DAY, data_up_to=D(2026, 11, 18)) == [FULL, FULL, NOT_YET]


def test_a_target_month_key_reads_month_first() -> None:
    assert short_label("report-month:2026-01") == "01/2026"
