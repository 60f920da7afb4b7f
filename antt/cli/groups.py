"""``antt networks groups|alerts`` — co-offending groups and their growth alerts (issue 14).

Output contract (other tools read it):
``antt networks groups [--from YYYY-MM-DD --to YYYY-MM-DD] [--min-members N] [--format table|json]`` →
``{"groups": [{"id", "members", "incidents": [source_id…], "communes": [code…], "first", "last",
"score"}]}`` ranked by score; ``antt networks alerts [--as-of DATE] [--format json]`` →
``{"as_of", "alerts": [{"group_id", "kind", "day", "commune", "figures", "explanation_vi",
"explanation_en"}]}``. A period without co-offending is an empty list, not an error; a bad option or
``--min-members`` below 2 is one line in both languages, exit 2, nothing written.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from typer._click.core import Context
from typer._click.exceptions import UsageError
from typer.core import TyperCommand

from antt.cli.units import parse_day
from antt.domain.access import Actor
from antt.errors import InvalidInput
from antt.settings import load_settings

CLI_ACTOR = Actor.system("cli")


class _BilingualCommand(TyperCommand):
    """Usage errors (an unknown option, a bad choice, a non-number) as one line in Vietnamese and English,
    exit 2 (typer ≥ 0.29 bundles its own click, whose errors ``antt.cli.main`` would call internal)."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            raise InvalidInput(
                f"Tham số dòng lệnh không hợp lệ: {exc.format_message()}",
                f"Invalid command-line arguments: {exc.format_message()}",
            ) from None


class TableOrJson(StrEnum):
    TABLE = "table"
    JSON = "json"


app = typer.Typer(help="Nhóm đồng phạm / co-offending groups.", no_args_is_help=True)


@app.command("groups", cls=_BilingualCommand)
def groups_command(
    from_: str | None = typer.Option(
        None, "--from", help="từ ngày YYYY-MM-DD (mặc định: 364 ngày trước --to)"
    ),
    to: str | None = typer.Option(None, "--to", help="đến ngày YYYY-MM-DD (mặc định: hôm nay)"),
    min_members: int = typer.Option(3, "--min-members", help="số thành viên tối thiểu (≥ 2)"),
    fmt: TableOrJson = typer.Option(TableOrJson.TABLE, "--format"),
    seed: int = typer.Option(0, "--seed", help="hạt giống của thuật toán Leiden"),
) -> None:
    """Nhóm đồng phạm / co-offending groups, ranked by score."""
    from antt.services.database import open_database, require_current_schema
    from antt.services.networks import co_offending_groups

    start = parse_day(from_) if from_ else None
    end = parse_day(to) if to else None
    if min_members < 2:
        raise InvalidInput(
            f"--min-members phải từ 2 trở lên (nhận {min_members}).",
            f"--min-members must be at least 2 (got {min_members}).",
        )
    database = open_database(load_settings())
    try:
        require_current_schema(database)
        cards = co_offending_groups(
            database, CLI_ACTOR, start=start, end=end, min_members=min_members, seed=seed
        )
    finally:
        database.dispose()
    if fmt is TableOrJson.JSON:
        _json({"groups": [c.as_json() for c in cards]})
        return
    table = Table(title=f"Nhóm đồng phạm / co-offending groups: {len(cards)}")
    for column in ("id", "members", "incidents", "communes", "first", "last", "score"):
        table.add_column(column)
    for c in cards:
        table.add_row(
            c.id,
            str(c.members),
            str(len(c.incidents)),
            ", ".join(c.communes),
            c.first.strftime("%d/%m/%Y"),
            c.last.strftime("%d/%m/%Y"),
            f"{c.score:.2f}".replace(".", ","),
        )
    Console().print(table)


@app.command("alerts", cls=_BilingualCommand)
def alerts_command(
    as_of: str | None = typer.Option(None, "--as-of", help="tính đến ngày YYYY-MM-DD (mặc định: hôm nay)"),
    days: int = typer.Option(28, "--days", help="cảnh báo phát sinh trong số ngày này trước --as-of"),
    fmt: TableOrJson = typer.Option(TableOrJson.TABLE, "--format"),
    store: bool = typer.Option(
        True, "--store/--no-store", help="lưu vào danh sách cảnh báo / store as alerts"
    ),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Cảnh báo nhóm phát triển / growth alerts of co-offending groups."""
    from antt.services.database import open_database, require_current_schema
    from antt.services.networks import network_alerts

    day = parse_day(as_of) if as_of else date.today()
    if days < 1:
        raise InvalidInput(f"--days phải ≥ 1 (nhận {days}).", f"--days must be at least 1 (got {days}).")
    database = open_database(load_settings())
    try:
        require_current_schema(database)
        found = network_alerts(database, CLI_ACTOR, as_of=day, days=days, store_alerts=store, seed=seed)
    finally:
        database.dispose()
    if fmt is TableOrJson.JSON:
        _json({"as_of": day.isoformat(), "alerts": [a.as_json() for a in found]})
        return
    table = Table(title=f"Cảnh báo nhóm đồng phạm / co-offending group alerts: {len(found)}")
    for column in ("day", "group", "kind", "commune", "explanation"):
        table.add_column(column)
    for a in found:
        table.add_row(a.day.strftime("%d/%m/%Y"), a.group_id, a.kind, a.commune, a.explanation_vi)
    Console().print(table)


def _json(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
