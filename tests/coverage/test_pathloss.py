"""Path loss against hand computations from the TR 38.901 Table 7.4.1-1 formulas (not from the code under test).

Each expected value is written out from the formula with its numbers, and checked against the value it gives
(computed once with a calculator) so a slip in the hand formula shows up too.
"""

from __future__ import annotations

import math

import pytest

from plugins.coverage.pathloss import (
    FREE_SPACE,
    UMA,
    UMI,
    breakpoint_m,
    free_space_db,
    path_loss_db,
    uma_los_db,
    uma_nlos_db,
    umi_los_db,
    umi_nlos_db,
    wall_loss_db,
)

C = 299_792_458.0


def test_free_space_at_100_m_and_3_5_ghz():
    # FSPL = 20·log10(4π·d·f/c) = 20·log10(4π · 100 m · 3.5e9 Hz / 299 792 458 m/s)
    expected = 20 * math.log10(4 * math.pi * 100 * 3.5e9 / C)
    assert expected == pytest.approx(83.329, abs=1e-3)
    assert free_space_db(100.0, 3.5) == pytest.approx(expected, abs=0.01)


def test_free_space_uses_the_3d_distance_for_a_link():
    # 10 m mast, 1.5 m receiver, 100 m apart: d3D = sqrt(100² + 8.5²) = 100.3606 m
    d3d = math.sqrt(100**2 + 8.5**2)
    expected = 20 * math.log10(4 * math.pi * d3d * 3.5e9 / C)
    assert expected == pytest.approx(83.360, abs=1e-3)
    assert path_loss_db(FREE_SPACE, False, 100.0, 10.0, 1.5, 3.5) == pytest.approx(expected, abs=0.01)


def test_free_space_grows_6_db_per_doubling_of_distance():
    assert free_space_db(400.0, 3.5) - free_space_db(200.0, 3.5) == pytest.approx(20 * math.log10(2), abs=1e-9)


def test_umi_breakpoint_distance():
    # d'BP = 4·(hBS - 1)·(hUT - 1)·fc/c = 4 · 9 · 0.5 · 3.5e9 / c = 210.145 m
    assert breakpoint_m(10.0, 1.5, 3.5) == pytest.approx(4 * 9 * 0.5 * 3.5e9 / C, rel=1e-12)
    assert breakpoint_m(10.0, 1.5, 3.5) == pytest.approx(210.145, abs=1e-3)


def test_umi_los_before_the_breakpoint():
    # PL1 = 32.4 + 21·log10(d3D) + 20·log10(fc), d3D = sqrt(100² + 8.5²)
    d3d = math.sqrt(100**2 + 8.5**2)
    expected = 32.4 + 21 * math.log10(d3d) + 20 * math.log10(3.5)
    assert expected == pytest.approx(85.314, abs=1e-3)
    assert umi_los_db(100.0, 10.0, 1.5, 3.5) == pytest.approx(expected, abs=0.01)


def test_umi_los_beyond_the_breakpoint():
    # PL2 = 32.4 + 40·log10(d3D) + 20·log10(fc) - 9.5·log10(d'BP² + (hBS - hUT)²), d = 300 m > d'BP = 210.1 m
    d3d = math.sqrt(300**2 + 8.5**2)
    d_bp = 4 * 9 * 0.5 * 3.5e9 / C
    expected = 32.4 + 40 * math.log10(d3d) + 20 * math.log10(3.5) - 9.5 * math.log10(d_bp**2 + 8.5**2)
    assert expected == pytest.approx(98.239, abs=1e-3)
    assert umi_los_db(300.0, 10.0, 1.5, 3.5) == pytest.approx(expected, abs=0.01)


def test_umi_nlos_is_the_larger_of_los_and_nlos_formulas():
    # PL'NLOS = 35.3·log10(d3D) + 22.4 + 21.3·log10(fc) - 0.3·(hUT - 1.5) = 104.644 dB > PL_LOS = 85.314 dB
    d3d = math.sqrt(100**2 + 8.5**2)
    nlos = 35.3 * math.log10(d3d) + 22.4 + 21.3 * math.log10(3.5) - 0.3 * (1.5 - 1.5)
    assert nlos == pytest.approx(104.644, abs=1e-3)
    assert umi_nlos_db(100.0, 10.0, 1.5, 3.5) == pytest.approx(max(nlos, 85.314), abs=0.01)
    # Close in, the LOS formula can be the larger one: at 10 m, 26 GHz the max picks whichever is bigger.
    d3d = math.sqrt(10**2 + 8.5**2)
    los = 32.4 + 21 * math.log10(d3d) + 20 * math.log10(26)
    nlos = 35.3 * math.log10(d3d) + 22.4 + 21.3 * math.log10(26)
    assert umi_nlos_db(10.0, 10.0, 1.5, 26.0) == pytest.approx(max(los, nlos), abs=0.01)


