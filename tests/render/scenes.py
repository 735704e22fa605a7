"""Small scenes for the renderer tests: a 100 m square in UTM 49N drawn at 1 m per pixel, and pixel helpers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from PyQt6.QtGui import QImage

from layers.layer import VectorLayer
from layers.styles import parse_colour
from workbench.render import RenderSettings

CRS = "EPSG:32649"
X0, Y0 = 760_000.0, 2_560_000.0
BACKGROUND = "#f4f3ef"


def settings(size: int = 100, **kwargs) -> RenderSettings:
    """The 100 m x 100 m square at (X0, Y0) in ``size`` x ``size`` pixels."""
    kwargs.setdefault("background", BACKGROUND)
    return RenderSettings(extent=(X0, Y0, X0 + 100, Y0 + 100), size=(size, size), crs=CRS, **kwargs)


def layer(geometries: list, title: str = "layer", crs: str = CRS, **columns) -> VectorLayer:
    return VectorLayer(gpd.GeoDataFrame(columns, geometry=geometries, crs=crs), title)


def pixels(image: QImage) -> np.ndarray:
    """(height, width, 4) RGBA uint8 copy of an image (un-premultiplied)."""
    converted = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = converted.width(), converted.height()
    buffer = converted.constBits()
    buffer.setsize(converted.sizeInBytes())
    rows = np.frombuffer(buffer, np.uint8).reshape(height, converted.bytesPerLine())
    return rows[:, : width * 4].reshape(height, width, 4).copy()


def rgba(colour: str) -> tuple[int, int, int, int]:
    return parse_colour(colour)


def at(image: QImage, x: float, y: float) -> tuple[int, int, int, int]:
    """RGBA of the pixel showing map point (X0 + x, Y0 + y) in a 1 m/px 100 px render."""
    array = pixels(image)
    col, row = int(np.floor(x)), int(np.floor(100 - y))
    return tuple(int(v) for v in array[row, col])


def close(actual: tuple, expected: tuple, tolerance: int = 2) -> bool:
    return all(abs(int(a) - int(e)) <= tolerance for a, e in zip(actual, expected, strict=True))
