"""``antt offences list`` — Penal Code articles, reporting groups and severity ranges."""

from __future__ import annotations

import typer

from antt.cli.output import Format, emit
from antt.cli.units import parse_day
from antt.domain.offences import SEVERITY_LABELS_VI
from antt.services.offences import list_offences

app = typer.Typer(help="Tội danh / offences", no_args_is_help=True)


@app.command("list")
def list_command(
    group: str | None = typer.Option(None, help="nhóm tội phạm, vd. social_order, drugs"),
    day: str | None = typer.Option(
        None, "--date", help="điều luật có hiệu lực ngày YYYY-MM-DD (mặc định hôm nay)"
    ),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Liệt kê điều luật / list articles of the Penal Code."""
    rows = [
        {
            "article": v.offence.article,
            "name_vi": v.offence.name_vi,
            "chapter": v.offence.chapter,
            "group": v.offence.reporting_group,
            "group_vi": v.group_name_vi,
            "severity_min": v.severity.lowest.value if v.severity else None,
            "severity_max": v.severity.highest.value if v.severity else None,
            "severity_vi": (
                SEVERITY_LABELS_VI[v.severity.lowest]
                + ("" if v.severity.exact else f" – {SEVERITY_LABELS_VI[v.severity.highest]}")
                if v.severity
                else None
            ),
        }
        for v in list_offences(group, parse_day(day) if day else None)
    ]
    emit(rows, fmt, title=f"Điều luật ({len(rows)})")
