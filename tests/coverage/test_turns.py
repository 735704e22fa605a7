"""Berg's recursive street-canyon model (``turns``): the recursion by hand, the paths the sight-line search
finds on street grids against a brute force over every pair of nodes on exact street polygons, and coverage maps
with the option on."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import shapely
from shapely.prepared import prep

from plugins.coverage.engine import compute_coverage
from plugins.coverage.los import BLOCK, block_maxima
from plugins.coverage.turns import BERG_NU, BERG_Q90, RAYS, extend, field, lattice, node_path, turn_factor
from tests.coverage.test_corner import _corner_scene
from tests.coverage.test_engine import _scene as engine_scene

FRES = 5.0
ANTENNA = (-80.0, 10.0, 10.0)


def test_berg_recursion_by_hand():
    # q(θ) = (θ·0.5/90)^1.5: 0 straight on, 0.5^1.5 = 0.3536 at a right angle
    assert turn_factor(0.0, BERG_Q90, BERG_NU) == 0.0
    assert turn_factor(90.0, BERG_Q90, BERG_NU) == pytest.approx(0.5**1.5)
    assert turn_factor(45.0, BERG_Q90, BERG_NU) == pytest.approx(0.25**1.5)
    # from the antenna (k0 = 1, d0 = 0) 100 m straight: d = 100
    k1, d1 = extend(1.0, 0.0, 100.0, 0.0, BERG_Q90, BERG_NU)
    assert (k1, d1) == (1.0, 100.0)
    # a right angle after 100 m, then 50 m: k = 1 + 100·0.3536 = 36.36, d = 100 + 36.36·50 = 1917.8
    k2, d2 = extend(k1, d1, 50.0, 90.0, BERG_Q90, BERG_NU)
    assert k2 == pytest.approx(1.0 + 100.0 * 0.5**1.5)
    assert d2 == pytest.approx(100.0 + (1.0 + 100.0 * 0.5**1.5) * 50.0)
    # going straight on keeps k: d grows by k per metre
    assert extend(k2, d2, 10.0, 0.0, BERG_Q90, BERG_NU) == pytest.approx((k2, d2 + 10.0 * k2))


def _scene(streets: shapely.Geometry) -> tuple[np.ndarray, float, float]:
    """25 m buildings everywhere but the ``streets`` on a 1 m height grid over x -500..350, y -400..450 (all the
    field sees: outside the height grid is open ground)."""
    xs = -500.0 + np.arange(850) + 0.5
    ys = 450.0 - np.arange(850) - 0.5
    open_ = shapely.contains_xy(streets, xs[None, :], ys[:, None])
    return np.where(open_, 0.0, 25.0).astype(np.float32), -500.0, 450.0


def _brute_force(streets: shapely.Geometry, nodes: list[tuple[float, float]], turns: int) -> dict:
    """Least illusory distance to every node over paths of at most ``turns`` turns at nodes, each leg a straight
    line inside the streets: every pair of nodes tried, with Berg's recursion written out."""
    tx = shapely.Point(ANTENNA[:2])
    inside = prep(streets.buffer(1e-6))

    def sees(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return inside.contains(shapely.LineString([a, b]))

    # state per node: (d, k, direction of the last leg)
    best = {}
    for p in nodes:
        if sees(ANTENNA[:2], p):
            r = tx.distance(shapely.Point(p))
            best[p] = (r, 1.0, ((p[0] - ANTENNA[0]) / r, (p[1] - ANTENNA[1]) / r))
    lit = set(best)
    for _ in range(turns):
        found = {}
        for x in nodes:
            if x in lit:
                continue
            for p, (d, k, (ux, uy)) in best.items():
                if p == x or not sees(p, x):
                    continue
                s = math.dist(p, x)
                cos = (ux * (x[0] - p[0]) + uy * (x[1] - p[1])) / s
                theta = math.degrees(math.acos(min(max(cos, -1.0), 1.0)))
                k_next = k + d * (theta * BERG_Q90 / 90.0) ** BERG_NU
                d_next = d + k_next * s
                if d_next < found.get(x, (math.inf,))[0]:
                    found[x] = (d_next, k_next, ((x[0] - p[0]) / s, (x[1] - p[1]) / s))
        for x, state in found.items():
            if state[0] < best.get(x, (math.inf,))[0]:
                best[x] = state
    return {p: v[0] for p, v in best.items() if p not in lit}


def _field(streets: shapely.Geometry) -> tuple[np.ndarray, tuple]:
    heights, hx0, hy0 = _scene(streets)
    box = lattice(ANTENNA[0], ANTENNA[1], 400.0, -100.0, 250.0, FRES)
    paths = field(*ANTENNA, 1.5, *box, 400.0, heights, np.zeros((0, 0), np.float32), block_maxima(heights), BLOCK,
                  hx0, hy0, 1.0, RAYS, BERG_Q90, BERG_NU)
    return paths.astype(np.float32).ravel(), box


@pytest.mark.parametrize("turns", [1, 2])
def test_paths_match_a_brute_force_over_every_pair_of_nodes(turns):
    # a lit street along y = 0..20, a side street x = 100..120 north from it and, for the second turn, a lane
    # y = 150..160 branching east from the side street
    streets = shapely.union_all([shapely.box(-100, 0, 200, 20), shapely.box(100, 0, 120, 250),
                                 shapely.box(100, 150, 200, 160)])
    paths, box = _field(streets)
    fx0, fy0, fres, rows, cols = box
    meta = np.array(box, float)
    checked = []
    for x in (107.5, 112.5, 117.5):
        for y in (62.5, 102.5, 152.5, 202.5):
            checked.append((x, y))
    if turns == 2:
        checked += [(137.5, 152.5), (162.5, 157.5), (192.5, 152.5)]
    nodes = [(fx0 + (j + 0.5) * fres, fy0 - (i + 0.5) * fres) for i in range(rows) for j in range(cols)
             if streets.contains(shapely.Point(fx0 + (j + 0.5) * fres, fy0 - (i + 0.5) * fres))
             and math.dist(ANTENNA[:2], (fx0 + (j + 0.5) * fres, fy0 - (i + 0.5) * fres)) <= 400.0]
    reference = _brute_force(streets, nodes, 2)
    for x, y in checked:
        d, length = node_path(meta, paths, x, y)
        assert math.isfinite(d), (x, y)
        # within 1.5 dB (20·log10 of the illusory distance) of the exact best path: the search looks along 90 sight
        # lines, so it may miss the very best turn node, and reads them node by node (never squeezing diagonally
        # past a building node), so near a corner it may take or refuse a line the exact polygons would not
        assert abs(20.0 * math.log10(d / reference[(x, y)])) < 1.5, (x, y)
        assert length >= math.dist(ANTENNA[:2], (x, y)) - 1e-3  # the streets are never shorter than the crow flies
    if turns == 2:
        # round two corners costs far more than round one: the lane beyond the second turn against the side
        # street at the same distance from the antenna
        lane, _ = node_path(meta, paths, 192.5, 152.5)
        side, _ = node_path(meta, paths, 112.5, 202.5)
        assert lane > 3.0 * side


def test_a_node_walled_off_from_the_streets_has_no_path():
    # a closed courtyard north of the street: no sight line reaches it
    streets = shapely.union_all([shapely.box(-100, 0, 200, 20), shapely.box(40, 60, 80, 100)])
    paths, box = _field(streets)
    d, length = node_path(np.array(box, float), paths, 62.5, 82.5)
    assert d == math.inf and length == math.inf
    # and a point outside the field has none either
    assert node_path(np.array(box, float), paths, 5000.0, 82.5) == (math.inf, math.inf)


def test_a_map_with_turns_is_smooth_up_a_side_street_and_darker_than_the_median_far_up_it():
    result, grid = _corner_scene(100.0, street_turns=True)
    walk_only, _ = _corner_scene(100.0)
    plain, _ = _corner_scene(0.0)
    xs, ys = grid.centres()
    column = int(np.argmin(np.abs(xs - 110.0)))
    lane = [int(r) for r in np.flatnonzero((ys > 0) & (ys < 200))[::-1]]
    profile = result.rsrp[lane, column]
    assert np.isfinite(profile).all()
    assert (profile != walk_only.rsrp[lane, column]).any()  # the option changes the map
    # no jump round the corner (P.1411's own steepest step, 6.4 dB at 2 m, bounds Berg's too) and the loss grows
    # up the street, up to the few tenths of a dB a 6 m node may give back to the next (each picks its own best
    # turn among 90 sight lines)
    assert np.abs(np.diff(profile)).max() < 20.0 / math.log10(31.0) * math.log10(3.0) + 0.1
    assert np.diff(profile).max() < 0.5
    # far up the side street a right-angled turn 180 m from the antenna costs more than the statistical median
    far = ys[lane] > 150.0
    assert (profile[far] < plain.rsrp[lane, column][far] - 5.0).all()


def test_turns_do_not_depend_on_the_tiling():
    cells, config, obstruction, grid = engine_scene(5)
    config = dataclasses.replace(config, street_turns=True)
    one = compute_coverage(cells, config, obstruction, grid, workers=1, tile_cells=100)
    many = compute_coverage(cells, config, obstruction, grid, workers=2, tile_cells=7)
    np.testing.assert_array_equal(one.server, many.server)
    np.testing.assert_allclose(one.rsrp, many.rsrp, rtol=0, atol=1e-5)
    off = compute_coverage(cells, dataclasses.replace(config, street_turns=False), obstruction, grid, workers=1)
    assert (np.abs(off.rsrp - one.rsrp) > 0.1).any()
