"""Corner diffraction (``diffraction``): the UTD wedge coefficient against the exact Kouyoumjian-Pathak transition
function (scipy's Fresnel integrals) and the shadow-boundary property (the diffracted wave is half the incident
one there, -6 dB), the field behind one building against the diffracted power of its two lit corners worked out
by hand, and on a map: where no reflection reaches, within the walk and beyond it, the diffraction replaces
P.1411's loss."""

from __future__ import annotations

import cmath
import math

import numpy as np
from scipy.special import fresnel

from plugins.coverage import CoverageConfig, Obstruction, Transmitters, bounces, diffraction
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.pathloss import umi_los_db
from plugins.coverage.reflections import facades_of, permittivity
from plugins.coverage.turns import lattice
from tests.coverage.scenes import omni_gain_db

FC_HZ = 3.5e9
K = 2 * math.pi * FC_HZ / 299_792_458.0
RX_H = 1.5
CONFIG = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=400.0)


def _transition(x: float) -> complex:
    """Kouyoumjian-Pathak F(X) = 2j·√X·e^(jX)·∫_√X^∞ e^(-jτ²) dτ, from the Fresnel integrals."""
    u = math.sqrt(2 * x / math.pi)
    s, c = fresnel(u)
    tail = math.sqrt(math.pi / 2) * complex(0.5 - c, -(0.5 - s))
    return 2j * math.sqrt(x) * cmath.exp(1j * x) * tail


def _wedge_power(phi: float, phi_in: float, n: float, length: float) -> float:
    """|D|² with the exact transition function, the four terms summed in power."""
    total = 0.0
    for beta in (phi - phi_in, phi + phi_in):
        for sign in (1.0, -1.0):
            turns = round((beta + sign * math.pi) / (2 * math.pi * n))
            a = 2 * math.cos((2 * n * math.pi * turns - beta) / 2) ** 2
            total += abs(1 / math.tan((math.pi + sign * beta) / (2 * n)) * _transition(K * length * a)) ** 2
    return total / ((2 * n) ** 2 * 2 * math.pi * K)


def test_the_wedge_coefficient_halves_the_wave_at_the_shadow_boundary_and_follows_the_exact_transition():
    for n in (1.5, 2.0):
        for phi_in in (0.3, 0.8):
            boundary = math.pi + phi_in
            ratio = diffraction.wedge_power(boundary + 1e-7, phi_in, n, 50.0, K) / 50.0
            assert abs(10 * math.log10(ratio) + 6.02) < 0.05   # |E_d| = |E_i| / 2 on the boundary
            for phi in (boundary - 0.2, boundary + 0.02, boundary + 0.1, boundary + 0.5, n * math.pi - 0.05):
                ours = diffraction.wedge_power(phi, phi_in, n, 50.0, K)
                assert abs(10 * math.log10(ours / _wedge_power(phi, phi_in, n, 50.0))) < 1.0


def test_round_one_corner_the_field_is_the_diffracted_power_worked_out_by_hand():
    # a 100 m square building 20 m high (x, y 0..100); the antenna at (-40, 50) lights its west face, and cells
    # south of the building out of its sight are reached round the south-west corner (0, 0) only
    heights = np.zeros((150, 150), np.float32)
    heights[50:100, 50:100] = 20.0                     # a 2 m grid from (-100, 200)
    walls = facades_of(Obstruction(heights, -100.0, 200.0, 2.0), bounces.MIN_FACADE_M)
    wedges = diffraction.wedges_of(walls.table)
    assert len(wedges) == 4
    row = Transmitters.from_arrays([-40.0], [50.0], 8.0, CONFIG).table(CONFIG)[0]
    box = lattice(row[0], row[1], 300.0, 0.0, 0.0, 5.0, bounces.MIN_NODE_M, bounces.MAX_RADIUS_M)
    eta = permittivity(3.5)
    gains = diffraction.field(row, *box, 600.0, 65.0, walls.table, walls.start, walls.items, walls.index, wedges,
                              diffraction.INCIDENT_RAYS, diffraction.FAN, bounces.MAX_ORDER, eta.real, eta.imag,
                              FC_HZ, 8.0 - RX_H)
    fx0, fy0, fres = box[:3]
    l_w = math.hypot(40.0, 50.0)
    # angles from the west face, turning from north towards the west (into the open space): 0..1.5π
    phi_in = math.atan2(40.0, 50.0)
    for x, y in ((40.0, -30.0), (80.0, -30.0), (120.0, -30.0), (100.0, -60.0), (150.0, -20.0), (150.0, -60.0)):
        i, j = int((fy0 - y) // fres), int((x - fx0) // fres)
        cx, cy = fx0 + (j + 0.5) * fres, fy0 - (i + 0.5) * fres
        s = math.hypot(cx, cy)
        phi = (math.atan2(cy, cx) - math.pi / 2) % (2 * math.pi)
        assert phi > math.pi + phi_in + 0.17            # at least 10° into the shadow
        spread = _wedge_power(phi, phi_in, 1.5, 0.5 * l_w) * (l_w + s) / (l_w * s)
        expected = 10 ** ((omni_gain_db(l_w + s, 8.0 - RX_H) - umi_los_db(l_w + s, 8.0, RX_H, 3.5)) / 10) * spread
        assert abs(10 * math.log10(gains[i, j] / expected)) < 1.0
    assert gains[int((fy0 - 50.0) // fres), int((50.0 - fx0) // fres)] == 0.0     # nothing inside the building


def _yard_scene() -> Obstruction:
    """A street along y = 0 lit by the antenna, a side street north at x = 100 bending east at y = 150 into a
    lane that runs 390 m on, between 20 m blocks (2 m grid from (-100, 300))."""
    heights = np.full((300, 300), 20.0, np.float32)
    heights[140:160, :] = 0.0                          # the lit street, y -20..20
    heights[60:145, 95:105] = 0.0                      # side street north, x 90..110, y 10..180
    heights[60:75, 95:300] = 0.0                       # lane east, y 150..180, x 90..500
    return Obstruction(heights, -100.0, 300.0, 2.0)


def test_where_no_reflection_reaches_the_corner_diffraction_replaces_the_street_canyon_loss():
    obstruction = _yard_scene()
    on = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=400.0)
    off = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=400.0, corner_diffraction=False)
    cells = Transmitters.from_arrays([0.0], [0.0], [8.0], on)
    grid = Grid.covering((-95.0, -5.0, 495.0, 295.0), 5.0)
    with_it = compute_coverage(cells, on, obstruction, grid, workers=1).rsrp
    without = compute_coverage(cells, off, obstruction, grid, workers=1).rsrp
    tiled = compute_coverage(cells, on, _yard_scene(), grid, workers=2, tile_cells=16).rsrp
    np.testing.assert_array_equal(with_it, tiled)
    served = np.isfinite(without)
    assert np.isfinite(with_it[served]).all()
    change = np.where(served, with_it - without, 0.0)
    _, ys = grid.centres()
    added, replaced = np.nonzero(change > 0.5)[0], np.nonzero(change < -0.5)[0]
    # round the corners it adds power; up the side street (in sight up to y = 24 m) and round the bend, where no
    # reflected path arrives, it replaces P.1411's loss with less: within its 120 m walk and beyond it
    assert added.size and replaced.size
    assert (ys[replaced] > 24.0).all()
    assert (ys[replaced] < 140.0).any() and (ys[replaced] > 140.0).any()
