"""Ask what to open when an autosaved copy is newer than the project file (the last session ended unsaved).

``ask_recovery`` is the one place that asks; ``FileCommands.open_project`` acts on the answer. Restoring opens
the copy as unsaved changes of the project: the project file itself is replaced only when the user saves.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from pathlib import Path

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PyQt6.QtWidgets import QMessageBox, QWidget

RECOVERY_BOX_NAME = "LamplightAutosaveRecovery"
RESTORE_TEXT = QT_TRANSLATE_NOOP("autosave_recovery", "Restore autosave")
OPEN_SAVED_TEXT = QT_TRANSLATE_NOOP("autosave_recovery", "Open the saved project")


class Recovery(Enum):
    RESTORE = "restore"  # open the autosaved copy, as unsaved changes of the project
    OPEN_SAVED = "saved"  # open the project file as it is; the copy stays until the next autosave replaces it
    CANCEL = "cancel"  # open nothing


def _stamp(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return QCoreApplication.translate("autosave_recovery", "unknown time")


def ask_recovery(parent: QWidget | None, project_path: Path, autosave: Path) -> Recovery:
    """A modal question with three answers; Escape or closing the box means Cancel."""
    box = QMessageBox(QMessageBox.Icon.Question,
        QCoreApplication.translate("autosave_recovery", "Recover unsaved changes?"),
                      QCoreApplication.translate(
                          "autosave_recovery", "\u201c{name}\u201d has an autosaved copy newer than the saved "
                          "project: the last session may have ended before its changes were saved.").format(
                          name=project_path.name), parent=parent)
    box.setObjectName(RECOVERY_BOX_NAME)
    box.setInformativeText(
        QCoreApplication.translate(
            "autosave_recovery", "Saved project: {project} ({project_time})\nAutosaved copy: {copy} ({copy_time})\n\n"
            "Restoring opens the copy as unsaved changes; the project file is only replaced when you save.").format(
            project=project_path, project_time=_stamp(project_path), copy=autosave, copy_time=_stamp(autosave)))
    restore = box.addButton(QCoreApplication.translate("autosave_recovery", RESTORE_TEXT),
                            QMessageBox.ButtonRole.AcceptRole)
    saved = box.addButton(QCoreApplication.translate("autosave_recovery", OPEN_SAVED_TEXT),
                          QMessageBox.ButtonRole.ActionRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(restore)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is restore:
        return Recovery.RESTORE
    if clicked is saved:
        return Recovery.OPEN_SAVED
    return Recovery.CANCEL
