"""Put Processing into the main window: the toolbox and history docks and a Processing menu.

``install_processing(window)`` needs only what ``workbench.main_window.MainWindow`` offers: ``window.project``,
``window.project_changed``, ``window.add_dock`` and ``window.menu``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction

from plugins.registry import Registry, default_registry
from workbench.processing.controller import ProcessingController
from workbench.processing.history import HistoryDock
from workbench.processing.toolbox import ToolboxDock


@dataclass
class Processing:
    """What ``install_processing`` added, so the window (and tests) can reach it."""

    controller: ProcessingController
    toolbox: ToolboxDock
    history: HistoryDock


def install_processing(window: Any, registry: Registry | None = None) -> Processing:
    registry = registry if registry is not None else default_registry()
    controller = ProcessingController(registry, lambda: window.project, window)
    toolbox = ToolboxDock(registry, window)
    history = HistoryDock(window.project, window)
    window.add_dock(toolbox, Qt.DockWidgetArea.RightDockWidgetArea)
    window.add_dock(history, Qt.DockWidgetArea.RightDockWidgetArea, tabify_with=toolbox)  # history behind
    toolbox.algorithm_requested.connect(controller.open_dialog)
    history.rerun_requested.connect(controller.open_dialog)
    window.project_changed.connect(history.set_project)
    window.project_changed.connect(lambda _: controller.close_all())
    menu = window.menu("&Processing")
    show_toolbox = QAction("&Toolbox", window)
    show_toolbox.setShortcut("Ctrl+Alt+T")
    show_toolbox.triggered.connect(lambda: (toolbox.show(), toolbox.raise_(), toolbox.search.setFocus()))
    show_history = QAction("&History", window)
    show_history.triggered.connect(lambda: (history.show(), history.raise_()))
    menu.addAction(show_toolbox)
    menu.addAction(show_history)
    menu.addSeparator()
    for group, algorithms in registry.groups().items():
        submenu = menu.addMenu(group)
        for algorithm in algorithms:
            action = submenu.addAction(f"{algorithm.name}…")
            action.setToolTip(algorithm.description)
            action.triggered.connect(lambda _=False, a=algorithm.id: controller.open_dialog(a))
    processing = Processing(controller, toolbox, history)
    window.processing = processing
    return processing
