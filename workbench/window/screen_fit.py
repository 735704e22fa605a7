"""Start windows and dialogs at a comfortable size that never exceeds the screen they open on.

A 680 x 720 dialog is taller than a 1366 x 768 laptop leaves under its task bar, and a 980 x 620 one is wider
than a full-HD screen at 200 % (960 x 540 logical pixels); the buttons at the bottom were then out of reach.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

#: Share of the screen's available area a window may take at most when it first opens.
SCREEN_SHARE = 0.9


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, or to 90 % of a smaller screen."""
    screen = widget.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * SCREEN_SHARE))
        height = min(height, int(available.height() * SCREEN_SHARE))
    widget.resize(width, height)
