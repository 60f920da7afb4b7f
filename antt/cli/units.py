"""``antt units`` — list administrative units and convert old codes across the 2025 reorganisation."""

from __future__ import annotations

from datetime import date, datetime

import typer

from antt.cli.output import Format, emit
from antt.domain.access import Actor
from antt.domain.units import KIND_LABELS_VI, Level
from antt.errors import InvalidInput
from antt.services.units import convert_unit, list_units

app = typer.Typer(help="Đơn vị hành chính / administrative units", no_args_is_help=True)
CLI_ACTOR = Actor.system("cli")


def parse_day(text: str) -> date:
    """A day typed on the command line. Called in the commands' bodies, after typer's parsing, so a bad
    one is an :class:`InvalidInput` (exit 2, one line in both languages), not typer's BadParameter, which
    there would surface as an internal error."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(
            f"Ngày không hợp lệ: {text!r} (cần YYYY-MM-DD).", f"Invalid date {text!r} (expected YYYY-MM-DD)."
        ) from None


@app.command("list")
def list_command(
    scheme: str | None = typer.Option(None, help="hệ đơn vị, vd. 2025-01, 2025-07 (mặc định: hiện hành)"),
    level: Level | None = typer.Option(None, help="province | district | commune"),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Liệt kê đơn vị hành chính / list units."""
    rows = [
        {
            "scheme": u.scheme,
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "kind_vi": KIND_LABELS_VI[u.kind],
            "level": u.level.value,
            "parent_code": u.parent_code,
            "area_km2": u.area_km2,
        }
        for u in list_units(CLI_ACTOR, scheme, level)
    ]
    emit(rows, fmt, title=f"Đơn vị hành chính ({len(rows)})")


@app.command("convert")
def convert_command(
    code: str = typer.Argument(..., help="mã đơn vị (5 chữ số xã, 3 chữ số huyện)"),
    day: str = typer.Option(..., "--date", help="ngày mã được dùng, YYYY-MM-DD"),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Mã cũ thành đơn vị mới nào (toàn bộ / một phần) / which new unit(s) an old code became."""
    result = convert_unit(CLI_ACTOR, code, parse_day(day))
    rows = [
        {
            "old_scheme": c.old.scheme,
            "old_code": c.old.code,
            "old_name": c.old.name,
            "new_scheme": c.new.scheme,
            "new_code": c.new.code,
            "new_name": c.new.name,
            "transfer": c.transfer.value,
        }
        for c in result.conversions
    ]
    title = f"{result.unit.name} ({result.scheme}, {result.day:%d/%m/%Y})"
    emit(
        rows,
        fmt,
        title=title,
        document={
            "code": code,
            "date": result.day.isoformat(),
            "scheme": result.scheme,
            "name": result.unit.name,
            "conversions": rows,
        },
    )
