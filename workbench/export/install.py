"""Put the exports into the main window: a File > Export menu and the Dashboard dock.

``install_exports(window)`` is the one call ``MainWindow`` makes; it needs only the window's public surface
(``menu``, ``add_dock``, ``actions``, ``bridge``, ``project``, ``search``, ``canvas.viewport``).
"""

from __future__ import annotations

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PyQt6.QtGui import QAction

from workbench.docks.dashboard import DashboardDock


def _view_extent(window):
    """What the map shows now: the dialogs' "Current view"."""
    return window.canvas.viewport.extent or window.project.view_extent


def install_exports(window) -> None:
    from workbench.export.dialogs import LayoutDialog, ReportDialog, WebMapDialog
    from workbench.export.qgis_export import QgisProjectDialog

    def open_dialog(dialog_class) -> None:
        dialog = dialog_class(window.project, _view_extent(window), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    file_menu = window.menu("&File")
    export_menu = file_menu.addMenu(QCoreApplication.translate("ExportMenu", "&Export"))
    quit_action = window.actions.get("quit")
    if quit_action is not None:  # keep Quit last: Export goes just above its separator
        file_menu.removeAction(export_menu.menuAction())
        before = file_menu.actions()[file_menu.actions().index(quit_action) - 1]
        file_menu.insertMenu(before, export_menu)
    for name, text, tip, dialog_class in (
        ("export_layout", QT_TRANSLATE_NOOP("ExportMenu", "Print &Layout…"),
         QT_TRANSLATE_NOOP("ExportMenu", "Export a page (PDF, SVG, PNG) with legend, scale bar and north arrow"),
         LayoutDialog),
        ("export_web", QT_TRANSLATE_NOOP("ExportMenu", "&Web Map…"),
         QT_TRANSLATE_NOOP("ExportMenu", "Export an interactive map that opens in any browser, even offline"),
         WebMapDialog),
        ("export_report", QT_TRANSLATE_NOOP("ExportMenu", "Briefing &Report…"),
         QT_TRANSLATE_NOOP("ExportMenu", "Export a report of the last planning run (PDF or HTML)"),
         ReportDialog),
        ("export_qgis", QT_TRANSLATE_NOOP("ExportMenu", "&QGIS Project…"),
         QT_TRANSLATE_NOOP("ExportMenu", "Export the map as a QGIS project (.qgz) with its layers and styles"),
         QgisProjectDialog),
    ):
        action = QAction(QCoreApplication.translate("ExportMenu", text), window)
        action.setStatusTip(QCoreApplication.translate("ExportMenu", tip))
        action.triggered.connect(lambda checked=False, cls=dialog_class: open_dialog(cls))
        export_menu.addAction(action)
        window.actions[name] = action
    window.dashboard = DashboardDock(window.bridge, window)
    window.add_dock(window.dashboard, Qt.DockWidgetArea.RightDockWidgetArea, tabify_with=window.search)
