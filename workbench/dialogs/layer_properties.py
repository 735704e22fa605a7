"""Layer properties: what the layer is (source, CRS, features, fields, extent, load notes) and how it looks."""

from __future__ import annotations

import numpy as np
import pyproj
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from layers import Layer, Project, RasterLayer, VectorLayer
from workbench.dialogs.errors import show_error
from workbench.dialogs.style_editor import style_editor_for
from workbench.window.screen_fit import fit_to_screen

STYLE_TAB = QT_TRANSLATE_NOOP("LayerPropertiesDialog", "Style")
#: Qt's translate for the module's functions (pylupdate6 reads ``translate("Context", "text")``).
translate = QCoreApplication.translate


def describe(layer: Layer, project: Project | None = None) -> list[tuple[str, str]]:
    """(label, text) pairs for the information tab."""
    source = str(layer.source or translate("LayerInfo", "created in this session (saved in the project)"))
    rows = [(translate("LayerInfo", "Name"), layer.name),
            (translate("LayerInfo", "Source"), source),
            (translate("LayerInfo", "Kind"), layer.kind or translate("LayerInfo", "none"))]
    crs = layer.crs
    rows.append((translate("LayerInfo", "CRS"),
                 f"{crs.name} ({crs.to_string()})" if crs is not None else translate("LayerInfo", "unknown")))
    if isinstance(layer, VectorLayer):
        rows += [(translate("LayerInfo", "Features"), f"{len(layer):,}"),
                 (translate("LayerInfo", "Geometry"), layer.geometry_type),
                 (translate("LayerInfo", "Selected"), f"{len(layer.selection):,}")]
    elif isinstance(layer, RasterLayer):
        res_x, res_y = layer.res
        size = translate("LayerInfo", "{width} × {height} cells, {count} band(s)").format(
            width=f"{layer.width:,}", height=f"{layer.height:,}", count=layer.count)
        rows += [(translate("LayerInfo", "Size"), size),
                 (translate("LayerInfo", "Cell size"), f"{res_x:g} × {res_y:g}"),
                 (translate("LayerInfo", "Data type"), str(layer.data.dtype)),
                 (translate("LayerInfo", "No-data value"), str(layer.nodata))]
    extent = layer.extent
    if np.all(np.isfinite(extent)):
        rows.append((translate("LayerInfo", "Extent"), ", ".join(f"{v:,.3f}" for v in extent)))
        if project is not None and project.crs is not None and crs is not None and crs != project.crs:
            rows.append((translate("LayerInfo", "Extent (project CRS)"),
                         ", ".join(f"{v:,.3f}" for v in project.layer_extent(layer))))
    for key in ("quantity", "unit"):
        if layer.metadata.get(key):
            rows.append((key.capitalize(), str(layer.metadata[key])))
    return rows


def field_rows(layer: VectorLayer) -> list[tuple[str, str, str, str]]:
    """(field, type, values present, example) for every attribute."""
    rows = []
    for field in layer.fields:
        column = layer.gdf[field]
        present = int(column.notna().sum())
        example = column.dropna().iloc[0] if present else ""
        rows.append((field, str(column.dtype), f"{present:,} of {len(column):,}", str(example)))
    return rows


