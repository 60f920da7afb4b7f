"""Translating ANTT errors into one JSON envelope (API) at the web edge."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from antt.errors import AnttError, InvalidInput


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AnttError)
    async def _antt_error(request: Request, exc: AnttError) -> JSONResponse:
        body: dict[str, object] = {
            "error": {"type": type(exc).__name__, "message_vi": exc.message_vi, "message_en": exc.message_en}
        }
        if isinstance(exc, InvalidInput):
            body["error"]["issues"] = [  # type: ignore[index]
                {
                    "rule": i.rule,
                    "row": i.row,
                    "column": i.column,
                    "message_vi": i.message_vi,
                    "message_en": i.message_en,
                }
                for i in exc.issues
            ]
        return JSONResponse(body, status_code=exc.http_status)
