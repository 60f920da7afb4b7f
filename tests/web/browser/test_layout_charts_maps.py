"""Charts, maps, phone and print in a real browser (issue 18, points 5 and 7), on the demo city.

- every page the router serves as HTML, at phone width (390 × 844), without sideways scrolling of the page
  (a table scrolls inside its own box) and with a compact header;
- the time series reads ``dd/MM`` on its axis and in its tooltip, marks partial periods, and names the
  comparison the user chose; the clearance-rate target draws its history;
- the CompStat map names the communes, titles its colour scale, zooms to the commune drilled into,
  draws the incident points in clusters and, when its layer is chosen, the forecast's risk cells;
- printed CompStat shows the chosen filters at the top and no chart wider than the paper.

Screenshots of every page are kept in ``test-artifacts/screenshots`` (see ``conftest.py``), phone pages
under their own names.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from antt.services.targets import load_targets
from tests.web.browser.conftest import ANALYST, SCREENSHOTS, DemoCity, sign_in
from tests.web.test_security_matrix import ROUTES

PHONE = {"width": 390, "height": 844}
COMMUNE = "11383"  # Phường Lê Chân
CLEARANCE = next(t.id for t in load_targets().targets if t.indicator == "clearance_rate")
ADMINISTRATOR, AUDITOR, OFFICER = "demo-quantri", "demo-kiemtra", "demo-cax_lechan"
#: the HTML pages of the router (GET, not /api, not sign-in machinery) as paths to open; a route of
#: ROUTES missing here fails ``test_the_phone_scan_covers_every_page_of_the_router``
PAGE_PATHS = {
    "/": "/",
    "/compstat": "/compstat",
    "/targets/{target_id}": f"/targets/{CLEARANCE}",
    "/units": "/units",
    "/units/{code}": f"/units/{COMMUNE}",
    "/incidents": "/incidents",
    "/incidents/{incident_id:int}": "/incidents/1",
    "/imports": "/imports",
    "/reports": "/reports",
    "/reports/drafts": "/reports/drafts",
    "/admin/users": "/admin/users",
    "/admin/targets": "/admin/targets",
    "/audit": "/audit",
    "/alerts": "/alerts",
    "/networks": "/networks",
    "/risk": "/risk",
    "/risk/patrol/{code}": f"/risk/patrol/{COMMUNE}",
    "/drugs": "/drugs",
    "/drugs/survey/{code}": f"/drugs/survey/{COMMUNE}",
}
#: GET routes that are no page to scan: files, redirects, the sign-in round trip, a draft that needs an id
NOT_PAGES = {
    "/imports/issues/{token}.csv",
    "/reports/drafts/{draft_id}",
    "/login",
    "/auth/callback",
    "/drugs/survey/{code}/attachment/{question}",  # a file sent with a survey, always a download
}
#: who opens which pages (the analyst sees most; users, city targets and the audit log need other roles)
PERSONAS = {
    ANALYST: [p for p in PAGE_PATHS.values() if not p.startswith(("/admin", "/audit", "/drugs/survey"))],
    ADMINISTRATOR: ["/admin/users", "/admin/targets"],
    AUDITOR: ["/audit"],
    OFFICER: [f"/drugs/survey/{COMMUNE}", f"/units/{COMMUNE}", "/compstat"],  # the commune's own view
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_MONTH = re.compile(r"^\d{2}/\d{2}(/\d{4})?$")

OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      // inside a box that scrolls or clips on its own: not the page's overflow
      let p = el.parentElement, held = false;
      while (p && p !== document.body) {
        const s = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && p.getBoundingClientRect().right <= width + 1) { held = true; break; }
        p = p.parentElement;
      }
      if (!held) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' → ' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, wide: wide.slice(0, 8)};
}"""


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


# --------------------------------------------------------------------------------------- phone width


