"""Report charts draw Vietnamese with real glyphs, never boxes (Debian installs a Liberation Serif without
Vietnamese beside the one with it)."""

from __future__ import annotations

import warnings

from antt.reports.charts import VIETNAMESE_PROBE, render_png
from antt.reports.document import Chart
from antt.reports.fonts import font_stack


def test_charts_use_a_font_file_that_has_the_vietnamese_letters() -> None:
    chart = Chart(
        "Tội phạm về trật tự xã hội", ["Tội phạm về ma túy", "Buôn lậu"], [("Kỳ này", [3.0, 5.0])], "Số vụ"
    )
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error"
        )  # matplotlib warns "Glyph … missing from font(s)" for every box it draws
        png = render_png(chart)
    assert png.startswith(b"\x89PNG")
    from matplotlib import font_manager, ft2font

    chosen = font_manager.findfont(font_manager.FontProperties(family=font_stack()[0]))
    assert VIETNAMESE_PROBE in ft2font.FT2Font(chosen).get_charmap(), chosen
