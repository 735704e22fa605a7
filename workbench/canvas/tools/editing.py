"""Canvas tools of edit mode: add a point with a click, move one by dragging it.

The tools only turn mouse events into map coordinates; the edit session (``workbench.editing.session``) makes
the undoable command, snaps to roads and words any refusal. They act on the canvas's active layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QPointF, Qt
from PyQt6.QtGui import QColor, QMouseEvent, QPainter, QPen

from workbench.canvas.feature_query import features_near
from workbench.canvas.tools.base import MapTool, is_click
from workbench.canvas.tools.identify import CLICK_TOLERANCE_PX

if TYPE_CHECKING:
    from workbench.editing.session import EditSession

MARKER = QColor(196, 60, 0)
#: Radius of the marker that follows a dragged point, in pixels.
MARKER_RADIUS_PX = 6.0


class AddPointTool(MapTool):
    """A click adds a point feature to the active layer (when it is in edit mode)."""

    name = QT_TRANSLATE_NOOP("MapTools", "Add point")
    cursor_shape = Qt.CursorShape.CrossCursor

    def __init__(self, canvas, session: EditSession) -> None:
        super().__init__(canvas)
        self.session = session
        self._start: QPointF | None = None

    def press(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = event.position()

    def release(self, event: QMouseEvent) -> None:
        start, self._start = self._start, None
        if start is not None and is_click(start, event.position()):
            self.add_at(event.position().x(), event.position().y())

    def add_at(self, px: float, py: float):
        """Add a point under pixel (px, py); the command, or None when the session refused."""
        x, y = self.canvas.viewport.to_map(px, py)
        return self.session.add_point(self.canvas.active_layer, x, y, self.canvas.project.crs)

    def reset(self) -> None:
        self._start = None


class MovePointTool(MapTool):
    """Press on a point of the active layer, drag it, release where it belongs."""

    name = QT_TRANSLATE_NOOP("MapTools", "Move point")
    cursor_shape = Qt.CursorShape.SizeAllCursor

    def __init__(self, canvas, session: EditSession) -> None:
        super().__init__(canvas)
        self.session = session
        self._grabbed: tuple[int, QPointF] | None = None  # feature position, where the press was
        self._at: QPointF | None = None

    def grab(self, px: float, py: float) -> int | None:
        """The feature of the active layer under pixel (px, py), nearest first, or None."""
        layer = self.canvas.active_layer
        if not self.session.is_editing(layer):
            self.session.refused.emit(self.session.tr("Toggle Editing on a point layer first"))
            return None
        view = self.canvas.viewport
        x, y = view.to_map(px, py)
        hits = features_near(layer, x, y, CLICK_TOLERANCE_PX * view.resolution, self.canvas.project.crs)
        return int(hits[0]) if len(hits) else None

    def press(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        position = self.grab(event.position().x(), event.position().y())
        if position is not None:
            self._grabbed = (position, event.position())
            self._at = event.position()

    def move(self, event: QMouseEvent) -> None:
        if self._grabbed is not None:
            self._at = event.position()
            self.canvas.update()

    def release(self, event: QMouseEvent) -> None:
        grabbed, self._grabbed, self._at = self._grabbed, None, None
        self.canvas.update()
        if grabbed is None or is_click(grabbed[1], event.position(), tolerance=1.0):
            return
        self.drop(grabbed[0], event.position().x(), event.position().y())

    def drop(self, position: int, px: float, py: float):
        """Move feature ``position`` to pixel (px, py); the command, or None when the session refused."""
        x, y = self.canvas.viewport.to_map(px, py)
        return self.session.move_point(self.canvas.active_layer, position, x, y, self.canvas.project.crs)

    def reset(self) -> None:
        self._grabbed = self._at = None

    def paint(self, painter: QPainter) -> None:
        if self._grabbed is None or self._at is None:
            return
        painter.setPen(QPen(MARKER, 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(self._grabbed[1], self._at)
        painter.setPen(QPen(MARKER, 2.0))
        painter.setBrush(QColor(255, 179, 0, 160))
        painter.drawEllipse(self._at, MARKER_RADIUS_PX, MARKER_RADIUS_PX)
