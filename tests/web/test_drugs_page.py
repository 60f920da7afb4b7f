"""``/drugs``: official status beside the indicative class, the road to 100 %, campaign progress; scoped."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.services.drug_survey import submit_survey
from antt.web.app import create_app
from tests.services.test_drug_classes import loaded  # noqa: F401  (fixture)
from tests.services.test_drug_survey import GOOD
from tests.web.signed_in import client_as


def drugs_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="drugs-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.slow
def test_the_page_shows_statuses_roadmap_and_campaign_within_the_scope(loaded, settings) -> None:  # noqa: F811
    officer = Actor.for_user("cax", [Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383"))])
    submit_survey(loaded, officer, "11383", GOOD, now=datetime.now(UTC))
    app = create_app(settings)
    with client_as(app, loaded, "leader") as leader:
        page = leader.get("/drugs").text
        assert "Xã, phường không ma túy" in page and 'id="roadmap"' in page
        assert 'data-unit="11329"' in page and "kế thừa" in page  # 10507's inherited decision
        assert "Quận, huyện cũ của Thành phố Hải Phòng đã xong: 0/15" in page and "1/114" in page
        chart = drugs_data(page)  # the status map and the yearly share (static/drugs.js)
        assert chart["statuses"]["10507"]["inherited"] is True and chart["unit"] == ""  # Thành Đông
        assert chart["statuses"]["10543"] == {
            "status": "class_2",
            "inherited": False,
            "name": "Phường Việt Hòa",
        }
        assert [year for year, _ in chart["plan"]] == [2025, 2027, 2030, 2035]
        assert [p for _, p in chart["plan"]] == [30, 45, 60, 100]
        assert chart["history"] and all(0 <= p <= 100 for _, p in chart["history"])
        assert 'data-testid="drug-pace"' in page and 'id="drug-map"' in page
        nearest = page[page.index('id="nearest-title"') : page.index("Xã, phường cần rà soát")]
        assert 'data-unit="11383"' not in nearest  # recognised: never "nearest to recognition"
        points = [int(p) for p in re.findall(r'<tr data-unit="\d+"><td>[^<]+</td><td>(\d+)</td>', nearest)]
        assert points and points == sorted(points, reverse=True)  # ranked, best first
        english = leader.get("/drugs", headers={"Accept-Language": "en"})
        assert english.status_code == 200
    with client_as(app, loaded, "commune_officer", ("11383",)) as mine:
        page = mine.get("/drugs").text
        assert 'data-unit="11383"' in page and 'data-unit="11329"' not in page
        assert "Quận, huyện cũ đã xong" not in page
        assert set(drugs_data(page)["statuses"]) <= {"11383"}  # the map colours their commune only
        assert mine.get("/drugs", params={"unit": "11329"}).status_code == 404


def test_an_analyst_sets_up_the_campaign_on_the_page_and_others_may_not(database, settings) -> None:
    app = create_app(settings)

    def post(client, **data):
        return client.post(
            "/drugs/campaign", data={**data, "csrf_token": client.csrf_token}, follow_redirects=False
        )

    with client_as(app, database, "analyst") as analyst:
        assert "Lập đợt khảo sát của năm" in analyst.get("/drugs").text
        done = post(
            analyst, year="2026", name="Khảo sát PCMT 2026", deadline="30/09/2026", units="11383, 11311"
        )
        assert done.status_code == 303 and done.headers["location"] == "/drugs?campaign=2026#campaign"
        page = analyst.get("/drugs", params={"campaign": "2026"}).text
        assert 'data-testid="campaign-name">Khảo sát PCMT 2026<' in page and "30/09/2026" in page
        assert "11311 11383</textarea>" in page
        for bad in (  # every one a clear 4xx, never a server error
            {"year": "2026", "name": "x", "deadline": "0001-01-01"},
            {"year": "2026", "name": "x", "deadline": "9999-12-31"},
            {"year": "9999", "name": "x", "deadline": "30/09/2026"},
            {"year": "abc", "name": "x", "deadline": "30/09/2026"},
            {"year": "2026", "name": "x", "deadline": "31/02/2026"},
            {"year": "2026", "name": "", "deadline": ""},
        ):
            answer = post(analyst, **bad)
            assert 400 <= answer.status_code < 500, (bad, answer.status_code)
    with client_as(app, database, "commune_officer", ("11383",)) as officer:
        assert "Lập đợt khảo sát của năm" not in officer.get("/drugs").text
        assert post(officer, year="2026", name="x", deadline="30/09/2026").status_code == 403
