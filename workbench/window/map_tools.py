"""The canvas tools as one exclusive group of checkable actions (toolbar buttons and Tools menu entries)."""

from __future__ import annotations

from collections.abc import Callable

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

#: (key, label, icon, shortcut, factory, tip)
TOOL_SPECS: list[tuple[str, str, str, str, Callable[[MapCanvas], MapTool], str]] = [
    ("pan", "Pan", "pan", "Ctrl+Shift+P", PanTool, "Drag to move the map (middle button pans in every tool)"),
    ("zoom_in_box", "Zoom In", "zoom_in", "", lambda c: ZoomBoxTool(c, True), "Click or drag a box to zoom in"),
    ("zoom_out_box", "Zoom Out", "zoom_out", "", lambda c: ZoomBoxTool(c, False), "Click or drag a box to zoom out"),
    ("identify", "Identify Features", "identify", "Ctrl+Shift+I", IdentifyTool,
     "Click a feature to see its attributes"),
    ("select_click", "Select by Click", "select", "", lambda c: SelectTool(c, SelectMode.CLICK),
     "Click a feature to select it (Shift adds, Ctrl removes)"),
    ("select_rectangle", "Select by Rectangle", "select_rect", "", lambda c: SelectTool(c, SelectMode.RECTANGLE),
     "Drag a rectangle to select (Shift adds, Ctrl removes)"),
    ("select_polygon", "Select by Polygon", "select_polygon", "", lambda c: SelectTool(c, SelectMode.POLYGON),
     "Click vertices, double-click or right-click to finish (Shift adds, Ctrl removes)"),
    ("measure_distance", "Measure Distance", "measure", "Ctrl+Shift+M",
     lambda c: MeasureTool(c, MeasureMode.DISTANCE), "Click points; double-click or right-click to finish"),
    ("measure_area", "Measure Area", "measure_area", "Ctrl+Shift+J", lambda c: MeasureTool(c, MeasureMode.AREA),
     "Click vertices; double-click or right-click to finish"),
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
