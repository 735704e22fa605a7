"""Select features by click, rectangle or polygon. Shift adds to the selection, Ctrl removes from it.

The features go into ``layer.selection`` (row positions), which the attribute table and the highlight on the
map both follow, so a selection made here is the same selection everywhere.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
import shapely
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen, QPolygonF

from layers import VectorLayer
from workbench.canvas.feature_query import features_intersecting, features_near
from workbench.canvas.tools.base import MapTool, is_click
from workbench.canvas.tools.identify import CLICK_TOLERANCE_PX

SELECT_PEN = QColor(200, 120, 0)
SELECT_FILL = QColor(255, 200, 0, 50)


class SelectMode(Enum):
    CLICK = "click"
    RECTANGLE = "rectangle"
    POLYGON = "polygon"


class Combine(Enum):
    REPLACE = "replace"
    ADD = "add"
    REMOVE = "remove"


def combine_selection(current: frozenset[int], hits: np.ndarray, how: Combine) -> frozenset[int]:
    """The new selection from the old one and the features just hit."""
    found = frozenset(int(i) for i in hits)
    if how is Combine.ADD:
        return current | found
    if how is Combine.REMOVE:
        return current - found
    return found


def combine_from_modifiers(modifiers: Qt.KeyboardModifier) -> Combine:
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return Combine.ADD
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return Combine.REMOVE
    return Combine.REPLACE


def select_with_geometry(layers: list[VectorLayer], geometry: shapely.Geometry, crs, how: Combine) -> int:
    """Select what ``geometry`` (project CRS) touches in every layer; returns how many features it hit."""
    total = 0
    for layer in layers:
        hits = features_intersecting(layer, geometry, crs)
        total += len(hits)
        layer.selection = combine_selection(layer.selection, hits, how)
    return total


def select_nearest(layers: list[VectorLayer], x: float, y: float, tolerance: float, crs, how: Combine) -> int:
    """Select the one feature nearest the click, in the topmost layer that has one (first in ``layers``)."""
    chosen = None
    for layer in layers:
        hits = features_near(layer, x, y, tolerance, crs)
        if len(hits):
            chosen = (layer, hits[:1])
            break
    for layer in layers:
        hits = chosen[1] if chosen is not None and chosen[0] is layer else np.empty(0, dtype=np.int64)
        if how is Combine.REPLACE or len(hits):
            layer.selection = combine_selection(layer.selection, hits, how)
    return 0 if chosen is None else 1


class SelectTool(MapTool):
    cursor_shape = Qt.CursorShape.CrossCursor

    def __init__(self, canvas, mode: SelectMode = SelectMode.CLICK) -> None:
        super().__init__(canvas)
        self.mode = mode
        self.name = {SelectMode.CLICK: QT_TRANSLATE_NOOP("MapTools", "Select by click"),
                     SelectMode.RECTANGLE: QT_TRANSLATE_NOOP("MapTools", "Select by rectangle"),
                     SelectMode.POLYGON: QT_TRANSLATE_NOOP("MapTools", "Select by polygon")}[mode]
        self._start: QPointF | None = None
        self._end: QPointF | None = None
        self._vertices: list[QPointF] = []
        self._hover: QPointF | None = None

    # -- click and rectangle -------------------------------------------------------------------------
    def press(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.mode is SelectMode.POLYGON:
            return
        self._start = self._end = event.position()

    def move(self, event: QMouseEvent) -> None:
        if self.mode is SelectMode.POLYGON:
            self._hover = event.position()
            if self._vertices:
                self.canvas.update()
        elif self._start is not None and self.mode is SelectMode.RECTANGLE:
            self._end = event.position()
            self.canvas.update()

    def release(self, event: QMouseEvent) -> None:
        how = combine_from_modifiers(event.modifiers())
        if self.mode is SelectMode.POLYGON:
            self._polygon_release(event, how)
            return
        start, self._start, self._end = self._start, None, None
        if start is None:
            return
        end = event.position()
        if self.mode is SelectMode.CLICK or is_click(start, end):
            self.select_click(end.x(), end.y(), how)
        else:
            self.select_rectangle(QRectF(start, end).normalized(), how)
        self.canvas.update()

    def select_click(self, px: float, py: float, how: Combine = Combine.REPLACE) -> int:
        view = self.canvas.viewport
        x, y = view.to_map(px, py)
        return select_nearest(self.canvas.selection_targets(), x, y, CLICK_TOLERANCE_PX * view.resolution,
                              self.canvas.project.crs, how)

    def select_rectangle(self, rect: QRectF, how: Combine = Combine.REPLACE) -> int:
        view = self.canvas.viewport
        x0, y0 = view.to_map(rect.left(), rect.bottom())
        x1, y1 = view.to_map(rect.right(), rect.top())
        return select_with_geometry(self.canvas.selection_targets(), shapely.box(x0, y0, x1, y1),
                                    self.canvas.project.crs, how)

    # -- polygon -----------------------------------------------------------------------------------------
    def _polygon_release(self, event: QMouseEvent, how: Combine) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.finish_polygon(how)
        elif event.button() == Qt.MouseButton.LeftButton:
            self._vertices.append(event.position())
            self.canvas.update()

    def double_click(self, event: QMouseEvent) -> None:
        if self.mode is SelectMode.POLYGON:
            self.finish_polygon(combine_from_modifiers(event.modifiers()))

    def finish_polygon(self, how: Combine = Combine.REPLACE) -> int:
        """Close the polygon drawn so far and select what it touches (needs three distinct vertices)."""
        view = self.canvas.viewport
        points = _distinct([view.to_map(p.x(), p.y()) for p in self._vertices])
        self.reset()
        self.canvas.update()
        if len(points) < 3:
            return 0
        polygon = shapely.make_valid(shapely.Polygon(points))
        return select_with_geometry(self.canvas.selection_targets(), polygon, self.canvas.project.crs, how)

    def key(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Backspace and self._vertices:
            self._vertices.pop()
            self.canvas.update()
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._vertices:
            self.finish_polygon(combine_from_modifiers(event.modifiers()))
            return True
        return super().key(event)

    def reset(self) -> None:
        self._start = self._end = self._hover = None
        self._vertices = []

    def paint(self, painter: QPainter) -> None:
        painter.setPen(QPen(SELECT_PEN, 1.4, Qt.PenStyle.DashLine))
        painter.setBrush(SELECT_FILL)
        if self._start is not None and self._end is not None:
            painter.drawRect(QRectF(self._start, self._end).normalized())
        if self._vertices:
            points = self._vertices + ([self._hover] if self._hover is not None else [])
            painter.drawPolygon(QPolygonF(points))


def _distinct(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated vertices (a double-click adds the last point twice)."""
    out: list[tuple[float, float]] = []
    for p in points:
        if not out or p != out[-1]:
            out.append(p)
    return out
