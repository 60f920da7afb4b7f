"""The overview's panel of social evils and fires (issue 16 item 6): the last reporting month that ended by
the data's as-of day beside the same month last year, as the comparison service gives it."""

from __future__ import annotations

from datetime import date

import pytest

from antt.domain.access import Actor
from antt.domain.periods import parse_period
from antt.services.social_order import social_order_comparison
from antt.settings import load_settings
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.pages import table_rows
from tests.web.signed_in import client_as

OCTOBER = parse_period("report-month:2026-10")  # the demo's data run to 31/10/2026


@pytest.fixture(scope="module")
def app(demo_database):
    url = demo_database.engine.url.render_as_string(hide_password=False)
    return create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))


def test_the_overview_shows_the_citys_social_evils_and_fires_beside_last_year(app, demo_database) -> None:
    expected = social_order_comparison(demo_database, Actor.system("t"), OCTOBER, as_of=date(2026, 10, 31))
    with client_as(app, demo_database, "leader") as client:
        page = client.get("/").text
    assert "Tệ nạn xã hội; cháy, nổ" in page and "Tháng 10/2026 (15/09/2026 – 14/10/2026)" in page
    rows = table_rows(page, "social-order-figures", "data-indicator")
    assert set(rows) == set(expected.figures)  # every figure is imported for the city
    gambling = expected["gambling_admin_cases"]
    assert rows["gambling_admin_cases"][0] == "Số vụ đánh bạc bị xử lý vi phạm hành chính"
    assert rows["gambling_admin_cases"][1:3] == [f"{gambling.current:.0f}", f"{gambling.previous:.0f}"]
    damage = expected["fire_damage_vnd"]
    assert rows["fire_damage_vnd"][1] == f"{damage.current:,.0f}".replace(",", ".")
    change = round(gambling.change)
    assert rows["gambling_admin_cases"][3] == ("+" if change > 0 else "\u2212" if change < 0 else "") + str(
        abs(change)
    )


def test_a_commune_officer_sees_no_city_figures(app, demo_database) -> None:
    with client_as(app, demo_database, "commune_officer", ("11383",)) as client:
        page = client.get("/").text
    assert 'id="social-order-figures"' not in page  # the demo's figures are the city's only
