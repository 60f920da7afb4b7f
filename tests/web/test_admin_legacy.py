"""The old system's accounts on ``/admin/users``: upload → report → confirm (administrator only, POST with
the CSRF token), the links taken over with their date, the refusals listed for review, and the share of
users on the e-ID."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from antt.services.users import sign_in
from antt.storage.tables import ImportBatch, UserRow
from antt.web.app import create_app
from tests.legacy_files import AN_ID, BAD_ROWS, GOOD_ROWS, TWIN_ID, write_legacy_csv
from tests.user_fixtures import T0, audit_records, identity
from tests.web.signed_in import client_as


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def admin(app, database):
    with client_as(app, database, "administrator") as client:
        yield client


def legacy_count(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(UserRow).where(UserRow.legacy.is_(True)))


def upload(client, path, **extra):
    with path.open("rb") as fh:
        return client.post(
            "/admin/users/legacy",
            files={"file": (path.name, fh, "text/csv")},
            data={"csrf_token": client.csrf_token, **extra},
        )


def test_a_bad_file_lists_every_problem_and_writes_nothing(admin, database, tmp_path) -> None:
    response = upload(admin, write_legacy_csv(tmp_path / "cu.csv", BAD_ROWS))
    assert response.status_code == 422
    page = response.text
    assert 'id="legacy-issues"' in page and "cu.csv" in page
    rows = set(re.findall(r'<tr class="error">\s*<td class="num">(\d+)</td><td>([^<]+)</td>', page))
    assert {
        ("3", "old_login"),
        ("4", "personal_id"),
        ("4", "communes"),
        ("5", "role"),
        ("6", "communes"),
    } <= rows
    assert "Tên đăng nhập trùng với dòng 2." in page  # Vietnamese by default
    assert "03109000555" not in page and "********555" in page
    assert legacy_count(database) == 0
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_check_then_confirm_imports_the_accounts_once(admin, database, tmp_path) -> None:
    checked = upload(admin, write_legacy_csv(tmp_path / "cu.csv", GOOD_ROWS))
    assert checked.status_code == 200 and "/admin/users/legacy/confirm" in checked.text
    assert legacy_count(database) == 0  # a check writes nothing
    token = re.search(r'name="token" value="([0-9a-f]{32})"', checked.text).group(1)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', checked.text).group(1)
    done = admin.post(
        "/admin/users/legacy/confirm", data={"csrf_token": admin.csrf_token, "token": token, "sha256": sha}
    )
    assert done.status_code == 200 and 'data-testid="legacy-new">6<' in done.text
    assert legacy_count(database) == 6
    [record] = audit_records(database, "import.legacy_users")
    assert record.actor.startswith("user:") and record.details["client"] == "testclient"
    # the same bytes cannot be imported twice from one check
    again = admin.post(
        "/admin/users/legacy/confirm", data={"csrf_token": admin.csrf_token, "token": token, "sha256": sha}
    )
    assert again.status_code == 404


def test_links_reviews_and_the_share_on_the_e_id_are_shown(admin, database, settings, tmp_path) -> None:
    checked = upload(admin, write_legacy_csv(tmp_path / "cu.csv", GOOD_ROWS))
    token = re.search(r'name="token" value="([0-9a-f]{32})"', checked.text).group(1)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', checked.text).group(1)
    admin.post(
        "/admin/users/legacy/confirm", data={"csrf_token": admin.csrf_token, "token": token, "sha256": sha}
    )
    sign_in(database, settings, identity("eid-an", personal_id=AN_ID, name="Nguyễn Văn An"), "", T0)
    with pytest.raises(Exception, match="no access"):
        sign_in(database, settings, identity("eid-duc", personal_id=TWIN_ID, name="Phạm Minh Đức"), "", T0)
    page = admin.get("/admin/users").text
    link = re.search(r'<tr data-login="nva.lechan">(.*?)</tr>', page, re.S).group(1)
    assert "Nguyễn Văn An" in link and "28/11/2026 08:00" in link  # the date, in Hải Phòng time
    review = re.search(r'<table class="data" id="link-reviews">(.*?)</table>', page, re.S).group(1)
    assert 'data-reason="several_accounts"' in review and "pmd.one, pmd.two" in review
    assert "Có từ hai tài khoản cũ cùng số định danh" in review
    # e-ID users with a role: the administrator and An (2); old accounts active and not taken over:
    # ttb.city, pmd.one, pmd.two, htl.multi (4) — 2 of 6
    assert re.search(r'data-testid="eid-share">33,3%<', page)
    admin.cookies.set("antt_lang", "en")
    english = admin.get("/admin/users").text
    assert "Two or more legacy accounts have this personal id" in english


def test_only_an_administrator_may_upload_and_only_with_the_csrf_token(app, database, tmp_path) -> None:
    path = write_legacy_csv(tmp_path / "cu.csv", GOOD_ROWS)
    with client_as(app, database, "analyst") as analyst:
        assert upload(analyst, path).status_code == 403
    with client_as(app, database, "administrator", subject="admin-2") as admin:
        with path.open("rb") as fh:
            forged = admin.post("/admin/users/legacy", files={"file": ("cu.csv", fh, "text/csv")})
        assert forged.status_code == 403
    with client_as(app, database, "administrator", units=("11383",)) as commune_admin:
        assert upload(commune_admin, path).status_code == 403  # a city-wide administrator's task
    assert legacy_count(database) == 0
