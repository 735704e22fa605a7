"""Dock bodies that scroll instead of forcing their full height on the window.

A dock's minimum size adds up along its column: a tall form in one dock made the main window 750 px tall at
least, more than a 1366 x 768 laptop screen offers. In a scroll area the form keeps its natural size when there
is room and scrolls (up and down only: a form cut at the right reads worse than a scroll bar) when there is not.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QScrollArea, QWidget


def scrollable(body: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``body`` in a scroll area that scrolls up and down only, and is never narrower than the body needs."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(body)
    area.setMinimumWidth(body.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width())
    return area
