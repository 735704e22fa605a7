"""File > Export > QGIS Project…: the current map as a .qgz a QGIS user opens with the same layers and styles.

The save dialog has the signature of the other export dialogs (project, view extent, parent) so the Export menu
opens it the same way; the writing (layers not linked to a file go into a GeoPackage beside the .qgz) runs in a
worker owned by the main window, so closing the dialog neither blocks nor loses the outcome.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QObject, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QWidget

from layers.errors import LayerError
from layers.qgis_project import export_qgis_project
from workbench.dialogs.errors import show_error
from workbench.guarded_pool import GuardedPool
from workbench.window.start_folder import remember_folder

log = logging.getLogger(__name__)


class QgisProjectDialog(QFileDialog):
    """Asks for the .qgz name; on accept hands the export to the window's ``QgisProjectWriter`` child."""

    def __init__(self, project, extent, parent: QWidget) -> None:
        super().__init__(parent, QCoreApplication.translate("QgisProjectDialog", "Export QGIS Project"), "",
                         QCoreApplication.translate("QgisProjectDialog", "QGIS project (*.qgz)"))
        self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.setDefaultSuffix("qgz")
        self.project, self.extent, self.window_ = project, extent, parent
        self.accepted.connect(self._export)

    def _export(self) -> None:
        files = self.selectedFiles()
        if not files:
            return
        remember_folder(files[0])
        writer = self.window_.findChild(QgisProjectWriter) or QgisProjectWriter(self.window_)  # one per window
        writer.export(self.project, Path(files[0]), self.extent)


class QgisProjectWriter(QObject):
    """Writes .qgz exports in a worker thread and reports each in the status bar or an error dialog."""

    _done = pyqtSignal(str, object)  # path, error message or None

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.pool = GuardedPool(self, "qgis-project-export")
        self._done.connect(self._report)
        self._done_signal = self._done  # bound in the GUI thread, for the worker

    def export(self, project, path: Path, extent) -> None:
        self.pool.submit(self._write, project, path, extent)

    def wait(self, timeout_s: float = 60.0) -> bool:
        return self.pool.wait(timeout_s)

    def _write(self, project, path: Path, extent) -> None:
        try:
            export_qgis_project(project, path, extent)
            error = None
        except LayerError as exc:
            error = str(exc)
        except Exception as exc:  # a writer bug must still reach the planner, not die with the worker's future
            log.exception("exporting %s failed", path)
            error = f"{path}: could not be written ({type(exc).__name__}: {exc})"
        self.pool.emit(self._done_signal, str(path), error)

    def _report(self, path: str, error: str | None) -> None:
        if error is not None:
            show_error(self.parent_widget, self.tr("Could not export the QGIS project"), error)
            return
        status = getattr(self.parent_widget, "statusBar", None)
        if status is not None:
            status().showMessage(self.tr("Exported QGIS project {path}").format(path=path), 8000)
