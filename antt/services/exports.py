"""Exports of the tables on screen (CSV): who may take one, and the audit record each one leaves.

A table's rows come from the service behind its page, with the page's filters, scope and disclosure rules
— an export never holds more than the page would show. What this module adds is the export's own rule: the
actor must be allowed data exports (:data:`EXPORT_ACTION`) as well as the page's view (``view``), and every
export, or refusal, is written to the audit log (``export.csv``: the page, its filters and the number of
rows; no row content).
"""

from __future__ import annotations

from collections.abc import Mapping

from antt.domain.access import Action, Actor
from antt.errors import PermissionDenied
from antt.storage import audit
from antt.storage.engine import Database

#: the privilege of taking data out of ANTT (report files and data exports)
EXPORT_ACTION = Action.EXPORT_REPORT
AUDIT_ACTION = "export.csv"


def require_export(
    database: Database, actor: Actor, page: str, view: Action, *, client_address: str = ""
) -> None:
    """Refuse (``PermissionDenied``, audited) an actor not allowed both exports and the page's ``view``."""
    if actor.can(EXPORT_ACTION) and actor.can(view):
        return
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action=AUDIT_ACTION,
            outcome="denied",
            obj=f"page:{page}",
            client=client_address,
        )
    raise PermissionDenied(
        "Tài khoản của bạn không được tải dữ liệu của trang này.",
        "Your account may not download this page's data.",
    )


def record_export(
    database: Database,
    actor: Actor,
    page: str,
    filters: Mapping[str, object],
    rows: int,
    *,
    client_address: str = "",
) -> None:
    """Write the audit record of an export of ``rows`` rows of ``page`` under ``filters``."""
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action=AUDIT_ACTION,
            outcome="ok",
            obj=f"page:{page}",
            client=client_address,
            details={"filters": {k: v for k, v in filters.items() if v not in (None, "")}, "rows": rows},
        )
