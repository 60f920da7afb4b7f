"""Language and number/date formats for the pages: Vietnamese by default, English by a switch.

Messages are wrapped with ``_()`` in templates and page code; their ids are English and
``locale/vi/LC_MESSAGES/messages.po`` holds the Vietnamese (a test checks that every message has one). The
catalog is compiled in memory when first used, so there is no build step and nothing to keep in sync.
Formats follow DESIGN.md: dates ``dd/MM/yyyy`` in both languages (CLDR's Vietnamese short date is
``d/M/yy``), numbers ``1.234.567,5`` in Vietnamese and ``1,234,567.5`` in English.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from gettext import NullTranslations
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.support import Translations

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANGUAGE_COOKIE = "antt_lang"
LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving

_language: ContextVar[str] = ContextVar("antt_language", default=DEFAULT_LANGUAGE)


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    source = files("antt.web") / "locale" / language / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext(message: str) -> str:
    """The message in the current language, placeholders untouched (for Jinja, which fills them)."""
    return translations(current_language()).gettext(message)


def ngettext_raw(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def _(message: str, **values: object) -> str:
    """The message in the current language, with ``%(name)s`` placeholders filled from ``values``.

    Formatting is applied even without values, as Jinja's ``_()`` does, so a literal percent sign is
    written ``%%`` in Python and in templates alike and both share one catalog entry."""
    return gettext(message) % values


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    return ngettext_raw(singular, plural, n) % {"num": n, **values}


@cache
def _symbols(language: str) -> tuple[str, str]:
    """CLDR's grouping and decimal signs of ``language`` (vi: ``.`` and ``,``)."""
    return get_group_symbol(language), get_decimal_symbol(language)


def number(value: float | int | None, digits: int = 0) -> str:
    """``1.234.567`` / ``1.234.567,5`` (vi) — digits after the decimal sign exactly as asked.

    A CompStat page formats some 800 numbers, so this formats with Python (half-even rounding, as
    Babel's ``format_decimal``) and only swaps in the language's CLDR signs, instead of parsing a CLDR
    pattern per number (which took half the page's time)."""
    if value is None:
        return "—"
    group, decimal = _symbols(current_language())
    exact = Decimal(repr(value)) if isinstance(value, float) else value  # the number as written, as Babel
    text = f"{exact:,.{digits}f}"
    return text.translate({ord(","): group, ord("."): decimal})


def signed(value: float | int | None, digits: int = 0) -> str:
    """A change with its sign: ``+12``, ``−3`` (a real minus sign), ``0``."""
    if value is None:
        return "—"
    text = number(abs(value), digits)
    if round(value, digits) > 0:
        return "+" + text
    if round(value, digits) < 0:
        return "\u2212" + text
    return text


def percent(value: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """``12,5%`` — ``value`` is already in percent (12.5 means 12.5 %)."""
    if value is None:
        return "—"
    return (signed(value, digits) if sign else number(value, digits)) + "%"


def day(value: date | datetime | str | None) -> str:
    """``dd/MM/yyyy``; an ISO string is accepted (the JSON documents carry dates as strings)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def local_time(value: datetime | None) -> str:
    """A stored UTC timestamp (naive) shown in Hải Phòng time: ``dd/MM/yyyy HH:mm``."""
    if value is None:
        return "—"
    return (value + LOCAL_OFFSET).strftime("%d/%m/%Y %H:%M")
