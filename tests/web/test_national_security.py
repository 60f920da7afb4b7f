"""Crimes against national security over HTTP: a commune officer and an administrator (who sees the
dashboard) get no figure of them — not a row, not a filter choice, not a part of a total, not a list row,
not an annex column — and asking for the group answers 404 like an unknown group; a leader or analyst sees
the group everywhere (docs/disclosure.md).

The city is hand-counted in :mod:`tests.national_security_data`: in October 2026 Lê Chân (11383) has 2
national-security cases (1 a year before) beside 3 drug offences, 2 sexual offences and 6 thefts; Hồng
Bàng (11311) 1 beside 6 drug offences and 2 thefts.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from antt.web.app import create_app
from tests.disclosure_data import LE_CHAN
from tests.national_security_data import GROUP, load_city_with_national_security
from tests.web.pages import by_testid, table_rows
from tests.web.signed_in import client_as

MONTH, REPORT_MONTH = "month:2026-10", "report-month:2026-10"
GROUP_NAME = "Tội phạm xâm phạm an ninh quốc gia"
SIDES = ("current", "previous", "suspects", "grave", "organised_group")


@pytest.fixture
def city(database, settings, tmp_path):
    load_city_with_national_security(database, settings, tmp_path)
    return database


@pytest.fixture
def app(city):
    return create_app(city.settings)


@pytest.fixture
def officer(app, city):
    with client_as(app, city, "commune_officer", (LE_CHAN,)) as client:
        yield client


@pytest.fixture(params=["commune_officer", "administrator"])
def unprivileged(request, app, city):
    units = (LE_CHAN,) if request.param == "commune_officer" else ()
    with client_as(app, city, request.param, units) as client:
        yield client


@pytest.fixture(params=["leader", "analyst"])
def privileged(request, app, city):
    with client_as(app, city, request.param) as client:
        yield client


def compstat_api(client, **params) -> dict:
    response = client.get("/api/compstat", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def group_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="group".*?</select>', page, re.S)
    assert select
    return re.findall(r'<option value="([^"]*)"', select.group(0))


@pytest.mark.parametrize("period", [MONTH, REPORT_MONTH])
@pytest.mark.parametrize("by", ["group", "unit,group"])
def test_total_minus_the_visible_groups_gives_no_national_security_case(
    unprivileged, privileged, period, by
) -> None:
    mine = compstat_api(unprivileged, period=period, by=by)
    assert GROUP not in mine["groups"] and all(r["group"] != GROUP for r in mine["rows"])
    shown = [r for r in mine["rows"] if r["group"] != "drugs"]  # drug cells: in no total (rule 2)
    for side in SIDES:
        assert mine["totals"][side] - sum(r[side] for r in shown) == 0, side
    # the same arithmetic on the privileged's answer gives the two cases of Lê Chân back
    theirs = compstat_api(privileged, period=period, by=by, unit=LE_CHAN)
    assert GROUP in theirs["groups"]
    rest = sum(r["current"] for r in theirs["rows"] if r["group"] != GROUP)
    assert theirs["totals"]["current"] - rest == 2


def test_the_group_is_not_offered_and_asking_for_it_is_404(unprivileged, privileged) -> None:
    page = unprivileged.get(f"/compstat?period={MONTH}")
    assert page.status_code == 200 and GROUP not in group_options(page.text)
    assert GROUP_NAME not in page.text
    assert GROUP in group_options(privileged.get(f"/compstat?period={MONTH}").text)
    for path in ("/api/compstat", "/api/compstat/series", "/api/compstat/weekday-hour", "/compstat"):
        restricted = unprivileged.get(path, params={"period": MONTH, "group": GROUP})
        unknown = unprivileged.get(path, params={"period": MONTH, "group": "no_such_group"})
        assert restricted.status_code == unknown.status_code == 404, path
        assert privileged.get(path, params={"period": MONTH, "group": GROUP}).status_code == 200, path
    series = privileged.get("/api/compstat/series", params={"period": MONTH, "group": GROUP}).json()
    assert series["total"] == 3


def test_series_grid_map_and_commune_page_leave_the_cases_out(unprivileged, privileged) -> None:
    params = {"period": MONTH, "unit": LE_CHAN}
    assert unprivileged.get("/api/compstat/series", params=params).json()["total"] == 6  # the thefts
    assert unprivileged.get("/api/compstat/weekday-hour", params=params).json()["total"] == 6
    assert privileged.get("/api/compstat/series", params=params).json()["total"] == 13
    page = unprivileged.get(f"/compstat?period={MONTH}&unit={LE_CHAN}").text
    assert by_testid(page, "total-current") == "6"
    assert GROUP not in table_rows(page, "groups-table", "data-group")
    units = table_rows(unprivileged.get(f"/compstat?period={MONTH}").text, "units-table", "data-unit")
    assert units[LE_CHAN][1] == "6"
    commune = unprivileged.get(f"/units/{LE_CHAN}").text
    assert GROUP_NAME not in commune
    assert GROUP_NAME in privileged.get(f"/units/{LE_CHAN}").text


def test_the_incident_list_has_no_case_of_the_group(officer, privileged) -> None:
    every = officer.get(f"/incidents?period=year:2026&unit={LE_CHAN}").text
    assert by_testid(every, "incident-total") == "6"
    assert not re.search(r"Điều 1(0[89]|1\d|2[0-2])\b", every)
    assert officer.get(f"/incidents?period={MONTH}&group={GROUP}").status_code == 404
    theirs = privileged.get(f"/incidents?period={MONTH}&unit={LE_CHAN}&group={GROUP}").text
    assert by_testid(theirs, "incident-total") == "2" and "Điều 117" in theirs


def _annex(content: bytes, name: str) -> tuple[list[object], list[object]]:
    rows = list(load_workbook(BytesIO(content))[name].iter_rows(values_only=True))
    return list(rows[1]), list(rows[2])


def test_the_report_annexes_do_not_count_the_cases(officer, privileged) -> None:
    form = {"period": MONTH, "format": "xlsx", "unit": LE_CHAN}
    mine = officer.post("/reports", data={**form, "csrf_token": officer.csrf_token})
    assert mine.status_code == 200
    for name, total in (("PL1 Kỳ này", 6), ("PL2 Cùng kỳ", 4)):
        header, le_chan = _annex(mine.content, name)
        assert GROUP_NAME not in header and le_chan[-1] == total, name
    theirs = privileged.post("/reports", data={**form, "csrf_token": privileged.csrf_token})
    header, le_chan = _annex(theirs.content, "PL1 Kỳ này")
    assert le_chan[header.index(GROUP_NAME)] == 2 and le_chan[-1] == 13
