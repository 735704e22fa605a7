"""The Lamplight main window: map canvas in the middle, docks around it, menus and toolbars on top.

The window composes parts and wires their signals; the work lives in the parts (``workbench.canvas``,
``workbench.docks``, ``workbench.dialogs``, ``workbench.window``). To extend it:

* a new menu: ``window.menu("Processing")`` returns it (created before Help on first call);
* a new dock: ``window.add_dock(dock, Qt.DockWidgetArea.RightDockWidgetArea)`` (also lists it in View > Panels);
* follow project changes: connect to ``window.bridge.model_event`` (model events, in the GUI thread) and
  ``window.project_changed`` (another project was opened); ``window.project`` is always the current one.
"""

from __future__ import annotations

import struct

from PyQt6 import sip
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QToolBar, QWidget

from layers import Layer, Project, VectorLayer
from workbench.basemap.menu import BasemapMenu
from workbench.canvas.map_canvas import MapCanvas, selection_extent
from workbench.canvas.status_widgets import CanvasStatus
from workbench.canvas.viewport import valid_extent
from workbench.dialogs.layer_properties import STYLE_TAB, LayerPropertiesDialog
from workbench.dialogs.project_properties import show_project_properties
from workbench.dialogs.rf_profile import show_rf_profile
from workbench.docks.attribute_table import AttributeTableDock
from workbench.docks.identify_panel import IdentifyDock
from workbench.docks.layer_tree import LayerTreeDock
from workbench.docks.scenarios import install_scenarios
from workbench.docks.search_panel import SearchDock
from workbench.editing.actions import install_editing
from workbench.export.install import install_exports
from workbench.i18n.menu import LanguageMenu
from workbench.processing.install import install_processing
from workbench.resources import icon
from workbench.user_settings import user_settings
from workbench.window.file_commands import FileCommands
from workbench.window.layer_export import LayerExporter
from workbench.window.map_tools import MapToolActions
from workbench.window.project_bridge import ProjectBridge
from workbench.window.screen_fit import fit_to_screen
from workbench.window.start_folder import start_folder
from workbench.window.tooltips import tool_tip

APP_NAME = "Lamplight"
#: Menus in menu-bar order; ``menu(name)`` puts other menus before Help.
MENU_ORDER = (QT_TRANSLATE_NOOP("MainWindow", "&File"), QT_TRANSLATE_NOOP("MainWindow", "&Edit"),
              QT_TRANSLATE_NOOP("MainWindow", "&Project"), QT_TRANSLATE_NOOP("MainWindow", "&View"),
              QT_TRANSLATE_NOOP("MainWindow", "&Layer"), QT_TRANSLATE_NOOP("MainWindow", "&Selection"),
              QT_TRANSLATE_NOOP("MainWindow", "&Tools"), QT_TRANSLATE_NOOP("MainWindow", "&Help"))


