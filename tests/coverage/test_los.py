"""Line of sight from the height grid against an exact polygon reference and against gdal_viewshed."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import rasterio
from affine import Affine

from layers import VectorLayer
from plugins.coverage.los import BLOCK, block_maxima, trace
from plugins.coverage.obstruction import Obstruction
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y, box_buildings, buildings_frame, exact_los, height_grid

SIZE = 200.0


def walk(grid: np.ndarray, x0: float, y0: float, res: float, *link: float, factor: int = BLOCK):
    """The two-level walk with its coarse grid made from ``grid``."""
    return trace(grid, block_maxima(grid, factor), factor, x0, y0, res, *link)


@pytest.mark.parametrize(("seed", "factor"), [(1, 8), (2, 3), (3, 1)])
def test_grid_walk_matches_exact_polygon_test(seed, factor):
    rng = np.random.default_rng(seed)
    boxes, heights = box_buildings(rng, 30, SIZE)
    grid = height_grid(boxes, heights, SIZE)
    decisions = {True: 0, False: 0}
    for _ in range(400):
        tx = (*rng.uniform(1, SIZE - 1, 2), rng.uniform(6, 45))
        rx = (*rng.uniform(1, SIZE - 1, 2), 1.5)
        los, indoor, d_in = walk(grid, 0.0, SIZE, 2.0, *tx, *rx, factor=factor)
        ref_los, ref_indoor, ref_d_in = exact_los(boxes, heights, tx, rx)
        assert (los, indoor) == (ref_los, ref_indoor), (tx, rx)
        assert d_in == pytest.approx(ref_d_in, abs=1e-4)  # grid heights are float32
        decisions[los] += 1
    assert min(decisions.values()) > 40  # the scenes hold both kinds of links


def test_indoor_distance_to_the_wall_and_through_the_roof():
    grid = np.zeros((50, 50), np.float32)  # 100 m square, top-left at (0, 100)
    grid[40:50, 0:10] = 30.0  # building x 0-20, y 0-20, 30 m tall
    # Receiver at (10, 10) inside; antenna 50 m east at 10 m: the ray leaves through the east wall 10 m away.
    assert walk(grid, 0.0, 100.0, 2.0, 60.0, 10.0, 10.0, 10.0, 10.0, 1.5) == (True, True, pytest.approx(10.0))
    # A 3 m building and a 31.5 m antenna 50 m away: z = 1.5 + 30·(d/50) reaches the 3 m roof after 2.5 m, before
    # the wall: the path goes up through the roof, which O2I does not describe, so it is NLOS.
    grid[40:50, 0:10] = 3.0
    assert walk(grid, 0.0, 100.0, 2.0, 60.0, 10.0, 31.5, 10.0, 10.0, 1.5) == (False, True, pytest.approx(2.5))
    # An outdoor receiver has no indoor part; a 12 m wall between it and a 10 m antenna blocks the path.
    grid[:] = 0.0
    grid[:, 20] = 12.0  # wall at x 40-42
    assert walk(grid, 0.0, 100.0, 2.0, 60.0, 50.0, 10.0, 20.0, 50.0, 1.5) == (False, False, 0.0)
    assert walk(grid, 0.0, 100.0, 2.0, 60.0, 50.0, 13.0, 20.0, 50.0, 12.5)[0] is True


def test_buildings_are_burnt_at_their_height():
    rng = np.random.default_rng(5)
    boxes, heights = box_buildings(rng, 20, SIZE)
    obstruction = Obstruction.from_buildings(VectorLayer(buildings_frame(boxes, heights), "b"), 1.0)
    xs, ys = rng.uniform(0, SIZE, 2000), rng.uniform(0, SIZE, 2000)
    expected = np.zeros(xs.size)
    for b, h in zip(boxes, heights, strict=True):
        x0, y0, x1, y1 = b.bounds
        expected[(xs > x0) & (xs < x1) & (ys > y0) & (ys < y1)] = h
    got = obstruction.height_at(xs + ORIGIN_X, ys + ORIGIN_Y)
    np.testing.assert_allclose(got, expected, atol=1e-4)


def _viewshed(tmp_path, grid: np.ndarray, observer: tuple[float, float], oz: float, radius: float) -> np.ndarray:
    """gdal_viewshed's visibility (1 visible, 0 hidden, 2 out of range) on the scene grid."""
    source, target = tmp_path / "dsm.tif", tmp_path / "viewshed.tif"
    with rasterio.open(source, "w", driver="GTiff", width=grid.shape[1], height=grid.shape[0], count=1,
                       dtype="float32", crs=CRS, transform=Affine(2, 0, 0, 0, -2, grid.shape[0] * 2.0)) as dst:
        dst.write(grid, 1)
    subprocess.run(["gdal_viewshed", "-q", "-oz", str(oz), "-tz", "1.5", "-md", str(radius), "-cc", "0",
                    "-vv", "1", "-iv", "0", "-ov", "2", "-ox", str(observer[0]), "-oy", str(observer[1]),
                    str(source), str(target)], check=True, capture_output=True)
    out = np.full(grid.shape, 2, np.uint8)
    with rasterio.open(target) as src:
        part, t = src.read(1), src.transform
    r0, c0 = int(round((grid.shape[0] * 2.0 - t.f) / 2)), int(round(t.c / 2))
    out[r0:r0 + part.shape[0], c0:c0 + part.shape[1]] = part
    return out


