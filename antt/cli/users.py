"""``antt users`` — who may use ANTT: grant and revoke roles on units, list users, import the accounts of
the old system and see who has taken theirs over through the e-ID, lock the old accounts (now or on a
date), disable an account. The operator acts as ``cli:<os user>``; every change is audited. A scheduled
lock of the old accounts whose day has come is applied before any of these commands runs.

``USER`` is a user id (digits), ``"ISSUER SUBJECT"`` (one argument, quoted), or a subject or old login
that only one user has.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from antt.cli.output import Format, emit
from antt.domain.access import Actor, Role
from antt.settings import load_settings

if TYPE_CHECKING:
    from antt.services.database import Database
    from antt.services.legacy_users import LegacyImportSummary, LegacyReport
    from antt.services.users import UserView

app = typer.Typer(help="Người dùng và quyền / users, roles and unit grants", no_args_is_help=True)
CLIENT = "cli"


def operator_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


@dataclass
class Options:
    break_glass: bool = False


@app.callback()
def users(
    ctx: typer.Context,
    break_glass: bool = typer.Option(
        False,
        "--break-glass",
        help="thao tác với tư cách quản trị viên khẩn cấp (cần ANTT_BREAK_GLASS_ADMIN=1; được ghi nhật ký)"
        " / act as the break-glass administrator (needs ANTT_BREAK_GLASS_ADMIN=1; audited)",
    ),
) -> None:
    """Người dùng và quyền / users, roles and unit grants."""
    ctx.obj = Options(break_glass=break_glass)


@contextmanager
def admin_session(ctx: typer.Context) -> Iterator[tuple[Database, Actor]]:
    """The database and the acting operator (or the break-glass administrator when asked for)."""
    from antt.services.database import open_database, require_current_schema
    from antt.services.legacy_links import apply_due_lock
    from antt.services.sessions import break_glass_actor

    settings = load_settings()
    database = open_database(settings)
    try:
        require_current_schema(database)
        locked = apply_due_lock(database, client=CLIENT)
        if locked is not None:
            Console(stderr=True, highlight=False).print(
                f"scheduled lock applied / đã khoá theo lịch: {locked} legacy account(s)", markup=False
            )
        options = ctx.obj if isinstance(ctx.obj, Options) else Options()
        if options.break_glass:
            actor = break_glass_actor(settings, database, f"cli:{operator_name()}", CLIENT)
        else:
            actor = Actor.system(f"cli:{operator_name()}")
        yield database, actor
    finally:
        database.dispose()


def _user_line(user: UserView) -> str:
    name = user.full_name or user.legacy_login or "-"
    return f"user {user.id} ({name}; {user.issuer} {user.subject}; {user.status})"


def _roles_help() -> str:
    return " | ".join(r.value for r in Role)


@app.command("grant")
def grant_command(
    ctx: typer.Context,
    user: str = typer.Argument(..., help="mã số, 'ISSUER SUBJECT' hoặc subject / id, issuer+subject"),
    role: str = typer.Argument(..., help=_roles_help()),
    unit: list[str] = typer.Option([], "--unit", help="mã xã/phường (hệ hiện hành); lặp lại được"),
    city: bool = typer.Option(False, "--city", help="toàn thành phố / city-wide"),
) -> None:
    """Cấp vai trò trên đơn vị / grant a role on communes or city-wide."""
    from antt.services.users import grant

    with admin_session(ctx) as (database, actor):
        change = grant(database, actor, user, role, unit, city, client_address=CLIENT)
    console = Console(highlight=False)
    console.print(f"{_user_line(change.user)}: role {change.role.value}", markup=False)
    for g in change.added:
        console.print(f"  granted / đã cấp: {g.scope}", markup=False)
    for scope in change.already_held:
        console.print(f"  already held / đã có: {scope}", markup=False)


@app.command("revoke")
def revoke_command(
    ctx: typer.Context,
    user: str = typer.Argument(..., help="mã số, 'ISSUER SUBJECT' hoặc subject"),
    role: str = typer.Argument(..., help=_roles_help()),
    unit: list[str] = typer.Option([], "--unit", help="chỉ trên đơn vị này (mặc định: mọi đơn vị)"),
    city: bool = typer.Option(False, "--city", help="chỉ quyền toàn thành phố"),
) -> None:
    """Thu hồi vai trò / revoke a role (on every unit unless --unit or --city)."""
    from antt.services.users import revoke

    with admin_session(ctx) as (database, actor):
        change = revoke(database, actor, user, role, unit, city, client_address=CLIENT)
    console = Console(highlight=False)
    console.print(f"{_user_line(change.user)}: role {change.role.value}", markup=False)
    for g in change.removed:
        console.print(f"  revoked / đã thu hồi: {g.scope}", markup=False)


@app.command("list")
def list_command(
    ctx: typer.Context,
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Liệt kê người dùng và quyền / list users and their grants."""
    from antt.services.users import list_users

    with admin_session(ctx) as (database, actor):
        users = list_users(database, actor)
    rows = [
        {
            "id": u.id,
            "issuer": u.issuer,
            "subject": u.subject,
            "full_name": u.full_name,
            "status": u.status,
            "legacy": u.legacy,
            "grants": "; ".join(f"{g.role}@{g.unit_code or 'city'}" for g in u.grants),
            "sessions": u.open_sessions,
            "last_sign_in_at": u.last_sign_in_at.isoformat() if u.last_sign_in_at else None,
        }
        for u in users
    ]
    document = [
        {
            **row,
            "legacy_login": u.legacy_login,
            "created_at": u.created_at.isoformat(),
            "grants": [
                {
                    "role": g.role,
                    "unit_scheme": g.unit_scheme,
                    "unit_code": g.unit_code,
                    "unit_name": g.unit_name,
                    "granted_by": g.granted_by,
                    "granted_at": g.granted_at.isoformat(),
                }
                for g in u.grants
            ],
        }
        for row, u in zip(rows, users, strict=True)
    ]
    emit(rows, fmt, title=f"Người dùng / users ({len(rows)})", document=document)


