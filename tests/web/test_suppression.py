"""Small counts of sensitive categories on the pages, in the API and in the exports: a commune officer
(no privilege) sees "<5" and nothing that gives the number back; a leader or analyst sees the number.

The city is hand-counted in :mod:`tests.disclosure_data`: Lê Chân (11383) has 3 drug offences in October
2026 and 2 in October 2025, 2 sexual offences and 6 thefts; Hồng Bàng (11311) 6 drug offences, none before.
"""

from __future__ import annotations

import json
import re
from html import unescape
from io import BytesIO

import pytest
from openpyxl import load_workbook

from antt.web.app import create_app
from tests.disclosure_data import HONG_BANG, LE_CHAN, load_city
from tests.web.pages import by_testid, table_rows
from tests.web.signed_in import client_as

P = "period=month:2026-10"
LT5 = "<5"


@pytest.fixture
def city(database, settings, tmp_path):
    load_city(database, settings, tmp_path)
    return database


@pytest.fixture
def app(city):
    return create_app(city.settings)


@pytest.fixture
def officer(app, city):
    with client_as(app, city, "commune_officer", (LE_CHAN,)) as client:
        yield client


@pytest.fixture(params=["leader", "analyst"])
def privileged(request, app, city):
    with client_as(app, city, request.param) as client:
        yield client


def page_data(html: str) -> dict:
    found = re.search(r'id="compstat-data" hidden data-json="([^"]*)"', html)
    assert found
    return json.loads(unescape(found.group(1)))


def no_digit(text: str) -> bool:
    return not re.search(r"\d", text)


def test_the_officer_sees_lt5_for_the_drug_row_of_the_compstat_page(officer) -> None:
    page = officer.get(f"/compstat?{P}&unit={LE_CHAN}").text
    groups = table_rows(page, "groups-table", "data-group")
    drugs = groups["drugs"]
    assert drugs[1] == LT5 and drugs[2] == LT5  # this period, the comparison period
    assert all(no_digit(cell) for cell in drugs[3:]), (
        drugs
    )  # change, %, z, cleared: nothing to work back from
    assert groups["social_order"][1:3] == ["8", "4"] and groups["economic"][1] == "0"
    assert by_testid(page, "total-current") == "11"  # all groups: not sensitive


def test_the_drug_group_alone_hides_headline_map_series_and_grid(officer) -> None:
    page = officer.get(f"/compstat?{P}&group=drugs&unit={LE_CHAN}").text
    assert by_testid(page, "total-current") == LT5 and by_testid(page, "total-previous") == LT5
    assert no_digit(by_testid(page, "total-change"))
    data = page_data(page)
    assert [(m["code"], m["count"], m["rate"], m["z"], m["suppressed"]) for m in data["map"]] == [
        (LE_CHAN, None, None, None, True)
    ]
    assert None in data["series"]["current"] and set(data["series"]["current"]) <= {None, 0}
    assert {n for line in data["grid"] for n in line} == {None, 0}
    city_wide = officer.get(f"/compstat?{P}&group=drugs").text  # the officer's city is their commune
    units = table_rows(city_wide, "units-table", "data-unit")
    assert (
        list(units) == [LE_CHAN] and units[LE_CHAN][1] == LT5 and by_testid(city_wide, "total-current") == LT5
    )


def test_the_privileged_see_the_numbers_on_the_page(privileged) -> None:
    page = privileged.get(f"/compstat?{P}&unit={LE_CHAN}").text
    assert table_rows(page, "groups-table", "data-group")["drugs"][1:4] == ["3", "2", "+1"]
    drugs = privileged.get(f"/compstat?{P}&group=drugs").text
    units = table_rows(drugs, "units-table", "data-unit")
    assert units[LE_CHAN][1] == "3" and units[HONG_BANG][1] == "6"
    assert by_testid(drugs, "total-current") == "9"


def test_zero_stays_zero_and_five_or_more_is_shown_to_an_officer(app, city) -> None:
    with client_as(app, city, "commune_officer", (HONG_BANG,)) as client:
        page = client.get(f"/compstat?{P}&unit={HONG_BANG}").text
        api = client.get("/api/compstat", params={"period": "month:2026-10", "group": "drugs"}).json()
    assert table_rows(page, "groups-table", "data-group")["drugs"][1:4] == ["6", "0", "+6"]
    assert (api["totals"]["current"], api["totals"]["previous"], api["totals"]["suppressed"]) == (6, 0, False)


def test_the_api_gives_null_and_suppressed_for_the_officer_and_numbers_to_the_privileged(
    officer, privileged
) -> None:
    params = {"period": "month:2026-10", "unit": LE_CHAN, "by": "group"}
    mine = officer.get("/api/compstat", params=params).json()
    drugs = next(r for r in mine["rows"] if r["group"] == "drugs")
    assert drugs["suppressed"] is True and "current" in drugs["suppressed_fields"]
    assert [drugs[k] for k in ("current", "previous", "change", "pct_change", "z", "clearance_rate")] == [
        None
    ] * 6
    assert next(r for r in mine["rows"] if r["group"] == "social_order")["current"] == 8
    theirs = privileged.get("/api/compstat", params=params).json()
    drugs = next(r for r in theirs["rows"] if r["group"] == "drugs")
    assert (drugs["current"], drugs["previous"], drugs["suppressed"]) == (3, 2, False)
    only = officer.get("/api/compstat", params={"period": "month:2026-10", "group": "drugs"}).json()
    assert only["totals"]["current"] is None and [c["change"] for c in only["contributors"]] == [None]