def _our_visibility(grid: np.ndarray, size: float, observer: tuple[float, float], oz: float,
                    compare: np.ndarray) -> np.ndarray:
    out = np.full(grid.shape, -1)
    blocks = block_maxima(grid)
    for i, j in zip(*np.nonzero(compare), strict=True):
        x, y = (j + 0.5) * 2, size - (i + 0.5) * 2
        out[i, j] = trace(grid, blocks, BLOCK, 0.0, size, 2.0, observer[0], observer[1], oz, x, y, 1.5)[0]
    return out


@pytest.mark.skipif(shutil.which("gdal_viewshed") is None, reason="gdal_viewshed (gdal-bin) is not installed")
@pytest.mark.parametrize(("seed", "observer"), [(7, (99.0, 181.0)), (11, (151.0, 151.0))])
def test_agrees_with_gdal_viewshed_on_a_dsm(tmp_path, seed, observer):
    """gdal_viewshed reads the DSM as heights at cell centres and approximates rays with reference planes
    (Wang et al. 2000); we treat each cell as a flat-topped block and walk exact rays. The two surfaces differ
    within a cell of every building edge, so: where the decision does not depend on that edge (the same with
    every building grown and shrunk by one cell) we must agree almost everywhere, and overall mostly."""
    from scipy import ndimage

    size, oz, radius = 300.0, 10.0, 150.0
    rng = np.random.default_rng(seed)
    boxes, heights = box_buildings(rng, 40, size)
    grid = height_grid(boxes, heights, size)
    assert grid[int((size - observer[1]) / 2), int(observer[0] / 2)] == 0
    gdal = _viewshed(tmp_path, grid, observer, oz, radius)
    rows, cols = np.indices(grid.shape)
    distance = np.hypot((cols + 0.5) * 2 - observer[0], size - (rows + 0.5) * 2 - observer[1])
    compare = (grid == 0) & (gdal != 2) & (distance >= 3)
    assert compare.sum() > 5000
    ours = _our_visibility(grid, size, observer, oz, compare)
    grown = _our_visibility(ndimage.grey_dilation(grid, size=3), size, observer, oz, compare)
    shrunk = _our_visibility(ndimage.grey_erosion(grid, size=3), size, observer, oz, compare)
    robust = compare & (grown == shrunk)
    assert robust.sum() > 0.6 * compare.sum()
    assert (ours[robust] == gdal[robust]).mean() >= 0.97
    assert (ours[compare] == gdal[compare]).mean() >= 0.85
    assert 0.1 < gdal[compare].mean() < 0.9  # both visible and hidden cells are in the comparison


def test_buildings_without_height_are_estimated_not_refused():
    """An OSM-like layer with holes in height_m still blocks radio paths: storeys × 3 m, then the type's height,
    then the default, with a note that counts each (the same rules as on import)."""
    rng = np.random.default_rng(6)
    boxes, heights = box_buildings(rng, 4, SIZE)
    frame = buildings_frame(boxes, heights)
    frame["height_m"] = [np.nan, np.nan, np.nan, heights[3]]
    frame["levels"] = [5, None, None, None]
    frame["building"] = ["yes", "apartments", "yes", "yes"]
    obstruction = Obstruction.from_buildings(VectorLayer(frame, "osm"), 1.0)
    centres = np.array([b.centroid.coords[0] for b in boxes]) + (ORIGIN_X, ORIGIN_Y)
    inside = obstruction.height_at(centres[:, 0], centres[:, 1])
    np.testing.assert_allclose(inside, [15.0, 24.0, 10.0, heights[3]], atol=1e-4)
    assert any("1 from storeys × 3 m, 1 from the building type, 1 set to the default 10 m" in note
               for note in obstruction.notes)
