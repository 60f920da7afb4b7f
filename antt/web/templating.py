"""The Jinja2 environment of the pages: templates in ``templates/``, messages and formats from ``i18n``.

A page handler calls :func:`render`; a request made by htmx (``HX-Request``) for a part of the page gets
only that part (the template's ``fragment`` block, when it has one), any other request the whole page.

A figure of a CompStat row is written with the ``figure`` filter — ``{{ r | figure("current") }}``,
``{{ r | figure("z", "signed", 2) }}`` — which shows "<5" for a hidden count and a marked dash for a value
hidden with it (``suppressed_fields``, :mod:`antt.services.disclosure`); the test ``suppressing`` asks
whether a field is hidden: ``{% if r is suppressing("pct_change") %}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from antt.domain.access import SUPPRESSED_LABEL, WITHHELD_LABEL
from antt.services.disclosure import COUNT_FIELDS
from antt.web import i18n, labels

FORMATS: dict[str, Callable[..., str]] = {
    "number": i18n.number,
    "signed": i18n.signed,
    "percent": i18n.percent,
}


def _query(params: dict[str, object], **changes: object) -> str:
    """A query string from ``params`` with ``changes`` applied (``None`` removes a parameter)."""
    merged = {**params, **changes}
    try:
        return _encoded(tuple((k, type(v), v) for k, v in merged.items()))  # 1 == True, "1" != "True"
    except TypeError:  # a value that is not hashable
        return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@lru_cache(maxsize=65536)
def _encoded(items: tuple[tuple[str, type, object], ...]) -> str:
    """A CompStat table writes a link per cell, the same ones for every view of the same filters."""
    return urlencode({k: v for k, _, v in items if v not in (None, "")})


def suppressing(row: Mapping[str, Any], name: str) -> bool:
    """Whether ``name`` is hidden from the user in ``row`` (a small sensitive count or what it gives)."""
    return name in row.get("suppressed_fields", ())


def hidden_label(row: Mapping[str, Any], name: str) -> str:
    """How a hidden ``row[name]`` is written: "x" when withheld whatever its value, "<5" for a small count,
    a dash for a value hidden with them (pages and CSV exports alike)."""
    if name in row.get("withheld_fields", ()):
        return WITHHELD_LABEL
    return SUPPRESSED_LABEL if name in COUNT_FIELDS else "—"


def figure(row: Mapping[str, Any], name: str, style: str = "number", *args: Any, **kwargs: Any) -> str:
    """``row[name]`` formatted by ``style`` (``number``, ``signed``, ``percent``), or, when hidden, "<5"
    for a small count, "x" for a count withheld whatever its value (``withheld_fields``) and a dash for a
    value hidden with them, each titled with why."""
    if suppressing(row, name):
        label = hidden_label(row, name)
        if name in row.get("withheld_fields", ()):
            title = i18n._(
                "Withheld: drug figures of a commune are given only for ended reporting periods "
                "none of whose months has 1 to 4"
            )
        else:
            title = i18n._("Hidden: a count from 1 to 4 of a sensitive category")
        return Markup('<span class="suppressed" title="{}">{}</span>').format(title, escape(label))
    return FORMATS[style](row[name], *args, **kwargs)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("antt.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext,  # Jinja's newstyle gettext fills the %(name)s placeholders itself
        i18n.ngettext_raw,
        newstyle=True,
    )
    env.filters.update(
        number=i18n.number,
        signed=i18n.signed,
        percent=i18n.percent,
        day=i18n.day,
        local_time=i18n.local_time,
        figure=figure,
    )
    env.tests["suppressing"] = suppressing
    env.globals.update(query=_query, current_language=i18n.current_language)
    env.globals.update(  # codes as words (issue 18)
        code_label=labels.code_label,
        mark_label=labels.mark_label,
        actor_label=labels.actor_label,
        member_label=labels.member_label,
    )
    env.filters["period_name"] = labels.period_name
    return env


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    env = environment()
    page = env.get_template(template)
    values = {"request": request, "app_state": request.app.state, **context}
    if wants_fragment(request) and "fragment" in page.blocks:
        return HTMLResponse(render_fragment(request, template, context), status_code=status_code)
    return HTMLResponse(page.render(values), status_code=status_code)


def render_fragment(request: Request, template: str, context: dict[str, Any]) -> str:
    """The ``fragment`` block of ``template`` alone (what htmx asks for), as text."""
    page = environment().get_template(template)
    values = {"request": request, "app_state": request.app.state, **context}
    return "".join(page.blocks["fragment"](page.new_context(values)))


def wants_fragment(request: Request) -> bool:
    """Whether htmx asks for a part of the page (not a history restore, which needs the whole page)."""
    partial = request.headers.get("HX-Request") == "true"
    return partial and request.headers.get("HX-History-Restore-Request") != "true"
