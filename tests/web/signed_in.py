"""Test clients signed in as a user with a role on units, through the real sign-in service (a session in
the database, its token in the ``__Host-`` cookie) — only the identity provider's round trip is skipped;
tests/auth and the browser tests go through a real provider."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from antt.services.sessions import current_session
from antt.services.users import sign_in
from antt.web.session import SESSION_COOKIE
from tests.user_fixtures import granted_user, identity


def client_as(
    app: FastAPI, database, role: str = "analyst", units: tuple[str, ...] = (), subject: str | None = None
) -> TestClient:
    """A client of ``app`` signed in as a user with ``role`` on ``units`` (city-wide when empty)."""
    settings = database.settings
    subject = subject or f"web-{role}-{'-'.join(units) or 'city'}"
    granted_user(database, settings, subject, role, units, city_wide=not units)
    token, _actor = sign_in(database, settings, identity(subject))
    client = TestClient(app, base_url="https://testserver")
    client.cookies.set(SESSION_COOKIE, token)
    client.csrf_token = current_session(database, token).csrf_token  # type: ignore[attr-defined]
    return client