def test_the_phone_scan_covers_every_page_of_the_router() -> None:
    pages = {
        path
        for method, path in ROUTES
        if method == "GET"
        and not path.startswith("/api")
        and path not in ("/openapi.json", "/health", "/favicon.ico")
        and path not in NOT_PAGES
        and not path.endswith((".csv", ".xlsx"))
        and not path.startswith(("/static", "/docs", "/redoc"))
    }
    assert pages - set(PAGE_PATHS) == set(), "add the new pages to PAGE_PATHS and PERSONAS"
    scanned = {p for paths in PERSONAS.values() for p in paths}
    assert set(PAGE_PATHS.values()) <= scanned


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_no_page_scrolls_sideways_on_a_phone(anonymous_page: Page, demo_server: str, persona: str) -> None:
    page = anonymous_page
    sign_in(page, demo_server, persona)
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    opened = [""]
    page.on("pageerror", lambda exc: problems.append(f"{opened[0]}: script error {exc.stack}"))
    for path in PERSONAS[persona]:
        opened[0] = path
        response = page.goto(f"{demo_server}{path}", timeout=60_000)  # /risk fits its model on first use
        assert response is not None and response.status == 200, (persona, path, response and response.status)
        settle(page)
        found = page.evaluate(OVERFLOW_JS)
        name = re.sub(r"[^\w]+", "_", path).strip("_") or "overview"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"phone-{persona}-{name}.png"), full_page=True)
        if found["scroll"] > found["inner"]:
            problems.append(f"{path}: scrollWidth {found['scroll']} > {found['inner']}: {found['wide']}")
        header = page.locator(".site-header").bounding_box()
        assert header is not None
        if header["height"] > 110:
            problems.append(f"{path}: the header is {header['height']:.0f} px high")
    assert not problems, "\n".join(problems)


def test_a_wide_table_scrolls_inside_its_own_box_on_a_phone(page: Page, demo_server: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/compstat")
    settle(page)
    table = page.locator("#units-table").bounding_box()
    assert table is not None and table["x"] + table["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    select = page.locator(".filter-bar select[name=period]").bounding_box()
    card = page.locator(".filter-bar").bounding_box()
    assert select is not None and card is not None
    assert select["x"] + select["width"] <= card["x"] + card["width"] + 0.5  # the select stays in its card


# -------------------------------------------------------------------------------------------- charts


def svg_texts(page: Page, selector: str) -> list[str]:
    texts = page.locator(f"{selector} svg text").evaluate_all(
        "els => els.filter(e => e.getClientRects().length).map(e => e.textContent || '')"
    )
    return [t.strip() for t in texts if t.strip()]


def series_ticks(page: Page) -> list[str]:
    expect(page.locator("#time-series")).to_have_attribute("data-ready", "true")
    return svg_texts(page, "#time-series")


def test_chart_dates_read_day_first_on_the_axis_and_in_the_tooltip(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/compstat")
    texts = series_ticks(page)
    ticks = [t for t in texts if DAY_MONTH.match(t)]
    assert len(ticks) >= 3, texts
    assert not [t for t in texts if ISO_DATE.search(t)], texts
    chart = page.locator("#time-series")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#time-series div").filter(has_text=re.compile(r"\d{2}/\d{2}/\d{4}"))
    expect(tooltip.first).to_be_visible()
    assert not ISO_DATE.search(tooltip.first.inner_text())


def test_each_group_card_draws_its_growth_over_time_day_first(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/networks")
    settle(page)
    growth = page.locator(".group-growth").first
    growth.scroll_into_view_if_needed()
    option = page.evaluate(
        "(id) => { const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();"
        " return {days: o.xAxis[0].data, members: o.series[0].data, incidents: o.series[1].data}; }",
        growth.get_attribute("id"),
    )
    assert option["days"] and all(DAY_MONTH.match(d) for d in option["days"]), option["days"]
    incidents = option["incidents"]  # one point per day: incidents so far rise every point
    assert len(incidents) == len(option["days"]) and incidents == sorted(set(incidents))
    assert option["members"] == sorted(option["members"]) and option["members"][-1] >= 2


def test_partial_weeks_are_marked_not_drawn_as_drops(
    page: Page, demo_server: str, demo_city: DemoCity
) -> None:
    end = demo_city.end
    while end.weekday() == 6:  # not a Sunday: the last week is clipped
        end -= timedelta(days=1)
    start = end - timedelta(days=59)
    while start.weekday() == 0:  # not a Monday: the first week is clipped
        start -= timedelta(days=1)
    page.goto(f"{demo_server}/compstat?from={start:%d/%m/%Y}&to={end:%d/%m/%Y}")
    texts = series_ticks(page)
    expect(page.locator("[data-testid=partial-note]")).to_be_visible()
    assert "kỳ chưa đủ" in texts  # the legend names the dotted partial line
    partial = json.loads(page.locator("#compstat-data").get_attribute("data-json") or "{}")["series"][
        "partial"
    ]
    assert partial[0] == 1 and partial[-1] == 1 and 0 in partial, partial


def test_the_comparison_line_follows_the_chosen_comparison(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/compstat?compare=previous-period")
    texts = series_ticks(page)
    assert "Kỳ trước" in texts and "Cùng kỳ năm trước" not in texts, texts
    expect(page.locator("#series-title")).to_contain_text("kỳ trước")
    page.goto(f"{demo_server}/compstat")
    texts = series_ticks(page)
    assert "Cùng kỳ năm trước" in texts, texts


def test_the_clearance_target_draws_its_history(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/targets/{CLEARANCE}")
    chart = page.locator("#target-history")
    expect(chart).to_have_attribute("data-ready", "true")
    points = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('target-history')).getOption().series[0].data"
    )
    assert len([p for p in points if p is not None]) >= 1
    assert all(0 <= p <= 100 for p in points if p is not None)


# ---------------------------------------------------------------------------------------------- maps


def test_the_map_names_communes_titles_its_scale_and_zooms_to_the_commune(
    page: Page, demo_server: str
) -> None:
    page.goto(f"{demo_server}/compstat")
    expect(page.locator("#commune-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-testid=map-legend-title]")).to_contain_text("Màu thể hiện: Số vụ")
    city_zoom = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('commune-map')).getOption().geo[0].zoom"
    )
    assert int(page.locator("#commune-map").get_attribute("data-points") or 0) > 0  # clustered points drawn

    page.goto(f"{demo_server}/compstat?unit={COMMUNE}&measure=rate")
    expect(page.locator("#commune-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-testid=map-legend-title]")).to_contain_text("10.000")
    labels = svg_texts(page, "#commune-map")
    assert "Lê Chân" in labels, labels
    assert len([t for t in labels if t and not re.match(r"^[\d.,\s−-]+$", t)]) >= 3, labels  # neighbours too
    assert any("10.000" in t for t in labels), labels  # the scale's title, on the map itself
    zoom = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('commune-map')).getOption().geo[0].zoom"
    )
    assert zoom > city_zoom * 2


