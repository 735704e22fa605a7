"""Turn XYZ tiles into one image of the canvas view, in the project CRS.

Tiles are web mercator; the project is usually a UTM zone. The mosaic is warped by mapping every output pixel
back to mercator: the exact transform on a coarse grid (every 16 pixels), linear in between, which is far below
a pixel of error at city scale and takes milliseconds instead of projecting a million points.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyproj
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from workbench.basemap.fetch import BasemapUnavailable, fetch_tiles
from workbench.basemap.sources import BasemapSource
from workbench.basemap.tile_cache import TileCache
from workbench.basemap.tiles import TILE_PIXELS, tile_bounds, tile_span, tiles_covering, zoom_for_resolution

MERCATOR = pyproj.CRS.from_epsg(3857)
#: Never ask for more tiles than this for one view (a huge window or a world view would hammer the server).
MAX_TILES = 48
GRID_STEP = 16


def render_basemap(source: BasemapSource, extent: tuple[float, float, float, float], size: tuple[int, int],
                   crs: pyproj.CRS, *, cancelled: Callable[[], bool] = lambda: False,
                   cache: TileCache | None = None) -> tuple[QImage | None, str | None]:
    """(image of ``extent`` at ``size`` in ``crs``, or None when cancelled; a network problem worth telling).

    Raises ``BasemapUnavailable`` when no tile at all could be had.
    """
    cache = cache or TileCache()
    width, height = size
    to_mercator = pyproj.Transformer.from_crs(crs, MERCATOR, always_xy=True)
    merc = to_mercator.transform_bounds(*extent, densify_pts=21)
    zoom = zoom_for_resolution((merc[2] - merc[0]) / max(1, width), source.max_zoom)
    columns, rows = tiles_covering(merc, zoom)
    while len(columns) * len(rows) > MAX_TILES and zoom > 0:
        zoom -= 1
        columns, rows = tiles_covering(merc, zoom)
    tiles = [(x, y) for y in rows for x in columns]
    found, problem = fetch_tiles(source, zoom, tiles, cache, cancelled)
    if cancelled():
        return None, None
    if not found:
        raise BasemapUnavailable(problem or "no tiles")
    mosaic = _mosaic(found, columns, rows)
    origin_x, _, _, origin_y = tile_bounds(zoom, columns.start, rows.start)
    image = _warp(mosaic, origin_x, origin_y, tile_span(zoom) / TILE_PIXELS, extent, size, crs, to_mercator)
    _draw_attribution(image, source.attribution)
    return image, problem


def _mosaic(found: dict[tuple[int, int], bytes], columns: range, rows: range) -> QImage:
    mosaic = QImage(len(columns) * TILE_PIXELS, len(rows) * TILE_PIXELS, QImage.Format.Format_ARGB32)
    mosaic.fill(Qt.GlobalColor.transparent)
    painter = QPainter(mosaic)
    for (x, y), data in found.items():
        tile = QImage.fromData(data)
        if not tile.isNull():
            painter.drawImage(QRectF((x - columns.start) * TILE_PIXELS, (y - rows.start) * TILE_PIXELS,
                                     TILE_PIXELS, TILE_PIXELS), tile)
    painter.end()
    return mosaic


def _warp(mosaic: QImage, origin_x: float, origin_y: float, tile_resolution: float,
          extent: tuple[float, float, float, float], size: tuple[int, int], crs: pyproj.CRS,
          to_mercator: pyproj.Transformer) -> QImage:
    """Sample the mosaic (nearest neighbour) at the mercator position of every output pixel centre."""
    width, height = size
    minx, miny, maxx, maxy = extent
    grid_x = np.unique(np.append(np.arange(0, width, GRID_STEP), width - 1)).astype(float)
    grid_y = np.unique(np.append(np.arange(0, height, GRID_STEP), height - 1)).astype(float)
    gx, gy = np.meshgrid(minx + (grid_x + 0.5) * (maxx - minx) / width, maxy - (grid_y + 0.5) * (maxy - miny) / height)
    if crs == MERCATOR:
        mx, my = gx, gy
    else:
        mx, my = to_mercator.transform(gx, gy)
    weights_x = _linear_weights(grid_x, width)
    weights_y = _linear_weights(grid_y, height)
    full_x = weights_y @ mx @ weights_x.T
    full_y = weights_y @ my @ weights_x.T
    columns = np.floor((full_x - origin_x) / tile_resolution).astype(np.int64)
    rows = np.floor((origin_y - full_y) / tile_resolution).astype(np.int64)
    inside = (columns >= 0) & (columns < mosaic.width()) & (rows >= 0) & (rows < mosaic.height())
    source = _pixels(mosaic)
    out = np.zeros((height, width), dtype=np.uint32)
    out[inside] = source[rows[inside], columns[inside]]
    image = QImage(out.tobytes(), width, height, width * 4, QImage.Format.Format_ARGB32)
    return image.copy()  # own the pixels: the numpy buffer dies with this function


def _linear_weights(grid: np.ndarray, size: int) -> np.ndarray:
    """Matrix (size x len(grid)) that linearly interpolates grid samples to every pixel 0..size-1."""
    pixels = np.arange(size, dtype=float)
    upper = np.clip(np.searchsorted(grid, pixels, side="right"), 1, len(grid) - 1)
    lower = upper - 1
    span = grid[upper] - grid[lower]
    t = np.where(span > 0, (pixels - grid[lower]) / np.where(span > 0, span, 1), 0.0)
    weights = np.zeros((size, len(grid)))
    weights[np.arange(size), lower] = 1.0 - t
    weights[np.arange(size), upper] += t
    return weights


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    buffer = image.constBits()
    buffer.setsize(image.sizeInBytes())
    rows = np.frombuffer(buffer, dtype=np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return rows[:, :image.width()].copy()


def _draw_attribution(image: QImage, text: str) -> None:
    """Tile licences require the attribution on the map; bottom-right, small, on a light box."""
    if not text:
        return
    painter = QPainter(image)
    font = QFont()
    font.setPointSizeF(7.0)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    text = text if len(text) <= 110 else text[:107] + "..."
    w, h = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
    box = QRectF(image.width() - w, image.height() - h, w, h)
    painter.fillRect(box, QColor(255, 255, 255, 190))
    painter.setPen(QColor(60, 60, 60))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
