"""``antt report`` — the periodic security-and-order report as docx, pdf or xlsx."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer
from rich.console import Console

from antt.cli.units import parse_day
from antt.domain.access import Actor
from antt.domain.periods import period_from
from antt.settings import load_settings

CLI_ACTOR = Actor.system("cli")


def report_command(
    out: Path = typer.Option(..., "--out", help="tệp kết quả / output file"),
    fmt: str = typer.Option("docx", "--format", help="docx | pdf | xlsx"),
    period: str | None = typer.Option(
        None, "--period", help="kỳ, vd. report-month:2026-10, report-quarter:2026-Q3, report-year:2026"
    ),
    from_: str | None = typer.Option(None, "--from", help="từ ngày YYYY-MM-DD (thay cho --period)"),
    to: str | None = typer.Option(None, "--to", help="đến ngày YYYY-MM-DD"),
    unit: str | None = typer.Option(None, "--unit", help="mã xã/phường (mặc định: toàn thành phố)"),
    as_of: str | None = typer.Option(None, "--as-of", help="số liệu đến ngày YYYY-MM-DD (mặc định hôm nay)"),
    number: int | None = typer.Option(None, "--number", help="số văn bản (để trống cho văn thư điền)"),
    issued: str | None = typer.Option(
        None, "--issued", help="ngày ban hành YYYY-MM-DD (mặc định: ngày số liệu)"
    ),
    authority: str = typer.Option("", "--authority", help='thẩm quyền ký, vd. "KT. GIÁM ĐỐC"'),
    signer_title: str = typer.Option("", "--signer-title", help='chức vụ người ký, vd. "PHÓ GIÁM ĐỐC"'),
    signer: str = typer.Option("", "--signer", help='người ký, vd. "Đại tá Nguyễn Văn A"'),
    secrecy: str = typer.Option("", "--secrecy", help="độ mật: MẬT | TỐI MẬT | TUYỆT MẬT"),
    urgency: str = typer.Option("", "--urgency", help="độ khẩn: KHẨN | THƯỢNG KHẨN | HỎA TỐC"),
    draft: int | None = typer.Option(
        None, "--draft", help="số dự thảo đã lưu trên web: kỳ, đơn vị, lời văn và tùy chọn lấy từ dự thảo"
    ),
    version: int | None = typer.Option(None, "--version", help="phiên bản của dự thảo (mặc định: mới nhất)"),
) -> None:
    """Báo cáo kết quả công tác bảo đảm ANTT / the periodic security-and-order report."""
    from antt.errors import InvalidInput, every_problem
    from antt.services.database import open_database, require_current_schema
    from antt.services.reports import ReportFormat, export_report, report_options

    def chosen_format() -> ReportFormat:
        try:
            return ReportFormat(fmt.lower())
        except ValueError:
            raise InvalidInput(
                f"--format phải là docx, pdf hoặc xlsx (nhận được {fmt!r}).",
                f"--format must be docx, pdf or xlsx (got {fmt!r}).",
            ) from None

    if draft is not None or version is not None:
        mixed = {
            "--period": period,
            "--from": from_,
            "--to": to,
            "--unit": unit,
            "--as-of": as_of,
            "--number": number,
            "--issued": issued,
            "--authority": authority,
            "--signer-title": signer_title,
            "--signer": signer,
            "--secrecy": secrecy,
            "--urgency": urgency,
        }
        given = [name for name, value in mixed.items() if value not in (None, "")]
        if draft is None or given:
            raise InvalidInput(
                "--draft lấy kỳ, đơn vị và tùy chọn từ dự thảo; không dùng kèm "
                f"{', '.join(given) or '--version mà thiếu --draft'}.",
                "--draft takes the period, unit and options from the draft; do not combine it with "
                f"{', '.join(given) or '--version without --draft'}.",
            )
        _export_draft(draft, version, chosen_format(), out)
        return
    kind, issued_day, options, window, as_of_day = every_problem(
        chosen_format,
        lambda: parse_day(issued) if issued else None,
        lambda: report_options(
            number=number,
            authority=authority,
            signer_title=signer_title,
            signer=signer,
            secrecy=secrecy,
            urgency=urgency,
        ),
        lambda: period_from(period, parse_day(from_) if from_ else None, parse_day(to) if to else None),
        lambda: parse_day(as_of) if as_of else None,
    )
    options = replace(options, issued=issued_day)
    settings = load_settings()
    database = open_database(settings)
    try:
        require_current_schema(database)
        content = export_report(
            database,
            CLI_ACTOR,
            window,
            kind,
            unit_code=unit,
            as_of=as_of_day,
            options=options,
            client="cli",
        )
    finally:
        database.dispose()
    out.write_bytes(content)
    Console(highlight=False).print(
        f"Đã ghi / written: {out} ({len(content):,} byte, {kind.value}) — {window.label_vi()}", markup=False
    )


def _export_draft(draft_id: int, version: int | None, kind: object, out: Path) -> None:
    """Render a draft saved on the web, by its number (``antt report --draft ID``)."""
    from antt.services.database import open_database, require_current_schema
    from antt.services.report_drafts import STATUS_LABELS_VI, export_draft
    from antt.services.reports import ReportFormat

    assert isinstance(kind, ReportFormat)
    database = open_database(load_settings())
    try:
        require_current_schema(database)
        view, content = export_draft(database, CLI_ACTOR, draft_id, kind, version=version, client="cli")
    finally:
        database.dispose()
    out.write_bytes(content)
    Console(highlight=False).print(
        f"Đã ghi / written: {out} ({len(content):,} byte, {kind.value}) — dự thảo số {draft_id}, phiên bản "
        f"{view.version.version} ({STATUS_LABELS_VI[view.draft.status]}) — {view.period.label_vi()}",
        markup=False,
    )