def test_the_point_layer_can_be_switched_off(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/compstat")
    expect(page.locator("#commune-map")).to_have_attribute("data-ready", "true")
    count = "() => echarts.getInstanceByDom(document.getElementById('commune-map')).getOption().series[1].data.length"
    assert page.evaluate(count) > 0
    page.get_by_label("Điểm vụ việc (gộp theo cụm)").uncheck()
    page.wait_for_function(f"() => ({count})() === 0")
    risk = page.locator("input[name=map-layer][value=risk]")
    expect(risk).to_be_enabled()  # the risk layer is there, off until chosen
    expect(risk).not_to_be_checked()


#: the number of cells the map's risk layer draws; -1 when the map has no risk series
RISK_COUNT = """() => {
  const c = echarts.getInstanceByDom(document.getElementById('commune-map'));
  const s = c && c.getOption().series.find((x) => x.id === 'risk');
  return s ? s.data.length : -1;
}"""


def test_the_risk_layer_draws_the_forecast_cells_and_can_be_switched_off(
    page: Page, demo_server: str
) -> None:
    # on the commune: its forecast is quick to make (the city's takes a while the first time it is asked)
    page.goto(f"{demo_server}/compstat?unit={COMMUNE}&group=social_order")
    chart = page.locator("#commune-map")
    expect(chart).to_have_attribute("data-ready", "true")
    hint = page.get_by_test_id("risk-layer-hint").locator("a")
    expect(hint).to_have_attribute("href", re.compile(rf"^/risk\?.*unit={COMMUNE}"))
    risk = page.locator("input[name=map-layer][value=risk]")
    assert page.evaluate(RISK_COUNT) == -1  # off by default: nothing asked, nothing drawn
    with page.expect_response(lambda r: "/api/risk/cells" in r.url) as answer:
        risk.check()
    assert (
        answer.value.ok and f"unit={COMMUNE}" in answer.value.url and "group=social_order" in answer.value.url
    )
    page.wait_for_function(f"() => ({RISK_COUNT})() > 0", timeout=60_000)
    cells = len(answer.value.json()["cells"])
    assert page.evaluate(RISK_COUNT) == cells == int(chart.get_attribute("data-risk") or 0)
    z = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('commune-map')).getOption().series"
        ".map((s) => [s.id, s.z])"
    )
    assert dict(z)["risk"] < dict(z)["points"]  # under the incident clusters, over the communes' colour
    tip = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('commune-map')).getOption().tooltip[0]"
        ".formatter({ seriesId: 'risk', seriesType: 'custom', value: [0] })"
    )
    assert "#1" in tip and "Lê Chân" in tip, tip
    risk.uncheck()
    page.wait_for_function(f"() => ({RISK_COUNT})() === -1")
    # on again: drawn from what the page already has, not asked for a second time
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/risk/cells" in r.url else None)
    risk.check()
    page.wait_for_function(f"() => ({RISK_COUNT})() === {cells}")
    assert not asked, asked


