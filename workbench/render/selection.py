"""The selection highlight, drawn over a layer's normal rendering.

Polygons are filled and lines stroked in the selection colour. Selected points are drawn bigger than their
normal marker, in the selection colour with a dark outline and a white halo (as QGIS does), so a selected pole
stands out on the yellow of other selections, on dense point clouds and on a basemap alike. Everything is drawn
in bulk per symbol class, like the layer itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from PyQt6.QtGui import QPainter

from layers.styles import Symbol
from workbench.render.geometry import PreparedGeometry
from workbench.render.markers import Halo
from workbench.render.settings import MapTransform
from workbench.render.vector import draw_lines, draw_points, draw_polygons

#: Ring around each selected marker, under its outline.
SELECTION_HALO = Halo(colour="#ffffff", width_pt=1.2)
#: Outline of selected markers: dark, so the selection colour reads on light and yellow ground alike.
SELECTION_OUTLINE = "#1a1a1a"
#: Least stroke width (points) of selected lines.
SELECTION_STROKE_PT = 1.2
#: Selected markers are this much bigger than their normal size, and at least ``_MIN_GROWTH_PT`` bigger.
_GROWTH, _MIN_GROWTH_PT = 1.5, 3.0


def selected_marker(symbol: Symbol, colour: str) -> Symbol:
    """The marker a selected point gets: bigger, filled with ``colour``, with a dark outline."""
    size = max(symbol.size * _GROWTH, symbol.size + _MIN_GROWTH_PT)
    return replace(symbol, size=size, fill=colour, stroke=SELECTION_OUTLINE, stroke_width=max(symbol.stroke_width, 1.0))


def draw_selection(painter: QPainter, geometry: PreparedGeometry, feature_class: np.ndarray, symbols: list[Symbol],
                   rows: np.ndarray, colour: str, transform: MapTransform, px_per_point: float, *,
                   vector_output: bool, cancelled: Callable[[], bool]) -> None:
    """Draw the features at ``rows`` (positions in the layer) highlighted in ``colour``."""
    rows = rows[(rows >= 0) & (rows < len(feature_class))]
    selected_class = np.full(len(feature_class), -1, dtype=np.int32)
    selected_class[rows] = np.where(feature_class[rows] >= 0, feature_class[rows], 0)
    symbols = symbols or [Symbol()]
    filled = [replace(s, fill=colour) for s in symbols]
    stroked = [replace(s, stroke=colour, stroke_width=max(s.stroke_width, SELECTION_STROKE_PT)) for s in symbols] \
        if geometry.only_lines else filled
    draw_polygons(painter, geometry.rings, selected_class, filled, transform, px_per_point, cancelled,
                  vector_output=vector_output)
    draw_lines(painter, geometry.lines, selected_class, stroked, transform, px_per_point, cancelled,
               vector_output=vector_output)
    draw_points(painter, geometry.points, selected_class, [selected_marker(s, colour) for s in symbols], transform,
                px_per_point, vector_output=vector_output, cancelled=cancelled, halo=SELECTION_HALO)
