"""The contract between the canvas and its interactive tools (pan, zoom box, identify, select, measure).

The canvas owns the view and the images; a tool only turns mouse and key events into view changes, selections
or measurements, and may paint an overlay (rubber band, measured line) on top of the map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QCursor, QKeyEvent, QMouseEvent, QPainter

if TYPE_CHECKING:
    from workbench.canvas.map_canvas import MapCanvas


class MapTool:
    """Base tool: does nothing; subclasses override the events they care about."""

    #: Shown in the status bar when the tool is chosen (the toolbar tooltips come from ``TOOL_SPECS``).
    name = "tool"
    cursor_shape = Qt.CursorShape.ArrowCursor

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas

    @property
    def cursor(self) -> QCursor:
        return QCursor(self.cursor_shape)

    def activate(self) -> None:
        """Called when the tool becomes the canvas's tool."""

    def deactivate(self) -> None:
        """Called when another tool takes over: drop any half-drawn shape."""
        self.reset()

    def reset(self) -> None:
        """Forget any shape in progress."""

    def press(self, event: QMouseEvent) -> None: ...

    def move(self, event: QMouseEvent) -> None: ...

    def release(self, event: QMouseEvent) -> None: ...

    def double_click(self, event: QMouseEvent) -> None: ...

    def key(self, event: QKeyEvent) -> bool:
        """Handle a key; return True when used (Esc cancels a shape in every tool that draws one)."""
        if event.key() == Qt.Key.Key_Escape:
            self.reset()
            self.canvas.update()
            return True
        return False

    def paint(self, painter: QPainter) -> None:
        """Draw the tool's overlay in widget pixels."""


def is_click(start: QPointF | None, end: QPointF, tolerance: float = 4.0) -> bool:
    """A press and release this close together is a click, not a drag (hands shake a little)."""
    if start is None:
        return True
    return abs(end.x() - start.x()) <= tolerance and abs(end.y() - start.y()) <= tolerance
