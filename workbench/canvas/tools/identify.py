"""Click a feature to see its attributes (every visible layer under the cursor, top layer first)."""

from __future__ import annotations

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QPointF, Qt
from PyQt6.QtGui import QMouseEvent

from workbench.canvas.feature_query import identify_layers
from workbench.canvas.tools.base import MapTool, is_click

#: Half-size of the click target in pixels: points and thin lines are hard to hit exactly.
CLICK_TOLERANCE_PX = 5.0


class IdentifyTool(MapTool):
    name = QT_TRANSLATE_NOOP("MapTools", "Identify")
    cursor_shape = Qt.CursorShape.WhatsThisCursor

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._start: QPointF | None = None

    def press(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = event.position()

    def release(self, event: QMouseEvent) -> None:
        start, self._start = self._start, None
        if start is None or not is_click(start, event.position()):
            return
        self.canvas.identify_at(event.position().x(), event.position().y())


def identify_at_pixel(canvas, px: float, py: float) -> list:
    """What ``canvas`` shows under pixel (px, py), for the identify tool and for tests."""
    view = canvas.viewport
    x, y = view.to_map(px, py)
    layers = [layer for layer in reversed(canvas.project.layers) if layer.visible]
    return identify_layers(layers, x, y, CLICK_TOLERANCE_PX * view.resolution, canvas.project.crs)
