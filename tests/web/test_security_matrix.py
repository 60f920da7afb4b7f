"""The security regression matrix, generated from the app's own routes: every route × every persona × every
flavour of commune it can be asked about, against one declarative table of what each route must answer.

The routes are read from ``create_app`` when the tests are collected, so a route added later is in the
matrix without anyone remembering to put it there — and it fails until someone says, in :data:`ROUTES`,
what it must answer (and, in :data:`PATH_SAMPLES`, how to fill a new path parameter).

Personas: anonymous; a user whose account was disabled (an old cookie: must be as good as none); an
outsider (signed in, every grant since revoked); a leader, analyst, administrator and auditor city-wide;
a commune officer of Phường Lê Chân. Commune flavours: their own commune, another one, the city's code
``31`` and a code of the 2025-01 map that no longer exists (its commune merged into the other one).

Every answer, whatever it is, must: be the one :func:`expected` derives from the table (no 500, ever);
carry the security headers ``web.headers`` sets; give nothing but the way to sign in to someone not
signed in; for a commune outside a commune officer's grant, be a 404 that reads exactly like the 404 of a
code that does not exist; and contain no other commune's code or name in what the officer gets.
Unsafe methods are also sent without the CSRF token and from another site (both refused), and every date
or period parameter a route takes is sent the extremes of the calendar (``0001-01-01``, ``9999-12-31``):
a 4xx, never a 5xx.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from antt.domain.access import ROLE_ACTIONS, Action, Actor, Role
from antt.domain.units import Level
from antt.services.sessions import current_session, open_session
from antt.services.units import list_units
from antt.services.users import disable_user, revoke, sign_in
from antt.settings import load_settings
from antt.storage.engine import Database
from antt.web.access import SAFE_METHODS, declared_access
from antt.web.app import create_app, origin_of
from antt.web.headers import ALWAYS, content_security_policy
from antt.web.limits import is_upload_path
from antt.web.session import SESSION_COOKIE
from tests.conftest import TEST_KEY
from tests.incident_files import incident, write_csv
from tests.user_fixtures import OPERATOR, granted_user, identity

# ------------------------------------------------------------------------------------- communes asked for

OWN, OTHER, CITY, OLD = "11383", "11311", "31", "11299"  # Lê Chân, Hồng Bàng, the city, old Hùng Vương
NOWHERE = "99999"  # no unit of any map: what "out of your scope" must be indistinguishable from
FLAVOURS = {"own": OWN, "other": OTHER, "city": CITY, "old": OLD}
UNIT = object()  # a path parameter filled with the commune of the case

# How to fill each path parameter. A route with a parameter not named here fails (it is not skipped):
# add a sample (or UNIT for a commune code) when you add such a route.
PATH_SAMPLES: dict[str, object] = {
    "code": UNIT,
    "target_id": "social-order-crime-reduction",
    "indicator": "population",
    "token": "0" * 32,  # an upload token that was never issued
    "alert_id": "999999",  # an alert that does not exist
    "draft_id": "999999",  # a report draft that does not exist
    "incident_id": "999999",  # an incident that does not exist (tests/web/test_incident_detail.py: real ones)
    "question": "bien_ban",  # an attachment question no survey has a file for
    "form": "ptmt-xa-2025",  # the built-in survey form
}

PERIOD = "report-month:2026-10"  # the demo city runs to 31/10/2026
Statuses = int | frozenset[int]

# ------------------------------------------------------------------------------------- the table

PUBLIC, SIGNED_IN = "public", "signed_in"


@dataclass(frozen=True)
class Expect:
    """What one route (method + path) must answer. ``access`` must equal the route's declaration in
    ``web.access`` (``public``, ``signed_in`` or an :class:`Action`): who may use it follows from it and
    ``domain.access.ROLE_ACTIONS``.

    The commune parameter of a route (a ``{code}`` path parameter, a ``unit`` query or form field, or
    ``unit="file"``: the rows of an uploaded file) is found from the route itself."""

    access: str
    query: Mapping[str, str] = field(default_factory=dict)  # a sample query
    form: Mapping[str, str] = field(default_factory=dict)  # a sample form (unsafe methods)
    ok: Statuses = 200  # to anyone allowed: no commune, their own, or any commune if city-wide
    anonymous: Statuses | None = None  # default: 303 to /login (page GET), else 401; public: ``ok``
    city: Statuses = 200  # to a city-wide role asking for the city code 31
    old: Statuses = 404  # to anyone allowed asking for a pre-2025 code
    out_of_scope: Statuses = 404  # to a commune officer asking for any commune but theirs
    scoped: bool = True  # False: the commune names no data (it pre-fills a form): no out-of-scope 404
    unit: str | None = None  # "file": the commune goes into the rows of an uploaded file
    fresh_session: bool = False  # the request ends the session (sign-out): give it a session of its own
    geography: tuple[str, ...] = ()  # JSON keys holding public geography (neighbours' names), not data


def q(**params: str) -> dict[str, str]:
    return {k.rstrip("_"): v for k, v in params.items()}


P = q(period=PERIOD)
NOBODY = "999999"  # a user id that does not exist: admin changes reach the service and change nothing

ROUTES: dict[tuple[str, str], Expect] = {
    # pages
    ("GET", "/"): Expect(Action.VIEW_DASHBOARD),
    ("GET", "/compstat"): Expect(Action.VIEW_DASHBOARD, P),
    ("GET", "/targets/{target_id}"): Expect(Action.VIEW_DASHBOARD),
    ("GET", "/units"): Expect(Action.VIEW_DASHBOARD),
    ("GET", "/units/{code}"): Expect(Action.VIEW_DASHBOARD, city=404),  # the city is no commune
    ("GET", "/incidents"): Expect(Action.VIEW_INCIDENTS, P),
    ("GET", "/imports"): Expect(Action.IMPORT_DATA),
    ("GET", "/imports/issues/{token}.csv"): Expect(Action.IMPORT_DATA, ok=404),
    ("GET", "/reports"): Expect(  # ?unit= only pre-selects the form's commune
        Action.EXPORT_REPORT, P, scoped=False, city=200, old=200
    ),
    ("GET", "/reports/drafts"): Expect(Action.EXPORT_REPORT),
    ("GET", "/reports/drafts/{draft_id}"): Expect(Action.EXPORT_REPORT, ok=404),
    ("GET", "/admin/users"): Expect(Action.MANAGE_USERS),
    ("GET", "/admin/targets"): Expect(Action.MANAGE_TARGETS),
    ("GET", "/audit"): Expect(Action.READ_AUDIT, q(from_="2026-11-01", to="2026-11-30")),
    ("GET", "/alerts"): Expect(Action.VIEW_DASHBOARD),
    ("GET", "/networks"): Expect(Action.VIEW_NETWORKS, q(from_="2025-11-01", to="2026-10-31")),
    ("GET", "/risk"): Expect(Action.VIEW_DASHBOARD, q(horizon="7d")),
    ("GET", "/risk/patrol/{code}"): Expect(Action.VIEW_DASHBOARD, q(horizon="7d"), city=404),
    ("GET", "/drugs"): Expect(Action.VIEW_DASHBOARD, q(unit=OWN)),
    ("GET", "/drugs/survey/{code}"): Expect(Action.VIEW_DASHBOARD, city=404),  # the city is no commune
    ("GET", "/drugs/survey/{code}/template.xlsx"): Expect(Action.IMPORT_DATA, city=404),
    ("GET", "/drugs/survey/{code}/attachment/{question}"): Expect(  # no file sent: 404
        Action.VIEW_DASHBOARD, q(year="2026"), ok=404, city=404
    ),
    ("GET", "/drugs/forms/{form}.xlsx"): Expect(Action.VIEW_DASHBOARD),
    ("GET", "/incidents/{incident_id:int}"): Expect(Action.VIEW_INCIDENTS, ok=404),
    # CSV exports of the tables, with the page's filters (tests/web/test_csv_exports.py: their content)
    ("GET", "/incidents/export.csv"): Expect(Action.EXPORT_REPORT, P),
    ("GET", "/compstat/export.csv"): Expect(Action.EXPORT_REPORT, P),
    ("GET", "/alerts/export.csv"): Expect(Action.EXPORT_REPORT),
    ("GET", "/units/export.csv"): Expect(Action.EXPORT_REPORT),
    ("GET", "/drugs/export.csv"): Expect(Action.EXPORT_REPORT, q(unit=OWN)),
    # the JSON API
    ("GET", "/api/compstat"): Expect(Action.VIEW_DASHBOARD, P),
    ("GET", "/api/compstat/series"): Expect(Action.VIEW_DASHBOARD, P),
    ("GET", "/api/compstat/weekday-hour"): Expect(Action.VIEW_DASHBOARD, P),
    ("GET", "/api/targets"): Expect(Action.VIEW_DASHBOARD),
    # an old code may hold indicator values imported before the 2025 merger: values or 404
    ("GET", "/api/indicators/{indicator}"): Expect(Action.VIEW_DASHBOARD, old=frozenset({200, 404})),
    ("GET", "/api/units/populations"): Expect(Action.VIEW_DASHBOARD),
    ("GET", "/api/units/{code}"): Expect(
        Action.VIEW_DASHBOARD, city=404, geography=("neighbours", "predecessors")
    ),
    ("GET", "/api/map/communes"): Expect(Action.VIEW_DASHBOARD, geography=("neighbours",)),  # outlines around
    # CompStat's risk layer: the /risk page's cells (the whole city for ?unit=31, like the page)
    ("GET", "/api/risk/cells"): Expect(Action.VIEW_DASHBOARD, q(horizon="7d")),
    # FastAPI's schema: it maps the API for an attacker, so it needs a sign-in too
    ("GET", "/openapi.json"): Expect(SIGNED_IN, anonymous=frozenset({303, 401})),
    # sign-in, sign-out, language, health
    ("GET", "/login"): Expect(PUBLIC, ok=303, anonymous=200),  # a signed-in user is sent on
    ("POST", "/login"): Expect(PUBLIC, ok=503),  # the tests configure no e-ID provider: "not set up"
    ("GET", "/auth/callback"): Expect(PUBLIC, ok=401),  # no sign-in in progress
    ("POST", "/logout"): Expect(SIGNED_IN, ok=303, fresh_session=True),
    ("POST", "/language"): Expect(PUBLIC, form=q(language="vi", next="/"), ok=303),
    ("GET", "/health"): Expect(PUBLIC),
    ("GET", "/favicon.ico"): Expect(PUBLIC, ok=301),
    # changes
    ("POST", "/imports"): Expect(  # a dry run of a one-row file whose row is in the commune asked for
        Action.IMPORT_DATA,
        unit="file",
        out_of_scope=frozenset({404, 422}),
        city=422,  # an incident happens in a commune, not "in the city"
        old=422,  # the rows are of 2026: the old code no longer exists then
    ),
    ("POST", "/imports/confirm"): Expect(Action.IMPORT_DATA, form=q(token="0" * 32, sha256="0" * 64), ok=404),
    ("POST", "/reports"): Expect(Action.EXPORT_REPORT, form=q(period=PERIOD, format="xlsx")),
    # a new draft of the commune asked for (or the city's): then its page
    ("POST", "/reports/drafts"): Expect(Action.EXPORT_REPORT, form=q(period=PERIOD), ok=303, city=303),
    ("POST", "/reports/drafts/{draft_id}"): Expect(Action.EXPORT_REPORT, form=q(based_on="1"), ok=404),
    ("POST", "/reports/drafts/{draft_id}/review"): Expect(
        Action.EXPORT_REPORT, form=q(decision="submit", version="1"), ok=404
    ),
    ("POST", "/reports/drafts/{draft_id}/export"): Expect(
        Action.EXPORT_REPORT, form=q(format="docx"), ok=404
    ),
    ("POST", "/admin/users/grant"): Expect(  # no such user; the city is no commune to grant on
        Action.MANAGE_USERS, form=q(user=NOBODY, role="leader"), ok=404, city=422, scoped=False
    ),
    ("POST", "/admin/users/revoke"): Expect(
        Action.MANAGE_USERS, form=q(user=NOBODY, role="leader"), ok=404, city=422, scoped=False
    ),
    ("POST", "/admin/users/disable"): Expect(Action.MANAGE_USERS, form=q(user=NOBODY), ok=404),
    ("POST", "/admin/users/legacy"): Expect(  # an upload: an incident file is no list of old accounts
        Action.MANAGE_USERS, unit="file", ok=422, city=422, old=422
    ),
    ("POST", "/admin/users/legacy/confirm"): Expect(
        Action.MANAGE_USERS, form=q(token="0" * 32, sha256="0" * 64), ok=404
    ),
    ("POST", "/admin/targets"): Expect(  # a new version of a default, explicitly without a document
        Action.MANAGE_TARGETS,
        form=q(target_id="social-order-crime-reduction", max_ratio="0.95", no_document="1"),
        ok=303,
    ),
    ("POST", "/admin/targets/retire"): Expect(
        Action.MANAGE_TARGETS, form=q(target_id="no-such-target"), ok=404
    ),
    ("POST", "/alerts/{alert_id}/acknowledge"): Expect(  # no such alert
        Action.VIEW_INCIDENTS, form=q(action_taken="Tăng tuần tra"), ok=404
    ),
    ("POST", "/audit/export"): Expect(Action.READ_AUDIT, form=q(from_="2026-11-01", to="2026-11-30")),
    ("POST", "/drugs/survey/{code}"): Expect(  # a complete survey of the commune, submitted
        Action.IMPORT_DATA,
        form=q(
            users_managed="3",
            places="0",
            offenders_arrested="0",
            plants_destroyed="0",
            steering_committee="có",
            community_treatment="0",
            self_assessment="far",
        ),
        ok=303,
        city=404,
    ),
    # return without a comment: 422 to the analyst (a reviewer), 403 to the officer (not one)
    ("POST", "/drugs/survey/{code}/review"): Expect(
        Action.IMPORT_DATA, form=q(decision="return"), ok=frozenset({403, 422}), city=404
    ),
    ("POST", "/drugs/survey/{code}/upload"): Expect(Action.IMPORT_DATA, ok=422, city=404),  # no file sent
    # the year's campaign: set up by the city's analyst (303), refused to a commune officer (403)
    ("POST", "/drugs/campaign"): Expect(
        Action.IMPORT_DATA,
        form=q(year="2026", name="Khảo sát PCMT 2026", deadline="30/09/2026"),
        ok=frozenset({303, 403}),
    ),
    # a new survey form without its definition file: 422 to the analyst, 403 to a commune officer
    ("POST", "/drugs/forms"): Expect(
        Action.IMPORT_DATA,
        form=q(code="ptmt-xa-2099", title_vi="Khảo sát 2099", title_en="Survey 2099"),
        ok=frozenset({403, 422}),
    ),
}

# Every date or period parameter (by its name in the URL or form) and the extremes it is sent; ``None``
# removes a parameter of the sample. The answer must be a 4xx (or a 200), never a 5xx.
EXTREME_DATES: dict[str, list[dict[str, str | None]]] = {
    "period": [
        {"period": "day:0001-01-01"},
        {"period": "day:9999-12-31"},
        {"period": "custom:0001-01-01..9999-12-31"},
        {"period": "ytd:9999-12-31"},
    ],
    "as_of": [{"as_of": "0001-01-01"}, {"as_of": "9999-12-31"}],
    "from": [
        {"period": None, "from": "0001-01-01", "to": "9999-12-31"},
        {"period": None, "from": "9999-12-31", "to": "9999-12-31"},
        {"period": None, "from": "0001-01-01", "to": "0001-01-01"},
    ],
    "issued": [{"issued": "0001-01-01"}, {"issued": "9999-12-31"}],
}

# ------------------------------------------------------------------------------------- the app's routes


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    access: list[str] | None  # the declarations found (None: a framework route without a dependant)
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]  # by alias, as in the URL
    form_params: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def unsafe(self) -> bool:
        return self.method not in SAFE_METHODS

    @property
    def api(self) -> bool:
        """Answers in JSON (the error envelope) rather than with the HTML page."""
        return self.path.startswith("/api/") or self.path == "/health"

    @property
    def unit_place(self) -> str | None:
        """Where the commune of a case goes, found from the route (or its table entry)."""
        spec = ROUTES.get(self.key)
        if spec is not None and spec.unit:
            return spec.unit
        if any(PATH_SAMPLES.get(p) is UNIT for p in self.path_params):
            return "path"
        if "unit" in self.query_params:
            return "query"
        if "unit" in self.form_params:
            return "form"
        return None


def app_routes(app: FastAPI) -> list[Route]:
    """Every (method, path) the app serves — routers included, the static mount aside."""
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            continue
        dependant = getattr(context, "dependant", None)
        path = str(context.path)
        for method in sorted((context.methods or set()) - {"HEAD"}):
            found.append(
                Route(
                    method,
                    path,
                    declared_access(dependant.dependencies) if dependant else None,
                    tuple(p.alias for p in dependant.path_params)
                    if dependant
                    else tuple(re.findall(r"\{(\w+)", path)),
                    tuple(p.alias for p in dependant.query_params) if dependant else (),
                    tuple(p.alias for p in dependant.body_params) if dependant else (),
                )
            )
    return found


def _collect_routes() -> list[Route]:
    """The routes of a real app, read at collection time (the app is built, never served: its database,
    a file that is never created, is not opened)."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(load_settings(database_url=f"sqlite:///{folder}/routes.db", pseudonym_key=TEST_KEY))
        routes = app_routes(app)
        app.state.database.dispose()
    return routes


