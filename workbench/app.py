"""Start the desktop application: one QApplication, the main window, a crash guard, then the event loop."""

from __future__ import annotations

import logging
import sys

from PyQt6.QtWidgets import QApplication

from workbench.dialogs.errors import install_excepthook
from workbench.main_window import APP_NAME, MainWindow
from workbench.resources import icon
from workbench.resources.theme import apply_theme


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, named (for QSettings) and themed."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(icon("lamplight"))
    apply_theme(app)
    return app


def run_gui(project_path: str | None) -> int:
    """Open the workbench (on ``project_path`` when given) and run until the window closes; the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_application()
    window = MainWindow()
    install_excepthook(lambda: window)
    window.show()
    if project_path:
        window.files.open_project(project_path, ask=False)
    return app.exec()
