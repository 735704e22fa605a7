"""Outline the features the user just identified, on top of the map, until the next identify or tool change.

Only a handful of geometries are drawn, directly in the GUI thread: the renderer is not involved, so the outline
appears at once and follows pan and zoom without a new render.
"""

from __future__ import annotations

import numpy as np
import shapely
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from workbench.canvas.viewport import Viewport

#: More outlines than this would hide the map and cost frame time.
MAX_FLASHED = 25
OUTLINE = QColor(214, 39, 40)
FILL = QColor(214, 39, 40, 50)
POINT_RADIUS = 9.0


def _ring_path(coords: np.ndarray, view: Viewport) -> QPolygonF:
    xs, ys = view.to_pixel(coords[:, 0], coords[:, 1])
    return QPolygonF([QPointF(float(x), float(y)) for x, y in zip(xs, ys, strict=True)])


def paint_flash(painter: QPainter, geometries: list[shapely.Geometry], view: Viewport) -> None:
    """Red outline (polygons, lines) or ring (points) around each geometry, in widget pixels."""
    if not geometries:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for geometry in geometries[:MAX_FLASHED]:
        for part in shapely.get_parts(geometry):
            kind = shapely.get_type_id(part)
            if kind == 0:  # point: a ring around the symbol
                px, py = view.to_pixel(part.x, part.y)
                painter.setPen(QPen(OUTLINE, 2.6))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(px, py), POINT_RADIUS, POINT_RADIUS)
            elif kind in (1, 2):  # line
                painter.setPen(QPen(OUTLINE, 3.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawPolyline(_ring_path(shapely.get_coordinates(part), view))
            elif kind == 3:  # polygon, holes included
                path = QPainterPath()
                for ring in [part.exterior, *part.interiors]:
                    path.addPolygon(_ring_path(shapely.get_coordinates(ring), view))
                    path.closeSubpath()
                painter.setPen(QPen(OUTLINE, 2.4))
                painter.setBrush(FILL)
                painter.drawPath(path)
    painter.restore()
