"""``antt warn`` — early warning: backtest the detectors on any events file, inject rises, scan the database."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from antt.cli.units import parse_day
from antt.errors import InvalidInput

app = typer.Typer(help="Cảnh báo sớm / early warning: xã và nhóm tội phạm đang tăng.", no_args_is_help=True)


def _common_days(from_: str, to: str) -> tuple[object, object]:
    from antt.errors import every_problem

    start, end = every_problem(lambda: parse_day(from_), lambda: parse_day(to))
    return start, end


@app.command("backtest")
def backtest_command(
    events: Path = typer.Option(..., "--events", help="tệp CSV sự kiện / events CSV file"),
    time_col: str = typer.Option(..., "--time-col", help="cột thời gian (ISO 8601)"),
    unit_col: str = typer.Option(..., "--unit-col", help="cột đơn vị"),
    category_col: str = typer.Option(..., "--category-col", help="cột nhóm"),
    tz: str = typer.Option(..., "--tz", help="múi giờ, vd. Asia/Ho_Chi_Minh"),
    from_: str = typer.Option(..., "--from", help="tuần đầu được xét YYYY-MM-DD (trước đó: chỉ để học)"),
    to: str = typer.Option(..., "--to", help="đến ngày YYYY-MM-DD"),
    method: str = typer.Option("default", "--method", help="default | all | tên, vd. noufaily,cusum"),
    out: Path = typer.Option(..., "--out", help='tệp JSON kết quả {"alerts": [...]}'),
    truth: Path | None = typer.Option(
        None, "--truth", help="kết quả đúng của `antt warn inject`: in độ nhạy / báo động giả"
    ),
    report: Path | None = typer.Option(None, "--report", help="ghi bảng đánh giá (JSON) vào tệp này"),
) -> None:
    """Chạy bộ phát hiện trên tệp sự kiện / run the detectors on an events file, one alert per alarm."""
    from antt.services.warn_backtest import (
        backtest,
        check_writable,
        evaluation_document,
        write_json,
    )

    start, end = _common_days(from_, to)
    check_writable(out, *([report] if report else []))
    result = backtest(
        events,
        time_col=time_col,
        unit_col=unit_col,
        category_col=category_col,
        tz=tz,
        start=start,  # type: ignore[arg-type]
        end=end,  # type: ignore[arg-type]
        method=method,
        truth_file=truth,
    )
    write_json(out, {"alerts": result.alerts})
    console = Console(highlight=False)
    console.print(
        f"{len(result.alerts)} cảnh báo / alerts — {result.series} chuỗi × {result.weeks} tuần / series × weeks"
        f" — {', '.join(result.methods)} → {out}"
    )
    if result.evaluations:
        table = Table(title="Đánh giá với mức tăng cấy vào / evaluation on injected rises")
        for column in (
            "method",
            "rises",
            "≤2 tuần/weeks",
            "any",
            "median weeks",
            "false alarms / series-week",
        ):
            table.add_column(column)
        for e in sorted(result.evaluations, key=lambda e: -e.detected_within):
            table.add_row(
                e.method,
                str(e.rises),
                f"{100 * e.detected_within:.1f}%",
                f"{100 * e.detected_any:.1f}%",
                "" if e.median_weeks_to_detection is None else f"{e.median_weeks_to_detection:g}",
                f"{100 * e.false_alarm_rate:.2f}%",
            )
        console.print(table)
        if report:
            write_json(report, {"evaluation": [evaluation_document(e) for e in result.evaluations]})


@app.command("inject")
def inject_command(
    events: Path = typer.Option(..., "--events"),
    time_col: str = typer.Option(..., "--time-col"),
    unit_col: str = typer.Option(..., "--unit-col"),
    category_col: str = typer.Option(..., "--category-col"),
    tz: str = typer.Option(..., "--tz"),
    from_: str = typer.Option(..., "--from", help="khởi phát sớm nhất / earliest onset YYYY-MM-DD"),
    to: str = typer.Option(..., "--to", help="tuần cuối / last week YYYY-MM-DD"),
    factor: float = typer.Option(2.0, "--factor", help="hệ số tăng, vd. 2 hoặc 1.5"),
    weeks: int = typer.Option(4, "--weeks", help="số tuần tăng"),
    rises: int = typer.Option(50, "--rises", help="số chuỗi được cấy mức tăng"),
    seed: int = typer.Option(1, "--seed"),
    min_baseline: float = typer.Option(1.0, "--min-baseline", help="chỉ chuỗi có ≥ số vụ/tuần này"),
    out: Path = typer.Option(..., "--out", help="tệp CSV sự kiện có mức tăng cấy vào"),
    truth_out: Path = typer.Option(..., "--truth-out", help="tệp JSON kết quả đúng"),
) -> None:
    """Cấy mức tăng đã biết vào tệp sự kiện / inject rises of known size into an events file."""
    from antt.services.warn_backtest import inject_events

    start, end = _common_days(from_, to)
    result = inject_events(
        events,
        out,
        truth_out,
        time_col=time_col,
        unit_col=unit_col,
        category_col=category_col,
        tz=tz,
        start=start,  # type: ignore[arg-type]
        end=end,  # type: ignore[arg-type]
        factor=factor,
        weeks=weeks,
        rises=rises,
        seed=seed,
        min_baseline=min_baseline,
    )
    Console(highlight=False).print(
        f"{len(result.injections)} mức tăng, {result.added_events} sự kiện thêm / rises, added events → {out},"
        f" {truth_out}"
    )


@app.command("scan")
def scan_command(
    as_of: str | None = typer.Option(None, "--as-of", help="ngày YYYY-MM-DD (mặc định hôm nay)"),
    method: str = typer.Option("default", "--method"),
    article: list[str] | None = typer.Option(
        None,
        "--article",
        help="chuỗi xã × điều luật thay cho xã × nhóm, vd. --article 173 --article 174 / series by article",
    ),
    mail: bool = typer.Option(
        True,
        "--mail/--no-mail",
        help="gửi e-mail cảnh báo mới nếu đã cấu hình / e-mail new alerts if configured",
    ),
    monthly: bool = typer.Option(
        False,
        "--monthly",
        help="theo tháng báo cáo (15 – 14) thay cho tuần / by reporting month instead of week",
    ),
) -> None:
    """Quét mọi xã × nhóm (hoặc × điều luật), lưu cảnh báo mới / scan every commune × group (or article)."""
    from antt.domain.access import Actor
    from antt.services.alert_mail import mail_new_alerts
    from antt.services.database import open_database, require_current_schema
    from antt.services.warn import scan
    from antt.services.warn_monthly import scan_months
    from antt.settings import load_settings

    database = open_database(load_settings())
    try:
        require_current_schema(database)
        day = parse_day(as_of) if as_of else None
        if monthly:
            if article or method != "default":
                raise InvalidInput(
                    "--monthly dùng bộ phát hiện theo tháng, không kèm --article hay --method.",
                    "--monthly uses the monthly detector: no --article or --method with it.",
                )
            result = scan_months(database, Actor.system("cli"), as_of=day)
        else:
            result = scan(database, Actor.system("cli"), as_of=day, method=method, articles=article or None)
        mailed = mail_new_alerts(database, result.opened_ids, actor="cli") if mail else None
    finally:
        database.dispose()
    console = Console(highlight=False)
    span = (
        f"Tháng báo cáo {result.week_end:%m/%Y} ({result.week_start:%d/%m}–{result.week_end:%d/%m})"
        if monthly
        else f"Tuần {result.week_start:%d/%m/%Y}"
    )
    console.print(
        f"{span}: {result.series} chuỗi, {result.opened} cảnh báo mới, "
        f"{result.still_open} vẫn mở, {result.closed} đóng / series, new, still open, closed"
    )
    if mailed is not None and mailed.error is None:
        console.print(f"Đã gửi e-mail tới {mailed.sent} người nhận / e-mailed {mailed.sent} recipients")
    elif mailed is not None:
        console.print(f"Không gửi được e-mail cảnh báo / alert e-mail not sent: {mailed.error}")


app.command("run", help="= scan")(scan_command)
