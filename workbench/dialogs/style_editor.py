"""Style editor: single symbol, categorised or graduated (method, classes, ramp), labels; raster colour ramps.

The widget edits a copy and produces a ``layers.styles`` object with ``build_style()``; nothing touches the
layer until the dialog applies it, so Cancel really cancels. ``load_style`` shows another style (a QGIS QML
loaded with the Load QML… button, ``style_files``) for editing in the same way.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from PyQt6.QtCore import QCoreApplication, QSignalBlocker, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PyQt6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from layers import Layer, RasterLayer, VectorLayer
from layers.kinds import KINDS
from layers.styles import (
    MARKERS,
    RAMPS,
    Categorized,
    Category,
    Graduated,
    GraduatedClass,
    Labels,
    RasterRamp,
    SingleSymbol,
    Style,
    Symbol,
    categorize,
    classify,
    format_colour,
    interpolate_colour,
    parse_colour,
    ramp_colours,
    ramp_stops,
)
from workbench.dialogs.style_files import StyleFileButtons
from workbench.docks.legend_icons import qcolor, symbol_icon

SINGLE, CATEGORISED, GRADUATED = "Single symbol", "Categorised", "Graduated"
METHODS = {"Quantile (equal count)": "quantile", "Equal interval": "equal", "Natural breaks (Jenks)": "jenks"}
KEEP_STOPS = "(current colours)"


def colour_text(colour: QColor) -> str:
    return format_colour((colour.red(), colour.green(), colour.blue(), colour.alpha()))


class ColourButton(QToolButton):
    """A swatch that opens the colour picker; keeps '#RRGGBB[AA]' text like the styles do."""

    changed = pyqtSignal(str)

    def __init__(self, colour: str = "#3182bd", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(60)
        self.clicked.connect(self._pick)
        self.set_colour(colour)

    def colour(self) -> str:
        return self._colour

    def set_colour(self, colour: str) -> None:
        parse_colour(colour)
        self._colour = colour
        pixmap = QPixmap(36, 14)
        pixmap.fill(qcolor(colour))
        self.setIcon(QIcon(pixmap))
        self.setIconSize(pixmap.size())
        self.setToolTip(colour)
        self.changed.emit(colour)

    def _pick(self) -> None:
        chosen = QColorDialog.getColor(qcolor(self._colour), self, self.tr("Choose colour"),
                                       QColorDialog.ColorDialogOption.ShowAlphaChannel)
        if chosen.isValid():
            self.set_colour(colour_text(chosen))


class SymbolEditor(QWidget):
    """Fill, stroke, stroke width, size and marker of one symbol."""

    def __init__(self, symbol: Symbol, family: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fill = ColourButton(symbol.fill)
        self.stroke = ColourButton(symbol.stroke)
        self.stroke_width = QDoubleSpinBox()
        self.stroke_width.setRange(0.0, 20.0)
        self.stroke_width.setSingleStep(0.1)
        self.stroke_width.setSuffix(self.tr(" pt"))
        self.stroke_width.setValue(symbol.stroke_width)
        self.size = QDoubleSpinBox()
        self.size.setRange(0.5, 60.0)
        self.size.setSuffix(self.tr(" pt"))
        self.marker = QComboBox()
        self.marker.addItems(MARKERS)
        self.set_symbol(symbol)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        cells = []
        if family != "line":
            cells.append((self.tr("Fill"), self.fill))
        cells += [(self.tr("Outline") if family != "line" else self.tr("Line colour"), self.stroke),
                  (self.tr("Outline width") if family != "line" else self.tr("Line width"), self.stroke_width)]
        if family in ("point", "mixed"):
            cells += [(self.tr("Size"), self.size), (self.tr("Marker"), self.marker)]
        for i, (label, widget) in enumerate(cells):  # two label/field pairs per row keeps the dialog short
            row, column = divmod(i, 2)
            grid.addWidget(QLabel(label), row, column * 2)
            grid.addWidget(widget, row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def set_symbol(self, symbol: Symbol) -> None:
        self.fill.set_colour(symbol.fill)
        self.stroke.set_colour(symbol.stroke)
        self.stroke_width.setValue(symbol.stroke_width)
        self.size.setValue(symbol.size)
        self.marker.setCurrentText(symbol.marker)

    def symbol(self) -> Symbol:
        return Symbol(fill=self.fill.colour(), stroke=self.stroke.colour(), stroke_width=self.stroke_width.value(),
                      size=self.size.value(), marker=self.marker.currentText())


def first_symbol(style: Style | None) -> Symbol:
    """The symbol that best represents a style, as the template for new classes."""
    if isinstance(style, SingleSymbol):
        return style.symbol
    if isinstance(style, Categorized) and style.categories:
        return style.categories[0].symbol
    if isinstance(style, Graduated) and style.classes:
        return style.classes[0].symbol
    return Symbol()


def field_unit(layer: VectorLayer, field: str) -> str:
    """The unit the municipal schema gives a field (shown in the legend), or ''."""
    spec = KINDS.get(layer.kind or "")
    if spec is None:
        return ""
    try:
        return spec.field(field).unit
    except KeyError:
        return ""


class VectorStyleEditor(QWidget):
    def __init__(self, layer: VectorLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        style = layer.style
        family = layer.geometry_type
        self._sectors = getattr(style, "sectors", None)
        self.kind = QComboBox()
        self.kind.addItems([SINGLE, CATEGORISED, GRADUATED])
        self.symbol = SymbolEditor(first_symbol(style), family)
        symbol_box = QGroupBox(self.tr("Symbol"))
        QVBoxLayout(symbol_box).addWidget(self.symbol)
        self.kind.currentTextChanged.connect(
            lambda kind: symbol_box.setTitle(self.tr("Symbol") if kind == SINGLE
                                             else self.tr("Symbol (colours come from the classes)")))
        self.stack = QStackedWidget()
        self.stack.addWidget(QLabel(self.tr("Every feature is drawn with the symbol above.")))
        self.stack.addWidget(self._build_categorised())
        self.stack.addWidget(self._build_graduated())
        self.kind.currentIndexChanged.connect(self.stack.setCurrentIndex)
        self.labels_box = self._build_labels(getattr(style, "labels", None))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Style")))
        top.addWidget(self.kind, 1)
        layout.addLayout(top)
        layout.addWidget(symbol_box)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.labels_box)
        self.files = StyleFileButtons(self)
        layout.addWidget(self.files)
        self._load(style)
        self._follow_choices()

    # -- categorised and graduated panels -----------------------------------------------------------------
    def _build_categorised(self) -> QWidget:
        self.category_field = QComboBox()
        self.category_field.addItems(self.layer.fields)
        classify_button = QPushButton(self.tr("Classify"))
        classify_button.clicked.connect(self.classify_categories)
        self.category_table = _class_table(["", self.tr("Value"), self.tr("Label")])
        self.category_table.cellDoubleClicked.connect(self._recolour_category)
        self.categories: list[Category] = []
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Field")))
        row.addWidget(self.category_field, 1)
        row.addWidget(classify_button)
        layout.addLayout(row)
        layout.addWidget(self.category_table, 1)
        return page

    def _build_graduated(self) -> QWidget:
        numeric = [f for f in self.layer.fields if pd.api.types.is_numeric_dtype(self.layer.gdf[f])
                   and not pd.api.types.is_bool_dtype(self.layer.gdf[f])]
        self.graduated_field = QComboBox()
        self.graduated_field.addItems(numeric)
        self.method = QComboBox()
        self.method.addItems(METHODS)
        self.class_count = QSpinBox()
        self.class_count.setRange(2, 12)
        self.class_count.setValue(5)
        self.ramp = ramp_combo()
        self.ramp.setCurrentText("YlOrRd")
        classify_button = QPushButton(self.tr("Classify"))
        classify_button.clicked.connect(self.classify_graduated)
        self.class_table = _class_table(["", self.tr("From"), self.tr("To"), self.tr("Label")])
        self.class_table.cellDoubleClicked.connect(self._recolour_class)
        self.class_note = QLabel()  # why no classes could be made, where the classes would be
        self.class_note.setWordWrap(True)
        self.class_note.setStyleSheet("color: #b00020;")
        self.class_note.hide()
        self.classes: list[GraduatedClass] = []
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow(self.tr("Field"), self.graduated_field)
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Classes"), self.class_count)
        form.addRow(self.tr("Colour ramp"), self.ramp)
        form.addRow(classify_button)
        layout.addLayout(form)
        layout.addWidget(self.class_note)
        layout.addWidget(self.class_table, 1)
        return page

    def _build_labels(self, labels: Labels | None) -> QGroupBox:
        box = QGroupBox(self.tr("Labels"))
        box.setCheckable(True)
        box.setChecked(labels is not None)
        self.label_field = QComboBox()
        self.label_field.addItems(self.layer.fields)
        self.label_size = QDoubleSpinBox()
        self.label_size.setRange(4.0, 36.0)
        self.label_size.setSuffix(self.tr(" pt"))
        self.label_colour = ColourButton(labels.colour if labels else "#202020")
        self.label_min_scale = QSpinBox()
        self.label_min_scale.setRange(0, 10_000_000)
        self.label_min_scale.setSingleStep(5000)
        self.label_min_scale.setPrefix("1:")
        self.label_min_scale.setSpecialValueText(self.tr("always shown"))
        self._set_labels(labels)
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, (label, widget) in enumerate(((self.tr("Field"), self.label_field), (self.tr("Size"), self.label_size),
                                             (self.tr("Colour"), self.label_colour),
                                             (self.tr("Hide beyond"), self.label_min_scale))):
            row, column = divmod(i, 2)
            grid.addWidget(QLabel(label), row, column * 2)
            grid.addWidget(widget, row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.label_min_scale.setToolTip(self.tr("Labels are hidden when the map scale is smaller than 1:N"))
        QVBoxLayout(box).addWidget(content)
        content.setVisible(box.isChecked())
        box.setFlat(not box.isChecked())  # an empty frame under an unchecked box read as a blank input field
        box.toggled.connect(content.setVisible)  # unchecked labels take no room
        box.toggled.connect(lambda checked: box.setFlat(not checked))
        return box

    def _set_labels(self, labels: Labels | None) -> None:
        shown = labels or Labels(self.layer.fields[0] if self.layer.fields else "")
        self.label_field.setCurrentText(shown.field)
        self.label_size.setValue(shown.size)
        self.label_colour.set_colour(shown.colour)
        self.label_min_scale.setValue(int(shown.min_scale or 0))

    def load_style(self, style: Style) -> None:
        """Show ``style`` (e.g. read from a QGIS QML) for editing; the layer keeps its own until OK or Apply."""
        blockers = [QSignalBlocker(w) for w in (self.category_field, self.graduated_field, self.method,
                                                 self.class_count, self.ramp)]  # no re-classifying over it
        self.categories, self.classes = [], []
        self.symbol.set_symbol(first_symbol(style))
        self._load(style)
        for blocker in blockers:
            blocker.unblock()
        self.class_note.hide()
        self._set_labels(style.labels)
        self.labels_box.setChecked(style.labels is not None)

    def _load(self, style: Style | None) -> None:
        if isinstance(style, Categorized):
            self.kind.setCurrentText(CATEGORISED)
            self.category_field.setCurrentText(style.field)
            self.categories = [replace(c) for c in style.categories]
            self._fill_categories()
        elif isinstance(style, Graduated):
            self.kind.setCurrentText(GRADUATED)
            self.graduated_field.setCurrentText(style.field)
            method = next((k for k, v in METHODS.items() if v == style.method), None)
            if method:
                self.method.setCurrentText(method)
            self.class_count.setValue(max(2, len(style.classes)))
            self.ramp.setCurrentText(matching_ramp(style.classes) or self.ramp.currentText())
            self.classes = [replace(c) for c in style.classes]
            self._fill_classes()
        else:
            self.kind.setCurrentText(SINGLE)

    def _follow_choices(self) -> None:
        """Re-classify as soon as the field, method, class count or ramp changes, as QGIS does.

        Without it the table kept the old classes until Classify was pressed, and OK saved a style whose
        method said one thing and whose classes another.
        """
        for signal in (self.graduated_field.currentTextChanged, self.method.currentTextChanged,
                       self.class_count.valueChanged, self.ramp.currentTextChanged):
            signal.connect(self.classify_graduated)
        self.category_field.currentTextChanged.connect(self.classify_categories)
        self.kind.currentTextChanged.connect(self._classify_if_empty)

    def _classify_if_empty(self, kind: str) -> None:
        """Choosing Categorised or Graduated shows classes at once instead of an empty table."""
        if kind == CATEGORISED and not self.categories:
            self.classify_categories()
        elif kind == GRADUATED and not self.classes:
            self.classify_graduated()

    # -- classification -----------------------------------------------------------------------------------
    def classify_categories(self) -> None:
        field = self.category_field.currentText()
        if field:
            self.categories = categorize(self.layer.gdf[field], template=self.symbol.symbol())
            self._fill_categories()

    def classify_graduated(self) -> None:
        field = self.graduated_field.currentText()
        if not field:
            return
        values = self.layer.gdf[field]
        try:
            self.classes = classify(values, self.class_count.value(), METHODS[self.method.currentText()],
                                    self.ramp.currentText(), template=self.symbol.symbol())
        except ValueError as exc:
            self.class_table.setRowCount(0)
            self.classes = []
            note = self.tr("Field '{field}' of \u201c{layer}\u201d cannot be classified: {problem}. "
                           "Choose another field or method.")
            self.class_note.setText(note.format(field=field, layer=self.layer.name, problem=exc))
            self.class_note.show()
            return
        self.class_note.hide()
        self._fill_classes()

    def _fill_categories(self) -> None:
        family = self.layer.geometry_type
        self.category_table.setRowCount(len(self.categories))
        for row, category in enumerate(self.categories):
            swatch = QTableWidgetItem(symbol_icon(category.symbol, family), "")
            swatch.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.category_table.setItem(row, 0, swatch)
            value = QTableWidgetItem(str(category.value))
            value.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.category_table.setItem(row, 1, value)
            self.category_table.setItem(row, 2, QTableWidgetItem(category.label))

    def _fill_classes(self) -> None:
        family = self.layer.geometry_type
        self.class_table.setRowCount(len(self.classes))
        for row, cls in enumerate(self.classes):
            swatch = QTableWidgetItem(symbol_icon(cls.symbol, family), "")
            swatch.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.class_table.setItem(row, 0, swatch)
            for column, number in ((1, cls.lower), (2, cls.upper)):
                item = QTableWidgetItem(f"{number:g}")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.class_table.setItem(row, column, item)
            self.class_table.setItem(row, 3, QTableWidgetItem(cls.label))

    def _recolour_category(self, row: int, column: int) -> None:
        if column == 0:
            self._recolour(self.categories[row])
            self._fill_categories()

    def _recolour_class(self, row: int, column: int) -> None:
        if column == 0:
            self._recolour(self.classes[row])
            self._fill_classes()

    def _recolour(self, entry: Category | GraduatedClass) -> None:
        line = self.layer.geometry_type == "line"
        current = entry.symbol.stroke if line else entry.symbol.fill
        chosen = QColorDialog.getColor(qcolor(current), self, self.tr("Class colour"),
                                       QColorDialog.ColorDialogOption.ShowAlphaChannel)
        if chosen.isValid():
            colour = colour_text(chosen)
            entry.symbol = replace(entry.symbol, stroke=colour) if line else replace(entry.symbol, fill=colour)

    # -- result ------------------------------------------------------------------------------------------------
    def _labels(self) -> Labels | None:
        if not self.labels_box.isChecked() or not self.label_field.currentText():
            return None
        return Labels(self.label_field.currentText(), size=self.label_size.value(),
                      colour=self.label_colour.colour(), min_scale=float(self.label_min_scale.value()) or None)

    def build_style(self) -> Style:
        labels, sectors = self._labels(), self._sectors
        kind = self.kind.currentText()
        if kind == CATEGORISED and self.categories:
            for row, category in enumerate(self.categories):
                item = self.category_table.item(row, 2)
                category.label = item.text() if item is not None and item.text() else str(category.value)
            other = replace(self.symbol.symbol(), fill="#9e9e9e")  # values beyond the listed ones stay visible
            return Categorized(self.category_field.currentText(), self.categories, other=other, labels=labels,
                               sectors=sectors)
        if kind == GRADUATED and self.classes:
            for row, cls in enumerate(self.classes):
                item = self.class_table.item(row, 3)
                if item is not None and item.text():
                    cls.label = item.text()
            field = self.graduated_field.currentText()
            return Graduated(field, self.classes, METHODS[self.method.currentText()], field_unit(self.layer, field),
                             labels=labels, sectors=sectors)
        return SingleSymbol(self.symbol.symbol(), labels=labels, sectors=sectors)


class RasterStyleEditor(QWidget):
    """Colour ramp between two values (or discrete classes), over band 1 by default."""

    def __init__(self, layer: RasterLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        style = layer.style if isinstance(layer.style, RasterRamp) else None
        values = layer.band(style.band if style else 1).compressed()
        low, high = (float(np.percentile(values, 2)), float(np.percentile(values, 98))) if values.size else (0.0, 1.0)
        if style and style.stops:
            low, high = style.stops[0][0], style.stops[-1][0]
        self._current = style
        self.band = QSpinBox()
        self.band.setRange(1, layer.count)
        self.band.setValue(style.band if style else 1)
        self.ramp = ramp_combo()
        if style:
            self.ramp.insertItem(0, KEEP_STOPS)
            self.ramp.setCurrentIndex(0)
        self.low, self.high = _number_box(low), _number_box(high)
        self.discrete = QCheckBox(self.tr("Discrete classes (no blending)"))
        self.discrete.setChecked(bool(style and style.discrete))
        self.unit = QLineEdit(style.unit if style else str(layer.metadata.get("unit", "")))
        self.preview = QLabel()
        self.preview.setMinimumHeight(22)
        for signal in (self.ramp.currentTextChanged, self.low.valueChanged, self.high.valueChanged,
                       self.discrete.toggled):
            signal.connect(self._update_preview)
        form = QFormLayout(self)
        form.addRow(self.tr("Band"), self.band)
        form.addRow(self.tr("Colour ramp"), self.ramp)
        form.addRow("", self.preview)
        form.addRow(self.tr("Minimum"), self.low)
        form.addRow(self.tr("Maximum"), self.high)
        form.addRow("", self.discrete)
        form.addRow(self.tr("Unit"), self.unit)
        self.files = StyleFileButtons(self)
        form.addRow(self.files)
        self._shown = (self.low.value(), self.high.value())
        self._update_preview()

    def load_style(self, style: Style) -> None:
        """Show a raster colour ramp (e.g. read from a QGIS QML) with its own stops, values and classes."""
        if not isinstance(style, RasterRamp) or not style.stops:
            raise TypeError(f"a raster takes a colour ramp with stops, not {type(style).__name__}")
        self._current = style
        if self.ramp.itemText(0) != KEEP_STOPS:
            self.ramp.insertItem(0, KEEP_STOPS)
        self.ramp.setCurrentIndex(0)
        self.band.setValue(style.band)
        self.low.setValue(style.stops[0][0])
        self.high.setValue(style.stops[-1][0])
        self.discrete.setChecked(style.discrete)
        self.unit.setText(style.unit)
        self._shown = (self.low.value(), self.high.value())
        self._update_preview()

    def _update_preview(self, *args) -> None:
        """The ramp as it will colour the raster, from minimum (left) to maximum (right)."""
        style = self.build_style()
        width, height = 360, 18
        low, high = style.stops[0][0], style.stops[-1][0]
        image = QImage(width, height, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        for x in range(width):
            painter.setPen(qcolor(style.colour_at(low + (high - low) * x / (width - 1))))
            painter.drawLine(x, 0, x, height - 1)
        painter.end()
        self.preview.setPixmap(QPixmap.fromImage(image))

    def build_style(self) -> Style:
        shown = low, high = self.low.value(), self.high.value()
        if high <= low:
            high = low + 1e-9
        if self.ramp.currentText() == KEEP_STOPS and self._current is not None:
            # untouched boxes keep the stops exactly (the boxes round to 3 decimals; class edges must not move)
            stops = list(self._current.stops) if shown == self._shown else _rescale(self._current.stops, low, high)
        else:
            stops = ramp_stops(low, high, self.ramp.currentText())
        return RasterRamp(stops, band=self.band.value(), discrete=self.discrete.isChecked(), unit=self.unit.text(),
                          labels=getattr(self._current, "labels", None))


def _rescale(stops: list[tuple[float, str]], low: float, high: float) -> list[tuple[float, str]]:
    """Keep the colours of existing stops but spread them over a new value range."""
    old_low, old_high = stops[0][0], stops[-1][0]
    if old_high == old_low or (old_low, old_high) == (low, high):
        return list(stops)
    return [(low + (v - old_low) / (old_high - old_low) * (high - low), c) for v, c in stops]


def ramp_icon(ramp: str, width: int = 64, height: int = 12) -> QIcon:
    """The ramp as a small strip, so a planner picks colours by sight rather than by name."""
    colours = RAMPS[ramp]
    stops = [(i / (len(colours) - 1), c) for i, c in enumerate(colours)]
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    for x in range(width):
        painter.setPen(qcolor(interpolate_colour(stops, x / (width - 1))))
        painter.drawLine(x, 0, x, height - 1)
    painter.end()
    return QIcon(QPixmap.fromImage(image))


def ramp_combo() -> QComboBox:
    combo = QComboBox()
    combo.setIconSize(QSize(64, 12))
    for name in RAMPS:
        combo.addItem(ramp_icon(name), name)
    return combo


def matching_ramp(classes: list[GraduatedClass]) -> str | None:
    """The named ramp whose colours the classes carry (a style keeps colours, not the ramp's name)."""
    fills = [c.symbol.fill.lower() for c in classes]
    for name in RAMPS:
        if [c.lower() for c in ramp_colours(name, len(fills))] == fills:
            return name
    return None


def _number_box(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(-1e12, 1e12)
    box.setDecimals(3)
    box.setValue(value)
    return box


def _class_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setColumnWidth(0, 34)
    table.setToolTip(
        QCoreApplication.translate("style_editor", "Double-click a colour to change it; edit labels in place"))
    return table


def style_editor_for(layer: Layer) -> VectorStyleEditor | RasterStyleEditor:
    if isinstance(layer, RasterLayer):
        return RasterStyleEditor(layer)
    if isinstance(layer, VectorLayer):
        return VectorStyleEditor(layer)
    raise TypeError(f"layer '{layer.name}' cannot be styled")
