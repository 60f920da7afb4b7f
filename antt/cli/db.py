"""``antt db`` — schema migrations and reference data; backup, restore, verify and copy."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from antt.errors import AnttError
from antt.settings import load_settings

app = typer.Typer(help="Cơ sở dữ liệu / database", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    no_backup: bool = typer.Option(
        False, "--no-backup", help="không sao lưu trước / skip the backup taken first (SQLite)"
    ),
) -> None:
    """Nâng cấp lược đồ và nạp dữ liệu danh mục / migrate the schema and load the reference data."""
    from antt.cli.users import operator_name
    from antt.services.backup import backup_before_upgrade, refuse_newer_schema
    from antt.services.database import open_database, upgrade  # alembic is slow to import: only here

    settings = load_settings()
    database = open_database(settings)
    console = Console(highlight=False, soft_wrap=True)
    try:
        if no_backup:
            refuse_newer_schema(database)
        else:
            saved = backup_before_upgrade(database, f"cli:{operator_name()}")
            if saved is not None:
                console.print(f"backup / sao lưu trước: {saved.path} (sha256 {saved.sha256[:16]}…)")
        result = upgrade(database, f"cli:{operator_name()}")
    finally:
        database.dispose()
    console.print(f"schema: {result.revision_before or '-'} → {result.revision_after}")
    changed = {k: v for k, v in result.reference_changes.items() if v}
    console.print("reference data: " + (", ".join(f"{k} {v}" for k, v in changed.items()) or "up to date"))
    moved = result.reference_changes.get("incidents_reassigned", 0)
    if moved:
        console.print(
            f"Đã chuyển {moved} vụ việc của xã cũ bị chia (không có tọa độ) sang xã nhận toàn bộ dân số "
            f"(đã ghi nhật ký) / {moved} incidents of split former communes without coordinates moved to "
            "the successor that received the population (audited)"
        )


class DatabaseDamaged(AnttError):
    """``antt db verify`` found a problem."""

    exit_code = 9


def _operator() -> str:
    from antt.cli.users import operator_name

    return f"cli:{operator_name()}"


KEY_HELP = "tệp khoá AES-256-GCM (≥ 32 byte) / key file (at least 32 secret bytes)"


@app.command("backup")
def backup_command(
    out: Path = typer.Option(
        ..., "--out", help="tệp hoặc thư mục đích / backup file, or a folder for a dated name"
    ),
    key_file: Path | None = typer.Option(None, "--encrypt-key-file", help=KEY_HELP),
    keep: int | None = typer.Option(
        None, "--keep", help="giữ N bản mới nhất trong thư mục / keep the N newest"
    ),
    logical: bool = typer.Option(
        False, "--logical", help="xuất từng bảng thay vì tệp CSDL / export table by table (any engine)"
    ),
) -> None:
    """Sao lưu nhất quán khi máy chủ vẫn chạy / a consistent backup while the server runs."""
    from antt.services.backup import backup_database
    from antt.services.database import open_database

    database = open_database(load_settings())
    try:
        result = backup_database(
            database, out, operator=_operator(), key_file=key_file, keep=keep, logical=logical
        )
    finally:
        database.dispose()
    manifest = result.manifest
    console = Console(highlight=False, soft_wrap=True)
    console.print(
        f"backup / sao lưu: {result.path} ({result.bytes:,} bytes, {manifest['kind']})", markup=False
    )
    console.print(f"sha256: {result.sha256}")
    console.print(
        f"schema {manifest['schema_revision']}, {sum(manifest['tables'].values()):,} rows in "
        f"{len(manifest['tables'])} tables, audit head {manifest['audit_head']['id']}"
        + (", encrypted / đã mã hoá" if result.encrypted else ""),
        markup=False,
    )
    for path in result.removed:
        console.print(f"removed old backup / đã xoá bản cũ: {path.name}", markup=False)


@app.command("restore")
def restore_command(
    backup: Path = typer.Argument(..., help="tệp sao lưu / the backup file"),
    to: str | None = typer.Option(None, "--to", help="URL đích (mặc định: CSDL đã cấu hình) / target URL"),
    force: bool = typer.Option(False, "--force", help="thay CSDL không trống / replace a non-empty database"),
    key_file: Path | None = typer.Option(None, "--encrypt-key-file", "--key-file", help=KEY_HELP),
) -> None:
    """Khôi phục vào CSDL trống, rồi kiểm tra / restore into an empty database, then check it."""
    from antt.services.restore import restore_database

    result = restore_database(
        load_settings(), backup, operator=_operator(), target_url=to, key_file=key_file, force=force
    )
    console = Console(highlight=False, soft_wrap=True)
    manifest = result.manifest
    console.print(
        f"restored / đã khôi phục: {result.target} ← {backup.name} (schema {manifest['schema_revision']}, "
        f"created {manifest['created_at']})",
        markup=False,
    )
    console.print(
        f"checked / đã kiểm tra: {sum(manifest['tables'].values()):,} rows in {len(manifest['tables'])} tables "
        f"as in the manifest, audit chain intact to record {manifest['audit_head']['id']}, sha256 {result.sha256}",
        markup=False,
    )


@app.command("verify")
def verify_command() -> None:
    """Kiểm tra CSDL đang chạy / check the live database (integrity, counts vs last backup, audit chain)."""
    from antt.services.backup import verify_database
    from antt.services.database import open_database

    database = open_database(load_settings())
    try:
        report = verify_database(database, _operator())
    finally:
        database.dispose()
    console = Console(highlight=False, soft_wrap=True)
    if report.counts_backup is None:
        console.print("no backup yet / chưa có bản sao lưu nào")
    else:
        console.print(f"last backup / bản sao lưu gần nhất: {report.backup_at:%d/%m/%Y %H:%M} UTC")
        for table, now in sorted(report.counts_now.items()):
            then = report.counts_backup.get(table)
            if then is not None and then != now:
                console.print(f"  {table}: {then:,} → {now:,}", markup=False)
    if not report.ok:
        problems = list(report.engine_problems[:5])
        problems += [f"{t}: {a} → {b} rows" for t, (a, b) in report.shrunk.items()]
        if report.chain_problem:
            problems.append(f"audit chain {report.chain_problem} at {report.chain_bad_id}")
        joined = "; ".join(problems)
        raise DatabaseDamaged(f"Cơ sở dữ liệu có lỗi: {joined}", f"The database has problems: {joined}")
    console.print(
        f"database sound / CSDL nguyên vẹn: integrity ok, audit chain intact ({report.chain_records:,} records)"
    )


@app.command("copy")
def copy_command(
    to: str = typer.Option(..., "--to", help="URL đích / target URL (postgresql://… or sqlite:///…)"),
    force: bool = typer.Option(False, "--force", help="thay CSDL không trống / replace a non-empty database"),
) -> None:
    """Chuyển toàn bộ sang CSDL khác / move the whole installation (SQLite ⇄ PostgreSQL), all or nothing."""
    from antt.cli.output import progress_bar
    from antt.services.database import open_database
    from antt.services.restore import copy_database

    database = open_database(load_settings())
    console = Console(highlight=False, stderr=True, soft_wrap=True)
    try:
        with progress_bar(console) as bar:
            task = bar.add_task("copy / sao chép", total=None)
            result = copy_database(
                database,
                to,
                operator=_operator(),
                force=force,
                progress=lambda n: bar.advance(task, n),
                on_total=lambda n: bar.update(task, total=n),
            )
    finally:
        database.dispose()
    Console(highlight=False, soft_wrap=True).print(
        f"copied / đã sao chép: {result.rows:,} rows in {len(result.manifest['tables'])} tables → {result.target}, "
        "checked (counts, audit chain)",
        markup=False,
    )
