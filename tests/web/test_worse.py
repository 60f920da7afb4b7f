"""Issue 18 items 1 and 2 on the demo city: where it is getting worse, on the overview and at the top of
CompStat (the service's movers, linked to their drill-down); CompStat tables sorted on the server with the
order in the URL, the strongest rise first; a fall never coloured as a rise; status counts that open their
tiles; tiles with last year and the change, the rule, sparklines of the figure shown (ranks upside down)
and the document's precision."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.domain.periods import parse_period
from antt.services.compstat import By, compstat, result_document
from antt.services.movers import movers
from antt.services.targets import evaluation_document, target_status
from antt.settings import load_settings
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.pages import table_rows, vi_number
from tests.web.signed_in import client_as

LEADER = Actor.for_user("web-leader-city", [Grant.city(Role.LEADER)])
MONTH = "report-month:2026-10"
DEFAULT = "last28:2026-10-31"  # CompStat's opening period: 28 days to the newest incident


@pytest.fixture(scope="module")
def client(demo_database):
    url = demo_database.engine.url.render_as_string(hide_password=False)
    settings = load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True)
    with client_as(create_app(settings), demo_database, "leader") as c:
        yield c


def rows_in_order(page: str, table: str, key: str) -> list[tuple[str, list[str], str]]:
    """(key, cells, class) of each row of ``table``, in the page's order."""
    found = re.search(rf'<table[^>]*id="{table}".*?</table>', page, re.S)
    assert found, table
    rows = []
    for code, classes, body in re.findall(
        rf'<tr {key}="([^"]+)" class="([^"]*)">(.*?)</tr>', found.group(0), re.S
    ):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        ]
        rows.append((code, cells, classes))
    return rows


def shown_movers(page: str, direction: str) -> list[tuple[str, str]]:
    section = re.search(rf'data-testid="movers-{direction}".*?</div>', page, re.S)
    assert section, direction
    return re.findall(r'data-mover-unit="(\d+)" data-mover-group="([a-z_]+)"', section.group(0))


def tile(page: str, target_id: str) -> str:
    found = re.search(rf'<article class="tile[^"]*" data-target="{target_id}">.*?</article>', page, re.S)
    assert found, target_id
    return found.group(0)


