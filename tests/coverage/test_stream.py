"""Coverage in blocks (``plugins.coverage.stream``): the same rasters, cell for cell, as one run over the height
raster read whole, while the raster's pixels are only ever read by window (each block reads its own)."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from layers.io.raster import WindowReader, read_raster
from layers.layer import RasterLayer
from plugins.coverage import CoverageConfig, Obstruction, Transmitters
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.interference import interference_plan
from plugins.coverage.stream import compute_coverage_streamed
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y, box_buildings, height_grid

SIZE_M, CELL_M = 700.0, 2.0


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A 700 m square of box buildings as a 2 m GeoTIFF, 14 sectored cells and a 4 m grid over the middle."""
    rng = np.random.default_rng(11)
    boxes, heights = box_buildings(rng, 160, SIZE_M)
    grid = height_grid(boxes, heights, SIZE_M)
    path = tmp_path_factory.mktemp("stream") / "heights.tif"
    with rasterio.open(path, "w", driver="GTiff", width=grid.shape[1], height=grid.shape[0], count=1,
                       dtype="float32", crs=CRS, transform=from_origin(ORIGIN_X, ORIGIN_Y + SIZE_M, CELL_M, CELL_M),
                       tiled=True, blockxsize=128, blockysize=128) as dst:
        dst.write(grid, 1)
    config = CoverageConfig(max_radius_m=110.0, indoor_loss="low", sector_azimuths=(30.0, 150.0, 270.0))
    n = 14
    cells = Transmitters.from_arrays(ORIGIN_X + rng.uniform(60, 640, n), ORIGIN_Y + rng.uniform(60, 640, n),
                                     rng.uniform(6, 30, n), config, crs=CRS)
    out = Grid.covering((ORIGIN_X + 100, ORIGIN_Y + 80, ORIGIN_X + 600, ORIGIN_Y + 620), 4.0, cells.crs)
    return path, cells, config, out


def _counting_layer(path):
    """The raster file-backed through a reader that records every window it is asked for (None = all)."""
    with rasterio.open(path) as src:
        shape, transform = (src.count, src.height, src.width), src.transform
    reader, windows = WindowReader(str(path), None, True, str(path)), []

    def counting(window):
        windows.append(window)
        return reader(window)

    return RasterLayer.file_backed(counting, shape, "float32", transform, CRS, name="heights"), windows


def _assert_same(streamed, whole):
    np.testing.assert_array_equal(streamed.rsrp, whole.rsrp)
    np.testing.assert_array_equal(streamed.server, whole.server)
    np.testing.assert_array_equal(streamed.sinr, whole.sinr)
    assert streamed.links == whole.links and streamed.tiles == whole.tiles


def test_blocks_give_the_rasters_of_one_run_over_the_whole_raster_and_read_only_windows(scene):
    path, cells, config, grid = scene
    eager = read_raster(str(path), source=str(path), name="heights", lazy=False)
    whole = compute_coverage(cells, config, Obstruction.from_raster(eager), grid, workers=1, tile_cells=16)
    layer, windows = _counting_layer(path)
    streamed = compute_coverage_streamed(cells, config, grid, lambda b: Obstruction.from_raster(layer, extent=b),
                                         block_tiles=3, tile_cells=16, workers=2)
    _assert_same(streamed, whole)
    assert np.isfinite(whole.rsrp).mean() > 0.5 and (whole.server >= 0).sum() > 1000  # a real map, not empty
    assert None not in windows and not layer.loaded   # no whole read
    assert len(windows) == 9   # one window per block (126 x 135 cells in blocks of 48): 3 x 3 blocks
    cells_read = sum((r1 - r0) * (c1 - c0) for r0, r1, c0, c1 in windows)
    # each block reads its 192 m plus a margin of 2 x 110 m + 20 m a side, at most (192 + 2 * 240) / 2 cells
    assert all((r1 - r0) <= 337 and (c1 - c0) <= 337 for r0, r1, c0, c1 in windows)
    assert cells_read > layer.width * layer.height  # overlapping margins: more than once over, but by window


def test_blocks_with_interference_beyond_the_radius_and_co_channel_sets(scene):
    path, cells, config, grid = scene
    plan = interference_plan(cells, config, grid, radius_m=180.0)
    eager = read_raster(str(path), source=str(path), name="heights", lazy=False)
    whole = compute_coverage(cells, config, Obstruction.from_raster(eager), grid, workers=1, tile_cells=16,
                             interference=plan)
    lazy = read_raster(str(path), source=str(path), name="heights", lazy=True)
    streamed = compute_coverage_streamed(cells, config, grid, lambda b: Obstruction.from_raster(lazy, extent=b),
                                         block_tiles=4, tile_cells=16, workers=1, interference=plan)
    _assert_same(streamed, whole)
    np.testing.assert_array_equal(streamed.far_stronger, whole.far_stronger)
    assert not lazy.loaded


def test_blocks_no_transmitter_reaches_stay_empty_and_progress_ends_at_100(scene):
    path, cells, config, _ = scene
    grid = Grid.covering((ORIGIN_X - 2000, ORIGIN_Y, ORIGIN_X + 600, ORIGIN_Y + 600), 4.0, cells.crs)
    lazy = read_raster(str(path), source=str(path), name="heights", lazy=True)
    seen = []

    class Sink:
        def set_progress(self, percent):
            seen.append(percent)

        def is_cancelled(self):
            return False

    result = compute_coverage_streamed(cells, config, grid, lambda b: Obstruction.from_raster(lazy, extent=b),
                                       block_tiles=4, tile_cells=16, workers=1, feedback=Sink())
    far_west = grid.cell_of(np.array([ORIGIN_X - 1500.0]), np.array([ORIGIN_Y + 300.0]))
    assert result.server[far_west[0][0], far_west[1][0]] == -1
    assert np.isnan(result.rsrp[:, :100]).all()  # 400 m and more west of the raster: no cell reaches
    assert seen == sorted(seen) and seen[-1] == 100.0


def test_cancel_stops_the_run_within_the_block_it_is_in(scene):
    from plugins.api import Cancelled

    path, cells, config, grid = scene
    lazy = read_raster(str(path), source=str(path), name="heights", lazy=True)
    blocks = []

    class Sink:
        def set_progress(self, percent):
            pass

        def is_cancelled(self):
            return len(blocks) >= 2  # Cancel pressed while the second block runs

    def obstruction_of(bounds):
        blocks.append(bounds)
        return Obstruction.from_raster(lazy, extent=bounds)

    with pytest.raises(Cancelled):
        compute_coverage_streamed(cells, config, grid, obstruction_of, block_tiles=3, tile_cells=16, workers=1,
                                  feedback=Sink())
    assert len(blocks) == 2  # no block started after it
