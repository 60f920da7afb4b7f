"""The risk map on the database (issue 12): scoped to the actor, sensitive groups withheld, no incident of
the forecast window read, the method chosen by the backtest and the evidence shown."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.errors import InvalidInput, NotFound
from antt.services.imports import import_incidents
from antt.services.risk_map import forecast_window, geojson_document, map_document, risk_map
from tests.incident_files import incident, write_csv

LE_CHAN, HONG_BANG = "11383", "11311"
SPOT_LE_CHAN = (20.838486, 106.685012)
SPOT_HONG_BANG = (20.867363, 106.65795)
DRUG_SPOT = (20.8372, 106.6812)  # also in Lê Chân, about 400 m west of its theft spot
START = date(2026, 3, 1)
OFFICER = Actor.for_user("cax", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", LE_CHAN))])


def _row(n: int, day: date, spot: tuple[float, float], unit: str, article: str = "173.1") -> dict:
    return incident(
        n,
        occurred_at=f"{day:%d/%m/%Y} 2{n % 4}:15",
        reported_at=f"{day:%d/%m/%Y} 23:50",
        unit_code=unit,
        lat=f"{spot[0]:.6f}",
        lon=f"{spot[1]:.6f}",
        article=article,
    )


def located_rows() -> list[dict]:
    rows, n = [], 0
    for k in range(120):  # a theft every day for 120 days at each spot; a drug case every other day
        day = START - timedelta(days=120 - k)
        n += 1
        rows.append(_row(n, day, SPOT_LE_CHAN, LE_CHAN))
        n += 1
        rows.append(_row(n, day, SPOT_HONG_BANG, HONG_BANG))
        if k % 2 == 0:
            n += 1
            rows.append(_row(n, day, DRUG_SPOT, LE_CHAN, article="249.1"))
    for k in range(30):  # the forecast window itself, far from both: must not be read
        n += 1
        rows.append(_row(n, START + timedelta(days=k % 7), (20.8205, 106.6905), LE_CHAN))
    return rows


@pytest.fixture
def located(database, settings, actor, tmp_path):
    rows = located_rows()
    import_incidents(
        database,
        settings,
        actor,
        write_csv(tmp_path / "located.csv", rows),
        now=datetime(2026, 4, 1, tzinfo=timezone.utc),
    )
    return database


def test_an_officer_sees_only_their_commune_with_the_evidence_and_the_method(located) -> None:
    result = risk_map(located, OFFICER, start=START, horizon_days=7, group="social_order")
    assert set(result.communes) == {LE_CHAN}  # the scope's communes: theirs only
    assert {c.commune for c in result.cells} == {LE_CHAN}
    top = result.cells[0]
    assert abs(top.lat - SPOT_LE_CHAN[0]) < 0.002 and abs(top.lon - SPOT_LE_CHAN[1]) < 0.002
    assert top.gi_class == 3
    # the evidence: 12 weekly windows before the start, the theft spot holds every one of their incidents
    evidence = result.evidence
    assert evidence is not None and evidence.windows == 12 and evidence.events == 12 * 7
    assert evidence.default_hit_rate == pytest.approx(1.0)
    assert result.method == evidence.default
    vi, en = result.reason()
    assert "5% diện tích" in vi and "100%" in vi and "12 tuần qua" in vi and "counting last year" in en
    document = map_document(result)
    assert document["method"] == result.method and document["cells"][0]["commune"] == LE_CHAN
    assert document["evidence"]["methods"]["naive_1y"]["hit_rate"]["0.05"] == pytest.approx(1.0)
    with pytest.raises(NotFound):
        risk_map(located, OFFICER, start=START, horizon_days=7, unit_code=HONG_BANG)


def test_no_incident_of_the_window_is_read(located) -> None:
    result = risk_map(located, OFFICER, start=START, horizon_days=7, group="social_order")
    far = [c for c in result.cells if abs(c.lat - 20.8205) < 0.001 and abs(c.lon - 106.6905) < 0.001]
    assert not far
    assert result.incidents_used == 120  # the officer's own thefts before the start, nothing after


def test_drug_cells_are_withheld_from_a_role_without_the_privilege(located) -> None:
    drugs = risk_map(located, OFFICER, start=START, horizon_days=7, group="drugs")
    assert drugs.withheld == (LE_CHAN,) and drugs.cells == () and drugs.evidence is None
    # and the drug cases count in no other map: the whole-offence map has nothing at the drug spot
    everything = risk_map(located, OFFICER, start=START, horizon_days=7, group="all")
    assert everything.incidents_used == 120
    system = risk_map(
        located, Actor.system("t"), start=START, horizon_days=7, group="drugs", unit_code=LE_CHAN
    )
    assert system.withheld == () and system.incidents_used == 60
    assert abs(system.cells[0].lat - DRUG_SPOT[0]) < 0.002


def test_geojson_cells_are_squares_with_their_properties(located) -> None:
    result = risk_map(located, OFFICER, start=START, horizon_days=1, group="social_order")
    doc = geojson_document(result)
    feature = doc["features"][0]
    ring = feature["geometry"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    assert feature["properties"]["rank"] == 1 and doc["properties"]["evidence"]["windows"] == 28


def test_the_window_comes_from_a_period_or_an_as_of_day() -> None:
    from antt.domain.periods import parse_period

    assert forecast_window(None, date(2026, 4, 30), "1d") == (date(2026, 5, 1), 1)
    assert forecast_window(parse_period("month:2026-05"), None, None) == (date(2026, 5, 1), 31)
    with pytest.raises(InvalidInput):
        forecast_window(parse_period("month:2026-05"), date(2026, 4, 30), None)
    with pytest.raises(InvalidInput):
        forecast_window(parse_period("month:2026-05"), None, "7d")
    with pytest.raises(InvalidInput):
        forecast_window(None, date(2026, 4, 30), "0d")


@pytest.mark.slow
def test_the_risk_page_and_the_patrol_sheet(located, settings) -> None:
    from antt.web.app import create_app
    from tests.web.signed_in import client_as

    app = create_app(settings)
    with client_as(app, located, "commune_officer", (LE_CHAN,)) as officer:
        page = officer.get("/risk", params={"group": "social_order", "horizon": "7d"})
        assert page.status_code == 200
        assert 'id="risk-map"' in page.text and "/static/risk.js" in page.text
        assert "5% diện tích này chiếm 100% số vụ tuần kế tiếp trong 12 tuần qua" in page.text
        assert f"/risk/patrol/{LE_CHAN}" in page.text and HONG_BANG not in page.text
        assert officer.get("/risk", params={"unit": HONG_BANG}).status_code == 404
        sheet = officer.get(f"/risk/patrol/{LE_CHAN}", params={"group": "social_order"})
        assert sheet.status_code == 200 and "Phiếu tuần tra" in sheet.text
        assert "20.83" in sheet.text and "21:00–24:00" in sheet.text  # the thefts are at 20–23 h
        assert officer.get(f"/risk/patrol/{HONG_BANG}").status_code == 404
        drugs = officer.get("/risk", params={"group": "drugs"})
        assert drugs.status_code == 200 and 'data-testid="withheld-note"' in drugs.text
        # a group the officer may not see is not found, as on CompStat — never quietly every group
        assert officer.get("/risk", params={"group": "national_security"}).status_code == 404
        assert officer.get("/risk", params={"group": "no_such_group"}).status_code == 404
