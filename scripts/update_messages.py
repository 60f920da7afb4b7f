"""Refresh the Vietnamese catalog of the web pages: extract every ``_()`` message from antt/web (Python and
templates), keep the translations already made, drop messages no longer used, and list those still
needing Vietnamese. Usage: ``.venv/bin/python scripts/update_messages.py``; then translate the listed
messages in antt/web/locale/vi/LC_MESSAGES/messages.po (tests/web/test_i18n.py fails until they are)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent / "antt" / "web"
CATALOG = WEB / "locale" / "vi" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}


def main() -> None:
    with CATALOG.open("rb") as fh:
        old = read_po(fh, locale="vi")
    known = {m.id: m.string for m in old if m.id}
    fresh = Catalog(
        locale="vi",
        header_comment="# Vietnamese messages of the ANTT web pages. Refresh with scripts/update_messages.py.",
        project="ANTT",
        version="0.1",
        msgid_bugs_address="ANTT issues",
        last_translator="ANTT contributors",
        language_team="ANTT",
        creation_date=old.creation_date,  # stable, so a refresh changes only what changed
        revision_date=old.creation_date,
        fuzzy=False,
    )
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, options_map=OPTIONS, keywords={"_": None}
    ):
        if isinstance(message, str):
            fresh.add(message, known.get(message, ""), flags=["python-format"] if "%(" in message else [])
    with CATALOG.open("wb") as fh:
        write_po(fh, fresh, width=0, no_location=True, sort_output=True)
    missing = [m.id for m in fresh if m.id and not m.string]
    print(f"{len(fresh) - 1} messages, {len(missing)} without Vietnamese")
    for message in missing:
        print(f"  {message!r}")


if __name__ == "__main__":
    main()
