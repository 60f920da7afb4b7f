"""The JSON API behind the dashboard widgets: time series, week × hour grid, commune profile,
populations and the commune map — the routers mounted on a bare app, with the actor of each test."""

from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest
from fastapi.testclient import TestClient

from antt.domain.access import Actor
from antt.domain.periods import custom, parse_period
from antt.services.geo import commune_map
from antt.services.imports import import_incidents
from antt.services.indicators import import_indicators
from antt.services.trends import Step, series, weekday_hour
from antt.web.app import create_app
from tests.incident_files import incident, write_csv
from tests.web.signed_in import client_as

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
OFFICER = Actor(name="le-chan-officer", units=frozenset({("2025-07", "11383")}))


def client_for(database, actor: Actor) -> TestClient:
    """The whole app, signed in as a user whose grants give ``actor``'s scope (city-wide or communes)."""
    app = create_app(database.settings)
    if actor.units is None:
        return client_as(app, database, "analyst")
    return client_as(app, database, "commune_officer", tuple(sorted(code for _scheme, code in actor.units)))


@pytest.fixture
def loaded(database, settings, actor, tmp_path):
    rows = [
        incident(1, occurred_at="2026-10-04T23:30:00Z", reported_at=""),  # Monday 5 Oct, 06:30 local
        incident(2, occurred_at="12/10/2026 10:00", reported_at="", unit_code="11383"),
        incident(3, occurred_at="20/10/2026", reported_at="", article="249.1"),  # drugs, no time
        incident(4, occurred_at="15/10/2025 10:00", reported_at=""),  # last year
    ]
    import_incidents(database, settings, actor, write_csv(tmp_path / "i.csv", rows), now=NOW)
    path = tmp_path / "population.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["indicator", "unit_code", "period", "value"])
        writer.writerows(
            [["population", "11383", "year:2026", "101000"], ["population", "11311", "year:2026", "80000"]]
        )
    import_indicators(database, settings, actor, path, unit_scheme="2025-07", now=NOW)
    return database


def test_the_series_is_the_service_figures(loaded, actor) -> None:
    with client_for(loaded, actor) as client:
        body = client.get("/api/compstat/series", params={"period": "month:2026-10", "step": "week"}).json()
        drugs = client.get(
            "/api/compstat/series", params={"period": "month:2026-10", "group": "drugs"}
        ).json()
        window = client.get("/api/compstat/series", params={"from": "2026-10-01", "to": "2026-10-31"}).json()
    expected = series(loaded, actor, parse_period("month:2026-10"), step=Step.WEEK)
    assert body["step"] == "week" and [b["label"] for b in body["bins"]] == expected.labels
    assert [b["current"] for b in body["bins"]] == expected.current == [0, 1, 1, 1, 0]
    assert [b["last_year"] for b in body["bins"]] == expected.last_year
    assert (body["total"], body["last_year_total"]) == (3, 1)
    assert body["period"] == {
        "key": "month:2026-10",
        "from": "2026-10-01",
        "to": "2026-10-31",
        "label_vi": parse_period("month:2026-10").label_vi(),
    }
    assert body["compare"]["from"] == "2025-10-01" and body["unit"]["code"] == "31"
    assert body["bins"][0]["last_year_start"] == "2025-10-01"
    assert drugs["total"] == 1 and drugs["groups"] == ["drugs"] and drugs["step"] == "day"
    assert (
        window["total"] == 3 and window["period"]["key"] == custom(date(2026, 10, 1), date(2026, 10, 31)).key
    )


def test_the_week_grid_is_the_service_figures(loaded, actor) -> None:
    with client_for(loaded, actor) as client:
        body = client.get("/api/compstat/weekday-hour", params={"period": "month:2026-10"}).json()
        one = client.get(
            "/api/compstat/weekday-hour", params={"period": "month:2026-10", "unit": "11383"}
        ).json()
    assert body["counts"] == weekday_hour(loaded, actor, parse_period("month:2026-10")).counts
    assert body["counts"][0][6] == 1 and body["counts"][1][0] == 1  # Monday 06 h; Tuesday 20 Oct, no time
    assert (body["total"], body["at_midnight"]) == (3, 1)
    assert one["total"] == 1 and one["counts"][0][10] == 1 and one["unit"]["code"] == "11383"


