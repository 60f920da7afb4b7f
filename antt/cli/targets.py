"""``antt targets status`` — every target: met, on track, at risk or off track, and why."""

from __future__ import annotations

from pathlib import Path

import typer

from antt.cli.output import Format, emit
from antt.cli.units import parse_day
from antt.domain.access import Actor
from antt.settings import load_settings

app = typer.Typer(help="Chỉ tiêu / targets", no_args_is_help=True)
CLI_ACTOR = Actor.system("cli")


@app.command("status")
def status_command(
    unit: str | None = typer.Option(None, "--unit", help="mã xã/phường (chỉ tiêu về vụ việc)"),
    as_of: str | None = typer.Option(None, "--as-of", help="tính đến ngày YYYY-MM-DD (mặc định hôm nay)"),
    file: Path | None = typer.Option(None, "--file", exists=True, dir_okay=False, help="tệp chỉ tiêu (YAML)"),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Tình trạng các chỉ tiêu / the status of every target."""
    from antt.services.database import open_database, require_current_schema
    from antt.services.targets import evaluation_document, load_targets, targets_status

    database = open_database(load_settings())
    try:
        require_current_schema(database)
        evaluations = targets_status(
            database,
            CLI_ACTOR,
            as_of=parse_day(as_of) if as_of else None,
            unit_code=unit,
            targets=load_targets(file),
        )
    finally:
        database.dispose()
    docs = [evaluation_document(e) for e in evaluations]
    rows = [
        {
            "id": d["id"],
            "status": d["status"],
            "actual": d["actual"],
            "required": d["required"],
            "expected": d["expected"],
            "interval": d["interval"],
            "probability": d["probability"],
            "period": d["period"],
        }
        for d in docs
    ]
    emit(rows, fmt, title=f"Chỉ tiêu ({len(rows)})", document={"targets": docs})