APP_ROUTES = _collect_routes()

# ------------------------------------------------------------------------------------- personas


@dataclass
class Persona:
    name: str
    role: Role | None = None  # None: no grant at all
    units: tuple[str, ...] = ()  # the grant's communes; empty: city-wide
    client: TestClient | None = None
    token: str | None = None  # the session cookie (also for a disabled user: their dead one)
    csrf: str = ""  # the session's CSRF token
    subject: str = ""
    user_id: int | None = None

    @property
    def signed_in(self) -> bool:
        return self.name not in ("anonymous", "disabled")

    @property
    def actions(self) -> frozenset[Action]:
        return ROLE_ACTIONS[self.role] if self.role and self.signed_in else frozenset()

    @property
    def commune_bound(self) -> bool:
        return bool(self.units)


PERSONAS = {
    "anonymous": Persona("anonymous"),
    "disabled": Persona("disabled", Role.LEADER),
    "outsider": Persona("outsider"),
    "leader": Persona("leader", Role.LEADER),
    "analyst": Persona("analyst", Role.ANALYST),
    "commune_officer": Persona("commune_officer", Role.COMMUNE_OFFICER, (OWN,)),
    "administrator": Persona("administrator", Role.ADMINISTRATOR),
    "auditor": Persona("auditor", Role.AUDITOR),
}
SIGNED_IN_PERSONAS = [name for name, p in PERSONAS.items() if p.signed_in]


