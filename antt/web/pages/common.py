"""What every page shows around its content: the demo banner, how fresh the data is, the language."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import Request

from antt.domain.access import Action, Actor
from antt.domain.targets import TargetStatus
from antt.services.database import Database
from antt.services.indicators import indicator_kind
from antt.services.status import data_freshness
from antt.web.i18n import _, current_language, number

TARGET_GROUPS = ("crime_reduction_and_clearance", "drugs", "eid_project06", "socio_economic")


def group_title(code: str) -> str:
    return {
        "crime_reduction_and_clearance": _("Crime reduction and clearance"),
        "drugs": _("Drug control"),
        "eid_project06": _("E-ID and Project 06"),
        "socio_economic": _("Socio-economic indicators"),
    }.get(code, code)


def status_word(status: str) -> str:
    return {
        TargetStatus.MET: _("Met"),
        TargetStatus.ON_TRACK: _("On track"),
        TargetStatus.AT_RISK: _("At risk"),
        TargetStatus.OFF_TRACK: _("Off track"),
        TargetStatus.NO_DATA: _("No data yet"),
    }.get(TargetStatus(status), status)


def target_value(indicator: str, value: float | None) -> str:
    if value is None:
        return "—"
    kind = indicator_kind(indicator)
    if kind == "count":
        return number(value)
    if kind == "rank":
        return _("rank %(rank)s", rank=number(value))
    if kind == "percent":
        return number(value, 1) + "%"
    return number(value, 2)


def localized_name(item: dict[str, Any]) -> str:
    return str(item["name_en"] if current_language() == "en" and item.get("name_en") else item["name_vi"])


@lru_cache(maxsize=8)
def vendor_file(library: str) -> str:
    """The vendored file of ``library`` (``htmx``, ``echarts``), whatever version ``VENDOR.md`` records."""
    folder = files("antt.web") / "static" / "vendor"
    names = sorted(
        p.name for p in folder.iterdir() if p.name.startswith(library + "-") and p.name.endswith(".js")
    )
    if not names:
        raise RuntimeError(f"vendored {library} is missing from antt/web/static/vendor/")
    return "vendor/" + names[-1]


def actor_of(request: Request) -> Actor:
    actor: Actor = request.state.actor
    return actor


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def scope_title(actor: Actor) -> str:
    """What the actor's figures are about, for titles (issue 18): the city for a city-wide actor; the name of
    the commune(s) of a commune officer's grant (up to three, then how many), never "Hải Phòng city"."""
    if actor.units is None:
        return _("Hải Phòng city")
    from antt.domain.reference import unit_catalog
    from antt.domain.text import sort_key

    catalog = unit_catalog()
    names = sorted(
        (unit.name for key in actor.units if (unit := catalog.find(*key)) is not None), key=sort_key
    )
    if not names:
        return _("no commune")
    if len(names) > 3:
        return _("%(n)s communes", n=number(len(names)))
    return ", ".join(names)


def page_context(request: Request, active: str) -> dict[str, Any]:
    """What the layout needs: the demo flag, the signed-in user and what they may open, the CSRF token
    for forms, and (for signed-in users only) how fresh the data is."""
    session = getattr(request.state, "session", None)
    actor = actor_of(request)
    return {
        "active": active,
        "demo": request.app.state.settings.demo,
        "freshness": data_freshness(database_of(request)) if session else None,
        "vendor": vendor_file,
        "actor": actor,
        "scope_title": scope_title(actor),
        "city_wide": actor.units is None,
        # the commune a map opens on when the actor's scope is one commune (its neighbours in outline)
        "scope_focus": next(iter(actor.units))[1]
        if actor.units is not None and len(actor.units) == 1
        else None,
        "session": session,
        "csrf_token": session.csrf_token if session else "",
        "may": {action.value: actor.can(action) for action in Action},
    }


def attachment_disposition(file_name: str) -> str:
    """``Content-Disposition`` of a download named ``file_name``: an ASCII name for old browsers
    (diacritics dropped, quotes and controls removed) and the exact UTF-8 name (RFC 6266 ``filename*``)."""
    folded = unicodedata.normalize("NFKD", file_name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if c.isascii() and c.isprintable() and c not in '"\\') or "file"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def upload_name(name: str | None, default: str = "upload") -> str:
    """A browser's name for an uploaded file, as shown back: without its folders (some browsers send the
    full path), at most 200 characters."""
    return (name or default).replace("\\", "/").rsplit("/", 1)[-1][:200] or default
