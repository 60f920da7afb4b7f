"""Who is asking: the session cookie → the actor of every request; and where unsafe requests come from.

The session lives in the database (``services.sessions``); the browser holds only its opaque 128-bit
token, in a ``__Host-`` cookie (Secure, HttpOnly, SameSite=Lax, path ``/``, no domain). Requests that
change something (any method but GET/HEAD/OPTIONS) must come from this site: the browser's
``Sec-Fetch-Site`` or ``Origin`` says so, and a request that says otherwise is refused before any route
runs. (The per-session CSRF token, checked in ``web.access``, is the second lock on the same door.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from antt.domain.access import Actor
from antt.services.sessions import current_session

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


async def attach_actor(request: Request, call_next: Any) -> Response:
    """Middleware: ``request.state.session`` and ``request.state.actor`` for the routes."""
    if request.method not in SAFE_METHODS and not same_site(request):
        return JSONResponse(
            {
                "error": {
                    "type": "PermissionDenied",
                    "message_vi": "Yêu cầu từ trang khác bị từ chối.",
                    "message_en": "A request from another site was refused.",
                }
            },
            status_code=403,
        )
    token = request.cookies.get(SESSION_COOKIE)
    client = request.client.host if request.client else ""
    session = current_session(request.app.state.database, token, client_address=client) if token else None
    request.state.session = session
    request.state.actor = session.actor if session else ANONYMOUS
    response: Response = await call_next(request)
    return response
