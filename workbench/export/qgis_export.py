"""File > Export > QGIS Project…: the current map as a .qgz a QGIS user opens with the same layers and styles.

The save dialog has the signature of the other export dialogs (project, view extent, parent) so the Export menu
opens it the same way; the writing (layers not linked to a file go into a GeoPackage beside the .qgz) runs in a
worker owned by the main window, so closing the dialog neither blocks nor loses the outcome.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QCoreApplication
from PyQt6.QtWidgets import QFileDialog, QWidget

from layers.qgis_project import export_qgis_project
from workbench.window.background_writer import BackgroundWriter
from workbench.window.start_folder import remember_folder


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


class QgisProjectWriter(BackgroundWriter):
    """Writes .qgz exports in a worker thread and reports each in the status bar or an error dialog."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "qgis-project-export")

    def export(self, project, path: Path, extent) -> None:
        self.write(path, lambda: export_qgis_project(project, path, extent))

    def failure_title(self) -> str:
        return self.tr("Could not export the QGIS project")

    def success_text(self, path: str) -> str:
        return self.tr("Exported QGIS project {path}").format(path=path)
