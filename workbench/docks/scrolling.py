"""Dock bodies that scroll instead of forcing their full height on the window.

A dock's minimum size adds up along its column: a tall form in one dock made the main window 750 px tall at
least, more than a 1366 x 768 laptop screen offers. In a scroll area the form keeps its natural size when there
is room and scrolls when there is not.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QScrollArea, QWidget


def scrollable(body: QWidget, parent: QWidget | None = None) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(body)
    return area
