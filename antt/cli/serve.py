"""``antt serve`` — run the web application."""

from __future__ import annotations

import typer
from rich.console import Console

from antt.settings import load_settings


def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)) -> None:
    """Chạy máy chủ web / run the web server on the configured database."""
    from antt.services.database import open_database, require_current_schema

    settings = load_settings(require_secrets=True)
    database = open_database(settings)
    try:
        require_current_schema(database)
    finally:
        database.dispose()
    run_server(host, port)


def run_server(host: str, port: int) -> None:
    import uvicorn

    Console(highlight=False).print(f"ANTT: http://{host}:{port}/")
    uvicorn.run("antt.web.app:app_from_environment", factory=True, host=host, port=port, log_level="info")
