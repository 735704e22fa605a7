"""Export dialogs of the workbench: print layout (with live preview), web map and briefing report.

Each dialog collects options, asks for a file name and runs the export behind a progress dialog with Cancel.
The work itself is in ``layout_export``, ``webmap`` and ``report``; these widgets only gather choices.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from layers.layer import VectorLayer
from workbench.export.background import run_with_progress
from workbench.export.layout import LayoutOptions, printed_date
from workbench.export.layout_geometry import PAGE_SIZES_MM
from workbench.export.preview import LayoutPreview
from workbench.export.web_features import default_fields
from workbench.window.start_folder import remember_folder, start_folder

#: Qt's translate for the shared base dialog (``self.tr`` would look up the subclass's context).
translate = QCoreApplication.translate
EXTENTS = (QT_TRANSLATE_NOOP("ExportDialog", "Current view"), QT_TRANSLATE_NOOP("ExportDialog", "All visible layers"))
LAYOUT_LABELS = {"a4-landscape": QT_TRANSLATE_NOOP("ExportDialog", "A4 landscape"),
                 "a4-portrait": QT_TRANSLATE_NOOP("ExportDialog", "A4 portrait"),
                 "a3-landscape": QT_TRANSLATE_NOOP("ExportDialog", "A3 landscape"),
                 "a3-portrait": QT_TRANSLATE_NOOP("ExportDialog", "A3 portrait"),
                 "slide-16x9": QT_TRANSLATE_NOOP("ExportDialog", "Slide 16:9")}


class _ExportDialog(QDialog):
    """Title, subtitle, extent and notes: what every export asks for."""

    def __init__(self, project, view_extent, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.project = project
        self.view_extent = view_extent
        self.form = QFormLayout()
        self.title = QLineEdit(project.title)
        self.subtitle = QLineEdit()
        self.extent = QComboBox()
        self.extent.addItems([translate("ExportDialog", text) for text in EXTENTS])
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(translate("ExportDialog", "Free text for the reader (optional)"))
        self.notes.setMaximumHeight(80)
        self.form.addRow(translate("ExportDialog", "Title"), self.title)
        self.form.addRow(translate("ExportDialog", "Subtitle"), self.subtitle)
        self.form.addRow(translate("ExportDialog", "Map extent"), self.extent)
        self.last_path: Path | None = None
        self.saved = QLabel()
        self.saved.setOpenExternalLinks(True)
        self.saved.setWordWrap(True)
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

    def chosen_extent(self):
        if self.extent.currentIndex() == 0 and self.view_extent is not None:
            return tuple(self.view_extent)
        return self.project.full_extent(visible_only=True)

    def _buttons(self) -> QWidget:
        """The Export and Close buttons, with the line that says where the last export went above them."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        export = QPushButton(translate("ExportDialog", "Export…"))
        export.setDefault(True)
        buttons.addButton(export, QDialogButtonBox.ButtonRole.ActionRole)
        export.clicked.connect(self.choose_and_export)
        buttons.rejected.connect(self.reject)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.saved)
        column.addWidget(buttons)
        return holder

    def _ask_path(self, filters: str, suffix: str) -> Path | None:
        name = self.title.text().strip() or self.project.title or "export"
        safe = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name)
        start = str(start_folder(self.project.path) / f"{safe}{suffix}")
        chosen, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), start, filters)
        if not chosen:
            return None
        remember_folder(chosen)
        path = Path(chosen)
        return path if path.suffix else path.with_suffix(suffix)

    def _exported(self, path: Path) -> None:
        """After a successful export: say where the file went, and keep the title for the project's next export."""
        self.last_path = path
        title = self.title.text().strip()
        if title and title != self.project.title:
            self.project.title = title
        folder = QUrl.fromLocalFile(str(path.parent)).toString()
        self.saved.setText(translate("ExportDialog", 'Saved to {path} — <a href="{folder}">open the folder</a>')
                           .format(path=html.escape(str(path)), folder=folder))

    def _run(self, label: str, work) -> object | None:
        try:
            return run_with_progress(self, label, work)
        except Exception as exc:  # a readable message rather than a crash
            QMessageBox.warning(self, self.windowTitle(),
                                translate("ExportDialog", "The export failed:\n{problem}").format(problem=exc))
            return None

    def choose_and_export(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class LayoutDialog(_ExportDialog):
    """Print layout with a live preview of the page."""

    def __init__(self, project, view_extent=None, parent: QWidget | None = None) -> None:
        super().__init__(project, view_extent, self.tr("Export print layout"), parent)
        self.layout_name = QComboBox()
        for name in PAGE_SIZES_MM:
            self.layout_name.addItem(translate("ExportDialog", LAYOUT_LABELS[name]) if name in LAYOUT_LABELS else name,
                                     name)
        self.dpi = QSpinBox()
        self.dpi.setRange(72, 600)
        self.dpi.setValue(300)
        self.dpi.setSuffix(self.tr(" dpi"))
        self.date = QLineEdit(printed_date(date.today()))
        self.sources = QLineEdit()
        self.sources.setPlaceholderText(self.tr("Data sources (default: from the layers)"))
        self.checks = {name: QCheckBox(label) for name, label in
                       (("legend", self.tr("Legend")), ("scale_bar", self.tr("Scale bar")),
                        ("north_arrow", self.tr("North arrow")), ("overview", self.tr("Overview inset")))}
        self.form.insertRow(0, self.tr("Page"), self.layout_name)
        self.form.addRow(self.tr("Resolution"), self.dpi)
        self.form.addRow(self.tr("Date"), self.date)
        self.form.addRow(self.tr("Sources"), self.sources)
        self.form.addRow(self.tr("Notes"), self.notes)
        checks = QHBoxLayout()
        for box in self.checks.values():
            box.setChecked(True)
            checks.addWidget(box)
        self.form.addRow(self.tr("Show"), checks)
        self.preview = LayoutPreview()
        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        left.addWidget(self._buttons())
        root = QHBoxLayout(self)
        holder = QWidget()
        holder.setLayout(left)
        holder.setMaximumWidth(430)
        root.addWidget(holder)
        root.addWidget(self.preview, 1)
        for widget in (self.title, self.subtitle, self.date, self.sources):
            widget.textChanged.connect(self.update_preview)
        self.notes.textChanged.connect(self.update_preview)
        for combo in (self.layout_name, self.extent):
            combo.currentIndexChanged.connect(self.update_preview)
        for box in self.checks.values():
            box.toggled.connect(self.update_preview)
        self.resize(1180, 680)
        self.update_preview()

    def options(self) -> LayoutOptions:
        return LayoutOptions(
            layout=self.layout_name.currentData(), dpi=self.dpi.value(), title=self.title.text(),
            subtitle=self.subtitle.text(), extent=self.chosen_extent(), date=self.date.text() or None,
            sources=self.sources.text() or None, notes=self.notes.toPlainText(),
            legend=self.checks["legend"].isChecked(), scale_bar=self.checks["scale_bar"].isChecked(),
            north_arrow=self.checks["north_arrow"].isChecked(), overview=self.checks["overview"].isChecked())

    def update_preview(self) -> None:
        self.preview.show_layout(self.project, self.options())

    def choose_and_export(self) -> None:
        path = self._ask_path(self.tr("PDF (*.pdf);;SVG (*.svg);;PNG image (*.png)"), ".pdf")
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path):
        from workbench.export.layout_export import export_layout

        options = self.options()
        info = self._run(self.tr("Exporting {name}…").format(name=path.name),
                         lambda progress, cancelled: export_layout(self.project, path, options, cancelled=cancelled))
        if info is not None:
            self._exported(path)
        return info


