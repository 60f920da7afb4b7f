"""The dashboard in a real browser, on the demo city: every page loads and draws its charts, the CompStat
filters change the figures (and they equal the CompStat service's for the same filters), the filters live
in the URL (reload, back button), drill-down from the map and from the table, the language switch,
keyboard use, the printable CompStat page, and no request leaving loopback.

Each test's page is signed in as the analyst (city-wide) through the demo provider, as a person would.
The server and its database are shared by every test of this folder (see ``conftest.py``); the figures a
test compares are computed by the service at the time of the comparison, on the same database file, so a
test that imports a file (``test_dashboard_imports.py``) cannot make another one fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from shapely.geometry import shape
from shapely.ops import polylabel

from antt.domain.access import Actor
from antt.domain.periods import Comparison, parse_period
from antt.services.compstat import By, compstat, result_document
from antt.services.database import Database, open_database
from antt.services.geo import commune_map
from antt.services.targets import evaluation_document, load_targets, target_status
from tests.web.browser.conftest import ANALYST, DemoCity, is_loopback, sign_in
from tests.web.pages import vi_number

ACTOR = Actor.system("browser-test")  # city-wide, like the analyst the pages are signed in as
COMPSTAT_CHARTS = ("#commune-map", "#time-series", "#weekday-hour")
TARGET_IDS = [t.id for t in load_targets().targets]
COMMUNE = "11383"  # Phường Lê Chân: in the demo city, with neighbours and targets
PAGES = [
    ("overview", "/"),
    ("compstat", "/compstat"),
    *[(f"target-{target_id}", f"/targets/{target_id}") for target_id in TARGET_IDS],
    ("communes", "/units"),
    ("commune", f"/units/{COMMUNE}"),
    ("incidents", "/incidents"),
    ("imports", "/imports"),
]
FILTERS = ("period", "compare", "group", "unit", "measure")


@pytest.fixture(scope="module")
def demo_db(demo_city: DemoCity) -> Iterator[Database]:
    """The database file the server serves, opened by the test to ask the services the same questions."""
    database = open_database(demo_city.settings)
    yield database
    database.dispose()


# ------------------------------------------------------------------------------------------------ helpers


def wait_for_charts(page: Page, *selectors: str) -> None:
    """Each chart container has been drawn (``app.js`` sets ``data-ready="true"`` once ECharts drew it)."""
    for selector in selectors:
        expect(page.locator(selector)).to_have_attribute("data-ready", "true")


def open_compstat(page: Page, base: str, query: str = "") -> None:
    page.goto(f"{base}/compstat{query}")
    wait_for_charts(page, *COMPSTAT_CHARTS)


def swapped(page: Page, action: Callable[[], Any]) -> None:
    """Do ``action`` and wait until htmx replaced the CompStat region and settled (the old heading is
    marked first: the region was swapped once a heading without the mark is there)."""
    page.locator("#compstat h1").evaluate("h => h.setAttribute('data-old', '')")
    action()
    expect(page.locator("#compstat h1:not([data-old])")).to_have_count(1)
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def choose(page: Page, name: str, value: str) -> None:
    """Choose ``value`` in the filter bar's select ``name`` (htmx fetches the region on ``change``)."""
    swapped(page, lambda: page.locator(f".filter-bar select[name={name}]").select_option(value))
    expect(page.locator(f".filter-bar select[name={name}]")).to_have_value(value)


def url_filters(page: Page) -> dict[str, str]:
    query = parse_qs(urlsplit(page.url).query)
    return {k: v[0] for k, v in query.items() if v and v[0]}


def filter_values(page: Page) -> dict[str, str]:
    return {name: page.locator(f".filter-bar select[name={name}]").input_value() for name in FILTERS}


def number_or_none(text: str) -> float | None:
    text = text.strip().rstrip("*")
    return None if text in ("—", "") else vi_number(text)


