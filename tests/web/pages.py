"""Reading figures back out of rendered pages (tests only): by ``data-testid`` and by table rows."""

from __future__ import annotations

import re
from html import unescape

MINUS = "\u2212"


def vi_number(text: str) -> float:
    """``1.234`` → 1234, ``−3`` → -3, ``+12`` → 12, ``56,5%`` → 56.5 (Vietnamese formats)."""
    cleaned = unescape(text).strip().replace(MINUS, "-").replace("%", "").replace(".", "").replace(",", ".")
    return float(cleaned.lstrip("+"))


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no data-testid={name!r} in the page"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def table_rows(html: str, table_id: str, key_attribute: str) -> dict[str, list[str]]:
    """Rows of ``<table id=table_id>`` keyed by each ``<tr>``'s ``key_attribute``, cells as text."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table #{table_id}"
    rows: dict[str, list[str]] = {}
    for key, body in re.findall(rf'<tr {key_attribute}="([^"]+)"[^>]*>(.*?)</tr>', table.group(0), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        rows[key] = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    return rows
