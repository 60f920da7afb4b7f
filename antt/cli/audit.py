"""``antt audit verify`` — check the audit log's hash chain (new records only, or ``--full``) and compare the
log with the last signed checkpoint; ``antt audit checkpoint`` — append a signed checkpoint to the
checkpoint file (ship it to another machine); ``antt audit export`` — the records of a range of days as CSV
or JSON. Each is itself audited. The operator acts as ``cli:<os user>``."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from antt.cli.units import parse_day
from antt.cli.users import CLIENT, operator_name
from antt.domain.access import Actor
from antt.errors import AnttError, InvalidInput
from antt.settings import load_settings

if TYPE_CHECKING:
    from antt.services.audit_log import ChainReport

app = typer.Typer(help="Nhật ký kiểm toán / the audit log", no_args_is_help=True)
FIELDS = ("id", "at", "actor", "action", "object", "client", "outcome", "details", "prev_hash", "hash")


class AuditChainBroken(AnttError):
    """``antt audit verify`` found an edited or deleted record."""

    exit_code = 9


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def _broken(report: ChainReport) -> AuditChainBroken:
    vi, en = report.explanation()
    return AuditChainBroken(
        f"Nhật ký kiểm toán đã bị sửa hoặc xoá bản ghi: {vi} (bản ghi sai đầu tiên là {report.first_bad_id}).",
        f"The audit log was tampered with: {en} (the first bad record is {report.first_bad_id}).",
    )


@app.command("verify")
def verify_command(
    full: bool = typer.Option(False, "--full", help="kiểm tra lại mọi bản ghi / rehash every record"),
    checkpoint: Path | None = typer.Option(
        None,
        "--checkpoint",
        help="tệp mốc kiểm toán (mặc định: tệp đã cấu hình, nếu có) / checkpoint file (default: the "
        "configured one, if it exists)",
    ),
) -> None:
    """Kiểm tra chuỗi băm của nhật ký / check that no audit record was edited or deleted (exit 9 if so)."""
    from antt.services.audit_log import verify_audit
    from antt.services.database import open_database, require_current_schema

    if checkpoint is not None and not checkpoint.is_file():
        raise InvalidInput(
            f"Không có tệp mốc kiểm toán {checkpoint}.", f"There is no checkpoint file {checkpoint}."
        )
    database = open_database(load_settings())
    try:
        require_current_schema(database)
        report = verify_audit(
            database, Actor.system(f"cli:{operator_name()}"), CLIENT, full=full, checkpoint_file=checkpoint
        )
    finally:
        database.dispose()
    if not report.ok:
        raise _broken(report)
    how = "full" if report.full else f"{report.walked} new checked"
    line = f"audit log intact / nhật ký nguyên vẹn: {report.records} records ({how})"
    if report.checkpoint is not None:
        line += f"; matches the checkpoint of {report.checkpoint.at:%Y-%m-%d %H:%M} UTC ({report.checkpoint.records} records)"
    Console(highlight=False).print(line)


@app.command("checkpoint")
def checkpoint_command(
    file: Path | None = typer.Option(
        None, "--file", help="tệp mốc (mặc định ANTT_AUDIT_CHECKPOINT_FILE) / checkpoint file"
    ),
) -> None:
    """Ghi một mốc kiểm toán có chữ ký / append a signed checkpoint (records, last hash, time) to the
    checkpoint file and print it; copy the file to another machine."""
    from antt.services.audit_log import checkpoint_audit
    from antt.services.database import open_database, require_current_schema
    from antt.settings import AUDIT_CHECKPOINT_KEY

    settings = load_settings()
    database = open_database(settings)
    try:
        require_current_schema(database)
        checkpoint, report = checkpoint_audit(database, Actor.system(f"cli:{operator_name()}"), file, CLIENT)
    finally:
        database.dispose()
    if checkpoint is None:
        raise _broken(report)
    sys.stdout.write(checkpoint.line(settings.derived_key(AUDIT_CHECKPOINT_KEY)) + "\n")
    target = file or settings.checkpoint_path
    Console(highlight=False, stderr=True).print(f"checkpoint appended to / đã ghi mốc vào {target}")


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
