"""The web application: ``create_app(settings)`` — JSON API under ``/api``, HTML pages, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from antt import __version__
from antt.services.database import open_database
from antt.services.status import health
from antt.settings import Settings, load_settings
from antt.web import warmup
from antt.web.access import public, signed_in
from antt.web.api import compstat, indicators, targets, trends, units
from antt.web.api import risk as risk_api
from antt.web.errors import install_error_handlers
from antt.web.headers import SecurityHeaders
from antt.web.limits import BodyLimit
from antt.web.pages import admin, admin_targets, audit, language, overview, reports, risk, signin
from antt.web.pages import alerts as alerts_page
from antt.web.pages import compstat as compstat_page
from antt.web.pages import drug_survey as drug_survey_page
from antt.web.pages import drugs as drugs_page
from antt.web.pages import exports as exports_page
from antt.web.pages import imports as imports_page
from antt.web.pages import incidents as incidents_page
from antt.web.pages import networks as networks_page
from antt.web.pages import targets as target_page
from antt.web.pages import units as units_page
from antt.web.session import AttachActor


def create_app(settings: Settings) -> FastAPI:
    database = open_database(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="ANTT", version=__version__, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.database = database
    install_error_handlers(app)

    app.add_middleware(AttachActor)  # the innermost: language, session and actor for the routes

    for router in (
        compstat.router,
        trends.router,
        targets.router,
        indicators.router,
        units.router,
        risk_api.router,
    ):
        app.include_router(router)
    for page in (
        signin,
        exports_page,  # before units: /units/export.csv is no commune code
        overview,
        compstat_page,
        target_page,
        units_page,
        incidents_page,
        imports_page,
        reports,
        admin,
        admin_targets,
        audit,
        language,
        alerts_page,
        networks_page,
        drugs_page,
        drug_survey_page,
        risk,
    ):
        app.include_router(page.router)
    app.mount("/static", StaticFiles(packages=[("antt.web", "static")]), name="static")
    # a CompStat page shrinks ~10×: offices on slow links; level 6, not Starlette's 9: 3 % larger, 2.5× faster
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=6)
    app.add_middleware(BodyLimit, upload_bytes=settings.max_upload_mb << 20)  # before anything reads a body
    app.add_middleware(SecurityHeaders, sign_in_origin=origin_of(settings.oidc_issuer))

    @app.get("/favicon.ico", include_in_schema=False, dependencies=[public()])
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/openapi.json", include_in_schema=False, dependencies=[signed_in()])
    def openapi_json() -> JSONResponse:
        """The API's description, for signed-in users only: it maps what the server holds."""
        return JSONResponse(app.openapi())

    @app.get("/health", tags=["system"], dependencies=[public()])
    def health_json(request: Request) -> JSONResponse:
        """Whether the server and its schema are ready; the figures only to a signed-in user."""
        h = health(database)
        status = {"status": "ok" if h.schema_current else "needs_upgrade"}
        if request.state.session is None:  # a stranger learns nothing of the data or the database
            return JSONResponse(status, status_code=200 if h.schema_current else 503)
        body = {
            **status,
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
            # the pages' cache of the current data filled by the warm-up (None: no shared cache, e.g. tests)
            "cache_warmed": warmup.is_warm(database) if h.schema_current else None,
        }
        return JSONResponse(body, status_code=200 if h.schema_current else 503)

    return app


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of a URL, for the CSP; ``None`` without one."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (one per worker process): settings from ``ANTT_*``."""
    app = create_app(load_settings(require_secrets=True))
    warmup.install(app.state.database)  # served: fill the pages' cache after each import
    return app
