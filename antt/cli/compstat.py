"""``antt compstat`` — a period against the same period last year (or the previous period)."""

from __future__ import annotations

import typer
from rich.console import Console

from antt.cli.output import Format, emit
from antt.cli.units import parse_day
from antt.domain.access import Actor
from antt.domain.periods import Comparison, period_from
from antt.settings import load_settings

CLI_ACTOR = Actor.system("cli")


def compstat_command(
    period: str | None = typer.Option(
        None, "--period", help="kỳ, vd. report-month:2026-04, quarter:2026-Q2, ytd:today"
    ),
    from_: str | None = typer.Option(None, "--from", help="từ ngày YYYY-MM-DD (thay cho --period)"),
    to: str | None = typer.Option(None, "--to", help="đến ngày YYYY-MM-DD"),
    compare: Comparison = typer.Option(Comparison.SAME_PERIOD_LAST_YEAR, "--compare"),
    unit: str | None = typer.Option(None, "--unit", help="mã xã/phường (mặc định: toàn thành phố)"),
    group: str = typer.Option("all", "--group", help="nhóm tội phạm, vd. social_order, drugs, hoặc all"),
    by: str = typer.Option("unit", "--by", help="unit | group | unit,group"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="tính làm rõ đến ngày YYYY-MM-DD (mặc định hôm nay)"
    ),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """So sánh CompStat / CompStat comparison by commune and reporting group."""
    from antt.services.compstat import compstat, parse_by, result_document
    from antt.services.database import open_database, require_current_schema

    window = period_from(period, parse_day(from_) if from_ else None, parse_day(to) if to else None)
    settings = load_settings()
    database = open_database(settings)
    try:
        require_current_schema(database)
        result = compstat(
            database,
            CLI_ACTOR,
            window,
            comparison=compare,
            unit_code=unit,
            group=group,
            by=parse_by(by),
            as_of=parse_day(as_of) if as_of else None,
        )
    finally:
        database.dispose()
    doc = result_document(result)
    columns = [
        "unit_code",
        "unit_name",
        "group",
        "current",
        "previous",
        "change",
        "pct_change",
        "small_base",
        "z",
        "signal",
        "approximate",
        "clearance_rate",
    ]
    rows = [{k: r[k] for k in columns} for r in doc["rows"]]
    title = (
        f"{result.period.label_vi()} so với {result.compare.label_vi()} — {result.scope.name}"
        f" — tổng {result.totals.current.incidents} / {result.totals.previous.incidents}"
        f" (z = {result.totals.z:+.2f})"
    )
    emit(rows, fmt, title=title, document=doc)
    if fmt is Format.TABLE and doc["contributors"]:
        Console(highlight=False).print(
            "Đóng góp nhiều nhất vào thay đổi / main contributors: "
            + ", ".join(f"{c['unit_name']} {c['change']:+d}" for c in doc["contributors"][:5])
        )
