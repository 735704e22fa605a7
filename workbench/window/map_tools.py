"""The canvas tools as one exclusive group of checkable actions (toolbar buttons and Tools menu entries)."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import QWidget

from workbench.canvas.map_canvas import MapCanvas
from workbench.canvas.tools import (
    IdentifyTool,
    MapTool,
    MeasureMode,
    MeasureTool,
    PanTool,
    SelectMode,
    SelectTool,
    ZoomBoxTool,
)
from workbench.resources import icon
from workbench.window.tooltips import tool_tip

#: (key, label, icon, shortcut, factory, tip); label and tip are translated where the actions are made.
TOOL_SPECS: list[tuple[str, str, str, str, Callable[[MapCanvas], MapTool], str]] = [
    ("pan", QT_TRANSLATE_NOOP("MapTools", "Pan"), "pan", "Ctrl+Shift+P", PanTool,
     QT_TRANSLATE_NOOP("MapTools", "Drag to move the map (middle button pans in every tool)")),
    ("zoom_in_box", QT_TRANSLATE_NOOP("MapTools", "Zoom In"), "zoom_in", "", lambda c: ZoomBoxTool(c, True),
     QT_TRANSLATE_NOOP("MapTools", "Click or drag a box to zoom in")),
    ("zoom_out_box", QT_TRANSLATE_NOOP("MapTools", "Zoom Out"), "zoom_out", "", lambda c: ZoomBoxTool(c, False),
     QT_TRANSLATE_NOOP("MapTools", "Click or drag a box to zoom out")),
    ("identify", QT_TRANSLATE_NOOP("MapTools", "Identify Features"), "identify", "Ctrl+Shift+I", IdentifyTool,
     QT_TRANSLATE_NOOP("MapTools", "Click a feature to see its attributes")),
    ("select_click", QT_TRANSLATE_NOOP("MapTools", "Select by Click"), "select", "",
     lambda c: SelectTool(c, SelectMode.CLICK),
     QT_TRANSLATE_NOOP("MapTools", "Click a feature to select it (Shift adds, Ctrl removes)")),
    ("select_rectangle", QT_TRANSLATE_NOOP("MapTools", "Select by Rectangle"), "select_rect", "",
     lambda c: SelectTool(c, SelectMode.RECTANGLE),
     QT_TRANSLATE_NOOP("MapTools", "Drag a rectangle to select (Shift adds, Ctrl removes)")),
    ("select_polygon", QT_TRANSLATE_NOOP("MapTools", "Select by Polygon"), "select_polygon", "",
     lambda c: SelectTool(c, SelectMode.POLYGON),
     QT_TRANSLATE_NOOP("MapTools", "Click vertices, double-click or right-click to finish (Shift adds, Ctrl removes)")),
    ("measure_distance", QT_TRANSLATE_NOOP("MapTools", "Measure Distance"), "measure", "Ctrl+Shift+M",
     lambda c: MeasureTool(c, MeasureMode.DISTANCE),
     QT_TRANSLATE_NOOP("MapTools", "Click points; double-click or right-click to finish")),
    ("measure_area", QT_TRANSLATE_NOOP("MapTools", "Measure Area"), "measure_area", "Ctrl+Shift+J",
     lambda c: MeasureTool(c, MeasureMode.AREA),
     QT_TRANSLATE_NOOP("MapTools", "Click vertices; double-click or right-click to finish")),
]


class MapToolActions:
    """Creates one tool per action on first use and keeps the checked action in step with the canvas."""

    def __init__(self, canvas: MapCanvas, parent: QWidget) -> None:
        self.canvas = canvas
        self.group = QActionGroup(parent)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        self.tools: dict[str, MapTool] = {}
        self._factories: dict[str, Callable[[MapCanvas], MapTool]] = {}
        for key, label, icon_name, shortcut, factory, tip in TOOL_SPECS:
            label, tip = (QCoreApplication.translate("MapTools", text) for text in (label, tip))
            action = QAction(icon(icon_name), label, parent)
            action.setCheckable(True)
            action.setToolTip(tool_tip(label, tip, shortcut))
            action.setStatusTip(tip)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda checked=False, k=key: self.activate(k))
            self.group.addAction(action)
            self.actions[key] = action
            self._factories[key] = factory
        self.tools["pan"] = canvas.tool
        self.actions["pan"].setChecked(True)

    def activate(self, key: str) -> MapTool:
        """Make tool ``key`` the canvas's tool (tests use this instead of clicking the button)."""
        tool = self.tools.get(key)
        if tool is None:
            tool = self.tools[key] = self._factories[key](self.canvas)
        self.actions[key].setChecked(True)
        self.canvas.set_tool(tool)
        return tool