class WebMapDialog(_ExportDialog):
    """Interactive web map: popup fields per layer, offline file, optional online basemap."""

    def __init__(self, project, view_extent=None, parent: QWidget | None = None) -> None:
        super().__init__(project, view_extent, self.tr("Export web map"), parent)
        self.self_contained = QCheckBox(self.tr("One self-contained file that works offline"))
        self.self_contained.setChecked(True)
        self.basemap = QCheckBox(self.tr("Offer an online basemap layer (when the reader is online)"))
        self.basemap.setChecked(True)
        self.open_when_done = QCheckBox(self.tr("Open in the browser when done"))
        self.open_when_done.setChecked(True)
        self.layers = [layer for layer in project.layers if isinstance(layer, VectorLayer) and layer.visible]
        self.fields = QTableWidget(len(self.layers), 2)
        self.fields.setHorizontalHeaderLabels([self.tr("Layer"), self.tr("Popup fields (comma separated)")])
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.verticalHeader().setVisible(False)
        for row, layer in enumerate(self.layers):
            name = QTableWidgetItem(layer.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.fields.setItem(row, 0, name)
            self.fields.setItem(row, 1, QTableWidgetItem(", ".join(default_fields(layer))))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.fields)
        for box in (self.self_contained, self.basemap, self.open_when_done):
            layout.addWidget(box)
        layout.addWidget(self._buttons())
        self.resize(620, 520)

    def options(self):
        from workbench.export.webmap import WebMapOptions

        fields = {layer.name: [f.strip() for f in self.fields.item(row, 1).text().split(",") if f.strip()]
                  for row, layer in enumerate(self.layers)}
        return WebMapOptions(title=self.title.text(), subtitle=self.subtitle.text(), fields=fields,
                             self_contained=self.self_contained.isChecked(),
                             online_basemap=self.basemap.isChecked(), extent=self.chosen_extent())

    def choose_and_export(self) -> None:
        path = self._ask_path("Web page (*.html)", ".html")
        if path is not None and self.export_to(path) is not None and self.open_when_done.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_to(self, path: Path):
        from workbench.export.webmap import export_web_map

        options = self.options()
        notes: list[str] = []  # what the page leaves out (a basemap that needs the user's key), said under the path
        counts = self._run(self.tr("Exporting {name}…").format(name=path.name),
                           lambda progress, cancelled: export_web_map(self.project, path, options, progress=progress,
                                                                      cancelled=cancelled, note=notes.append))
        if counts is not None:
            self._exported(path)
            self.saved.setText("<br>".join([self.saved.text(), *(html.escape(note) for note in notes)]))
        return counts


class ReportDialog(_ExportDialog):
    """Briefing report of the latest siting and coverage runs, as PDF or HTML."""

    def __init__(self, project, view_extent=None, parent: QWidget | None = None) -> None:
        super().__init__(project, view_extent, self.tr("Export briefing report"), parent)
        self.subtitle.setText(self.tr("Briefing report"))
        self.form.addRow(self.tr("Notes"), self.notes)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self._buttons())
        self.resize(560, 320)

    def options(self):
        from workbench.export.report import ReportOptions

        return ReportOptions(title=self.title.text() or None, subtitle=self.subtitle.text(),
                             extent=self.chosen_extent(), notes=self.notes.toPlainText())

    def choose_and_export(self) -> None:
        path = self._ask_path(self.tr("PDF (*.pdf);;Web page (*.html)"), ".pdf")
        if path is not None and self.export_to(path) is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_to(self, path: Path):
        from workbench.export.report import export_report

        options = self.options()
        data = self._run(self.tr("Exporting {name}…").format(name=path.name), lambda progress, cancelled: export_report(
            self.project, path, options, progress=progress, cancelled=cancelled))
        if data is not None:
            self._exported(path)
        return data
