"""The CompStat time series and week × hour grid against hand-counted files, their bins and counterparts
as pure functions, and their totals against CompStat on the demo city (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest

from antt.domain.access import Actor
from antt.domain.periods import custom, parse_period
from antt.errors import InvalidInput, NotFound
from antt.services.compstat import By, compstat
from antt.services.imports import import_incidents
from antt.services.trends import (
    Step,
    auto_step,
    bin_windows,
    last_year_windows,
    parse_step,
    series,
    weekday_hour,
)
from tests.incident_files import incident, write_csv

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
D = date


def load(database, settings, actor, tmp_path: Path, rows) -> None:
    import_incidents(database, settings, actor, write_csv(tmp_path / "incidents.csv", rows), now=NOW)


# --- bins and their counterparts (no database) -----------------------------------------------------


@pytest.mark.parametrize(
    ("days", "step"), [(1, Step.DAY), (31, Step.DAY), (32, Step.WEEK), (182, Step.WEEK), (183, Step.MONTH)]
)
def test_the_step_follows_the_length_of_the_period(days: int, step: Step) -> None:
    assert auto_step(custom(D(2026, 1, 1), D(2026, 1, 1) + timedelta(days=days - 1))) is step


def test_weeks_start_on_monday_and_are_clipped_to_the_period() -> None:
    windows = bin_windows(custom(D(2026, 10, 1), D(2026, 10, 20)), Step.WEEK)  # Thursday to Tuesday
    assert windows == [
        (D(2026, 10, 1), D(2026, 10, 4)),
        (D(2026, 10, 5), D(2026, 10, 11)),
        (D(2026, 10, 12), D(2026, 10, 18)),
        (D(2026, 10, 19), D(2026, 10, 20)),
    ]


def test_months_are_calendar_months_clipped_to_the_period() -> None:
    windows = bin_windows(parse_period("report-quarter:2026-Q1"), Step.MONTH)  # 15/12/2025 – 14/03/2026
    assert windows == [
        (D(2025, 12, 15), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 14)),
    ]


def test_a_leap_day_has_no_counterpart_and_the_counterparts_cover_last_year() -> None:
    period = parse_period("month:2024-02")
    compare = period.same_period_last_year()
    starts = [s for s, _ in bin_windows(period, Step.DAY)]
    others = last_year_windows(period, compare, starts)
    assert others[27] == (D(2023, 2, 28), D(2023, 2, 28)) and others[28] is None
    assert others[0] == (D(2023, 2, 1), D(2023, 2, 1))
    # the year after: 28 February 2025 takes the two last days of February 2024
    period = parse_period("report-month:2025-03")  # 15/02 – 14/03/2025; last year 15/02 – 14/03/2024
    compare = period.same_period_last_year()
    windows = bin_windows(period, Step.DAY)
    others = last_year_windows(period, compare, [s for s, _ in windows])
    feb_28 = windows.index((D(2025, 2, 28), D(2025, 2, 28)))
    assert others[feb_28] == (D(2024, 2, 28), D(2024, 2, 29))
    covered = [o for o in others if o is not None]
    assert covered[0][0] == compare.start and covered[-1][1] == compare.end
    assert all(b[0] == a[1] + timedelta(days=1) for a, b in pairwise(covered))


def test_week_to_date_counterparts_move_back_52_weeks() -> None:
    period = parse_period("wtd:2026-10-14")  # Monday 12 – Wednesday 14 October 2026
    compare = period.same_period_last_year()
    others = last_year_windows(period, compare, [s for s, _ in bin_windows(period, Step.DAY)])
    assert others == [(d, d) for d in (D(2025, 10, 13), D(2025, 10, 14), D(2025, 10, 15))]
    assert all(d.weekday() == w for w, (d, _) in enumerate(others))  # type: ignore[misc]


def test_a_whole_period_bin_has_the_whole_comparison_period() -> None:
    for preset in ("month:2026-02", "last28:2024-03-10", "report-month:2024-03", "quarter:2024-Q1"):
        period = parse_period(preset)
        compare = period.same_period_last_year()
        assert last_year_windows(period, compare, [period.start]) == [(compare.start, compare.end)], preset


def test_an_unknown_step_is_refused() -> None:
    assert parse_step("auto") is None and parse_step("week") is Step.WEEK
    with pytest.raises(InvalidInput):
        parse_step("fortnight")


# --- hand-counted files ------------------------------------------------------------------------------

ROWS = [
    # month:2026-10 (31 days: one bin per day)
    incident(1, occurred_at="01/10/2026 10:00", reported_at=""),
    incident(2, occurred_at="05/10/2026 08:00", reported_at="", unit_code="11383"),
    incident(3, occurred_at="05/10/2026 09:00", reported_at="", article="249.1"),  # drugs
    incident(4, occurred_at="31/10/2026 23:59", reported_at=""),
    incident(5, occurred_at="01/11/2026 00:01", reported_at=""),  # the day after: not counted
    incident(6, occurred_at="30/09/2026 23:59", reported_at=""),  # the day before: not counted
    # the same period last year
    incident(7, occurred_at="01/10/2025 12:00", reported_at=""),
    incident(8, occurred_at="31/10/2025 22:00", reported_at="", unit_code="11383"),
    incident(9, occurred_at="30/09/2025 12:00", reported_at=""),  # not counted
]


def test_daily_bins_count_by_local_day_beside_last_year(database, settings, actor, tmp_path) -> None:
    load(database, settings, actor, tmp_path, ROWS)
    result = series(database, actor, parse_period("month:2026-10"))
    assert result.step is Step.DAY and len(result.bins) == 31
    assert result.labels[0] == "2026-10-01" and result.labels[-1] == "2026-10-31"
    by_day = dict(zip(result.labels, zip(result.current, result.last_year, strict=True), strict=True))
    assert (
        by_day["2026-10-01"] == (1, 1) and by_day["2026-10-05"] == (2, 0) and by_day["2026-10-31"] == (1, 1)
    )
    assert (result.total, result.last_year_total) == (4, 2)
    table = compstat(database, actor, parse_period("month:2026-10"))
    assert (result.total, result.last_year_total) == (
        table.totals.current.incidents,
        table.totals.previous.incidents,
    )
    first = result.bins[0]
    assert (first.start, first.end, first.last_year_start, first.last_year_end) == (
        D(2026, 10, 1),
        D(2026, 10, 1),
        D(2025, 10, 1),
        D(2025, 10, 1),
    )


def test_filters_are_those_of_compstat(database, settings, actor, tmp_path) -> None:
    load(database, settings, actor, tmp_path, ROWS)
    period = parse_period("month:2026-10")
    for unit, group in ((None, "drugs"), ("11383", None), ("11311", "social_order"), (None, "all")):
        result = series(database, actor, period, unit_code=unit, group=group, step=Step.WEEK)
        table = compstat(database, actor, period, unit_code=unit, group=group)
        assert result.total == table.totals.current.incidents, (unit, group)
        assert result.last_year_total == table.totals.previous.incidents, (unit, group)
    assert series(database, actor, period, group="drugs").total == 1
    assert series(database, actor, period, unit_code="11383").current[4] == 1


def test_a_whole_period_bin_counts_what_compstat_compares_with(database, settings, actor, tmp_path) -> None:
    load(database, settings, actor, tmp_path, ROWS)
    period = parse_period("month:2026-10")
    result = series(database, actor, period, step=Step.MONTH)
    table = compstat(database, actor, period)
    assert len(result.bins) == 1
    only = result.bins[0]
    assert (only.last_year_start, only.last_year_end) == (table.compare.start, table.compare.end)
    assert (
        (only.current, only.last_year)
        == (4, 2)
        == (
            table.totals.current.incidents,
            table.totals.previous.incidents,
        )
    )


def test_a_scoped_actor_counts_only_its_commune(database, settings, actor, tmp_path) -> None:
    load(database, settings, actor, tmp_path, ROWS)
    officer = Actor(name="le-chan-officer", units=frozenset({("2025-07", "11383")}))
    period = parse_period("month:2026-10")
    assert (series(database, officer, period).total, series(database, officer, period).last_year_total) == (
        1,
        1,
    )
    assert weekday_hour(database, officer, period).total == 1
    with pytest.raises(NotFound):
        series(database, officer, period, unit_code="11311")
    with pytest.raises(NotFound):
        weekday_hour(database, officer, period, unit_code="11311")
    with pytest.raises(NotFound):
        series(database, actor, period, group="no-such-group")


def test_the_grid_is_in_local_time(database, settings, actor, tmp_path) -> None:
    rows = [
        # Sunday 4 October 2026, 23:30 UTC = Monday 5 October, 06:30 in Hải Phòng
        incident(1, occurred_at="2026-10-04T23:30:00Z", reported_at=""),
        incident(2, occurred_at="04/10/2026 23:59", reported_at=""),  # local: Sunday, 23 h
        incident(3, occurred_at="06/10/2026", reported_at=""),  # a date without a time: Tuesday, 0 h
        incident(4, occurred_at="07/10/2026 00:00", reported_at=""),  # Wednesday, exactly midnight
        incident(5, occurred_at="08/10/2026 00:01", reported_at=""),  # Thursday, 0 h, not exactly midnight
        incident(6, occurred_at="10/10/2026 17:00", reported_at="", unit_code="11383"),  # Saturday, 17 h
    ]
    load(database, settings, actor, tmp_path, rows)
    period = parse_period("month:2026-10")
    grid = weekday_hour(database, actor, period)
    assert len(grid.counts) == 7 and all(len(row) == 24 for row in grid.counts)
    cells = {(d, h): n for d, row in enumerate(grid.counts) for h, n in enumerate(row) if n}
    assert cells == {(0, 6): 1, (6, 23): 1, (1, 0): 1, (2, 0): 1, (3, 0): 1, (5, 17): 1}
    assert grid.at_midnight == 2 and grid.total == 6
    assert grid.total == compstat(database, actor, period).totals.current.incidents
    # the UTC evening incident counts on its local day, 5 October, in the series too
    daily = series(database, actor, period)
    assert daily.current[3] == 1 and daily.current[4] == 1  # 4 and 5 October
    assert weekday_hour(database, actor, period, unit_code="11383").counts[5][17] == 1
    assert weekday_hour(database, actor, parse_period("day:2026-10-05")).counts[0][6] == 1


# --- invariants on the demo city (kept last: on PostgreSQL the demo shares the test database) ---------


@pytest.mark.parametrize(
    ("preset", "group", "step"),
    [
        ("report-month:2026-04", None, None),
        ("quarter:2025-Q3", "drugs", None),
        ("report-year:2025", None, None),
        ("ytd:2026-10-31", "social_order", Step.WEEK),
        ("last28:2025-07-10", None, None),
        ("year:2025", None, Step.DAY),
        ("wtd:2026-10-14", None, None),
    ],
)
def test_bins_add_up_to_compstat_on_the_demo_city(demo_database, actor, preset, group, step) -> None:
    period = parse_period(preset)
    result = series(demo_database, actor, period, group=group, step=step)
    table = compstat(demo_database, actor, period, group=group, by=By.GROUP)
    assert result.total == table.totals.current.incidents > 0
    assert result.last_year_total == table.totals.previous.incidents
    assert result.bins[0].start == period.start and result.bins[-1].end == period.end
    grid = weekday_hour(demo_database, actor, period, group=group)
    assert grid.total == table.totals.current.incidents


def test_one_commune_adds_up_on_the_demo_city(demo_database, actor) -> None:
    period = parse_period("half:2026-H1")
    result = series(demo_database, actor, period, unit_code="11311")
    table = compstat(demo_database, actor, period, unit_code="11311")
    assert (result.total, result.last_year_total) == (
        table.totals.current.incidents,
        table.totals.previous.incidents,
    )
    assert weekday_hour(demo_database, actor, period, unit_code="11311").total == result.total


# --- the comparison the user chose (issue 18) -------------------------------------------------------


def test_the_previous_period_comparison_counts_what_compstat_compares_with(
    database, settings, actor, tmp_path
) -> None:
    from antt.domain.periods import Comparison

    load(database, settings, actor, tmp_path, ROWS)
    period = parse_period("month:2026-10")
    result = series(database, actor, period, comparison=Comparison.PREVIOUS_PERIOD)
    table = compstat(database, actor, period, comparison=Comparison.PREVIOUS_PERIOD)
    assert (result.compare.start, result.compare.end) == (D(2026, 9, 1), D(2026, 9, 30))
    assert result.last_year_total == table.totals.previous.incidents == 1  # 30/09/2026 only
    assert result.bins[0].last_year_start == D(2026, 9, 1)
    # the counterparts partition September exactly
    windows = [(b.last_year_start, b.last_year_end) for b in result.bins if b.last_year_start]
    assert windows[0][0] == D(2026, 9, 1) and windows[-1][1] == D(2026, 9, 30)
    assert all(a[1] + timedelta(days=1) == b[0] for a, b in pairwise(windows))


def test_previous_period_months_move_back_by_calendar_months() -> None:
    period, compare = parse_period("quarter:2026-Q2"), parse_period("quarter:2026-Q1")
    starts = [s for s, _ in bin_windows(period, Step.MONTH)]
    assert last_year_windows(period, compare, starts) == [
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 31)),
    ]