def figure_of(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</dd>', html, re.S)
    assert found, name
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


# ------------------------------------------------------------------------------------- where it is worse


def test_the_overview_and_compstat_show_the_services_movers_linked_to_their_drill_down(
    client, demo_database
) -> None:
    expected = movers(compstat(demo_database, LEADER, parse_period(DEFAULT), by=By.UNIT_GROUP))
    assert expected.rises and expected.falls  # the demo city moves both ways
    for url in ("/", "/compstat"):
        page = client.get(url).text
        assert "Nơi tình hình xấu đi" in page
        assert shown_movers(page, "rises") == [(m.unit_code, m.group) for m in expected.rises]
        assert shown_movers(page, "falls") == [(m.unit_code, m.group) for m in expected.falls]
        strongest = expected.rises[0]
        link = re.search(rf'data-mover-unit="{strongest.unit_code}".*?href="(/compstat\?[^"]+)"', page, re.S)
        assert link
        target = unescape(link.group(1))
        assert f"unit={strongest.unit_code}" in target and f"group={strongest.group}" in target
        assert "period=last28%3A2026-10-31" in target
    # the strongest rise of the overview is the strongest rise of the drill-down's own group table
    drill = client.get(target).text
    groups = table_rows(drill, "groups-table", "data-group")
    assert vi_number(groups[strongest.group][1]) == strongest.current


def test_compstat_opens_with_the_strongest_rise_first(client, demo_database) -> None:
    page = client.get(f"/compstat?period={MONTH}").text
    rows = rows_in_order(page, "units-table", "data-unit")
    assert len(rows) == 114
    shown = [(vi_number(cells[5]), vi_number(cells[3])) for _, cells, _ in rows]
    assert shown == sorted(shown, reverse=True)  # z, then change, largest first
    document = result_document(compstat(demo_database, LEADER, parse_period(MONTH), by=By.UNIT))
    strongest = max(document["rows"], key=lambda r: (r["z"], r["change"]))
    assert rows[0][0] == strongest["unit_code"] and strongest["z"] >= 2
    header = re.search(r'<th scope="col" class="num" aria-sort="descending"><a [^>]*>z', page)
    assert header, "the z column says it is the order"


def test_the_order_is_in_the_url_and_every_link_keeps_it(client, demo_database) -> None:
    page = client.get(f"/compstat?period={MONTH}&sort=change&dir=asc").text
    rows = rows_in_order(page, "units-table", "data-unit")
    changes = [vi_number(cells[3]) for _, cells, _ in rows]
    assert changes == sorted(changes) and changes[0] < 0
    # the filter bar, the drill-down links and the other columns carry it; its own column turns it round
    assert (
        '<input type="hidden" name="sort" value="change"><input type="hidden" name="dir" value="asc">' in page
    )
    drill = re.search(rf'<tr data-unit="{rows[0][0]}".*?href="(/compstat\?[^"]+)"', page, re.S)
    assert drill and "sort=change&amp;dir=asc" in drill.group(1)
    change_header = re.search(r'aria-sort="ascending"><a class="sort-link" href="([^"]+)"', page)
    assert change_header and "sort=change&amp;dir=desc" in change_header.group(1)
    z_header = re.search(r'<a class="sort-link" href="([^"]+)"[^>]*>z<', page)
    assert z_header and "sort=" not in z_header.group(1)  # the default order needs no parameter
    # by name: the service's own (Vietnamese alphabetical) order, both ways
    document = result_document(compstat(demo_database, LEADER, parse_period(MONTH), by=By.UNIT))
    names = [
        code
        for code, _, _ in rows_in_order(
            client.get(f"/compstat?period={MONTH}&sort=name").text, "units-table", "data-unit"
        )
    ]
    assert names == [r["unit_code"] for r in document["rows"]]
    backwards = client.get(f"/compstat?period={MONTH}&sort=name&dir=desc").text
    assert [code for code, _, _ in rows_in_order(backwards, "units-table", "data-unit")] == names[::-1]
    # nonsense falls back to the default order rather than failing
    assert client.get(f"/compstat?period={MONTH}&sort=evil&dir=up").status_code == 200


@pytest.mark.parametrize(
    "query", [f"period={MONTH}", "period=quarter:2026-Q3", f"period={MONTH}&compare=previous-period"]
)
def test_a_fall_never_wears_the_colour_or_badge_of_a_rise(client, query) -> None:
    page = client.get(f"/compstat?{query}").text
    marked = 0
    for table, key in (("units-table", "data-unit"), ("groups-table", "data-group")):
        for _code, cells, classes in rows_in_order(page, table, key):
            z = vi_number(cells[5])
            if "signal-" in classes:
                marked += 1
                assert ("fall" in classes.split()) == (z < 0) and ("rise" in classes.split()) == (z > 0)
            else:
                assert abs(z) < 2
    assert marked
    for item in re.findall(
        r'<li class="mover (\w+) [^"]*"[^>]*data-direction="(\w+)">(.*?)</li>', page, re.S
    ):
        direction, again, body = item
        assert direction == again
        assert f'class="change {direction}"' in body and f"flag-{direction}" in body
        sign = re.search(r'data-testid="mover-change">([^<]+)<', body)
        assert sign and (sign.group(1).startswith("+") == (direction == "rise"))
    total = re.search(r'data-testid="total-signal" data-direction="(\w+)"', page)
    if total:
        change = vi_number(re.search(r'data-testid="total-change">([^<]+)<', page).group(1))
        assert total.group(1) == ("rise" if change > 0 else "fall")


def test_the_legend_explains_every_marker_of_the_tables(client) -> None:
    page = client.get(f"/compstat?period={MONTH}").text
    legend = re.search(r'data-testid="table-legend">(.*?)</p>', page, re.S)
    assert legend
    for words in ("tăng có ý nghĩa", "giảm có ý nghĩa", "≈", "&lt;5 / x", "sắp xếp"):
        assert words in legend.group(1), words


# ------------------------------------------------------------------------------------------- overview


def test_each_status_count_opens_the_tiles_of_that_status(client) -> None:
    page = client.get("/").text
    counts = dict(
        (status, int(n))
        for status, n in re.findall(
            r'<a href="/\?status=(\w+)#targets"[^>]*><span class="count">(\d+)</span>', page
        )
    )
    assert counts and sum(counts.values()) == page.count('<article class="tile')
    for status, n in counts.items():
        only = client.get(f"/?status={status}").text
        statuses = re.findall(r'<article class="tile status-(\w+)"', only)
        assert statuses == [status] * n
        assert 'aria-current="true"' in only and 'href="/#targets"' in only  # and the way back to all
    assert client.get("/?status=nonsense").text.count('<article class="tile') == page.count(
        '<article class="tile'
    )


def test_a_count_tile_shows_last_year_the_change_and_its_rule(client, demo_database) -> None:
    target = "social-order-crime-reduction"
    document = evaluation_document(target_status(demo_database, LEADER, target))
    html = tile(client.get("/").text, target)
    assert vi_number(figure_of(html, "last-year")) == round(document["baseline"])
    over = parse_period(document["period"]).end <= date.fromisoformat(document["as_of"])
    compared = document["actual"] if over else document["expected"]
    change = figure_of(html, "change")
    assert vi_number(change.split()[0]) == round(compared) - round(document["baseline"])
    direction = "rise" if compared > document["baseline"] else "fall"
    assert re.search(rf'data-testid="change" class="change {direction}"', html)
    assert "không vượt quá 95 % cùng kỳ năm trước" in html  # the rule as the document words it
    # the sparkline draws the figure shown: the count so far, summed month by month, without decimals
    spark = re.search(r'data-series="([^"]+)" data-digits="(\d)"', html)
    assert spark and spark.group(2) == "0"
    values = [v for _, v in json.loads(unescape(spark.group(1)))]
    assert values == sorted(values) and values[-1] == document["actual"]
    assert "data-inverse" not in html


def test_a_rank_sparkline_is_upside_down_and_numbers_keep_the_documents_precision(client) -> None:
    page = client.get("/").text
    for rank in ("pci-rank", "par-rank"):
        html = tile(page, rank)
        if 'class="sparkline"' in html:
            assert 'data-inverse="true"' in html and 'data-digits="0"' in html
    assert 'data-inverse="true"' in tile(page, "pci-rank")  # the demo city has PCI ranks
    grdp = tile(page, "grdp-growth-2025")
    assert "<dd>12,35%</dd>" in grdp and "12,4%" not in grdp
    assert "≥ 12,35" in grdp


def test_the_tile_speaks_english_in_english(client) -> None:
    client.post("/language", data={"language": "en", "next": "/"})
    try:
        page = client.get("/").text
    finally:
        client.post("/language", data={"language": "vi", "next": "/"})
    assert "Where it is getting worse" in page
    assert "at most 95 % of the same period last year" in tile(page, "social-order-crime-reduction")
    assert "<dd>12.35%</dd>" in tile(page, "grdp-growth-2025")
