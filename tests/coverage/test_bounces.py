"""Multiple facade reflections (``bounces``): the ray-tube estimate against independent references. In open space
the rays of the direct wavefront give back the LOS formula; off one wall their first order gives the image
method of ``reflections``; in a canyon of two long parallel walls orders 2-4 give the sum over the images
worked out by hand (|Γ|^(2n) at the one incidence angle all bounces share). On a map the field only adds power,
only in outdoor cells out of sight, and the rasters do not depend on the tiling or the threads."""

from __future__ import annotations

import math

import numpy as np
import pytest

from plugins.coverage import CoverageConfig, Obstruction, Transmitters, bounces
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.los import BLOCK, block_maxima, trace
from plugins.coverage.pathloss import umi_los_db
from plugins.coverage.reflections import (
    Facades,
    facades_of,
    lit_facades,
    permittivity,
    reflection_loss_db,
    reflection_paths,
)
from plugins.coverage.turns import lattice
from tests.coverage.scenes import box_obstruction, omni_gain_db

NO_GROUND = np.zeros((0, 0), np.float32)
CONFIG = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=400.0)
ETA = permittivity(3.5)
RX_H = 1.5


def _obstruction(x0: float, y0: float, cols: int, rows: int, *boxes) -> Obstruction:
    """Buildings (xmin, ymin, xmax, ymax, height) burnt into a 2 m grid whose top-left corner is (x0, y0)."""
    return box_obstruction(x0, y0, cols, rows, 2.0, *boxes)


def _row(x: float, y: float, h: float) -> np.ndarray:
    return Transmitters.from_arrays([x], [y], h, CONFIG).table(CONFIG)[0]


def _nodes(box) -> tuple[np.ndarray, np.ndarray]:
    fx0, fy0, fres, rows, cols = box
    return fx0 + (np.arange(int(cols)) + 0.5) * fres, fy0 - (np.arange(int(rows)) + 0.5) * fres


def _field(row, walls: Facades, radius: float, min_order: int, max_order: int, res: float = 5.0):
    box = lattice(row[0], row[1], radius, 0.0, 0.0, res, bounces.MIN_NODE_M, bounces.MAX_RADIUS_M)
    gains = bounces.field(row, RX_H, *box, radius, 65.0, walls.table, walls.start, walls.items, walls.index,
                          bounces.RAYS, min_order, max_order, ETA.real, ETA.imag)
    return box, gains


def test_the_direct_wavefront_sums_to_the_los_formula_in_open_space():
    row = _row(0.0, 0.0, 10.0)
    box, gains = _field(row, Facades.none(), 350.0, 0, 0)
    xs, ys = _nodes(box)
    d = np.hypot(*np.meshgrid(xs, ys))
    expected = np.vectorize(lambda r: omni_gain_db(r, 8.5) - umi_los_db(r, 10.0, RX_H, 3.5))(d)
    ring = (d >= 30.0) & (d <= 340.0)
    error = 10 * np.log10(gains[ring]) - expected[ring]
    assert np.abs(error).max() < 1.0            # every node within 1 dB of the formula at its centre
    assert abs(float(np.mean(error))) < 0.1     # and no bias: the tubes neither gain nor lose power


def test_one_wall_gives_the_image_method_of_reflections_py():
    # a 600 m wall along y = 0 facing north, the antenna 20 m in front of it
    obstruction = _obstruction(-320.0, 60.0, 320, 100, (-300.0, -100.0, 300.0, 0.0, 30.0))
    walls = facades_of(obstruction, bounces.MIN_FACADE_M)
    row = _row(-20.0, 20.0, 10.0)
    box, gains = _field(row, walls, 250.0, 1, 1)
    xs, ys = _nodes(box)
    heights = obstruction.heights
    blocks = block_maxima(heights)
    image = facades_of(obstruction)
    lit = lit_facades(-20.0, 20.0, 10.0, 250.0, RX_H, image.table, image.start, image.items, image.index, heights,
                      NO_GROUND, blocks, BLOCK, -320.0, 60.0, 2.0)
    out = np.zeros((16, 4))
    checked = 0
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            d = math.hypot(x + 20.0, y - 20.0)
            if not (2.5 < y < 55.0 and 60.0 <= d <= 230.0):
                continue
            n = reflection_paths(-20.0, 20.0, 10.0, x, y, RX_H, lit, image.table, heights, blocks, BLOCK, -320.0,
                                 60.0, 2.0, out)
            assert n == 1
            length, cos_i = out[0, 0], out[0, 1]
            expected = (omni_gain_db(length, 8.5) - umi_los_db(length, 10.0, RX_H, 3.5)
                        - reflection_loss_db(cos_i, ETA.real, ETA.imag))
            assert 10 * math.log10(gains[i, j]) == pytest.approx(expected, abs=1.0)
            checked += 1
    assert checked > 500


