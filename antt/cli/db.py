"""``antt db`` — schema migrations and reference data."""

from __future__ import annotations

import typer
from rich.console import Console

from antt.settings import load_settings

app = typer.Typer(help="Cơ sở dữ liệu / database", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Nâng cấp lược đồ và nạp dữ liệu danh mục / migrate the schema and load the reference data."""
    from antt.services.database import open_database, upgrade  # alembic is slow to import: only here

    settings = load_settings()
    database = open_database(settings)
    try:
        result = upgrade(database)
    finally:
        database.dispose()
    console = Console(highlight=False)
    console.print(f"schema: {result.revision_before or '-'} → {result.revision_after}")
    changed = {k: v for k, v in result.reference_changes.items() if v}
    console.print("reference data: " + (", ".join(f"{k} {v}" for k, v in changed.items()) or "up to date"))
