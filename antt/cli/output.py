"""Printing results as a Rich table, CSV or JSON — the same rows in every format."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def emit(
    rows: Sequence[dict[str, Any]], fmt: Format, *, title: str | None = None, document: Any = None
) -> None:
    """Print ``rows``; JSON prints ``document`` when given (a richer object than the rows)."""
    if fmt is Format.JSON:
        json.dump(
            rows if document is None else document, sys.stdout, ensure_ascii=False, indent=2, default=str
        )
        sys.stdout.write("\n")
    elif fmt is Format.CSV:
        if rows:
            writer = csv.DictWriter(sys.stdout, list(rows[0].keys()), lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: _cell(v) for k, v in r.items()} for r in rows)
    else:
        table = Table(title=title)
        for key in rows[0].keys() if rows else []:
            table.add_column(key)
        for r in rows:
            table.add_row(*(_cell(v) for v in r.values()))
        Console().print(table)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def progress_bar(console: Console, *, quiet: bool = False) -> Progress:
    """The progress bar of long commands (imports, the demo build); silent when not on a terminal."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
