"""Turn a basemap source into one image of the canvas view, in the project CRS.

Tiles come in the grid's CRS (web mercator for XYZ, any CRS for a WMTS matrix set); the project is usually a UTM
zone. The mosaic is warped by mapping every output pixel back to the grid: the exact transform on a coarse grid
(every 16 pixels), linear in between, which is far below a pixel of error at city scale and takes milliseconds
instead of projecting a million points.

GCJ-02 tiles (Chinese commercial maps) are shifted onto WGS84 in the same mapping: each grid point goes project
CRS -> WGS84 -> GCJ-02 (the published formula) -> the tile grid, so the correction is exact at every 16th pixel and
linear in between. The offset (600-640 m in Guangzhou) changes by a few metres over a kilometre, so the residual
between grid points is tiny: measured 0.2 mm on a 3 km view (5 m pixels) and 6 cm on a 30 km view (50 m pixels)
of Tianhe, against the exact shift at every pixel (tests/gui/test_basemap_sources.py).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyproj
from PyQt6.QtCore import QCoreApplication, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from layers.gcj02 import wgs84_to_gcj02
from workbench.basemap.fetch import BasemapUnavailable, fetch_tiles
from workbench.basemap.sources import BasemapStack, Source, WmsSource
from workbench.basemap.tile_cache import TileCache

MERCATOR = pyproj.CRS.from_epsg(3857)
WGS84 = pyproj.CRS.from_epsg(4326)
#: Never ask for more tiles than this for one view (a huge window or a world view would hammer the server).
MAX_TILES = 48
GRID_STEP = 16
#: Points per side sampled to find the bounds of the view in the grid CRS (edges bend under reprojection).
BOUNDS_SAMPLES = 21

ToGrid = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def render_basemap(source: Source, extent: tuple[float, float, float, float], size: tuple[int, int],
                   crs: pyproj.CRS, *, cancelled: Callable[[], bool] = lambda: False,
                   cache: TileCache | None = None, max_tiles: int = MAX_TILES) -> tuple[QImage | None, str | None]:
    """(image of ``extent`` at ``size`` in ``crs``, or None when cancelled; a network problem worth telling).

    ``max_tiles`` bounds the tiles of one view (a print may use more than the screen). Raises
    ``BasemapUnavailable`` when nothing at all could be had.
    """
    cache = cache or TileCache()
    image, problem = _render(source, extent, size, crs, cancelled, cache, max_tiles)
    if image is not None:
        _draw_attribution(image, source.attribution)
    return image, problem


def _render(source: Source, extent, size, crs, cancelled, cache, max_tiles) -> tuple[QImage | None, str | None]:
    if isinstance(source, BasemapStack):
        return _render_stack(source, extent, size, crs, cancelled, cache, max_tiles)
    if isinstance(source, WmsSource):
        from workbench.basemap.wms import render_wms

        return render_wms(source, extent, size, crs, cancelled, cache)
    return _render_tiled(source, extent, size, crs, cancelled, cache, max_tiles)


def _render_stack(stack: BasemapStack, extent, size, crs, cancelled, cache,
                  max_tiles) -> tuple[QImage | None, str | None]:
    """Each part over the one before; a missing part (say the annotation) costs only itself."""
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    drawn, problems = 0, []
    for part in stack.parts:
        try:
            layer, problem = _render(part, extent, size, crs, cancelled, cache, max_tiles)
        except BasemapUnavailable as exc:
            problems.append(str(exc))
            continue
        if cancelled():
            return None, None
        problems.extend([problem] if problem else [])
        if layer is not None:
            painter = QPainter(image)
            painter.drawImage(0, 0, layer)
            painter.end()
            drawn += 1
    if not drawn:
        raise BasemapUnavailable(problems[0] if problems else translate("BasemapCompose", "no tiles"))
    return image, problems[0] if problems else None


def _render_tiled(source, extent, size, crs, cancelled, cache, max_tiles) -> tuple[QImage | None, str | None]:
    width, height = size
    grid = source.grid
    to_grid = grid_transform(crs, pyproj.CRS.from_user_input(grid.crs), source.gcj02)
    bounds = transformed_bounds(extent, to_grid)
    index = grid.level_for((bounds[2] - bounds[0]) / max(1, width))
    columns, rows = grid.levels[index].covering(bounds)
    while len(columns) * len(rows) > max_tiles and index > 0:
        index -= 1
        columns, rows = grid.levels[index].covering(bounds)
    level = grid.levels[index]
    tiles = [(x, y) for y in rows for x in columns]
    found, problem = fetch_tiles(source, index, tiles, cache, cancelled)
    if cancelled():
        return None, None
    if not found:
        raise BasemapUnavailable(problem or translate("BasemapCompose", "no tiles"))
    mosaic = _mosaic(found, columns, rows, level.tile_width, level.tile_height)
    origin_x = level.left + columns.start * level.tile_span_x
    origin_y = level.top - rows.start * level.tile_span_y
    return warp(mosaic, origin_x, origin_y, level.resolution, level.resolution, extent, size, to_grid), problem


def grid_transform(crs: pyproj.CRS, grid_crs: pyproj.CRS, gcj02: bool = False) -> ToGrid:
    """Map coordinates in ``crs`` to where they are drawn in the grid's CRS (through GCJ-02 when asked)."""
    if gcj02:
        to_wgs = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
        from_wgs = pyproj.Transformer.from_crs(WGS84, grid_crs, always_xy=True)

        def shifted(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            lon, lat = wgs84_to_gcj02(*to_wgs.transform(x, y))
            return from_wgs.transform(lon, lat)

        return shifted
    if crs == grid_crs:
        return lambda x, y: (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    transformer = pyproj.Transformer.from_crs(crs, grid_crs, always_xy=True)
    return lambda x, y: transformer.transform(x, y)


def transformed_bounds(extent: tuple[float, float, float, float], to_grid: ToGrid) -> tuple[float, float, float, float]:
    """Bounds in the grid CRS of ``extent`` sampled densely (its edges may bend)."""
    minx, miny, maxx, maxy = extent
    xs, ys = np.meshgrid(np.linspace(minx, maxx, BOUNDS_SAMPLES), np.linspace(miny, maxy, BOUNDS_SAMPLES))
    gx, gy = to_grid(xs.ravel(), ys.ravel())
    gx, gy = np.asarray(gx), np.asarray(gy)
    ok = np.isfinite(gx) & np.isfinite(gy)
    if not ok.any():
        raise BasemapUnavailable(translate("BasemapCompose", "the view lies outside the area this basemap covers"))
    return float(gx[ok].min()), float(gy[ok].min()), float(gx[ok].max()), float(gy[ok].max())


#: Qt's translate (pylupdate6 reads ``translate("BasemapCompose", "text")``).
translate = QCoreApplication.translate


def _mosaic(found: dict[tuple[int, int], bytes], columns: range, rows: range, tile_width: int,
            tile_height: int) -> QImage:
    mosaic = QImage(len(columns) * tile_width, len(rows) * tile_height, QImage.Format.Format_ARGB32)
    mosaic.fill(Qt.GlobalColor.transparent)
    painter = QPainter(mosaic)
    for (x, y), data in found.items():
        tile = QImage.fromData(data)
        if not tile.isNull():
            painter.drawImage(QRectF((x - columns.start) * tile_width, (y - rows.start) * tile_height,
                                     tile_width, tile_height), tile)
    painter.end()
    return mosaic


def warp(mosaic: QImage, origin_x: float, origin_y: float, resolution_x: float, resolution_y: float,
         extent: tuple[float, float, float, float], size: tuple[int, int], to_grid: ToGrid) -> QImage:
    """Sample ``mosaic`` (top-left corner at ``origin``, pixel size ``resolution``, in the grid CRS) by nearest
    neighbour at the grid position of every output pixel centre of ``extent``."""
    width, height = size
    minx, miny, maxx, maxy = extent
    grid_x = np.unique(np.append(np.arange(0, width, GRID_STEP), width - 1)).astype(float)
    grid_y = np.unique(np.append(np.arange(0, height, GRID_STEP), height - 1)).astype(float)
    gx, gy = np.meshgrid(minx + (grid_x + 0.5) * (maxx - minx) / width, maxy - (grid_y + 0.5) * (maxy - miny) / height)
    # a point the grid CRS cannot hold (beyond a UTM zone's reach, past the poles) lands far off the mosaic
    mx, my = (np.nan_to_num(np.asarray(v, dtype=float), nan=-1e15, posinf=-1e15, neginf=-1e15)
              for v in to_grid(gx, gy))
    weights_x = _linear_weights(grid_x, width)
    weights_y = _linear_weights(grid_y, height)
    full_x = weights_y @ mx @ weights_x.T
    full_y = weights_y @ my @ weights_x.T
    columns = np.floor(np.clip((full_x - origin_x) / resolution_x, -1, 1e9)).astype(np.int64)
    rows = np.floor(np.clip((origin_y - full_y) / resolution_y, -1, 1e9)).astype(np.int64)
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
