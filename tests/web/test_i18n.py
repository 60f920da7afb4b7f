"""Every message of the pages has its Vietnamese, and numbers and dates read as Vietnamese readers expect."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from antt.web import i18n

WEB = Path(i18n.__file__).parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}


def page_messages() -> set[str]:
    found = extract_from_dir(str(WEB), METHODS, options_map=OPTIONS, keywords={"_": None})
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def test_every_message_has_a_vietnamese_translation() -> None:
    with (WEB / "locale/vi/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    messages = page_messages()
    assert len(messages) > 150
    missing = sorted(messages - translated.keys())
    assert not missing, f"add Vietnamese for: {missing} (babel.cfg says how)"
    for message in messages:  # the placeholders survive translation
        assert sorted(_placeholders(message)) == sorted(_placeholders(translated[message])), message


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\([a-z_]+\)s|%%", text)


@pytest.mark.parametrize(
    "language, expected",
    [
        ("vi", ["1.234.567,5", "1.234.568", "+12", "\u22123", "12,5%", "\u22122,0%"]),
        ("en", ["1,234,567.5", "1,234,568", "+12", "\u22123", "12.5%", "\u22122.0%"]),
    ],
)
def test_numbers_follow_the_language(language, expected) -> None:
    i18n.set_language(language)
    try:
        shown = [
            i18n.number(1234567.5, 1),
            i18n.number(1234567.5),
            i18n.signed(12),
            i18n.signed(-3),
            i18n.percent(12.5),
            i18n.percent(-2, sign=True),
        ]
    finally:
        i18n.set_language("vi")
    assert shown == expected


def test_dates_are_day_month_year_with_leading_zeros_and_times_in_hai_phong() -> None:
    assert i18n.day(date(2026, 3, 5)) == "05/03/2026" and i18n.day("2026-03-05") == "05/03/2026"
    assert i18n.local_time(datetime(2026, 3, 5, 17, 30)) == "06/03/2026 00:30"  # stored UTC, shown UTC+7
    assert i18n.day(None) == "—" and i18n.number(None) == "—"


def test_vietnamese_is_the_default_and_unknown_languages_fall_back_to_it() -> None:
    i18n.set_language("fr")
    assert i18n.current_language() == "vi" and i18n._("Overview") == "Tổng quan"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_fast_number_formatting_agrees_with_babel(language) -> None:
    import random

    from babel.numbers import format_decimal

    rng = random.Random(20261129)
    values = [1234567.5, 0, -3, 12.345, 0.005, 2.5, 56.55, 2.675, 999.995, -0.4]
    values += [round(rng.uniform(-1e7, 1e7), rng.randint(0, 4)) for _ in range(2000)]
    values += [rng.randint(-(10**9), 10**9) for _ in range(200)]
    i18n.set_language(language)
    try:
        for value in values:
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                assert i18n.number(value, digits) == format_decimal(value, format=pattern, locale=language)
    finally:
        i18n.set_language("vi")
