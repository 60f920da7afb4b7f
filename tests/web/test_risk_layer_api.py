"""``GET /api/risk/cells``, behind CompStat's "Risk (forecast)" map layer (issue 12/18): the cells the
``/risk`` page computes for the same group, commune and horizon, from the same first day; scoped like the
page (another commune is not found, as a code that does not exist); cells and figures only, no person."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape

import pytest

from antt.settings import load_settings
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.signed_in import client_as

OWN, OTHER, NOWHERE = "11383", "11311", "99999"  # Lê Chân (the officer's), Hồng Bàng, no commune
KEYS = {"cells", "horizon_days", "start", "method", "withheld"}
TIERS = {0.01, 0.02, 0.05}


@pytest.fixture(scope="module")
def app(demo_database):
    url = demo_database.engine.url.render_as_string(hide_password=False)
    return create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))


@pytest.fixture(scope="module")
def clients(app, demo_database):
    made = {
        "analyst": client_as(app, demo_database, "analyst"),
        "commune_officer": client_as(app, demo_database, "commune_officer", (OWN,)),
    }
    yield made
    for c in made.values():
        c.close()


def page_cells(client, **params: str) -> list[list]:
    """The cells the /risk page draws for ``params`` (its map's JSON), as the layer's five columns."""
    response = client.get("/risk", params=params)
    assert response.status_code == 200, response.text[:500]
    match = re.search(r'id="risk-data" hidden data-json="([^"]*)"', response.text)
    assert match, "the /risk page has no map data"
    return [row[:5] for row in json.loads(unescape(match.group(1)))["cells"]]


def test_the_answer_is_the_cells_and_what_they_are_for(clients) -> None:
    response = clients["analyst"].get("/api/risk/cells", params={"unit": OWN})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == KEYS
    assert body["horizon_days"] == 7  # the default horizon, as on the page
    assert body["start"] == "2026-11-01"  # the day after the demo city's newest incident (31/10/2026)
    assert isinstance(body["method"], str) and body["method"]
    assert body["withheld"] == []
    cells = body["cells"]
    assert cells, "the demo city's Lê Chân has located incidents: some cell must be listed"
    for polygon, rank, tier, score, commune in cells:
        assert len(polygon) >= 4 and all(len(p) == 2 for p in polygon)
        for lon, lat in polygon:  # lon/lat in Hải Phòng, not UTM metres
            assert 105.5 < lon < 107.5 and 20.0 < lat < 21.5
        assert isinstance(rank, int) and tier in TIERS and isinstance(score, float)
        assert commune == OWN
    assert [c[1] for c in cells] == list(range(1, len(cells) + 1))  # ranked, most likely first
    assert date.fromisoformat(body["start"])


def test_the_cells_are_those_of_the_risk_page_for_the_same_filters(clients) -> None:
    analyst = clients["analyst"]
    for params in ({"unit": OWN}, {"unit": OWN, "group": "social_order", "horizon": "28d"}):
        api = analyst.get("/api/risk/cells", params=params)
        assert api.status_code == 200, api.text[:500]
        assert api.json()["cells"] == page_cells(analyst, **params), params
        assert api.json()["horizon_days"] == {"7d": 7, "28d": 28}[params.get("horizon", "7d")]
    # CompStat's group vocabulary is the risk page's: "all" is every group, as no group at all
    everything = analyst.get("/api/risk/cells", params={"unit": OWN, "group": "all"}).json()
    assert everything == analyst.get("/api/risk/cells", params={"unit": OWN}).json()


def test_a_commune_officer_gets_their_commune_and_no_other(clients) -> None:
    officer = clients["commune_officer"]
    own = officer.get("/api/risk/cells")
    assert own.status_code == 200
    assert {c[4] for c in own.json()["cells"]} <= {OWN}
    assert own.json()["cells"] == page_cells(officer)  # the page computes the same for the officer
    assert officer.get("/api/risk/cells", params={"unit": OWN}).json() == own.json()
    other = officer.get("/api/risk/cells", params={"unit": OTHER})
    nowhere = officer.get("/api/risk/cells", params={"unit": NOWHERE})
    assert other.status_code == nowhere.status_code == 404
    # out of scope reads like a code that does not exist (the code asked for aside)
    assert other.text.replace(OTHER, "?") == nowhere.text.replace(NOWHERE, "?")


def test_sensitive_groups_are_withheld_and_unknown_filters_refused(clients) -> None:
    officer = clients["commune_officer"]
    drugs = officer.get("/api/risk/cells", params={"group": "drugs"})
    assert drugs.status_code == 200
    assert drugs.json()["withheld"] == [OWN] and drugs.json()["cells"] == []
    # a group the officer may not see is not found, never quietly every group
    assert officer.get("/api/risk/cells", params={"group": "national_security"}).status_code == 404
    assert officer.get("/api/risk/cells", params={"group": "no_such_group"}).status_code == 404
    assert officer.get("/api/risk/cells", params={"horizon": "5y"}).status_code == 422


def test_someone_not_signed_in_gets_nothing(app) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as anonymous:
        response = anonymous.get("/api/risk/cells", params={"unit": OWN})
    assert response.status_code == 401 and "cells" not in response.json()
