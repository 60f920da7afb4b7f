"""Every route declares who may use it, every response carries the security headers, and anonymous
requests get nothing but the sign-in page."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from antt.web.access import declared_access
from antt.web.app import create_app
from antt.web.headers import ALWAYS

PUBLIC = {"/login", "/auth/callback", "/language", "/health", "/favicon.ico"}


@pytest.fixture
def app(settings):
    return create_app(settings)


FRAMEWORK: set[str] = set()  # FastAPI's own routes: none (its schema route is ours, behind sign-in)


def api_routes(app) -> list:
    """Every route as the app serves it (routers included, prefixes applied), but the static mount."""
    routes = [c for c in iter_route_contexts(app.routes) if not isinstance(c.original_route, Mount)]
    assert {c.path for c in routes if getattr(c, "dependant", None) is None} == FRAMEWORK
    return [c for c in routes if c.path not in FRAMEWORK]


def test_every_route_declares_exactly_one_access_rule(app) -> None:
    undeclared = []
    routes = api_routes(app)
    for route in routes:
        rules = declared_access(route.dependant.dependencies)
        if len(rules) != 1:
            undeclared.append((route.path, sorted(route.methods), rules))
    assert not undeclared, f"routes without exactly one access rule: {undeclared}"
    assert len(routes) >= 25
    mounts = [r.path for r in app.routes if isinstance(r, Mount)]
    assert mounts == ["/static"]  # only our own files are served without a rule


def test_only_the_sign_in_pages_and_the_health_check_are_public(app) -> None:
    public = {r.path for r in api_routes(app) if declared_access(r.dependant.dependencies) == ["public"]}
    assert public == PUBLIC


def concrete(path: str) -> str:
    path = re.sub(r"\{[a-z_]+:int\}", "1", path)
    return re.sub(r"\{code\}", "11383", re.sub(r"\{[a-z_]+\}", "x", path))


def test_anonymous_requests_get_nothing_but_the_way_to_sign_in(app) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        for route in api_routes(app):
            if route.path in PUBLIC:
                continue
            for method in route.methods - {"HEAD"}:
                response = client.request(method, concrete(route.path), follow_redirects=False)
                if route.path.startswith("/api/"):
                    assert response.status_code == 401, (method, route.path)
                    assert response.json()["error"]["type"] == "NotSignedIn"
                elif method == "GET":
                    assert response.status_code == 303, (method, route.path)
                    assert response.headers["location"].startswith("/login?next=")
                else:
                    assert response.status_code in (401, 422), (method, route.path, response.status_code)


def test_every_response_carries_the_security_headers(app) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        responses = [
            client.get(concrete(r.path), follow_redirects=False)
            for r in api_routes(app)
            if "GET" in r.methods
        ]
        responses.append(client.get("/static/app.js"))
        responses.append(client.get("/no-such-page"))
    for response in responses:
        for name, value in ALWAYS.items():
            assert response.headers.get(name) == value, (response.url, name)
        assert (
            "'unsafe-inline'"
            not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        )
        if "/static/" not in str(response.url):
            assert response.headers["cache-control"] == "no-store"


def test_a_state_change_from_another_site_is_refused_before_any_route(app) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        refused = client.post(
            "/language", data={"language": "en"}, headers={"Origin": "https://evil.example"}
        )
        cross = client.post("/language", data={"language": "en"}, headers={"Sec-Fetch-Site": "cross-site"})
        same = client.post(
            "/language",
            data={"language": "en"},
            headers={"Origin": "https://testserver"},
            follow_redirects=False,
        )
    assert refused.status_code == 403 and cross.status_code == 403 and same.status_code == 303


def test_no_route_changes_state_on_get(app) -> None:
    state_changing = {"/login", "/logout", "/language", "/imports", "/imports/confirm", "/reports"}
    for route in api_routes(app):
        if (
            route.path in state_changing
            and route.path != "/login"
            and route.path != "/imports"
            and route.path != "/reports"
        ):
            assert route.methods == {"POST"}, route.path


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example"],
)
def test_a_redirect_target_off_this_site_becomes_the_home_page(target) -> None:
    from antt.web.pages.language import local_path

    assert local_path(target) == "/"
    assert local_path("/compstat?group=drugs") == "/compstat?group=drugs"


def test_an_unexpected_error_is_answered_with_the_security_headers(settings) -> None:
    from fastapi.testclient import TestClient

    from antt.web.headers import ALWAYS

    app = create_app(settings)

    @app.get("/api/boom", dependencies=[])
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500 and response.json()["error"]["type"] == "ServerError"
    assert response.headers["cache-control"] == "no-store"
    assert all(
        response.headers[name] == value for name, value in ALWAYS.items() if name != "Content-Security-Policy"
    )
    assert "boom" not in response.text
