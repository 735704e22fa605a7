"""Attribute table dock: one layer's features, sortable, filterable with safe expressions, selection synced.

Clicking rows selects the features on the map and the other way round: both sides write and show
``layer.selection`` (the model paints selected rows), so 50,000 selected buildings cost nothing to display.
Click selects one row, Ctrl+click toggles, Shift+click extends from the last clicked row. The filter uses
``layers.expressions`` (no arbitrary code can run). When the layer is in edit mode (``set_edit_session``), cells
are edited in place (double-click or type) and the field actions appear; every change is an undoable command.
"""

from __future__ import annotations

import functools

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt, pyqtSignal
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from layers import Event, Layer, Project, VectorLayer
from layers.expressions import ExpressionError, evaluate
from layers.pole_decisions import APPROVED, REJECTED, DecidePoles
from workbench.docks.attribute_model import AttributeTableModel
from workbench.window.gui_steps import later
from workbench.window.project_bridge import ProjectBridge

FILTER_HINT = QT_TRANSLATE_NOOP("AttributeTableDock",
                                'Filter, e.g.  price_m2 < 200 and industry == "finance"   (Enter to apply)')
#: Rows (around the visible ones) the view measures to size the columns. Qt's default, 1,000 rows x every column,
#: cost 0.15-0.2 s each time a layer is shown (at start-up too); a rare long value further down is found by the
#: model's ``widest_text`` sample instead.
SIZING_ROWS = 50
#: Widest a column starts, in pixels (the user can widen it).
MAX_COLUMN_WIDTH = 260


NBSP = "\u00a0"


