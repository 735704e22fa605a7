"""The Edit menu, the Editing toolbar and the Undo History panel, wired into the main window.

``install_editing(window)`` gives the window ``window.history`` (the project's undo stack) and
``window.editing`` (edit mode per layer), and connects them to the canvas, the layer tree and the attribute
table. Undo/Redo use the platform's standard shortcuts (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QDoubleSpinBox, QInputDialog, QMessageBox, QUndoView

from layers import Layer, VectorLayer
from layers.edit_values import FIELD_TYPES, field_spec
from workbench.canvas.tools.editing import AddPointTool, MovePointTool
from workbench.editing.field_calculator import Calculation, FieldCalculatorDialog
from workbench.editing.session import EditSession
from workbench.editing.undo import EditHistory
from workbench.resources import icon
from workbench.window.tooltips import tool_tip

if TYPE_CHECKING:
    from workbench.main_window import MainWindow


class EditingActions(QObject):
    """The editing actions of one window and the slots behind them (a child of the window, so its connections
    end with it)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.history = EditHistory(window.bridge, window.files.session, window)
        self.session = EditSession(self.history, window)
        self.actions: dict[str, QAction] = {}
        self.tools = {"add_point": AddPointTool(window.canvas, self.session),
                      "move_point": MovePointTool(window.canvas, self.session)}
        self._create_actions()
        self._build_menu()
        self._build_toolbar()
        self._build_history_dock()
        self._connect()
        self._update_enabled()

    # -- actions ------------------------------------------------------------------------------------------------
    def _action(self, key: str, text: str, slot, *, icon_name: str | None = None, tip: str = "",
                shortcut: QKeySequence | str | None = None, checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tool_tip(text.replace("&", ""), tip, action.shortcut().toString() or None))
        action.triggered.connect(lambda checked=False: slot())
        self.actions[key] = action
        return action

    def _create_actions(self) -> None:
        window, stack = self.window, self.history.stack
        undo = stack.createUndoAction(window, self.tr("&Undo"))
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        undo.setIcon(icon("undo"))
        redo = stack.createRedoAction(window, self.tr("&Redo"))
        redo.setShortcuts(QKeySequence.StandardKey.Redo)
        redo.setIcon(icon("redo"))
        for action, name, tip in ((undo, self.tr("Undo"), self.tr("Take back the last change to the project (the Undo "
                                                           "History panel lists them all)")),
                                  (redo, self.tr("Redo"), self.tr("Make the last undone change again"))):
            action.setStatusTip(tip)
            action.setToolTip(tool_tip(name, tip, action.shortcut().toString()))
        self.actions["undo"], self.actions["redo"] = undo, redo
        a = self._action
        a("toggle_editing", self.tr("Toggle &Editing"), lambda: self.toggle(window.current_layer()), icon_name="edit",
          checkable=True, tip=self.tr("Start or stop editing the current layer's features and attributes"))
        a("save_edits", self.tr("&Save Layer Edits"), lambda: self.session.save(window.current_layer()),
          icon_name="save_edits", tip=self.tr("Write the current layer's edits back to its file"))
        a("add_point", self.tr("Add &Point"), lambda: self.use_tool("add_point"), icon_name="add_point", checkable=True,
          tip=self.tr("Click the map to add a point (a pole, a site) to the layer being edited"))
        a("move_point", self.tr("&Move Point"), lambda: self.use_tool("move_point"), icon_name="move_point",
          checkable=True, tip=self.tr("Drag a point of the layer being edited to its new place"))
        a("delete_selected", self.tr("&Delete Selected Features"), lambda: self.session.delete_selected(
            window.current_layer()), icon_name="delete_feature",
          tip=self.tr("Delete the selected features of the layer being edited"))
        a("add_field", self.tr("Add &Field…"), self.add_field,
          tip=self.tr("Add an empty field to the layer being edited"))
        a("delete_field", self.tr("Delete Fiel&d…"), self.delete_field,
          tip=self.tr("Delete a field that is not part of the layer's kind"))
        a("rename_field", self.tr("Re&name Field…"), self.rename_field,
          tip=self.tr("Rename a field that is not part of the layer's kind"))
        a("field_calculator", self.tr("Field &Calculator…"), self.field_calculator,
          tip=self.tr("Set a field (or a new one) from an expression, for all or the selected features"))
        a("snapping", self.tr("S&nap to Roads"), self._snapping_toggled, checkable=True,
          tip=self.tr("Place new and moved points on the nearest road within the tolerance"))
        for key in ("add_point", "move_point"):
            window.tools.group.addAction(self.actions[key])  # exclusive with pan, select, measure

    def _build_menu(self) -> None:
        menu = self.window.menu("&Edit")
        self.menu = menu
        for key in ("undo", "redo", None, "toggle_editing", "save_edits", None, "add_point", "move_point",
                    "delete_selected", None, "add_field", "delete_field", "rename_field", "field_calculator", None,
                    "snapping"):
            menu.addSeparator() if key is None else menu.addAction(self.actions[key])

    def _build_toolbar(self) -> None:
        bar = self.window.addToolBar(self.tr("Editing"))
        bar.setObjectName("EditingToolbar")
        for key in ("undo", "redo", None, "toggle_editing", "save_edits", "add_point", "move_point",
                    "delete_selected", None, "snapping"):
            bar.addSeparator() if key is None else bar.addAction(self.actions[key])
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setRange(0.5, 500.0)
        self.tolerance.setDecimals(1)
        self.tolerance.setSuffix(" m")
        self.tolerance.setValue(self.session.tolerance_m)
        self.tolerance.valueChanged.connect(self._tolerance_changed)
        tolerance = bar.addWidget(self.tolerance)
        tolerance.setToolTip(tool_tip(self.tr("Snapping Tolerance"),
                                      self.tr("The farthest a new or moved point moves onto a road when Snap to "
                                              "Roads is on")))
        self.toolbar = bar

    def _build_history_dock(self) -> None:
        dock = QDockWidget(self.tr("Undo History"), self.window)
        dock.setObjectName("UndoHistoryDock")
        self.view = QUndoView(self.history.stack)
        self.view.setEmptyLabel(self.tr("<project as opened>"))
        dock.setWidget(self.view)
        # Alone and hidden until asked for (Edit > Undo History): joining a tab group now would trip Qt's tab-bar
        # leak (see MainWindow.add_dock), and most sessions never need the list.
        self.window.add_dock(dock, Qt.DockWidgetArea.RightDockWidgetArea)
        dock.hide()
        self.dock = dock
        show = dock.toggleViewAction()
        show.setText(self.tr("Undo &History"))
        self.menu.insertAction(self.menu.actions()[2], show)

    def _connect(self) -> None:
        window, session = self.window, self.session
        session.message.connect(self._show_message)
        session.refused.connect(self._show_refusal)
        session.save_finished.connect(self._save_finished)
        session.editing_changed.connect(self._update_enabled)
        self.history.failed.connect(self._undo_failed)
        window.layer_tree.current_layer_changed.connect(self._update_enabled)
        window.layer_tree.is_editing = session.is_editing
        window.layer_tree.toggle_editing_requested.connect(self.toggle)
        window.attribute_table.set_edit_session(session, [self.actions[k] for k in (
            "add_field", "delete_field", "rename_field", "field_calculator")])
        window.canvas.tool_changed.connect(self._tool_changed)
        # The tree chose its first current layer before the window listened; the edit tools act on the canvas's.
        window.canvas.active_layer = window.current_layer()

    # -- slots --------------------------------------------------------------------------------------------------
    def toggle(self, layer: Layer | None) -> None:
        self.session.toggle(layer)
        self._update_enabled()

    def use_tool(self, key: str) -> None:
        """Make the add or move tool the canvas's tool (tests use this instead of the toolbar button)."""
        self.actions[key].setChecked(True)
        self.window.canvas.set_tool(self.tools[key])

    def _tool_changed(self, tool) -> None:
        for key, own in self.tools.items():
            if tool is own:
                self.actions[key].setChecked(True)

    def _show_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def _show_refusal(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15000)

    def _undo_failed(self, text: str) -> None:
        self.window.statusBar().showMessage(self.tr("Undo failed: {error}").format(error=text), 15000)

    def _tolerance_changed(self, value: float) -> None:
        self.session.tolerance_m = float(value)

    def _snapping_toggled(self) -> None:
        self.session.snapping = self.actions["snapping"].isChecked()

    def _update_enabled(self, *_: object) -> None:
        layer = self.window.current_layer()
        vector = isinstance(layer, VectorLayer)
        editing = self.session.is_editing(layer)
        toggle = self.actions["toggle_editing"]
        toggle.setEnabled(vector)
        toggle.setChecked(editing)
        for key in ("save_edits", "add_point", "move_point", "delete_selected", "add_field", "delete_field",
                    "rename_field", "field_calculator"):
            self.actions[key].setEnabled(editing)

    def _save_finished(self, layer: VectorLayer, text: str, succeeded: bool) -> None:
        self.window.statusBar().showMessage(text, 10000)
        if not succeeded:
            QMessageBox.warning(self.window, self.tr("Layer edits not saved"), text)

    # -- field dialogs ------------------------------------------------------------------------------------------
    def _editing_layer(self) -> VectorLayer | None:
        layer = self.window.current_layer()
        return layer if isinstance(layer, VectorLayer) and self.session.is_editing(layer) else None

    def add_field(self) -> None:
        layer = self._editing_layer()
        if layer is None:
            return
        name, ok = QInputDialog.getText(self.window, self.tr("Add Field"), self.tr("Name of the new field:"))
        if not ok:
            return
        kind, ok = QInputDialog.getItem(self.window, self.tr("Add Field"),
                                        self.tr("Type of '{name}':").format(name=name), list(FIELD_TYPES), 0, False)
        if ok:
            self.session.add_field(layer, name, kind)

    def _own_field(self, layer: VectorLayer, title: str) -> str | None:
        fields = [f for f in layer.fields if field_spec(layer, f) is None]
        if not fields:
            self.session.refused.emit(self.tr("\u201c{name}\u201d has only the fields of its kind, which the analyses "
                                          "need").format(name=layer.name))
            return None
        field, ok = QInputDialog.getItem(self.window, title, self.tr("Field:"), fields, 0, False)
        return field if ok else None

    def delete_field(self) -> None:
        layer = self._editing_layer()
        field = self._own_field(layer, self.tr("Delete Field")) if layer is not None else None
        if field is not None:
            self.session.delete_field(layer, field)

    def rename_field(self) -> None:
        layer = self._editing_layer()
        field = self._own_field(layer, self.tr("Rename Field")) if layer is not None else None
        if field is None:
            return
        name, ok = QInputDialog.getText(self.window, self.tr("Rename Field"), self.tr("New name of '{field}':").format(
            field=field), text=field)
        if ok:
            self.session.rename_field(layer, field, name)


    def field_calculator(self) -> FieldCalculatorDialog | None:
        """Open the Field Calculator for the layer being edited; its OK starts the calculation."""
        layer = self._editing_layer()
        if layer is None:
            return None
        dialog = FieldCalculatorDialog(layer, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._calculate(layer, dialog.choice()))
        dialog.open()
        return dialog

    def _calculate(self, layer: VectorLayer, choice: Calculation) -> None:
        self.session.calculate_field(layer, choice.field, choice.expression, new_type=choice.new_type,
                                     selected_only=choice.selected_only)


def install_editing(window: MainWindow) -> EditingActions:
    """Add editing with undo to ``window`` (``window.editing``)."""
    editing = EditingActions(window)
    window.editing = editing
    return editing


__all__ = ["EditingActions", "install_editing"]
