"""One input widget per parameter type, generated from the declaration (as QGIS Processing does).

Every widget offers ``value()`` (the raw value handed to ``Algorithm.validate_parameters``), ``set_value(raw)``
(for re-runs from the history) and a ``changed`` signal. Layer pickers list only the project layers the
parameter accepts; field pickers follow the layer chosen in their parent parameter; spin boxes carry the
unit and the range.
"""

from __future__ import annotations

import math
import os
from typing import Any

import pandas as pd
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from layers.io.formats import read_filters
from layers.layer import Layer, RasterLayer, VectorLayer
from plugins.api import (
    BoolParameter,
    ChoiceParameter,
    Context,
    CrsParameter,
    DistanceParameter,
    ExpressionParameter,
    ExtentParameter,
    FieldParameter,
    FileParameter,
    IntegerParameter,
    LayerDistancesParameter,
    LayerParameter,
    NumberParameter,
    Parameter,
    StringParameter,
)

NONE_TEXT = QT_TRANSLATE_NOOP("ParameterWidget", "(none)")


def none_text() -> str:
    """What an optional choice left empty reads, in the interface's language."""
    return QCoreApplication.translate("ParameterWidget", NONE_TEXT)
_SPIN_LIMIT = 1e12


class ParameterWidget(QWidget):
    """Base: a row of child widgets with the raw value of one parameter."""

    changed = pyqtSignal()

    def __init__(self, parameter: Parameter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parameter = parameter
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.setToolTip(parameter.help or parameter.describe())
        self.setObjectName(f"parameter_{parameter.name}")

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def mark_invalid(self, invalid: bool) -> None:
        """A red frame around the widget whose value was refused."""
        frame = "QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox { border: 2px solid #d7191c; }"
        self.setStyleSheet(frame if invalid else "")
        self.setProperty("invalid", invalid)


def empty_layer_text(parameter: LayerParameter) -> str:
    """What an empty layer picker says: which layer it wants and that a file will do."""
    wanted = " or ".join(parameter.kinds) if parameter.kinds else ("raster" if parameter.raster else "suitable")
    return f"(no {wanted} layer: pick a file with …)"


class LayerInput(ParameterWidget):
    """Project layers that fit the parameter (vector/raster, kind, geometry), plus files chosen with Browse."""

    def __init__(self, parameter: LayerParameter, project: Any, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        self.project = project
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.browse = QPushButton("…", self)
        self.browse.setToolTip(self.tr("Choose a file"))
        self.browse.setFixedWidth(32)
        self.row.addWidget(self.combo, 1)
        self.row.addWidget(self.browse)
        self.browse.clicked.connect(self._choose_file)
        self.combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.refresh()
        self._suggest()

    def _suggest(self) -> None:
        """An optional picker starts on the project's layer of the kind it suggests (its demand, schools,
        existing sites) when there is exactly one; with none or several, the planner chooses."""
        parameter: LayerParameter = self.parameter
        if not parameter.optional or not parameter.suggest:
            return
        matching = [layer for layer in (self.project or []) if layer.kind in parameter.suggest
                    and self.accepts(layer)]
        if len(matching) == 1:
            self.set_value(matching[0])

    def accepts(self, layer: Layer) -> bool:
        parameter: LayerParameter = self.parameter
        if isinstance(layer, RasterLayer) != parameter.raster:
            return False
        if parameter.kinds and layer.kind not in parameter.kinds and layer.kind is not None:
            return False
        if parameter.geometry and isinstance(layer, VectorLayer):
            return layer.geometry_type in parameter.geometry or layer.geometry_type == "empty"
        return True

    def refresh(self) -> None:
        """Re-list the project's layers, keeping the current choice when it is still there."""
        current = self.value()
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.parameter.optional:
            self.combo.addItem(none_text(), None)
        layers = [layer for layer in reversed(list(self.project or [])) if self.accepts(layer)]  # top first
        # Layers of the wanted kind first, top of the layer list first (as a planner sees them).
        layers.sort(key=lambda layer: layer.kind is None)
        for layer in layers:
            self.combo.addItem(layer.name, layer)
        if self.combo.count() == 0:  # say what is missing rather than show an empty box (the value stays None)
            self.combo.addItem(empty_layer_text(self.parameter), None)
            self.combo.setItemData(0, empty_layer_text(self.parameter), Qt.ItemDataRole.ToolTipRole)
        self.combo.blockSignals(False)
        if isinstance(current, str) or any(layer is current for layer in layers):
            self.set_value(current)  # a removed layer is not brought back
        self.changed.emit()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.parameter.description, "", ";;".join(read_filters()))
        if path:
            self.set_value(path)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        for index in range(self.combo.count()):
            data = self.combo.itemData(index)
            if data is value or (isinstance(data, Layer) and isinstance(value, str) and data.name == value) \
                    or (isinstance(data, str) and data == value):
                self.combo.setCurrentIndex(index)
                return
        if isinstance(value, str | os.PathLike):
            text = os.fspath(value)
            self.combo.addItem(os.path.basename(text.split("|")[0]) or text, text)
            self.combo.setItemData(self.combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
            self.combo.setCurrentIndex(self.combo.count() - 1)
        elif isinstance(value, Layer):
            self.combo.addItem(value.name, value)
            self.combo.setCurrentIndex(self.combo.count() - 1)

    def current_layer(self) -> VectorLayer | None:
        """The chosen layer when it is already open (files are read at run time)."""
        data = self.value()
        return data if isinstance(data, VectorLayer) else None


class FieldInput(ParameterWidget):
    """Fields of the layer chosen in the parent parameter; re-filled when that choice changes."""

    def __init__(self, parameter: FieldParameter, parent_input: ParameterWidget | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        self.parent_input = parent_input
        self.combo = QComboBox(self)
        self.combo.setEditable(True)  # a file layer's fields are known only at run time: type the name
        self.row.addWidget(self.combo, 1)
        self.combo.currentTextChanged.connect(lambda _: self.changed.emit())
        if parent_input is not None:
            parent_input.changed.connect(self.refill)
        self.refill()

    def refill(self) -> None:
        current = self.combo.currentText()
        layer = self.parent_input.current_layer() if isinstance(self.parent_input, LayerInput) else None
        names = []
        if layer is not None:
            frame = layer.gdf
            for name in layer.fields:
                column = frame[name]
                numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
                if numeric or not self.parameter.numeric:
                    names.append(str(name))
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.parameter.optional:
            self.combo.addItem(none_text())
        self.combo.addItems(names)
        default = self.parameter.default
        for wanted in (current, default):
            if wanted and wanted in names:
                self.combo.setCurrentText(wanted)
                break
        self.combo.blockSignals(False)
        self.changed.emit()

    def value(self) -> Any:
        text = self.combo.currentText().strip()
        return None if text in ("", none_text()) else text

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentText(none_text() if value is None else str(value))


class NumberInput(ParameterWidget):
    """A spin box with the unit as suffix and the declared range; an optional number may be left empty."""

    def __init__(self, parameter: NumberParameter | IntegerParameter, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        integer = isinstance(parameter, IntegerParameter)
        self.spin = QSpinBox(self) if integer else QDoubleSpinBox(self)
        limit = 2**31 - 1 if integer else _SPIN_LIMIT
        low = parameter.minimum if parameter.minimum is not None else -limit
        high = parameter.maximum if parameter.maximum is not None else limit
        if not integer:
            self.spin.setDecimals(2)
        self.spin.setRange(int(low) if integer else float(low), int(high) if integer else float(high))
        unit = getattr(parameter, "unit", "")
        if unit:
            self.spin.setSuffix(f" {unit}")
        self.spin.setAccelerated(True)
        self.row.addWidget(self.spin, 1)
        self.empty = None
        if parameter.optional:
            self.empty = QCheckBox(self.tr("use"), self)
            self.empty.setToolTip(self.tr("Tick to give this optional value; unticked, the algorithm runs without it"))
            self.empty.toggled.connect(self.spin.setEnabled)
            self.empty.toggled.connect(lambda _: self.changed.emit())
            self.row.addWidget(self.empty)
        self.spin.valueChanged.connect(lambda _: self.changed.emit())
        self.set_value(parameter.default)

    def value(self) -> Any:
        if self.empty is not None and not self.empty.isChecked():
            return None
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        number = None
        if value is not None and value != "":
            try:
                number = self.parameter.validate(value, Context(), {})
            except ValueError:
                number = None
        if self.empty is not None:
            self.empty.setChecked(number is not None)
            self.spin.setEnabled(number is not None)
        if number is not None and math.isfinite(number):
            self.spin.setValue(int(number) if isinstance(self.spin, QSpinBox) else float(number))
        elif self.parameter.minimum is not None and self.parameter.minimum > 0:
            self.spin.setValue(self.spin.minimum())
        else:
            self.spin.setValue(0)


class ChoiceInput(ParameterWidget):
    def __init__(self, parameter: ChoiceParameter, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        self.combo = QComboBox(self)
        if parameter.optional:
            self.combo.addItem(none_text(), None)
        for option in parameter.options:
            self.combo.addItem(parameter.label_of(option), option)
        self.row.addWidget(self.combo, 1)
        self.combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.set_value(parameter.default)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        if value is None:
            self.combo.setCurrentIndex(0)
            return
        for index in range(self.combo.count()):
            option = self.combo.itemData(index)
            if option is not None and option.lower() == str(value).lower():
                self.combo.setCurrentIndex(index)


class BoolInput(ParameterWidget):
    def __init__(self, parameter: BoolParameter, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        self.check = QCheckBox(self)
        self.row.addWidget(self.check, 1)
        self.check.toggled.connect(lambda _: self.changed.emit())
        self.set_value(parameter.default)

    def value(self) -> Any:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        try:
            checked = bool(self.parameter.validate(value, Context(), {})) if value is not None else False
        except ValueError:
            checked = False
        self.check.setChecked(checked)


class TextInput(ParameterWidget):
    """A line (CRS, extent, text, expression) or a box (multiline text), with an optional Browse button."""

    def __init__(self, parameter: Parameter, parent: QWidget | None = None, *, placeholder: str = "",
                 completions: list[str] | None = None) -> None:
        super().__init__(parameter, parent)
        multiline = isinstance(parameter, StringParameter) and parameter.multiline
        self.edit = QPlainTextEdit(self) if multiline else QLineEdit(self)
        self.edit.setPlaceholderText(placeholder or parameter.describe())
        if completions and isinstance(self.edit, QLineEdit):
            self.edit.setCompleter(QCompleter(completions, self))
        self.row.addWidget(self.edit, 1)
        self.edit.textChanged.connect(lambda *_: self.changed.emit())
        self.set_value(parameter.default)

    def text(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()

    def value(self) -> Any:
        text = self.text().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else (value.to_string() if hasattr(value, "to_string") else str(value))
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)


class FileInput(TextInput):
    def __init__(self, parameter: FileParameter, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        button = QPushButton("…", self)
        button.setFixedWidth(32)
        button.setToolTip(self.tr("Choose a file"))
        button.clicked.connect(self._choose)
        self.row.addWidget(button)

    def _choose(self) -> None:
        patterns = " ".join(f"*{e}" for e in self.parameter.extensions) or "*"
        path, _ = QFileDialog.getOpenFileName(self, self.parameter.description, "", f"Files ({patterns})")
        if path:
            self.set_value(path)


class ExtentInput(TextInput):
    """``minx,miny,maxx,maxy`` in the project CRS, with a button that takes the project's current view."""

    def __init__(self, parameter: ExtentParameter, project: Any, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent, placeholder=QCoreApplication.translate(
            "ExtentInput", "minx, miny, maxx, maxy (project CRS)"))
        self.project = project
        button = QPushButton(self.tr("View"), self)
        button.setToolTip(self.tr("Use the map's current view (or the full extent of the project)"))
        button.clicked.connect(self.use_view)
        self.row.addWidget(button)

    def use_view(self) -> None:
        if self.project is None:
            return
        extent = self.project.view_extent or self.project.full_extent()
        if extent is not None:
            self.set_value(",".join(f"{v:.2f}" for v in extent))


class ExpressionInput(TextInput):
    """An expression line that completes the field names of the parent layer."""

    def __init__(self, parameter: ExpressionParameter, parent_input: ParameterWidget | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent, placeholder=QCoreApplication.translate(
            "ExpressionInput", 'e.g. price_m2 < 200 and industry == "finance"'))
        self.parent_input = parent_input
        if isinstance(parent_input, LayerInput):
            parent_input.changed.connect(self._complete_fields)
            self._complete_fields()

    def _complete_fields(self) -> None:
        layer = self.parent_input.current_layer()
        fields = [str(f) if str(f).isidentifier() else f"`{f}`" for f in (layer.fields if layer else [])]
        self.edit.setCompleter(QCompleter(fields, self))


class LayerDistancesInput(ParameterWidget):
    """One row per layer: a picker of the project's vector layers and its distance; rows are added and removed
    with buttons. The value is a list of (layer, metres) pairs."""

    def __init__(self, parameter: LayerDistancesParameter, project: Any, parent: QWidget | None = None) -> None:
        super().__init__(parameter, parent)
        self.project = project
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.rows_box)
        add = QPushButton(self.tr("Add layer"), self)
        add.setToolTip(self.tr("Add a layer with its own distance"))
        add.clicked.connect(lambda: self.add_row())
        column.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        self.row.addLayout(column, 1)
        self.rows: list[tuple[QWidget, QComboBox, QDoubleSpinBox]] = []
        self.set_value(parameter.default)

    def add_row(self, layer: Any = None, distance: float | None = None) -> None:
        holder = QWidget(self)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        combo = QComboBox(holder)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        wanted = self.parameter.geometry
        for candidate in reversed(list(self.project or [])):
            if isinstance(candidate, VectorLayer) and (not wanted or candidate.geometry_type in wanted):
                combo.addItem(candidate.name, candidate)
        if isinstance(layer, str | os.PathLike) and combo.findText(os.fspath(layer)) < 0:
            combo.addItem(os.path.basename(os.fspath(layer).split("|")[0]) or os.fspath(layer), os.fspath(layer))
        elif isinstance(layer, VectorLayer) and all(combo.itemData(i) is not layer for i in range(combo.count())):
            combo.addItem(layer.name, layer)       # a layer outside the project (a re-run, a test)
        if layer is not None:
            for index in range(combo.count()):
                data = combo.itemData(index)
                if data is layer or combo.itemText(index) == layer or data == layer:
                    combo.setCurrentIndex(index)
        spin = QDoubleSpinBox(holder)
        spin.setRange(0.0, float(self.parameter.maximum))
        spin.setSuffix(" m")
        spin.setValue(float(self.parameter.distance if distance is None else distance))
        remove = QPushButton("−", holder)
        remove.setFixedWidth(32)
        remove.setToolTip(self.tr("Remove this layer"))
        line.addWidget(combo, 1)
        line.addWidget(spin)
        line.addWidget(remove)
        self.rows_box.addWidget(holder)
        entry = (holder, combo, spin)
        self.rows.append(entry)
        remove.clicked.connect(lambda: self._remove(entry))
        combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        spin.valueChanged.connect(lambda _: self.changed.emit())
        self.changed.emit()

    def _remove(self, entry: tuple[QWidget, QComboBox, QDoubleSpinBox]) -> None:
        self.rows.remove(entry)
        entry[0].deleteLater()
        self.changed.emit()

    def value(self) -> Any:
        pairs = [(combo.currentData(), spin.value()) for _, combo, spin in self.rows if combo.currentData() is not None]
        return pairs or None

    def set_value(self, value: Any) -> None:
        for entry in list(self.rows):
            self._remove(entry)
        if value is None or value == "":
            return
        try:
            pairs = self.parameter.items(value)
        except ValueError:
            return
        measure = DistanceParameter(self.parameter.name, self.parameter.description)
        for layer, distance in pairs:
            try:
                metres = measure.validate(distance, Context(), {})
            except ValueError:
                metres = None
            self.add_row(layer, metres)


def create_widget(parameter: Parameter, project: Any, widgets: dict[str, ParameterWidget],
                  parent: QWidget | None = None) -> ParameterWidget:
    """The input widget for ``parameter``; ``widgets`` holds those already made (a field's parent layer)."""
    if isinstance(parameter, LayerParameter):
        return LayerInput(parameter, project, parent)
    if isinstance(parameter, LayerDistancesParameter):
        return LayerDistancesInput(parameter, project, parent)
    if isinstance(parameter, FieldParameter):
        return FieldInput(parameter, widgets.get(parameter.parent), parent)
    if isinstance(parameter, NumberParameter | IntegerParameter):
        return NumberInput(parameter, parent)
    if isinstance(parameter, ChoiceParameter):
        return ChoiceInput(parameter, parent)
    if isinstance(parameter, BoolParameter):
        return BoolInput(parameter, parent)
    if isinstance(parameter, ExpressionParameter):
        return ExpressionInput(parameter, widgets.get(parameter.parent), parent)
    if isinstance(parameter, FileParameter):
        return FileInput(parameter, parent)
    if isinstance(parameter, ExtentParameter):
        return ExtentInput(parameter, project, parent)
    if isinstance(parameter, CrsParameter):
        widget = TextInput(parameter, parent, placeholder="e.g. EPSG:32649")
        if parameter.default is None and project is not None and project.crs is not None:
            widget.set_value(project.crs.to_string())
        return widget
    return TextInput(parameter, parent)


__all__ = ["LayerDistancesInput", "LayerInput", "ParameterWidget", "create_widget"]