@app.command("lock-legacy")
def lock_legacy_command(
    ctx: typer.Context,
    at: str | None = typer.Option(
        None, "--at", help="khoá từ 00:00 ngày YYYY-MM-DD (giờ Việt Nam) / lock from that day"
    ),
    cancel: bool = typer.Option(False, "--cancel", help="huỷ lịch khoá / cancel the scheduled lock"),
) -> None:
    """Khoá mọi tài khoản của hệ thống cũ (ngay hoặc theo lịch) / lock every legacy account, now or on a
    date; a lock now also ends their sessions."""
    from antt.cli.units import parse_day
    from antt.errors import InvalidInput
    from antt.services.legacy_users import cancel_legacy_lock, schedule_legacy_lock
    from antt.services.users import lock_legacy

    console = Console(highlight=False)
    if at is not None and cancel:
        raise InvalidInput("Dùng --at hoặc --cancel, không cả hai.", "Give --at or --cancel, not both.")
    day = parse_day(at) if at is not None else None
    with admin_session(ctx) as (database, actor):
        if cancel:
            when = cancel_legacy_lock(database, actor, client_address=CLIENT)
            console.print(f"cancelled / đã huỷ lịch khoá: {_local(when)}", markup=False)
            return
        if day is not None:
            when = schedule_legacy_lock(database, actor, day, client_address=CLIENT)
            console.print(
                f"scheduled / đã lên lịch: every legacy account locks at {_local(when)} "
                f"(the first sign-in or `antt users` command from then) / mọi tài khoản cũ bị khoá từ "
                f"{_local(when)}",
                markup=False,
            )
            return
        result = lock_legacy(database, actor, client_address=CLIENT)
    for user in result.locked:
        console.print(f"locked / đã khoá: {_user_line(user)} login {user.legacy_login}", markup=False)
    console.print(
        f"{len(result.locked)} legacy account(s) locked / tài khoản cũ đã khoá, "
        f"{result.sessions_ended} session(s) ended / phiên đã kết thúc",
        markup=False,
    )


