"""The shared alert store (issues 13–15) and the weekly early-warning scan, on a real database: stored
once per (kind, unit, subject, week), listed in the actor's communes, sensitive figures withheld from roles
without the privilege, acknowledged with the action taken (audited), closed when the series falls back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from antt.domain.access import Actor, Grant, Role
from antt.domain.alerts import AlertCandidate, AlertStatus
from antt.domain.periods import today_local
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antt.services.alerts import acknowledge, list_alerts, store_alerts
from antt.services.imports import import_incidents
from antt.services.warn import judged_week, last_complete_week, scan
from tests.incident_files import incident, write_csv
from tests.user_fixtures import audit_records

SCHEME = "2025-07"
LE_CHAN, HONG_BANG = "11383", "11311"
SYSTEM = Actor.system("test")
ANALYST = Actor.for_user("analyst", [Grant.city(Role.ANALYST)])
OFFICER = Actor.for_user("le-chan-officer", [Grant.on(Role.COMMUNE_OFFICER, (SCHEME, LE_CHAN))])
ADMIN = Actor.for_user("admin", [Grant.city(Role.ADMINISTRATOR)])
WEEK = date(2026, 11, 23)


def candidate(
    unit: str, subject: str = "economic", observed: int = 11, kind: str = "rise", **extra
) -> AlertCandidate:
    return AlertCandidate(
        kind=kind,
        scheme=SCHEME,
        unit_code=unit,
        subject=subject,
        period_start=WEEK,
        period_end=WEEK + timedelta(days=6),
        figures={"observed": observed, "expected": 4.1, "threshold": 8.6},
        explanation_vi=f"{observed} vụ tuần 23–29/11, dự kiến 4,1 (ngưỡng 8,6).",
        explanation_en=f"{observed} cases in the week 23–29/11, 4.1 expected (threshold 8.6).",
        **extra,
    )


def test_an_alert_is_stored_once_and_listed_only_in_the_actors_communes(database) -> None:
    new, _ = store_alerts(database, SYSTEM, [candidate(LE_CHAN), candidate(HONG_BANG)])
    assert len(new) == 2
    again, updated = store_alerts(database, SYSTEM, [candidate(LE_CHAN, observed=12)])
    assert again == [] and len(updated) == 1
    city = list_alerts(database, ANALYST)
    assert {a.unit_code for a in city} == {LE_CHAN, HONG_BANG}
    mine = list_alerts(database, OFFICER)
    assert [a.unit_code for a in mine] == [LE_CHAN] and mine[0].figures["observed"] == 12
    assert list_alerts(database, OFFICER, unit_code=HONG_BANG) == []
    with pytest.raises(PermissionDenied):
        store_alerts(database, ADMIN, [candidate(LE_CHAN)])


def test_acknowledging_records_who_when_and_the_action_and_is_audited(database) -> None:
    (le_chan, hong_bang), _ = store_alerts(database, SYSTEM, [candidate(LE_CHAN), candidate(HONG_BANG)])
    with pytest.raises(NotFound):  # another commune's alert does not exist for the officer
        acknowledge(database, OFFICER, hong_bang, "Tăng tuần tra")
    with pytest.raises(InvalidInput):
        acknowledge(database, OFFICER, le_chan, "   ")
    done = acknowledge(database, OFFICER, le_chan, "Tăng cường tuần tra khu chợ")
    assert done.status is AlertStatus.ACKNOWLEDGED and done.acknowledged_by == "le-chan-officer"
    assert done.action_taken == "Tăng cường tuần tra khu chợ" and done.acknowledged_at is not None
    with pytest.raises(Conflict):
        acknowledge(database, ANALYST, le_chan, "again")
    records = audit_records(database, "alert.acknowledge")
    assert [(r.actor, r.target, r.outcome) for r in records] == [
        ("le-chan-officer", f"alert:{le_chan}", "ok")
    ]
    assert records[0].details["action_taken"] == "Tăng cường tuần tra khu chợ"
    with pytest.raises(PermissionDenied):  # an administrator sees the dashboard, not the incidents
        acknowledge(database, ADMIN, hong_bang, "x")
    assert audit_records(database, "alert.acknowledge")[-1].outcome == "denied"


def test_a_sensitive_alert_keeps_its_figures_from_a_role_without_the_privilege(database) -> None:
    store_alerts(database, SYSTEM, [candidate(LE_CHAN, subject="drugs", observed=3, sensitive=True)])
    (seen,) = list_alerts(database, ANALYST)
    assert seen.figures["observed"] == 3 and not seen.withheld
    (hidden,) = list_alerts(database, OFFICER)
    assert hidden.withheld and hidden.figures == {} and "3" not in hidden.explanation_vi


def test_an_alert_counting_sexual_offences_keeps_its_figures_from_a_role_without_the_privilege(
    database,
) -> None:
    """Rule 2: the social-order week counts sexual offences; the officer's own CompStat of that week does
    not, so the difference would give them back. An article-141 alert is not there at all for them."""
    store_alerts(
        database,
        SYSTEM,
        [candidate(LE_CHAN, subject="social_order", observed=9), candidate(LE_CHAN, subject="article:141")],
    )
    assert {a.subject for a in list_alerts(database, ANALYST)} == {"social_order", "article:141"}
    (hidden,) = list_alerts(database, OFFICER)
    assert hidden.subject == "social_order" and hidden.withheld and hidden.figures == {}
    assert "9" not in hidden.explanation_vi


def test_a_group_growth_alert_is_seen_only_with_the_networks_privilege(database) -> None:
    growth = candidate(LE_CHAN, subject="g7/new_commune", kind="group_growth")
    (found,), _ = store_alerts(database, SYSTEM, [growth])
    assert [a.id for a in list_alerts(database, ANALYST)] == [found]
    assert list_alerts(database, OFFICER) == [] and list_alerts(database, ADMIN) == []
    with pytest.raises(NotFound):
        acknowledge(database, OFFICER, found, "Xác minh nhóm")
    # reading a group's alert is reading person-level data: audited, by alert id, for the analyst only
    from sqlalchemy import select

    from antt.storage.tables import AuditRecord

    with database.transaction(write=False) as session:
        reads = session.scalars(select(AuditRecord).where(AuditRecord.action == "networks.alerts")).all()
    assert [(r.actor, r.details["ids"]) for r in reads] == [(ANALYST.name, [found])]


def test_the_limit_counts_the_alerts_shown_not_those_withheld_before_them(database) -> None:
    """Three newer group alerts the officer may not see come first in the store's order: with a limit of
    two, the officer still gets their two rise alerts."""
    older = [
        replace(candidate(LE_CHAN, subject=s), period_start=WEEK - timedelta(weeks=1))
        for s in ("economic", "drugs")
    ]
    hidden = [candidate(LE_CHAN, subject=f"g{k}/new_member", kind="group_growth") for k in range(3)]
    store_alerts(database, SYSTEM, older + hidden)
    shown = list_alerts(database, OFFICER, limit=2)
    assert sorted(a.subject for a in shown) == ["drugs", "economic"]
    assert len(list_alerts(database, ANALYST, limit=2)) == 2


def _history(weeks: int, spike: int, last_monday: date) -> list[dict]:
    """Two theft cases every week in Lê Chân for ``weeks`` weeks, then ``spike`` in the last one."""
    rows: list[dict] = []
    n = 0
    for w in range(weeks, -1, -1):
        monday = last_monday - timedelta(weeks=w)
        for k in range(spike if w == 0 else 2):
            n += 1
            day = monday + timedelta(days=k % 7)
            rows.append(
                incident(
                    n, occurred_at=f"{day:%d/%m/%Y} 10:00", reported_at="", unit_code=LE_CHAN, article="173.1"
                )
            )
    return rows


@pytest.mark.slow  # imports two years of weekly incidents
def test_the_scan_raises_a_rise_alert_explained_in_words_and_closes_it_when_the_series_falls_back(
    database, settings, tmp_path
) -> None:
    as_of = date(2026, 11, 30)
    monday, sunday = judged_week(as_of)
    assert (monday, sunday) == (date(2026, 11, 23), date(2026, 11, 29))
    path = write_csv(tmp_path / "incidents.csv", _history(110, 12, monday))
    import_incidents(database, settings, SYSTEM, path, now=datetime(2026, 11, 30, tzinfo=timezone.utc))
    result = scan(database, SYSTEM, as_of=as_of)
    # the import's own scan (as of today) may have opened it already when today's week is that week
    assert result.alarms == 1 and result.opened + result.still_open == 1
    (alert,) = list_alerts(database, ANALYST)
    assert (alert.unit_code, alert.subject, alert.period_start) == (LE_CHAN, "social_order", monday)
    assert alert.figures["observed"] == 12 and alert.figures["expected"] == pytest.approx(2.0, abs=0.2)
    assert alert.explanation_vi.startswith(
        "12 vụ tội phạm về trật tự xã hội tại Phường Lê Chân tuần 23–29/11"
    )
    assert "dự kiến 2" in alert.explanation_vi and "ngưỡng" in alert.explanation_vi
    # the next week, nothing happened: the rise alert is closed
    later = scan(database, SYSTEM, as_of=as_of + timedelta(days=7))
    assert later.closed == 1
    (closed,) = list_alerts(database, ANALYST, statuses=[AlertStatus.CLOSED])
    assert closed.id == alert.id and closed.closed_at is not None
    with pytest.raises(PermissionDenied):
        scan(database, ANALYST, as_of=as_of)


@pytest.mark.slow  # imports two years of weekly incidents
def test_an_import_scans_after_it_commits_and_a_failed_scan_never_fails_the_import(
    database, settings, tmp_path, caplog
) -> None:
    """No ``antt warn scan``: the import itself raises the alert of today's last complete week. Then, with
    the alerts table gone (the scan fails after the import has committed), the next import still
    succeeds and its incidents are there."""
    monday, _ = last_complete_week(today_local())
    rows = _history(110, 12, monday)
    import_incidents(database, settings, SYSTEM, write_csv(tmp_path / "a.csv", rows))
    (alert,) = list_alerts(database, ANALYST)
    assert (alert.unit_code, alert.subject, alert.period_start) == (LE_CHAN, "social_order", monday)
    assert alert.figures["observed"] == 12
    assert [r.actor for r in audit_records(database, "warn.scan")] == ["import"]
    with database.transaction() as session:
        session.execute(text("ALTER TABLE alerts RENAME TO alerts_away"))
    try:
        more = [dict(r, source_id=f"{r['source_id']}-B") for r in rows[-3:]]
        summary = import_incidents(database, settings, SYSTEM, write_csv(tmp_path / "b.csv", more))
    finally:
        with database.transaction() as session:
            session.execute(text("ALTER TABLE alerts_away RENAME TO alerts"))
    assert summary.new == 3
    assert "scan after import failed" in caplog.text  # it did fail, and the import stood
    with database.transaction(write=False) as session:
        assert session.execute(text("SELECT count(*) FROM incidents")).scalar_one() == len(rows) + 3


@pytest.mark.slow  # imports two years of weekly incidents
def test_series_by_article_on_demand_raise_their_own_alerts_and_leave_the_groups_alone(
    database, settings, tmp_path, cli_env
) -> None:
    as_of = date(2026, 11, 30)
    monday, _ = judged_week(as_of)
    import_incidents(database, settings, SYSTEM, write_csv(tmp_path / "a.csv", _history(110, 12, monday)))
    scan(database, SYSTEM, as_of=as_of)  # the commune × group alert (if the import's scan had not)
    result = scan(database, SYSTEM, as_of=as_of, articles=["Điều 173", "174"])
    assert result.series == 114 * 2 and result.alarms == 1 and result.opened == 1
    alerts = {a.subject: a for a in list_alerts(database, ANALYST)}
    assert set(alerts) == {"social_order", "article:173"}  # the article scan closed no group alert
    article = alerts["article:173"]
    assert (
        article.figures["observed"] == 12
        and "12 vụ tội trộm cắp tài sản (Điều 173) tại" in article.explanation_vi
    )
    assert "article 173" in article.explanation_en
    # the next week: the group scan closes only the group alert, the article scan only the article's
    scan(database, SYSTEM, as_of=as_of + timedelta(days=7))
    assert {a.subject for a in list_alerts(database, ANALYST)} == {"article:173"}
    with pytest.raises(InvalidInput):
        scan(database, SYSTEM, as_of=as_of, articles=["999"])
    from tests.cli.test_cli import antt

    bad = antt(cli_env, "warn", "scan", "--as-of", "2026-11-30", "--article", "999", check=False)
    assert bad.returncode == 2 and "999" in bad.stderr and " / " in bad.stderr
