"""The project's layers as a Qt tree, top layer first as in every GIS, with legend entries as children.

Checking a row sets ``layer.visible``, editing renames, dragging reorders ``Project`` layers; everything goes
through the model, so the canvas and every other view hear about it through the project's events.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt
from PyQt6.QtGui import QColor, QFont, QIcon

from layers import Event, Layer, Project, RasterLayer, VectorLayer
from layers.styles import LegendEntry
from workbench.docks.legend_icons import colour_icon, layer_icon, symbol_icon

MIME_TYPE = "application/x-lamplight-layer-ids"
LAYER_ROLE = Qt.ItemDataRole.UserRole + 1
#: The top-level item id; legend children carry 1 + their layer's project index.
_TOP = 0
#: Structural changes rebuild the tree; others repaint a row.
_RESET_EVENTS = {"added", "removed", "moved", "cleared"}
_RESET_ATTRIBUTES = {"style", "data"}

#: The invisible root index, as a default argument (Qt's own signature).
_ROOT = QModelIndex()


def legend_entries(layer: Layer) -> list[LegendEntry]:
    """The classes shown under a layer (none for a single symbol: its icon already says it all)."""
    style = layer.style
    if style is None or not hasattr(style, "legend"):
        return []
    if isinstance(layer, VectorLayer) and getattr(style, "symbol", None) is not None:
        return []
    return list(style.legend())


class LayerTreeModel(QAbstractItemModel):
    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self._legends: dict[str, list[LegendEntry]] = {}
        self._icons: dict[tuple[str, int], QIcon] = {}  # (layer id, legend row or -1); cleared with the legends
        self._legend_font = QFont()  # asked for on every paint of every legend row: made once
        self._legend_font.setPointSizeF(self._legend_font.pointSizeF() * 0.92)

    # -- project binding ---------------------------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        self.beginResetModel()
        self.project = project
        self._forget_legends()
        self.endResetModel()

    def on_project_event(self, event: Event) -> None:
        """Follow the model: rebuild on structure or style changes, repaint a row otherwise."""
        if event.type in _RESET_EVENTS or (event.type == "changed" and event.attribute in _RESET_ATTRIBUTES):
            self.beginResetModel()
            self._forget_legends()
            self.endResetModel()
        elif event.type == "changed" and event.layer is not None and event.attribute != "selection":
            index = self.index_of_layer(event.layer)
            if index.isValid():
                self.dataChanged.emit(index, index)

    def _forget_legends(self) -> None:
        self._legends.clear()
        self._icons.clear()

    def _icon(self, layer: Layer, row: int, make) -> QIcon:
        key = (layer.id, row)
        if key not in self._icons:
            self._icons[key] = make()
        return self._icons[key]

    # -- layer <-> row -------------------------------------------------------------------------------------
    def layer_at(self, index: QModelIndex) -> Layer | None:
        """The layer of a row (or of a legend entry's parent row)."""
        if not index.isValid():
            return None
        layers = self.project.layers
        if index.internalId() == _TOP:
            position = len(layers) - 1 - index.row()
        else:
            position = index.internalId() - 1
        return layers[position] if 0 <= position < len(layers) else None

    def index_of_layer(self, layer: Layer) -> QModelIndex:
        try:
            position = self.project.index_of(layer)
        except KeyError:
            return QModelIndex()
        return self.index(len(self.project) - 1 - position, 0)

    def _legend(self, layer: Layer) -> list[LegendEntry]:
        if layer.id not in self._legends:
            self._legends[layer.id] = legend_entries(layer)
        return self._legends[layer.id]

    # -- QAbstractItemModel ----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex = _ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, _TOP) if row < len(self.project) else QModelIndex()
        if parent.internalId() != _TOP:
            return QModelIndex()
        layer = self.layer_at(parent)
        if layer is None or row >= len(self._legend(layer)):
            return QModelIndex()
        return self.createIndex(row, 0, self.project.index_of(layer) + 1)

    def parent(self, index: QModelIndex = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        position = index.internalId() - 1
        return self.createIndex(len(self.project) - 1 - position, 0, _TOP)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self.project)
        if parent.internalId() != _TOP:
            return 0
        layer = self.layer_at(parent)
        return len(self._legend(layer)) if layer is not None else 0

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        return 1

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        layer = self.layer_at(index)
        if layer is None:
            return None
        if index.internalId() != _TOP:
            return self._legend_data(layer, index.row(), role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return layer.name
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(layer, -1, lambda: layer_icon(layer))
        if role == Qt.ItemDataRole.ToolTipRole:
            return layer_tooltip(layer)
        if role == Qt.ItemDataRole.ForegroundRole and not layer.visible:
            return QColor(140, 140, 140)
        if role == LAYER_ROLE:
            return layer
        return None

    def _legend_data(self, layer: Layer, row: int, role: int) -> Any:
        entries = self._legend(layer)
        if not 0 <= row < len(entries):
            return None
        entry = entries[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label
        if role == Qt.ItemDataRole.DecorationRole:
            if entry.symbol is not None:  # the family is looked up only when the icon is drawn, not per paint
                return self._icon(layer, row, lambda: symbol_icon(
                    entry.symbol, layer.geometry_type if isinstance(layer, VectorLayer) else "polygon"))
            if entry.colour:
                return self._icon(layer, row, lambda: colour_icon(entry.colour))
        if role == Qt.ItemDataRole.FontRole:
            return self._legend_font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(70, 70, 70)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        layer = self.layer_at(index)
        if layer is None or index.internalId() != _TOP:
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            layer.visible = Qt.CheckState(value) == Qt.CheckState.Checked
            return True
        if role == Qt.ItemDataRole.EditRole:
            name = str(value).strip()
            if not name or name == layer.name:
                return False
            layer.name = self.project.unique_name(name)
            return True
        return False

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        if index.internalId() != _TOP:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)

    # -- drag and drop reordering --------------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = [layer.id for layer in (self.layer_at(i) for i in indexes if i.internalId() == _TOP) if layer]
        data = QMimeData()
        data.setData(MIME_TYPE, "\n".join(dict.fromkeys(ids)).encode())
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        ids = [i for i in bytes(data.data(MIME_TYPE)).decode().split("\n") if i]
        if parent.isValid():  # dropped onto a row (or a legend entry): go just above that layer
            top = parent if parent.internalId() == _TOP else self.parent(parent)
            row = top.row()
        elif row < 0:
            row = len(self.project)
        for layer_id in reversed(ids):
            try:
                layer = self.project.layer(layer_id)
            except KeyError:
                continue
            self.move_to_display_row(layer, row)
        return True

    def move_to_display_row(self, layer: Layer, row: int) -> None:
        """Put ``layer`` where display row ``row`` is (display rows count from the top of the tree)."""
        count = len(self.project)
        old_row = count - 1 - self.project.index_of(layer)
        target_row = row if row <= old_row else row - 1
        target_row = max(0, min(count - 1, target_row))
        self.project.move_layer(layer, count - 1 - target_row)


def layer_tooltip(layer: Layer) -> str:
    lines = [f"<b>{layer.name}</b>"]
    if isinstance(layer, VectorLayer):
        lines.append(f"{len(layer):,} {layer.geometry_type} features")
    elif isinstance(layer, RasterLayer):
        lines.append(f"raster {layer.width} × {layer.height}, {layer.count} band(s)")
    if layer.kind:
        lines.append(f"kind: {layer.kind}")
    if layer.crs is not None:
        lines.append(f"CRS: {layer.crs.to_string()}")
    if layer.source:
        lines.append(f"source: {layer.source}")
    return "<br>".join(lines)
