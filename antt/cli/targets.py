"""``antt targets status`` — every target: met, on track, at risk or off track, and why; ``antt targets
set | list | retire`` — the city's own targets, each with the document that sets it (versioned, audited;
the operator acts as ``cli:<os user>``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from antt.cli.output import Format, emit
from antt.cli.units import parse_day
from antt.cli.users import operator_name
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
            targets=load_targets(file) if file else None,
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
            "source": d["source_label"],
        }
        for d in docs
    ]
    emit(rows, fmt, title=f"Chỉ tiêu ({len(rows)})", document={"targets": docs})


CLIENT = "cli"


def _operator() -> Actor:
    return Actor.system(f"cli:{operator_name()}")


@app.command("set")
def set_command(
    target_id: str = typer.Argument(..., help="mã chỉ tiêu, vd. social-order-crime-reduction"),
    name_vi: str | None = typer.Option(None, "--name-vi", help="tên chỉ tiêu (tiếng Việt)"),
    name_en: str | None = typer.Option(None, "--name-en", help="tên tiếng Anh"),
    group: str | None = typer.Option(None, "--group", help="crime_reduction_and_clearance | drugs | …"),
    indicator: str | None = typer.Option(None, "--indicator", help="vd. incidents.social_order.count"),
    period: str | None = typer.Option(None, "--period", help="kỳ, vd. report-year:2026"),
    kind: str | None = typer.Option(
        None, "--kind", help="relative_to_baseline | threshold | rank | cumulative_by_deadline"
    ),
    max_ratio: float | None = typer.Option(
        None, "--max-ratio", help="relative: tối đa bao nhiêu lần cùng kỳ"
    ),
    op: str | None = typer.Option(None, "--op", help="'>' | '>=' | '<' | '<='"),
    value: float | None = typer.Option(None, "--value", help="ngưỡng / hạng / tỷ lệ (%)"),
    deadline: str | None = typer.Option(None, "--deadline", help="hạn YYYY-MM-DD (cumulative_by_deadline)"),
    note: str | None = typer.Option(None, "--note", help="ghi chú"),
    number: str | None = typer.Option(None, "--document-number", help="số văn bản, vd. 12/KH-UBND"),
    issued: str | None = typer.Option(None, "--document-date", help="ngày ban hành YYYY-MM-DD"),
    issuer: str | None = typer.Option(None, "--issuer", help="cơ quan ban hành"),
    wording: str | None = typer.Option(None, "--wording", help="nội dung chỉ tiêu như văn bản viết"),
    title: str | None = typer.Option(None, "--document-title", help="tên văn bản, vd. 'Kế hoạch …'"),
    url: str | None = typer.Option(None, "--url", help="địa chỉ văn bản (không bắt buộc)"),
    no_document: bool = typer.Option(
        False, "--no-document", help="chưa có văn bản: hiển thị 'chưa có văn bản / no source document'"
    ),
) -> None:
    """Đặt chỉ tiêu của thành phố kèm văn bản / set a city target with the document that sets it."""
    from antt.domain.targets import SourceDocument
    from antt.errors import InvalidInput
    from antt.services.database import open_database, require_current_schema
    from antt.services.target_admin import set_target

    document = None
    given = [x for x in (number, issued, issuer, wording, title, url) if x]
    if given and no_document:
        raise InvalidInput(
            "--no-document không đi cùng các thông tin văn bản.",
            "--no-document excludes the document options.",
        )
    if given:
        if not (number and issued and issuer and wording):
            raise InvalidInput(
                "Văn bản cần --document-number, --document-date, --issuer và --wording.",
                "The document needs --document-number, --document-date, --issuer and --wording.",
            )
        document = SourceDocument(
            issuer=issuer,
            issued=parse_day(issued),
            wording=wording,
            number=number,
            title=title or "",
            url=url or "",
        )
    rule: dict[str, Any] = {
        k: v
        for k, v in {
            "kind": kind,
            "max_ratio": max_ratio,
            "op": op,
            "value": value,
            "deadline": parse_day(deadline).isoformat() if deadline else None,
        }.items()
        if v is not None
    }
    changes: dict[str, Any] = {
        "name_vi": name_vi,
        "name_en": name_en,
        "group": group,
        "indicator": indicator,
        "period": period,
        "note": note,
        "rule": rule or None,
    }
    database = open_database(load_settings())
    try:
        require_current_schema(database)
        target = set_target(
            database,
            _operator(),
            target_id,
            changes,
            document=document,
            no_document=no_document,
            client_address=CLIENT,
        )
    finally:
        database.dispose()
    typer.echo(
        f"{target.id}: phiên bản / version {target.version}; {target.rule.describe_vi()}; {target.period}; "
        f"{target.source_label_vi()}"
    )


@app.command("list")
def list_command(
    history: bool = typer.Option(False, "--history", help="mọi phiên bản đã lưu / every stored version"),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Các chỉ tiêu đang áp dụng và nguồn / the targets in force and their sources."""
    from antt.domain.targets import target_entry
    from antt.services.database import open_database, require_current_schema
    from antt.services.target_admin import list_targets

    database = open_database(load_settings())
    try:
        require_current_schema(database)
        listing = list_targets(database, _operator())
    finally:
        database.dispose()
    if history:
        rows = [
            {
                "target": v.target_id,
                "version": v.version,
                "action": v.action,
                "recorded_at": v.recorded_at.isoformat(timespec="seconds"),
                "recorded_by": v.recorded_by,
                "document": (v.definition.get("document") or {}).get("number", ""),
                "reason": v.reason,
            }
            for v in listing.history
        ]
        emit(rows, fmt, title=f"Lịch sử chỉ tiêu ({len(rows)})", document={"history": rows})
        return
    rows = [
        {
            "id": t.id,
            "origin": t.origin,
            "version": t.version,
            "rule": t.rule.describe_vi(),
            "period": t.period,
            "source_status": t.source_status.value,
            "source": t.source_label_vi(),
        }
        for t in listing.targets
    ]
    document = {
        "targets": [target_entry(t) | {"origin": t.origin, "version": t.version} for t in listing.targets]
    }
    emit(rows, fmt, title=f"Chỉ tiêu đang áp dụng ({len(rows)})", document=document)


@app.command("retire")
def retire_command(
    target_id: str = typer.Argument(..., help="mã chỉ tiêu"),
    reason: str = typer.Option("", "--reason", help="lý do, vd. văn bản thay thế"),
) -> None:
    """Thôi áp dụng một chỉ tiêu (lịch sử được giữ) / retire a target (its history is kept)."""
    from antt.services.database import open_database, require_current_schema
    from antt.services.target_admin import retire_target

    database = open_database(load_settings())
    try:
        require_current_schema(database)
        version = retire_target(database, _operator(), target_id, reason=reason, client_address=CLIENT)
    finally:
        database.dispose()
    typer.echo(f"{target_id}: đã thôi áp dụng / retired (phiên bản / version {version.version})")
