"""The ``antt`` command. Every command parses, calls a service, prints; errors become one line + exit code."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from antt.cli import (
    audit,
    compstat,
    db,
    demo,
    drugs,
    forecast,
    groups,
    imports,
    offences,
    report,
    serve,
    targets,
    units,
    users,
    warn,
)
from antt.errors import AnttError, ImportRejected

app = typer.Typer(
    help="ANTT — an ninh, trật tự: chỉ tiêu, CompStat, báo cáo.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(units.app, name="units")
app.add_typer(offences.app, name="offences")
app.add_typer(targets.app, name="targets")
app.add_typer(imports.app, name="import")
app.command("serve")(serve.serve)
app.command("compstat")(compstat.compstat_command)
app.command("report")(report.report_command)
app.add_typer(demo.app, name="demo")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.add_typer(forecast.app, name="forecast")
app.add_typer(warn.app, name="warn")
app.add_typer(groups.app, name="networks")
app.add_typer(drugs.app, name="drugs")

err = Console(stderr=True, highlight=False, soft_wrap=True)


def main() -> None:
    try:
        app(standalone_mode=False)
    except AnttError as exc:
        if isinstance(exc, ImportRejected):  # a file: list every problem, row by row
            imports.print_issues(exc.issues, err, exc.counts_by_rule)
        err.print(f"antt: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("antt: đã huỷ / aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors come here in non-standalone mode
        if isinstance(exc, _usage_errors()):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if os.environ.get("ANTT_DEBUG"):
            raise
        err.print(
            f"antt: lỗi nội bộ / internal error: {type(exc).__name__}: {exc} (ANTT_DEBUG=1 for details)",
            markup=False,
        )
        sys.exit(70)  # EX_SOFTWARE


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors (unknown option, bad value …): Typer ≥ 0.29 raises those of the copy of Click it
    bundles, which are not ``click.ClickException``."""
    import click

    kinds: list[type[Exception]] = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as bundled
    except ImportError:  # an older Typer uses Click itself
        pass
    else:
        kinds.append(bundled)
    return tuple(kinds)
