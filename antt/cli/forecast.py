"""``antt forecast backtest`` — every place-based forecast method on any events file, with the evidence;
``antt forecast map`` — the risk map of the next period on the database (:mod:`antt.services.risk_map`)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from antt.cli.output import Format, emit
from antt.domain.access import Actor

app = typer.Typer(help="Dự báo điểm nóng / place-based forecasts", no_args_is_help=True)
CLI_ACTOR = Actor.system("cli")


@app.command("backtest")
def backtest_command(
    events: Path = typer.Option(..., "--events", help="tệp CSV các sự kiện / events CSV"),
    time_col: str = typer.Option(..., "--time-col", help="cột thời gian / time column"),
    x_col: str = typer.Option(..., "--x-col", help="cột X (hoặc kinh độ) / X (or longitude) column"),
    y_col: str = typer.Option(..., "--y-col", help="cột Y (hoặc vĩ độ) / Y (or latitude) column"),
    crs: str = typer.Option(..., "--crs", help="hệ tọa độ của X/Y, vd. EPSG:32648 / CRS of X/Y"),
    tz: str = typer.Option(..., "--tz", help="múi giờ, vd. Asia/Ho_Chi_Minh / time zone"),
    start: str = typer.Option(..., "--start", help="ngày bắt đầu cửa sổ đầu tiên YYYY-MM-DD"),
    windows: int = typer.Option(..., "--windows", help="số cửa sổ dự báo / number of windows"),
    horizon: str = typer.Option(..., "--horizon", help="1d | 7d | 14d | 28d"),
    cell: float = typer.Option(150.0, "--cell", help="cạnh ô lưới, mét (10–5000) / cell size in metres"),
    out: Path = typer.Option(..., "--out", help="thư mục kết quả / output folder"),
    category_col: str | None = typer.Option(None, "--category-col", help="cột loại / category column"),
    category: str | None = typer.Option(None, "--category", help="giá trị loại cần giữ / category value"),
    grid_origin: str | None = typer.Option(None, "--grid-origin", help="gốc lưới X,Y (mặc định 0,0)"),
    boundary: Path | None = typer.Option(None, "--boundary", help="ranh giới GeoJSON (kinh/vĩ độ)"),
    method: str = typer.Option(
        "all",
        "--method",
        help="all, hoặc tên phương pháp, vd. naive_3y,kde_tuned / all, or method names, e.g. naive_3y,kde_tuned",
    ),
    refit_every: int = typer.Option(1, "--refit-every", help="huấn luyện lại sau N cửa sổ / refit every N"),
    bootstrap: int = typer.Option(1000, "--bootstrap", help="số lần lấy mẫu lại / bootstrap resamples"),
    seed: int = typer.Option(0, "--seed"),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="bảng in ra / printed table format"),
) -> None:
    """Kiểm định lùi các phương pháp dự báo / rolling-origin backtest of every forecast method."""
    from antt.services.forecast import BacktestRequest, backtest_file

    err = Console(stderr=True, highlight=False)
    request = BacktestRequest(
        events=events,
        time_col=time_col,
        x_col=x_col,
        y_col=y_col,
        crs=crs,
        tz=tz,
        start=start,
        windows=windows,
        horizon=horizon,
        cell=cell,
        out=out,
        category_col=category_col,
        category=category,
        grid_origin=grid_origin,
        boundary=boundary,
        method=method,
        refit_every=refit_every,
        bootstrap=bootstrap,
        seed=seed,
    )
    outcome = backtest_file(
        request, progress=lambda text: err.print(f"… {text}") if err.is_terminal else None
    )
    summary = outcome.summary
    title = (
        f"{summary['events']['used']} sự kiện / events, {summary['grid']['cells']} ô / cells of "
        f"{summary['grid']['cell_size']} m, {len(summary['windows'])} × {summary['horizon_days']}d"
    )
    emit(outcome.rows, fmt, title=title, document=summary)
    default = summary["default"]
    if fmt is Format.TABLE and default:
        console = Console(highlight=False, soft_wrap=True)
        console.print(f"Mặc định cho {default['horizon']}: {default['method']} — {default['reason_vi']}")
        console.print(f"Default for {default['horizon']}: {default['method']} — {default['reason_en']}")
        console.print(f"→ {out}")


class MapFormat(StrEnum):
    JSON = "json"
    GEOJSON = "geojson"


@app.command("map")
def map_command(
    period: str | None = typer.Option(
        None,
        "--period",
        help="kỳ cần dự báo, vd. report-month:2026-05, day:2026-05-02 / the window to forecast",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="ngày số liệu YYYY-MM-DD: dự báo các ngày sau đó / forecast the days after it"
    ),
    horizon: str | None = typer.Option(
        None, "--horizon", help="1d | 7d | 14d | 28d (với --as-of; mặc định 7d)"
    ),
    group: str = typer.Option("all", "--group", help="nhóm tội phạm, vd. social_order, hoặc all"),
    unit: str | None = typer.Option(None, "--unit", help="mã xã/phường (mặc định: toàn thành phố)"),
    fmt: MapFormat = typer.Option(MapFormat.JSON, "--format", help="json | geojson"),
) -> None:
    """Bản đồ nguy cơ từ CSDL / the risk map of the next period from the database, with its evidence."""
    from antt.cli.units import parse_day
    from antt.domain.periods import parse_period
    from antt.services.database import open_database, require_current_schema
    from antt.services.risk_map import forecast_window, geojson_document, map_document, risk_map
    from antt.settings import load_settings

    start, days = forecast_window(
        parse_period(period) if period is not None else None, parse_day(as_of) if as_of else None, horizon
    )
    database = open_database(load_settings())
    try:
        require_current_schema(database)
        result = risk_map(database, CLI_ACTOR, start=start, horizon_days=days, group=group, unit_code=unit)
    finally:
        database.dispose()
    document = geojson_document(result) if fmt is MapFormat.GEOJSON else map_document(result)
    sys.stdout.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
