"""How wide a line of text is in the document font, for rules Decree 30 sizes by the text above them.

The width is the sum of the glyphs' advances in Liberation Serif, which is metric-compatible with Times New
Roman (the same advance for every glyph), so the figure holds for either font; read with matplotlib's
FreeType binding, already loaded for the charts.
"""

from __future__ import annotations

from functools import lru_cache

CM_PER_POINT = 2.54 / 72


@lru_cache(maxsize=4)
def _font_file(bold: bool) -> str:
    from matplotlib import font_manager

    properties = font_manager.FontProperties(family="Liberation Serif", weight="bold" if bold else "normal")
    return str(font_manager.findfont(properties, fallback_to_default=True))


def text_width_cm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The advance width of ``text`` set in one line at ``size_pt``, in centimetres."""
    from matplotlib.ft2font import FT2Font, LoadFlags

    font = FT2Font(_font_file(bold))
    font.set_size(size_pt, 72)  # 72 dpi: one pixel is one point
    font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
    width_px = font.get_width_height()[0] / 64  # 26.6 fixed point
    return width_px * CM_PER_POINT