def test_umi_at_26_ghz():
    # fc = 26 GHz: d'BP = 4·9·0.5·26e9/c = 1561.1 m, so 50 m is PL1: 32.4 + 21·log10(50.717) + 20·log10(26)
    d3d = math.sqrt(50**2 + 8.5**2)
    expected = 32.4 + 21 * math.log10(d3d) + 20 * math.log10(26)
    assert expected == pytest.approx(96.508, abs=1e-3)
    assert path_loss_db(UMI, True, 50.0, 10.0, 1.5, 26.0) == pytest.approx(expected, abs=0.01)


def test_uma_los_nlos_and_breakpoint():
    # hBS = 25 m: d'BP = 4 · 24 · 0.5 · 3.5e9 / c = 560.388 m
    d_bp = 4 * 24 * 0.5 * 3.5e9 / C
    assert breakpoint_m(25.0, 1.5, 3.5) == pytest.approx(560.388, abs=1e-3)
    # 200 m: PL1 = 28.0 + 22·log10(d3D) + 20·log10(fc), d3D = sqrt(200² + 23.5²)
    d3d = math.sqrt(200**2 + 23.5**2)
    pl1 = 28.0 + 22 * math.log10(d3d) + 20 * math.log10(3.5)
    assert pl1 == pytest.approx(89.570, abs=1e-3)
    assert uma_los_db(200.0, 25.0, 1.5, 3.5) == pytest.approx(pl1, abs=0.01)
    # NLOS: 13.54 + 39.08·log10(d3D) + 20·log10(fc) - 0.6·(hUT - 1.5) = 114.462 dB
    nlos = 13.54 + 39.08 * math.log10(d3d) + 20 * math.log10(3.5)
    assert nlos == pytest.approx(114.462, abs=1e-3)
    assert uma_nlos_db(200.0, 25.0, 1.5, 3.5) == pytest.approx(max(pl1, nlos), abs=0.01)
    # 800 m: PL2 = 28.0 + 40·log10(d3D) + 20·log10(fc) - 9·log10(d'BP² + (hBS - hUT)²)
    d3d = math.sqrt(800**2 + 23.5**2)
    pl2 = 28.0 + 40 * math.log10(d3d) + 20 * math.log10(3.5) - 9 * math.log10(d_bp**2 + 23.5**2)
    assert pl2 == pytest.approx(105.533, abs=1e-3)
    assert path_loss_db(UMA, True, 800.0, 25.0, 1.5, 3.5) == pytest.approx(pl2, abs=0.01)


def test_losses_are_held_at_their_10_m_value_closer_in():
    assert umi_los_db(3.0, 10.0, 1.5, 3.5) == umi_los_db(10.0, 10.0, 1.5, 3.5)
    assert uma_nlos_db(0.0, 25.0, 1.5, 3.5) == uma_nlos_db(10.0, 25.0, 1.5, 3.5)


def test_o2i_wall_losses():
    # Table 7.4.3-2 at 3.5 GHz: L_glass = 2 + 0.2·3.5 = 2.7 dB, L_IIRglass = 23 + 0.3·3.5 = 24.05 dB,
    # L_concrete = 5 + 4·3.5 = 19 dB
    low = 5 - 10 * math.log10(0.3 * 10 ** (-2.7 / 10) + 0.7 * 10 ** (-19 / 10))
    high = 5 - 10 * math.log10(0.7 * 10 ** (-24.05 / 10) + 0.3 * 10 ** (-19 / 10))
    assert (low, high) == pytest.approx((12.698, 26.850), abs=1e-3)
    assert wall_loss_db("low", 3.5) == pytest.approx(low, abs=0.01)
    assert wall_loss_db("high", 3.5) == pytest.approx(high, abs=0.01)
    assert wall_loss_db("none", 3.5) == 0.0


def test_the_kernels_coefficient_form_equals_the_formulas():
    """The kernels evaluate A + B·log10(d3D) per transmitter; it must equal the formula functions above."""
    import numpy as np

    rng = np.random.default_rng(0)
    formulas = {(UMI, True): umi_los_db, (UMI, False): umi_nlos_db, (UMA, True): uma_los_db,
                (UMA, False): uma_nlos_db}
    for _ in range(500):
        d2d, h_bs, h_ut = rng.uniform(0, 2000), rng.uniform(3, 60), rng.uniform(1.5, 22.5)
        fc = rng.choice([0.7, 2.6, 3.5, 4.9, 26.0, 60.0])
        for (model, los), formula in formulas.items():
            assert path_loss_db(model, los, d2d, h_bs, h_ut, fc) == pytest.approx(formula(d2d, h_bs, h_ut, fc),
                                                                                  abs=1e-9)
        d3d = math.hypot(d2d, h_bs - h_ut)
        assert path_loss_db(FREE_SPACE, False, d2d, h_bs, h_ut, fc) == pytest.approx(free_space_db(d3d, fc), abs=1e-9)
