"""Load QML… / Save QML… under the style editor: a planner's QGIS style applies here, and ours goes to QGIS.

The file is read (size-capped, parsed without entities) and written in a worker (``DialogWorker``); the editor
only shows the result. A style that cannot be used (another renderer type, a field the layer lacks) is an
error dialog naming the file and the reason; parts that were ignored are listed under the buttons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PyQt6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from layers import Layer
from layers.io.layer_styles import qml_style_for, write_qml
from layers.styles import Style
from workbench.dialogs.dialog_worker import DialogWorker
from workbench.dialogs.errors import show_error

LOAD, SAVE = "load", "save"


class StyleEditing(Protocol):
    """What the buttons need of a style editor."""

    layer: Layer

    def build_style(self) -> Style: ...

    def load_style(self, style: Style) -> None: ...


class StyleFileButtons(QWidget):
    """The two buttons and a line saying what the last load or save did."""

    def __init__(self, editor: StyleEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.load_button = QPushButton(self.tr("Load QML…"))
        self.load_button.setToolTip(self.tr("Use a style saved by QGIS (.qml) for this layer"))
        self.save_button = QPushButton(self.tr("Save QML…"))
        self.save_button.setToolTip(self.tr("Save this style as a QGIS style file (.qml)"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.load_button.clicked.connect(self._choose_load)
        self.save_button.clicked.connect(self._choose_save)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.load_button)
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        self.worker = DialogWorker(self, "style-qml")
        self.worker.finished.connect(self._finished)

    def load_qml(self, path: str | Path) -> None:
        """Read ``path`` in the worker; the editor shows its style when it fits the layer."""
        self._busy(True)
        self.worker.run(f"{LOAD}:{path}", qml_style_for, str(path), self.editor.layer)

    def save_qml(self, path: str | Path) -> None:
        """Write the style as the editor shows it now (not yet applied) to ``path`` in the worker."""
        self._busy(True)
        self.worker.run(f"{SAVE}:{path}", write_qml, str(path), self.editor.layer, self.editor.build_style())

    def _choose_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load QML Style"), self._start_folder(),
                                              self.tr("QGIS style (*.qml)"))
        if path:
            self.load_qml(path)

    def _choose_save(self) -> None:
        # beside the layer's file under its name, QGIS's default style: it then opens styled in QGIS and here
        folder = self._start_folder()
        suggested = str(Path(folder) / f"{Path(str(self.editor.layer.source)).stem}.qml") if folder else ""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save QML Style"), suggested,
                                              self.tr("QGIS style (*.qml)"))
        if path:
            self.save_qml(path if path.lower().endswith(".qml") else path + ".qml")

    def _start_folder(self) -> str:
        source = self.editor.layer.source
        folder = Path(str(source)).parent if source else None
        return str(folder) if folder is not None and folder.is_dir() else ""

    def _busy(self, busy: bool) -> None:
        self.load_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    def _finished(self, tag: str, result: Any, error: str | None) -> None:
        self._busy(False)
        action, _, path = tag.partition(":")
        name = Path(path).name
        if error is not None:
            title = self.tr("Load QML Style") if action == LOAD else self.tr("Save QML Style")
            self.status.setText("")
            show_error(self, title, error)
            return
        if action == SAVE:
            self.status.setText(self.tr("Saved {file}").format(file=name))
            return
        style, notes = result
        self.editor.load_style(style)
        text = self.tr("Loaded {file}; press OK or Apply to use it").format(file=name)
        if notes:
            text += "\n" + self.tr("Ignored: {notes}").format(notes="; ".join(notes))
        self.status.setText(text)
