"""The pages' cache (antt.services.data_cache), as the web server's workers use it: one folder shared by
the workers, keyed by the data version. A cached page must change after an import and after a target
change, a CompStat region rendered once serves every session with its own CSRF token, and what another
worker computed is read rather than computed again."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from antt.domain.access import Actor
from antt.services import data_cache
from antt.services.imports import import_incidents
from antt.web.app import create_app
from antt.web.pages.compstat import CSRF_MARK
from tests.incident_files import incident, write_csv
from tests.web.signed_in import client_as

REGION = {"HX-Request": "true", "HX-Target": "compstat"}
QUERY = (
    "/compstat?period=&from=01/03/2026&to=31/03/2026&compare=previous-period&group=all&unit=&measure=count"
)
CRIME = "social-order-crime-reduction"
PLAN = {
    "target_id": CRIME,
    "max_ratio": "0,93",
    "document_number": "15/KH-UBND",
    "issued": "2026-01-10",
    "issuer": "Ủy ban nhân dân thành phố Hải Phòng",
    "document_title": "Kế hoạch phòng, chống tội phạm năm 2026",
    "wording": "Kéo giảm ít nhất 7% số vụ phạm tội về trật tự xã hội so với năm 2025",
}


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """A folder shared as the server's workers share it, and this process's own entries forgotten."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv(data_cache.SHARED_ENV, str(folder))
    data_cache.clear()
    yield folder
    data_cache.clear()


@pytest.fixture
def app(settings):
    return create_app(settings)


def load(database, settings, tmp_path, name: str, rows) -> None:
    import_incidents(database, settings, Actor.system("test-analyst"), write_csv(tmp_path / name, rows))


def hong_bang_count(region: str) -> str:
    found = re.search(r'<tr data-unit="11311"[^>]*>.*?<td class="num"><a [^>]*>([^<]+)</a>', region, re.S)
    assert found, "Hồng Bàng's row"
    return found.group(1)


def test_the_compstat_region_is_shared_by_sessions_each_with_its_own_csrf_token_and_changes_after_an_import(
    app, database, settings, tmp_path, shared
) -> None:
    load(database, settings, tmp_path, "a.csv", [incident(1)])
    with (
        client_as(app, database, subject="first") as first,
        client_as(app, database, subject="second") as other,
    ):
        seen = first.get(QUERY, headers=REGION)
        assert seen.status_code == 200 and "<html" not in seen.text
        files = set(os.listdir(shared))
        assert any(name.endswith(".pickle") for name in files)  # written for the other workers
        again = other.get(QUERY, headers=REGION)
        assert set(os.listdir(shared)) == files  # read, not computed and written again
        for client, response in ((first, seen), (other, again)):
            tokens = re.findall(r'name="csrf_token" value="([^"]*)"', response.text)
            assert tokens == [client.csrf_token]
        assert CSRF_MARK not in again.text
        assert again.text.replace(other.csrf_token, first.csrf_token) == seen.text
        assert hong_bang_count(seen.text) == "1"

        load(
            database,
            settings,
            tmp_path,
            "b.csv",
            [incident(2, occurred_at="07/03/2026 09:00", reported_at="07/03/2026 10:00")],
        )
        after = first.get(QUERY, headers=REGION)
        assert hong_bang_count(after.text) == "2"  # a new import is a new data version
        assert not files & set(os.listdir(shared))  # the older version's files are gone
        full = other.get(QUERY)  # the whole page (the same region in the layout) agrees
        assert hong_bang_count(full.text) == "2" and other.csrf_token in full.text


def test_the_commune_page_changes_after_a_target_change(app, database, settings, tmp_path, shared) -> None:
    load(database, settings, tmp_path, "a.csv", [incident(1)])
    with client_as(app, database, "administrator") as admin, client_as(app, database, "leader") as leader:
        before = leader.get("/units/11311").text
        assert leader.get("/units/11311").text == before  # kept while nothing changes
        done = admin.post(
            "/admin/targets", data={**PLAN, "csrf_token": admin.csrf_token}, follow_redirects=False
        )
        assert done.status_code == 303
        after = leader.get("/units/11311").text
    assert after != before
    assert after.count("data-source-status=") == before.count("data-source-status=") - 1  # now documented


