"""The document font: Times New Roman (Decree 30) where installed, else metric-compatible Liberation Serif."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PREFERRED = "Times New Roman"
FALLBACK = "Liberation Serif"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_TIMES_FILES = {"times.ttf", "timesnewroman.ttf", "times new roman.ttf", "timesnewromanpsmt.ttf"}


@lru_cache(maxsize=1)
def body_font() -> str:
    """``Times New Roman`` if a TrueType file of it is installed, else ``Liberation Serif``."""
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(p.name.lower() in _TIMES_FILES for p in root.rglob("*.ttf")):
            return PREFERRED
    return FALLBACK


def font_stack() -> list[str]:
    """The CSS / matplotlib fallback list, the chosen font first."""
    return list(dict.fromkeys([body_font(), PREFERRED, FALLBACK, "DejaVu Serif"]))
