"""Swipe comparison on the canvas: one set of layers left of a divider, another right of it (as QGIS's Map Swipe).

The planner drags the slider under the map to move the divider. Each side renders in its own background plane
(``RenderPlane``), like the layers plane, so dragging only repaints the last images with another clip. The layers
named in ``hidden`` (e.g. the comparison layer whose halves are swiped) are left out of the main layers plane
while the swipe is on; ``MapCanvas.set_swipe(None)`` ends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QEvent, QObject, QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPen
from PyQt6.QtWidgets import QSlider

from layers import Layer
from workbench.canvas.render_plane import RenderPlane, RenderWork, layers_work
from workbench.canvas.viewport import Viewport

if TYPE_CHECKING:
    from workbench.canvas.map_canvas import MapCanvas

#: Slider steps across the canvas width.
STEPS = 1000
DIVIDER = QColor("#1f2a36")


class SwipeView(QObject):
    """``left`` layers drawn left of the divider, ``right`` layers right of it, over the canvas's own layers."""

    def __init__(self, canvas: MapCanvas, left: list[Layer], right: list[Layer], *, hidden: set[str] = frozenset(),
                 labels: tuple[str, str] = ("", ""), fraction: float = 0.5) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.sides = (list(left), list(right))
        self.hidden = frozenset(hidden)
        self.labels = labels
        self.fraction = min(1.0, max(0.0, fraction))
        self._renderers: list = [None, None]
        # Bound methods, never lambdas holding self: a lambda keeping the last reference to a QObject being
        # deleted crashes PyQt (see the Import Assistant's fix).
        self.planes = (RenderPlane("swipe-left", self._prepare_left, parent=self),
                       RenderPlane("swipe-right", self._prepare_right, parent=self))
        for plane in self.planes:
            plane.updated.connect(canvas.update)
            plane.failed.connect(canvas.status_message)
        self.slider = QSlider(Qt.Orientation.Horizontal, canvas)
        self.slider.setObjectName("SwipeSlider")
        self.slider.setRange(0, STEPS)
        self.slider.setValue(round(self.fraction * STEPS))
        self.slider.setToolTip(self.tr("Drag to move the divider: {left} on the left, {right} on the right").format(
            left=labels[0] or self.tr("left"), right=labels[1] or self.tr("right")))
        self.slider.valueChanged.connect(self._slider_moved)
        canvas.installEventFilter(self)
        self._place_slider()
        self.slider.show()

    def set_fraction(self, fraction: float) -> None:
        """Put the divider at ``fraction`` of the canvas width (0: all right side, 1: all left side)."""
        self.fraction = min(1.0, max(0.0, float(fraction)))
        if self.slider.value() != round(self.fraction * STEPS):
            self.slider.setValue(round(self.fraction * STEPS))
        self.canvas.update()

    def _slider_moved(self, value: int) -> None:
        self.set_fraction(value / STEPS)

    def divider_x(self) -> float:
        return self.fraction * self.canvas.width()

    def request(self, viewport: Viewport) -> None:
        for plane in self.planes:
            plane.request(viewport)

    @property
    def busy(self) -> bool:
        return any(plane.busy for plane in self.planes)

    def _prepare_left(self, viewport: Viewport) -> RenderWork | None:
        return self._prepare(0, viewport)

    def _prepare_right(self, viewport: Viewport) -> RenderWork | None:
        return self._prepare(1, viewport)

    def _prepare(self, side: int, viewport: Viewport) -> RenderWork | None:
        layers = [layer for layer in self.sides[side] if layer.visible]
        if not layers:
            return None
        if self._renderers[side] is None:
            from workbench.render import MapRenderer

            self._renderers[side] = MapRenderer()
        return layers_work(self._renderers[side], layers, self.canvas.render_settings(viewport),
                           self.canvas.devicePixelRatioF())

    def paint(self, painter: QPainter, viewport: Viewport) -> None:
        """Each side's image clipped to its part of the canvas, then the divider and the two names."""
        x, width, height = self.divider_x(), self.canvas.width(), self.canvas.height()
        painter.save()
        for plane, clip in zip(self.planes, (QRectF(0, 0, x, height), QRectF(x, 0, width - x, height)), strict=True):
            painter.setClipRect(clip)
            plane.paint(painter, viewport)
        painter.restore()
        painter.save()
        painter.setPen(QPen(DIVIDER, 2.0))
        painter.drawLine(QRectF(x, 0, 0, height).topLeft(), QRectF(x, 0, 0, height).bottomLeft())
        left, right = self.labels
        painter.drawText(QRectF(x - 208, 6, 200, 20), Qt.AlignmentFlag.AlignRight, left)
        painter.drawText(QRectF(x + 8, 6, 200, 20), Qt.AlignmentFlag.AlignLeft, right)
        painter.restore()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self._place_slider()
        return False

    def _place_slider(self) -> None:
        margin = 12
        width = max(120, self.canvas.width() - 2 * margin)
        height = self.slider.sizeHint().height()
        self.slider.setGeometry(margin, self.canvas.height() - height - 28, width, height)

    def close(self) -> None:
        """Stop both renders and remove the slider (the canvas forgets the swipe in ``set_swipe``). The object itself
        stays a child of the canvas until the canvas goes: deleting it here (deleteLater) crashed PyQt in the GUI
        tests when the deferred deletion ran."""
        self.canvas.removeEventFilter(self)
        for plane in self.planes:
            plane.shutdown()
            plane.image = None
        self.sides = ([], [])
        self.slider.hide()
        self.slider.deleteLater()


__all__ = ["SwipeView"]
