"""``antt audit verify`` — walk the audit log's hash chain; ``antt audit export`` — the records of a range
of days as CSV or JSON (the export is itself audited). The operator acts as ``cli:<os user>``."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum

import typer
from rich.console import Console

from antt.cli.units import parse_day
from antt.cli.users import CLIENT, operator_name
from antt.domain.access import Actor
from antt.errors import AnttError
from antt.settings import load_settings

app = typer.Typer(help="Nhật ký kiểm toán / the audit log", no_args_is_help=True)
FIELDS = ("id", "at", "actor", "action", "object", "client", "outcome", "details", "prev_hash", "hash")


class AuditChainBroken(AnttError):
    """``antt audit verify`` found an edited or deleted record."""

    exit_code = 9


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@app.command("verify")
def verify_command() -> None:
    """Kiểm tra chuỗi băm của nhật ký / check that no audit record was edited or deleted."""
    from antt.services.audit_log import verify_audit
    from antt.services.database import open_database, require_current_schema

    database = open_database(load_settings())
    try:
        require_current_schema(database)
        report = verify_audit(database, Actor.system(f"cli:{operator_name()}"), CLIENT)
    finally:
        database.dispose()
    if not report.ok:
        raise AuditChainBroken(
            f"Nhật ký kiểm toán đã bị sửa hoặc xoá bản ghi: bản ghi sai đầu tiên là {report.first_bad_id} "
            f"(trong {report.records}).",
            f"The audit log was edited or a record deleted: the first bad record is {report.first_bad_id} "
            f"(of {report.records}).",
        )
    Console(highlight=False).print(f"audit log intact / nhật ký nguyên vẹn: {report.records} records")


@app.command("export")
def export_command(
    from_: str = typer.Option(..., "--from", help="từ ngày YYYY-MM-DD (giờ Việt Nam)"),
    to: str = typer.Option(..., "--to", help="đến ngày YYYY-MM-DD, kể cả ngày này"),
    fmt: ExportFormat = typer.Option(ExportFormat.CSV, "--format"),
) -> None:
    """Xuất nhật ký kiểm toán / export the audit records of a range of days (local dates, times in UTC)."""
    from antt.services.audit_log import export_audit
    from antt.services.database import open_database, require_current_schema

    database = open_database(load_settings())
    try:
        require_current_schema(database)
        entries = export_audit(
            database, Actor.system(f"cli:{operator_name()}"), parse_day(from_), parse_day(to), CLIENT
        )
    finally:
        database.dispose()
    records = [e.as_dict() for e in entries]
    if fmt is ExportFormat.JSON:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    writer = csv.DictWriter(sys.stdout, FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {**record, "details": json.dumps(record["details"], ensure_ascii=False, sort_keys=True)}
        )
