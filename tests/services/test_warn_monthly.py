"""The early-warning scan by reporting month (15th – 14th): the months' bounds by hand, the monthly series
of a real database, a monthly alert explained in words that the weekly scan leaves alone and the next
month's scan closes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from antt.domain.access import Actor, Grant, Role
from antt.domain.alerts import AlertStatus
from antt.services.alerts import list_alerts, subject_group
from antt.services.imports import import_incidents
from antt.services.warn import scan
from antt.services.warn_monthly import (
    judged_report_month,
    last_complete_report_month,
    monthly_matrix,
    scan_months,
)
from tests.incident_files import incident, write_csv

SYSTEM = Actor.system("test")
ANALYST = Actor.for_user("analyst", [Grant.city(Role.ANALYST)])
LE_CHAN = "11383"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 12, 5), (date(2026, 10, 15), date(2026, 11, 14))),
        (date(2026, 12, 14), (date(2026, 11, 15), date(2026, 12, 14))),  # the 14th taken as over
        (date(2026, 12, 15), (date(2026, 11, 15), date(2026, 12, 14))),
        (date(2026, 1, 10), (date(2025, 11, 15), date(2025, 12, 14))),
        (date(2026, 1, 14), (date(2025, 12, 15), date(2026, 1, 14))),  # across the new year
    ],
)
def test_the_judged_reporting_month_is_the_last_ended_one(as_of: date, expected: tuple[date, date]) -> None:
    assert judged_report_month(as_of) == expected


def test_today_is_not_over_and_days_fall_in_their_reporting_month() -> None:
    assert last_complete_report_month(date(2026, 12, 14)) == (date(2026, 10, 15), date(2026, 11, 14))
    assert last_complete_report_month(date(2026, 12, 15)) == (date(2026, 11, 15), date(2026, 12, 14))
    rows = [
        ("u", "g", date(2026, 11, 14), 2),
        ("u", "g", date(2026, 11, 15), 3),
        ("u", "g", date(2026, 10, 15), 1),
    ]
    counts = monthly_matrix(rows, ["u"], ["g"], date(2026, 10, 15), 3)
    np.testing.assert_array_equal(counts, [[3, 3, 0]])  # 15/10 and 14/11 together; 15/11 the next month


def _history(last_start: date, extra: int) -> list[dict]:
    """Two theft cases a week in Lê Chân for three years up to the reporting month starting ``last_start``,
    and ``extra`` more inside that month."""
    rows: list[dict] = []
    day = last_start - timedelta(weeks=156)
    n = 0
    while day < last_start + timedelta(days=30):
        for hour in (9, 15):
            n += 1
            rows.append(
                incident(n, occurred_at=f"{day:%d/%m/%Y} {hour}:00", reported_at="", unit_code=LE_CHAN)
            )
        day += timedelta(days=7)
    for k in range(extra):
        n += 1
        spike = last_start + timedelta(days=2 + k % 25)
        rows.append(incident(n, occurred_at=f"{spike:%d/%m/%Y} 20:00", reported_at="", unit_code=LE_CHAN))
    return rows


@pytest.mark.slow  # imports three years of weekly incidents
def test_a_monthly_rise_is_alerted_apart_from_the_weekly_scan_and_closed_the_next_month(
    database, settings, tmp_path
) -> None:
    start, end = date(2026, 10, 15), date(2026, 11, 14)
    path = write_csv(tmp_path / "incidents.csv", _history(start, 14))
    import_incidents(database, settings, SYSTEM, path, now=datetime(2026, 11, 20, tzinfo=UTC))
    result = scan_months(database, SYSTEM, as_of=date(2026, 11, 20))
    assert (result.week_start, result.week_end) == (start, end) and result.method == "noufaily_monthly"
    assert (
        result.alarms == 1 and result.opened + result.still_open == 1
    )  # the import's scan may have opened it
    (alert,) = [a for a in list_alerts(database, ANALYST) if a.subject.startswith("month:")]
    assert (alert.unit_code, alert.subject, alert.period_start, alert.period_end) == (
        LE_CHAN,
        "month:social_order",
        start,
        end,
    )
    assert subject_group(alert.subject) == "social_order"
    observed = alert.figures["observed"]
    assert isinstance(observed, int) and observed >= 8 + 14  # 4–5 weeks of 2, and the 14 more
    assert alert.explanation_vi.startswith(
        f"{observed} vụ tội phạm về trật tự xã hội tại Phường Lê Chân tháng báo cáo 11/2026 (15/10–14/11)"
    )
    scan(database, SYSTEM, as_of=date(2026, 11, 30))  # the weekly scan judges its own subjects only
    assert [a.id for a in list_alerts(database, ANALYST) if a.subject.startswith("month:")] == [alert.id]
    later = scan_months(database, SYSTEM, as_of=date(2026, 12, 20))  # a quiet month: closed
    assert later.closed == 1 and later.alarms == 0
    (closed,) = list_alerts(database, ANALYST, statuses=[AlertStatus.CLOSED])
    assert closed.id == alert.id


def test_the_command_scans_a_reporting_month_and_refuses_articles_with_it(database, cli_env) -> None:
    from tests.cli.test_cli import antt

    done = antt(cli_env, "warn", "scan", "--monthly", "--as-of", "2026-11-20", "--no-mail")
    assert "Tháng báo cáo 11/2026 (15/10–14/11): 1140 chuỗi, 0 cảnh báo mới" in done.stdout
    bad = antt(cli_env, "warn", "scan", "--monthly", "--article", "173", check=False)
    assert bad.returncode == 2 and "--monthly" in bad.stderr and " / " in bad.stderr
