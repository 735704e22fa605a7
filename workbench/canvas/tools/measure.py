"""Measure a distance (polyline) or an area (polygon) in metres by clicking vertices on the map.

Left click adds a vertex, moving shows the running total, double-click or right click finishes (the result
stays on screen until the next measurement starts), Backspace removes the last vertex and Esc clears.
"""

from __future__ import annotations

from enum import Enum

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QMouseEvent, QPainter, QPen, QPolygonF

from workbench.canvas.measurement import (
    format_area,
    format_length,
    is_geodesic,
    path_length,
    polygon_area,
    polygon_perimeter,
)
from workbench.canvas.tools.base import MapTool

LINE_COLOUR = QColor(220, 40, 60)
FILL_COLOUR = QColor(220, 40, 60, 45)


class MeasureMode(Enum):
    DISTANCE = "distance"
    AREA = "area"


class MeasureTool(MapTool):
    cursor_shape = Qt.CursorShape.CrossCursor

    def __init__(self, canvas, mode: MeasureMode = MeasureMode.DISTANCE) -> None:
        super().__init__(canvas)
        self.mode = mode
        self.name = QT_TRANSLATE_NOOP("MapTools", "Measure distance") if mode is MeasureMode.DISTANCE else \
            QT_TRANSLATE_NOOP("MapTools", "Measure area")
        self.points: list[tuple[float, float]] = []  # map coordinates, so the shape survives zoom and pan
        self._hover: tuple[float, float] | None = None
        self.finished = False

    def release(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.finish()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.add_point(*self.canvas.viewport.to_map(event.position().x(), event.position().y()))

    def add_point(self, x: float, y: float) -> None:
        if self.finished:
            self.points, self.finished = [], False
        self.points.append((x, y))
        self._report()

    def move(self, event: QMouseEvent) -> None:
        if self.points and not self.finished:
            self._hover = self.canvas.viewport.to_map(event.position().x(), event.position().y())
            self._report()

    def double_click(self, event: QMouseEvent) -> None:
        self.finish()

    def finish(self) -> None:
        self.finished, self._hover = True, None
        self._report()

    def key(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Backspace and self.points and not self.finished:
            self.points.pop()
            self._report()
            return True
        return super().key(event)

    def reset(self) -> None:
        self.points, self._hover, self.finished = [], None, False
        self.canvas.measured.emit("")

    # -- results ---------------------------------------------------------------------------------------
    def _shape(self) -> list[tuple[float, float]]:
        return self.points + ([self._hover] if self._hover is not None else [])

    def result_text(self) -> str:
        """'Distance 1,234.5 m (geodesic)' or 'Area 2.40 ha, perimeter 640.0 m (planar)'."""
        crs = self.canvas.project.crs
        shape = self._shape()
        method = QCoreApplication.translate("MeasureTool", "geodesic") if is_geodesic(crs) else \
            QCoreApplication.translate("MeasureTool", "planar")
        if self.mode is MeasureMode.DISTANCE:
            return QCoreApplication.translate("MeasureTool", "Distance {length} ({method})").format(
                length=format_length(path_length(shape, crs)), method=method)
        return QCoreApplication.translate("MeasureTool", "Area {area}, perimeter {length} ({method})").format(
            area=format_area(polygon_area(shape, crs)), length=format_length(polygon_perimeter(shape, crs)),
            method=method)

    def _report(self) -> None:
        self.canvas.measured.emit(self.result_text() if self.points else "")
        self.canvas.update()

    def paint(self, painter: QPainter) -> None:
        shape = self._shape()
        if not shape:
            return
        view = self.canvas.viewport
        pixels = [QPointF(*view.to_pixel(x, y)) for x, y in shape]
        painter.setPen(QPen(LINE_COLOUR, 2.0))
        if self.mode is MeasureMode.AREA and len(pixels) >= 3:
            painter.setBrush(FILL_COLOUR)
            painter.drawPolygon(QPolygonF(pixels))
        else:
            painter.drawPolyline(QPolygonF(pixels))
        painter.setBrush(QColor("white"))
        for point in pixels:
            painter.drawEllipse(point, 3.0, 3.0)
        self._paint_label(painter, pixels[-1])

    def _paint_label(self, painter: QPainter, anchor: QPointF) -> None:
        text = self.result_text()
        font = QFont(painter.font())
        font.setPointSizeF(9.0)
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        box = QRectF(anchor.x() + 10, anchor.y() - 28, metrics.horizontalAdvance(text) + 12, metrics.height() + 6)
        painter.setPen(QPen(LINE_COLOUR, 1.0))
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor(40, 40, 40))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
