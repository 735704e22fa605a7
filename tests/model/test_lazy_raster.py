"""File-backed (lazy) rasters: a window read from the file equals the same cells of the raster read whole, and
coverage of a small area reads only its window (the layer's pixels stay in the file)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from layers.io.raster import read_raster
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.terrain import resample

X0, Y0, RES = 500_000.0, 2_560_000.0, 2.0
ROWS, COLS = 300, 400


@pytest.fixture
def heights_tif(tmp_path):
    """A 2 m height raster with random buildings, tiled like the sample's (256 x 256 blocks)."""
    rng = np.random.default_rng(7)
    grid = np.where(rng.random((ROWS, COLS)) < 0.3, rng.uniform(3, 120, (ROWS, COLS)), 0).astype(np.float32)
    path = tmp_path / "heights.tif"
    with rasterio.open(path, "w", driver="GTiff", width=COLS, height=ROWS, count=1, dtype="float32",
                       crs="EPSG:32649", transform=from_origin(X0, Y0, RES, RES), tiled=True, blockxsize=256,
                       blockysize=256) as dst:
        dst.write(grid, 1)
    return path, grid


def _read(path, lazy):
    return read_raster(str(path), source=str(path), name="heights", lazy=lazy)


def test_lazy_layer_reports_its_shape_without_reading_and_data_matches_eager(heights_tif):
    path, grid = heights_tif
    lazy, eager = _read(path, True), _read(path, False)
    assert not lazy.loaded
    assert (lazy.count, lazy.height, lazy.width) == (1, ROWS, COLS)
    assert lazy.extent == eager.extent and lazy.crs == eager.crs
    assert not lazy.loaded
    np.testing.assert_array_equal(lazy.data[0], grid)
    assert lazy.loaded


def test_window_equals_the_same_cells_of_the_whole_raster(heights_tif):
    path, grid = heights_tif
    lazy = _read(path, True)
    bounds = (X0 + 101.0, Y0 - 377.0, X0 + 555.5, Y0 - 12.0)  # not on cell edges: cells touching it are kept
    window = lazy.read_window(bounds)
    col0, col1 = int(np.floor(101.0 / RES)), int(np.ceil(555.5 / RES))
    row0, row1 = int(np.floor(12.0 / RES)), int(np.ceil(377.0 / RES))
    np.testing.assert_array_equal(window.data[0], grid[row0:row1, col0:col1])
    assert window.transform.c == X0 + col0 * RES and window.transform.f == Y0 - row0 * RES
    assert not lazy.loaded
    beyond = lazy.read_window((X0 - 1000.0, Y0 - 100.0, X0 + 10.0, Y0 + 1000.0))  # clipped to the raster
    np.testing.assert_array_equal(beyond.data[0], grid[0:50, 0:5])


def test_obstruction_of_an_extent_reads_only_its_window_and_agrees_with_the_whole(heights_tif):
    path, _ = heights_tif
    lazy, eager = _read(path, True), _read(path, False)
    extent = (X0 + 200.0, Y0 - 500.0, X0 + 600.0, Y0 - 100.0)
    part, whole = Obstruction.from_raster(lazy, extent=extent), Obstruction.from_raster(eager)
    assert not lazy.loaded
    assert part.heights.shape == (200, 200)
    xs, ys = np.random.default_rng(1).uniform(extent[0], extent[2], 500), np.random.default_rng(2).uniform(
        extent[1], extent[3], 500)
    np.testing.assert_array_equal(part.height_at(xs, ys), whole.height_at(xs, ys))


def test_terrain_resample_reads_a_window_with_the_same_values(heights_tif):
    path, _ = heights_tif
    lazy, eager = _read(path, True), _read(path, False)
    args = (X0 + 100.0, Y0 - 100.0, 5.0, 40, 60, lazy.crs)
    np.testing.assert_array_equal(resample(lazy, *args), resample(eager, *args))
    assert not lazy.loaded


def test_lazy_layer_pickles_as_a_path_for_distributed_workers(heights_tif):
    path, grid = heights_tif
    copy = pickle.loads(pickle.dumps(_read(path, True)))
    assert not copy.loaded
    np.testing.assert_array_equal(copy.read_window((X0, Y0 - 20.0, X0 + 20.0, Y0)).data[0], grid[:10, :10])


def test_bottom_up_file_is_read_whole_and_flipped_even_when_lazy(tmp_path):
    grid = np.arange(12, dtype=np.float32).reshape(3, 4)
    path = tmp_path / "bottom_up.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="float32", crs="EPSG:32649",
                       transform=rasterio.Affine(1.0, 0, X0, 0, 1.0, Y0)) as dst:
        dst.write(grid, 1)
    layer = _read(path, True)
    assert layer.loaded
    np.testing.assert_array_equal(layer.data[0], grid[::-1])
