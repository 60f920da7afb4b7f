"""The commune map of the report: a choropleth drawn with matplotlib from the boundaries ANTT ships.

Values fall into up to five classes bounded by quantiles (so each colour holds about as many communes),
coloured light to dark; communes without a value are grey and hatched. A commune far from the others
(Bạch Long Vĩ lies 110 km offshore) is drawn in an inset rather than shrinking the mainland to a corner.
Longitude is scaled by cos(latitude) so shapes are not stretched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from antt.domain.documents import format_count, format_decimal
from antt.reports.charts import figure, png
from antt.reports.document import Area, Map

CLASSES = 5
OUTLYING_DEGREES = 0.25  # an area farther than this (≈ 25 km) from every other goes in an inset
NO_VALUE = "#d9d9d9"
ZERO = "#fdf8ec"
EDGE = "#6b6b6b"
NO_VALUE_LABEL = "Không có số liệu"


def class_bounds(values: Sequence[float], classes: int = CLASSES, decimals: int = 0) -> list[float]:
    """Upper bounds of the classes, the last at or just above the largest value. Zero, where some values
    are zero and others not, is a class of its own (a month's counts per commune are often 0); the other
    classes are bounded by the quantiles at 1/k … k/k of the remaining values (linear interpolation, as
    NumPy's default), rounded *up* to ``decimals`` so every value is at most its class's printed bound,
    without repeats. Empty for no values."""
    if not values:
        return []
    ordered = sorted(values)
    bounds: list[float] = []
    if ordered[0] == 0 < ordered[-1]:
        bounds.append(0.0)
        ordered = [v for v in ordered if v > 0]
        classes -= 1
    for k in range(1, classes + 1):
        position = k / classes * (len(ordered) - 1)
        low = math.floor(position)
        high = min(low + 1, len(ordered) - 1)
        quantile = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
        bound = _round_up(quantile, decimals)
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _round_up(value: float, decimals: int) -> float:
    scale = 10**decimals
    return float(math.ceil(round(value * scale, 6)) / scale)  # round(…, 6): 0.3 * 10 is 3.0000000000000004


def class_of(value: float, bounds: Sequence[float]) -> int:
    """The index of the first class whose upper bound is ≥ ``value``."""
    for i, bound in enumerate(bounds):
        if value <= bound:
            return i
    return len(bounds) - 1


def class_labels(bounds: Sequence[float], lowest: float, decimals: int) -> list[str]:
    """``0``, ``1–3``, ``4–9`` … for counts; ``0``, ``>0,0–0,3``, ``>0,3–0,5`` … for rates (classes
    hold the values above the previous bound up to their own)."""

    def text(x: float) -> str:
        return format_count(round(x)) if decimals == 0 else format_decimal(x, decimals)

    labels = []
    for i, bound in enumerate(bounds):
        low = lowest if i == 0 else bounds[i - 1]
        if i == 0:
            labels.append(text(bound) if bound == lowest else f"{text(lowest)}–{text(bound)}")
        elif decimals == 0:
            low += 1
            labels.append(text(bound) if low == bound else f"{text(low)}–{text(bound)}")
        else:
            labels.append(f">{text(low)}–{text(bound)}")
    return labels


def render_map(chart: Map, *, width_mm: float = 160, dpi: int = 150) -> bytes:
    """``chart`` as PNG bytes: the choropleth, its legend, the names of the highest communes."""
    import shapely
    from matplotlib import colormaps
    from matplotlib.patches import Patch
    from shapely.geometry import shape

    shapes = {a.code: shapely.make_valid(shape(a.geometry)) for a in chart.areas}
    outlying = _outlying(shapes)
    if len(outlying) == len(shapes):  # scattered communes (an officer's few): all on one map, no insets
        outlying = set()
    main = [a for a in chart.areas if a.code not in outlying]
    minx, miny, maxx, maxy = shapely.union_all([shapes[a.code] for a in main]).bounds
    aspect = 1 / math.cos(math.radians((miny + maxy) / 2))
    height_mm = min(width_mm * (maxy - miny) * aspect / (maxx - minx) + 12, 220)

    values = [a.value for a in chart.areas if a.value is not None]
    bounds = class_bounds(values, decimals=chart.decimals)
    colours = _colours(bounds, colormaps["YlOrRd"])

    def colour(area: Area) -> Any:
        return NO_VALUE if area.value is None else colours[class_of(area.value, bounds)]

    with figure(width_mm, height_mm, dpi) as fig:
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.9))
        for area in main:
            _fill(ax, shapes[area.code], colour(area), hatched=area.value is None)
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect(aspect)
        ax.set_anchor("N")
        ax.set_axis_off()
        _label_highest(ax, [a for a in main if a.value is not None], shapes, chart.labelled)
        for i, code in enumerate(sorted(outlying)):
            area = next(a for a in chart.areas if a.code == code)
            inset = ax.inset_axes((0.84 - 0.17 * i, 0.02, 0.15, 0.15))
            _fill(inset, shapes[code], colour(area), hatched=area.value is None)
            x0, y0, x1, y1 = shapes[code].bounds
            pad = max(x1 - x0, y1 - y0) * 0.6
            inset.set_xlim(x0 - pad, x1 + pad)
            inset.set_ylim(y0 - pad, y1 + pad)
            inset.set_aspect(aspect)
            inset.set_xticks([])
            inset.set_yticks([])
            inset.set_xlabel(area.name, fontsize=7, labelpad=1)
        handles = [
            Patch(facecolor=c, edgecolor=EDGE, linewidth=0.4, label=label)
            for c, label in zip(
                colours, class_labels(bounds, min(values, default=0), chart.decimals), strict=True
            )
        ]
        if any(a.value is None for a in chart.areas):
            handles.append(Patch(facecolor=NO_VALUE, edgecolor=EDGE, hatch="////", label=NO_VALUE_LABEL))
        ax.legend(
            handles=handles,
            title=chart.legend,
            loc="upper left",
            fontsize=7.5,
            title_fontsize=8,
            frameon=False,
        )
        fig.suptitle(chart.title, fontsize=10, y=0.985)
        return png(fig)


def _colours(bounds: Sequence[float], ramp: Any) -> list[Any]:
    """Light to dark along ``ramp``; a class of zeros nearly white, apart from the lowest non-zero one."""
    if not bounds:
        return []
    if bounds[0] == 0 and len(bounds) > 1:
        return [ZERO, *(ramp(0.25 + 0.7 * i / max(len(bounds) - 2, 1)) for i in range(len(bounds) - 1))]
    return [ramp(0.15 + 0.8 * i / max(len(bounds) - 1, 1)) for i in range(len(bounds))]


def _outlying(shapes: dict[str, Any]) -> set[str]:
    """Codes of the areas farther than :data:`OUTLYING_DEGREES` from every other area."""
    import shapely

    if len(shapes) < 3:
        return set()
    codes = list(shapes)
    geometries = [shapes[c] for c in codes]
    tree = shapely.STRtree(geometries)
    (left, _right), distances = tree.query_nearest(geometries, return_distance=True, exclusive=True)
    nearest: dict[int, float] = {}
    for i, d in zip(left.tolist(), distances.tolist(), strict=True):
        nearest[i] = min(d, nearest.get(i, math.inf))
    return {codes[i] for i, d in nearest.items() if d > OUTLYING_DEGREES}


def _fill(ax: Any, geometry: Any, facecolor: Any, *, hatched: bool) -> None:
    """Each polygon of ``geometry`` as one patch, its holes cut out (rings oriented for the non-zero rule)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        oriented = orient(polygon, sign=1.0)
        rings = [oriented.exterior, *oriented.interiors]
        path = Path.make_compound_path(*(Path(list(ring.coords), closed=True) for ring in rings))
        ax.add_patch(
            PathPatch(
                path, facecolor=facecolor, edgecolor=EDGE, linewidth=0.25, hatch="////" if hatched else None
            )
        )


def _label_highest(ax: Any, areas: list[Area], shapes: dict[str, Any], count: int) -> None:
    """The names of the ``count`` communes with the highest values, at a point inside each."""
    from matplotlib import patheffects

    for area in sorted(areas, key=lambda a: (-(a.value or 0), a.code))[:count]:
        point = shapes[area.code].representative_point()
        ax.annotate(
            area.name,
            (point.x, point.y),
            fontsize=7,
            ha="center",
            va="center",
            path_effects=[patheffects.withStroke(linewidth=1.5, foreground="white")],
        )
