"""Status bar read-outs of the canvas: cursor position (project CRS and WGS84), scale, CRS, render time."""

from __future__ import annotations

import math
import re

import pyproj
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from workbench.canvas.map_canvas import MapCanvas
from workbench.canvas.viewport import Viewport

COMMON_SCALES = (500, 1000, 2500, 5000, 10000, 25000, 50000, 100000)
WGS84 = pyproj.CRS.from_epsg(4326)


def format_coordinates(x: float, y: float, crs: pyproj.CRS | None) -> str:
    """'760,123.4  2,560,456.7' for metres, '113.32456° 23.12045°' for degrees."""
    if crs is not None and crs.is_geographic:
        return f"{x:.5f}°  {y:.5f}°"
    return f"{x:,.1f}  {y:,.1f}"


def format_lonlat(lon: float, lat: float) -> str:
    return f"{abs(lat):.5f}° {'N' if lat >= 0 else 'S'}  {abs(lon):.5f}° {'E' if lon >= 0 else 'W'}"


def parse_scale(text: str) -> float | None:
    """'1:5,000', '5000' or '1 : 5 000' -> 5000.0; None when it is not a positive number."""
    digits = re.sub(r"[\s,']", "", text.split(":")[-1])
    try:
        value = float(digits)
    except ValueError:
        return None
    return value if value > 0 and math.isfinite(value) else None


class CanvasStatus(QWidget):
    """Lives in the main window's status bar and follows one canvas."""

    def __init__(self, canvas: MapCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self._to_wgs84: pyproj.Transformer | None = None
        self._transform_crs: pyproj.CRS | None = None
        self.coordinates = _label("", 170)
        self.coordinates.setToolTip(self.tr("Cursor position in the project CRS"))
        self.lonlat = _label("", 190)
        self.lonlat.setToolTip(self.tr("Cursor position in WGS84 (latitude, longitude)"))
        self.scale = QComboBox()
        self.scale.setEditable(True)
        self.scale.setMinimumWidth(120)
        self.scale.setToolTip(self.tr("Map scale; type a scale and press Enter to zoom to it"))
        self.scale.addItems([f"1:{s:,}" for s in COMMON_SCALES])
        self.scale.lineEdit().returnPressed.connect(self._scale_entered)
        self.scale.activated.connect(lambda index: self._scale_entered())
        self.crs = _label("", 90)
        self.crs.setToolTip(self.tr("Project coordinate reference system"))
        self.render_time = _label("", 100)
        self.render_time.setToolTip(self.tr("Time of the last map render (in the background)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(10)
        layout.addWidget(self.coordinates)
        layout.addWidget(self.lonlat)
        layout.addWidget(QLabel(self.tr("Scale")))
        layout.addWidget(self.scale)
        layout.addWidget(self.crs)
        layout.addWidget(self.render_time)
        canvas.cursor_moved.connect(self.show_cursor)
        canvas.cursor_left.connect(lambda: (self.coordinates.clear(), self.lonlat.clear()))
        canvas.view_changed.connect(self.show_view)
        canvas.render_finished.connect(
            lambda ms: self.render_time.setText(self.tr("render {ms:,.0f} ms").format(ms=ms)))
        self.show_view(canvas.viewport)

    def show_cursor(self, x: float, y: float) -> None:
        crs = self.canvas.project.crs
        self.coordinates.setText(format_coordinates(x, y, crs))
        if crs is None:
            self.lonlat.setText("")
            return
        if self._transform_crs != crs:
            self._to_wgs84 = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
            self._transform_crs = crs
        lon, lat = self._to_wgs84.transform(x, y)
        self.lonlat.setText(format_lonlat(lon, lat) if math.isfinite(lon) and math.isfinite(lat) else "")

    def show_view(self, viewport: Viewport) -> None:
        crs = self.canvas.project.crs
        self.crs.setText(crs.to_string() if crs is not None else "no CRS")
        if crs is None:
            return
        try:
            denominator = self.canvas.scale_denominator()
        except ValueError:  # a degenerate view (RenderSettings refuses it): leave the old scale shown
            return
        if not self.scale.lineEdit().hasFocus():
            self.scale.setEditText(f"1:{denominator:,.0f}")

    def _scale_entered(self) -> None:
        wanted = parse_scale(self.scale.currentText())
        if wanted is None:
            return
        current = self.canvas.scale_denominator()
        if current > 0:
            self.canvas.zoom_by(current / wanted)
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)


def _label(text: str, width: int) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(width)
    return label