class MainWindow(QMainWindow):
    project_changed = pyqtSignal(object)  # layers.Project

    def __init__(self, project: Project | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LamplightMainWindow")
        self.setWindowIcon(icon("lamplight"))
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.bridge = ProjectBridge(project or Project(), self)
        self.canvas = MapCanvas(self.bridge, self)
        self.setCentralWidget(self.canvas)
        self.files = FileCommands(self)
        self.layer_export = LayerExporter(self)
        self.tools = MapToolActions(self.canvas, self)
        self._menus: dict[str, QMenu] = {}
        #: Tab groups requested before the first show; None once the dock layout has settled.
        self._pending_tabs: list[tuple[QDockWidget, QDockWidget]] | None = []
        self._restored_state: bytes | None = None
        self.panels_menu = QMenu(self.tr("Panels"), self)
        self._create_docks()
        self._create_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._connect_signals()
        install_exports(self)
        install_processing(self)
        install_editing(self)
        install_scenarios(self)
        self._stop_workers_on_exit()
        self.files.session.dirty_changed.connect(lambda dirty: self.update_title())
        fit_to_screen(self, 1600, 1000)  # a laptop must see the whole window
        self._restore_window_state()
        self.update_title()

    @property
    def project(self) -> Project:
        return self.bridge.project

    # -- composition -----------------------------------------------------------------------------------------
    def _create_docks(self) -> None:
        self.layer_tree = LayerTreeDock(self.bridge, self)
        self.search = SearchDock(self.bridge, self)
        self.identify = IdentifyDock(self)
        self.attribute_table = AttributeTableDock(self.bridge, self)
        self.add_dock(self.layer_tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock(self.search, Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock(self.identify, Qt.DockWidgetArea.RightDockWidgetArea, tabify_with=self.search)
        self.add_dock(self.attribute_table, Qt.DockWidgetArea.BottomDockWidgetArea)
        # Side panels run full height, the attribute table sits under the map only (as in QGIS).
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending_tabs is not None:
            self._settle_dock_layout()

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea, *, tabify_with: QDockWidget | None = None) -> None:
        """Add a dock (with a unique objectName, so its place is remembered) and list it under View > Panels.

        ``tabify_with`` puts the dock behind that one in the default layout. Before the window is first shown
        the request waits (see ``_settle_dock_layout``): Qt 6.11 leaks the tab bar of a tab group that a
        layout rebuild replaces (a restoreState, or a second tab group made in the same area while the
        window is hidden), and the leaked bar stays visible in the middle of the window.
        """
        self.addDockWidget(area, dock)
        if tabify_with is not None:
            if self._pending_tabs is None:
                self.tabifyDockWidget(tabify_with, dock)
            else:  # hidden meanwhile, so the stacked docks do not stretch the window's minimum height
                self._pending_tabs.append((tabify_with, dock))
                dock.hide()
        self.panels_menu.addAction(dock.toggleViewAction())

    def _settle_dock_layout(self) -> None:
        """On first show: the default tab groups (or, after a restored layout, only for panels it lacks)."""
        pending, self._pending_tabs = self._pending_tabs or [], None
        for anchor, dock in pending:
            if self._restored_state is None or not _state_places(self._restored_state, dock):
                self.tabifyDockWidget(anchor, dock)
                dock.show()
        if self._restored_state is None:
            self.resizeDocks([self.layer_tree, self.search], [290, 340], Qt.Orientation.Horizontal)
            self.resizeDocks([self.attribute_table], [240], Qt.Orientation.Vertical)
            for anchor in dict.fromkeys(anchor for anchor, _ in pending):
                anchor.raise_()

    def menu(self, title: str) -> QMenu:
        """The top-level menu ``title`` ("&File", "&Processing", ...: the English key, shown translated in the
        MainWindow context, see MENU_ORDER), created before Help when new."""
        for key, existing in self._menus.items():
            if key.replace("&", "") == title.replace("&", ""):
                return existing
        menu = QMenu(QCoreApplication.translate("MainWindow", title), self)
        help_menu = self._menus.get("&Help")
        if help_menu is not None:
            self.menuBar().insertMenu(help_menu.menuAction(), menu)
        else:
            self.menuBar().addMenu(menu)
        self._menus[title] = menu
        return menu

    def _action(self, name: str, text: str, slot, *, icon_name: str | None = None, shortcut: str | None = None,
                tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tool_tip(text, tip, shortcut))
        action.triggered.connect(lambda checked=False: slot())
        self.actions[name] = action
        return action

    def _create_actions(self) -> None:
        self.actions: dict[str, QAction] = {}
        files = self.files
        a = self._action
        a("new", self.tr("&New Project"), files.new_project, icon_name="new", shortcut="Ctrl+N",
          tip=self.tr("Start an empty project"))
        a("open", self.tr("&Open Project…"), files.choose_and_open_project, icon_name="open", shortcut="Ctrl+O",
          tip=self.tr("Open a .lamp project"))
        a("save", self.tr("&Save Project"), files.save, icon_name="save", shortcut="Ctrl+S",
          tip=self.tr("Save the project"))
        a("save_as", self.tr("Save Project &As…"), files.save_as, icon_name="save_as", shortcut="Ctrl+Shift+S",
          tip=self.tr("Save the project under a new name"))
        a("add_layer", self.tr("&Add Layer…"), files.choose_and_add_layers, icon_name="add_layer", shortcut="Ctrl+L",
          tip=self.tr("Add layers from GeoPackage, Shapefile, GeoJSON, CSV/XLSX or GeoTIFF files"))
        a("find_missing", self.tr("&Find Missing Data Files…"), files.find_missing_files,
          tip=self.tr("Point at the folder the project's missing data files moved to, and restore their layers"))
        a("quit", self.tr("&Quit"), self.close, shortcut="Ctrl+Q")
        a("project_properties", self.tr("&Properties…"), lambda: show_project_properties(self),
          tip=self.tr("Title and coordinate system (CRS) of the project"))
        a("rf_profile", self.tr("&RF Profile…"), lambda: show_rf_profile(self),
          tip=self.tr("Radio assumptions shared by coverage, rf-mode siting and the statistics"))
        a("zoom_full", self.tr("Zoom to &Full Extent"), self.canvas.zoom_full, icon_name="zoom_full",
          shortcut="Ctrl+Shift+F", tip=self.tr("Show every visible layer"))
        a("zoom_layer", self.tr("Zoom to &Layer"), self.zoom_to_current_layer, icon_name="zoom_layer",
          tip=self.tr("Show the whole current layer"))
        a("zoom_selection", self.tr("Zoom to &Selection"), lambda: self.canvas.zoom_to_selection(),
          icon_name="zoom_selection", shortcut="Ctrl+J", tip=self.tr("Show the selected features"))
        a("zoom_in", self.tr("Zoom &In"), lambda: self.canvas.zoom_by(2.0), shortcut="Ctrl++")
        a("zoom_out", self.tr("Zoom &Out"), lambda: self.canvas.zoom_by(0.5), shortcut="Ctrl+-")
        a("refresh", self.tr("&Refresh"), self.canvas.request_render, shortcut="F5",
          tip=self.tr("Render the map again"))
        a("attribute_table", self.tr("Open &Attribute Table"), self.show_attribute_table, icon_name="table",
          shortcut="F6", tip=self.tr("Show the attributes of the current layer"))
        a("style", self.tr("&Style…"), lambda: self._with_current_layer(self.edit_style),
          tip=self.tr("Edit the current layer's style"))
        a("properties", self.tr("&Properties…"), lambda: self._with_current_layer(self.show_properties),
          tip=self.tr("Source, CRS, fields, load notes and style of the current layer"))
        a("save_layer_as", self.tr("Save Features &As…"), lambda: self._with_current_layer(self.save_layer_as),
          tip=self.tr("Write the current layer, or only its selected features, to GeoPackage, GeoJSON, CSV or GeoTIFF"))
        a("remove_layer", self.tr("&Remove Layer"), lambda: self._with_current_layer(self.remove_layer),
          tip=self.tr("Remove the current layer from the project"))
        a("clear_selection", self.tr("&Clear Selection"), self.clear_selection, icon_name="clear_selection",
          shortcut="Ctrl+Shift+A", tip=self.tr("Deselect every feature in every layer"))
        a("select_all", self.tr("Select &All Features"), self.select_all, shortcut="Ctrl+A",
          tip=self.tr("Select every feature of the current layer"))
        a("invert_selection", self.tr("&Invert Selection"), self.invert_selection,
          tip=self.tr("Invert the current layer's selection"))
        a("about", self.tr("&About Lamplight"), self.show_about)

    # -- menus (each in its own method so others can add to them) --------------------------------------------
    def _build_menus(self) -> None:
        for title in MENU_ORDER:
            self.menu(title)
        self._build_file_menu(self.menu("&File"))
        self.menu("&Project").addAction(self.actions["project_properties"])
        self.menu("&Project").addAction(self.actions["rf_profile"])
        self._build_view_menu(self.menu("&View"))
        self._build_layer_menu(self.menu("&Layer"))
        self._build_selection_menu(self.menu("&Selection"))
        self._build_tools_menu(self.menu("&Tools"))
        self._build_help_menu(self.menu("&Help"))

    def _build_file_menu(self, menu: QMenu) -> None:
        for name in ("new", "open"):
            menu.addAction(self.actions[name])
        self.recent_menu = menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent_menu(self.recent_menu))
        self.files.fill_recent_menu(self.recent_menu)
        for name in (None, "save", "save_as", None, "add_layer", "find_missing", None, "quit"):
            menu.addSeparator() if name is None else menu.addAction(self.actions[name])

    def _build_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.tools.actions["pan"])
        for name in ("zoom_in", "zoom_out", "zoom_full", "zoom_layer", "zoom_selection", None, "refresh"):
            menu.addSeparator() if name is None else menu.addAction(self.actions[name])
        menu.addSeparator()
        self.basemap_menu = menu.addMenu(icon("basemap"), self.tr("&Basemap"))
        self._build_basemap_menu(self.basemap_menu)
        menu.addSeparator()
        menu.addMenu(self.panels_menu)
        self.language_menu = LanguageMenu(self)
        menu.addMenu(self.language_menu)

    def _build_basemap_menu(self, menu: QMenu) -> None:
        """None (offline, the default), the online presets, Tianditu, the project's own basemaps, Add Basemap…"""
        self.basemaps = BasemapMenu(self, menu)
        self.basemap_actions = self.basemaps.actions

    def _build_layer_menu(self, menu: QMenu) -> None:
        for name in ("add_layer", "save_layer_as", None, "attribute_table", "style", "properties", None,
                     "zoom_layer", None, "remove_layer"):
            menu.addSeparator() if name is None else menu.addAction(self.actions[name])

    def _build_selection_menu(self, menu: QMenu) -> None:
        for key in ("select_click", "select_rectangle", "select_polygon"):
            menu.addAction(self.tools.actions[key])
        for name in (None, "select_all", "invert_selection", "clear_selection", None, "zoom_selection"):
            menu.addSeparator() if name is None else menu.addAction(self.actions[name])

    def _build_tools_menu(self, menu: QMenu) -> None:
        for key in ("identify", "measure_distance", "measure_area"):
            menu.addAction(self.tools.actions[key])

    def _build_help_menu(self, menu: QMenu) -> None:
        menu.addAction(self.actions["about"])

    def _build_toolbars(self) -> None:
        self.project_toolbar = self._toolbar("Project", self.tr("Project"), ["new", "open", "save", "add_layer"])
        self.navigation_toolbar = self._toolbar("Navigation", self.tr("Navigation"), [])
        for key in ("pan", "zoom_in_box", "zoom_out_box"):
            self.navigation_toolbar.addAction(self.tools.actions[key])
        for name in ("zoom_full", "zoom_layer", "zoom_selection"):
            self.navigation_toolbar.addAction(self.actions[name])
        self.tools_toolbar = self._toolbar("Map Tools", self.tr("Map Tools"), [])
        for key in ("identify", "select_click", "select_rectangle", "select_polygon"):
            self.tools_toolbar.addAction(self.tools.actions[key])
        self.tools_toolbar.addAction(self.actions["clear_selection"])
        self.tools_toolbar.addSeparator()
        for key in ("measure_distance", "measure_area"):
            self.tools_toolbar.addAction(self.tools.actions[key])
        self.tools_toolbar.addSeparator()
        self.tools_toolbar.addAction(self.actions["attribute_table"])
        basemap = self.basemap_menu.menuAction()
        basemap.setToolTip(self.tr("Basemap — An online background map under the layers "
                                   "(off by default: data stays here)"))
        self.tools_toolbar.addAction(basemap)

    def _toolbar(self, key: str, title: str, names: list[str]) -> QToolBar:
        """A toolbar shown as ``title``; its objectName comes from the English ``key`` (the saved layout's)."""
        bar = self.addToolBar(title)
        bar.setObjectName(f"{key.replace(' ', '')}Toolbar")
        bar.setMovable(True)
        for name in names:
            bar.addAction(self.actions[name])
        return bar

    def _build_status_bar(self) -> None:
        self.canvas_status = CanvasStatus(self.canvas, self)
        self.statusBar().addPermanentWidget(self.canvas_status)
        self.statusBar().setSizeGripEnabled(True)

    def _connect_signals(self) -> None:
        tree, canvas = self.layer_tree, self.canvas
        tree.current_layer_changed.connect(self._current_layer_changed)
        tree.zoom_to_layer_requested.connect(canvas.zoom_to_layer)
        tree.attribute_table_requested.connect(self.show_attribute_table)
        tree.style_requested.connect(self.edit_style)
        tree.properties_requested.connect(self.show_properties)
        tree.remove_requested.connect(self.remove_layer)
        tree.save_as_requested.connect(self.save_layer_as)
        tree.map_fields_requested.connect(self.files.map_fields)
        self.attribute_table.zoom_to_selection_requested.connect(canvas.zoom_to_selection)
        self.search.zoom_to_selection_requested.connect(canvas.zoom_to_selection)
        for dock in (self.attribute_table, self.search, self.identify):
            dock.feature_activated.connect(self.zoom_to_feature)
        canvas.identified.connect(self._show_identify_results)
        canvas.measured.connect(lambda text: self.statusBar().showMessage(text))
        canvas.status_message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        canvas.tool_changed.connect(
            lambda tool: self.statusBar().showMessage(QCoreApplication.translate("MapTools", tool.name), 3000))
        self.files.session.autosaved.connect(lambda text: self.statusBar().showMessage(text, 5000))

    # -- project ------------------------------------------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        """Show ``project`` instead of the current one (every dock and the canvas rebind)."""
        self.bridge.set_project(project)
        self.update_title()
        self.project_changed.emit(project)

    def update_title(self) -> None:
        name = self.project.path.name if self.project.path is not None else self.project.title
        self.setWindowTitle(self.tr("{name}[*] — {app}").format(name=name, app=APP_NAME))
        self.setWindowModified(self.files.session.dirty)

    # -- layer commands ----------------------------------------------------------------------------------------
    def current_layer(self) -> Layer | None:
        return self.layer_tree.current_layer()

    def _with_current_layer(self, command) -> None:
        layer = self.current_layer()
        if layer is None:
            self.statusBar().showMessage(self.tr("Choose a layer in the Layers panel first"), 5000)
            return
        command(layer)

    def _current_layer_changed(self, layer: Layer | None) -> None:
        self.canvas.active_layer = layer
        self.attribute_table.show_layer(layer)
        for name in ("style", "properties", "remove_layer", "zoom_layer", "save_layer_as"):
            self.actions[name].setEnabled(layer is not None)

    def zoom_to_current_layer(self) -> None:
        self._with_current_layer(self.canvas.zoom_to_layer)

    def show_attribute_table(self, layer: Layer | None = None) -> None:
        layer = layer or self.current_layer()
        self.attribute_table.show_layer(layer)
        self.attribute_table.show()
        self.attribute_table.raise_()

    def show_properties(self, layer: Layer, tab: str | None = None) -> LayerPropertiesDialog:
        dialog = LayerPropertiesDialog(layer, self.project, self, tab=tab)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_style(self, layer: Layer) -> LayerPropertiesDialog:
        return self.show_properties(layer, tab=STYLE_TAB)

    def remove_layer(self, layer: Layer, *, confirm: bool = True) -> bool:
        """Remove ``layer``; asks first when its data exists only in this session (it would be lost)."""
        if confirm and not layer.source:
            answer = QMessageBox.question(
                self, self.tr("Remove layer"), self.tr("\u201c{name}\u201d exists only in this project; removing it "
                                                       "discards its data unless the project was saved. Remove it?"
                                                       ).format(name=layer.name))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.project.remove_layer(layer)
        return True

    def save_layer_as(self, layer: Layer) -> None:
        """Ask for a file (and whether only the selection) and write the layer there in the background."""
        self.layer_export.choose_and_save(layer, str(start_folder(self.project.path)))

    def add_files(self, paths: list[str]) -> None:
        self.files.add_files(paths)

    # -- selection ------------------------------------------------------------------------------------------------
    def clear_selection(self) -> None:
        for layer in self.project:
            if isinstance(layer, VectorLayer) and layer.selection:
                layer.selection = frozenset()

    def select_all(self) -> None:
        layer = self._current_vector_layer(self.tr("Select all"))
        if layer is not None:
            layer.selection = frozenset(range(len(layer.gdf)))

    def invert_selection(self) -> None:
        layer = self._current_vector_layer(self.tr("Invert selection"))
        if layer is not None:
            layer.selection = frozenset(range(len(layer.gdf))) - layer.selection

    def _current_vector_layer(self, command: str) -> VectorLayer | None:
        """The current layer when it has features; otherwise say why ``command`` did nothing."""
        layer = self.current_layer()
        if isinstance(layer, VectorLayer):
            return layer
        reason = self.tr("choose a layer in the Layers panel first") if layer is None else \
            self.tr("\u201c{name}\u201d is a raster: choose a layer with features").format(name=layer.name)
        self.statusBar().showMessage(self.tr("{command}: {reason}").format(command=command, reason=reason), 5000)
        return None

    def zoom_to_feature(self, layer: VectorLayer, position: int) -> None:
        """Select one feature and bring it into view with some surroundings."""
        layer.selection = frozenset({position})
        extent = selection_extent(layer, self.project)
        if not valid_extent(extent):
            return
        minx, miny, maxx, maxy = extent
        geographic = self.project.crs is not None and self.project.crs.is_geographic
        pad = max(maxx - minx, maxy - miny) * 0.5 + (0.0008 if geographic else 80.0)
        self.canvas.set_extent((minx - pad, miny - pad, maxx + pad, maxy + pad), margin=0.0)

    def _show_identify_results(self, results: list) -> None:
        self.identify.show_results(results)
        self.identify.show()
        self.identify.raise_()
        count = len(results)
        self.statusBar().showMessage((self.tr("Identified {n} feature") if count == 1 else
                                      self.tr("Identified {n} features")).format(n=count) if count else
                                     self.tr("Nothing under the cursor"), 5000)

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About {app}").format(app=APP_NAME),
                          self.tr("<b>{app}</b><br>Desktop GIS planning workbench for 5G small cells on smart "
                                  "lamp poles.<br><br>Open source; data stays on this computer unless you turn on "
                                  "an online basemap.").format(app=APP_NAME))

    # -- drag and drop files -------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    # -- window state and closing ---------------------------------------------------------------------------------
    def _restore_window_state(self) -> None:
        """The saved geometry and dock layout, restored once, before any tab group exists (see ``add_dock``)."""
        store = user_settings()
        geometry, state = store.value("window/geometry"), store.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None and self.restoreState(state):
            self._restored_state = bytes(state)

    def _stop_workers_on_exit(self) -> None:
        """Join every background job before Qt deletes what it reports to, whichever way the window ends.

        ``closeEvent`` is not enough: a window can be deleted without an accepted close (a cancelled
        unsaved-changes prompt followed by ``deleteLater``, garbage collection, the application quitting).
        ``destroyed`` fires before Qt deletes our children, so the parts are still there to be stopped.
        """
        parts = self._worker_parts()
        self.destroyed.connect(lambda *_: _shutdown_parts(parts))
        app = QCoreApplication.instance()
        if app is not None:  # a bound method: PyQt holds it weakly and drops it with the window
            app.aboutToQuit.connect(self.shutdown_workers)

    def _worker_parts(self) -> list:
        """The parts that run background jobs; each has an idempotent ``shutdown()``."""
        parts: list = [self.canvas, self.files.loader]
        processing = getattr(self, "processing", None)
        if processing is not None:
            parts.append(processing.controller)
        editing = getattr(self, "editing", None)
        if editing is not None:
            parts.append(editing.session)  # a layer's edits being written back to its file
        return parts

    def shutdown_workers(self) -> None:
        """Cancel and join renders, file reads and algorithm runs; nothing reports back afterwards."""
        if not sip.isdeleted(self):
            _shutdown_parts(self._worker_parts())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_unsaved():
            event.ignore()
            return
        store = user_settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        self.shutdown_workers()
        self.bridge.detach()
        event.accept()


def _state_places(state: bytes, dock: QDockWidget) -> bool:
    """Whether a saved window state places ``dock`` (QDataStream stores its objectName as UTF-16BE)."""
    name = dock.objectName().encode("utf-16-be")
    return len(name) > 0 and struct.pack(">I", len(name)) + name in state


def _shutdown_parts(parts: list) -> None:
    for part in parts:
        if not sip.isdeleted(part):
            part.shutdown()

