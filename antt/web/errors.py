"""Translating errors at the web edge: one JSON envelope for ``/api``, one HTML error page elsewhere."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from antt.errors import AnttError, InvalidInput, Issue, NotSignedIn


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/health"


def _issues(issues: list[Issue]) -> list[dict[str, object]]:
    return [
        {
            "rule": i.rule,
            "row": i.row,
            "column": i.column,
            "message_vi": i.message_vi,
            "message_en": i.message_en,
        }
        for i in issues
    ]


def _page(
    request: Request, status: int, message_vi: str, message_en: str, issues: list[Issue]
) -> HTMLResponse:
    from antt.web.pages.common import page_context
    from antt.web.templating import render

    try:
        context = page_context(request, "")
    except Exception:  # the database itself may be what failed: the page still explains
        context = {
            "active": "",
            "demo": False,
            "freshness": None,
            "vendor": None,
            "actor": None,
            "session": None,
        }
    return render(
        request,
        "error.html",
        {**context, "status": status, "message_vi": message_vi, "message_en": message_en, "issues": issues},
        status_code=status,
    )


def error_response(request: Request, exc: AnttError) -> Response:
    """The one translation of an :class:`AnttError`: the JSON envelope, the HTML error page, or (a GET by
    someone not signed in) the way to the sign-in page. Also used by middleware that answers before any
    route runs (``web.limits``)."""
    if isinstance(exc, NotSignedIn) and not _wants_json(request) and request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': here})}", status_code=303)
    issues = exc.issues if isinstance(exc, InvalidInput) else []
    if not _wants_json(request):
        return _page(request, exc.http_status, exc.message_vi, exc.message_en, issues)
    body: dict[str, object] = {
        "type": type(exc).__name__,
        "message_vi": exc.message_vi,
        "message_en": exc.message_en,
    }
    if isinstance(exc, InvalidInput):
        body["issues"] = _issues(exc.issues)
    return JSONResponse({"error": body}, status_code=exc.http_status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AnttError)
    async def _antt_error(request: Request, exc: AnttError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 404:
            return _page(request, 404, "Không có trang này.", "There is no such page.", [])
        return _page(request, exc.status_code, str(exc.detail), str(exc.detail), [])

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
        return _page(
            request,
            422,
            f"Tham số không hợp lệ: {fields}.",
            f"Invalid parameters: {fields}.",
            [],
        )
