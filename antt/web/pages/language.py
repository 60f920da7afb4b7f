"""``POST /language`` — switch between Vietnamese and English; the choice persists in a cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from antt.web.access import public
from antt.web.i18n import DEFAULT_LANGUAGE, LANGUAGE_COOKIE, LANGUAGES

router = APIRouter(include_in_schema=False)


def local_path(target: str) -> str:
    """Only a path on this site (``/…``, not ``//host``): the switch must not become an open redirect.

    Browsers drop tabs and line breaks from a URL and read a backslash as ``/``, so ``/<tab>/host`` or ``/\\host``
    would lead off the site: any control character or backslash is refused as well."""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)
    ):
        return target
    return "/"


@router.post("/language", dependencies=[public()])
def switch_language(
    language: Annotated[str, Form(max_length=2)],
    next_: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> RedirectResponse:
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    response = RedirectResponse(local_path(next_), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response
