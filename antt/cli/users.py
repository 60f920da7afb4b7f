"""``antt users`` — who may use ANTT: grant and revoke roles on units, list users, lock the accounts of
the old system, disable an account. The operator acts as ``cli:<os user>``; every change is audited.

``USER`` is a user id (digits), ``"ISSUER SUBJECT"`` (one argument, quoted), or a subject or old login
that only one user has.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from antt.cli.output import Format, emit
from antt.domain.access import Actor, Role
from antt.settings import load_settings

if TYPE_CHECKING:
    from antt.services.database import Database
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
    from antt.services.sessions import break_glass_actor

    settings = load_settings()
    database = open_database(settings)
    try:
        require_current_schema(database)
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
def lock_legacy_command(ctx: typer.Context) -> None:
    """Khoá mọi tài khoản của hệ thống cũ và kết thúc phiên / lock every legacy account, end its sessions."""
    from antt.services.users import lock_legacy

    with admin_session(ctx) as (database, actor):
        result = lock_legacy(database, actor, client_address=CLIENT)
    console = Console(highlight=False)
    for user in result.locked:
        console.print(f"locked / đã khoá: {_user_line(user)} login {user.legacy_login}", markup=False)
    console.print(
        f"{len(result.locked)} legacy account(s) locked / tài khoản cũ đã khoá, "
        f"{result.sessions_ended} session(s) ended / phiên đã kết thúc",
        markup=False,
    )


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
