"""``/alerts`` with data, through the web: the list and its filters, an acknowledgement (POST + CSRF,
audited), a commune officer who sees only their commune's alerts (another's is 404) and a sensitive
alert without its figures; and the open alerts at the top of the overview."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from antt.domain.access import Actor
from antt.domain.alerts import AlertCandidate
from antt.services.alerts import store_alerts
from antt.web.app import create_app
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as

SCHEME = "2025-07"
LE_CHAN, HONG_BANG = "11383", "11311"
WEEK = date(2026, 11, 23)


def candidate(unit: str, subject: str, observed: int, *, sensitive: bool = False) -> AlertCandidate:
    return AlertCandidate(
        kind="rise",
        scheme=SCHEME,
        unit_code=unit,
        subject=subject,
        period_start=WEEK,
        period_end=WEEK + timedelta(days=6),
        figures={"observed": observed, "expected": 4.1, "threshold": 8.6},
        explanation_vi=f"{observed} vụ tuần 23–29/11, dự kiến 4,1 (ngưỡng 8,6).",
        explanation_en=f"{observed} cases in the week 23–29/11, 4.1 expected (threshold 8.6).",
        sensitive=sensitive,
    )


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def stored(database) -> dict[str, int]:
    (le_chan, hong_bang, drugs), _ = store_alerts(
        database,
        Actor.system("test"),
        [
            candidate(LE_CHAN, "social_order", 11),
            candidate(HONG_BANG, "economic", 7),
            candidate(LE_CHAN, "drugs", 3, sensitive=True),
        ],
    )
    return {"le_chan": le_chan, "hong_bang": hong_bang, "drugs": drugs}


def rows(page: str) -> dict[int, str]:
    return {int(i): body for i, body in re.findall(r'<tr data-alert="(\d+)">(.*?)</tr>', page, re.S)}


def test_the_list_filters_by_commune_group_and_status(app, database, stored) -> None:
    with client_as(app, database, "analyst") as analyst:
        page = analyst.get("/alerts")
        assert page.status_code == 200
        assert set(rows(page.text)) == set(stored.values())
        le_chan = rows(page.text)[stored["le_chan"]]
        assert "11 vụ tuần 23–29/11" in le_chan and "Phường Lê Chân" in le_chan
        assert f"unit={LE_CHAN}&amp;group=social_order" in le_chan  # its incidents and CompStat
        assert set(rows(analyst.get(f"/alerts?unit={HONG_BANG}").text)) == {stored["hong_bang"]}
        assert set(rows(analyst.get("/alerts?group=drugs").text)) == {stored["drugs"]}
        assert rows(analyst.get("/alerts?status=closed").text) == {}


def test_an_officer_acknowledges_their_communes_alert_with_csrf_and_it_is_audited(
    app, database, stored
) -> None:
    with client_as(app, database, "commune_officer", (LE_CHAN,)) as officer:
        page = officer.get("/alerts")
        seen = rows(page.text)
        assert set(seen) == {stored["le_chan"], stored["drugs"]}  # not Hồng Bàng's
        assert "3 vụ" not in seen[stored["drugs"]] and "được bảo vệ" in seen[stored["drugs"]]
        assert officer.get(f"/alerts?unit={HONG_BANG}").status_code == 404
        url = f"/alerts/{stored['le_chan']}/acknowledge"
        refused = officer.post(url, data={"action_taken": "Tuần tra"}, follow_redirects=False)
        assert refused.status_code in (400, 403)
        assert audit_records(database, "alert.acknowledge") == []
        other = officer.post(
            f"/alerts/{stored['hong_bang']}/acknowledge",
            data={"action_taken": "x", "csrf_token": officer.csrf_token},
            follow_redirects=False,
        )
        assert other.status_code == 404
        empty = officer.post(url, data={"action_taken": " ", "csrf_token": officer.csrf_token})
        assert empty.status_code == 422 and "biện pháp" in empty.text
        done = officer.post(
            url,
            data={"action_taken": "Tăng cường tuần tra khu chợ Sắt", "csrf_token": officer.csrf_token},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/alerts?done=ack"
        after = rows(officer.get("/alerts?status=acknowledged").text)
        assert (
            set(after) == {stored["le_chan"]}
            and "Tăng cường tuần tra khu chợ Sắt" in after[stored["le_chan"]]
        )
    (record,) = audit_records(database, "alert.acknowledge")
    assert record.outcome == "ok" and record.target == f"alert:{stored['le_chan']}"
    assert record.details["action_taken"] == "Tăng cường tuần tra khu chợ Sắt"


def test_the_overview_shows_the_open_alerts_the_reader_may_see(app, database, stored) -> None:
    with client_as(app, database, "commune_officer", (LE_CHAN,)) as officer:
        page = officer.get("/").text
    panel = re.search(r'data-testid="open-alerts">(.*?)</section>', page, re.S)
    assert panel, "no open-alerts panel"
    items = dict(re.findall(r'<li data-alert="(\d+)">(.*?)</li>', panel.group(1)))
    assert set(map(int, items)) == {stored["le_chan"], stored["drugs"]}
    assert "3 vụ" not in items[str(stored["drugs"])]
    with client_as(app, database, "analyst") as analyst:
        assert f'data-alert="{stored["hong_bang"]}"' in analyst.get("/").text


def test_a_monthly_alert_reads_as_its_group_over_a_reporting_month_and_links_to_the_group(
    app, database
) -> None:
    (monthly,), _ = store_alerts(database, Actor.system("test"), [candidate(HONG_BANG, "month:economic", 19)])
    with client_as(app, database, "analyst") as analyst:
        row = rows(analyst.get("/alerts").text)[monthly]
    assert "(tháng báo cáo)" in row and "month:" not in row.replace("group=", "")
    assert "&amp;group=economic" in row  # its incidents and CompStat: the group's
