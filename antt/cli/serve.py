"""``antt serve`` and ``antt demo`` — run the web application."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from antt.settings import load_settings

DEMO_DATABASE = Path("antt-demo.db")


def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)) -> None:
    """Chạy máy chủ web / run the web server on the configured database."""
    from antt.services.database import open_database, require_current_schema

    settings = load_settings(require_secrets=True)
    database = open_database(settings)
    try:
        require_current_schema(database)
    finally:
        database.dispose()
    _run(host, port)


def demo(
    no_serve: bool = typer.Option(False, "--no-serve", help="tạo CSDL demo rồi thoát / build and exit"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    database: Path = typer.Option(DEMO_DATABASE, help="tệp SQLite của demo"),
) -> None:
    """Tạo CSDL demo mới và chạy / build a fresh demo database and serve it."""
    from antt.services.database import open_database, upgrade

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["ANTT_DEMO"] = "1"
    os.environ["ANTT_DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    settings = load_settings()
    db = open_database(settings)
    try:
        result = upgrade(db)
    finally:
        db.dispose()
    console = Console(highlight=False)
    console.print(f"Demo database: {database.resolve()} (schema {result.revision_after}) — Dữ liệu mô phỏng")
    if not no_serve:
        _run(host, port)


def _run(host: str, port: int) -> None:
    import uvicorn

    Console(highlight=False).print(f"ANTT: http://{host}:{port}/")
    uvicorn.run("antt.web.app:app_from_environment", factory=True, host=host, port=port, log_level="info")