def test_what_another_worker_computed_is_read_not_computed_again(
    database, settings, tmp_path, shared
) -> None:
    load(database, settings, tmp_path, "a.csv", [incident(1)])
    calls: list[int] = []
    key = ("test", frozenset({"11311", "11383"}), None)
    assert data_cache.cached(database, key, lambda: calls.append(1) or {"figure": 1}) == {"figure": 1}
    data_cache.clear()  # as another worker: nothing of its own
    assert data_cache.cached(database, key, lambda: calls.append(1) or {"figure": 2}) == {"figure": 1}
    assert calls == [1]
    load(database, settings, tmp_path, "b.csv", [incident(2)])
    assert data_cache.cached(database, key, lambda: calls.append(1) or {"figure": 3}) == {"figure": 3}


def test_a_key_reads_the_same_in_every_process() -> None:
    """A frozenset's order follows string hashing, which each process seeds differently."""
    code = (
        "from datetime import date; from antt.services.data_cache import canonical;"
        "print(canonical(('k', frozenset({'11311', '11383', '11400', '11401', '11404'}), date(2026, 3, 1))))"
    )
    texts = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(texts) == 1


def test_a_page_reads_the_data_version_once_and_an_import_moves_it(
    app, database, settings, tmp_path, shared
) -> None:
    """Each cached figure and the freshness line need the data version: a GET reads it once (one query on
    the import batches), and the next request after an import sees the new one."""
    from sqlalchemy import event

    load(database, settings, tmp_path, "a.csv", [incident(1)])
    reads: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "import_batches" in statement and "DESC" in statement:
            reads.append(statement)

    engine = app.state.database.engine  # the app opens its own
    event.listen(engine, "before_cursor_execute", count)
    try:
        with client_as(app, database, subject="first") as client:
            for path in ("/", QUERY, "/units/11311"):
                reads.clear()
                assert client.get(path).status_code == 200
                assert len(reads) == 1, path
            assert hong_bang_count(client.get(QUERY, headers=REGION).text) == "1"
            load(database, settings, tmp_path, "b.csv", [incident(1), incident(2)])
            assert hong_bang_count(client.get(QUERY, headers=REGION).text) == "2"
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_alert_raised_or_acknowledged_without_an_import_shows_on_the_cached_compstat_page(
    app, database, settings, tmp_path, shared
) -> None:
    """The movers mark open alerts, and alerts change without an import (no new data version): the
    cached CompStat region must not keep an alert that was acknowledged, nor miss one just raised."""
    from datetime import date, timedelta

    from antt.domain.alerts import AlertCandidate
    from antt.services.alerts import acknowledge, list_alerts, store_alerts
    from tests.disclosure_data import HONG_BANG, SCHEME, load_city

    load_city(database, settings, tmp_path)
    query = "/compstat?period=month:2026-10&compare=same-period-last-year"
    week = date(2026, 10, 12)
    alert = AlertCandidate(
        kind="rise",
        scheme=SCHEME,
        unit_code=HONG_BANG,
        subject="drugs",
        period_start=week,
        period_end=week + timedelta(days=6),
        figures={"observed": 6},
        explanation_vi="6 vụ",
        explanation_en="6 cases",
        sensitive=True,
    )
    with client_as(app, database, "leader") as leader:
        assert 'class="mover-alert"' not in leader.get(query).text
        store_alerts(database, Actor.system("test"), [alert])
        assert 'class="mover-alert"' in leader.get(query).text  # raised
        assert 'class="mover-alert"' in leader.get(query, headers=REGION).text
        (stored,) = list_alerts(database, Actor.system("test"))
        acknowledge(database, Actor.system("test"), stored.id, "Tuần tra tăng cường")
        assert 'class="mover-alert"' not in leader.get(query).text  # acknowledged: no longer open
        assert 'class="mover-alert"' not in leader.get(query, headers=REGION).text
