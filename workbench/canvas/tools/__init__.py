"""Interactive canvas tools: pan, zoom box, identify, select (click/rectangle/polygon), measure."""

from workbench.canvas.tools.base import MapTool
from workbench.canvas.tools.identify import IdentifyTool
from workbench.canvas.tools.measure import MeasureMode, MeasureTool
from workbench.canvas.tools.navigation import PanTool, ZoomBoxTool
from workbench.canvas.tools.selection import Combine, SelectMode, SelectTool

__all__ = ["Combine", "IdentifyTool", "MapTool", "MeasureMode", "MeasureTool", "PanTool", "SelectMode", "SelectTool",
           "ZoomBoxTool"]