def _row(cells: list[str], clearance: bool = True) -> dict[str, Any]:
    """A row of ``#units-table`` or ``#groups-table`` as figures: its name cell, then the numbers (the
    commune table has a clearance column only for the social-order group: ``clearance``)."""
    name = cells[0].strip()
    return {
        "name": name.removesuffix("≈").strip(),
        "approximate": name.endswith("≈"),
        "current": vi_number(cells[1]),
        "previous": vi_number(cells[2]),
        "change": vi_number(cells[3]),
        "pct_change": number_or_none(cells[4]),
        "small_base": cells[4].strip().endswith("*"),
        "z": vi_number(cells[5]),
        "clearance_rate": number_or_none(cells[-1]) if clearance else None,
    }


def shown(page: Page) -> dict[str, Any]:
    """The figures the CompStat region shows: totals, and the rows of both tables keyed by code."""
    read_rows = (
        "rows => rows.map(r => [r.dataset.unit || r.dataset.group, ...Array.from(r.cells, c => c.innerText)])"
    )
    units = page.locator("#units-table tbody tr[data-unit]").evaluate_all(read_rows)
    groups = page.locator("#groups-table tbody tr[data-group]").evaluate_all(read_rows)
    clearance = page.locator("#units-table thead th").count() == 8  # social-order group only
    return {
        "totals": {
            key: vi_number(page.get_by_test_id(f"total-{key}").inner_text())
            for key in ("current", "previous", "change")
        },
        "units": [(row[0], _row(row[1:], clearance)) for row in units],
        "groups": [(row[0], _row(row[1:])) for row in groups],
    }


def in_page_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The service's rows as CompStat lists them by default (issue 18): z, then change, largest first;
    ties in the service's order, hidden values last."""
    shown = [r for r in rows if r["z"] is not None]
    return sorted(shown, key=lambda r: (-r["z"], -r["change"])) + [r for r in rows if r["z"] is None]


def expected(
    database: Database,
    period: str,
    *,
    group: str = "all",
    unit: str | None = None,
    comparison: Comparison = Comparison.SAME_PERIOD_LAST_YEAR,
) -> dict[str, Any]:
    """What the page should show for these filters, from ``compstat`` + ``result_document``."""

    def table(by: By) -> dict[str, Any]:
        result = compstat(
            database,
            ACTOR,
            parse_period(period),
            comparison=comparison,
            unit_code=unit,
            group=group,
            by=by,
        )
        return result_document(result)

    def figures(row: dict[str, Any], name: str, clearance: bool) -> dict[str, Any]:
        """A row as the page shows it: a clearance rate only for social-order crime (Resolution 96/2019)."""
        return {
            "name": name,
            "approximate": row["approximate"],
            "current": row["current"],
            "previous": row["previous"],
            "change": row["change"],
            "pct_change": row["pct_change"],
            "small_base": row["small_base"] and row["pct_change"] is not None,
            "z": row["z"],
            "clearance_rate": row["clearance_rate"] if clearance else None,
        }

    by_unit, by_group = table(By.UNIT), table(By.GROUP)
    by_unit["rows"], by_group["rows"] = in_page_order(by_unit["rows"]), in_page_order(by_group["rows"])
    totals = by_unit["totals"]
    return {
        "totals": {key: totals[key] for key in ("current", "previous", "change")},
        "units": []
        if unit
        else [(r["unit_code"], figures(r, r["unit_name"], group == "social_order")) for r in by_unit["rows"]],
        "group_codes": [r["group"] for r in by_group["rows"]],
        "groups": [(r["group"], figures(r, "", r["group"] == "social_order")) for r in by_group["rows"]],
    }


def assert_figures_equal(page: Page, want: dict[str, Any]) -> dict[str, Any]:
    got = shown(page)
    assert got["totals"] == want["totals"]
    assert got["units"] == want["units"]
    # group names are the page's words, and the group table marks no row approximate (the headline's note
    # does); the codes, order and figures must be the service's
    assert [code for code, _ in got["groups"]] == want["group_codes"]
    for (code, row), (_, row_wanted) in zip(got["groups"], want["groups"], strict=True):
        assert {**row, "name": "", "approximate": None} == {**row_wanted, "approximate": None}, code
    return got


