"""``/networks`` on a small imported city: groups with their alerts and network data, scoped, audited, no
clear id or pseudonym on the page, no inline script; only roles with the networks privilege."""

from __future__ import annotations

import json
import re

import pytest

from antt.domain.access import Actor
from antt.services.imports import import_incidents
from antt.web.app import create_app
from tests.incident_files import write_csv
from tests.services.test_networks import HONG_BANG, LE_CHAN, NOW, gang_rows, pid
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as

QUERY = "/networks?from=2026-01-01&to=2026-04-01"


@pytest.fixture
def app(database, settings, tmp_path):
    import_incidents(
        database, settings, Actor.system("cli"), write_csv(tmp_path / "g.csv", gang_rows()), now=NOW
    )
    return create_app(database.settings)


def chart_data(html: str) -> list[dict[str, object]]:
    found = re.search(r'<script type="application/json" id="networks-data">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


@pytest.mark.parametrize("role", ["analyst", "leader"])
def test_analysts_and_leaders_see_the_group_its_network_alerts_and_incident_links(
    app, database, role
) -> None:
    client = client_as(app, database, role)
    page = client.get(QUERY)
    assert page.status_code == 200
    (chart,) = chart_data(page.text)
    assert len(chart["nodes"]) == 3 and all(n.startswith("Đối tượng ") for n in chart["nodes"])
    assert sorted((a, b) for a, b, _ in chart["links"]) == [(0, 1), (0, 2), (1, 2)]
    # growth over time: members named so far, incidents so far, one point per day (the trio of gang_rows)
    assert chart["growth"] == [
        ["05/01/2026", 2, 1],
        ["20/01/2026", 3, 2],
        ["04/02/2026", 3, 3],
        ["19/02/2026", 3, 4],
        ["06/03/2026", 3, 5],
        ["21/03/2026", 3, 6],
    ]
    assert f'id="growth-{chart["id"]}"' in page.text
    assert f'id="network-{chart["id"]}"' in page.text
    assert "/incidents?period=day:2026-03-21&amp;unit=" + LE_CHAN in page.text
    assert 'data-kind="new_commune"' in page.text  # the trio's move into Lê Chân
    assert '<a href="/networks"' in page.text  # the menu link
    for k in (1, 2, 3, 107, 207):
        assert pid(k) not in page.text
    assert "p1_" not in page.text
    assert not re.search(r"<script(?![^>]*(src=|application/json))", page.text), "an inline script"
    records = audit_records(database)
    actions = [r.action for r in records if r.action.startswith("networks.") and r.actor != "import"]
    assert actions == ["networks.groups", "networks.alerts"]


def test_a_commune_bound_leader_sees_only_the_incidents_of_their_commune(app, database) -> None:
    client = client_as(app, database, "leader", (LE_CHAN,))
    page = client.get(QUERY)
    assert page.status_code == 200
    (chart,) = chart_data(page.text)
    assert len(chart["nodes"]) == 2  # the two named in the Lê Chân incident
    assert "HP-00006" in page.text and "HP-00001" not in page.text and f"unit={HONG_BANG}" not in page.text


@pytest.mark.parametrize("role", ["commune_officer", "administrator", "auditor"])
def test_roles_without_the_privilege_get_403_and_no_menu_link(app, database, role) -> None:
    client = client_as(app, database, role, (LE_CHAN,) if role == "commune_officer" else ())
    assert client.get(QUERY).status_code == 403
    assert '<a href="/networks"' not in client.get("/").text
    assert not [r for r in audit_records(database, "networks.groups") if r.outcome == "ok"]


def test_a_period_without_groups_is_an_empty_page_not_an_error(app, database) -> None:
    page = client_as(app, database, "analyst").get("/networks?from=2025-01-01&to=2025-06-30")
    assert page.status_code == 200 and chart_data(page.text) == []
