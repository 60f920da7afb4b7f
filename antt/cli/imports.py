"""``antt import incidents FILE`` — validate and import the week's incident export;
``antt import indicators FILE`` — indicator values (e-ID, drugs, population, GRDP, PCI, PAR Index);
``antt import drug-status FILE`` — official drug-status decisions per commune (docs/formats/drug-status.md)."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from antt.cli.output import progress_bar
from antt.domain.access import Actor
from antt.errors import ImportRejected, Issue
from antt.settings import load_settings

if TYPE_CHECKING:
    from antt.services.database import Database
    from antt.services.drug_status import DrugStatusImportSummary
    from antt.services.imports import ImportSummary
    from antt.services.indicators import IndicatorImportSummary
    from antt.settings import Settings

app = typer.Typer(help="Nhập dữ liệu / import data", no_args_is_help=True)
MAX_WARNINGS_SHOWN = 50


@app.command("incidents")
def incidents_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="tệp .xlsx hoặc .csv"),
    source: str | None = typer.Option(None, help="tên hệ thống nguồn (mặc định ANTT_SOURCE_NAME)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ kiểm tra, không ghi / validate only"),
    as_json: bool = typer.Option(False, "--json", help="in kết quả dạng JSON"),
) -> None:
    """Nhập vụ việc từ tệp xuất / import incidents from an export file."""
    from antt.services.imports import import_incidents

    with (
        import_run(as_json) as (database, settings, actor),
        progress_bar(Console(stderr=True), quiet=as_json) as bar,
    ):
        task = bar.add_task(file.name, total=None)
        summary = import_incidents(
            database,
            settings,
            actor,
            file,
            source=source,
            dry_run=dry_run,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    report(as_json, summary_document(summary), lambda console: print_summary(summary, console))


@app.command("indicators")
def indicators_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="tệp .xlsx hoặc .csv"),
    scheme: str | None = typer.Option(
        None,
        "--scheme",
        help="hệ đơn vị của mọi mã trong tệp, vd. 2025-07 cho số liệu đã quy đổi sang đơn vị mới "
        "(mặc định: hệ có hiệu lực ngày cuối kỳ)",
    ),
    synthetic: bool = typer.Option(
        False, "--synthetic", help="đánh dấu 'mô phỏng' các dòng không có cột Mô phỏng / mark as synthetic"
    ),
    source: str | None = typer.Option(None, help="tên nguồn của lô nhập (mặc định ANTT_SOURCE_NAME)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ kiểm tra, không ghi / validate only"),
    as_json: bool = typer.Option(False, "--json", help="in kết quả dạng JSON"),
) -> None:
    """Nhập giá trị chỉ số / import indicator values (e-ID, ma túy, dân số, GRDP, PCI, PAR Index)."""
    from antt.services.indicators import import_indicators

    with import_run(as_json) as (database, settings, actor):
        summary = import_indicators(
            database,
            settings,
            actor,
            file,
            dry_run=dry_run,
            source=source,
            unit_scheme=scheme,
            synthetic=True if synthetic else None,
        )
    report(
        as_json,
        indicator_summary_document(summary),
        lambda console: print_indicator_summary(summary, console),
    )


@app.command("drug-status")
def drug_status_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="tệp .xlsx hoặc .csv"),
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ kiểm tra, không ghi / validate only"),
    as_json: bool = typer.Option(False, "--json", help="in kết quả dạng JSON"),
) -> None:
    """Nhập quyết định công nhận không ma túy, phân loại địa bàn / import official drug-status decisions."""
    from antt.services.drug_status import import_drug_status

    with import_run(as_json) as (database, settings, actor):
        summary = import_drug_status(database, settings, actor, file, dry_run=dry_run)
    report(
        as_json,
        drug_status_summary_document(summary),
        lambda console: print_drug_status_summary(summary, console),
    )


def drug_status_summary_document(s: DrugStatusImportSummary) -> dict[str, object]:
    return {
        "kind": "drug_status",
        "file": s.file_name,
        "sha256": s.file_sha256,
        "dry_run": s.dry_run,
        "batch_id": s.batch_id,
        "rows": s.rows_total,
        "new": s.new,
        "unchanged": s.unchanged,
        "duplicates": s.duplicates,
        "by_status": s.by_status,
        "by_year": s.by_year,
        "warnings_by_rule": s.warnings_by_rule,
        "warnings": [_issue_document(w) for w in s.warnings],
        "seconds": round(s.seconds, 3),
    }


def print_drug_status_summary(s: DrugStatusImportSummary, console: Console) -> None:
    console.print(f"[bold]{_head(s.dry_run, s.batch_id)}[/bold]: {s.file_name} — {s.rows_total} dòng/rows")
    console.print(
        f"  quyết định mới/new decisions {s.new} · không đổi/unchanged {s.unchanged}"
        + (f" · dòng lặp/repeated rows {s.duplicates}" if s.duplicates else "")
    )
    console.print("  tình trạng/status: " + ", ".join(f"{k} {v}" for k, v in s.by_status.items()))
    _print_warnings(s.warnings, s.warnings_by_rule, console)


def summary_document(s: ImportSummary) -> dict[str, object]:
    return {
        "file": s.file_name,
        "sha256": s.file_sha256,
        "source": s.source,
        "dry_run": s.dry_run,
        "batch_id": s.batch_id,
        "rows": s.rows_total,
        "new": s.new,
        "updated": s.updated,
        "unchanged": s.unchanged,
        "persons_new": s.persons_new,
        "unit_assignment": s.assignments,
        "warnings_by_rule": s.warnings_by_rule,
        "warnings": [_issue_document(w) for w in s.warnings],
        "seconds": round(s.seconds, 3),
    }


def print_summary(s: ImportSummary, console: Console) -> None:
    console.print(
        f"[bold]{_head(s.dry_run, s.batch_id)}[/bold]: {s.file_name} — {s.rows_total} dòng/rows, {s.seconds:.1f} s"
    )
    console.print(
        f"  mới/new {s.new} · cập nhật/updated {s.updated} · không đổi/unchanged {s.unchanged}"
        + ("" if s.persons_new is None else f" · đối tượng mới/new persons {s.persons_new}")
    )
    console.print(
        "  gán đơn vị/unit assignment: " + ", ".join(f"{k} {v}" for k, v in sorted(s.assignments.items()))
    )
    _print_warnings(s.warnings, s.warnings_by_rule, console)


def indicator_summary_document(s: IndicatorImportSummary) -> dict[str, object]:
    return {
        "kind": s.kind,
        "file": s.file_name,
        "sha256": s.file_sha256,
        "source": s.source,
        "dry_run": s.dry_run,
        "batch_id": s.batch_id,
        "rows": s.rows_total,
        "values": s.values_total,
        "new": s.new,
        "updated": s.updated,
        "unchanged": s.unchanged,
        "by_indicator": s.by_indicator,
        "unit_scheme": s.unit_scheme,
        "warnings_by_rule": s.warnings_by_rule,
        "warnings": [_issue_document(w) for w in s.warnings],
        "seconds": round(s.seconds, 3),
    }


def print_indicator_summary(s: IndicatorImportSummary, console: Console) -> None:
    console.print(
        f"[bold]{_head(s.dry_run, s.batch_id)}[/bold]: {s.file_name} — {s.rows_total} dòng/rows, {s.values_total} giá trị/values, "
        f"{s.seconds:.1f} s"
    )
    console.print(f"  mới/new {s.new} · cập nhật/updated {s.updated} · không đổi/unchanged {s.unchanged}")
    console.print("  chỉ số/indicators: " + ", ".join(f"{k} {v}" for k, v in s.by_indicator.items()))
    _print_warnings(s.warnings, s.warnings_by_rule, console)


def _head(dry_run: bool, batch_id: int | None) -> str:
    return (
        "KIỂM TRA (không ghi) / DRY RUN (nothing written)"
        if dry_run
        else f"Đã nhập / imported (lô {batch_id})"
    )


def _print_warnings(warnings: list[Issue], by_rule: dict[str, int], console: Console) -> None:
    if warnings:
        console.print(
            f"  cảnh báo/warnings: {len(warnings)} — "
            + ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items()))
        )
        for w in warnings[:MAX_WARNINGS_SHOWN]:
            console.print(f"    {w.describe()}", markup=False)
        if len(warnings) > MAX_WARNINGS_SHOWN:
            console.print(f"    … {len(warnings) - MAX_WARNINGS_SHOWN} more (use --json for all)")


def print_issues(issues: list[Issue], console: Console, counts_by_rule: dict[str, int] | None = None) -> None:
    """The problems, one per line: errors first, then warnings; when only the first of each rule were
    kept (``counts_by_rule`` counts them all), the count of every rule after them."""
    for issue in sorted(issues, key=lambda i: (not i.is_error, i.row or 0)):
        tag = "LỖI/ERROR" if issue.is_error else "cảnh báo/warning"
        console.print(f"{tag}: {issue.describe()}", markup=False)
    if counts_by_rule and sum(counts_by_rule.values()) > len(issues):
        console.print(
            "chỉ liệt kê các lỗi đầu tiên của mỗi quy tắc / only the first problems of each rule are listed: "
            + ", ".join(f"{rule} {n}" for rule, n in sorted(counts_by_rule.items(), key=lambda kv: -kv[1])),
            markup=False,
        )


def rejection_document(exc: ImportRejected) -> dict[str, object]:
    """``--json`` of a refused file: the first problems of each rule and the count of every rule."""
    return {
        "rejected": True,
        "message_vi": exc.message_vi,
        "message_en": exc.message_en,
        "counts_by_rule": exc.counts_by_rule,
        "truncated": exc.truncated,
        "issues": [_issue_document(i) for i in exc.issues],
    }


@contextmanager
def import_run(as_json: bool) -> Iterator[tuple[Database, Settings, Actor]]:
    """The database (schema checked), settings and operator an ``antt import`` command runs with; a refused
    file is also printed as JSON with ``--json``; the database is closed whatever happens."""
    from antt.services.database import open_database, require_current_schema

    settings = load_settings(require_secrets=True)
    database = open_database(settings)
    try:
        require_current_schema(database)
        with json_rejection(as_json):
            yield database, settings, Actor.system(f"cli:{getpass.getuser()}")
    finally:
        database.dispose()


def report(as_json: bool, document: dict[str, object], show: Callable[[Console], None]) -> None:
    """The import's outcome: the JSON document on stdout with ``--json``, else the printed summary."""
    if as_json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        show(Console(highlight=False))


@contextmanager
def json_rejection(as_json: bool) -> Iterator[None]:
    """With ``--json``, a refused file is also printed as JSON on stdout (then fails as usual)."""
    try:
        yield
    except ImportRejected as exc:
        if as_json:
            json.dump(rejection_document(exc), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        raise


def _issue_document(i: Issue) -> dict[str, object]:
    return {
        "rule": i.rule,
        "severity": i.severity.value,
        "file": i.file,
        "row": i.row,
        "column": i.column,
        "value": i.value,
        "message_vi": i.message_vi,
        "message_en": i.message_en,
    }
