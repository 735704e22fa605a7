"""Facade reflections: walls read from the height grid, reflection geometry against the image method worked out
by hand on one wall and in a canyon, blocked legs and roofs, the Fresnel loss against ITU-R P.2040 concrete,
and the reflected power added to a map against a link budget computed from the formulas."""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest

from plugins.coverage import CoverageConfig, Obstruction, Transmitters
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.los import BLOCK, block_maxima
from plugins.coverage.pathloss import umi_los_db, umi_nlos_db
from plugins.coverage.reflections import (
    facades_of,
    lit_facades,
    permittivity,
    reflection_loss_db,
    reflection_paths,
)
from tests.coverage.scenes import box_obstruction

NO_GROUND = np.zeros((0, 0), np.float32)
X0, Y0 = -100.0, 60.0  # top-left corner of the 1 m test grids (200 x 120 cells: x -100..100, y 60..-60)


def _grid(*boxes: tuple[float, float, float, float, float]) -> Obstruction:
    """Buildings (xmin, ymin, xmax, ymax, height) burnt into a 1 m grid."""
    return box_obstruction(X0, Y0, 200, 120, 1.0, *boxes)


def _paths(obstruction: Obstruction, tx: tuple[float, float, float], rx: tuple[float, float, float]) -> np.ndarray:
    walls = facades_of(obstruction)
    heights = obstruction.heights
    blocks = block_maxima(heights)
    lit = lit_facades(*tx, 400.0, 1.5, walls.table, walls.start, walls.items, walls.index, heights, NO_GROUND,
                      blocks, BLOCK, X0, Y0, 1.0)
    out = np.zeros((16, 4))
    n = reflection_paths(*tx, *rx, lit, walls.table, heights, blocks, BLOCK, X0, Y0, 1.0, out)
    return out[:n]


def _image_path(tx, rx, wall_y: float) -> tuple[float, float, float]:
    """The image method by hand for a wall along y = wall_y: (unfolded 2-D length, reflection point x, cos θ)."""
    (tx_x, tx_y, tx_h), (rx_x, rx_y, rx_h) = tx, rx
    image_y = 2 * wall_y - tx_y
    t = (wall_y - image_y) / (rx_y - image_y)
    length = math.hypot(rx_x - tx_x, rx_y - image_y)
    cos_i = abs(rx_y - image_y) / math.hypot(length, tx_h - rx_h)
    return length, tx_x + t * (rx_x - tx_x), cos_i


def test_walls_are_read_from_the_grid_with_outward_normals():
    walls = facades_of(_grid((-90.0, -50.0, 90.0, 0.0, 30.0), (-20.0, 30.0, -12.0, 38.0, 12.0)))
    # the long block gives four walls (the 8 m square none: shorter than 10 m); its north face looks north
    assert len(walls) == 4
    north = walls.table[np.argmax(walls.table[:, 1] + walls.table[:, 3])]
    assert north[1] == pytest.approx(0.0) and north[3] == pytest.approx(0.0)
    assert abs(north[2] - north[0]) == pytest.approx(180.0)
    assert (north[5], north[6]) == pytest.approx((0.0, 1.0))
    assert north[4] == pytest.approx(30.0)


def test_one_wall_matches_the_image_method():
    obstruction = _grid((-90.0, -50.0, 90.0, 0.0, 30.0))
    tx, rx = (-20.0, 20.0, 10.0), (30.0, 10.0, 1.5)
    paths = _paths(obstruction, tx, rx)
    length, px, cos_i = _image_path(tx, rx, 0.0)
    assert paths.shape[0] == 1
    assert paths[0, 0] == pytest.approx(length) and length == pytest.approx(math.hypot(50, 30))
    assert paths[0, 2] == pytest.approx(px) and px == pytest.approx(-20 + 50 * 2 / 3)
    assert paths[0, 3] == pytest.approx(0.0)
    assert paths[0, 1] == pytest.approx(cos_i)


def test_a_canyon_gives_one_path_off_each_wall():
    obstruction = _grid((-95.0, -50.0, 95.0, -10.0, 25.0), (-95.0, 10.0, 95.0, 55.0, 25.0))
    tx, rx = (-60.0, 4.0, 8.0), (40.0, -3.0, 1.5)
    paths = _paths(obstruction, tx, rx)
    expected = sorted([_image_path(tx, rx, -10.0)[0], _image_path(tx, rx, 10.0)[0]])
    assert sorted(paths[:, 0]) == pytest.approx(expected)
    assert expected == pytest.approx(sorted([math.hypot(100, 21), math.hypot(100, 19)]))


