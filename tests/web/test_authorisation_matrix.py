"""The authorisation matrix: every route × every role × (own commune, another commune).

Each route's expected answer follows from the role table in ``domain.access``: 200 when the role may do
the route's action, 403 when it may not, 404 when the object is a commune outside the actor's units —
and no row of another commune ever appears. A route missing from this table fails the last test.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from antt.domain.access import ROLE_ACTIONS, Action, Role
from antt.settings import load_settings
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.signed_in import client_as

OWN, OTHER = "11383", "11311"  # Phường Lê Chân (the officer's), Phường Hồng Bàng
ROLES = {  # role → the units of its grant (empty: city-wide)
    "leader": (),
    "analyst": (),
    "commune_officer": (OWN,),
    "administrator": (),
    "auditor": (),
}
TARGET = "social-order-crime-reduction"
P = "period=report-month:2026-10"

# (method, route path, concrete URL, action, commune in the URL or None, form data)
GETS = [
    ("/", "/", Action.VIEW_DASHBOARD, None),
    ("/compstat", f"/compstat?{P}", Action.VIEW_DASHBOARD, None),
    ("/compstat", f"/compstat?{P}&unit={{unit}}", Action.VIEW_DASHBOARD, "unit"),
    ("/targets/{target_id}", f"/targets/{TARGET}", Action.VIEW_DASHBOARD, None),
    ("/units", "/units", Action.VIEW_DASHBOARD, None),
    ("/units/{code}", "/units/{unit}", Action.VIEW_DASHBOARD, "unit"),
    ("/incidents", f"/incidents?{P}", Action.VIEW_INCIDENTS, None),
    ("/incidents", f"/incidents?{P}&unit={{unit}}", Action.VIEW_INCIDENTS, "unit"),
    ("/imports", "/imports", Action.IMPORT_DATA, None),
    ("/reports", "/reports", Action.EXPORT_REPORT, None),
    ("/admin/users", "/admin/users", Action.MANAGE_USERS, None),
    ("/audit", "/audit?from=2026-11-01&to=2026-11-30", Action.READ_AUDIT, None),
    ("/api/compstat", f"/api/compstat?{P}", Action.VIEW_DASHBOARD, None),
    ("/api/compstat", f"/api/compstat?{P}&unit={{unit}}", Action.VIEW_DASHBOARD, "unit"),
    ("/api/compstat/series", f"/api/compstat/series?{P}&unit={{unit}}", Action.VIEW_DASHBOARD, "unit"),
    (
        "/api/compstat/weekday-hour",
        f"/api/compstat/weekday-hour?{P}&unit={{unit}}",
        Action.VIEW_DASHBOARD,
        "unit",
    ),
    ("/api/targets", "/api/targets", Action.VIEW_DASHBOARD, None),
    ("/api/targets", "/api/targets?unit={unit}", Action.VIEW_DASHBOARD, "unit"),
    ("/api/indicators/{indicator}", "/api/indicators/population?unit={unit}", Action.VIEW_DASHBOARD, "unit"),
    ("/api/units/populations", "/api/units/populations", Action.VIEW_DASHBOARD, None),
    ("/api/units/{code}", "/api/units/{unit}", Action.VIEW_DASHBOARD, "unit"),
    ("/api/map/communes", "/api/map/communes", Action.VIEW_DASHBOARD, None),
]
POSTS = [
    (
        "/reports",
        "/reports",
        Action.EXPORT_REPORT,
        "unit",
        {"period": "report-month:2026-10", "format": "xlsx"},
    ),
    ("/audit/export", "/audit/export", Action.READ_AUDIT, None, {"from": "2026-11-01", "to": "2026-11-30"}),
    (
        "/admin/users/grant",
        "/admin/users/grant",
        Action.MANAGE_USERS,
        None,
        {"user": "999999", "role": "leader"},
    ),
]
COVERED_ELSEWHERE = {  # sign-in, language, sign-out, imports (tests/web/test_imports_page.py), health
    "/login",
    "/auth/callback",
    "/logout",
    "/language",
    "/health",
    "/favicon.ico",
    "/imports/confirm",
    "/admin/users/revoke",
    "/admin/users/disable",
}


@pytest.fixture(scope="module")
def clients(demo_database):
    url = demo_database.engine.url.render_as_string(hide_password=False)
    app = create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))
    made = {
        role: client_as(app, demo_database, role, units, subject=f"matrix-{role}")
        for role, units in ROLES.items()
    }
    yield made
    for client in made.values():
        client.close()


def expected(role: str, action: Action, unit: str | None) -> int:
    if action not in ROLE_ACTIONS[Role(role)]:
        return 403
    if unit is not None and ROLES[role] and unit not in ROLES[role]:
        return 404  # a commune outside the grant is indistinguishable from one that does not exist
    return 200


CASES = [
    (role, path, url, action, unit)
    for role in ROLES
    for path, url, action, kind in GETS
    for unit in ((OWN, OTHER) if kind else (None,))
]


@pytest.mark.parametrize("role, path, url, action, unit", CASES)
def test_get(clients, role, path, url, action, unit) -> None:
    response = clients[role].get(url.format(unit=unit), follow_redirects=False)
    assert response.status_code == expected(role, action, unit), (role, url, response.text[:300])
    if response.status_code == 200 and ROLES[role]:
        text = response.text
        if path == "/api/units/{code}":  # neighbours and predecessors are public geography, not data
            body = response.json()
            body.pop("neighbours"), body.pop("predecessors")
            text = json.dumps(body)
        assert_only_own_communes(text)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("path, url, action, kind, form", POSTS)
def test_post(clients, role, path, url, action, kind, form) -> None:
    client = clients[role]
    units = (OWN, OTHER) if kind else (None,)
    for unit in units:
        data = {**form, "csrf_token": client.csrf_token, **({"unit": unit} if unit else {})}
        response = client.post(url, data=data, follow_redirects=False)
        want = expected(role, action, unit)
        if want == 200 and path.startswith("/admin/"):
            want = 404  # user 999999 does not exist: the administrator's request reaches the service
        assert response.status_code == want, (role, url, unit, response.text[:300])


def assert_only_own_communes(text: str) -> None:
    """No code of another commune shows up as a row, an option, a link or a JSON unit."""
    codes = set(re.findall(r'(?:data-unit="|unit_code": ?"|"code": ?"|/units/|value=")(\d{5})', text))
    assert codes <= {OWN}, codes - {OWN}


def test_the_officer_sees_only_their_commune_in_the_api(clients) -> None:
    officer = clients["commune_officer"]
    body = officer.get(f"/api/compstat?{P}").json()
    assert {r["unit_code"] for r in body["rows"]} == {OWN}
    features = officer.get("/api/map/communes").json()["features"]
    assert [f["properties"]["code"] for f in features] == [OWN]
    assert set(officer.get("/api/units/populations").json()["populations"]) == {OWN}
    city = clients["leader"].get(f"/api/compstat?{P}").json()
    assert len(city["rows"]) == 114


def test_every_route_is_in_the_matrix(clients) -> None:
    app = next(iter(clients.values())).app
    paths = {
        c.path
        for c in iter_route_contexts(app.routes)
        if not isinstance(c.original_route, Mount) and c.path != "/openapi.json"
    }
    tested = {g[0] for g in GETS} | {p[0] for p in POSTS} | COVERED_ELSEWHERE
    assert paths <= tested, f"routes missing from the authorisation matrix: {sorted(paths - tested)}"
