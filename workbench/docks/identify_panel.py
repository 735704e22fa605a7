"""Identify results dock: what lies under the last click, layer by layer, feature by feature."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QDockWidget, QTreeWidget, QTreeWidgetItem, QWidget

from workbench.canvas.feature_query import IdentifyResult
from workbench.docks.attribute_model import format_value


class IdentifyDock(QDockWidget):
    feature_activated = pyqtSignal(object, int)  # layer, row position (double-click zooms to it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Identify Results"), parent)
        self.setObjectName("IdentifyDock")
        self.tree = QTreeWidget()
        self.tree.setObjectName("IdentifyTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Feature"), self.tr("Value")])
        self.tree.setAlternatingRowColors(True)
        self.tree.itemDoubleClicked.connect(self._activated)
        self.setWidget(self.tree)
        self.results: list[IdentifyResult] = []

    def show_results(self, results: list[IdentifyResult]) -> None:
        self.results = list(results)
        self.tree.clear()
        if not results:
            QTreeWidgetItem(self.tree, [self.tr("Nothing here"), ""]).setDisabled(True)
            return
        bold = QFont()
        bold.setBold(True)
        layer_items: dict[str, QTreeWidgetItem] = {}
        for result in results:
            parent = layer_items.get(result.layer.id)
            if parent is None:
                parent = QTreeWidgetItem(self.tree, [result.layer.name, ""])
                parent.setFont(0, bold)
                layer_items[result.layer.id] = parent
            feature = QTreeWidgetItem(parent, [result.title, ""])
            feature.setData(0, Qt.ItemDataRole.UserRole, (result.layer, result.position))
            for name, value in result.attributes:
                QTreeWidgetItem(feature, [str(name), format_value(value)])
        self.tree.expandToDepth(0)
        first = self.tree.topLevelItem(0).child(0)
        if first is not None:
            first.setExpanded(True)
        self.tree.resizeColumnToContents(0)

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data and data[1] is not None:
            self.feature_activated.emit(data[0], int(data[1]))
