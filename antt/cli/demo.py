"""``antt demo`` — the synthetic Hải Phòng: build it, load it through the importer, serve it."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from antt.cli.output import progress_bar
from antt.cli.units import parse_day
from antt.settings import load_settings

app = typer.Typer(help="Thành phố mô phỏng / the synthetic demo city", invoke_without_command=True)
DEMO_DATABASE = Path("antt-demo.db")
DEMO_DATA = Path("antt-demo-data")
DEMO_IDP_PORT = (
    8001  # antt.demo.identity_provider.DEFAULT_PORT; the personas' issuer is http://127.0.0.1:8001
)


@app.callback()
def demo(
    ctx: typer.Context,
    no_serve: bool = typer.Option(False, "--no-serve", help="tạo CSDL demo rồi thoát / build and exit"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    database: Path = typer.Option(DEMO_DATABASE, help="tệp SQLite của demo"),
    data: Path = typer.Option(DEMO_DATA, help="thư mục tệp dữ liệu mô phỏng"),
    scale: float = typer.Option(1.0, min=0.01, help="hệ số quy mô (10 = thành phố gấp 10)"),
    idp_port: int = typer.Option(
        DEMO_IDP_PORT, min=1, max=65535, help="cổng nhà cung cấp định danh thử nghiệm / demo e-ID provider"
    ),
) -> None:
    """Tạo CSDL demo mới với dữ liệu mô phỏng và chạy / build a fresh demo database and serve it."""
    if ctx.invoked_subcommand is not None:
        return
    from antt.cli.serve import default_workers, run_server
    from antt.demo.identity_provider import run_demo_provider

    started = time.perf_counter()
    console = Console(highlight=False)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["ANTT_DEMO"] = "1"
    os.environ["ANTT_DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    # sign-in through the demo's own e-ID provider, whatever ANTT_OIDC_* said; the web workers read these
    for name in [n for n in os.environ if n.startswith("ANTT_OIDC_CLIENT_SECRET")]:
        del os.environ[name]
    os.environ["ANTT_OIDC_ISSUER"] = f"http://127.0.0.1:{idp_port}"  # the personas' users are keyed by it
    # __Host- cookies are Secure: over plain http a browser keeps them for loopback only
    app_url = f"http://{host if host == 'localhost' else '127.0.0.1'}:{port}"
    with ExitStack() as stack:
        if not no_serve:  # started first: a port already taken stops the demo before the long build
            provider = stack.enter_context(run_demo_provider(load_settings(), app_url=app_url, port=idp_port))
            os.environ.update(provider.environment())
        _build(console, database, data, scale, started)
        if not no_serve:
            console.print(
                f"  Đăng nhập / sign in: mở / open [bold]{app_url}/[/bold], bấm / press "
                '"Đăng nhập bằng VNeID", rồi chọn một người dùng mô phỏng ở nhà cung cấp định danh thử nghiệm / '
                f"then pick a persona at the demo e-ID provider ({os.environ['ANTT_OIDC_ISSUER']}); "
                "Tôn Thị Khách (demo-khach) is no user of ANTT: her sign-in is refused."
            )
            run_server(host, port, default_workers())


def _build(console: Console, database: Path, data: Path, scale: float, started: float) -> None:
    from antt.demo.build import generate, load
    from antt.services.database import open_database, upgrade

    settings = load_settings()
    console.print(f"[bold]ANTT demo[/bold] — Dữ liệu mô phỏng (synthetic data), scale {scale:g}")
    files = generate(data, scale=scale)
    db = open_database(settings)
    try:
        upgrade(db)
        with progress_bar(console) as bar:
            tasks: dict[str, object] = {}

            def progress(name: str, done: int, total: int | None) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done, total=total)  # type: ignore[arg-type]

            summaries = load(db, settings, files, progress)
    finally:
        db.dispose()
    from antt.services.imports import ImportSummary

    incident_files = [s for s in summaries if isinstance(s, ImportSummary)]
    total = sum(s.rows_total for s in incident_files)
    values = sum(s.rows_total for s in summaries if not isinstance(s, ImportSummary))
    console.print(
        f"  {total:,} vụ việc / incidents from {len(incident_files)} files, {values:,} giá trị chỉ số / indicator"
        f" values, in {data}/ "
        f"({time.perf_counter() - started:.1f} s); database {database}"
    )
    _print_personas(console, data)


@app.command("generate")
def generate_command(
    out: Path = typer.Option(..., "--out", help="thư mục ghi tệp"),
    seed: int | None = typer.Option(None, help="hạt giống ngẫu nhiên (cùng hạt giống → cùng tệp)"),
    from_: str | None = typer.Option(None, "--from", help="từ ngày YYYY-MM-DD (mặc định 2021-01-01)"),
    to: str | None = typer.Option(None, "--to", help="đến ngày YYYY-MM-DD (mặc định hôm qua)"),
    scale: float = typer.Option(1.0, min=0.01, help="hệ số quy mô"),
) -> None:
    """Ghi tệp dữ liệu mô phỏng, không nhập / write the synthetic files without importing them."""
    from antt.demo.build import DEFAULT_SEED, DEFAULT_START, generate

    start: date = parse_day(from_) if from_ else DEFAULT_START
    files = generate(
        out,
        seed=DEFAULT_SEED if seed is None else seed,
        start=start,
        end=parse_day(to) if to else None,
        scale=scale,
    )
    console = Console(highlight=False)
    for path in [*files.incident_files, *files.other_files, files.ground_truth, files.manifest]:
        console.print(f"  {path}")
    console.print("Dữ liệu mô phỏng: import with  antt import incidents FILE --source demo")


def _print_personas(console: Console, data: Path) -> None:
    import yaml

    path = data / "personas.yaml"
    if not path.exists():
        return
    personas = yaml.safe_load(path.read_text(encoding="utf-8")).get("personas", [])
    console.print("  Demo sign-in identities (Dữ liệu mô phỏng):")
    for p in personas:
        units = ", ".join(p.get("units", []))
        console.print(f"    {p['username']:<12} {p['role']:<16} {p['full_name']} — {units}")
