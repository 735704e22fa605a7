"""Coverage of a city in blocks: each block reads its own window of the height raster, runs its tiles and
writes its part of the output rasters, so memory holds the outputs and one block, never the city's heights.

``compute_coverage`` takes one obstruction grid for the whole run: for a 20 x 15 km city at 2 m that is 300 MB
of heights (and the float copies made reading it), plus facades and lit-facade tables for every antenna. Here
the grid is cut into blocks of ``block_tiles`` x ``block_tiles`` tiles, aligned on the tiles of a whole run;
a block's obstruction covers its tiles grown by the same margin ``tiles.plan_tiles`` gives a tile's window
(plus ``EDGE_M``), so every tile sees the cells it would see in one run over the whole raster and the rasters
are the same cell for cell. Each block is one ``compute_coverage`` call over the transmitters within its
reach, on threads or a dask.distributed cluster, which then receives only the block's heights.

Example::

    heights = read_raster("heights.tif", source="heights.tif", name="heights")   # file-backed: nothing read
    result = compute_coverage_streamed(cells, config, grid,
                                       lambda bounds: Obstruction.from_raster(heights, extent=bounds))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from plugins.coverage.config import CoverageConfig
from plugins.coverage.engine import CoverageResult, ProgressSink, compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.interference import Interference
from plugins.coverage.margin import best_server_margin
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.tiles import TILE_CELLS
from plugins.coverage.transmitters import Transmitters

#: Tiles per block edge: 4 x 128 cells at 5 m is 2.56 km, whose 2 m heights grown by a 400 m radius's margin
#: (about 0.8 km a side) are 18 MB.
BLOCK_TILES = 4
#: Heights read beyond a tile's own margin (m): a facade shorter than the reflections' minimum length that a
#: block edge would cut off lies farther than this from any path a tile traces.
EDGE_M = 20.0


@dataclass
class _BlockProgress:
    """The run's feedback seen by one block: its percent mapped into the block's share of the run."""

    feedback: ProgressSink
    start: float
    share: float

    def set_progress(self, percent: float) -> None:
        self.feedback.set_progress(self.start + self.share * percent / 100.0)

    def is_cancelled(self) -> bool:
        return self.feedback.is_cancelled()


def block_grids(grid: Grid, block_cells: int) -> list[tuple[int, int, Grid]]:
    """(row0, col0, sub-grid) of every block of ``block_cells`` x ``block_cells`` cells (cut at the edges)."""
    blocks = []
    for row0 in range(0, grid.rows, block_cells):
        for col0 in range(0, grid.cols, block_cells):
            rows, cols = min(block_cells, grid.rows - row0), min(block_cells, grid.cols - col0)
            blocks.append((row0, col0, Grid(grid.x0 + col0 * grid.res, grid.y0 - row0 * grid.res, grid.res,
                                            rows, cols, grid.crs)))
    return blocks


def compute_coverage_streamed(transmitters: Transmitters, config: CoverageConfig, grid: Grid,
                              obstruction_of: Callable[[tuple[float, float, float, float]], Obstruction] | None,
                              *, block_tiles: int | None = None, tile_cells: int = TILE_CELLS,
                              feedback: ProgressSink | None = None, scheduler: str | None = None,
                              workers: int | None = None, interference: Interference | None = None,
                              margins: bool = False, notes: list[str] | None = None) -> CoverageResult:
    """``compute_coverage`` over ``grid``, block by block (see the module docstring).

    ``obstruction_of(bounds)`` builds the obstruction of one block's grown bounds (e.g.
    ``Obstruction.from_raster(file_backed_layer, extent=bounds)``, with ``with_terrain`` on top); None: no
    obstruction. ``block_tiles`` (default ``BLOCK_TILES``) is a block's edge in tiles. Server indices refer
    to ``transmitters``. ``margins``: also each cell's best-server margin
    (``margin.best_server_margin``, which needs the block's heights too). The blocks' obstruction notes are
    appended to ``notes``, each once. Raises ``plugins.api.Cancelled`` like ``compute_coverage``."""
    rsrp = np.full((grid.rows, grid.cols), np.nan, np.float32)
    server = np.full((grid.rows, grid.cols), -1, np.int32)
    sinr = np.full((grid.rows, grid.cols), np.nan, np.float32)
    far_stronger = None if interference is None else np.zeros((grid.rows, grid.cols), bool)
    margin_db = np.zeros((grid.rows, grid.cols), np.float32) if margins else None
    reach = np.full(len(transmitters), float(config.max_radius_m))
    if interference is not None:
        reach = np.maximum(interference.radius_m, reach)
    blocks = block_grids(grid, max(1, int(block_tiles or BLOCK_TILES)) * tile_cells)
    links = tiles = 0
    for k, (row0, col0, block) in enumerate(blocks):
        left, bottom, right, top = block.bounds
        near = np.flatnonzero(_gap_squared(transmitters.x, transmitters.y, block.bounds) <= reach * reach)
        if near.size == 0:
            continue
        margin = float(reach[near].max()) + float(config.max_radius_m) + EDGE_M
        obstruction = None
        if obstruction_of is not None:
            obstruction = obstruction_of((left - margin, bottom - margin, right + margin, top + margin))
            if 2 * obstruction.res > EDGE_M:  # cells coarser than 10 m: plan_tiles's own 2 cells go past EDGE_M
                margin += 2 * obstruction.res
                obstruction = obstruction_of((left - margin, bottom - margin, right + margin, top + margin))
        part_plan = None if interference is None else replace(
            interference, radius_m=interference.radius_m[near], channel=interference.channel[near])
        sink = None if feedback is None else _BlockProgress(feedback, 100.0 * k / len(blocks), 100.0 / len(blocks))
        part = compute_coverage(transmitters.subset(near), config, obstruction, block, feedback=sink,
                                scheduler=scheduler, workers=workers, tile_cells=tile_cells,
                                interference=part_plan)
        window = (slice(row0, row0 + block.rows), slice(col0, col0 + block.cols))
        if margin_db is not None:
            margin_db[window] = best_server_margin(part, obstruction)
        if notes is not None and obstruction is not None:
            notes.extend(note for note in obstruction.notes if note not in notes)
        rsrp[window], sinr[window] = part.rsrp, part.sinr
        server[window] = np.where(part.server >= 0, near[np.maximum(part.server, 0)], -1)
        if far_stronger is not None and part.far_stronger is not None:
            far_stronger[window] = part.far_stronger
        links, tiles = links + part.links, tiles + part.tiles
        del part, obstruction  # the block's heights, facades and tile results go before the next block's
    if feedback is not None:
        feedback.set_progress(100.0)
    return CoverageResult(grid, rsrp, server, sinr, links, tiles, transmitters, config, margin_db=margin_db,
                          interference=interference, far_stronger=far_stronger)


def _gap_squared(xs: np.ndarray, ys: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Squared distance from each point to the rectangle ``bounds`` (0 inside), as ``plan_tiles`` measures."""
    left, bottom, right, top = bounds
    gap_x = np.maximum(np.maximum(left - xs, 0.0), xs - right)
    gap_y = np.maximum(np.maximum(bottom - ys, 0.0), ys - top)
    return gap_x * gap_x + gap_y * gap_y


__all__ = ["BLOCK_TILES", "EDGE_M", "block_grids", "compute_coverage_streamed"]
