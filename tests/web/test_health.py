from __future__ import annotations

from fastapi.testclient import TestClient

from antt.settings import load_settings
from antt.storage.migrate import head_revision
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.signed_in import client_as


def test_health_tells_a_stranger_only_whether_the_server_is_ready(settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
        schema = client.get("/openapi.json", follow_redirects=False)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert schema.status_code in (303, 401) and "paths" not in schema.text


def test_health_reports_the_schema_and_data_freshness(settings, database) -> None:
    with client_as(create_app(settings), database) as client:
        body = client.get("/health").json()
    assert (
        body["status"] == "ok"
        and body["schema_current"] is True
        and body["schema_revision"] == head_revision()
    )
    assert body["units"] == (2 + 27 + 374) + (1 + 114)  # 2025-01: provinces, districts, communes; 2025-07
    assert body["incidents"] == 0 and body["last_import_at"] is None


def test_health_says_so_when_the_database_needs_an_upgrade(tmp_path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}", pseudonym_key=TEST_KEY)
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "needs_upgrade"


def test_the_home_page_sends_strangers_to_the_vneid_sign_in_in_vietnamese(settings) -> None:
    demo = settings.model_copy(update={"demo": True})
    with TestClient(create_app(demo)) as client:
        response = client.get("/compstat?group=drugs", follow_redirects=False)
        page = client.get(response.headers["location"]).text
    assert (
        response.status_code == 303
        and response.headers["location"] == "/login?next=%2Fcompstat%3Fgroup%3Ddrugs"
    )
    assert 'lang="vi"' in page and "Dữ liệu mô phỏng" in page and "Đăng nhập bằng VNeID" in page
    assert 'type="password"' not in page  # there is no password form


def test_the_compstat_api_returns_the_service_figures(settings, actor, tmp_path) -> None:
    from datetime import date

    from antt.domain.periods import parse_period
    from antt.services.compstat import compstat, result_document
    from antt.services.database import open_database
    from antt.services.disclosure import compstat_document
    from antt.services.imports import import_incidents
    from tests.incident_files import incident, write_csv

    db = open_database(settings)
    import_incidents(
        db,
        settings,
        actor,
        write_csv(tmp_path / "w.csv", [incident(1, occurred_at="10/10/2026 10:00", reported_at="")]),
    )
    expected = compstat_document(
        actor, result_document(compstat(db, actor, parse_period("month:2026-10"), as_of=date(2026, 11, 1)))
    )
    with client_as(create_app(settings), db) as client:
        body = client.get("/api/compstat", params={"period": "month:2026-10", "as_of": "2026-11-01"}).json()
        bad = client.get("/api/compstat", params={"period": "month:2026-13"})
        missing = client.get("/api/compstat", params={"period": "month:2026-10", "unit": "99999"})
        schema = client.get("/openapi.json").json()
    db.dispose()
    assert body == expected and body["totals"]["current"] == 1
    assert bad.status_code == 422 and bad.json()["error"]["message_en"]
    assert missing.status_code == 404
    assert "/api/compstat" in schema["paths"]


def test_the_targets_and_indicators_apis_answer_from_the_demo_city(demo_database) -> None:
    from antt.settings import load_settings as settings_for

    url = demo_database.engine.url.render_as_string(hide_password=False)
    app = create_app(settings_for(database_url=url, pseudonym_key=TEST_KEY))
    with client_as(app, demo_database) as client:
        targets = client.get("/api/targets", params={"as_of": "2026-10-31"}).json()["targets"]
        eid = client.get("/api/indicators/eid_accounts_activated", params={"unit": "11383"}).json()
        unknown = client.get("/api/indicators/no_such_indicator")
        schema = client.get("/openapi.json").json()
    by_id = {t["id"]: t for t in targets}
    assert by_id["drug-free-communes-2025"]["status"] in ("met", "off_track")
    assert by_id["social-order-crime-reduction"]["probability"] is not None
    assert eid["values"] and {v["unit_code"] for v in eid["values"]} == {"11383"}
    assert unknown.status_code == 404
    assert {"/api/targets", "/api/indicators/{indicator}", "/api/compstat"} <= set(schema["paths"])
