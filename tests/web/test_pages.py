"""The dashboard pages rendered on the demo city: every page answers, figures equal the services', the
CompStat region comes alone to htmx, errors are pages, and the language switch persists."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from antt.domain.periods import Comparison, parse_period
from antt.services.compstat import By, compstat, result_document
from antt.services.incidents import list_incidents
from antt.services.targets import load_targets
from antt.settings import load_settings
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.pages import by_testid, table_rows, vi_number
from tests.web.signed_in import client_as


@pytest.fixture(scope="module")
def client(demo_database):
    url = demo_database.engine.url.render_as_string(hide_password=False)
    settings = load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True)
    with client_as(create_app(settings), demo_database) as c:
        yield c


TARGET = load_targets().targets[0].id
PAGES = ["/", "/compstat", f"/targets/{TARGET}", "/units", "/units/11383", "/incidents", "/imports"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_in_vietnamese_with_the_demo_banner(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:2000]
    page = response.text
    assert '<html lang="vi">' in page and "Dữ liệu mô phỏng" in page and "<h1>" in page
    assert "31/10/2026" in page  # the footer's "data up to", dd/MM/yyyy
    # nothing is loaded from elsewhere: every script and stylesheet is ours
    assert not re.search(r'(src|href)="(https?:)?//', page.replace('href="http', "")), "external asset"
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', page))


def test_the_overview_has_a_tile_per_target_grouped_as_the_article(client) -> None:
    page = client.get("/").text
    targets = load_targets().targets
    assert page.count('<article class="tile') == len(targets)
    for target in targets:
        assert f'href="/targets/{target.id}"' in page
    body = page[page.index("<main") :]  # the menu names sections too ("Phòng, chống ma túy" → /drugs)
    order = [body.index(h) for h in ("Kéo giảm tội phạm", "Phòng, chống ma túy", "Định danh điện tử")]
    assert order == sorted(order)


@pytest.mark.parametrize(
    "query, period, group, unit, how",
    [
        ("period=report-month:2026-10", "report-month:2026-10", None, None, Comparison.SAME_PERIOD_LAST_YEAR),
        (
            "period=quarter:2026-Q3&group=drugs&compare=previous-period",
            "quarter:2026-Q3",
            "drugs",
            None,
            Comparison.PREVIOUS_PERIOD,
        ),
        (
            "from=2026-01-01&to=2026-06-30&period=&unit=11383",
            "custom:2026-01-01..2026-06-30",
            None,
            "11383",
            Comparison.SAME_PERIOD_LAST_YEAR,
        ),
    ],
)
def test_compstat_shows_the_service_figures_for_its_filters(
    client, demo_database, actor, query, period, group, unit, how
) -> None:
    page = client.get(f"/compstat?{query}").text
    window = parse_period(period)
    expected = result_document(
        compstat(demo_database, actor, window, comparison=how, unit_code=unit, group=group, by=By.UNIT)
    )
    totals = expected["totals"]
    assert vi_number(by_testid(page, "total-current")) == totals["current"]
    assert vi_number(by_testid(page, "total-previous")) == totals["previous"]
    assert vi_number(by_testid(page, "total-change")) == totals["change"]
    if unit is None:
        rows = table_rows(page, "units-table", "data-unit")
        assert len(rows) == len(expected["rows"]) == 114
        for row in expected["rows"]:
            cells = rows[row["unit_code"]]
            assert vi_number(cells[1]) == row["current"] and vi_number(cells[2]) == row["previous"]
    by_group = result_document(
        compstat(demo_database, actor, window, comparison=how, unit_code=unit, group=group, by=By.GROUP)
    )
    groups = table_rows(page, "groups-table", "data-group")
    assert {g: vi_number(cells[1]) for g, cells in groups.items()} == {
        r["group"]: r["current"] for r in by_group["rows"]
    }


def test_the_filters_of_a_compstat_page_are_in_its_links(client) -> None:
    page = client.get("/compstat?period=report-month:2026-10&group=drugs").text
    assert 'value="report-month:2026-10" selected' in page and 'value="drugs" selected' in page
    drill = re.search(r'<tr data-unit="11383".*?href="(/compstat\?[^"]+)"', page, re.S)
    assert drill and "unit=11383" in drill.group(1) and "group=drugs" in drill.group(1)
    assert "period=report-month%3A2026-10" in drill.group(1)


def test_htmx_gets_only_the_compstat_region_and_history_restores_get_the_page(client) -> None:
    part = client.get("/compstat?unit=11383", headers={"HX-Request": "true"}).text
    assert "<html" not in part and 'id="compstat-data"' in part and "filter-bar" in part
    whole = client.get(
        "/compstat?unit=11383", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).text
    assert whole.startswith("<!doctype html>")


def test_the_incident_list_holds_exactly_the_incidents_counted(client, demo_database, actor) -> None:
    window = parse_period("report-month:2026-10")
    expected = result_document(compstat(demo_database, actor, window, group="drugs", by=By.UNIT))
    page = client.get("/incidents?period=report-month:2026-10&group=drugs").text
    assert vi_number(by_testid(page, "incident-total")) == expected["totals"]["current"]
    listed = list_incidents(demo_database, actor, window, group="drugs")
    assert listed.total == expected["totals"]["current"]
    local_days = [(line.occurred_at + timedelta(hours=7)).date() for line in listed.lines]
    assert all(line.group == "drugs" for line in listed.lines) and all(map(window.contains, local_days))
    assert local_days == sorted(local_days, reverse=True)  # newest first
    assert page.count("<tr>") - 1 == min(listed.total, 100)  # header row + one per incident on page 1


def test_a_commune_page_shows_its_figures_and_neighbours(client, demo_database, actor) -> None:
    page = client.get("/units/11383").text
    assert "Phường Lê Chân" in page and 'id="neighbours"' in page
    neighbours = re.findall(r'<a href="/units/(\d+)">', page.split('id="neighbours"')[1])
    assert neighbours and "11383" not in neighbours


def test_errors_are_pages_for_people_and_json_for_programs(client) -> None:
    page = client.get("/compstat?unit=99999")
    assert (
        page.status_code == 404 and "<html" in page.text and "99999" in by_testid(page.text, "error-message")
    )
    api = client.get("/api/compstat?period=month:2026-10&unit=99999")
    assert api.status_code == 404 and api.json()["error"]["type"] == "NotFound"
    bad = client.get("/compstat?from=2026-02-30&to=2026-03-01")
    assert bad.status_code == 422 and "2026-02-30" in bad.text
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Không có trang này" in missing.text


def test_the_language_switch_persists_and_stays_on_this_site(client) -> None:
    switched = client.post("/language", data={"language": "en", "next": "/units"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/units"
    page = client.get("/units").text
    assert '<html lang="en">' in page and "Communes and wards" in page
    assert client.get("/").text.count("Targets at a glance") == 1  # still English on another page
    outside = client.post(
        "/language", data={"language": "vi", "next": "//evil.example/"}, follow_redirects=False
    )
    assert outside.headers["location"] == "/"
    assert '<html lang="vi">' in client.get("/").text


def test_chart_data_cannot_break_out_of_its_attribute() -> None:
    import json
    from html import unescape

    from antt.web.templating import environment

    value = {"x": 'a"b</div><script>alert(1)</script>', "y": "Phường Lê Chân"}
    rendered = (
        environment().from_string('<div data-json="{{ v | tojson | forceescape }}"></div>').render(v=value)
    )
    inside = rendered.removeprefix('<div data-json="').removesuffix('"></div>')
    assert '"' not in inside and "<" not in inside and json.loads(unescape(inside)) == value


def test_the_period_presets_follow_the_newest_data_not_today(client) -> None:
    page = client.get("/compstat").text
    assert 'value="last28:2026-10-31" selected' in page
    assert date(2026, 10, 31).strftime("%d/%m/%Y") in page


def test_a_report_downloads_as_a_real_file_and_is_audited(client, demo_database) -> None:
    from io import BytesIO

    from openpyxl import load_workbook
    from sqlalchemy import select

    from antt.storage.tables import AuditRecord

    page = client.get("/reports?period=report-month:2026-10").text
    assert 'value="report-month:2026-10" selected' in page
    form = {"period": "report-month:2026-10", "format": "xlsx", "unit": "11383"}
    assert client.post("/reports", data=form).status_code == 403  # without the session's CSRF token
    response = client.post("/reports", data={**form, "csrf_token": client.csrf_token})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="bao-cao-antt-report-month-2026-10-11383.xlsx"'
    )
    workbook = load_workbook(BytesIO(response.content))
    assert len(workbook.sheetnames) >= 2
    with demo_database.transaction(write=False) as session:
        last = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).one()
    assert (
        last.action == "report.export"
        and last.details["unit"] == "11383"
        and last.details["format"] == "xlsx"
    )


def test_the_download_buttons_export_exactly_the_filters_on_screen(client) -> None:
    page = client.get("/compstat?from=2026-09-01&to=2026-09-30&period=&unit=11383&group=drugs").text
    form = re.search(r'<form class="downloads".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
    assert fields["from"] == "2026-09-01" and fields["to"] == "2026-09-30" and fields["unit"] == "11383"
    assert set(re.findall(r'name="format" value="(\w+)"', form)) == {"docx", "pdf", "xlsx"}
    response = client.post("/reports", data={**fields, "format": "xlsx"})
    assert response.status_code == 200
    assert "custom-2026-09-01-2026-09-30-11383.xlsx" in response.headers["content-disposition"]
    overview = client.get("/").text
    assert re.search(
        r'<form class="downloads".*?name="period" value="report-month:2026-1[01]"', overview, re.S
    )


def test_the_report_form_sets_the_signer_and_marks_and_rejects_bad_ones(client) -> None:
    from io import BytesIO

    from docx import Document

    page = client.get("/reports").text
    for name in ("issued", "authority", "signer_title", "signer", "secrecy", "urgency"):
        assert f'name="{name}"' in page
    assert '<option value="TUYỆT MẬT">' in page and '<option value="HỎA TỐC">' in page
    form = {
        "period": "report-month:2026-10",
        "format": "docx",
        "csrf_token": client.csrf_token,
        "issued": "04/11/2026",
        "authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer": "Đại tá Trần Thị Bình",
        "secrecy": "TỐI MẬT",
        "urgency": "HỎA TỐC",
    }
    response = client.post("/reports", data=form)
    assert response.status_code == 200
    doc = Document(BytesIO(response.content))
    text = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for expected in ("TỐI MẬT", "HỎA TỐC", "Hải Phòng, ngày 04 tháng 11 năm 2026", "Đại tá Trần Thị Bình"):
        assert expected in text
    rejected = client.post("/reports", data={**form, "secrecy": "BÍ MẬT", "issued": "31/02/2026"})
    assert rejected.status_code == 422
    assert "31/02/2026" in rejected.text and "BÍ MẬT" in rejected.text  # both problems, not the first
