"""The overview warns administrators — and only them — when the newest backup is older than
``ANTT_BACKUP_MAX_AGE_HOURS`` (default 26) or there is none."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from antt.domain.access import Actor
from antt.services.backup import backup_database, overdue_backup
from antt.settings import load_settings
from antt.storage import audit
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.signed_in import client_as

NOW = datetime(2026, 4, 20, 9, 0, tzinfo=timezone.utc)
WARNING = 'data-testid="backup-overdue"'


def admin() -> Actor:
    return Actor.system("t")  # the system actor may do everything, administrators' rights included


def backed_up(database, at: datetime, outcome: str = "success") -> None:
    with database.transaction() as s:
        audit.append(s, actor="cli:t", action="db.backup", outcome=outcome, obj="database", at=at)


def test_no_backup_at_all_is_overdue(database) -> None:
    found = overdue_backup(database, admin(), now=NOW)
    assert found is not None and found.last_at is None and found.max_age_hours == 26


def test_a_backup_within_the_age_is_not_overdue_and_an_older_one_is(database) -> None:
    backed_up(database, NOW - timedelta(hours=27))
    backed_up(database, NOW - timedelta(hours=1), outcome="failure")  # a failed one does not count
    found = overdue_backup(database, admin(), now=NOW)
    assert found is not None and found.last_at == (NOW - timedelta(hours=27)).replace(tzinfo=None)
    backed_up(database, NOW - timedelta(hours=25))
    assert overdue_backup(database, admin(), now=NOW) is None


def test_the_age_is_configured(settings, database) -> None:
    backed_up(database, NOW - timedelta(hours=5))
    strict = settings.model_copy(update={"backup_max_age_hours": 4.0})
    database.settings = strict
    found = overdue_backup(database, admin(), now=NOW)
    assert found is not None and found.max_age_hours == 4


def test_the_setting_is_read_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("ANTT_BACKUP_MAX_AGE_HOURS", "48")
    assert load_settings(pseudonym_key=TEST_KEY).backup_max_age_hours == 48


def test_only_those_who_manage_users_are_told(database) -> None:
    assert overdue_backup(database, Actor("someone"), now=NOW) is None  # no grants: no right


@pytest.fixture
def app(settings):
    return create_app(settings)


def test_the_overview_warns_an_administrator_until_a_backup_is_taken(app, database, tmp_path) -> None:
    with client_as(app, database, "administrator") as client:
        page = client.get("/").text
        assert WARNING in page and "chưa từng được sao lưu" in page
        backed_up(database, datetime.now(timezone.utc) - timedelta(days=3))
        page = client.get("/").text
        assert WARNING in page and "đã quá 26 giờ" in page
        backup_database(database, tmp_path, operator="cli:t")
        assert WARNING not in client.get("/").text


@pytest.mark.parametrize("role", ["leader", "analyst", "commune_officer"])
def test_the_overview_says_nothing_of_backups_to_others(app, database, role) -> None:
    with client_as(app, database, role, ("11311",) if role == "commune_officer" else ()) as client:
        page = client.get("/")
    assert page.status_code == 200 and WARNING not in page.text
