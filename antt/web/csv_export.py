"""CSV export of a page's table, one way for every page: ``/<page>/export.csv`` with the page's own query
(the filters on screen), rows from the page's service, headers in the page's language.

:func:`csv_response` checks the export privilege and the page's view (:mod:`antt.services.exports`, a
refusal is audited), builds the rows, writes them as UTF-8 with a BOM (Excel then opens Vietnamese
intact), names the file after the page and its filters, and writes the audit record. Values are written
for a spreadsheet rather than for the eye: counts without thousands separators, decimals with a point,
dates ``dd/mm/yyyy`` and times ``dd/mm/yyyy HH:MM`` in Hải Phòng time; a hidden figure as on screen
("<5", "x").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from fastapi import Request
from fastapi.responses import Response

from antt.domain.access import Action
from antt.services.exports import record_export, require_export
from antt.web import i18n
from antt.web.access import client_address
from antt.web.pages.common import actor_of, database_of

Row = Sequence[object]


def cell(value: object) -> str:
    """One value as written in the file (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n._("yes") if value else i18n._("no")
    if isinstance(value, datetime):
        return i18n.local_time(value)
    if isinstance(value, date):
        return i18n.day(value)
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def file_name(page: str, filters: Mapping[str, object]) -> str:
    """``antt-<page>-<filter>-<value>….csv``: ASCII letters, digits, ``.``, ``_`` and ``-`` only."""
    parts = [page] + [f"{k}-{v}" for k, v in filters.items() if v not in (None, "")]
    return "antt-" + re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(parts)).strip("_") + ".csv"


def csv_text(header: Sequence[str], rows: Iterable[Row]) -> tuple[str, int]:
    """The file's text (BOM first) and its number of data rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        count += 1
    return "\ufeff" + out.getvalue(), count


def csv_response(
    request: Request,
    *,
    page: str,
    view: Action,
    filters: Mapping[str, object],
    header: Sequence[str],
    rows: Callable[[], Iterable[Row]],
) -> Response:
    """The CSV download of ``page``'s table: ``rows()`` is called only for an actor allowed the export and
    ``view``; the export is audited with ``filters``."""
    database, actor, address = database_of(request), actor_of(request), client_address(request)
    require_export(database, actor, page, view, client_address=address)
    text, count = csv_text(header, rows())
    record_export(database, actor, page, filters, count, client_address=address)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name(page, filters)}"'},
    )
