"""Security headers on every response (issue: sign-in, scopes and audit).

The pages load scripts only from this site (``script-src 'self'``: no inline scripts — page data travels
in ``<script type="application/json">``, which is never executed). Styles allow inline attributes because
ECharts writes its tooltips with ``style=""``; nothing else is relaxed. Responses other than the vendored
static files are never stored by the browser or a proxy: they carry people's data.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(sign_in_origin: str | None = None) -> str:
    """The policy; ``sign_in_origin`` (the e-ID provider's scheme://host:port) is the one other place a
    form may lead: the "Đăng nhập bằng VNeID" button posts to ``/login``, which redirects there, and
    browsers apply ``form-action`` to the redirects of a form submission too."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'" + (f" {sign_in_origin}" if sign_in_origin else ""),
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


class SecurityHeaders:
    """Pure ASGI middleware: adds :data:`ALWAYS` to every HTTP response, and ``Cache-Control: no-store``
    to everything but ``/static/`` (versioned vendor files and our own script and style)."""

    def __init__(self, app: ASGIApp, sign_in_origin: str | None = None) -> None:
        self.app = app
        self.headers = {**ALWAYS, "Content-Security-Policy": content_security_policy(sign_in_origin)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        static = path.startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
                if static:
                    headers.setdefault("Cache-Control", "public, max-age=3600")
                else:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette answers an unexpected error outside every middleware, bare; answer it here, with
            # the headers, then let the error go on to be logged (nothing more is sent for it)
            if not started:
                await _server_error(path)(scope, receive, send_with_headers)
            raise


def _server_error(path: str) -> Response:
    vi, en = (
        "Lỗi máy chủ; đã ghi nhận. Hãy thử lại sau.",
        "Server error; it has been logged. Try again later.",
    )
    if path.startswith("/api/") or path == "/health":
        return JSONResponse({"error": {"type": "ServerError", "message_vi": vi, "message_en": en}}, 500)
    return PlainTextResponse(f"{vi}\n{en}\n", 500)