def new_client(app: FastAPI, token: str | None = None) -> TestClient:
    """A client that sees a server error as the 500 a browser would get, not as a raised exception."""
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    if token:
        client.cookies.set(SESSION_COOKIE, token)
    return client


@pytest.fixture(scope="module")
def app(demo_database: Database) -> Iterator[FastAPI]:
    url = demo_database.engine.url.render_as_string(hide_password=False)
    made = create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))
    yield made
    made.state.database.dispose()


@pytest.fixture(scope="module")
def personas(app: FastAPI, demo_database: Database) -> Iterator[dict[str, Persona]]:
    """One client per persona, signed in through the real sign-in service (one shared demo city)."""
    database, settings = demo_database, demo_database.settings
    made: dict[str, Persona] = {}
    for name, template in PERSONAS.items():
        persona = Persona(template.name, template.role, template.units, subject=f"security-matrix-{name}")
        if name != "anonymous":
            role = persona.role or Role.LEADER  # the outsider had a role once, then lost it
            persona.user_id = user_id = granted_user(
                database, settings, persona.subject, role, persona.units, not persona.units
            )
            persona.token, _actor = sign_in(database, settings, identity(persona.subject))
            session = current_session(database, persona.token)
            assert session is not None
            persona.csrf = session.csrf_token
            if name == "outsider":
                revoke(database, OPERATOR, user_id, role, city_wide=True)
                session = current_session(database, persona.token)
                assert session is not None and not session.actor.grants, "the outsider must stay signed in"
            if name == "disabled":
                disable_user(database, OPERATOR, user_id, reason="security matrix")
                assert current_session(database, persona.token) is None
        persona.client = new_client(app, persona.token)
        made[name] = persona
    yield made
    for persona in made.values():
        assert persona.client is not None
        persona.client.close()