# --------------------------------------------------------------------------------------- every page loads


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_the_page_loads_in_vietnamese_with_the_demo_banner_and_its_charts(
    page: Page, demo_server: str, demo_db: Database, name: str, path: str
) -> None:
    response = page.goto(f"{demo_server}{path}")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).not_to_be_empty()
    expect(page.locator(".demo-banner")).to_be_visible()
    expect(page.locator(".demo-banner")).to_contain_text("Dữ liệu mô phỏng")
    if name == "compstat":
        wait_for_charts(page, *COMPSTAT_CHARTS)
    elif name == "commune":
        wait_for_charts(page, "#time-series")
    elif name.startswith("target-"):
        document = evaluation_document(target_status(demo_db, ACTOR, path.rsplit("/", 1)[1]))
        if document["series"]:
            wait_for_charts(page, "#target-history")
        else:
            expect(page.locator("#target-history")).to_have_count(0)
            expect(page.locator(".empty")).to_be_visible()
    elif name == "overview":
        sparklines = page.locator(".sparkline")
        assert sparklines.count() > 0
        expect(page.locator(".sparkline canvas")).to_have_count(sparklines.count())
        expect(page.locator("article.tile")).to_have_count(len(TARGET_IDS))


def test_a_target_with_history_draws_it(page: Page, demo_server: str, demo_db: Database) -> None:
    # the parametrised test above draws history where there is some; make sure "some" is not "none"
    with_history = [
        target_id
        for target_id in TARGET_IDS
        if evaluation_document(target_status(demo_db, ACTOR, target_id))["series"]
    ]
    assert len(with_history) >= 3
    page.goto(f"{demo_server}/targets/{with_history[0]}")
    wait_for_charts(page, "#target-history")


# ---------------------------------------------------------------------------------------------- filters


def test_filters_change_the_figures_and_they_equal_the_compstat_service(
    page: Page, demo_server: str, demo_db: Database
) -> None:
    open_compstat(page, demo_server)
    default_period = filter_values(page)["period"]
    assert default_period.startswith("last28:")
    before = assert_figures_equal(page, expected(demo_db, default_period))

    choose(page, "group", "drugs")
    ytd = page.locator(".filter-bar select[name=period] option[value^='ytd:']").get_attribute("value")
    assert ytd
    choose(page, "period", ytd)
    after = assert_figures_equal(page, expected(demo_db, ytd, group="drugs"))
    assert after["totals"] != before["totals"]
    assert after["totals"]["current"] > 0
    assert [code for code, _ in after["groups"]] == ["drugs"]

    choose(page, "compare", Comparison.PREVIOUS_PERIOD.value)
    previous = assert_figures_equal(
        page, expected(demo_db, ytd, group="drugs", comparison=Comparison.PREVIOUS_PERIOD)
    )
    assert previous["totals"]["current"] == after["totals"]["current"]
    assert previous["totals"]["previous"] != after["totals"]["previous"]


def test_the_url_carries_the_filters_reload_keeps_them_and_back_restores_them(
    page: Page, demo_server: str, demo_db: Database
) -> None:
    open_compstat(page, demo_server)
    first = (filter_values(page), shown(page))

    choose(page, "group", "social_order")
    assert url_filters(page)["group"] == "social_order"
    second = (filter_values(page), shown(page))

    report_month = page.locator(
        ".filter-bar select[name=period] option[value^='report-month:']"
    ).last.get_attribute("value")
    assert report_month
    choose(page, "period", report_month)
    assert url_filters(page)["period"] == report_month and url_filters(page)["group"] == "social_order"
    third = (filter_values(page), shown(page))
    assert third[1] == assert_figures_equal(page, expected(demo_db, report_month, group="social_order"))
    assert len({repr(first[1]), repr(second[1]), repr(third[1])}) == 3, "each filter changed the figures"

    page.reload()
    wait_for_charts(page, *COMPSTAT_CHARTS)
    assert (filter_values(page), shown(page)) == third

    swapped(page, page.go_back)
    assert url_filters(page).get("period") != report_month
    assert (filter_values(page), shown(page)) == second

    swapped(page, page.go_back)
    assert "group" not in url_filters(page)
    assert (filter_values(page), shown(page)) == first

    swapped(page, page.go_forward)
    assert (filter_values(page), shown(page)) == second


def test_the_charts_are_drawn_again_after_a_filter_change(page: Page, demo_server: str) -> None:
    open_compstat(page, demo_server)
    choose(page, "group", "drugs")
    for selector in COMPSTAT_CHARTS:
        expect(page.locator(selector)).to_have_attribute("data-ready", "true", timeout=5_000)


