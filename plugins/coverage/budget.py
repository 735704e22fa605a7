"""What a coverage run will take, from counts, before anything is allocated (see ``plugins.resources``).

The big allocations of a run are the output rasters and their copies (bytes per grid cell), the tile jobs
(each carries the kernel-table rows of the transmitters reaching it), the height grid, and per worker one
window of it. The work is the number of links: grid cells within the maximum radius of each transmitter.
Both follow from the transmitters' coordinates, the grid and the radius by arithmetic on bounding boxes, which
is cheap even for a million transmitters.

Example::

    need = coverage_need(cells.x, cells.y, grid, 400.0, TX_COLUMNS, obstruction_cells=2_000_000, workers=2)
    need.bytes, need.work        # bytes at the peak, links to evaluate
"""

from __future__ import annotations

import math

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.coverage import bounces
from plugins.coverage.grid import Grid
from plugins.coverage.tiles import TILE_CELLS
from plugins.resources import Need, count_text

#: Bytes per grid cell over the whole run: the result rasters (RSRP, server, SINR: 12), the output layers made
#: from them (12), their NaN-filled and masked copies while the outputs and statistics are made (~24).
BYTES_PER_CELL = 48
#: Bytes per tile in a running worker for each of its cells (best, server, sum, RSRP/SINR/server out, masks).
BYTES_PER_TILE_CELL = 64
#: A float32 height cell, and the same again for the copy made while a raster is read or burnt.
BYTES_PER_HEIGHT = 8
#: Links (cell-transmitter pairs) a run may evaluate: about six hours on two cores at the ~0.5 million a second of
#: the sample with every NLOS term on (~1.5 million without them).
MAX_LINKS = 10_000_000_000
#: What to change, shown with every refusal.
CHANGE = QT_TRANSLATE_NOOP("CoverageBudget", "use a coarser resolution, a smaller extent, a shorter maximum radius or "
                                             "fewer transmitters")


def reach_counts(x: np.ndarray, y: np.ndarray, bounds: tuple[float, float, float, float], step: float,
                  radius: float | np.ndarray) -> np.ndarray:
    """Per transmitter, how many ``step``-sized cells of ``bounds`` lie within ``radius`` (one for all, or one per
    transmitter): the cells of its square of reach cut to the bounds, times pi/4 unless the whole cut square lies
    inside the circle."""
    minx, miny, maxx, maxy = bounds
    left, right = np.maximum(x - radius, minx), np.minimum(x + radius, maxx)
    bottom, top = np.maximum(y - radius, miny), np.minimum(y + radius, maxy)
    cols = np.where(right > left, np.floor((right - minx) / step) - np.floor((left - minx) / step) + 1, 0)
    rows = np.where(top > bottom, np.floor((top - miny) / step) - np.floor((bottom - miny) / step) + 1, 0)
    far_x = np.maximum(np.abs(left - x), np.abs(right - x))
    far_y = np.maximum(np.abs(bottom - y), np.abs(top - y))
    inside = far_x * far_x + far_y * far_y <= radius * radius
    return cols * rows * np.where(inside | (radius <= step), 1.0, math.pi / 4)


def coverage_need(x: np.ndarray, y: np.ndarray, grid: Grid, radius_m: float, table_columns: int, *,
                  obstruction_cells: int, window_cells: int, workers: int, tile_cells: int = TILE_CELLS,
                  ray_fields: int = 0) -> Need:
    """Peak bytes and links of ``compute_coverage`` plus the outputs, for transmitters at ``x, y``.

    ``obstruction_cells`` is the size of the height grid the run will build or read, ``window_cells`` the part
    of it one tile's rays may cross (each running worker copies that window), ``ray_fields`` the ray fields kept
    per antenna (``bounces``: multiple reflections, corner diffraction), held in a cache of at most
    ``bounces.CACHE_BYTES``.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    cells = grid.rows * grid.cols
    links = float(reach_counts(x, y, grid.bounds, grid.res, radius_m).sum())
    tile_pairs = float(reach_counts(x, y, grid.bounds, grid.res * tile_cells, radius_m).sum())
    tiles = math.ceil(grid.rows / tile_cells) * math.ceil(grid.cols / tile_cells)
    threads = max(1, int(workers))
    total = (cells * BYTES_PER_CELL
             + tile_pairs * (table_columns * 8 + 4) + tiles * 1_000
             + x.size * table_columns * 8 * 3
             + obstruction_cells * BYTES_PER_HEIGHT
             + threads * (tile_cells * tile_cells * BYTES_PER_TILE_CELL + window_cells * 4 * 2)
             + field_cache_bytes(x.size, radius_m, grid.res, ray_fields))
    what = translate("CoverageBudget", "{transmitters:,} transmitters x {cells} cells at {res:g} m within "
                                       "{radius:,.0f} m").format(transmitters=x.size, cells=count_text(cells),
                                                                 res=grid.res, radius=radius_m)
    return Need(bytes=total, work=links, what=what, change=translate("CoverageBudget", CHANGE))


def field_cache_bytes(antennas: int, radius_m: float, res: float, fields: int) -> int:
    """The most the ray-field cache holds: ``fields`` int16 fields per antenna on its nodes (whole cells at
    least ``bounces.MIN_NODE_M`` apart over its disc), up to the cache's budget."""
    if fields <= 0 or antennas <= 0:
        return 0
    node = math.ceil(bounces.MIN_NODE_M / res - 1e-9) * res
    side = 2 * math.ceil(min(radius_m, bounces.MAX_RADIUS_M) / node) + 1
    return int(min(bounces.CACHE_BYTES, antennas * fields * side * side * 2))


def height_cells(bounds: tuple[float, float, float, float] | None, res: float) -> int:
    """Cells of a height grid of ``res`` metres over ``bounds`` (0 when there is none)."""
    if bounds is None or not np.all(np.isfinite(bounds)) or bounds[0] >= bounds[2] or bounds[1] >= bounds[3]:
        return 0
    return int(math.ceil((bounds[2] - bounds[0]) / res + 1) * math.ceil((bounds[3] - bounds[1]) / res + 1))


def clip(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
         ) -> tuple[float, float, float, float]:
    """The overlap of two (minx, miny, maxx, maxy) boxes (empty when minx >= maxx or miny >= maxy)."""
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


__all__ = ["MAX_LINKS", "clip", "coverage_need", "field_cache_bytes", "height_cells", "reach_counts"]
