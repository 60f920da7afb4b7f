"""The web application: ``create_app(settings)``. Pages and API arrive with the dashboard issue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from antt import __version__
from antt.domain.access import Actor
from antt.services.database import open_database
from antt.services.status import health
from antt.settings import Settings, load_settings
from antt.web.api import compstat, indicators, targets
from antt.web.errors import install_error_handlers


def create_app(settings: Settings) -> FastAPI:
    database = open_database(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(title="ANTT", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.database = database
    install_error_handlers(app)

    @app.middleware("http")
    async def _actor(request: Request, call_next):  # type: ignore[no-untyped-def]
        # Until sign-in exists (the e-ID issue) every caller acts city-wide; services already take the actor.
        request.state.actor = Actor.system("web")
        return await call_next(request)

    app.include_router(compstat.router)
    app.include_router(targets.router)
    app.include_router(indicators.router)

    @app.get("/health", tags=["system"])
    def health_json() -> JSONResponse:
        h = health(database)
        body = {
            "status": "ok" if h.schema_current else "needs_upgrade",
            "version": __version__,
            "database": h.database,
            "schema_revision": h.schema_revision,
            "schema_current": h.schema_current,
            "demo": settings.demo,
            "units": h.data.units if h.data else None,
            "incidents": h.data.incidents if h.data else None,
            "last_import_at": h.data.last_import_at.isoformat() + "Z"
            if h.data and h.data.last_import_at
            else None,
            "data_up_to": h.data.data_up_to.isoformat() if h.data and h.data.data_up_to else None,
        }
        return JSONResponse(body, status_code=200 if h.schema_current else 503)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        h = health(database)
        banner = '<p class="demo">Dữ liệu mô phỏng</p>' if settings.demo else ""
        incidents = f"{h.data.incidents:,}".replace(",", ".") if h.data else "—"
        return (
            '<!doctype html><html lang="vi"><meta charset="utf-8"><title>ANTT</title>'
            f"<h1>ANTT — An ninh, trật tự</h1>{banner}"
            f"<p>Cơ sở dữ liệu: {escape(h.database)} · lược đồ {escape(h.schema_revision or '—')}"
            f" · {incidents} vụ việc</p></html>"
        )

    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (one per worker process): settings from ``ANTT_*``."""
    return create_app(load_settings(require_secrets=True))
