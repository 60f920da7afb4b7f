"""Importing through the web: check (a dry run) → the report → confirm → the history; bad files list every
problem by row and column and write nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from antt.services.staged_imports import staging_dir
from antt.storage.tables import ImportBatch, IncidentRow
from antt.web.app import create_app
from tests.incident_files import incident, write_csv
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as


@pytest.fixture
def client(settings, database):
    with client_as(create_app(settings), database) as c:
        yield c


def count(database, table) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(table))


def upload(client, path, **form):
    with path.open("rb") as fh:
        return client.post(
            "/imports",
            files={"file": (path.name, fh, "text/csv")},
            data={"csrf_token": client.csrf_token, **form},
        )


def test_a_bad_file_lists_every_row_problem_and_writes_nothing(client, database, tmp_path) -> None:
    path = write_csv(
        tmp_path / "tuan-48.csv",
        [incident(1), incident(2, unit_code="99999"), incident(3, occurred_at="31/02/2026 10:00")],
    )
    response = upload(client, path)
    assert response.status_code == 422
    page = response.text
    assert "tuan-48.csv" in page and 'id="issues-table"' in page
    rows = re.findall(r'<tr class="error">\s*<td class="num">(\d+)</td><td>([^<]+)</td>', page)
    assert ("3", "unit_code") in rows and ("4", "occurred_at") in rows
    assert "99999" in page
    assert count(database, IncidentRow) == 0 and count(database, ImportBatch) == 0
    assert not list(staging_dir().glob("*.csv")) or all(  # nothing of this upload is left behind
        "tuan-48" not in p.read_text(encoding="utf-8", errors="ignore") for p in staging_dir().glob("*.name")
    )


def test_check_then_confirm_imports_the_same_bytes_once(client, database, tmp_path) -> None:
    path = write_csv(tmp_path / "ok.csv", [incident(1), incident(2, unit_code="11383")])
    checked = upload(client, path, source="web-test")
    assert checked.status_code == 200 and "Xác nhận nhập dữ liệu" in checked.text
    assert count(database, IncidentRow) == 0  # a check writes nothing
    token = re.search(r'name="token" value="([0-9a-f]{32})"', checked.text).group(1)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', checked.text).group(1)
    form = {
        "token": token,
        "sha256": sha,
        "kind": "incidents",
        "source": "web-test",
        "csrf_token": client.csrf_token,
    }
    done = client.post("/imports/confirm", data=form)
    assert done.status_code == 200 and "Đã nhập tệp ok.csv" in done.text
    assert count(database, IncidentRow) == 2
    assert re.search(r'id="history-table".*ok\.csv', done.text, re.S)
    again = client.post("/imports/confirm", data=form)  # the staged file is gone once imported
    assert again.status_code == 404 and count(database, ImportBatch) == 1


def test_a_confirmation_must_name_the_checked_bytes(client, tmp_path) -> None:
    path = write_csv(tmp_path / "ok.csv", [incident(1)])
    checked = upload(client, path).text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', checked).group(1)
    wrong = client.post(
        "/imports/confirm", data={"token": token, "sha256": "0" * 64, "csrf_token": client.csrf_token}
    )
    assert wrong.status_code == 404
    forged = client.post(
        "/imports/confirm",
        data={"token": "../../etc/passwd", "sha256": "0" * 64, "csrf_token": client.csrf_token},
    )
    assert forged.status_code in (404, 422)


def test_only_spreadsheets_and_csv_are_accepted(client, tmp_path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK\x03\x04")
    with path.open("rb") as fh:
        response = client.post(
            "/imports",
            files={"file": (path.name, fh, "application/octet-stream")},
            data={"csrf_token": client.csrf_token},
        )
    assert response.status_code == 422 and ".xlsx" in response.text


def test_a_new_import_refreshes_the_cached_figures(client, database, tmp_path) -> None:
    from antt.services.data_cache import cached

    calls = []
    first = cached(database, "k", lambda: calls.append(1) or len(calls))
    assert first == 1 or count(database, ImportBatch) == 0
    upload_and_confirm(client, write_csv(tmp_path / "a.csv", [incident(1)]))
    a = cached(database, "k", lambda: calls.append(1) or len(calls))
    assert cached(database, "k", lambda: calls.append(1) or len(calls)) == a  # kept while the data stays
    upload_and_confirm(client, write_csv(tmp_path / "b.csv", [incident(2)]))
    assert cached(database, "k", lambda: calls.append(1) or len(calls)) == a + 1  # recomputed after an import


def upload_and_confirm(client, path) -> None:
    checked = upload(client, path).text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', checked).group(1)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', checked).group(1)
    form = {"token": token, "sha256": sha, "csrf_token": client.csrf_token}
    assert client.post("/imports/confirm", data=form).status_code == 200


@pytest.mark.slow  # imports two years of weekly incidents
def test_the_early_warning_scan_runs_after_a_web_import_once_the_page_is_sent(
    client, database, tmp_path
) -> None:
    """The web runs the scan after its answer (the importer does not wait for it), and it still runs."""
    from antt.domain.periods import today_local
    from antt.services.alerts import list_alerts
    from antt.services.warn import last_complete_week
    from tests.services.test_alerts import ANALYST, _history

    monday, _ = last_complete_week(today_local())
    upload_and_confirm(client, write_csv(tmp_path / "weeks.csv", _history(110, 12, monday)))
    (alert,) = list_alerts(database, ANALYST)
    assert (alert.unit_code, alert.subject, alert.figures["observed"]) == ("11383", "social_order", 12)
    assert [r.actor for r in audit_records(database, "warn.scan")] == ["import"]