def test_bad_filters_are_explained(loaded, actor) -> None:
    with client_for(loaded, actor) as client:
        step = client.get("/api/compstat/series", params={"period": "month:2026-10", "step": "fortnight"})
        unit = client.get("/api/compstat/weekday-hour", params={"period": "month:2026-10", "unit": "99999"})
        group = client.get("/api/compstat/series", params={"period": "month:2026-10", "group": "nope"})
        both = client.get(
            "/api/compstat/series",
            params={"period": "month:2026-10", "from": "2026-10-01", "to": "2026-10-02"},
        )
    assert step.status_code == 422 and step.json()["error"]["message_vi"]
    assert unit.status_code == 404 and group.status_code == 404
    assert both.status_code == 422


def test_a_commune_profile(loaded, actor) -> None:
    with client_for(loaded, actor) as client:
        body = client.get("/api/units/11383", params={"as_of": "2026-10-31"}).json()
        city = client.get("/api/units/31")
    assert body["unit"]["code"] == "11383" and body["unit"]["name"] == "Phường Lê Chân"
    assert body["parent"]["code"] == "31" and body["area_km2"] > 0
    assert body["population"] == {"value": 101000.0, "period": "year:2026"}
    assert "11311" in {u["code"] for u in body["neighbours"]}
    assert {"scheme": "2025-01", "code": "11395", "transfer": "whole"}.items() <= next(
        p for p in body["predecessors"] if p["code"] == "11395"
    ).items()
    assert city.status_code == 404


def test_populations(loaded, actor) -> None:
    with client_for(loaded, actor) as client:
        body = client.get("/api/units/populations", params={"as_of": "2026-06-30"}).json()
        before = client.get("/api/units/populations", params={"as_of": "2025-06-30"}).json()
    assert body == {"as_of": "2026-06-30", "populations": {"11311": 80000.0, "11383": 101000.0}}
    assert before["populations"] == {}


def test_the_commune_map_is_geojson(actor, database) -> None:
    with client_for(database, actor) as client:
        response = client.get("/api/map/communes")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.json() == commune_map(actor) and len(response.json()["features"]) == 114
    assert len(response.content) < 300_000


def test_a_scoped_actor_sees_only_its_commune(loaded) -> None:
    with client_for(loaded, OFFICER) as client:
        features = client.get("/api/map/communes").json()["features"]
        own = client.get("/api/units/11383")
        other = client.get("/api/units/11311")
        people = client.get("/api/units/populations", params={"as_of": "2026-06-30"}).json()
        grid = client.get("/api/compstat/weekday-hour", params={"period": "month:2026-10"}).json()
        elsewhere = client.get("/api/compstat/series", params={"period": "month:2026-10", "unit": "11311"})
    assert [f["properties"]["code"] for f in features] == ["11383"]
    assert own.status_code == 200 and other.status_code == 404
    assert other.json()["error"]["type"] == "NotFound"
    assert people["populations"] == {"11383": 101000.0}
    assert grid["total"] == 1 and elsewhere.status_code == 404


def test_every_endpoint_is_in_the_openapi_schema(database, actor) -> None:
    with client_for(database, actor) as client:
        schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/compstat/series",
        "/api/compstat/weekday-hour",
        "/api/units/{code}",
        "/api/units/populations",
        "/api/map/communes",
    ):
        assert "get" in paths[path], path
    assert "application/geo+json" in paths["/api/map/communes"]["get"]["responses"]["200"]["content"]
    assert {"SeriesOut", "WeekdayHourOut", "ProfileOut", "PopulationsOut", "FeatureCollection"} <= set(
        schema["components"]["schemas"]
    )
    params = {p["name"] for p in paths["/api/compstat/series"]["get"]["parameters"]}
    assert params == {"period", "from", "to", "unit", "group", "step"}