class AttributeTableDock(QDockWidget):
    zoom_to_selection_requested = pyqtSignal(object)  # VectorLayer
    feature_activated = pyqtSignal(object, int)  # layer, row position: zoom to one feature

    def __init__(self, bridge: ProjectBridge, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Attribute Table"), parent)
        self.setObjectName("AttributeTableDock")
        self.bridge = bridge
        self.model = AttributeTableModel(self)
        self._anchor_row: int | None = None  # where a Shift+click range starts
        self.edit_session = None  # a workbench.editing.EditSession once editing is installed
        self._build()
        bridge.model_event.connect(self._on_event)
        bridge.project_replaced.connect(self._on_project_replaced)
        self._refill_layers()

    @property
    def project(self) -> Project:
        return self.bridge.project

    @property
    def layer(self) -> VectorLayer | None:
        return self.model.layer

    # -- widgets -----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.layer_box = QComboBox()
        self.layer_box.setMinimumWidth(160)
        self.layer_box.currentIndexChanged.connect(self._layer_chosen)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr(FILTER_HINT))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda text: text or self.apply_filter())
        self.selected_only = QCheckBox(self.tr("Selected only"))
        self.selected_only.toggled.connect(self.model.set_selected_only)
        buttons = QHBoxLayout()
        for text, tip, slot in (
            (self.tr("Select shown"), self.tr("Select every feature the filter shows"), self.select_shown),
            (self.tr("Invert"), self.tr("Invert the selection"), self.invert_selection),
            (self.tr("Clear"), self.tr("Clear the selection"), self.clear_selection),
            (self.tr("Zoom to selection"), self.tr("Zoom the map to the selected features"), self._zoom_to_selection),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)  # '3,101 of 3,101 shown, 0 selected' wraps in a narrow window only
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        buttons.addWidget(self.count_label, 1)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.table = QTableView()
        self.table.setObjectName("AttributeTableView")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setResizeContentsPrecision(SIZING_ROWS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # the model paints selection
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.pressed.connect(lambda index: self.click_row(index.row(), QApplication.keyboardModifiers()))
        vertical.sectionPressed.connect(lambda row: self.click_row(row, QApplication.keyboardModifiers()))
        self.table.doubleClicked.connect(self._double_clicked)
        self.model.modelReset.connect(self._after_reset)
        self.model.layoutChanged.connect(self._after_reset)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Layer")))
        top.addWidget(self.layer_box)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.selected_only)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.edit_row = QHBoxLayout()
        self.edit_label = QLabel()
        self.edit_label.setWordWrap(True)
        self.edit_row.addWidget(self.edit_label, 1)
        self.edit_bar = QWidget()
        self.edit_bar.setLayout(self.edit_row)
        self.edit_bar.hide()
        layout.addWidget(self.edit_bar)
        layout.addWidget(self._build_decision_bar())
        layout.addWidget(self.table, 1)
        self.setWidget(body)

    def _build_decision_bar(self) -> QWidget:
        """Lock / exclude / clear the selected poles of a lamp-poles layer (its ``decision`` field)."""
        self.decision_bar = QWidget()
        row = QHBoxLayout(self.decision_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Siting decision:")))
        self.decision_buttons = {}
        for value, text, tip in (
            (APPROVED, self.tr("Lock selected poles"),
             self.tr("Mark the selected poles approved: every siting plan run with the decision field builds them")),
            (REJECTED, self.tr("Exclude selected poles"),
             self.tr("Mark the selected poles rejected: no siting plan run with the decision field chooses them")),
            (None, self.tr("Clear decision"), self.tr("Remove the decision of the selected poles")),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, v=value: self.decide_selected(v))
            row.addWidget(button)
            self.decision_buttons[value] = button
        row.addStretch(1)
        self.decision_bar.hide()
        return self.decision_bar

    def decide_selected(self, value: str | None) -> bool:
        """Write ``value`` into the selected poles' decision field as one undoable step; False when nothing is
        selected or the edit was refused (the reason goes to the status bar)."""
        layer = self.model.layer
        if layer is None or not layer.selection:
            self.error_label.setText(self.tr("Select the poles to decide on first (in the table or on the map)"))
            self.error_label.show()
            return False
        self.error_label.hide()
        positions = sorted(layer.selection)
        if self.edit_session is None:
            DecidePoles(layer, positions, value).apply()
            return True
        return self.edit_session.push(lambda: DecidePoles(layer, positions, value)) is not None

    # -- which layer -------------------------------------------------------------------------------------------
    def show_layer(self, layer: Layer | None) -> None:
        """Show ``layer``'s attributes (raster or None: keep the current table)."""
        if not isinstance(layer, VectorLayer) or layer is self.model.layer:
            return
        for i in range(self.layer_box.count()):
            if self.layer_box.itemData(i) == layer.id:
                self.layer_box.setCurrentIndex(i)
                return

    def _refill_layers(self, *, size_now: bool = True) -> None:
        current = self.model.layer
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for layer in reversed(self.project.layers):
            if isinstance(layer, VectorLayer):
                self.layer_box.addItem(layer.name, layer.id)
        self.layer_box.blockSignals(False)
        if current is not None and current in self.project.layers:
            self.layer_box.setCurrentIndex(self.layer_box.findData(current.id))
        else:
            self._layer_chosen(self.layer_box.currentIndex(), size_now=size_now)

    def _layer_chosen(self, index: int, *, size_now: bool = True) -> None:
        layer_id = self.layer_box.itemData(index) if index >= 0 else None
        layer = None
        if layer_id is not None:
            try:
                layer = self.project.layer(layer_id)
            except KeyError:
                layer = None
        self.error_label.hide()
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_layer(layer)
        self.decision_bar.setVisible(layer is not None and layer.kind == "lamp_poles")
        self._update_editing()
        for column in range(self.model.columnCount()):
            if size_now:
                self._size_column(layer, column)
            else:  # one column per pass: a city layer's eight took 40-200 ms in one go under load
                later(self, functools.partial(self._size_column, layer, column))

    def _size_column(self, layer: VectorLayer | None, column: int) -> None:
        """Fit ``column`` of ``layer`` to its header, the rows in view and the widest sampled value, up to a limit
        (nothing when the table shows another layer by now)."""
        if layer is not self.model.layer or column >= self.model.columnCount():
            return
        self.table.resizeColumnToContents(column)
        # what Qt adds to a cell's text: item text margins (focus frame margin + 1 a side), the grid, and rounding
        padding = 2 * (self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 2
        widest = self.table.fontMetrics().horizontalAdvance(self.model.widest_text(column)) + padding
        self.table.setColumnWidth(column, min(max(self.table.columnWidth(column), widest), MAX_COLUMN_WIDTH))

    # -- filter ---------------------------------------------------------------------------------------------------
    def apply_filter(self, expression: str | None = None) -> bool:
        """Filter rows with a safe expression; a bad expression shows its message and keeps the old filter."""
        if expression is not None:
            self.filter_edit.blockSignals(True)
            self.filter_edit.setText(expression)
            self.filter_edit.blockSignals(False)
        text = self.filter_edit.text().strip()
        if self.model.layer is None:
            return False
        if not text:
            self.error_label.hide()
            self.model.set_filter_mask(None)
            return True
        try:
            mask = evaluate(text, self.model.layer.gdf)
        except ExpressionError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return False
        self.error_label.hide()
        self.model.set_filter_mask(mask)
        return True

    # -- selection, both ways ----------------------------------------------------------------------------------
    def click_row(self, row: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """Select like a file manager: click one, Ctrl toggles, Shift extends from the last clicked row."""
        layer = self.model.layer
        if layer is None or not 0 <= row < self.model.rowCount():
            return
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if modifiers & Qt.KeyboardModifier.ShiftModifier and self._anchor_row is not None:
            first, last = sorted((min(self._anchor_row, self.model.rowCount() - 1), row))
            span = frozenset(self.model.order[first:last + 1].tolist())
            layer.selection = (layer.selection | span) if ctrl else span
            return
        position = self.model.position(row)
        if ctrl:
            layer.selection = layer.selection ^ {position}
        else:
            layer.selection = frozenset({position})
        self._anchor_row = row

    def select_shown(self) -> None:
        if self.model.layer is not None:
            self.model.layer.selection = frozenset(self.model.order.tolist())

    def invert_selection(self) -> None:
        layer = self.model.layer
        if layer is not None:
            layer.selection = frozenset(range(len(layer.gdf))) - layer.selection

    def clear_selection(self) -> None:
        if self.model.layer is not None:
            self.model.layer.selection = frozenset()

    def _zoom_to_selection(self) -> None:
        if self.model.layer is not None:
            self.zoom_to_selection_requested.emit(self.model.layer)

    def _double_clicked(self, index: QModelIndex) -> None:
        if self.model.editable:
            return  # in edit mode a double-click edits the cell
        if self.model.layer is not None and index.isValid():
            self.feature_activated.emit(self.model.layer, self.model.position(index.row()))

    def _after_reset(self, *args) -> None:
        self._anchor_row = None
        self._update_count()

    def _update_count(self) -> None:
        layer = self.model.layer
        if layer is None:
            self.count_label.setText(self.tr("no vector layer"))
            return
        self.count_label.setText(self.tr("{shown} of {total}{nbsp}shown, {selected}{nbsp}selected").format(
            shown=f"{self.model.rowCount():,}", total=f"{len(layer.gdf):,}", selected=f"{len(layer.selection):,}",
            nbsp=NBSP))  # a narrow window wraps between phrases

    # -- edit mode -----------------------------------------------------------------------------------------------
    def set_edit_session(self, session, field_actions: list[QAction]) -> None:
        """Follow ``session``'s edit mode: editable cells and ``field_actions`` (add/delete/rename) while editing."""
        self.edit_session = session
        for action in field_actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            self.edit_row.addWidget(button)
        session.editing_changed.connect(self._editing_changed)
        self._update_editing()

    def _editing_changed(self, layer: Layer, on: bool) -> None:
        if layer is self.model.layer:
            self._update_editing()

    def _update_editing(self) -> None:
        session, layer = self.edit_session, self.model.layer
        on = session is not None and session.is_editing(layer)
        self.model.editable = on
        self.model.commit = (lambda factory: session.set_values(layer, factory)) if on else None
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
                                   if on else triggers.NoEditTriggers)
        if on:
            self.edit_label.setText(self.tr("Editing \u201c{name}\u201d: double-click a cell to change it (Ctrl+Z "
                                             "undoes)").format(name=layer.name))
        self.edit_bar.setVisible(on)

    # -- model events ----------------------------------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        if event.type in ("added", "removed", "moved", "cleared"):
            self._refill_layers()
        elif event.type == "changed" and event.layer is self.model.layer:
            if event.attribute == "selection":
                self.model.selection_changed()
                self._update_count()
            elif event.attribute == "data":
                self.model.reload()
            elif event.attribute == "name":
                self._refill_layers()
        elif event.type == "changed" and event.attribute == "name":
            self._refill_layers()

    def _on_project_replaced(self, project: Project) -> None:
        """Empty now; choose the layer in a later pass of the event loop and size its columns in the pass after:
        together they were the largest part of showing a project, and the window paints in between."""
        self.model.set_layer(None)
        later(self, self._fill_after_replace)

    def _fill_after_replace(self) -> None:
        self._refill_layers(size_now=False)