def fresh_session(app: FastAPI, database: Database, persona: Persona) -> tuple[TestClient, str]:
    """A new session of the persona's user (for a request that ends its session), and its CSRF token."""
    if not persona.signed_in:
        return new_client(app, persona.token), ""
    assert persona.user_id is not None
    token = open_session(database, persona.user_id)  # not sign_in: the outsider may not sign in any more
    session = current_session(database, token)
    assert session is not None
    return new_client(app, token), session.csrf_token


# ------------------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    route: Route
    persona: str
    flavour: str | None  # None: the route asked without a commune

    @property
    def id(self) -> str:
        return f"{self.route.method} {self.route.path} | {self.persona} | {self.flavour or 'no unit'}"


def flavours(route: Route) -> list[str | None]:
    place = route.unit_place
    if place is None:
        return [None]
    if place == "path":
        return list(FLAVOURS)
    return [None, *FLAVOURS]


CASES = [Case(r, p, f) for r in APP_ROUTES for p in PERSONAS for f in flavours(r)]


def _set(statuses: Statuses) -> frozenset[int]:
    return statuses if isinstance(statuses, frozenset) else frozenset({statuses})


def expected(spec: Expect, route: Route, persona: Persona, flavour: str | None) -> frozenset[int]:
    """The answer the table demands of ``route`` for ``persona`` asking about the ``flavour`` commune."""
    if not persona.signed_in:
        if spec.anonymous is not None:
            return _set(spec.anonymous)
        if spec.access == PUBLIC:
            return _set(spec.ok)
        return frozenset({401 if route.api or route.unsafe else 303})
    if spec.access not in (PUBLIC, SIGNED_IN) and Action(spec.access) not in persona.actions:
        return frozenset({403})
    if flavour in (None, "own"):
        return _set(spec.ok)
    if persona.commune_bound and spec.scoped:
        return _set(spec.out_of_scope)
    return _set({"other": spec.ok, "city": spec.city, "old": spec.old}[flavour])


