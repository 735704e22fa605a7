"""Opens algorithm dialogs for the toolbox, the history (re-run) and the Processing menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6 import sip
from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QWidget

from plugins.registry import Registry
from workbench.processing.dialog import AlgorithmDialog


class ProcessingController(QObject):
    run_finished = pyqtSignal(object)  # a run record, from any dialog
    tables_ready = pyqtSignal(object, object)  # a run record and its tables, from any dialog

    def __init__(self, registry: Registry, project: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.project = project
        self.parent_widget = parent
        self.dialogs: list[AlgorithmDialog] = []

    def open_dialog(self, algorithm_id: str, values: dict[str, Any] | None = None) -> AlgorithmDialog | None:
        """A new non-modal dialog for ``algorithm_id`` (pre-filled with ``values``), or a message if it is gone."""
        try:
            algorithm = self.registry.get(algorithm_id)
        except KeyError as exc:
            QMessageBox.warning(self.parent_widget,
                self.tr("Processing"),
                self.tr("{problem}. Is its plugin still installed?").format(problem=exc.args[0]))
            return None
        dialog = AlgorithmDialog(algorithm, self.project(), self.parent_widget, values)
        dialog.run_finished.connect(self.run_finished)
        dialog.tables_ready.connect(self.tables_ready)
        dialog.finished.connect(lambda _, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        dialog.show()
        dialog.raise_()
        return dialog

    def _forget(self, dialog: AlgorithmDialog) -> None:
        if dialog in self.dialogs and not dialog.running:
            self.dialogs.remove(dialog)

    def shutdown(self) -> None:
        """Cancel every running algorithm and wait for it to stop (the window is going away)."""
        for dialog in list(self.dialogs):
            if not sip.isdeleted(dialog):
                dialog.stop_run()

    def close_all(self) -> None:
        """Close every dialog (another project was opened: their layer pickers would point at the old one)."""
        for dialog in list(self.dialogs):
            dialog.close()
        self.dialogs.clear()
