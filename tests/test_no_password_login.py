"""Nothing but the e-ID signs anyone in (Project 06: the portal signs in only through VNeID).

Walks every route of the web app and every command and option of the ``antt`` command line: none takes a
password, a PIN or a bearer/API token, no path offers a password or token login, and a live session's
token presented any other way than the session cookie (an ``Authorization`` header, a query or form
field, another cookie or header) signs nobody in — the route answers as it answers a stranger, and no
session cookie is ever handed out.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from antt.cli.main import app as cli_app
from antt.web.app import create_app
from antt.web.session import SESSION_COOKIE
from tests.web.signed_in import client_as

CREDENTIAL = re.compile(
    r"pass(word|wd)?|pwd|mat.?khau|\bpin\b|otp|secret|api.?key|credential|bearer|authori[sz]ation"
    r"|(access|id|refresh|auth|api|session|bearer).?token|username|user.?name",
    re.IGNORECASE,
)
LOGIN_PATH = re.compile(r"password|passwd|mat-?khau|/token\b|/oauth|/api-?key|/basic|/ldap|/sso(?!\w)", re.I)
# how a password or token login would be attempted on each route, with a live session's token
ATTEMPTS = ("bearer", "basic", "query", "form", "header", "cookie")


def _parameters(dependant, found: set[str]) -> set[str]:
    for group in ("path_params", "query_params", "header_params", "cookie_params", "body_params"):
        for param in getattr(dependant, group):
            found.add(param.alias)
    for sub in dependant.dependencies:
        _parameters(sub, found)
    return found


@pytest.fixture
def app(settings):
    return create_app(settings)


def routes(app) -> list:
    return [c for c in iter_route_contexts(app.routes) if not isinstance(c.original_route, Mount)]


def test_no_route_takes_a_password_or_a_token_and_no_path_offers_one(app) -> None:
    found = []
    for route in routes(app):
        names = _parameters(route.dependant, set())
        found += [(route.path, n) for n in names if CREDENTIAL.search(n)]
        if LOGIN_PATH.search(route.path):
            found.append((route.path, "path"))
    assert not found, f"routes taking credentials: {found}"
    assert len(routes(app)) >= 30
    # the e-ID sign-in is there: a start (POST /login) and the provider's callback
    paths = {(m, r.path) for r in routes(app) for m in r.methods}
    assert {("POST", "/login"), ("GET", "/auth/callback")} <= paths


def _anonymous(client: TestClient, method: str, path: str):
    client.cookies.clear()
    return client.request(method, path, follow_redirects=False)


def _attempt(client: TestClient, how: str, method: str, path: str, token: str, subject: str):
    client.cookies.clear()
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    data: dict[str, str] | None = None
    if how == "bearer":
        headers["Authorization"] = f"Bearer {token}"
    elif how == "basic":
        headers["Authorization"] = "Basic " + base64.b64encode(f"{subject}:{token}".encode()).decode()
    elif how == "query":
        params = {"token": token, "access_token": token, "session": token, "password": token}
    elif how == "form":
        data = {"username": subject, "password": token, "token": token, "access_token": token}
    elif how == "header":
        headers.update({"X-Session-Token": token, "X-API-Key": token, "X-Auth-Token": token})
    elif how == "cookie":  # the token, but not in the __Host- cookie the app sets
        client.cookies.set(SESSION_COOKIE.removeprefix("__Host-"), token)
        client.cookies.set("session", token)
    if data is not None and method in ("GET", "HEAD"):
        params, data = data, None
    return client.request(method, path, headers=headers, params=params, data=data, follow_redirects=False)


def _target(response) -> str | None:
    location = response.headers.get("location")
    return None if location is None else urlsplit(location).path


def _concrete(path: str) -> str:
    return re.sub(r"\{code\}", "11383", re.sub(r"\{[a-z_]+\}", "x", path))


def test_a_live_session_token_presented_any_other_way_signs_nobody_in(app, database) -> None:
    signed = client_as(app, database, "administrator", subject="the-admin")
    token = signed.cookies.get(SESSION_COOKIE)
    assert token and signed.get("/admin/users").status_code == 200  # the token is live
    client = TestClient(app, base_url="https://testserver")
    tried = 0
    for route in routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            path = _concrete(route.path)
            stranger = _anonymous(client, method, path)
            for how in ATTEMPTS:
                response = _attempt(client, how, method, path, token, "the-admin")
                where = f"{method} {route.path} with the token as {how}"
                assert response.status_code == stranger.status_code, where
                # sent to the same place (a stranger's way to sign in), whatever ``next`` carries back
                assert _target(response) == _target(stranger), where
                cookies = response.headers.get_list("set-cookie")
                assert not [
                    c
                    for c in cookies
                    if c.startswith(f"{SESSION_COOKIE}=") and "=;" not in c and '=""' not in c
                ], where
                tried += 1
    assert tried >= 6 * 30


def _commands(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command under ``command`` (Typer's own click), with the words that name it."""
    found = [(prefix, command)]
    if hasattr(command, "list_commands"):
        context = command.context_class(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None
            found += _commands(sub, (*prefix, name))
    return found


def test_no_cli_command_or_option_takes_a_password_or_a_token() -> None:
    commands = _commands(typer.main.get_command(cli_app))
    assert len(commands) >= 25
    names = {path[-1] for path, _ in commands if path}
    assert {"import-legacy", "lock-legacy", "legacy-report", "grant"} <= names
    offending = []
    for path, command in commands:
        if path and re.search(r"^(login|logon|signin|sign-in|auth|token|password|passwd)$", path[-1]):
            offending.append(" ".join(path))
        for param in command.params:
            for text in [
                param.name or "",
                *getattr(param, "opts", []),
                *getattr(param, "secondary_opts", []),
            ]:
                if CREDENTIAL.search(text):
                    offending.append(f"{' '.join(path)} {text}")
            if getattr(param, "hide_input", False) or getattr(param, "prompt", None):
                offending.append(f"{' '.join(path)} {param.name} (prompts for input)")
    assert not offending, f"CLI entries taking credentials: {offending}"
