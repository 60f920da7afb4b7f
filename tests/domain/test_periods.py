"""Periods: calendar and Decree 09/2019 (15th→14th) windows, their keys, labels and comparisons.

Every expected date below is worked out by hand from the rule in REFERENCE §3.5, not from the code.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antt.domain.periods import (
    Comparison,
    Period,
    custom,
    parse_period,
    presets_help,
    report_month_of,
    today_local,
)
from antt.errors import InvalidInput

D = date
CAMPAIGNS = {"tet-2024": (D(2023, 12, 15), D(2024, 2, 29)), "cao-diem-he": (D(2025, 6, 1), D(2025, 8, 31))}

SPAN_KINDS = [
    "month",
    "quarter",
    "half",
    "year",
    "report-month",
    "report-quarter",
    "report-half",
    "report-year",
]
DAY_KINDS = ["ytd", "report-ytd", "last28", "wtd", "day"]


# ------------------------------------------------------------------------------------ the windows


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("report-month:2026-01", D(2025, 12, 15), D(2026, 1, 14)),
        ("report-month:2025-12", D(2025, 11, 15), D(2025, 12, 14)),
        ("report-month:2026-04", D(2026, 3, 15), D(2026, 4, 14)),
        ("report-quarter:2026-Q1", D(2025, 12, 15), D(2026, 3, 14)),
        ("report-quarter:2026-Q2", D(2026, 3, 15), D(2026, 6, 14)),
        ("report-quarter:2026-Q4", D(2026, 9, 15), D(2026, 12, 14)),
        ("report-half:2026-H1", D(2025, 12, 15), D(2026, 6, 14)),
        ("report-half:2026-H2", D(2026, 6, 15), D(2026, 12, 14)),
        ("report-year:2025", D(2024, 12, 15), D(2025, 12, 14)),
    ],
)
def test_reporting_windows_follow_decree_09_article_12(key: str, start: date, end: date) -> None:
    period = parse_period(key)
    assert (period.start, period.end, period.key) == (start, end, key)


@pytest.mark.parametrize(
    ("key", "start", "end", "days"),
    [
        ("month:2024-02", D(2024, 2, 1), D(2024, 2, 29), 29),
        ("month:2026-02", D(2026, 2, 1), D(2026, 2, 28), 28),
        ("month:2026-12", D(2026, 12, 1), D(2026, 12, 31), 31),
        ("quarter:2026-Q2", D(2026, 4, 1), D(2026, 6, 30), 91),
        ("half:2026-H2", D(2026, 7, 1), D(2026, 12, 31), 184),
        ("year:2024", D(2024, 1, 1), D(2024, 12, 31), 366),
        ("ytd:2026-04-14", D(2026, 1, 1), D(2026, 4, 14), 104),
        ("report-ytd:2026-04-14", D(2025, 12, 15), D(2026, 4, 14), 121),
        ("report-ytd:2025-12-15", D(2025, 12, 15), D(2025, 12, 15), 1),
        ("report-ytd:2025-12-14", D(2024, 12, 15), D(2025, 12, 14), 365),
        ("last28:2026-04-14", D(2026, 3, 18), D(2026, 4, 14), 28),
        ("wtd:2026-04-14", D(2026, 4, 13), D(2026, 4, 14), 2),  # a Tuesday
        ("wtd:2026-04-13", D(2026, 4, 13), D(2026, 4, 13), 1),  # a Monday
        ("wtd:2026-04-19", D(2026, 4, 13), D(2026, 4, 19), 7),  # a Sunday
        ("day:2026-04-14", D(2026, 4, 14), D(2026, 4, 14), 1),
        ("custom:2026-01-01..2026-01-31", D(2026, 1, 1), D(2026, 1, 31), 31),
    ],
)
def test_presets_cover_the_days_their_rule_names(key: str, start: date, end: date, days: int) -> None:
    period = parse_period(key)
    assert (period.start, period.end, period.days()) == (start, end, days)


def test_contains_is_inclusive_at_both_ends() -> None:
    period = parse_period("report-month:2026-04")
    assert period.contains(D(2026, 3, 15))
    assert period.contains(D(2026, 4, 14))
    assert not period.contains(D(2026, 3, 14))
    assert not period.contains(D(2026, 4, 15))


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (D(2026, 4, 14), "report-month:2026-04"),
        (D(2026, 4, 15), "report-month:2026-05"),
        (D(2025, 12, 14), "report-month:2025-12"),
        (D(2025, 12, 15), "report-month:2026-01"),
        (D(2025, 12, 31), "report-month:2026-01"),
        (D(2026, 1, 1), "report-month:2026-01"),
    ],
)
def test_the_14th_and_the_15th_fall_in_different_reporting_months(day: date, key: str) -> None:
    assert report_month_of(day).key == key
    assert report_month_of(day) == parse_period(key)


# ----------------------------------------------------------------------------------------- keys


ALL_KEYS = [
    "month:2026-04",
    "quarter:2026-Q2",
    "half:2026-H1",
    "year:2026",
    "report-month:2026-04",
    "report-quarter:2026-Q2",
    "report-half:2026-H1",
    "report-year:2025",
    "ytd:2026-04-14",
    "report-ytd:2026-04-14",
    "last28:2026-04-14",
    "wtd:2026-04-14",
    "day:2026-04-14",
    "custom:2026-01-01..2026-01-31",
    "campaign:tet-2024",
]


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_preset_round_trips_through_its_key(key: str) -> None:
    period = parse_period(key, campaigns=CAMPAIGNS)
    assert period.key == key
    assert str(period) == key
    assert parse_period(period.key, campaigns=CAMPAIGNS) == period


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-01-01..2026-01-31", "custom:2026-01-01..2026-01-31"),
        ("  Month:2026-4 ", "month:2026-04"),
        ("quarter:2026-q2", "quarter:2026-Q2"),
        ("REPORT-HALF:2026-h2", "report-half:2026-H2"),
        ("custom: 2026-01-01 .. 2026-01-31", "custom:2026-01-01..2026-01-31"),
        ("campaign:TET-2024", "campaign:tet-2024"),
    ],
)
def test_lenient_spellings_give_the_canonical_key(text: str, key: str) -> None:
    assert parse_period(text, campaigns=CAMPAIGNS).key == key


def test_a_campaign_is_looked_up_by_name() -> None:
    period = parse_period("campaign:tet-2024", campaigns=CAMPAIGNS)
    assert (period.start, period.end, period.days()) == (D(2023, 12, 15), D(2024, 2, 29), 77)


@pytest.mark.parametrize(
    ("text", "today", "key"),
    [
        ("report-month:current", D(2026, 11, 28), "report-month:2026-12"),
        ("report-month:current", D(2026, 11, 14), "report-month:2026-11"),
        ("report-month:today", D(2026, 11, 15), "report-month:2026-12"),
        ("month:current", D(2026, 11, 28), "month:2026-11"),
        ("quarter:current", D(2026, 11, 28), "quarter:2026-Q4"),
        ("report-quarter:current", D(2026, 12, 15), "report-quarter:2027-Q1"),
        ("report-half:current", D(2026, 6, 15), "report-half:2026-H2"),
        ("report-year:current", D(2026, 12, 14), "report-year:2026"),
        ("report-year:current", D(2026, 12, 15), "report-year:2027"),
        ("year:current", D(2026, 12, 15), "year:2026"),
        ("month:previous", D(2026, 1, 5), "month:2025-12"),
        ("report-month:previous", D(2026, 1, 14), "report-month:2025-12"),
        ("ytd:today", D(2026, 4, 14), "ytd:2026-04-14"),
        ("last28:today", D(2026, 4, 14), "last28:2026-04-14"),
        ("wtd:current", D(2026, 4, 14), "wtd:2026-04-14"),
        ("day:today", D(2026, 4, 14), "day:2026-04-14"),
    ],
)
def test_current_resolves_to_the_concrete_key_for_today(text: str, today: date, key: str) -> None:
    period = parse_period(text, today=today)
    assert period.key == key
    assert parse_period(key) == period


def test_presets_help_examples_parse_to_themselves() -> None:
    rows = presets_help()
    kinds = {form.partition(":")[0] for form, _, _ in rows}
    assert kinds == {*SPAN_KINDS, *DAY_KINDS, "custom", "campaign"}
    for form, example, meaning in rows:
        assert example.partition(":")[0] == form.partition(":")[0]
        assert parse_period(example, campaigns=CAMPAIGNS).key == example
        assert meaning and unicodedata.is_normalized("NFC", meaning)


# ---------------------------------------------------------------------------------- comparisons


def test_same_period_last_year_of_a_reporting_month_spanning_a_leap_february() -> None:
    period = parse_period("report-month:2024-03")
    assert (period.start, period.end, period.days()) == (D(2024, 2, 15), D(2024, 3, 14), 29)
    last_year = period.same_period_last_year()
    assert last_year.key == "report-month:2023-03"
    assert (last_year.start, last_year.end, last_year.days()) == (D(2023, 2, 15), D(2023, 3, 14), 28)


def test_same_period_last_year_of_ytd_on_29_february_ends_on_28_february() -> None:
    last_year = parse_period("ytd:2024-02-29").same_period_last_year()
    assert last_year.key == "ytd:2023-02-28"
    assert (last_year.start, last_year.end) == (D(2023, 1, 1), D(2023, 2, 28))


@pytest.mark.parametrize(
    ("key", "expected", "start", "end"),
    [
        ("month:2026-01", "month:2025-01", D(2025, 1, 1), D(2025, 1, 31)),
        ("quarter:2026-Q1", "quarter:2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
        ("report-half:2026-H1", "report-half:2025-H1", D(2024, 12, 15), D(2025, 6, 14)),
        ("report-year:2025", "report-year:2024", D(2023, 12, 15), D(2024, 12, 14)),
        ("report-ytd:2026-04-14", "report-ytd:2025-04-14", D(2024, 12, 15), D(2025, 4, 14)),
        # the window holds 29 Feb 2024: the day moves back a year and the window keeps 28 days
        ("last28:2024-03-10", "last28:2023-03-10", D(2023, 2, 11), D(2023, 3, 10)),
        ("day:2024-02-29", "day:2023-02-28", D(2023, 2, 28), D(2023, 2, 28)),
        # 52 weeks back: Monday 14 – Tuesday 15 April 2025, the same weekdays as 13–14 April 2026
        ("wtd:2026-04-14", "wtd:2025-04-15", D(2025, 4, 14), D(2025, 4, 15)),
        ("custom:2024-02-20..2024-02-29", "custom:2023-02-20..2023-02-28", D(2023, 2, 20), D(2023, 2, 28)),
        ("campaign:tet-2024", "custom:2022-12-15..2023-02-28", D(2022, 12, 15), D(2023, 2, 28)),
    ],
)
def test_same_period_last_year(key: str, expected: str, start: date, end: date) -> None:
    last_year = parse_period(key, campaigns=CAMPAIGNS).same_period_last_year()
    assert (last_year.key, last_year.start, last_year.end) == (expected, start, end)


@pytest.mark.parametrize(
    ("key", "expected", "start", "end"),
    [
        ("quarter:2026-Q1", "quarter:2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("report-month:2026-01", "report-month:2025-12", D(2025, 11, 15), D(2025, 12, 14)),
        ("month:2024-03", "month:2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("half:2026-H1", "half:2025-H2", D(2025, 7, 1), D(2025, 12, 31)),
        ("report-quarter:2026-Q1", "report-quarter:2025-Q4", D(2025, 9, 15), D(2025, 12, 14)),
        ("report-year:2026", "report-year:2025", D(2024, 12, 15), D(2025, 12, 14)),
        ("last28:2026-04-14", "last28:2026-03-17", D(2026, 2, 18), D(2026, 3, 17)),
        ("day:2026-03-01", "day:2026-02-28", D(2026, 2, 28), D(2026, 2, 28)),
        ("wtd:2026-04-14", "wtd:2026-04-07", D(2026, 4, 6), D(2026, 4, 7)),
        ("custom:2026-01-01..2026-01-10", "custom:2025-12-22..2025-12-31", D(2025, 12, 22), D(2025, 12, 31)),
        ("ytd:2026-04-14", "custom:2025-09-19..2025-12-31", D(2025, 9, 19), D(2025, 12, 31)),
    ],
)
def test_previous_period(key: str, expected: str, start: date, end: date) -> None:
    previous = parse_period(key).previous_period()
    assert (previous.key, previous.start, previous.end) == (expected, start, end)


def test_compare_dispatches_on_the_comparison_given_as_enum_or_text() -> None:
    period = parse_period("report-month:2026-04")
    assert period.compare(Comparison.SAME_PERIOD_LAST_YEAR).key == "report-month:2025-04"
    assert period.compare("previous-period").key == "report-month:2026-03"
    with pytest.raises(InvalidInput) as caught:
        period.compare("last-week")
    assert "same-period-last-year" in caught.value.message_vi
    assert "previous-period" in caught.value.message_en


# --------------------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("key", "vi", "en"),
    [
        ("month:2026-04", "Tháng 4/2026", "April 2026"),
        ("quarter:2026-Q2", "Quý II/2026", "Q2 2026"),
        ("quarter:2026-Q4", "Quý IV/2026", "Q4 2026"),
        ("half:2026-H1", "6 tháng đầu năm 2026", "H1 2026"),
        ("half:2026-H2", "6 tháng cuối năm 2026", "H2 2026"),
        ("year:2025", "Năm 2025", "Year 2025"),
        (
            "report-month:2026-04",
            "Tháng 4/2026 (15/03/2026 – 14/04/2026)",
            "Reporting month April 2026 (15/03/2026 – 14/04/2026)",
        ),
        (
            "report-quarter:2026-Q1",
            "Quý I/2026 (15/12/2025 – 14/03/2026)",
            "Reporting quarter Q1 2026 (15/12/2025 – 14/03/2026)",
        ),
        (
            "report-half:2026-H1",
            "6 tháng đầu năm 2026 (15/12/2025 – 14/06/2026)",
            "Reporting half-year H1 2026 (15/12/2025 – 14/06/2026)",
        ),
        (
            "report-year:2025",
            "Năm 2025 (15/12/2024 – 14/12/2025)",
            "Reporting year 2025 (15/12/2024 – 14/12/2025)",
        ),
        ("ytd:2026-04-14", "Từ 01/01/2026 đến 14/04/2026", "Year to date, 01/01/2026 – 14/04/2026"),
        (
            "report-ytd:2026-04-14",
            "Từ 15/12/2025 đến 14/04/2026",
            "Reporting year to date, 15/12/2025 – 14/04/2026",
        ),
        (
            "last28:2026-04-14",
            "28 ngày đến 14/04/2026 (18/03/2026 – 14/04/2026)",
            "28 days to 14/04/2026 (18/03/2026 – 14/04/2026)",
        ),
        (
            "wtd:2026-04-14",
            "Từ đầu tuần đến 14/04/2026 (13/04/2026 – 14/04/2026)",
            "Week to date (13/04/2026 – 14/04/2026)",
        ),
        ("day:2026-04-05", "Ngày 05/04/2026", "05/04/2026"),
        ("custom:2026-01-01..2026-01-31", "Từ 01/01/2026 đến 31/01/2026", "From 01/01/2026 to 31/01/2026"),
        (
            "campaign:tet-2024",
            "Đợt tet-2024 (15/12/2023 – 29/02/2024)",
            "Campaign tet-2024 (15/12/2023 – 29/02/2024)",
        ),
    ],
)
def test_labels_use_dd_mm_yyyy_and_vietnamese_diacritics(key: str, vi: str, en: str) -> None:
    period = parse_period(key, campaigns=CAMPAIGNS)
    assert period.label_vi() == vi
    assert period.label_en() == en
    assert unicodedata.is_normalized("NFC", period.label_vi())


# --------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "vi_part", "en_part", "form"),
    [
        ("", "Chưa nhập kỳ", "No period given", "report-month:YYYY-MM"),
        ("fortnight:2026-04", "Không có loại kỳ", "Unknown period kind", "report-month:YYYY-MM"),
        ("april 2026", "Không nhận ra dạng kỳ", "Unrecognised period form", "custom:YYYY-MM-DD..YYYY-MM-DD"),
        ("month:2026-13", "Tháng phải từ 01 đến 12", "Month must be 01 to 12", "month:YYYY-MM"),
        ("month:2026-00", "Tháng phải từ 01 đến 12", "Month must be 01 to 12", "month:YYYY-MM"),
        ("report-month:26-04", "Sai dạng giá trị", "Malformed value", "report-month:YYYY-MM"),
        ("quarter:2026-Q5", "Quý phải từ Q1 đến Q4", "Quarter must be Q1 to Q4", "quarter:YYYY-Qn"),
        (
            "report-half:2026-H3",
            "Nửa năm phải là H1 hoặc H2",
            "Half-year must be H1 or H2",
            "report-half:YYYY-Hn",
        ),
        ("year:26", "Sai dạng giá trị", "Malformed value", "year:YYYY"),
        ("day:2026-02-30", "Không có ngày", "No such date", "day:YYYY-MM-DD"),
        ("ytd:14/04/2026", "không đúng dạng YYYY-MM-DD", "is not YYYY-MM-DD", "ytd:YYYY-MM-DD"),
        ("custom:2026-01-01", "Thiếu '..'", "Missing '..'", "custom:YYYY-MM-DD..YYYY-MM-DD"),
        ("custom:2026-01-31..2026-01-01", "trước ngày bắt đầu", "is before start date", "custom:"),
        ("2016-01-01..2026-01-01", "dài hơn 10 năm", "longer than 10 years", "custom:"),
        ("report-year:0001", "ngoài khoảng ngày hỗ trợ", "outside the supported dates", "report-year:YYYY"),
    ],
)
def test_malformed_periods_raise_invalid_input_in_both_languages(
    text: str, vi_part: str, en_part: str, form: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period(text)
    error = caught.value
    assert vi_part in error.message_vi
    assert en_part in error.message_en
    assert "Dạng hợp lệ" in error.message_vi and form in error.message_vi
    assert "Accepted forms" in error.message_en and form in error.message_en
    assert error.issues and error.issues[0].value == text


def test_a_window_of_exactly_ten_years_is_accepted() -> None:
    assert custom(D(2016, 1, 1), D(2025, 12, 31)).days() == 3653
    with pytest.raises(InvalidInput):
        custom(D(2016, 1, 1), D(2026, 1, 1))


def test_an_unknown_campaign_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period("campaign:tet-2025", campaigns=CAMPAIGNS)
    assert "cao-diem-he, tet-2024" in caught.value.message_vi
    assert "Known campaigns: cao-diem-he, tet-2024" in caught.value.message_en
    with pytest.raises(InvalidInput) as none_configured:
        parse_period("campaign:tet-2024")
    assert "Chưa khai báo đợt nào" in none_configured.value.message_vi
    assert "No campaigns are configured" in none_configured.value.message_en


def test_a_campaign_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="before start date"):
        parse_period("campaign:x", campaigns={"x": (D(2024, 2, 1), D(2024, 1, 1))})


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidInput):
        Period(D(2026, 2, 1), D(2026, 1, 31), "custom:2026-02-01..2026-01-31")


# ---------------------------------------------------------------------------------- today_local


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 28, 20, 0, tzinfo=UTC), D(2026, 11, 29)),
        (datetime(2026, 11, 28, 16, 59, 59, tzinfo=UTC), D(2026, 11, 28)),
        (datetime(2026, 11, 28, 17, 0, tzinfo=UTC), D(2026, 11, 29)),
        (datetime(2026, 11, 29, 0, 30, tzinfo=timezone(timedelta(hours=9))), D(2026, 11, 28)),
        (datetime(2026, 6, 30, 18, 0, tzinfo=UTC), D(2026, 7, 1)),  # no summer time
    ],
)
def test_today_local_is_the_date_in_hai_phong(now: datetime, expected: date) -> None:
    assert today_local(now) == expected


def test_today_local_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        today_local(datetime(2026, 11, 28, 20, 0))


# ------------------------------------------------------------------------------------- properties

days = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@given(day=days, kind=st.sampled_from(SPAN_KINDS + DAY_KINDS))
def test_every_preset_is_a_sound_window(day: date, kind: str) -> None:
    period = parse_period(f"{kind}:current", today=day)
    assert period.start <= period.end
    assert period.contains(period.start) and period.contains(period.end)
    assert period.contains(day)
    assert period.days() == (period.end - period.start).days + 1
    assert parse_period(period.key) == period
    assert period.kind == kind
    for other in (period.previous_period(), period.same_period_last_year()):
        assert parse_period(other.key) == other
        assert other.end < period.end


@given(day=days, kind=st.sampled_from([*SPAN_KINDS, "last28", "day"]))
def test_the_previous_period_ends_the_day_before_start(day: date, kind: str) -> None:
    period = parse_period(f"{kind}:current", today=day)
    previous = period.previous_period()
    assert previous.kind == kind
    assert previous.end == period.start - timedelta(days=1)


@given(day=days, kind=st.sampled_from(SPAN_KINDS))
def test_the_same_period_last_year_starts_one_year_earlier(day: date, kind: str) -> None:
    period = parse_period(f"{kind}:current", today=day)
    last_year = period.same_period_last_year()
    assert last_year.kind == kind
    assert last_year.start == period.start.replace(year=period.start.year - 1)  # the 1st or the 15th
    assert last_year.end.year == period.end.year - 1 and last_year.end.month == period.end.month


@given(day=days)
def test_reporting_months_tile_the_days(day: date) -> None:
    month = report_month_of(day)
    assert month.contains(day)
    following = report_month_of(month.end + timedelta(days=1))
    assert following.start == month.end + timedelta(days=1)
    assert following.previous_period() == month
    assert report_month_of(month.start - timedelta(days=1)) == month.previous_period()
    assert month.start.day == 15 and month.end.day == 14


@given(day=days, reporting=st.booleans())
def test_months_nest_in_quarters_halves_and_years(day: date, reporting: bool) -> None:
    prefix = "report-" if reporting else ""
    chain = [
        parse_period(f"{prefix}{kind}:current", today=day) for kind in ("month", "quarter", "half", "year")
    ]
    for inner, outer in pairwise(chain):
        assert outer.start <= inner.start and inner.end <= outer.end


@given(year=st.integers(min_value=1901, max_value=2200))
def test_twelve_reporting_months_make_the_reporting_year(year: int) -> None:
    months = [parse_period(f"report-month:{year}-{m:02d}") for m in range(1, 13)]
    report_year = parse_period(f"report-year:{year}")
    assert months[0].start == report_year.start == D(year - 1, 12, 15)
    assert months[-1].end == report_year.end == D(year, 12, 14)
    for earlier, later in pairwise(months):
        assert later.start == earlier.end + timedelta(days=1)
    assert sum(m.days() for m in months) == report_year.days()


@given(start=days, length=st.integers(min_value=1, max_value=3000))
def test_custom_windows_compare_with_windows_of_the_same_length(start: date, length: int) -> None:
    period = custom(start, start + timedelta(days=length - 1))
    assert period.days() == length
    assert parse_period(period.key) == period
    previous = period.previous_period()
    assert previous.days() == length and previous.end == start - timedelta(days=1)
    assert abs(period.same_period_last_year().days() - length) <= 1


@pytest.mark.parametrize(
    "text",
    ["day:9999-12-31", "ytd:9999-12-31", "year:9999", "day:0001-01-01", "custom:0001-01-01..0001-12-31"],
)
def test_a_period_beyond_the_supported_days_is_an_input_error_not_an_overflow(text) -> None:
    # day:9999-12-31 parsed, then overflowed in the trend beside it (HTTP 500): refused at the edge now
    with pytest.raises(InvalidInput) as info:
        parse_period(text)
    assert "1800–2299" in info.value.message_vi and "1800–2299" in info.value.message_en
    with pytest.raises(InvalidInput):
        custom(D(9999, 12, 1), D(9999, 12, 31))


def test_an_as_of_day_beyond_the_supported_days_is_an_input_error() -> None:
    from antt.domain.periods import check_supported_day

    check_supported_day(None)
    check_supported_day(D(2026, 12, 4))
    for day in (D(1, 1, 1), D(9999, 12, 31)):
        with pytest.raises(InvalidInput) as info:
            check_supported_day(day, "as_of")
        assert "as_of" in info.value.message_en and info.value.issues[0].rule == "date.unsupported"
