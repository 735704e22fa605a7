"""Raster layers: warp the band to the view by nearest-neighbour index arithmetic and colour it through the ramp.

For a raster in the view CRS the source row/column of every output pixel follows from the inverse affine
transform; for another CRS the pixel centres are reprojected on a coarse grid (every 16 pixels) and
interpolated, which is exact enough at screen resolution and 256 times fewer pyproj calls. No-data, NaN and
pixels outside the raster stay fully transparent.
"""

from __future__ import annotations

import numpy as np
import pyproj
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QImage, QPainter

from layers.layer import RasterLayer
from layers.styles import RasterRamp, parse_colour
from workbench.render.settings import MapTransform

_GRID_STEP = 16
_LUT_SIZE = 1024


def draw_raster(painter: QPainter, layer: RasterLayer, ramp: RasterRamp, transform: MapTransform,
                crs: pyproj.CRS | None) -> None:
    """Draw ``layer`` (band ``ramp.band``) coloured by ``ramp`` over the whole view."""
    if not ramp.stops:
        return
    rgba = colour_view(layer, ramp, transform, crs)
    if rgba is None:
        return
    height, width = rgba.shape[:2]
    image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888)
    painter.drawImage(QRectF(0, 0, width, height), image)


def colour_view(layer: RasterLayer, ramp: RasterRamp, transform: MapTransform,
                crs: pyproj.CRS | None) -> np.ndarray | None:
    """(height, width, 4) uint8 RGBA of the layer as seen in the view; None when nothing of it is visible."""
    rows, cols = source_indices(layer, transform, crs)
    inside = (rows >= 0) & (rows < layer.height) & (cols >= 0) & (cols < layer.width)
    if not inside.any():
        return None
    r, c = rows[inside], cols[inside]
    band, row0, col0 = _visible_band(layer, ramp.band, r, c)
    r, c = r - row0, c - col0
    values = np.zeros(rows.shape, dtype=float)
    valid = inside.copy()
    values[inside] = band.data[r, c]
    valid[inside] = ~np.ma.getmaskarray(band)[r, c]
    rgba = np.zeros((*rows.shape, 4), dtype=np.uint8)
    rgba[valid] = colour_values(ramp, values[valid])
    return rgba


#: A raster left in its file (``RasterLayer.file_backed``) is read by the window a view shows while that window
#: holds at most this many cells; a view of more of it reads it whole once (an overview read would colour
#: other cells than the ones the view's pixel centres fall in).
WINDOW_CELLS = 4_000_000


def _visible_band(layer: RasterLayer, index: int, r: np.ndarray, c: np.ndarray
                  ) -> tuple[np.ma.MaskedArray, int, int]:
    """(cells, row0, col0): the band's cells that rows ``r`` and columns ``c`` fall in, from row ``row0`` and
    column ``col0`` on. A file-backed raster not read yet gives the window around them from its file; any other
    the whole band."""
    row0, row1, col0, col1 = int(r.min()), int(r.max()) + 1, int(c.min()), int(c.max()) + 1
    if layer.loaded or not 1 <= index <= layer.count or (row1 - row0) * (col1 - col0) > WINDOW_CELLS:
        return layer.band(index), 0, 0  # (a band that does not exist raises, naming the layer)
    return layer.masked(layer.read_pixels(row0, row1, col0, col1)[index - 1]), row0, col0


def colour_values(ramp: RasterRamp, values: np.ndarray) -> np.ndarray:
    """(n, 4) RGBA of values: the class colour for discrete ramps, else the interpolated ramp colour."""
    stop_values = np.array([v for v, _ in ramp.stops])
    if ramp.discrete or len(stop_values) == 1:
        colours = np.array([parse_colour(c) for _, c in ramp.stops], dtype=np.uint8)
        index = np.clip(np.searchsorted(stop_values, values, side="right") - 1, 0, len(colours) - 1)
        return colours[index]
    low, high = float(stop_values[0]), float(stop_values[-1])
    table = ramp.lookup_table(low, high, _LUT_SIZE)
    position = np.rint((values - low) / (high - low) * (_LUT_SIZE - 1))
    return table[np.clip(position, 0, _LUT_SIZE - 1).astype(np.int64)]


def source_indices(layer: RasterLayer, transform: MapTransform,
                   crs: pyproj.CRS | None) -> tuple[np.ndarray, np.ndarray]:
    """Source row and column (int, may be out of range) of every output pixel centre."""
    width, height = transform.width, transform.height
    inverse = ~layer.transform
    same_crs = crs is None or layer.crs is None or layer.crs == crs
    if same_crs and layer.transform.b == 0 and layer.transform.d == 0:
        xs, _ = transform.pixel_to_map(np.arange(width) + 0.5, np.zeros(width))
        _, ys = transform.pixel_to_map(np.zeros(height), np.arange(height) + 0.5)
        cols = np.floor(inverse.a * xs + inverse.c).astype(np.int64)
        rows = np.floor(inverse.e * ys + inverse.f).astype(np.int64)
        return np.broadcast_to(rows[:, None], (height, width)), np.broadcast_to(cols[None, :], (height, width))
    if same_crs:
        px, py = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
        xs, ys = transform.pixel_to_map(px, py)
    else:
        xs, ys = _reprojected_centres(transform, crs, layer.crs)
    cols = inverse.a * xs + inverse.b * ys + inverse.c
    rows = inverse.d * xs + inverse.e * ys + inverse.f
    bad = ~(np.isfinite(cols) & np.isfinite(rows))
    cols = np.where(bad, -1, np.floor(np.where(bad, -1, cols))).astype(np.int64)
    rows = np.where(bad, -1, np.floor(np.where(bad, -1, rows))).astype(np.int64)
    return rows, cols


def _reprojected_centres(transform: MapTransform, view_crs: pyproj.CRS,
                         raster_crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    """Pixel centres in the raster's CRS: exact on a coarse grid, linear in between."""
    from scipy.ndimage import map_coordinates  # 0.24 s to import: only when a raster needs reprojecting

    width, height = transform.width, transform.height
    gx = np.append(np.arange(0, width, _GRID_STEP), width) + 0.5
    gy = np.append(np.arange(0, height, _GRID_STEP), height) + 0.5
    mx, my = transform.pixel_to_map(*np.meshgrid(gx, gy))
    transformer = pyproj.Transformer.from_crs(view_crs, raster_crs, always_xy=True)
    sx, sy = transformer.transform(mx, my)
    fx = np.interp(np.arange(width) + 0.5, gx, np.arange(len(gx)))
    fy = np.interp(np.arange(height) + 0.5, gy, np.arange(len(gy)))
    coords = np.stack(np.meshgrid(fy, fx, indexing="ij"))
    xs = map_coordinates(np.asarray(sx, float), coords, order=1, mode="nearest")
    ys = map_coordinates(np.asarray(sy, float), coords, order=1, mode="nearest")
    return xs, ys
