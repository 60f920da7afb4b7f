"""Part I.8 of the monthly report (issue 13): the early-warning alerts of the period, each with what became
of it, in the author's scope; none is said too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from antt.domain.access import Actor
from antt.domain.alerts import Alert, AlertStatus
from antt.domain.periods import parse_period
from antt.services.alerts import acknowledge, list_alerts, store_alerts
from antt.services.report_content import MAX_ALERT_LINES, alert_lines, alert_phrase
from antt.services.reports import build_report
from tests.reports.test_report_files import part, texts_of
from tests.services.test_alerts import ANALYST, HONG_BANG, LE_CHAN, SYSTEM, WEEK, candidate

PERIOD = parse_period("report-month:2026-12")  # 15/11 – 14/12/2026, holding the week 23–29/11
AS_OF = date(2026, 11, 30)


def alerts_part(database, actor: Actor, unit_code: str | None = None) -> list[str]:
    report = build_report(database, actor, PERIOD, unit_code=unit_code, as_of=AS_OF)
    return texts_of(part(report, "8. Cảnh báo sớm"))


def test_the_report_states_the_periods_alerts_and_the_action_taken(database) -> None:
    early = replace(candidate(HONG_BANG), period_start=date(2026, 10, 5), period_end=date(2026, 10, 11))
    store_alerts(
        database, SYSTEM, [candidate(LE_CHAN), candidate(LE_CHAN, "social_order", observed=7), early]
    )
    (theft,) = [
        a for a in list_alerts(database, ANALYST) if (a.unit_code, a.subject) == (LE_CHAN, "economic")
    ]
    acknowledge(database, ANALYST, theft.id, "Tăng cường tuần tra\nban đêm")
    head, *lines = alerts_part(database, ANALYST)
    assert head.startswith("Trong kỳ, hệ thống cảnh báo sớm phát hiện 2 trường hợp") and "tại 1 xã" in head
    taken = f"{datetime.now(timezone.utc) + timedelta(hours=7):%d/%m/%Y}"
    assert lines == [
        f"- 11 vụ tuần 23–29/11, dự kiến 4,1 (ngưỡng 8,6) (đã tiếp nhận ngày {taken}, biện pháp: Tăng cường "
        "tuần tra ban đêm).",
        "- 7 vụ tuần 23–29/11, dự kiến 4,1 (ngưỡng 8,6) (chưa tiếp nhận).",
    ]  # Hồng Bàng's alert of October is outside the period
    assert alerts_part(database, ANALYST, unit_code=HONG_BANG) == [
        "Trong kỳ, hệ thống cảnh báo sớm không phát hiện số vụ tăng vượt ngưỡng ở xã, phường nào."
    ]


def _alert(**changes) -> Alert:
    base = Alert(
        1, "rise", "2025-07", LE_CHAN, "economic", WEEK, WEEK + timedelta(days=6), {}, "11 vụ tuần 23–29/11.",
        "11 cases.", False, AlertStatus.OPEN, datetime(2026, 11, 30, 1, 0),
    )  # fmt: skip
    return replace(base, **changes)


def test_an_alert_that_ended_unacknowledged_says_so_and_a_long_list_is_counted() -> None:
    closed = _alert(status=AlertStatus.CLOSED, closed_at=datetime(2026, 12, 6, 18, 0))  # 01:00 on 7/12 local
    assert alert_phrase(closed) == "- 11 vụ tuần 23–29/11 (đã trở lại dưới ngưỡng ngày 07/12/2026)."
    many = alert_lines([_alert(id=k) for k in range(MAX_ALERT_LINES + 3)])
    assert len(many) == 1 + MAX_ALERT_LINES + 1 and many[-1] == "- Và 3 cảnh báo khác (xem trang Cảnh báo)."
    assert "tại 1 xã, phường" in many[0]
