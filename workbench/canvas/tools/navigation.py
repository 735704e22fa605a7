"""Pan by dragging and zoom by drawing a box: the two ways of moving around besides the wheel and keys."""

from __future__ import annotations

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QMouseEvent, QPainter, QPen

from workbench.canvas.tools.base import MapTool, is_click
from workbench.canvas.viewport import Viewport

RUBBER_BAND_PEN = QColor(30, 90, 170)
RUBBER_BAND_FILL = QColor(30, 90, 170, 40)


class PanTool(MapTool):
    """Drag the map; the old image follows the hand and the new render is asked for only on release."""

    name = QT_TRANSLATE_NOOP("MapTools", "Pan")
    cursor_shape = Qt.CursorShape.OpenHandCursor

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._start: QPointF | None = None
        self._start_view: Viewport | None = None

    def press(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start, self._start_view = event.position(), self.canvas.viewport
            self.canvas.setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, event: QMouseEvent) -> None:
        if self._start is None or self._start_view is None:
            return
        delta = event.position() - self._start
        self.canvas.set_viewport(self._start_view.panned(delta.x(), delta.y()), render=False)

    def release(self, event: QMouseEvent) -> None:
        if self._start is None or self._start_view is None:
            return
        delta = event.position() - self._start
        self.canvas.set_viewport(self._start_view.panned(delta.x(), delta.y()))
        self.reset()
        self.canvas.setCursor(self.cursor)

    def reset(self) -> None:
        self._start, self._start_view = None, None


class ZoomBoxTool(MapTool):
    """Draw a box to zoom into it (or, zooming out, to fit the current view into the box); a click zooms 2x."""

    cursor_shape = Qt.CursorShape.CrossCursor

    def __init__(self, canvas, zoom_in: bool = True) -> None:
        super().__init__(canvas)
        self.zoom_in = zoom_in
        self.name = QT_TRANSLATE_NOOP("MapTools", "Zoom in") if zoom_in else QT_TRANSLATE_NOOP("MapTools", "Zoom out")
        self._start: QPointF | None = None
        self._end: QPointF | None = None

    def press(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = self._end = event.position()

    def move(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._end = event.position()
            self.canvas.update()

    def release(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        start, end = self._start, event.position()
        self.reset()
        view = self.canvas.viewport
        if is_click(start, end):
            anchor = (end.x(), end.y())
            self.canvas.set_viewport(view.zoomed(2.0 if self.zoom_in else 0.5, anchor))
            return
        box = QRectF(start, end).normalized()
        if self.zoom_in:
            (x0, y0), (x1, y1) = view.to_map(box.left(), box.bottom()), view.to_map(box.right(), box.top())
            self.canvas.set_extent((x0, y0, x1, y1), margin=0.0)
        else:
            factor = min(box.width() / view.width, box.height() / view.height)
            centre = view.to_map(box.center().x(), box.center().y())
            self.canvas.set_viewport(view.centred_on(*centre).zoomed(max(factor, 1e-3)))
        self.canvas.update()

    def reset(self) -> None:
        self._start = self._end = None

    def paint(self, painter: QPainter) -> None:
        if self._start is None or self._end is None:
            return
        painter.setPen(QPen(RUBBER_BAND_PEN, 1.2, Qt.PenStyle.DashLine))
        painter.setBrush(RUBBER_BAND_FILL)
        painter.drawRect(QRectF(self._start, self._end).normalized())