# --------------------------------------------------------------------------------------------- print


def test_printed_compstat_shows_its_filters_and_no_chart_is_cut(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/compstat?compare=previous-period&group=social_order&unit={COMMUNE}")
    expect(page.locator("#time-series")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-testid=print-filters]")).to_be_hidden()  # on screen the filter bar says it
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 portrait at 96 dpi, less the margins
    filters = page.locator("[data-testid=print-filters]")
    expect(filters).to_be_visible()
    expect(page.locator(".filter-bar")).to_be_hidden()
    text = filters.inner_text()
    for expected in ("Kỳ", "So sánh với", "kỳ trước", "Nhóm", "Lê Chân"):
        assert expected in text, (expected, text)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 718
    for chart in ("#time-series", "#commune-map", "#weekday-hour"):
        widget = page.locator(chart).locator("xpath=..").bounding_box()
        drawn = page.locator(f"{chart} svg, {chart} canvas").first.bounding_box()
        assert widget is not None and drawn is not None
        assert drawn["x"] + drawn["width"] <= widget["x"] + widget["width"] + 1, chart
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "print-compstat.png"), full_page=True)


def test_each_group_card_maps_its_incidents_inside_the_view(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/networks")
    settle(page)
    group_map = page.locator(".group-map").first
    group_map.scroll_into_view_if_needed()
    expect(group_map).to_have_attribute("data-ready", "true")
    card = json.loads(page.locator("#networks-data").text_content() or "[]")[0]
    assert group_map.get_attribute("id") == f"map-{card['id']}"
    assert card["points"], "the demo's groups have placed incidents"
    assert group_map.get_attribute("data-points") == str(len(card["points"]))
    # every incident is drawn inside the map's box (the view is fitted to the group), on a shaded commune
    placed = page.evaluate(
        "(id) => { const el = document.getElementById(id); const c = echarts.getInstanceByDom(el);"
        " const o = c.getOption();"
        " return {px: o.series[0].data.map(p => c.convertToPixel({geoIndex: 0}, [p[0], p[1]])),"
        " w: el.clientWidth, h: el.clientHeight,"
        " shaded: o.geo[0].regions.filter(r => r.itemStyle && r.itemStyle.areaColor).map(r => r.name)}; }",
        group_map.get_attribute("id"),
    )
    assert placed["shaded"] == card["communes"]
    assert all(0 <= x <= placed["w"] and 0 <= y <= placed["h"] for x, y in placed["px"]), placed


def test_the_drug_page_maps_every_commune_by_its_official_status_and_charts_the_plan(
    page: Page, demo_server: str
) -> None:
    page.goto(f"{demo_server}/drugs")
    settle(page)
    drug_map = page.locator("#drug-map")
    drug_map.scroll_into_view_if_needed()
    expect(drug_map).to_have_attribute("data-ready", "true")
    assert drug_map.get_attribute("data-regions") == "114"
    data = json.loads(page.locator("#drugs-data").text_content() or "{}")
    colours = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('drug-map')).getOption();"
        " return Object.fromEntries(o.geo[0].regions.filter(r => r.itemStyle && r.itemStyle.areaColor)"
        ".map(r => [r.name, r.itemStyle.areaColor])); }"
    )
    recognised = [code for code, s in data["statuses"].items() if s["status"] == "drug_free"]
    assert recognised and all(colours[code] == "#2e7d32" for code in recognised)
    undecided = [code for code in colours if code not in data["statuses"]]
    assert all(colours[code] == "#eef0f3" for code in undecided)
    chart = page.locator("#drug-share-chart")
    expect(chart).to_have_attribute("data-ready", "true")
    plan = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('drug-share-chart')).getOption().series[1].data"
    )
    assert [p for p in plan if p is not None] == [30, 45, 60, 100]
    page.locator("#drug-map").screenshot(path=str(SCREENSHOTS / "drugs-map.png"))
