"""Start the desktop application: one QApplication, the main window, a crash guard, then the event loop."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from PyQt6.QtWidgets import QApplication

from workbench.dialogs.errors import install_excepthook
from workbench.i18n.loader import chosen_language, install_language
from workbench.main_window import APP_NAME, MainWindow
from workbench.resources import icon
from workbench.resources.theme import apply_theme

#: Exit status when the workbench cannot open a window (as for a usage error: the fix is how it is started).
NO_DISPLAY_STATUS = 2
NO_DISPLAY_MESSAGE = """\
Lamplight cannot open its window: there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set, and
QT_QPA_PLATFORM does not name another Qt platform).
  - On a desktop: start it from a terminal of your graphical session (or over ssh -X).
  - On a server, a virtual screen:   xvfb-run -a python main.py
  - Headless checks, no window:      QT_QPA_PLATFORM=offscreen python main.py
The command-line tools need no display: python main.py list, python main.py run ALGORITHM ..."""


def missing_display(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """Why Qt could not open a window here, or None when it can try.

    On Linux without an X11 or Wayland display Qt's default xcb platform aborts the process with a cryptic
    "could not connect to display" error; checking first lets us say what to do instead.
    """
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY_MESSAGE


def create_application(argv: list[str] | None = None, language: str | None = None) -> QApplication:
    """The QApplication, created once, named (for QSettings), in the chosen language (``language`` is
    ``--lang``; see workbench/i18n/loader.py) and themed."""
    existing = QApplication.instance()
    app = existing or QApplication(argv if argv is not None else sys.argv)
    if existing is None:
        install_language(app, chosen_language(language))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(icon("lamplight"))
    apply_theme(app)
    return app


def run_gui(project_path: str | None, language: str | None = None) -> int:
    """Open the workbench (on ``project_path`` when given, in ``language`` when given) and run until the window
    closes; the exit status."""
    problem = missing_display()
    if problem is not None:
        print(problem, file=sys.stderr)
        return NO_DISPLAY_STATUS
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_application(language=language)
    window = MainWindow()
    install_excepthook(lambda: window)
    window.show()
    if project_path:
        window.files.open_project(project_path, ask=False)
    return app.exec()
