"""Exports paint text, and Qt only knows fonts once a QGuiApplication exists; the command line has none."""

from __future__ import annotations

import os

from PyQt6.QtGui import QGuiApplication


def ensure_gui_application() -> QGuiApplication:
    """The running application, or a new one (off-screen when there is no display, as on a server)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    global _APP
    _APP = QGuiApplication(["lamplight-export"])
    return _APP


_APP: QGuiApplication | None = None