def _local(moment: datetime) -> str:
    """An aware UTC moment as Hải Phòng time, ``dd/mm/yyyy HH:MM``."""
    return (moment.astimezone(timezone.utc) + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")


@app.command("import-legacy")
def import_legacy_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="tệp .xlsx hoặc .csv"),
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ kiểm tra, không ghi / validate only"),
    as_json: bool = typer.Option(False, "--json", help="in kết quả dạng JSON"),
) -> None:
    """Nhập tài khoản của hệ thống cũ và quyền của họ / import the old system's accounts with their rights
    (docs/formats/legacy-users.md)."""
    from antt.services.legacy_users import import_legacy_users

    settings = load_settings(require_secrets=True)
    with admin_session(ctx) as (database, actor):
        summary = import_legacy_users(database, settings, actor, file, dry_run=dry_run, client_address=CLIENT)
    if as_json:
        json.dump(_import_document(summary), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    from antt.cli.imports import MAX_WARNINGS_SHOWN

    console = Console(highlight=False)
    head = (
        "KIỂM TRA (không ghi) / DRY RUN (nothing written)"
        if summary.dry_run
        else f"Đã nhập / imported (lô {summary.batch_id})"
    )
    console.print(f"{head}: {summary.file_name} — {summary.rows_total} dòng/rows", markup=False)
    console.print(
        f"  mới/new {summary.new} · cập nhật/updated {summary.updated} · "
        f"không đổi/unchanged {summary.unchanged} · toàn thành phố/city-wide {summary.city_wide} · "
        f"ngừng hoạt động/inactive {summary.inactive}",
        markup=False,
    )
    console.print(
        "  vai trò/roles: " + ", ".join(f"{k} {v}" for k, v in summary.by_role.items()), markup=False
    )
    for w in summary.warnings[:MAX_WARNINGS_SHOWN]:
        console.print(f"  cảnh báo/warning: {w.describe()}", markup=False)


def _import_document(s: LegacyImportSummary) -> dict[str, object]:
    return {
        "kind": "legacy_users",
        "file": s.file_name,
        "sha256": s.file_sha256,
        "dry_run": s.dry_run,
        "batch_id": s.batch_id,
        "rows": s.rows_total,
        "new": s.new,
        "updated": s.updated,
        "unchanged": s.unchanged,
        "by_role": s.by_role,
        "city_wide": s.city_wide,
        "inactive": s.inactive,
        "new_logins": list(s.new_logins),
        "updated_logins": list(s.updated_logins),
        "warnings_by_rule": s.warnings_by_rule,
        "warnings": [
            {
                "rule": w.rule,
                "severity": w.severity.value,
                "file": w.file,
                "row": w.row,
                "column": w.column,
                "value": w.value,
                "message_vi": w.message_vi,
                "message_en": w.message_en,
            }
            for w in s.warnings
        ],
    }


@app.command("legacy-report")
def legacy_report_command(
    ctx: typer.Context,
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """Ai đã chuyển sang VNeID, ai chưa, theo xã/phường / who has taken their old account over through
    the e-ID and who has not, by commune."""
    from antt.services.legacy_users import legacy_report

    with admin_session(ctx) as (database, actor):
        report = legacy_report(database, actor)
    accounts = _account_rows(report)
    if fmt is Format.CSV:
        emit(accounts, fmt)
        return
    communes = [
        {
            "commune": c.code or "city",
            "name": c.name,
            "accounts": c.accounts,
            "linked": c.linked,
            "not_linked": c.not_linked,
            "inactive": c.inactive,
        }
        for c in report.communes
    ]
    share = report.share
    share_document = {
        "eid_users": share.eid_users,
        "legacy_pending": share.legacy_pending,
        "legacy_linked": share.legacy_linked,
        "legacy_total": share.legacy_total,
        "share": None if share.share is None else round(share.share, 4),
    }
    if fmt is Format.JSON:
        document = {
            "communes": communes,
            "accounts": accounts,
            "eid_share": share_document,
            "lock_at": report.lock_at.isoformat() if report.lock_at else None,
        }
        emit([], fmt, document=document)
        return
    emit(communes, fmt, title="Chuyển sang VNeID theo xã/phường / moving to the e-ID, by commune")
    waiting = [row for row in accounts if not row["linked"] and row["active"]]
    if waiting:
        emit(
            [{k: row[k] for k in ("commune", "login", "full_name", "roles")} for row in waiting],
            fmt,
            title="Chưa chuyển — cần nhắc / not yet linked — to remind",
        )
    console = Console(highlight=False)
    shown = "—" if share.share is None else f"{share.share * 100:.1f}%".replace(".", ",")
    console.print(
        f"Tỷ lệ người dùng dùng VNeID / users on the e-ID: {shown} "
        f"({share.eid_users} / {share.eid_users + share.legacy_pending})",
        markup=False,
    )
    if report.lock_at:
        console.print(
            f"Lịch khoá tài khoản cũ / legacy lock scheduled: {_local(report.lock_at)}", markup=False
        )


def _account_rows(report: LegacyReport) -> list[dict[str, object]]:
    """One row per legacy account and commune (city-wide accounts under ``city``), by commune."""
    rows: list[dict[str, object]] = []
    for commune in report.communes:
        for a in report.accounts:
            if (commune.code is None and a.city_wide) or any(u[1] == commune.code for u in a.units):
                rows.append(
                    {
                        "commune": commune.code or "city",
                        "commune_name": commune.name,
                        "login": a.login,
                        "full_name": a.full_name,
                        "roles": ";".join(a.roles),
                        "active": a.active,
                        "status": a.status,
                        "linked": a.linked,
                        "linked_user": a.linked_user_id,
                        "linked_at": a.linked_at.isoformat() if a.linked_at else None,
                    }
                )
    return rows


@app.command("disable")
def disable_command(
    ctx: typer.Context,
    user: str = typer.Argument(..., help="mã số, 'ISSUER SUBJECT' hoặc subject"),
    reason: str = typer.Option("", "--reason", help="lý do (ghi vào nhật ký)"),
) -> None:
    """Vô hiệu hoá tài khoản, kết thúc phiên ngay / disable an account and end its sessions at once."""
    from antt.services.users import disable_user

    with admin_session(ctx) as (database, actor):
        result = disable_user(database, actor, user, reason=reason, client_address=CLIENT)
    Console(highlight=False).print(
        f"disabled / đã vô hiệu hoá: {_user_line(result.user)} (was {result.previous_status}); "
        f"{result.sessions_ended} session(s) ended / phiên đã kết thúc",
        markup=False,
    )
