"""Put Processing into the main window: the toolbox and history docks and a Processing menu.

``install_processing(window)`` needs only what ``workbench.main_window.MainWindow`` offers: ``window.project``,
``window.project_changed``, ``window.add_dock`` and ``window.menu`` (and, when there is one, the
``window.attribute_table`` dock that the results dock joins as a tab).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PyQt6.QtGui import QAction

from plugins.registry import Registry, default_registry
from workbench.processing.controller import ProcessingController
from workbench.processing.history import HistoryDock
from workbench.processing.results import ResultsDock
from workbench.processing.toolbox import ToolboxDock, short_name


@dataclass
class Processing:
    """What ``install_processing`` added, so the window (and tests) can reach it."""

    controller: ProcessingController
    toolbox: ToolboxDock
    history: HistoryDock
    results: ResultsDock


def install_processing(window: Any, registry: Registry | None = None) -> Processing:
    registry = registry if registry is not None else default_registry()
    controller = ProcessingController(registry, lambda: window.project, window)
    toolbox = ToolboxDock(registry, window)
    history = HistoryDock(window.project, window)
    window.add_dock(toolbox, Qt.DockWidgetArea.RightDockWidgetArea)
    window.add_dock(history, Qt.DockWidgetArea.RightDockWidgetArea, tabify_with=toolbox)  # history behind
    results = ResultsDock(window)
    window.add_dock(results, Qt.DockWidgetArea.BottomDockWidgetArea)
    results.hide()  # until a run has tables (a hidden tab group made now would trip Qt's tab-bar leak, see add_dock)

    def reveal_results() -> None:
        """Show the results dock; the first time, as a tab beside the attribute table (tables go with tables)."""
        anchor = getattr(window, "attribute_table", None)
        if (not results.isVisible() and anchor is not None and anchor.isVisible() and not results.isFloating()
                and window.dockWidgetArea(results) == window.dockWidgetArea(anchor)
                and results not in window.tabifiedDockWidgets(anchor)):
            window.tabifyDockWidget(anchor, results)
        results.show()
        results.raise_()

    def show_results(record, tables) -> None:
        results.show_run(record, tables)
        reveal_results()

    controller.tables_ready.connect(show_results)
    history.tables_requested.connect(show_results)
    window.project_changed.connect(lambda _: results.clear())
    toolbox.algorithm_requested.connect(controller.open_dialog)
    history.rerun_requested.connect(controller.open_dialog)
    window.project_changed.connect(history.set_project)
    window.project_changed.connect(lambda _: controller.close_all())
    menu = window.menu(QT_TRANSLATE_NOOP("MainWindow", "&Processing"))
    show_toolbox = QAction(QCoreApplication.translate("Processing", "&Toolbox"), window)
    show_toolbox.setShortcut("Ctrl+Alt+T")
    show_toolbox.triggered.connect(lambda: (toolbox.show(), toolbox.raise_(), toolbox.search.setFocus()))
    show_history = QAction(QCoreApplication.translate("Processing", "&History"), window)
    show_history.triggered.connect(lambda: (history.show(), history.raise_()))
    show_results_action = QAction(QCoreApplication.translate("Processing", "&Results"), window)
    show_results_action.setStatusTip(QCoreApplication.translate(
        "Processing", "The tables of the last run, or of a run chosen in the History"))
    show_results_action.triggered.connect(reveal_results)
    menu.addAction(show_toolbox)
    menu.addAction(show_history)
    menu.addAction(show_results_action)
    menu.addSeparator()
    for group, algorithms in registry.groups().items():
        group = algorithms[0].display_group() if algorithms and algorithms[0].group == group else group
        submenu = menu.addMenu(group)
        for algorithm in algorithms:
            action = submenu.addAction(f"{short_name(algorithm.display_name(), group)}…")
            action.setToolTip(algorithm.display_description())
            action.triggered.connect(lambda _=False, a=algorithm.id: controller.open_dialog(a))
    processing = Processing(controller, toolbox, history, results)
    window.processing = processing
    return processing
