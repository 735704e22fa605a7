"""Import assistant: map a layer's own fields to a Lamplight kind (QGIS "Refactor fields", driven by the kinds).

One row per field of the chosen kind: its type and unit, whether it is required, and its source (one of the
layer's fields with an optional value map, an expression, a constant, or the kind's default), preselected from
``layers.field_suggestions``. The preview shows the first rows as they would load, with the problems
``kinds.validate`` finds. Suggesting (distinct values of whole columns), mapping the whole layer and reading or
writing mapping files run in a worker; only the 20-row preview is computed here. ``applied`` delivers the new
layer; the caller puts it in the project in place of the old one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from PyQt6 import sip
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from layers import LayerError, VectorLayer
from layers.building_heights import DEFAULT_HEIGHT_M, STOREY_HEIGHT_M
from layers.default_styles import default_style
from layers.field_mapping import CONSTANT, EXPRESSION, FIELD, FieldMapping, FieldSource, load_mapping, map_layer
from layers.field_mapping import apply_mapping as apply_field_mapping
from layers.field_suggestions import Suggestion, suggest_mapping
from layers.kinds import BOOL, FLOAT, INT, KINDS, FieldSpec, validate
from workbench.dialogs.dialog_worker import DialogWorker
from workbench.window.screen_fit import fit_to_screen

PREVIEW_ROWS = 20
DEFAULT = "default"
TARGET, TYPE, REQUIRED, MODE, VALUE, VALUES = range(6)
_PROBLEM = QColor(255, 220, 220)


def _mapped_layer(layer: VectorLayer, mapping: FieldMapping, name: str | None) -> VectorLayer:
    mapped = map_layer(layer, mapping, mapping_name=name)
    if mapped.style is None:
        mapped.style = default_style(mapped)
    return mapped


def _save(mapping: FieldMapping, path: str) -> Path:
    return mapping.save(path)


def value_map_text(values: dict[str, Any]) -> str:
    """``在用=active; 有=true`` for the value map cell."""
    def shown(value: Any) -> str:
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    return "; ".join(f"{key}={shown(value)}" for key, value in values.items())


def parse_value_map(text: str, field_type: str) -> dict[str, Any]:
    """The value map typed as ``a=b; c=d`` (yes/no fields take true/false)."""
    values: dict[str, Any] = {}
    for part in text.replace("；", ";").split(";"):
        key, equals, value = part.partition("=")
        if not equals or not key.strip():
            continue
        value = value.strip()
        if field_type == BOOL and value.lower() in ("true", "false"):
            values[key.strip()] = value.lower() == "true"
        else:
            values[key.strip()] = value
    return values


def _constant(text: str, field_type: str) -> Any:
    """A constant as typed, as a number for number fields when it reads as one (JSON keeps it a number)."""
    if field_type in (FLOAT, INT):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if field_type == INT and number.is_integer() else number
    return text


class ImportAssistant(QDialog):
    """Choose a kind and a source per field; OK maps the whole layer in a worker and emits ``applied``."""

    applied = pyqtSignal(object)  # VectorLayer

    def __init__(self, layer: VectorLayer, parent: QWidget | None = None,
                 suggestion: Suggestion | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportAssistant")
        self.setWindowTitle(self.tr("Import Assistant — {layer}").format(layer=layer.name))
        self.layer = layer
        self.sample = layer.gdf.head(PREVIEW_ROWS)
        self.fields = [str(c) for c in layer.gdf.columns if c != layer.gdf.geometry.name]
        self.mapping_name: str | None = None
        self.busy = 0
        self._quiet = 0
        self._closed = False
        #: A loaded mapping's renames and dropped fields, kept as they are (the table edits the kind's fields).
        self._extras: tuple[dict[str, str], list[str]] = ({}, [])
        self._unshown: dict[str, FieldSource] = {}
        self._requests = itertools.count()
        self._latest_suggestion = -1
        self._worker = DialogWorker(self, "import-assistant")
        self._worker.finished.connect(self._finished)
        self._build()
        if suggestion is not None:
            self.set_mapping(suggestion.mapping, suggestion.confidence)
        else:
            self.set_kind(layer.kind)
            self._suggest(layer.kind)
        fit_to_screen(self, 980, 720)

    # -- layout -------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.kind = QComboBox()
        self.kind.addItem(self.tr("No kind (keep the layer's own fields)"), None)
        for spec in KINDS.values():
            self.kind.addItem(f"{spec.label} ({spec.name})", spec.name)
        # Bound methods only, never lambdas holding the dialog: when a deleted dialog's children go, such a lambda
        # can drop the dialog's last Python reference mid-destruction, and the worker's pool then crashes PyQt.
        self.kind.activated.connect(self._kind_chosen)
        self.hint = QLabel(self.tr("Choose the source of each field; a field without one gets the kind's default."))
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Type"), self.tr("Required"),
                                              self.tr("Source"), self.tr("Field, expression or value"),
                                              self.tr("Value map (text=value; …)")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(VALUES, QHeaderView.ResizeMode.Stretch)
        self.preview = QTableWidget(0, 0)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel(self.tr("Preview of the first {rows} features as they would load").format(
            rows=PREVIEW_ROWS)))
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(self.problems)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(preview_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton(self.tr("Save Mapping…"))
        self.load_button = QPushButton(self.tr("Load Mapping…"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.load_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._choose_save)
        self.load_button.clicked.connect(self._choose_load)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.others = QComboBox()
        self.others.addItem(self.tr("Keep them"), "keep")
        self.others.addItem(self.tr("Drop them"), "drop")
        self.others.currentIndexChanged.connect(self.update_preview)
        self.storey_height = self._metres(STOREY_HEIGHT_M, 0.5, 20.0,
                                          self.tr("Height of one storey, for buildings with storeys but no height"))
        self.default_height = self._metres(DEFAULT_HEIGHT_M, 0.0, 1000.0,
                                           self.tr("Height of a building with neither height, storeys nor a known "
                                                   "type (see the height_source field after import)"))
        form = QFormLayout()
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(self.tr("The layer's other fields:"), self.others)
        form.addRow(self.tr("Storey height:"), self.storey_height)
        form.addRow(self.tr("Default building height:"), self.default_height)
        self.form = form
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

    def _metres(self, value: float, low: float, high: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setDecimals(1)
        box.setSuffix(" m")
        box.setValue(value)
        box.setToolTip(tip)
        box.valueChanged.connect(self.update_preview)
        return box

    def _show_height_rules(self, kind: str | None) -> None:
        """The height rules matter only for buildings, where missing heights are estimated."""
        for box in (self.storey_height, self.default_height):
            self.form.setRowVisible(box, kind == "buildings")

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    # -- the mapping shown ---------------------------------------------------------------------------------------
    def chosen_kind(self) -> str | None:
        return self.kind.currentData()

    def set_kind(self, kind: str | None) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self._fill_rows(kind)

    def _fill_rows(self, kind: str | None) -> None:
        self._show_height_rules(kind)
        specs = KINDS[kind].fields if kind else ()
        self._quiet += 1                 # no preview of half-built rows
        try:
            self.table.setRowCount(0)
            self.table.setRowCount(len(specs))
            for row, spec in enumerate(specs):
                self._fill_row(row, spec)
        finally:
            self._quiet -= 1
        self.table.resizeColumnsToContents()
        self.update_preview()

    def _fill_row(self, row: int, spec: FieldSpec) -> None:
        target = QTableWidgetItem(spec.name)
        target.setToolTip(spec.help)
        target.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setItem(row, TARGET, target)
        kind_type = f"{spec.type} ({spec.unit})" if spec.unit else spec.type
        for column, text in ((TYPE, kind_type), (REQUIRED, self.tr("required") if spec.required else "")):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, column, item)
        mode = QComboBox()
        default = (self.tr("(missing)") if spec.required else
                   self.tr("default: {value}").format(value=spec.default) if spec.default not in (None, "")
                   else self.tr("(empty)"))
        for text, data in ((default, DEFAULT), (self.tr("Field"), FIELD), (self.tr("Expression"), EXPRESSION),
                           (self.tr("Constant"), CONSTANT)):
            mode.addItem(text, data)
        value = QComboBox()
        value.setEditable(True)
        value.addItems(self.fields)
        value.setCurrentIndex(-1)
        values = QLineEdit()
        self.table.setCellWidget(row, MODE, mode)
        self.table.setCellWidget(row, VALUE, value)
        self.table.setCellWidget(row, VALUES, values)
        mode.currentIndexChanged.connect(self._mode_box_changed)
        value.currentTextChanged.connect(self.update_preview)
        values.editingFinished.connect(self.update_preview)
        self._mode_changed(row)

    def _widgets(self, row: int) -> tuple[QComboBox, QComboBox, QLineEdit]:
        return self.table.cellWidget(row, MODE), self.table.cellWidget(row, VALUE), self.table.cellWidget(row, VALUES)

    def row_of(self, target: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, TARGET).text() == target:
                return row
        raise KeyError(target)

    def set_source(self, target: str, mode: str, value: Any = "", values: dict[str, Any] | None = None) -> None:
        """Show ``target``'s source (``default``, ``field``, ``expression`` or ``constant``)."""
        mode_box, value_box, values_edit = self._widgets(self.row_of(target))
        value_box.blockSignals(True)
        value_box.setEditText("" if value is None else str(value))
        value_box.blockSignals(False)
        values_edit.setText(value_map_text(values or {}))
        mode_box.setCurrentIndex(mode_box.findData(mode))
        self._mode_changed(self.row_of(target))

    def _alive(self) -> bool:
        """False while the dialog is being deleted: its combo boxes still emit as Qt takes the table apart."""
        return not (sip.isdeleted(self) or sip.isdeleted(self.table) or self._closed)

    def _mode_box_changed(self) -> None:
        box = self.sender()
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, MODE) is box:
                self._mode_changed(row)

    def _mode_changed(self, row: int) -> None:
        if not self._alive():
            return
        mode_box, value_box, values_edit = self._widgets(row)
        mode = mode_box.currentData()
        value_box.setEnabled(mode != DEFAULT)
        values_edit.setEnabled(mode == FIELD)
        if mode == FIELD and value_box.currentText() not in self.fields and self.fields:
            value_box.setCurrentIndex(0)
        self.update_preview()

    def set_mapping(self, mapping: FieldMapping, confidence: dict[str, float] | None = None) -> None:
        """Show ``mapping``: its kind and one source per field (others at their default)."""
        self._quiet += 1
        try:
            self.set_kind(mapping.kind)
            self._extras = (dict(mapping.rename), list(mapping.drop))
            self.others.setCurrentIndex(max(0, self.others.findData(mapping.others)))
            self.storey_height.setValue(mapping.heights.get("storey_height_m", STOREY_HEIGHT_M))
            self.default_height.setValue(mapping.heights.get("default_height_m", DEFAULT_HEIGHT_M))
            shown = {self.table.item(row, TARGET).text() for row in range(self.table.rowCount())}
            # fields a mapping without a kind makes (no rows to show them in): kept as they are
            self._unshown = {t: source for t, source in mapping.fields.items() if t not in shown}
            for target, source in mapping.fields.items():
                if target not in shown:
                    continue
                self.set_source(target, source.mode, source.value, source.values)
                if confidence and target in confidence:
                    self.table.item(self.row_of(target), TARGET).setToolTip(
                        self.tr("suggested with confidence {percent:.0%}").format(percent=confidence[target]))
        finally:
            self._quiet -= 1
        self.update_preview()

    def mapping(self) -> FieldMapping:
        """The mapping the table shows."""
        kind = self.chosen_kind()
        fields = {}
        for row in range(self.table.rowCount()):
            target = self.table.item(row, TARGET).text()
            field_type = KINDS[kind].field(target).type
            mode_box, value_box, values_edit = self._widgets(row)
            mode, text = mode_box.currentData(), value_box.currentText().strip()
            if mode == DEFAULT or (not text and mode != CONSTANT):
                continue
            value = _constant(text, field_type) if mode == CONSTANT else text
            values = parse_value_map(values_edit.text(), field_type) if mode == FIELD else {}
            fields[target] = FieldSource(mode, value, values)
        if kind is None:
            fields.update(self._unshown)
        rename, drop = self._extras
        heights = {"storey_height_m": self.storey_height.value(), "default_height_m": self.default_height.value()} \
            if kind == "buildings" else {}
        return FieldMapping(kind, fields, self.others.currentData(), dict(rename), list(drop), heights)

    # -- preview -----------------------------------------------------------------------------------------------
    def update_preview(self, *_: Any) -> None:
        """Map and validate the first rows; show them, or the problems (their fields marked in the table)."""
        if self._quiet or not self._alive():
            return
        mapping = self.mapping()
        frame, problem = None, None
        try:
            frame, _ = apply_field_mapping(self.sample, mapping, mapping_name=self.mapping_name)
            if mapping.kind is not None:
                frame, _ = validate(frame, mapping.kind)
        except LayerError as exc:
            problem = exc.problem
        except Exception as exc:  # noqa: BLE001 - an odd constant must read as a problem, not a traceback
            problem = f"{type(exc).__name__}: {exc}"
        self._mark_problems(problem or "")
        if problem:
            self.problems.setText(self.tr("Does not load yet: {problem}").format(problem=problem))
            self.problems.setStyleSheet("color: #b00020;")
        else:
            self.problems.setText(self.tr("The first {rows} features fit; OK maps all {count:,}.").format(
                rows=len(self.sample), count=len(self.layer.gdf)) if mapping.kind else
                self.tr("The layer will have no kind."))
            self.problems.setStyleSheet("")
        self._show_frame(frame if frame is not None else self.sample)

    def _mark_problems(self, problem: str) -> None:
        for row in range(self.table.rowCount()):
            target = self.table.item(row, TARGET).text()
            wrong = f"- {target}:" in problem or f"'{target}'" in problem or f" {target} <-" in problem
            self.table.item(row, TARGET).setBackground(_PROBLEM if wrong else QColor(0, 0, 0, 0))

    def _show_frame(self, frame: pd.DataFrame) -> None:
        geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
        columns = [c for c in frame.columns if c != geometry]
        self.preview.clear()
        self.preview.setColumnCount(len(columns))
        self.preview.setRowCount(len(frame))
        self.preview.setHorizontalHeaderLabels([str(c) for c in columns])
        for column, name in enumerate(columns):
            for row, value in enumerate(frame[name].tolist()):
                shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
                self.preview.setItem(row, column, QTableWidgetItem(shown))

    def preview_values(self, column: str) -> list[str]:
        """The preview's cells of ``column`` as shown."""
        headers = [self.preview.horizontalHeaderItem(c).text() for c in range(self.preview.columnCount())]
        index = headers.index(column)
        return [self.preview.item(row, index).text() for row in range(self.preview.rowCount())]

    # -- worker jobs --------------------------------------------------------------------------------------------
    def _run(self, tag: str, job: Callable[..., Any], *args: Any) -> None:
        self.busy += 1
        self.ok_button.setEnabled(False)
        self._worker.run(tag, job, *args)

    def _kind_chosen(self, *_: Any) -> None:
        kind = self.chosen_kind()
        self._fill_rows(kind)
        self.update_preview()
        if kind is not None:
            self._suggest(kind)

    def _suggest(self, kind: str | None) -> None:
        self._latest_suggestion = next(self._requests)
        self._run(f"suggest:{self._latest_suggestion}", suggest_mapping, self.layer.gdf, self.layer.name, kind)

    def _finished(self, tag: str, result: Any, error: str | None) -> None:
        self.busy -= 1
        self.ok_button.setEnabled(self.busy == 0)
        kind, _, request = tag.partition(":")
        if error is not None:
            self.problems.setText(error)
            self.problems.setStyleSheet("color: #b00020;")
        elif kind == "suggest" and int(request) == self._latest_suggestion:
            if result.mapping.kind is not None and (result.mapping.kind == self.chosen_kind() or
                                                    self.chosen_kind() is None):
                self.set_mapping(result.mapping, result.confidence)
        elif kind == "load":
            self.mapping_name = request
            self.set_mapping(result)
        elif kind == "save":
            self.mapping_name = Path(result).name
            self.problems.setText(self.tr("Mapping saved to {path}").format(path=result))
        elif kind == "apply":
            self.applied.emit(result)
            super().accept()

    # -- files ------------------------------------------------------------------------------------------------
    def save_mapping(self, path: str | Path) -> None:
        self._run("save", _save, self.mapping(), str(path))

    def load_mapping(self, path: str | Path) -> None:
        self._run(f"load:{Path(path).name}", load_mapping, str(path))

    def _choose_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Field Mapping"), self._start_folder(),
                                              self.tr("Field mapping (*.json)"))
        if path:
            self.save_mapping(path if path.lower().endswith(".json") else path + ".json")

    def _choose_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load Field Mapping"), self._start_folder(),
                                              self.tr("Field mapping (*.json)"))
        if path:
            self.load_mapping(path)

    def _start_folder(self) -> str:
        source = Path(str(self.layer.source)) if self.layer.source else None
        return str(source.parent) if source is not None and source.parent.is_dir() else ""

    # -- result ------------------------------------------------------------------------------------------------
    def accept(self) -> None:
        """Map the whole layer in the worker; the dialog closes when it loads, and stays with the reason if not."""
        self.problems.setText(self.tr("Mapping {count:,} features…").format(count=len(self.layer.gdf)))
        self._run("apply", _mapped_layer, self.layer, self.mapping(), self.mapping_name)

    def done(self, result: int) -> None:
        self._closed = True
        self._worker.pool.close()
        super().done(result)