def spec_of(route: Route) -> Expect:
    spec = ROUTES.get(route.key)
    if spec is None:
        pytest.fail(
            f"{route.method} {route.path} is not in the security matrix: add an Expect(...) for "
            f"{route.key!r} to ROUTES in tests/web/test_security_matrix.py (who may use it, a sample "
            "query or form, and what it answers)."
        )
    return spec


def fill_path(route: Route, unit: str | None) -> str:
    def sample(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PATH_SAMPLES:
            pytest.fail(
                f"{route.method} {route.path}: the security matrix does not know how to fill the path "
                f"parameter {{{name}}}: add a sample value for {name!r} to PATH_SAMPLES in "
                "tests/web/test_security_matrix.py (UNIT if it is a commune code)."
            )
        value = PATH_SAMPLES[name]
        return (unit or OWN) if value is UNIT else str(value)

    return re.sub(r"\{(\w+)(?::\w+)?\}", sample, route.path)


def send(
    client: TestClient,
    route: Route,
    spec: Expect,
    unit: str | None,
    csrf: str | None,
    changes: Mapping[str, str | None] | None = None,
) -> Any:
    """One request of ``route`` about commune ``unit``: the table's sample, ``changes`` applied, the CSRF
    token in the form when ``csrf`` is given."""
    place = route.unit_place
    url = fill_path(route, unit if place == "path" else None)
    params: dict[str, str | None] = dict(spec.query if not route.unsafe else {})
    form: dict[str, str | None] = dict(spec.form if route.unsafe else {})
    target = params if not route.unsafe else form
    if unit is not None and place in ("query", "form"):
        target["unit"] = unit
    for name, value in (changes or {}).items():
        target[name] = value
    params = {k: v for k, v in params.items() if v is not None}
    if not route.unsafe:
        full = url + (f"?{urlencode(params)}" if params else "")
        return client.request(route.method, full, follow_redirects=False)
    data = {k: v for k, v in form.items() if v is not None}
    if csrf is not None:
        data["csrf_token"] = csrf
    files = None
    if place == "file":
        files = {"file": ("matrix.csv", upload_rows(unit or OWN), "text/csv")}
    return client.request(route.method, url, data=data, files=files, follow_redirects=False)


def upload_rows(unit: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(
            Path(folder) / "matrix.csv",
            [incident(90001, unit_code=unit, occurred_at="05/10/2026 14:30", reported_at="05/10/2026 15:00")],
        )
        return path.read_bytes()


# ------------------------------------------------------------------------------------- what every answer obeys


# The headers every answer must carry, named here and not only in ``web.headers.ALWAYS``, so that taking
# one out of the app fails this suite; their values (and any added later) come from the app.
REQUIRED_HEADERS = {
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
}
CSP_MUST = ("default-src 'self'", "script-src 'self';", "object-src 'none'", "frame-ancestors 'none'")


def assert_security_headers(app: FastAPI, response: Any, where: str) -> None:
    assert set(ALWAYS) >= REQUIRED_HEADERS, f"web.headers.ALWAYS lost {REQUIRED_HEADERS - set(ALWAYS)}"
    csp = response.headers.get("content-security-policy", "")
    assert all(part in csp for part in CSP_MUST), f"{where}: a weak or missing CSP: {csp!r}"
    headers = {
        **ALWAYS,
        "Content-Security-Policy": content_security_policy(origin_of(app.state.settings.oidc_issuer)),
    }
    missing = {
        name: response.headers.get(name)
        for name, value in headers.items()
        if response.headers.get(name) != value
    }
    assert not missing, f"{where}: security headers missing or wrong on a {response.status_code}: {missing}"
    assert response.headers.get("cache-control") == "no-store", f"{where}: not Cache-Control: no-store"


def excerpt(response: Any) -> str:
    return (
        response.text[:400]
        if "json" in response.headers.get("content-type", "") or response.status_code >= 400
        else ""
    )


class Communes:
    """The communes of the current map: codes, official and short names (for spotting foreign data)."""

    def __init__(self) -> None:
        units = list_units(Actor.system("security-matrix"), level=Level.COMMUNE)
        self.others = [u for u in units if u.code != OWN]
        self.own = next(u for u in units if u.code == OWN)
        self.codes = {u.code for u in self.others}
        self.exact = self.codes | {u.name for u in self.others} | {u.short_name for u in self.others}
        self.names = [u.name for u in self.others]


COMMUNES = Communes()
# a commune code stands alone: not the first five digits of a token or hash (value="29703ab…")
PAGE_CODES = re.compile(r'(?:data-unit="|unit_code": ?"|"code": ?"|/units/|value=")(\d{5})(?![\w-])')


def foreign_strings(value: Any, drop: tuple[str, ...] = ()) -> list[str]:
    """Strings (keys too) of a JSON document that name another commune: its code or either name, or that
    contain its official name."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, item in node.items():
                if key in drop:
                    continue
                walk(key)
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            if node in COMMUNES.exact:
                found.append(node)
            else:
                text = node.replace(COMMUNES.own.name, "")
                found.extend(name for name in COMMUNES.names if name in text)

    walk(value)
    return found


def assert_nothing_of_other_communes(spec: Expect, response: Any, asked: str | None, where: str) -> None:
    """What a commune officer gets names no other commune — but the one they asked for in a refusal, which
    only repeats their own request (the page's language switch carries the URL)."""
    echo = {asked} if asked and response.status_code != 200 else set()
    if "json" in response.headers.get("content-type", ""):
        foreign = set(foreign_strings(response.json(), spec.geography)) - echo
        assert not foreign, (
            f"{where}: the commune officer's answer names other communes: {sorted(set(foreign))[:10]}"
        )
    elif "html" in response.headers.get("content-type", ""):
        codes = set(PAGE_CODES.findall(response.text)) - {OWN} - echo
        assert not codes, f"{where}: the commune officer's page shows other communes: {sorted(codes)[:10]}"


def assert_nothing_for_strangers(route: Route, response: Any, where: str) -> None:
    """Someone not signed in gets the way to sign in and nothing else."""
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login?next="), (
            f"{where}: {response.headers['location']}"
        )
        assert not response.content, f"{where}: a redirect with a body"
    elif response.status_code == 401 and route.api:
        assert response.json()["error"]["type"] == "NotSignedIn", f"{where}: {response.text[:300]}"
    assert not PAGE_CODES.findall(response.text), f"{where}: commune data given to someone not signed in"


# ------------------------------------------------------------------------------------- the tests


@pytest.mark.slow  # the full sweep (≈ 1,100 cases); the fast subset keeps the table's own checks
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_route_answers_as_the_table_says(
    app: FastAPI, personas: dict[str, Persona], demo_database: Database, case: Case
) -> None:
    route, persona = case.route, personas[case.persona]
    spec = spec_of(route)
    unit = FLAVOURS.get(case.flavour or "")
    client, csrf = persona.client, persona.csrf
    if spec.fresh_session:
        client, csrf = fresh_session(app, demo_database, persona)
    assert client is not None
    response = send(client, route, spec, unit, csrf if persona.signed_in else None)
    if spec.fresh_session:
        client.close()
    where = f"{case.id} → {response.status_code}"
    want = expected(spec, route, persona, case.flavour)
    assert response.status_code in want, f"{where}, expected {sorted(want)}: {excerpt(response)}"
    assert_security_headers(app, response, where)
    if not persona.signed_in and spec.access != PUBLIC:
        assert_nothing_for_strangers(route, response, where)
    if persona.commune_bound and response.status_code < 500:
        assert_nothing_of_other_communes(spec, response, unit, where)
    if persona.commune_bound and case.flavour == "other" and response.status_code == 404:
        nowhere = send(client, route, spec, NOWHERE, csrf)
        assert (nowhere.status_code, nowhere.text.replace(NOWHERE, "{code}")) == (
            404,
            response.text.replace(OTHER, "{code}"),
        ), (
            f"{where}: a commune outside the grant answers unlike one that does not exist: {response.text[:300]}"
        )


UNSAFE = [r for r in APP_ROUTES if r.unsafe]


@pytest.mark.parametrize("persona_name", SIGNED_IN_PERSONAS)
@pytest.mark.parametrize(
    "route", [r for r in UNSAFE if r.access != [PUBLIC]], ids=lambda r: f"{r.method} {r.path}"
)
def test_a_change_without_the_csrf_token_is_refused(
    app: FastAPI, personas: dict[str, Persona], demo_database: Database, route: Route, persona_name: str
) -> None:
    """Refused with 403: for the CSRF token by those the route lets in (it says so), for the grant by the
    others (checked first, so that their request body is never read). Nothing happens: not even sign-out."""
    spec, persona = spec_of(route), personas[persona_name]
    allowed = spec.access == SIGNED_IN or Action(spec.access) in persona.actions
    client, _csrf = fresh_session(app, demo_database, persona)
    try:
        for token in (None, "not-the-token"):
            response = send(client, route, spec, None, token)
            where = f"{route.method} {route.path} | {persona_name} | csrf={token!r} → {response.status_code}"
            assert response.status_code == 403, f"{where}: {response.text[:300]}"
            assert "CSRF" in response.text or not allowed, (
                f"{where}: not the CSRF refusal: {response.text[:300]}"
            )
            assert_security_headers(app, response, where)
        session = current_session(demo_database, client.cookies.get(SESSION_COOKIE))
        assert session is not None, f"{route.method} {route.path}: a refused request ended the session"
    finally:
        client.close()


@pytest.mark.parametrize("persona_name", list(PERSONAS))
@pytest.mark.parametrize("route", UNSAFE, ids=lambda r: f"{r.method} {r.path}")
def test_a_change_from_another_site_is_refused(
    app: FastAPI, personas: dict[str, Persona], route: Route, persona_name: str
) -> None:
    spec, persona = spec_of(route), personas[persona_name]
    assert persona.client is not None
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = persona.client.request(
            route.method,
            fill_path(route, None),
            data={**spec.form, "csrf_token": persona.csrf},
            headers=headers,
            follow_redirects=False,
        )
        where = f"{route.method} {route.path} | {persona_name} | {headers} → {response.status_code}"
        assert response.status_code == 403, f"{where}: {response.text[:300]}"
        assert_security_headers(app, response, where)


def extreme_cases() -> list[tuple[Route, dict[str, str | None]]]:
    cases: list[tuple[Route, dict[str, str | None]]] = []
    for route in APP_ROUTES:
        params = set(route.form_params if route.unsafe else route.query_params)
        for name, variants in EXTREME_DATES.items():
            if name in params:
                cases.extend((route, variant) for variant in variants)
    return cases


def allowed_persona(spec: Expect) -> str:
    """The first city-wide persona the route lets in."""
    for name in ("leader", "analyst", "administrator", "auditor"):
        if spec.access in (PUBLIC, SIGNED_IN) or Action(spec.access) in PERSONAS[name].actions:
            return name
    raise AssertionError(f"no persona may use a route of {spec.access}")


@pytest.mark.parametrize(
    "route, changes",
    extreme_cases(),
    ids=lambda v: (
        f"{v.method} {v.path}" if isinstance(v, Route) else urlencode({k: v or "" for k, v in v.items()})
    ),
)
def test_extreme_dates_are_refused_not_a_server_error(
    app: FastAPI, personas: dict[str, Persona], route: Route, changes: dict[str, str | None]
) -> None:
    spec = spec_of(route)
    persona = personas[allowed_persona(spec)]
    assert persona.client is not None
    response = send(persona.client, route, spec, None, persona.csrf, changes)
    where = f"{route.method} {route.path} {changes} as {persona.name} → {response.status_code}"
    assert response.status_code < 500, f"{where}: {response.text[:300]}"
    assert_security_headers(app, response, where)


OVERSIZED = "x" * (1 << 20)  # 1 MiB: far above any form of ANTT, far below any upload limit


@pytest.mark.parametrize("persona_name", ["anonymous", "analyst", "administrator"])
@pytest.mark.parametrize(
    "route",
    [r for r in UNSAFE if r.unit_place != "file" and not is_upload_path(r.path)],
    ids=lambda r: f"{r.method} {r.path}",
)
def test_an_oversized_form_is_refused_with_413(
    app: FastAPI, personas: dict[str, Persona], route: Route, persona_name: str
) -> None:
    spec, persona = spec_of(route), personas[persona_name]
    assert persona.client is not None
    form = {**spec.form, "csrf_token": persona.csrf, "note": OVERSIZED}
    response = persona.client.request(route.method, fill_path(route, None), data=form, follow_redirects=False)
    where = f"{route.method} {route.path} | {persona_name} | 1 MiB form → {response.status_code}"
    assert response.status_code == 413, f"{where}: {response.text[:300]}"
    assert_security_headers(app, response, where)


def test_an_imports_problem_list_is_only_for_whoever_uploaded_it(personas: dict[str, Persona]) -> None:
    """The full list of a rejected file's problems (its rows, their communes) is reachable by its upload
    token: another importer — a commune officer elsewhere — must not read it."""
    analyst, officer = personas["analyst"], personas["commune_officer"]
    assert analyst.client is not None and officer.client is not None
    bad = upload_rows(OTHER).replace(b"173.1", b"999.9")  # an article that does not exist: rejected
    page = analyst.client.post(
        "/imports",
        data={"csrf_token": analyst.csrf, "kind": "incidents"},
        files={"file": ("bad.csv", bad, "text/csv")},
    )
    assert page.status_code == 422, page.text[:300]
    link = re.search(r"/imports/issues/([0-9a-f]{32})\.csv", page.text)
    assert link, "the rejected file's report links no full list of problems"
    assert analyst.client.get(link.group(0)).status_code == 200
    stolen = officer.client.get(link.group(0))
    assert stolen.status_code == 404 and OTHER not in stolen.text, (stolen.status_code, stolen.text[:300])


def test_health_tells_anonymous_callers_only_the_status(personas: dict[str, Persona]) -> None:
    for name in ("anonymous", "disabled"):
        client = personas[name].client
        assert client is not None
        body = client.get("/health").json()
        assert body == {"status": "ok"}, f"/health tells {name} more than its status: {sorted(body)}"


def test_the_openapi_schema_needs_a_sign_in(personas: dict[str, Persona]) -> None:
    client = personas["anonymous"].client
    assert client is not None
    response = client.get("/openapi.json", follow_redirects=False)
    assert response.status_code in (303, 401) and "paths" not in response.text, response.status_code


def test_the_officer_sees_only_their_commune_and_the_leader_the_city(personas: dict[str, Persona]) -> None:
    """The positive side of the scope: the officer's lists hold exactly their commune (not nothing)."""
    officer, leader = personas["commune_officer"].client, personas["leader"].client
    assert officer is not None and leader is not None
    body = officer.get("/api/compstat", params=P).json()
    assert {r["unit_code"] for r in body["rows"]} == {OWN}
    features = officer.get("/api/map/communes").json()["features"]
    assert [f["properties"]["code"] for f in features] == [OWN]
    assert set(officer.get("/api/units/populations").json()["populations"]) == {OWN}
    assert len(leader.get("/api/compstat", params=P).json()["rows"]) == 1 + len(COMMUNES.others)


# ------------------------------------------------------------------------------------- the table itself


def test_every_route_is_in_the_table() -> None:
    missing = sorted({r.key for r in APP_ROUTES} - set(ROUTES))
    assert not missing, (
        f"routes missing from ROUTES in tests/web/test_security_matrix.py: {missing} — say for each who "
        "may use it and what it answers"
    )


def test_the_table_names_no_route_that_is_gone() -> None:
    stale = sorted(set(ROUTES) - {r.key for r in APP_ROUTES})
    assert not stale, f"ROUTES names routes the app no longer has (remove them): {stale}"


def test_every_path_parameter_has_a_sample() -> None:
    unknown = sorted({(r.path, p) for r in APP_ROUTES for p in r.path_params if p not in PATH_SAMPLES})
    assert not unknown, f"path parameters without a sample in PATH_SAMPLES: {unknown}"


def test_the_table_says_what_each_route_declares() -> None:
    wrong = [
        (r.method, r.path, r.access, ROUTES[r.key].access)
        for r in APP_ROUTES
        if r.key in ROUTES and r.access != [ROUTES[r.key].access]
    ]
    assert not wrong, (
        "routes whose access declaration (web.access: requires/signed_in/public) differs from the table "
        f"(method, path, declared, table): {wrong}"
    )


def test_the_matrix_covers_the_app() -> None:
    """Guards the generator itself: it must find the app's routes, personas and flavours."""
    assert len(APP_ROUTES) >= 30 and len(PERSONAS) == 8
    assert {c.flavour for c in CASES} == {None, *FLAVOURS}
    assert any(r.unit_place == "path" for r in APP_ROUTES) and any(r.unit_place == "form" for r in APP_ROUTES)
    assert json.dumps(sorted(ROUTES.keys()))  # the table is plain data