def test_the_series_and_grid_apis_hide_the_drug_counts_of_the_officer(officer, privileged) -> None:
    params = {"period": "month:2026-10", "group": "drugs", "unit": LE_CHAN}
    series = officer.get("/api/compstat/series", params=params).json()
    assert series["total"] is None and series["suppressed"] and any(b["suppressed"] for b in series["bins"])
    assert all(b["current"] in (None, 0) for b in series["bins"])
    grid = officer.get("/api/compstat/weekday-hour", params=params).json()
    assert grid["total"] is None and grid["suppressed"]
    assert privileged.get("/api/compstat/series", params=params).json()["total"] == 3
    every = officer.get("/api/compstat/series", params={**params, "group": "all"}).json()
    assert every["total"] == 11 and not every["suppressed"]


def test_the_drug_users_indicator_is_suppressed_for_the_officer(officer, privileged) -> None:
    mine = officer.get("/api/indicators/drug_users_managed").json()["values"]
    assert {(v["period"], v["value"], v["suppressed"]) for v in mine} == {
        ("year:2025", None, True),
        ("year:2024", 0, False),
    }
    theirs = privileged.get("/api/indicators/drug_users_managed").json()["values"]
    assert {(v["unit_code"], v["period"]): v["value"] for v in theirs}[(LE_CHAN, "year:2025")] == 3
    plants = officer.get("/api/indicators/narcotic_plants_destroyed").json()["values"]
    assert [v["value"] for v in plants] == [2]


def test_the_incident_list_shows_the_notice_instead_of_the_few_drug_cases(officer, privileged) -> None:
    page = officer.get(f"/incidents?{P}&unit={LE_CHAN}&group=drugs").text
    assert 'id="incidents-table"' not in page and by_testid(page, "incident-total") == LT5
    assert 'data-testid="withheld"' in page and "tội phạm về ma túy" in page
    every = officer.get(f"/incidents?{P}&unit={LE_CHAN}").text
    assert by_testid(every, "incident-total") == "6" and "tội phạm xâm phạm tình dục" in every
    assert "Điều 141" not in every and "Điều 249" not in every and "Điều 173" in every
    whole = privileged.get(f"/incidents?{P}&unit={LE_CHAN}&group=drugs").text
    assert by_testid(whole, "incident-total") == "3" and 'data-testid="withheld"' not in whole


def _drug_row(page: str) -> list[str]:
    figures = re.search(r'<table class="data" id="unit-figures">.*?</table>', page, re.S)
    assert figures
    drugs = re.search(r"Tội phạm về ma túy</th>(.*?)</tr>", figures.group(0), re.S)
    assert drugs
    cells = re.findall(r"<td[^>]*>(.*?)</td>", drugs.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def test_the_commune_page_shows_lt5_for_the_drug_row(officer, privileged) -> None:
    # the commune page counts the 28 days to the newest incident (28/09–25/10/2026): 3 drug offences
    mine, theirs = (
        _drug_row(officer.get(f"/units/{LE_CHAN}").text),
        _drug_row(privileged.get(f"/units/{LE_CHAN}").text),
    )
    assert theirs[0] == "3" and mine[0] == LT5
    assert all(no_digit(c) for c in mine[2:]), mine  # change and z


def _xlsx_drug_cells(content: bytes) -> dict[str, list[object]]:
    book = load_workbook(BytesIO(content))
    found = {}
    for name in ("PL1 Kỳ này", "PL2 Cùng kỳ"):
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        column = list(rows[1]).index("Tội phạm về ma túy")
        found[name] = [r[column] for r in rows[2:]]
    return found


def test_the_xlsx_report_of_the_officer_has_lt5_in_the_drug_cells(officer, privileged) -> None:
    form = {"period": "month:2026-10", "format": "xlsx", "unit": LE_CHAN}
    mine = officer.post("/reports", data={**form, "csrf_token": officer.csrf_token})
    assert mine.status_code == 200
    assert _xlsx_drug_cells(mine.content) == {"PL1 Kỳ này": [LT5, LT5], "PL2 Cùng kỳ": [LT5, LT5]}
    theirs = privileged.post("/reports", data={**form, "csrf_token": privileged.csrf_token})
    assert _xlsx_drug_cells(theirs.content) == {"PL1 Kỳ này": [3, 3], "PL2 Cùng kỳ": [2, 2]}


def test_the_word_report_of_the_officer_does_not_state_the_drug_counts(officer) -> None:
    from docx import Document

    form = {"period": "month:2026-10", "format": "docx", "unit": LE_CHAN, "csrf_token": officer.csrf_token}
    response = officer.post("/reports", data=form)
    assert response.status_code == 200
    doc = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Tội phạm về ma túy: <5 vụ (cùng kỳ <5 vụ" in text
    assert "phát hiện <5 vụ, <5 đối tượng" in text
    for table in doc.tables:
        for r in table.rows:
            cells = [c.text for c in r.cells]
            if cells and cells[0] == "Tội phạm về ma túy":
                assert cells[1:] == [LT5] * 5
