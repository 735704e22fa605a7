"""The Processing toolbox dock: algorithms by group, a search box, and the plugins that failed to load.

Double-click (or Enter) on an algorithm asks for its dialog through ``algorithm_requested``, and so does Enter in
the search box when exactly one algorithm matches. A broken plugin
shows up under "Plugins that failed to load" with its message and traceback as tooltip, so a planner can
report it; it never stops the toolbox from listing everything else.
"""

from __future__ import annotations

import html

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLineEdit,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from plugins.api import Algorithm
from plugins.registry import Registry

ALGORITHM_ROLE = Qt.ItemDataRole.UserRole
PROBLEMS_GROUP = QT_TRANSLATE_NOOP("ToolboxDock", "Plugins that failed to load")


def matches(algorithm: Algorithm, query: str) -> bool:
    """Every word of ``query`` appears in the id, name, group or description (case-insensitive), in English or
    in the interface language."""
    haystack = " ".join((algorithm.id, algorithm.name, algorithm.group, algorithm.description,
                         algorithm.display_name(), algorithm.display_group(),
                         algorithm.display_description())).lower()
    return all(word in haystack for word in query.lower().split())


def short_name(name: str, group: str) -> str:
    """The name without a repeat of its group ('Site selection: fewest sites…' under Site selection).

    The dock is narrow; names that start with their group were cut off right where they begin to differ.
    """
    head, sep, rest = name.partition(": ")
    if not (sep and rest and head.lower() in (group.lower(), group.lower().rstrip("s"))):
        return name
    return rest if len(rest.split(" ", 1)[0]) == 1 else rest[0].upper() + rest[1:]  # 'k sites' keeps its k


class ToolboxDock(QDockWidget):
    algorithm_requested = pyqtSignal(str)  # algorithm id

    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Processing Toolbox"), parent)
        self.setObjectName("ProcessingToolboxDock")
        self.registry = registry
        body = QWidget(self)
        self.search = QLineEdit(body)
        self.search.setPlaceholderText(self.tr("Search algorithms…"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(body)
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.setWidget(body)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._open_only_match)
        self.tree.itemActivated.connect(self._activated)
        self.populate()

    def populate(self) -> None:
        self.tree.clear()
        folder = self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        tool = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        for group, algorithms in self.registry.groups().items():
            group = algorithms[0].display_group() if algorithms and algorithms[0].group == group else group
            group_item = QTreeWidgetItem(self.tree, [group])
            group_item.setIcon(0, folder)
            for algorithm in algorithms:
                item = QTreeWidgetItem(group_item, [short_name(algorithm.display_name(), group)])
                item.setIcon(0, tool)
                item.setData(0, ALGORITHM_ROLE, algorithm.id)
                name, description = (html.escape(text, quote=False)
                                     for text in (algorithm.display_name(), algorithm.display_description()))
                item.setToolTip(0, f"<b>{name}</b> ({algorithm.id})<br>{description}")  # a tooltip reads markup
        if self.registry.problems:
            warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            problems = QTreeWidgetItem(self.tree, [self.tr("{title} ({count})").format(
                title=self._problems_title(), count=len(self.registry.problems))])
            problems.setIcon(0, warning)
            problems.setForeground(0, QBrush(QColor("#b2182b")))
            for problem in self.registry.problems:
                item = QTreeWidgetItem(problems, [f"{problem.source}: {problem.message}"])
                item.setForeground(0, QBrush(QColor("#b2182b")))
                item.setToolTip(0, problem.details or problem.message)
            problems.setExpanded(False)
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if not top.text(0).startswith(self._problems_title()):
                top.setExpanded(True)
        self.filter(self.search.text())

    def filter(self, query: str) -> None:
        """Hide algorithms that do not match; hide groups left empty; expand what remains."""
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            if group.text(0).startswith(self._problems_title()):
                group.setHidden(bool(query.strip()))
                continue
            visible = 0
            for child_index in range(group.childCount()):
                child = group.child(child_index)
                shown = matches(self.registry.get(child.data(0, ALGORITHM_ROLE)), query)
                child.setHidden(not shown)
                visible += shown
            group.setHidden(visible == 0)
            if query.strip():
                group.setExpanded(True)

    @staticmethod
    def _problems_title() -> str:
        return QCoreApplication.translate("ToolboxDock", PROBLEMS_GROUP)

    def visible_algorithms(self) -> list[str]:
        found = []
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            for child_index in range(group.childCount()):
                child = group.child(child_index)
                algorithm_id = child.data(0, ALGORITHM_ROLE)
                if algorithm_id and not child.isHidden() and not group.isHidden():
                    found.append(algorithm_id)
        return found

    def item_for(self, algorithm_id: str) -> QTreeWidgetItem | None:
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            for child_index in range(group.childCount()):
                if group.child(child_index).data(0, ALGORITHM_ROLE) == algorithm_id:
                    return group.child(child_index)
        return None

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        algorithm_id = item.data(0, ALGORITHM_ROLE)
        if algorithm_id:
            self.algorithm_requested.emit(algorithm_id)

    def _open_only_match(self) -> None:
        """Enter in the search box opens the algorithm when the search has narrowed the list to one."""
        visible = self.visible_algorithms()
        if len(visible) == 1:
            self.algorithm_requested.emit(visible[0])