# ------------------------------------------------------------------------------------------- drill-down


def _clickable_communes() -> list[tuple[str, str, tuple[float, float]]]:
    """(code, name, lon/lat) of the communes of the map, the roomiest first: the point is each commune's
    pole of inaccessibility (the interior point farthest from its border) on the polygons the page draws."""
    found = []
    for feature in commune_map(ACTOR)["features"]:
        geometry = shape(feature["geometry"])
        part = max(getattr(geometry, "geoms", [geometry]), key=lambda p: p.area)
        point = polylabel(part, tolerance=1e-5)
        found.append((part.boundary.distance(point), feature["id"], feature["properties"]["name"], point))
    found.sort(key=lambda f: f[0], reverse=True)
    return [(code, name, (point.x, point.y)) for _, code, name, point in found]


def test_clicking_a_commune_on_the_map_drills_down_and_the_breadcrumb_leads_back(
    page: Page, demo_server: str, demo_db: Database
) -> None:
    open_compstat(page, demo_server)
    city = shown(page)
    candidates = _clickable_communes()[:12]
    page.locator("#commune-map").scroll_into_view_if_needed()  # below "where it is getting worse"
    located = page.evaluate(
        """points => {
          const el = document.getElementById('commune-map');
          const chart = echarts.getInstanceByDom(el);
          const box = el.getBoundingClientRect();
          return {box: [box.x, box.y, box.width, box.height],
                  pixels: points.map(p => chart.convertToPixel({seriesIndex: 0}, p))};
        }""",
        [list(lon_lat) for _, _, lon_lat in candidates],
    )
    left, top, width, height = located["box"]
    # the first roomy commune clear of the colour scale (bottom left) and inside the canvas
    code, name, (x, y) = next(
        (c, n, p)
        for (c, n, _), p in zip(candidates, located["pixels"], strict=True)
        if 20 < p[0] < width - 20 and 20 < p[1] < height - 20 and not (p[0] < 160 and p[1] > height - 160)
    )
    swapped(page, lambda: page.mouse.click(left + x, top + y))

    assert url_filters(page)["unit"] == code
    crumbs = page.locator("nav.breadcrumbs li")
    expect(crumbs).to_have_count(2)
    expect(crumbs.last).to_have_text(name)
    expect(crumbs.last).to_have_attribute("aria-current", "page")
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator(".filter-bar select[name=unit]")).to_have_value(code)
    expect(page.locator("#units-table")).to_have_count(0)
    period = filter_values(page)["period"]
    assert_figures_equal(page, expected(demo_db, period, unit=code))

    swapped(page, lambda: page.locator("nav.breadcrumbs a").first.click())
    assert "unit" not in url_filters(page)
    expect(crumbs).to_have_count(1)
    expect(page.locator(".filter-bar select[name=unit]")).to_have_value("")
    expect(page.locator("#units-table")).to_be_visible()
    assert shown(page) == city


def test_clicking_a_commune_in_the_table_drills_down(page: Page, demo_server: str, demo_db: Database) -> None:
    open_compstat(page, demo_server)
    rows = shown(page)["units"]
    code, row = max(rows, key=lambda r: r[1]["current"])
    swapped(page, lambda: page.locator(f"#units-table tr[data-unit='{code}'] th a").click())

    assert url_filters(page)["unit"] == code
    expect(page.locator("nav.breadcrumbs li").last).to_have_text(row["name"])
    expect(page.locator(".filter-bar select[name=unit]")).to_have_value(code)
    period = filter_values(page)["period"]
    got = assert_figures_equal(page, expected(demo_db, period, unit=code))
    assert got["totals"]["current"] == row["current"] and got["totals"]["previous"] == row["previous"]


# ------------------------------------------------------------------------------------ language, keyboard


