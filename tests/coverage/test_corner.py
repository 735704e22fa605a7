"""Street corners: the walking distance against a brute-force Dijkstra (scipy.sparse.csgraph) on the same
16-neighbour graph and against the Euclidean distance in open space, the P.1411 corner loss and its continuation
beyond the walk against the recommendation's formulas computed by hand, and coverage maps whose loss grows
continuously and monotonically around a corner and deep down a side street."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from plugins.coverage import CoverageConfig, Obstruction, Transmitters
from plugins.coverage.corner import corner_excess_db, walk
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.kernel import model_terms, street_canyon_db
from plugins.coverage.pathloss import umi_los_db, umi_nlos_db


def _graph(walkable: np.ndarray, res: float) -> coo_matrix:
    """The 16-neighbour moves written out plainly: a move needs its target and the cells it brushes past open."""
    rows, cols = walkable.shape
    moves = [(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1),
             (1, 2), (2, 1), (-1, 2), (-2, 1), (1, -2), (2, -1), (-1, -2), (-2, -1)]

    def open_(i: int, j: int) -> bool:
        return 0 <= i < rows and 0 <= j < cols and bool(walkable[i, j])

    a, b, w = [], [], []
    for i in range(rows):
        for j in range(cols):
            if not walkable[i, j]:
                continue
            for dr, dc in moves:
                if not open_(i + dr, j + dc):
                    continue
                if abs(dr) == 1 and abs(dc) == 1:
                    beside = [(i + dr, j), (i, j + dc)]
                elif abs(dr) == 2:
                    beside = [(i + dr // 2, j), (i + dr // 2, j + dc)]
                elif abs(dc) == 2:
                    beside = [(i, j + dc // 2), (i + dr, j + dc // 2)]
                else:
                    beside = []
                if all(open_(*c) for c in beside):
                    a.append(i * cols + j)
                    b.append((i + dr) * cols + j + dc)
                    w.append(res * math.hypot(dr, dc))
    return coo_matrix((w, (a, b)), shape=(rows * cols, rows * cols))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_walking_distance_matches_a_brute_force_dijkstra(seed):
    rng = np.random.default_rng(seed)
    walkable = rng.random((18, 23)) > 0.3
    source_dc = np.where(rng.random(walkable.shape) < 0.04, rng.uniform(10, 300, walkable.shape), np.nan)
    res = 2.0
    s, d_c = walk(walkable, source_dc, res, math.inf)
    sources = np.flatnonzero(walkable.ravel() & np.isfinite(source_dc.ravel()))
    assert sources.size > 2
    every = dijkstra(_graph(walkable, res).tocsr(), indices=sources)  # one row per source
    nearest = every.min(axis=0)
    np.testing.assert_allclose(s.ravel(), nearest, rtol=1e-12)
    # the corner distance carried is that of a nearest source (the one nearer the antenna on a tie)
    reached = np.isfinite(nearest)
    tied = np.isclose(every, nearest[None], rtol=1e-12) & reached[None]
    expected = np.where(tied, source_dc.ravel()[sources][:, None], np.inf).min(axis=0)
    np.testing.assert_allclose(d_c.ravel()[reached], expected[reached])
    assert np.isnan(d_c.ravel()[~reached]).all()


def test_walking_distance_stops_at_the_limit_and_is_near_euclidean_in_the_open():
    walkable = np.ones((61, 61), bool)
    source = np.full(walkable.shape, np.nan)
    source[30, 30] = 50.0
    s, _ = walk(walkable, source, 1.0, math.inf)
    ii, jj = np.indices(walkable.shape)
    euclid = np.hypot(ii - 30, jj - 30)
    ratio = s[euclid > 0] / euclid[euclid > 0]
    assert ratio.min() >= 1.0 - 1e-12 and ratio.max() <= 1.028
    limited, _ = walk(walkable, source, 1.0, 12.0)
    assert np.isinf(limited[euclid > 12.1 * 1.03]).all()
    np.testing.assert_array_equal(limited[s <= 12.0], s[s <= 12.0])


def test_a_wall_makes_the_walk_go_round():
    walkable = np.ones((9, 9), bool)
    walkable[0:7, 4] = False  # a wall down the middle, open only in the bottom two rows
    source = np.full(walkable.shape, np.nan)
    source[0, 0] = 100.0
    s, d_c = walk(walkable, source, 1.0, math.inf)
    # (0, 8) lies behind the wall: down 7 rows, across and back up; the 16-neighbour walk is within 3 % of the
    # shortest Euclidean path around the wall's end: from (0,0) to the corner (7,3.5)... here by cell centres
    around = 2 * math.hypot(7, 3.5) + 1.0
    assert around <= s[0, 8] <= around * 1.03 + 1.0
    assert d_c[0, 8] == 100.0
    assert s[0, 3] == pytest.approx(3.0)


def test_corner_loss_is_p1411_by_hand():
    # ITU-R P.1411 §4.1.3.2, urban: L_corner = 20 dB, d_corner = 30 m, β = 6; s = x2 − w1/2, d_c = x1 + w1/2
    assert corner_excess_db(0.5, 80.0, 20.0, 30.0, 6.0) == 0.0                      # still in the lit street
    assert corner_excess_db(10.0, 80.0, 20.0, 30.0, 6.0) == pytest.approx(20.0 / 1.4913617 * 1.0, abs=1e-5)
    assert corner_excess_db(31.0, 80.0, 20.0, 30.0, 6.0) == pytest.approx(20.0, abs=1e-9)
    # beyond the corner region: L_corner + 10·β·log10((x1 + x2) / (x1 + w1/2 + d_corner))
    assert corner_excess_db(70.0, 100.0, 20.0, 30.0, 6.0) == pytest.approx(20.0 + 60.0 * 0.1165056, abs=1e-5)
    # residential corner loss and a chamfered β enter as given
    assert corner_excess_db(70.0, 100.0, 30.0, 30.0, 4.2) == pytest.approx(30.0 + 42.0 * 0.1165056, abs=1e-5)
    # where the corner region ends the recommendation steps by 10·β·log10((d_c + 1 + d_corner)/(d_c + d_corner))
    inside = corner_excess_db(31.0, 50.0, 20.0, 30.0, 6.0)
    step = corner_excess_db(31.0 + 1e-9, 50.0, 20.0, 30.0, 6.0) - inside
    assert step == pytest.approx(60.0 * math.log10(81.0 / 80.0), abs=1e-6) and step < 0.5


def test_street_canyon_loss_is_p1411_by_hand():
    config = CoverageConfig(model="umi", max_radius_m=400.0, eirp_dbm=43.0)
    fc = config.frequency_mhz / 1000.0
    tx = Transmitters.from_arrays([0.0], [0.0], 10.0, config).table(config)[0]
    terms = model_terms(100.0, False, fc)
    dz = 10.0 - 1.5
    # walked 40 m centre to centre on 5 m cells: x2 − w1/2 = 37.5 m down the side street, corner 80 m away
    want = umi_los_db(80.0, 10.0, 1.5, fc) + 20.0 + 60.0 * math.log10((80.0 + 37.5) / (80.0 + 30.0))
    assert street_canyon_db(tx, 40.0, 80.0, 95.0, dz, 5.0, 100.0, terms) == pytest.approx(want, abs=1e-9)
    # the site-specific loss replaces the statistical one even where it is the higher (no fallback): here 5 dB
    steep = street_canyon_db(tx, 47.5, 30.0, 54.0, dz, 5.0, 100.0, terms)
    assert steep == pytest.approx(umi_los_db(30.0, 10.0, 1.5, fc) + 20.0 + 60.0 * math.log10(75.0 / 60.0), abs=1e-9)
    assert steep > umi_nlos_db(54.0, 10.0, 1.5, fc) + 4.0
    # not reached within the reach the walk looked: x2 = reach with the cell's own distance as x1, a lower bound,
    # so P.1411 stands where it is the higher (100 m walked, 150 m away) and the statistical median elsewhere
    # (48 m walked on 2 m cells, 300 m away)
    for d, res, reach, p1411_wins in ((150.0, 5.0, 100.0, True), (300.0, 2.0, 48.0, False)):
        bound = umi_los_db(d, 10.0, 1.5, fc) + 20.0 + 60.0 * math.log10((d + reach) / (d + 30.0))
        stat = umi_nlos_db(d, 10.0, 1.5, fc)
        got = street_canyon_db(tx, math.inf, math.nan, d, dz, res, reach, terms)
        assert got == pytest.approx(max(stat, bound), abs=1e-9)
        assert (bound > stat + 5.0) if p1411_wins else (bound < stat - 1.0)


def _corner_scene(corner_reach_m: float, antenna_x: float = -80.0, res: float = 2.0, street_turns: bool = False):
    """A street along y = 0..20 (x from -100 to 200) lit by an antenna on it at ``antenna_x``, and a side street
    x = 100..120 running north; blocks of 25 m high buildings everywhere else (2 m cells; coverage on
    ``res``; Berg's paths with ``street_turns``)."""
    size = 300
    heights = np.full((size // 2, size // 2), 25.0, np.float32)  # x -100..200, y 250..-50 (top row y = 250)
    xs = -100 + (np.arange(size // 2) + 0.5) * 2.0
    ys = 250 - (np.arange(size // 2) + 0.5) * 2.0
    street = (ys[:, None] > 0) & (ys[:, None] < 20) & (xs[None] > -100)
    side = (xs[None] > 100) & (xs[None] < 120) & (ys[:, None] > 0)
    heights[street | side] = 0.0
    obstruction = Obstruction(heights, -100.0, 250.0, 2.0)
    config = CoverageConfig(model="umi", max_radius_m=400.0, eirp_dbm=43.0, corner_reach_m=corner_reach_m,
                            reflections=False, street_turns=street_turns)
    cells = Transmitters.from_arrays([antenna_x], [10.0], 10.0, config)
    grid = Grid.covering((-100.0, -50.0, 200.0, 250.0), res)
    result = compute_coverage(cells, config, obstruction, grid, workers=1, tile_cells=32)
    return result, grid


def test_loss_grows_continuously_around_a_corner():
    result, grid = _corner_scene(100.0)
    xs, ys = grid.centres()
    column = int(np.argmin(np.abs(xs - 110.0)))  # up the middle of the side street
    lane = [int(r) for r in np.flatnonzero((ys > 0) & (ys < 200))[::-1]]  # from the crossing northwards
    profile = result.rsrp[lane, column]
    assert np.isfinite(profile).all()
    steps = np.abs(np.diff(profile))
    # no jump: the steepest step is P.1411's own log rise from s = 1 to 3 m, 20/log10(31)·log10(3) = 6.4 dB
    assert steps.max() < 20.0 / math.log10(31.0) * math.log10(3.0) + 0.1
    assert profile[0] - profile[-1] > 20.0  # yet it does fall off up the side street
    # without the corner term the first shadowed cells jump to the statistical NLOS formula
    plain, _ = _corner_scene(0.0)
    assert np.abs(np.diff(plain.rsrp[lane, column])).max() > 12.0
    # the loss never falls with the walk (0.01 dB: the antenna's vertical pattern as the elevation flattens)
    assert np.diff(profile).max() < 0.01
    # beyond the 48 m the walk looks on this grid (24 cells) the statistical loss stands where it is the higher:
    # both maps agree at the far end, and deep in the block the corner term is never the more optimistic
    assert profile[-1] == pytest.approx(plain.rsrp[lane, column][-1], abs=1e-4)
    ys_lane = ys[lane]
    assert (profile[ys_lane > 48.0 + 20.0] <= plain.rsrp[lane, column][ys_lane > 48.0 + 20.0] + 1e-4).all()


def test_deep_down_a_side_street_the_loss_keeps_growing_past_the_statistical_formula():
    # antenna 20 m from the crossing, 5 m grid: the walk looks 100 m up the side street, then the continuation
    result, grid = _corner_scene(100.0, antenna_x=90.0, res=5.0)
    plain, _ = _corner_scene(0.0, antenna_x=90.0, res=5.0)
    xs, ys = grid.centres()
    column = int(np.argmin(np.abs(xs - 110.0)))
    lane = [int(r) for r in np.flatnonzero((ys > 20) & (ys < 250))[::-1]]
    profile, stat = result.rsrp[lane, column], plain.rsrp[lane, column]
    assert np.isfinite(profile).all()
    # continuous (no step above P.1411's own steepest, 6.4 dB) and monotone, across the walk's end at y ≈ 120 m
    assert np.abs(np.diff(profile)).max() < 20.0 / math.log10(31.0) * math.log10(3.0) + 0.1
    assert np.diff(profile).max() < 0.01
    # deep in the block P.1411 keeps attenuating past 38.901's median: 2-7 dB below it from 150 to 250 m
    deep = ys[lane] > 150.0
    assert (profile[deep] < stat[deep] - 2.0).all() and (profile[deep] < stat[deep] - 5.0).any()
