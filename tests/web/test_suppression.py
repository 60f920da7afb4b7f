"""Statistical disclosure control on the pages, in the API and in the exports (docs/disclosure.md): the
tester's three attacks, replayed as a commune officer over HTTP, give nothing back — a total minus the
other groups of one ``/api/compstat`` response, two overlapping windows of the drug group, the rows and
dates of the incident list — nor do the sexual offences; a leader or analyst sees the exact numbers.

The city is hand-counted in :mod:`tests.disclosure_data`: in October 2026 Lê Chân (11383) has 3 drug
offences (2 a year before), 2 sexual offences and 6 thefts; Hồng Bàng (11311) 6 drug offences, from 10 to
15 October, and 2 thefts.
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

MONTH, REPORT_MONTH = "month:2026-10", "report-month:2026-10"
LT5, X = "<5", "x"


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


@pytest.fixture
def hong_bang_officer(app, city):
    with client_as(app, city, "commune_officer", (HONG_BANG,)) as client:
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


def compstat_api(client, **params) -> dict:
    response = client.get("/api/compstat", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# ---------------------------------------------------------- attack 1: total − the other groups (API)


@pytest.mark.parametrize("period", [MONTH, REPORT_MONTH])
@pytest.mark.parametrize("by", ["group", "unit,group"])
def test_total_minus_the_other_groups_gives_the_officer_nothing(officer, privileged, period, by) -> None:
    mine = compstat_api(officer, period=period, by=by)
    drugs = [r for r in mine["rows"] if r["group"] == "drugs"]
    assert drugs and all(r["current"] is None and r["previous"] is None and r["suppressed"] for r in drugs)
    others = [r for r in mine["rows"] if r["group"] != "drugs"]
    for side in ("current", "previous", "suspects", "grave", "organised_group"):
        assert mine["totals"][side] - sum(r[side] for r in others) == 0, side
    assert mine["excluded_units"] == [LE_CHAN]
    # the same arithmetic on the privileged's response gives the drug count: it is theirs to see
    theirs = compstat_api(privileged, period=period, by=by, unit=LE_CHAN)
    rest = sum(r["current"] for r in theirs["rows"] if r["group"] != "drugs")
    assert theirs["totals"]["current"] - rest == 3 and theirs["excluded_units"] == []


def test_the_sexual_offences_are_neither_in_social_order_nor_in_the_list(officer, privileged) -> None:
    mine = compstat_api(officer, period=MONTH, by="group")
    social = next(r for r in mine["rows"] if r["group"] == "social_order")
    listed = officer.get(f"/incidents?period={MONTH}&unit={LE_CHAN}&group=social_order").text
    assert social["current"] == 6 and by_testid(listed, "incident-total") == "6"  # 6 − 6: nothing
    assert "Điều 141" not in listed and "tội phạm xâm phạm tình dục" in listed
    theirs = compstat_api(privileged, period=MONTH, by="group", unit=LE_CHAN)
    assert next(r for r in theirs["rows"] if r["group"] == "social_order")["current"] == 8


# ---------------------------------------------------------------- attack 2: overlapping windows


def test_two_overlapping_windows_of_the_drug_group_give_the_officer_nothing(
    hong_bang_officer, privileged
) -> None:
    windows = [{"from": "2026-10-10", "to": "2026-10-15"}, {"from": "2026-10-11", "to": "2026-10-15"}]
    windows += [{"period": "day:2026-10-10"}, {"period": "last28:2026-10-15"}, {"period": MONTH}]
    for window in windows:
        doc = compstat_api(hong_bang_officer, group="drugs", unit=HONG_BANG, **window)
        assert doc["totals"]["current"] is None and "current" in doc["totals"]["withheld_fields"], window
        series = hong_bang_officer.get(
            "/api/compstat/series", params={"group": "drugs", "unit": HONG_BANG, **window}
        ).json()
        assert series["withheld"] and series["total"] is None
        assert {b["current"] for b in series["bins"]} == {None}
    counts = [
        compstat_api(privileged, group="drugs", unit=HONG_BANG, **w)["totals"]["current"] for w in windows[:2]
    ]
    assert counts == [6, 5]  # 6 − 5: the drug offence of 10 October, for those who may see it


def test_a_reporting_month_is_shown_to_the_officer_when_it_has_five_or_more(hong_bang_officer) -> None:
    doc = compstat_api(hong_bang_officer, period=REPORT_MONTH, group="drugs", unit=HONG_BANG)
    assert (doc["totals"]["current"], doc["totals"]["previous"], doc["totals"]["suppressed"]) == (5, 0, False)
    quarter = compstat_api(hong_bang_officer, period="report-quarter:2026-Q3", group="drugs", unit=HONG_BANG)
    assert quarter["totals"]["current"] is None  # its September month has 2


# ------------------------------------------------------------------ attack 3: the incident list


def test_the_incident_list_never_lists_the_drug_cases_of_the_officers_commune(
    officer, hong_bang_officer, privileged
) -> None:
    page = officer.get(f"/incidents?period={MONTH}&unit={LE_CHAN}&group=drugs").text
    assert 'id="incidents-table"' not in page and by_testid(page, "incident-total") == "0"
    assert 'data-testid="withheld"' in page and "tội phạm về ma túy" in page
    every = officer.get(f"/incidents?period=year:2026&unit={LE_CHAN}").text
    assert "Điều 141" not in every and "Điều 249" not in every and "Điều 173" in every
    # six or more are not listed either: counting their dates would rebuild any window's count
    many = hong_bang_officer.get(f"/incidents?period={MONTH}&unit={HONG_BANG}&group=drugs").text
    assert by_testid(many, "incident-total") == "0" and "Điều 249" not in many
    whole = privileged.get(f"/incidents?period={MONTH}&unit={LE_CHAN}&group=drugs").text
    assert by_testid(whole, "incident-total") == "3" and 'data-testid="withheld"' not in whole


# -------------------------------------------------------------------------------------- pages


def test_the_officer_sees_lt5_in_a_reporting_month_and_x_elsewhere_on_the_compstat_page(officer) -> None:
    page = officer.get(f"/compstat?period={REPORT_MONTH}&unit={LE_CHAN}").text
    drugs = table_rows(page, "groups-table", "data-group")["drugs"]
    assert drugs[1] == LT5 and drugs[2] == LT5
    assert all(no_digit(cell) for cell in drugs[3:]), drugs
    assert 'data-testid="excluded-note"' in page
    month = officer.get(f"/compstat?period={MONTH}&unit={LE_CHAN}").text
    groups = table_rows(month, "groups-table", "data-group")
    assert groups["drugs"][1] == X and groups["drugs"][2] == X
    assert groups["social_order"][1:3] == ["6", "4"] and by_testid(month, "total-current") == "6"


def test_the_drug_group_alone_hides_headline_map_series_and_grid(officer) -> None:
    page = officer.get(f"/compstat?period={MONTH}&group=drugs&unit={LE_CHAN}").text
    assert by_testid(page, "total-current") == X and by_testid(page, "total-previous") == X
    assert no_digit(by_testid(page, "total-change"))
    data = page_data(page)
    assert [(m["code"], m["count"], m["rate"], m["z"], m["suppressed"]) for m in data["map"]] == [
        (LE_CHAN, None, None, None, True)
    ]
    assert set(data["series"]["current"]) == {None}
    assert {n for line in data["grid"] for n in line} == {None}


def test_the_privileged_see_the_numbers_on_the_page(privileged) -> None:
    page = privileged.get(f"/compstat?period={MONTH}&unit={LE_CHAN}").text
    assert table_rows(page, "groups-table", "data-group")["drugs"][1:4] == ["3", "2", "+1"]
    assert by_testid(page, "total-current") == "11" and 'data-testid="excluded-note"' not in page
    drugs = privileged.get(f"/compstat?period={MONTH}&group=drugs").text
    units = table_rows(drugs, "units-table", "data-unit")
    assert units[LE_CHAN][1] == "3" and units[HONG_BANG][1] == "6"
    assert by_testid(drugs, "total-current") == "9"


def test_the_series_and_grid_apis_withhold_the_officers_drug_counts(officer, privileged) -> None:
    params = {"period": MONTH, "group": "drugs", "unit": LE_CHAN}
    series = officer.get("/api/compstat/series", params=params).json()
    assert series["total"] is None and series["withheld"] and all(b["suppressed"] for b in series["bins"])
    grid = officer.get("/api/compstat/weekday-hour", params=params).json()
    assert grid["total"] is None and grid["withheld"]
    assert privileged.get("/api/compstat/series", params=params).json()["total"] == 3
    every = officer.get("/api/compstat/series", params={**params, "group": "all"}).json()
    assert every["total"] == 6 and not every["suppressed"]  # the thefts: drugs and sexual offences left out


def test_the_drug_users_indicator_is_suppressed_for_the_officer(officer, privileged) -> None:
    mine = officer.get("/api/indicators/drug_users_managed").json()["values"]
    assert {(v["period"], v["value"], v["suppressed"]) for v in mine} == {
        ("year:2025", None, True),
        ("year:2024", 0, False),
    }
    theirs = privileged.get("/api/indicators/drug_users_managed").json()["values"]
    assert {(v["unit_code"], v["period"]): v["value"] for v in theirs}[(LE_CHAN, "year:2025")] == 3


def _drug_row(page: str) -> list[str]:
    figures = re.search(r'<table class="data" id="unit-figures">.*?</table>', page, re.S)
    assert figures
    drugs = re.search(r"Tội phạm về ma túy</th>(.*?)</tr>", figures.group(0), re.S)
    assert drugs
    cells = re.findall(r"<td[^>]*>(.*?)</td>", drugs.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def test_the_commune_page_withholds_the_drug_row_of_its_28_days(officer, privileged) -> None:
    # the commune page counts the 28 days to the newest incident (28/09–25/10/2026): 3 drug offences
    mine, theirs = (
        _drug_row(officer.get(f"/units/{LE_CHAN}").text),
        _drug_row(privileged.get(f"/units/{LE_CHAN}").text),
    )
    assert theirs[0] == "3" and mine[0] == X
    assert all(no_digit(c) for c in mine[1:]), mine


# ------------------------------------------------------------------------------------ exports


def _xlsx_drug_cells(content: bytes) -> dict[str, list[object]]:
    book = load_workbook(BytesIO(content))
    found = {}
    for name in ("PL1 Kỳ này", "PL2 Cùng kỳ"):
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        column = list(rows[1]).index("Tội phạm về ma túy")
        found[name] = [r[column] for r in rows[2:]]
    return found


def test_the_xlsx_report_of_the_officer_hides_the_drug_cells(officer, privileged) -> None:
    form = {"period": REPORT_MONTH, "format": "xlsx", "unit": LE_CHAN}
    mine = officer.post("/reports", data={**form, "csrf_token": officer.csrf_token})
    assert mine.status_code == 200
    assert _xlsx_drug_cells(mine.content) == {"PL1 Kỳ này": [LT5, LT5], "PL2 Cùng kỳ": [LT5, LT5]}
    theirs = privileged.post("/reports", data={**form, "csrf_token": privileged.csrf_token})
    assert _xlsx_drug_cells(theirs.content) == {"PL1 Kỳ này": [3, 3], "PL2 Cùng kỳ": [2, 2]}


def test_the_word_report_of_the_officer_does_not_state_the_drug_counts(officer) -> None:
    from docx import Document

    form = {"period": MONTH, "format": "docx", "unit": LE_CHAN, "csrf_token": officer.csrf_token}
    response = officer.post("/reports", data=form)
    assert response.status_code == 200
    doc = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Tội phạm về ma túy: x vụ (cùng kỳ x vụ" in text
    assert "phát hiện x vụ, x đối tượng" in text
    for table in doc.tables:
        for r in table.rows:
            cells = [c.text for c in r.cells]
            if cells and cells[0] == "Tội phạm về ma túy":
                # Bảng 1 (counts and change), and the analytical annex (counts, z and its reading)
                assert cells[1:4] == [X] * 3 and set(cells[4:]) <= {X, "không công bố"}