def _canyon_images_db(x: float, y: float, tx: tuple[float, float, float], low: float, high: float,
                      orders: range) -> float:
    """Power (dB, path gain) of the canyon paths of the given orders by the image method: the antenna mirrored
    alternately in the walls y = low and y = high, each image seen along a straight line that crosses the walls
    n times at the same incidence angle."""
    tx_x, tx_y, tx_h = tx
    total = 0.0
    for n in orders:
        for first in (low, high):
            image_y, wall = tx_y, first
            for _ in range(n):
                image_y = 2.0 * wall - image_y
                wall = high if wall == low else low
            length = math.hypot(x - tx_x, y - image_y)
            cos_i = abs(y - image_y) / length
            loss = umi_los_db(length, tx_h, RX_H, 3.5) + n * reflection_loss_db(cos_i, ETA.real, ETA.imag)
            total += 10 ** ((omni_gain_db(length, tx_h - RX_H) - loss) / 10)
    return 10 * math.log10(total)


def test_a_canyon_gives_the_sum_over_images_of_orders_two_to_four():
    # two 900 m buildings: walls along y = 0 (facing north) and y = 20 (facing south), the antenna between them
    obstruction = _obstruction(-460.0, 80.0, 460, 80, (-450.0, -60.0, 450.0, 0.0, 25.0),
                               (-450.0, 20.0, 450.0, 70.0, 25.0))
    walls = facades_of(obstruction, bounces.MIN_FACADE_M)
    tx = (0.0, 8.0, 6.0)
    box, gains = _field(_row(*tx), walls, 350.0, bounces.MIN_ORDER, bounces.MAX_ORDER)
    xs, ys = _nodes(box)
    errors = []
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            if 0.0 < y < 20.0 and 60.0 <= abs(x) <= 300.0:
                expected = _canyon_images_db(x, y, tx, 0.0, 20.0, range(bounces.MIN_ORDER, bounces.MAX_ORDER + 1))
                errors.append(10 * math.log10(gains[i, j]) - expected)
    errors = np.array(errors)
    assert errors.size > 150
    assert np.abs(errors).max() < 1.5 and abs(float(np.mean(errors))) < 0.3
    # nothing lands behind the walls, inside the buildings
    inside = np.array([[-5.0 < y < 0.0 or 20.0 < y < 25.0 for _ in xs] for y in ys])
    assert not gains[inside].any()


def _street_scene():
    """Blocks along an east-west street with a side street and a lane: cells out of sight all round."""
    boxes = [(-200.0, 10.0, -20.0, 60.0, 20.0), (0.0, 10.0, 200.0, 60.0, 20.0), (-200.0, -60.0, 40.0, -10.0, 18.0),
             (52.0, -60.0, 200.0, -10.0, 22.0), (-100.0, 70.0, 100.0, 120.0, 15.0)]
    return _obstruction(-240.0, 160.0, 240, 160, *boxes)


def test_the_map_adds_power_only_to_outdoor_cells_out_of_sight_whatever_the_tiling():
    obstruction = _street_scene()
    # the reflections alone (the corner diffraction, off here, may replace P.1411's loss: test_diffraction)
    config = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=250.0, corner_diffraction=False)
    off = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=250.0, multi_bounce=False)
    cells = Transmitters.from_arrays([-120.0, 90.0], [0.0, 0.0], [6.0, 8.0], config)
    grid = Grid.covering((-230.0, -150.0, 230.0, 150.0), 5.0)
    with_field = compute_coverage(cells, config, obstruction, grid, workers=1)
    without = compute_coverage(cells, off, obstruction, grid, workers=1)
    tiled = compute_coverage(cells, config, _street_scene(), grid, workers=2, tile_cells=16)
    np.testing.assert_array_equal(with_field.rsrp, tiled.rsrp)
    served = np.isfinite(without.rsrp)
    gain = with_field.rsrp[served] - without.rsrp[served]
    assert gain.min() >= -1e-4 and (gain > 1.0).sum() > 50
    # a cell that gained is outdoors, and its best server (a link the field raised) out of sight
    xs, ys = grid.centres()
    heights = obstruction.heights
    blocks = block_maxima(heights)
    rows, cols = np.nonzero(served & (with_field.rsrp - without.rsrp > 1e-3))
    for i, j in zip(rows, cols, strict=True):
        x, y, k = xs[j], ys[i], int(with_field.server[i, j])
        assert heights[int((160.0 - y) // 2), int((x + 240.0) // 2)] <= RX_H
        seen, _, _ = trace(heights, blocks, BLOCK, -240.0, 160.0, 2.0, cells.x[k], cells.y[k], cells.height_m[k],
                           x, y, RX_H)
        assert not seen


def test_an_antenna_above_the_roofs_gets_no_multi_bounce_field():
    # the 2-D mirrors hold for antennas below the roofs: from 20 m up (where `auto` picks UMa) the map is unchanged
    obstruction = _street_scene()
    grid = Grid.covering((-230.0, -150.0, 230.0, 150.0), 5.0)
    for height, changed in ((19.0, True), (20.0, False)):
        config = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=250.0)
        off = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=250.0, multi_bounce=False)
        cells = Transmitters.from_arrays([-120.0], [0.0], [height], config)
        on_map = compute_coverage(cells, config, obstruction, grid, workers=1).rsrp
        off_map = compute_coverage(cells, off, obstruction, grid, workers=1).rsrp
        assert bool(np.nanmax(on_map - off_map) > 1.0) == changed
