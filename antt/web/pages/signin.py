"""Sign-in through the e-ID provider (OpenID Connect), and sign-out. There is no password form.

``POST /login`` starts a sign-in: ``state``, ``nonce`` and the PKCE verifier are kept in a short-lived,
HMAC-signed ``__Host-`` cookie bound to this browser, and the browser goes to the provider.
``GET /auth/callback`` checks them against the provider's answer (``antt.auth.oidc``), then
``services.users.sign_in`` decides: known and granted → a new session (new token, every time);
unknown → no access until an administrator grants it. Every outcome is audited.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from antt.auth.oidc import OidcClient, OidcConfig, PendingSignIn
from antt.domain.access import Action
from antt.errors import SettingsError, SignInFailed
from antt.services.sessions import end_session
from antt.services.users import record_sign_in_failure, sign_in
from antt.settings import SESSION_COOKIE_KEY
from antt.web.access import client_address, public, signed_in
from antt.web.i18n import current_language
from antt.web.pages.common import page_context
from antt.web.pages.language import local_path
from antt.web.session import SESSION_COOKIE, clear_session_cookie, set_session_cookie
from antt.web.templating import render

router = APIRouter(include_in_schema=False)

SIGN_IN_COOKIE = "__Host-antt_signin"
SIGN_IN_SECONDS = 600


def _key(request: Request) -> bytes:
    """The sign-in cookie's MAC key: its own key derived from the configured secret (never the pseudonym
    key itself, nor the audit keys)."""
    key: bytes = request.app.state.settings.derived_key(SESSION_COOKIE_KEY)
    return key


def _seal(request: Request, pending: PendingSignIn, next_path: str) -> str:
    body = json.dumps(
        {
            "s": pending.state,
            "n": pending.nonce,
            "v": pending.code_verifier,
            "t": pending.started_at,
            "x": next_path,
        },
        separators=(",", ":"),
    ).encode()
    payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
    mac = hmac.new(_key(request), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def _unseal(request: Request, sealed: str | None) -> tuple[PendingSignIn, str] | None:
    if not sealed or "." not in sealed:
        return None
    payload, mac = sealed.rsplit(".", 1)
    if not hmac.compare_digest(mac, hmac.new(_key(request), payload.encode(), hashlib.sha256).hexdigest()):
        return None
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # checked again, not trusted for having been sealed: a key leaked or a sealer bug must not make an
    # open redirect
    return PendingSignIn("", data["s"], data["n"], data["v"], float(data["t"])), local_path(str(data["x"]))


def oidc_client(request: Request) -> OidcClient:
    """One client per process: it keeps the provider's discovery document and keys between sign-ins."""
    client: OidcClient | None = getattr(request.app.state, "oidc", None)
    if client is None:
        client = OidcClient(OidcConfig.from_settings(request.app.state.settings))
        request.app.state.oidc = client
    return client


def _login_page(
    request: Request, *, next_path: str = "/", error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    context = page_context(request, "login")
    return render(
        request, "login.html", {**context, "next": next_path, "error": error}, status_code=status_code
    )


@router.get("/login", response_class=HTMLResponse, dependencies=[public()])
def login_page(
    request: Request, next_: Annotated[str, Query(alias="next", max_length=2000)] = "/"
) -> HTMLResponse:
    if request.state.session is not None:
        return RedirectResponse(local_path(next_), status_code=303)  # type: ignore[return-value]
    return _login_page(request, next_path=local_path(next_))


@router.post("/login", dependencies=[public()])
def start_sign_in(
    request: Request, next_: Annotated[str, Form(alias="next", max_length=2000)] = "/"
) -> Response:
    try:
        pending = oidc_client(request).begin()
    except SettingsError as exc:
        message = exc.message_en if current_language() == "en" else exc.message_vi
        return _login_page(request, error=message, status_code=503)
    except SignInFailed as exc:  # the provider cannot be reached or its discovery is wrong
        record_sign_in_failure(request.app.state.database, exc, client_address(request))
        message = exc.message_en if current_language() == "en" else exc.message_vi
        return _login_page(request, error=message, status_code=502)
    response = RedirectResponse(pending.authorization_url, status_code=303)
    response.set_cookie(
        SIGN_IN_COOKIE,
        _seal(request, pending, local_path(next_)),
        max_age=SIGN_IN_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET: Lax cookies come along
    )
    return response


@router.get("/auth/callback", dependencies=[public()])
def finish_sign_in(request: Request) -> Response:
    """The provider sends the browser back here with ``code`` and ``state`` (or an error)."""
    database, address = request.app.state.database, client_address(request)
    unsealed = _unseal(request, request.cookies.get(SIGN_IN_COOKIE))
    try:
        if unsealed is None:
            raise SignInFailed(
                "bad_state",
                "Phiên đăng nhập không hợp lệ hoặc đã quá hạn: hãy đăng nhập lại.",
                "The sign-in is invalid or has expired: please sign in again.",
            )
        pending, next_path = unsealed
        identity = oidc_client(request).complete(pending, dict(request.query_params))
    except SignInFailed as exc:
        record_sign_in_failure(database, exc, address)
        return _failed(request, exc)
    try:
        token, actor = sign_in(database, request.app.state.settings, identity, address)
    except SignInFailed as exc:  # known to the provider, not (or no longer) allowed here; audited
        return _failed(request, exc)
    if next_path == "/" and not actor.can(Action.VIEW_DASHBOARD) and actor.can(Action.READ_AUDIT):
        next_path = "/audit"  # an auditor's home is the audit log
    response = RedirectResponse(next_path, status_code=303)
    settings = request.app.state.settings
    set_session_cookie(response, token, settings.session_absolute_hours * 3600)
    response.delete_cookie(SIGN_IN_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


def _failed(request: Request, exc: SignInFailed) -> Response:
    message = exc.message_en if current_language() == "en" else exc.message_vi
    response = _login_page(request, error=message, status_code=401)
    response.delete_cookie(SIGN_IN_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


@router.post("/logout", dependencies=[signed_in()])
def sign_out(request: Request) -> Response:
    end_session(
        request.app.state.database,
        request.cookies.get(SESSION_COOKIE),
        client_address=client_address(request),
    )
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response
