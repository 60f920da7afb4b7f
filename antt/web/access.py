"""Every route says who may use it, and a test fails for a route that doesn't.

A route declares its access with one dependency: :func:`requires` (an :class:`Action` the signed-in
actor must be allowed somewhere — unit-level scope is then enforced by the services, which answer 404
for units outside it), :func:`signed_in` (any signed-in user: sign-out) or :func:`public` (the sign-in
pages, health, static files). Unsafe methods (POST …) under :func:`requires` or :func:`signed_in` also
need the session's CSRF token, from the form field ``csrf_token`` or the ``X-CSRF-Token`` header; every
unsafe request must also come from this site (checked for all routes in ``web.session``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, Request

from antt.domain.access import Action, Actor
from antt.errors import NotSignedIn, PermissionDenied
from antt.services.audit_log import record_denied
from antt.services.sessions import SessionInfo, csrf_token_valid

ACCESS_ATTRIBUTE = "antt_access"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

Check = Callable[[Request], Awaitable[Actor]]


def _declared(check: Check, access: str) -> Any:
    setattr(check, ACCESS_ATTRIBUTE, access)
    return Depends(check)


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


async def _require_session(request: Request, *, csrf: bool = True) -> SessionInfo:
    session: SessionInfo | None = request.state.session
    if session is None:
        raise NotSignedIn(
            "Cần đăng nhập bằng VNeID để xem trang này.", "Sign in with VNeID to see this page."
        )
    if csrf:
        await _check_csrf(request, session)
    return session


async def _check_csrf(request: Request, session: SessionInfo) -> None:
    if request.method not in SAFE_METHODS:
        submitted = request.headers.get(CSRF_HEADER)
        if submitted is None and "form" in request.headers.get("content-type", ""):
            submitted = str((await request.form()).get(CSRF_FIELD) or "")
        if not csrf_token_valid(session, submitted):
            raise PermissionDenied(
                "Yêu cầu không hợp lệ (mã chống giả mạo CSRF sai hoặc đã hết hạn): hãy tải lại trang.",
                "Invalid request (the CSRF token is wrong or has expired): reload the page.",
            )


def requires(action: Action) -> Any:
    """Only a signed-in actor allowed ``action`` (on some unit); others get 401 or an audited 403.

    The grant is checked before the CSRF token, whose form field may sit in a large upload: the body of a
    request from someone not allowed is never parsed."""

    async def check(request: Request) -> Actor:
        session = await _require_session(request, csrf=False)
        actor: Actor = request.state.actor
        if not actor.can(action):
            record_denied(
                request.app.state.database, actor, action, request.url.path, client_address(request)
            )
            raise PermissionDenied(
                "Tài khoản của bạn không được cấp quyền này. Liên hệ quản trị viên nếu cần.",
                "Your account has not been granted this. Ask an administrator if you need it.",
            )
        await _check_csrf(request, session)
        return actor

    return _declared(check, action.value)


def signed_in() -> Any:
    """Any signed-in user, whatever their grants (signing out)."""

    async def check(request: Request) -> Actor:
        await _require_session(request)
        actor: Actor = request.state.actor
        return actor

    return _declared(check, "signed_in")


def public() -> Any:
    """Anyone, signed in or not (the sign-in pages, the health check)."""

    async def check(request: Request) -> Actor:
        actor: Actor = request.state.actor
        return actor

    return _declared(check, "public")


def declared_access(dependencies: list[Any]) -> list[str]:
    """The access declarations among a route's dependencies — ``Depends`` markers or the solved
    ``Dependant`` objects of ``route.dependant.dependencies`` (for the test that every route has one)."""
    found = []
    for d in dependencies:
        function = getattr(d, "dependency", None) or getattr(d, "call", None)
        if hasattr(function, ACCESS_ATTRIBUTE):
            found.append(getattr(function, ACCESS_ATTRIBUTE))
    return found
