"""Who is asking: the session cookie → the actor of every request; and where unsafe requests come from.

The session lives in the database (``services.sessions``); the browser holds only its opaque 128-bit
token, in a ``__Host-`` cookie (Secure, HttpOnly, SameSite=Lax, path ``/``, no domain). Requests that
change something (any method but GET/HEAD/OPTIONS) must come from this site: the browser's
``Sec-Fetch-Site`` or ``Origin`` says so, and a request that says otherwise is refused before any route
runs. (The per-session CSRF token, checked in ``web.access``, is the second lock on the same door.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from antt.domain.access import Actor
from antt.services.data_cache import one_version_per_request
from antt.services.sessions import current_session
from antt.web import i18n

SESSION_COOKIE = "__Host-antt_session"
ANONYMOUS = Actor(name="anonymous", units=frozenset())
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_session_cookie(response: Response, token: str, max_age_seconds: int) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age_seconds, path="/", secure=True, httponly=True, samesite="lax"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def same_site(request: Request) -> bool:
    """Whether an unsafe request comes from a page of this site (Fetch Metadata, else Origin)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # programs without a browser send neither; browsers always send one
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


class AttachActor:
    """ASGI middleware: the page's language, then ``request.state.session`` and ``request.state.actor``
    for the routes; a request that changes nothing reads the data version once (see
    ``data_cache.one_version_per_request``). Plain ASGI rather than ``@app.middleware("http")``: that
    wrapper runs every request in a task of its own and streams the response through a queue (≈ 1 ms a
    request, a third of ``/health``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        i18n.set_language(request.cookies.get(i18n.LANGUAGE_COOKIE, i18n.DEFAULT_LANGUAGE))
        if request.method not in SAFE_METHODS:  # it may import: the data version may move under it
            if not same_site(request):
                await _cross_site(scope, receive, send)
                return
            self._attach(request)
            await self.app(scope, receive, send)
            return
        with one_version_per_request():
            self._attach(request)
            await self.app(scope, receive, send)

    @staticmethod
    def _attach(request: Request) -> None:
        token = request.cookies.get(SESSION_COOKIE)
        client = request.client.host if request.client else ""
        session = current_session(request.app.state.database, token, client_address=client) if token else None
        request.state.session = session
        request.state.actor = session.actor if session else ANONYMOUS


async def _cross_site(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {
            "error": {
                "type": "PermissionDenied",
                "message_vi": "Yêu cầu từ trang khác bị từ chối.",
                "message_en": "A request from another site was refused.",
            }
        },
        status_code=403,
    )
    await response(scope, receive, send)