class LayerPropertiesDialog(QDialog):
    """Information, fields, load notes and style of one layer; OK/Apply write name, opacity and style back."""

    def __init__(self, layer: Layer, project: Project, parent: QWidget | None = None, *, tab: str | None = None):
        super().__init__(parent)
        self.layer = layer
        self.project = project
        self.setWindowTitle(self.tr("Layer Properties — {name}").format(name=layer.name))
        fit_to_screen(self, 680, 720)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._information(), self.tr("Information"))
        if isinstance(layer, VectorLayer):
            self.tabs.addTab(self._fields(), self.tr("Fields"))
        self.tabs.addTab(self._notes(), self.tr("Load notes ({count})").format(count=len(layer.notes)))
        self.style_editor = style_editor_for(layer)
        self.tabs.addTab(self.style_editor, self.tr(STYLE_TAB))
        if tab is not None:
            for i in range(self.tabs.count()):
                if self.tabs.tabText(i) == self.tr(tab):
                    self.tabs.setCurrentIndex(i)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _information(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.name_edit = QLineEdit(self.layer.name)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(round(self.layer.opacity * 100))
        percent = QLabel(f"{self.opacity.value()} %")
        percent.setMinimumWidth(percent.fontMetrics().horizontalAdvance("100 %"))
        self.opacity.valueChanged.connect(lambda value: percent.setText(f"{value} %"))
        opacity_row = QHBoxLayout()
        opacity_row.addWidget(self.opacity, 1)
        opacity_row.addWidget(percent)
        self.opacity_text = percent
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Opacity"), opacity_row)
        self.crs_edit: QLineEdit | None = None
        for label, text in describe(self.layer, self.project)[1:]:
            if label == translate("LayerInfo", "CRS") and isinstance(self.layer, VectorLayer | RasterLayer):
                form.addRow(label, self._crs_chooser(text))
                continue
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value)
        return page

    def _crs_chooser(self, current: str) -> QWidget:
        """Set Layer CRS, as in QGIS: say which CRS the coordinates are in (the file names none, or a wrong one).

        The coordinates are not changed, only what they are said to mean; the project remembers the choice."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        crs = self.layer.crs if self.layer.crs is not None else self.project.crs
        self.crs_edit = QLineEdit(crs.to_string() if crs is not None else "")
        self._crs_shown = self.crs_edit.text()
        self.crs_edit.setPlaceholderText(self.tr("e.g. EPSG:32649 or EPSG:4326"))
        self.crs_edit.setToolTip(
            self.tr("The coordinate system the file's coordinates are in (EPSG code, WKT or PROJ)"))
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._choose_crs)
        row = QHBoxLayout()
        row.addWidget(self.crs_edit, 1)
        row.addWidget(choose)
        if self.layer.crs is None:
            hint = QLabel(
                self.tr("Unknown: the file names none. Give the coordinate system its coordinates are in; the "
                          "project remembers it."))
        else:
            hint = QLabel(current + "\n" + self.tr("Set Layer CRS: if the coordinates are in another system than "
                                                   "the file says, give it here. The coordinates are kept as they "
                                                   "are, not reprojected."))
        hint.setWordWrap(True)
        column.addLayout(row)
        column.addWidget(hint)
        return box

    def _choose_crs(self) -> None:
        from workbench.dialogs.project_properties import CrsSearchDialog

        dialog = CrsSearchDialog(self.crs_edit.text().strip(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.selected_crs is not None:
            self.crs_edit.setText(dialog.selected_crs.to_string())

    def _fields(self) -> QWidget:
        rows = field_rows(self.layer)
        table = QTableWidget(len(rows), 4)
        table.setHorizontalHeaderLabels([
            self.tr("Field"), self.tr("Type"), self.tr("Values present"), self.tr("Example")])
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        return table

    def _notes(self) -> QWidget:
        notes = QListWidget()
        notes.setWordWrap(True)
        notes.addItems(self.layer.notes or [self.tr("The layer loaded without remarks.")])
        return notes

    def apply(self) -> bool:
        """Write the dialog back to the layer; False (and a message) when the CRS given cannot be read."""
        if not self._apply_crs():
            return False
        name = self.name_edit.text().strip()
        if name and name != self.layer.name:
            self.layer.name = self.project.unique_name(name)
        self.layer.opacity = self.opacity.value() / 100.0
        self.layer.style = self.style_editor.build_style()
        return True

    def _apply_crs(self) -> bool:
        text = self.crs_edit.text().strip() if self.crs_edit is not None else ""
        if not text or (self.layer.crs is not None and text == self._crs_shown):
            return True
        try:
            crs = pyproj.CRS.from_user_input(text)
        except pyproj.exceptions.CRSError as exc:
            show_error(self, self.tr("Unknown coordinate system"),
                       self.tr("Layer \u201c{layer}\u201d: '{text}' is not a coordinate system ({problem}). Use an "
                               "EPSG code such as EPSG:32649.").format(layer=self.layer.name, text=text, problem=exc))
            return False
        old = self.layer.crs
        code = crs.to_string()
        self.layer.assign_crs(crs)  # assigned, not reprojected
        options = self.layer.metadata.setdefault("source_options", {})
        options["crs"] = code  # the project opens the file with it next time
        if old is None:
            note = self.tr("CRS set to {name} ({code}) by hand").format(name=crs.name, code=code)
        else:
            note = self.tr("CRS set to {name} ({code}) by hand (was {old}; coordinates unchanged)").format(
                name=crs.name, code=code, old=old.to_string())
        self.layer.notes.append(note)
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()