def test_blocked_legs_short_walls_and_low_roofs_give_no_path():
    tx, rx = (-20.0, 20.0, 10.0), (30.0, 10.0, 1.5)
    # a kiosk on the wall-to-receiver leg
    assert _paths(_grid((-90.0, -50.0, 90.0, 0.0, 30.0), (20.0, 3.0, 24.0, 8.0, 5.0)), tx, rx).shape[0] == 0
    # the reflection point (x = 13.3) lies beyond the end of a wall from x = -90 to 5
    assert _paths(_grid((-90.0, -50.0, 5.0, 0.0, 30.0)), tx, rx).shape[0] == 0
    # a 5 m wall under a reflection point at 10 − 8.5·2/3 = 4.33 m reflects; a 4 m one does not
    assert _paths(_grid((-90.0, -50.0, 90.0, 0.0, 5.0)), tx, rx).shape[0] == 1
    assert _paths(_grid((-90.0, -50.0, 90.0, 0.0, 4.0)), tx, rx).shape[0] == 0
    # a receiver behind the wall's plane sees no reflection off it
    assert _paths(_grid((-90.0, -50.0, 90.0, 0.0, 30.0)), tx, (30.0, -60.0, 1.5)).shape[0] == 0


def test_reflection_loss_is_the_fresnel_te_coefficient_of_p2040_concrete():
    eta = permittivity(3.5)
    sigma = 0.0462 * 3.5**0.7822  # ITU-R P.2040-3 Table 3, concrete: ε' = 5.24, σ = 0.0462·f^0.7822
    assert eta == pytest.approx(complex(5.24, -17.98 * sigma / 3.5))
    normal = abs((1 - cmath.sqrt(eta)) / (1 + cmath.sqrt(eta)))
    assert reflection_loss_db(1.0, eta.real, eta.imag) == pytest.approx(-20 * math.log10(normal), abs=1e-9)
    assert 7.5 < reflection_loss_db(1.0, eta.real, eta.imag) < 9.0
    for degrees in (30.0, 45.0, 70.0, 85.0):
        c = math.cos(math.radians(degrees))
        root = cmath.sqrt(eta - (1 - c * c))
        expected = -20 * math.log10(abs((c - root) / (c + root)))
        assert reflection_loss_db(c, eta.real, eta.imag) == pytest.approx(expected, abs=1e-9)
    # grazing incidence reflects almost everything
    assert reflection_loss_db(math.cos(math.radians(89.0)), eta.real, eta.imag) < 0.5


def test_the_map_adds_the_reflected_power_to_the_direct_path():
    # a wall along y = 0; a kiosk hides the receiver from the antenna but not from the wall (first order only:
    # the kiosk's own walls give second-order paths, ``bounces``)
    obstruction = _grid((-90.0, -50.0, 90.0, 0.0, 30.0), (2.0, 14.0, 10.0, 20.0, 6.0))
    base = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=200.0, corner_reach_m=0.0, multi_bounce=False)
    cells = Transmitters.from_arrays([-20.0], [20.0], 10.0, base)
    grid = Grid(29.0, 11.0, 2.0, 1, 1)  # one cell, centre (30, 10)
    with_walls = compute_coverage(cells, base, obstruction, grid, workers=1)
    without = compute_coverage(cells, CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=200.0,
                                                     corner_reach_m=0.0, reflections=False),
                               obstruction, grid, workers=1)
    eirp_re = 43.0 - 10 * math.log10(12 * 273)
    direct = eirp_re - umi_nlos_db(math.hypot(50, 10), 10.0, 1.5, 3.5)
    length, _, cos_i = _image_path((-20.0, 20.0, 10.0), (30.0, 10.0, 1.5), 0.0)
    eta = permittivity(3.5)
    root = cmath.sqrt(eta - (1 - cos_i**2))
    wall_db = -20 * math.log10(abs((cos_i - root) / (cos_i + root)))
    reflected = eirp_re - umi_los_db(length, 10.0, 1.5, 3.5) - wall_db
    # omni antenna: the vertical pattern towards the wall and the receiver alike (same elevation)
    gain = -min(12 * (math.degrees(math.atan2(8.5, length)) / 65.0) ** 2, 30.0)
    gain_direct = -min(12 * (math.degrees(math.atan2(8.5, math.hypot(50, 10))) / 65.0) ** 2, 30.0)
    expected = 10 * math.log10(10 ** ((direct + gain_direct) / 10) + 10 ** ((reflected + gain) / 10))
    assert float(without.rsrp[0, 0]) == pytest.approx(direct + gain_direct, abs=1e-3)
    assert float(with_walls.rsrp[0, 0]) == pytest.approx(expected, abs=1e-3)
    assert with_walls.rsrp[0, 0] > without.rsrp[0, 0] + 10.0


def test_a_receiver_in_sight_of_the_antenna_gets_no_reflections_on_top_of_the_los_formula():
    # 38.901's LOS median already holds a lit street's multipath: the wall's reflection is not added again
    obstruction = _grid((-90.0, -50.0, 90.0, 0.0, 30.0))
    tx, rx = (-20.0, 20.0, 10.0), (30.0, 10.0, 1.5)
    assert _paths(obstruction, tx, rx).shape[0] == 1  # the geometry has a reflection
    on = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=200.0, corner_reach_m=0.0)
    off = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=200.0, corner_reach_m=0.0, reflections=False)
    cells = Transmitters.from_arrays([tx[0]], [tx[1]], tx[2], on)
    grid = Grid(29.0, 11.0, 2.0, 1, 1)
    assert compute_coverage(cells, on, obstruction, grid, workers=1).rsrp[0, 0] == pytest.approx(
        compute_coverage(cells, off, obstruction, grid, workers=1).rsrp[0, 0], abs=1e-6)
