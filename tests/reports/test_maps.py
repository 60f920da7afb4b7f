"""The report's commune map: class bounds checked by hand and against NumPy, the colours actually drawn,
and the offshore commune moved into an inset."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from PIL import Image

from antt.reports.document import Area, Map
from antt.reports.maps import (
    NO_VALUE,
    ZERO,
    _colours,
    _outlying,
    class_bounds,
    class_labels,
    class_of,
    render_map,
)


def test_zero_is_a_class_of_its_own_and_the_rest_split_at_quantiles() -> None:
    values = [0, 0, 0, 1, 2, 3, 4, 5, 10]
    # positives 1 2 3 4 5 10, 4 classes: positions 1.25, 2.5, 3.75, 5 → 2.25, 3.5, 4.75, 10 → rounded up
    assert class_bounds(values) == [0, 3, 4, 5, 10]
    assert class_labels([0, 3, 4, 5, 10], 0, 0) == ["0", "1–3", "4", "5", "6–10"]
    assert [class_of(v, [0, 3, 4, 5, 10]) for v in values] == [0, 0, 0, 1, 1, 1, 2, 3, 4]


def test_the_quantile_bounds_agree_with_numpy() -> None:
    rng = np.random.default_rng(5)
    values = list(rng.gamma(2.0, 3.0, size=113).round(2) + 0.01)
    expected = [np.ceil(q * 10) / 10 for q in np.quantile(values, [0.2, 0.4, 0.6, 0.8, 1.0])]
    assert class_bounds(values, decimals=1) == pytest.approx(expected)
    assert all(
        v <= class_bounds(values, decimals=1)[class_of(v, class_bounds(values, decimals=1))] for v in values
    )


def test_rate_classes_say_above_the_previous_bound_and_rounding_keeps_the_maximum() -> None:
    assert class_labels([0.0, 0.3, 1.7], 0.0, 1) == ["0,0", ">0,0–0,3", ">0,3–1,7"]
    assert class_bounds([0.04, 0.04, 0.06], classes=2, decimals=1) == [0.1]  # both round up to 0,1
    assert class_bounds([5, 5, 5]) == [5] and class_bounds([]) == []


def square(x: float, y: float, side: float = 0.1) -> dict[str, object]:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_map_draws_each_class_colour_the_no_value_grey_and_an_inset() -> None:
    areas = [
        Area("1", "Zero", square(106.0, 20.8), 0.0),
        Area("2", "Một", square(106.1, 20.8), 3.0),
        Area("3", "Hai", square(106.2, 20.8), 9.0),
        Area("4", "Không số", square(106.0, 20.9), None),
        Area("5", "Bạch Long Vĩ", square(107.7, 20.1, 0.03), 9.0),
    ]
    from shapely.geometry import shape

    assert _outlying({a.code: shape(a.geometry) for a in areas}) == {"5"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would warn
        png = render_map(Map("Bản đồ thử", areas, "Số vụ"), dpi=80)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16)}

    def hex_rgb(text: str) -> tuple[int, int, int]:
        return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]

    assert hex_rgb(ZERO) in colours and hex_rgb(NO_VALUE) in colours
    from matplotlib import colormaps

    bounds = class_bounds([0.0, 3.0, 9.0, 9.0])
    top = _colours(bounds, colormaps["YlOrRd"])[-1]
    assert tuple(round(255 * c) for c in top[:3]) in colours  # the top class's dark red, as drawn


def test_on_the_real_boundaries_only_bach_long_vi_is_outlying() -> None:
    from shapely.geometry import shape

    from antt.services.geo import commune_geometries

    geometries = commune_geometries("2025-07")
    assert len(geometries) == 114
    assert _outlying({code: shape(g) for code, g in geometries.items()}) == {"11948"}
