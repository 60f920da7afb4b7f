"""Static pictures for the documents: matplotlib (Agg, no display), fonts with Vietnamese glyphs, PNG bytes.

Bar charts are drawn horizontally: the group names are long Vietnamese phrases and the counts of a large
city run to five digits, which side by side under vertical bars overprint each other.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from antt.domain.documents import format_count
from antt.reports.document import Chart, Map
from antt.reports.fonts import font_stack

BAR_COLOURS = ("#1f5fa8", "#e08a2c", "#6c9a3c", "#8a5fa8")


def picture(block: Chart | Map) -> bytes:
    """The PNG of a chart or a map, as the docx and PDF renderers place it (16 cm wide)."""
    if isinstance(block, Map):
        from antt.reports.maps import render_map

        return render_map(block)
    return render_png(block)


def render_png(chart: Chart, *, width_mm: float = 160, dpi: int = 150) -> bytes:
    """A grouped horizontal bar chart of ``chart``, as tall as its categories need."""
    rows = len(chart.categories)
    height_mm = max(60.0, 8.0 * rows * max(len(chart.series), 1) ** 0.5 + 30)
    with figure(width_mm, height_mm, dpi) as fig:
        _bars(fig.subplots(), chart)
        return png(fig)


@contextmanager
def figure(width_mm: float, height_mm: float, dpi: int) -> Iterator[Any]:
    """A matplotlib figure (no pyplot, no display) with the document's serif font."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    _prefer_vietnamese_font_files()
    with matplotlib.rc_context({"font.family": "serif", "font.serif": font_stack()}):
        yield Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)


def png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def vietnamese_ticks(value: float, _position: int) -> str:
    """An axis tick of a count written as Vietnamese does: ``12.345``."""
    return format_count(round(value))


VIETNAMESE_PROBE = 0x1EC7  # ệ: in Latin Extended Additional, where fonts without Vietnamese fall short


@lru_cache(maxsize=1)
def _prefer_vietnamese_font_files() -> None:
    """Where two files carry the same family name (Debian installs Liberation 1.x, without Vietnamese,
    beside Liberation 2.x, with it), make matplotlib forget the one that cannot draw Vietnamese — it
    would otherwise pick either and draw boxes for ệ, ở, ữ …"""
    from matplotlib import font_manager, ft2font

    def covers(path: str) -> bool:
        try:
            return VIETNAMESE_PROBE in ft2font.FT2Font(path).get_charmap()
        except (OSError, RuntimeError):
            return False

    manager = font_manager.fontManager
    families = set(font_stack())
    entries = [f for f in manager.ttflist if f.name in families]
    able = {f.name for f in entries if covers(f.fname)}
    manager.ttflist = [f for f in manager.ttflist if f.name not in able or covers(f.fname)]
    manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]  # lookups made before the change


def _bars(ax: Any, chart: Chart) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    n = max(len(chart.series), 1)
    height = 0.8 / n
    rows = len(chart.categories)
    largest = max((v for _, values in chart.series for v in values), default=0.0)
    for i, (label, values) in enumerate(chart.series):
        # the first category on top, the first series on top within it
        positions = [rows - 1 - r - (i - (n - 1) / 2) * height for r in range(rows)]
        bars = ax.barh(positions, values, height, label=label, color=BAR_COLOURS[i % len(BAR_COLOURS)])
        ax.bar_label(bars, labels=[format_count(round(v)) for v in values], fontsize=7.5, padding=2)
    ax.set_yticks([rows - 1 - r for r in range(rows)])
    ax.set_yticklabels([textwrap.fill(c, 30) for c in chart.categories], fontsize=8)
    ax.set_xlim(0, largest * 1.15 if largest > 0 else 1)  # room for the value beside the longest bar
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no tick at 0,5 written "0"
    ax.xaxis.set_major_formatter(FuncFormatter(vietnamese_ticks))
    ax.set_title(chart.title, fontsize=10)
    ax.set_xlabel(chart.y_label, fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()
