"""coverage.rsrp block by block, as it runs when the study area's heights exceed ``STREAM_CELLS``: the same output
rasters, margins (the covered share) and statistics as one run, from a height raster never read whole."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from layers.io.raster import read_raster
from plugins.api import Context
from plugins.coverage import algorithm, stream
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y, box_buildings, buildings_frame, height_grid
from tests.coverage.test_algorithm import _layers


@pytest.fixture
def surface_tif(tmp_path):
    rng = np.random.default_rng(9)
    boxes, heights = box_buildings(rng, 25, 300.0)
    grid = height_grid(boxes, heights, 300.0)
    path = tmp_path / "heights.tif"
    with rasterio.open(path, "w", driver="GTiff", width=grid.shape[1], height=grid.shape[0], count=1,
                       dtype="float32", crs=CRS, transform=from_origin(ORIGIN_X, ORIGIN_Y + 300.0, 2.0, 2.0)) as dst:
        dst.write(grid, 1)
    return path, buildings_frame(boxes, heights)


def _run(params):
    return run_algorithm("coverage.rsrp", params, Context(workers=2)).outputs


@pytest.mark.parametrize("source", ["surface", "buildings"])
def test_blocks_give_the_outputs_of_one_run(surface_tif, monkeypatch, source):
    path, _ = surface_tif
    poles, buildings, demand, _, _ = _layers()
    surface = read_raster(str(path), source=str(path), name="heights", lazy=True)
    params = {"transmitters": poles, "demand": demand, "buildings": buildings if source == "buildings" else None,
              "surface": surface if source == "surface" else None, "max_radius": 120, "resolution": 2,
              "antenna": "3 sectors", "indoor_loss": "high", "interference_radius": 200}
    one = _run(params)
    assert not surface.loaded  # one run reads the grown study area's window too
    monkeypatch.setattr(algorithm, "STREAM_CELLS", 0)
    monkeypatch.setattr(stream, "BLOCK_TILES", 1)  # 64 x 64 cells a block: 3 x 3 blocks over the 150 x 150 grid
    blocks = _run(params)
    assert not surface.loaded
    for name in ("rsrp", "best_server", "sinr"):
        np.testing.assert_array_equal(blocks[name].data, one[name].data)
    assert (one["best_server"].data >= 0).mean() > 0.5
    assert blocks["links"] == one["links"]
    assert blocks["area_covered_pct"] == one["area_covered_pct"]  # margins per block, as one run's
    np.testing.assert_array_equal(blocks["statistics"].to_numpy(), one["statistics"].to_numpy())
