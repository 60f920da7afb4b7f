"""Static charts for the documents: matplotlib (Agg, no display), fonts with Vietnamese glyphs, PNG bytes."""

from __future__ import annotations

import io
import textwrap
from functools import lru_cache

from antt.reports.document import Chart
from antt.reports.fonts import font_stack


def render_png(chart: Chart, *, width_mm: float = 160, height_mm: float = 90, dpi: int = 150) -> bytes:
    """A grouped bar chart of ``chart`` as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    _prefer_vietnamese_font_files()
    with matplotlib.rc_context({"font.family": "serif", "font.serif": font_stack()}):
        return _draw(Figure, chart, width_mm, height_mm, dpi)


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


def _draw(figure_class: type, chart: Chart, width_mm: float, height_mm: float, dpi: int) -> bytes:
    figure = figure_class(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    ax = figure.subplots()
    n = max(len(chart.series), 1)
    width = 0.8 / n
    positions = range(len(chart.categories))
    for i, (label, values) in enumerate(chart.series):
        bars = ax.bar([p + (i - (n - 1) / 2) * width for p in positions], values, width, label=label)
        ax.bar_label(bars, labels=[f"{v:,.0f}".replace(",", ".") for v in values], fontsize=6, padding=1)
    ax.set_xticks(list(positions))
    ax.set_xticklabels([textwrap.fill(c, 16) for c in chart.categories], fontsize=6)
    ax.set_title(chart.title, fontsize=9)
    ax.set_ylabel(chart.y_label, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
