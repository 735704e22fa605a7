"""Layers dock: visibility check boxes, drag to reorder, opacity slider, and the per-layer context menu."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QPoint, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from layers import Event, Layer, Project, VectorLayer
from workbench.docks.layer_tree_model import LayerTreeModel
from workbench.window.project_bridge import ProjectBridge


class LayerTreeDock(QDockWidget):
    """The project's layers, top first. Emits requests the main window turns into canvas moves and dialogs."""

    current_layer_changed = pyqtSignal(object)  # Layer | None
    zoom_to_layer_requested = pyqtSignal(object)
    attribute_table_requested = pyqtSignal(object)
    style_requested = pyqtSignal(object)
    properties_requested = pyqtSignal(object)
    remove_requested = pyqtSignal(object)
    save_as_requested = pyqtSignal(object)
    toggle_editing_requested = pyqtSignal(object)
    map_fields_requested = pyqtSignal(object)

    def __init__(self, bridge: ProjectBridge, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Layers"), parent)
        self.setObjectName("LayersDock")
        self.bridge = bridge
        self.model = LayerTreeModel(bridge.project, self)
        self.view = QTreeView()
        self.view.setObjectName("LayerTreeView")
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.setIndentation(16)
        self.view.setAnimated(False)
        self.view.setExpandsOnDoubleClick(False)  # double-click opens properties, as in QGIS
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(lambda: self._current is not None and self.remove_requested.emit(self._current))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setToolTip(self.tr("Opacity of the selected layer"))
        self.opacity.valueChanged.connect(self._opacity_moved)
        self.opacity_label = QLabel("100 %")
        self.opacity_label.setMinimumWidth(40)
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 4)
        row.addWidget(QLabel(self.tr("Opacity")))
        row.addWidget(self.opacity, 1)
        row.addWidget(self.opacity_label)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.setWidget(body)
        self._current: Layer | None = None
        #: Whether a layer is in edit mode (set when editing is installed); the menu entry shows it checked.
        self.is_editing = None
        self._collapsed: set[str] = set()
        self._shown: set[str] = set()  # layers the tree has displayed: new ones start expanded
        self.model.modelAboutToBeReset.connect(self._remember_state)
        self.model.modelReset.connect(self._restore_state)
        bridge.model_event.connect(self._on_event)
        bridge.project_replaced.connect(self._on_project_replaced)
        self._on_project_replaced(bridge.project)

    @property
    def project(self) -> Project:
        return self.bridge.project

    # -- current layer -------------------------------------------------------------------------------------
    def current_layer(self) -> Layer | None:
        return self._current

    def set_current_layer(self, layer: Layer | None) -> None:
        index = self.model.index_of_layer(layer) if layer is not None else QModelIndex()
        self.view.setCurrentIndex(index)
        if not index.isValid():
            self._set_current(None)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._set_current(self.model.layer_at(current))

    def _set_current(self, layer: Layer | None) -> None:
        if layer is self._current:
            return
        self._current = layer
        self._update_opacity_slider()
        self.current_layer_changed.emit(layer)

    # -- opacity ---------------------------------------------------------------------------------------------
    def _update_opacity_slider(self) -> None:
        layer = self._current
        self.opacity.setEnabled(layer is not None)
        value = round((layer.opacity if layer is not None else 1.0) * 100)
        self.opacity.blockSignals(True)
        self.opacity.setValue(value)
        self.opacity.blockSignals(False)
        self.opacity_label.setText(f"{value} %")

    def _opacity_moved(self, value: int) -> None:
        self.opacity_label.setText(f"{value} %")
        if self._current is not None:
            self._current.opacity = value / 100.0

    # -- model events ------------------------------------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        self.model.on_project_event(event)
        if event.type == "removed" and event.layer is self._current:
            self._set_current(None)
        if event.type == "added" and self._current is None:
            self.set_current_layer(event.layer)
        if event.type == "changed" and event.layer is self._current and event.attribute == "opacity":
            self._update_opacity_slider()

    def _on_project_replaced(self, project: Project) -> None:
        self._current = None
        self.model.set_project(project)
        layers = project.layers
        self.set_current_layer(layers[-1] if layers else None)

    def _remember_state(self) -> None:
        self._collapsed = set()
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            layer = self.model.layer_at(index)
            if layer is not None and layer.id in self._shown and not self.view.isExpanded(index):
                self._collapsed.add(layer.id)

    def _restore_state(self) -> None:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            layer = self.model.layer_at(index)
            if layer is not None and layer.id not in self._collapsed:
                self.view.expand(index)
        self._shown = {layer.id for layer in self.project.layers}
        current = self._current
        if current is not None and current in self.project.layers:
            self.view.setCurrentIndex(self.model.index_of_layer(current))
        else:
            self._set_current(None)

    # -- context menu ----------------------------------------------------------------------------------------
    def _double_clicked(self, index: QModelIndex) -> None:
        layer = self.model.layer_at(index)
        if layer is None:
            return
        if index.internalId() != 0:
            self.style_requested.emit(layer)  # on a legend entry: edit the style
        else:
            self.properties_requested.emit(layer)

    def layer_actions(self, layer: Layer) -> list[QAction | None]:
        """The context-menu actions for ``layer`` (None is a separator)."""
        def action(text: str, slot) -> QAction:
            act = QAction(text, self)
            act.triggered.connect(slot)
            return act

        actions: list[QAction | None] = [action("Zoom to Layer", lambda: self.zoom_to_layer_requested.emit(layer))]
        if isinstance(layer, VectorLayer):
            actions.append(action("Open Attribute Table", lambda: self.attribute_table_requested.emit(layer)))
            actions.append(action(self.tr("Map Fields / Set Kind…"), lambda: self.map_fields_requested.emit(layer)))
            if self.is_editing is not None:
                editing = action(self.tr("Toggle Editing"), lambda: self.toggle_editing_requested.emit(layer))
                editing.setCheckable(True)
                editing.setChecked(self.is_editing(layer))
                actions.append(editing)
        actions.append(action("Save Features As…", lambda: self.save_as_requested.emit(layer)))
        actions += [None, action("Style…", lambda: self.style_requested.emit(layer)),
                    action("Properties…", lambda: self.properties_requested.emit(layer)), None,
                    action("Rename", lambda: self.view.edit(self.model.index_of_layer(layer))),
                    action("Remove Layer", lambda: self.remove_requested.emit(layer))]
        return actions

    def _context_menu(self, point: QPoint) -> None:
        layer = self.model.layer_at(self.view.indexAt(point))
        if layer is None:
            return
        menu = QMenu(self)
        for act in self.layer_actions(layer):
            if act is None:
                menu.addSeparator()
            else:
                menu.addAction(act)
        menu.exec(self.view.viewport().mapToGlobal(point))
