"""``antt serve`` — run the web application."""

from __future__ import annotations

import os

import typer
from rich.console import Console

from antt.settings import load_settings


def default_workers() -> int:
    """One worker per core, at most four: pages are CPU-bound and SQLite (WAL) serves many readers."""
    return max(
        1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    )


def serve(
    host: str = typer.Option("127.0.0.1", help="địa chỉ lắng nghe / address to listen on"),
    port: int = typer.Option(8000, min=1, max=65535),
    workers: int = typer.Option(0, min=0, max=64, help="số tiến trình (0 = theo số lõi CPU) / processes"),
) -> None:
    """Chạy máy chủ web / run the web server on the configured database."""
    from antt.services.database import open_database, require_current_schema

    settings = load_settings(require_secrets=True)
    database = open_database(settings)
    try:
        require_current_schema(database)
    finally:
        database.dispose()
    run_server(host, port, workers or default_workers())


def run_server(host: str, port: int, workers: int = 1) -> None:
    from antt.web.server import run

    Console(highlight=False).print(f"ANTT: http://{host}:{port}/ ({workers} tiến trình / workers)")
    run(host, port, workers)