def test_the_language_switch_gives_english_that_persists_and_back_to_vietnamese(
    page: Page, demo_server: str
) -> None:
    page.goto(f"{demo_server}/")
    nav = page.get_by_role("navigation", name="Trình đơn chính")
    expect(nav.get_by_role("link", name="Tổng quan")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{demo_server}/")
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Targets at a glance")
    expect(page.locator(".demo-banner")).to_contain_text("Dữ liệu mô phỏng")  # the banner says it in both

    nav.get_by_role("link", name="CompStat").click()
    expect(page).to_have_url(f"{demo_server}/compstat")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".filter-bar").get_by_label("Offence group")).to_be_visible()
    wait_for_charts(page, *COMPSTAT_CHARTS)
    page.goto(f"{demo_server}/units")  # a fresh navigation: the choice is kept by the server
    expect(page.locator("h1")).to_have_text("Communes and wards")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page).to_have_url(f"{demo_server}/units")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(
        page.get_by_role("navigation", name="Trình đơn chính").get_by_role("link", name="Tổng quan")
    ).to_be_visible()
    page.goto(f"{demo_server}/compstat")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".filter-bar").get_by_label("Nhóm tội")).to_be_visible()


def test_switching_the_language_keeps_the_compstat_filters_chosen_since_the_page_loaded(
    page: Page, demo_server: str
) -> None:
    open_compstat(page, demo_server)
    choose(page, "group", "drugs")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert url_filters(page).get("group") == "drugs"
    expect(page.locator(".filter-bar select[name=group]")).to_have_value("drugs")


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page: Page, demo_server: str) -> None:
    open_compstat(page, demo_server)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown while focused
    expect(skip).to_have_text("Đến nội dung chính")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_every_control_of_the_filter_bar_has_an_accessible_name(page: Page, demo_server: str) -> None:
    open_compstat(page, demo_server)
    bar = page.locator(".filter-bar")
    for label, name in [
        ("Kỳ", "period"),
        ("So sánh với", "compare"),
        ("Nhóm tội", "group"),
        ("Đơn vị", "unit"),
        ("Bản đồ thể hiện", "measure"),
        ("Từ ngày", "from"),
        ("Đến ngày", "to"),
    ]:
        # a <label> that wraps a select also names it by the chosen option: "Kỳ 28 ngày đến …"
        control = bar.get_by_label(re.compile(rf"^{re.escape(label)}(\s|$)"))
        expect(control).to_have_count(1)
        expect(control).to_have_attribute("name", name)
    expect(bar.get_by_role("button", name="Áp dụng")).to_be_visible()
    # and none is left out: every control is labelled (a <label>, aria-label or its own text)
    unnamed = bar.locator("select, input:not([type=hidden]), button").evaluate_all(
        """els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                                 && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
                     .map(e => e.outerHTML)"""
    )
    assert unnamed == []


def test_the_printed_compstat_page_has_no_filter_bar(page: Page, demo_server: str) -> None:
    open_compstat(page, demo_server)
    expect(page.locator(".filter-bar")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".filter-bar")).to_be_hidden()
    expect(page.locator("header.site-header nav")).to_be_hidden()
    expect(page.get_by_test_id("total-current")).to_be_visible()
    expect(page.locator("#groups-table")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".filter-bar")).to_be_visible()


# ---------------------------------------------------------------------------------------------- offline


def test_walking_every_page_requests_nothing_but_loopback(browser: Browser, demo_server: str) -> None:
    # one context for the whole walk, with its own record (the page fixture checks each test on its own)
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        walker = context.new_page()
        walker.on("websocket", lambda ws: requests.append(ws.url))
        sign_in(walker, demo_server, ANALYST)  # through the demo provider: on loopback too
        for name, path in PAGES:
            walker.goto(f"{demo_server}{path}")  # waits for the load event: scripts, styles, images
            if name == "compstat":
                wait_for_charts(walker, *COMPSTAT_CHARTS)  # the map's GeoJSON comes after, by fetch()
        open_compstat(walker, demo_server)
        choose(walker, "group", "drugs")
        walker.get_by_role("button", name="English").click()
        expect(walker.locator("html")).to_have_attribute("lang", "en")
        wait_for_charts(walker, *COMPSTAT_CHARTS)
    finally:
        context.close()
    assert len(requests) > len(PAGES)
    assert any("/static/vendor/echarts-" in url for url in requests)
    assert any(url.endswith("/api/map/communes") for url in requests)
    assert [url for url in requests if not is_loopback(url)] == []
