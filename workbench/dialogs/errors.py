"""Errors as readable dialogs, never as a crash: bad files, failed saves and unexpected exceptions.

A planner who opens a broken shapefile must read what is wrong with it and carry on working; an
unexpected bug must show its traceback (to copy into an issue) and leave the session and data alone.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PyQt6.QtCore import QCoreApplication, Qt
from PyQt6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)

#: More than this many error boxes at once means an error storm (e.g. in a paint handler): log the rest only.
MAX_OPEN_ERROR_BOXES = 3
ERROR_BOX_NAME = "LamplightErrorBox"


def show_error(parent: QWidget | None, title: str, message: str, details: str | None = None) -> QMessageBox | None:
    """A non-blocking warning box (the event loop keeps running); returns it, or None when too many are open."""
    if len(open_error_boxes()) >= MAX_OPEN_ERROR_BOXES:
        log.error("%s: %s", title, message)
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(ERROR_BOX_NAME)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if details:
        box.setDetailedText(details)
    box.setWindowModality(Qt.WindowModality.WindowModal if parent is not None else Qt.WindowModality.ApplicationModal)
    box.open()
    return box


def open_error_boxes() -> list[QMessageBox]:
    """Error boxes currently shown (``show_error``'s storm guard counts them; tests read them)."""
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == ERROR_BOX_NAME and w.isVisible()]


def install_excepthook(parent_getter=lambda: None) -> None:
    """Route uncaught exceptions to a dialog with the traceback instead of killing the application."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, tb)
            return
        details = "".join(traceback.format_exception(kind, error, tb))
        log.error("uncaught exception:\n%s", details)
        if QApplication.instance() is None:
            previous(kind, error, tb)
            return
        show_error(parent_getter(), QCoreApplication.translate("ErrorHook", "Unexpected error"),
                   QCoreApplication.translate("ErrorHook", "Something went wrong: {error}\n\nYour project is "
                                                           "untouched; you can keep working. Save under a new name "
                                                           "if in doubt.").format(error=error), details)

    sys.excepthook = hook
