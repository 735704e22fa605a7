"""Interference beyond the serving radius, against a brute-force sum over the pair API, and co-channel sets."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.layer import VectorLayer
from plugins.coverage.config import CoverageConfig
from plugins.coverage.diagnostics import diagnose
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.interference import (
    BELOW_NOISE_DB,
    far_links,
    interference_plan,
    interference_radius_m,
)
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.pairs import rsrp_at_points
from plugins.coverage.pathloss import UMI, path_loss_db
from plugins.coverage.transmitters import Transmitters
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y

SIZE, RES, SERVING = 1000.0, 5.0, 200.0


def _city(size: float) -> Obstruction:
    """Blocks of 60 m with random heights between 20 m streets, on a 2 m grid."""
    rng = np.random.default_rng(3)
    n = int(size / 2.0)
    heights = np.zeros((n, n), np.float32)
    for r0 in range(10, n, 40):
        for c0 in range(10, n, 40):
            heights[r0:r0 + 30, c0:c0 + 30] = rng.uniform(8.0, 40.0)
    return Obstruction(heights, 0.0, size, 2.0)


def _street_cells(config: CoverageConfig, count: int) -> Transmitters:
    rng = np.random.default_rng(11)
    along = rng.uniform(0.0, SIZE, count)
    line = rng.integers(0, int(SIZE // 80.0), count) * 80.0 + 10.0
    vertical = rng.random(count) < 0.5
    return Transmitters.from_arrays(np.where(vertical, line, along), np.where(vertical, along, line), 10.0, config)


def _reference_sinr(cells, config, obstruction, grid, radius_m):
    """Per grid cell: best RSRP within the serving radius over every cell in reach of the pair API, and the SINR
    against the sum of every cell within its interference radius (an independent brute force)."""
    xs, ys = grid.centres()
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    tx, pt, rsrp = rsrp_at_points(cells, points, config, obstruction, float(radius_m.max()) + 1.0)
    d = np.hypot(points[pt, 0] - cells.x[tx], points[pt, 1] - cells.y[tx])
    mw = np.where(d <= radius_m[tx], 10.0 ** (rsrp / 10.0), 0.0)
    total = np.bincount(pt, mw, minlength=len(points))
    serving = np.where(d <= config.max_radius_m, rsrp, -np.inf)
    best = np.full(len(points), -np.inf)
    np.maximum.at(best, pt, serving)
    noise = 10.0 ** (config.noise_re_dbm / 10.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sinr = 10.0 * np.log10(10.0 ** (best / 10.0) / (total - 10.0 ** (best / 10.0) + noise))
    return np.where(np.isfinite(best), sinr, np.nan).reshape(grid.rows, grid.cols)


def test_derived_radius_is_where_the_los_signal_falls_ten_db_below_the_noise():
    config = CoverageConfig(eirp_dbm=43.0, max_radius_m=400.0)
    cells = Transmitters.from_arrays([0.0], [0.0], 10.0, config)
    radius = float(interference_radius_m(cells, config)[0])
    received = 43.0 - config.re_offset_db - path_loss_db(UMI, True, radius, 10.0, 1.5, 3.5)
    assert received == pytest.approx(config.noise_re_dbm - BELOW_NOISE_DB, abs=0.05)
    assert 2500.0 < radius < 3500.0  # UMi LOS beyond the breakpoint at 3.5 GHz, 43 dBm


def test_sinr_with_the_derived_radius_matches_a_brute_force_long_radius_run_and_the_serving_radius_does_not():
    # the pair API has no street-corner term nor multi-bounce field (they need the cells around a receiver):
    # compare without them
    config = CoverageConfig(eirp_dbm=43.0, max_radius_m=SERVING, corner_reach_m=0.0, multi_bounce=False)
    obstruction = _city(SIZE)
    cells = _street_cells(config, 24)
    grid = Grid.covering((0.0, 0.0, SIZE, SIZE), RES)
    plan = interference_plan(cells, config, grid)   # LOS reach cut by the work ratio, 20 m blocks
    reach = interference_radius_m(cells, config)
    assert plan.step == 4 and reach.min() > SIZE * 1.5 and SERVING < plan.radius_m.max() < reach.min()
    reference = _reference_sinr(cells, config, obstruction, grid, reach)   # the whole scene interferes
    exact = compute_coverage(cells, config, obstruction, grid, interference=replace(plan, step=1, radius_m=reach),
                             workers=2)
    approximate = compute_coverage(cells, config, obstruction, grid, interference=plan, workers=2)
    serving_only = compute_coverage(cells, config, obstruction, grid, workers=2)
    served = np.isfinite(reference)
    assert np.array_equal(served, np.isfinite(approximate.sinr)) and served.mean() > 0.8
    np.testing.assert_allclose(exact.sinr[served], reference[served], atol=0.01)   # LOS walked per cell
    error = np.abs(approximate.sinr[served] - reference[served])
    assert np.mean(error <= 0.5) >= 0.95
    overstated = serving_only.sinr[served] - reference[served]
    assert np.mean(np.abs(overstated) <= 0.5) < 0.6 and np.median(overstated) > 1.0


def test_a_single_cell_has_sinr_equal_to_its_snr_and_is_called_noise_limited():
    config = CoverageConfig(eirp_dbm=43.0, max_radius_m=300.0)
    cells = Transmitters.from_arrays([500.0], [500.0], 10.0, config)
    grid = Grid.covering((0.0, 0.0, SIZE, SIZE), 10.0)
    result = compute_coverage(cells, config, _city(SIZE), grid, interference=interference_plan(cells, config, grid),
                              workers=1)
    served = np.isfinite(result.sinr)
    np.testing.assert_allclose(result.sinr[served], result.rsrp[served] - config.noise_re_dbm, atol=1e-3)
    _, notes = diagnose(result)
    assert any("single cell" in n and "signal-to-noise" in n for n in notes)
    assert not any("co-channel cells" in n or "worst case" in n for n in notes)


def _sites(operators: list[str] | None) -> VectorLayer:
    points = [shapely.Point(ORIGIN_X + 100.0, ORIGIN_Y), shapely.Point(ORIGIN_X + 250.0, ORIGIN_Y)]
    data = {"site_id": ["A1", "B1"], "height_m": [25.0, 25.0], "band_mhz": [3500.0, 3500.0], "azimuths": ["", ""]}
    if operators is not None:
        data["operator"] = operators
    return VectorLayer(gpd.GeoDataFrame(data, geometry=points, crs=CRS), "sites", kind="sites_5g")


@pytest.mark.parametrize("operators, interfere", [(["CMCC", "CT"], False), (["CMCC", "CMCC"], True),
                                                  (None, True)])
def test_two_operators_on_different_sets_do_not_interfere(operators, interfere):
    config = CoverageConfig(eirp_dbm=58.0, max_radius_m=400.0)
    layer = _sites(operators)
    cells = Transmitters.from_layer(layer, config)
    grid = Grid.covering((ORIGIN_X - 100.0, ORIGIN_Y - 200.0, ORIGIN_X + 450.0, ORIGIN_Y + 200.0), 10.0, CRS)
    plan = interference_plan(cells, config, grid, layer=layer)
    assert plan.sets == (2 if operators == ["CMCC", "CT"] else 1)
    result = compute_coverage(cells, config, Obstruction.none(CRS), grid, interference=plan, workers=1)
    served = np.isfinite(result.sinr)
    snr = result.rsrp[served] - config.noise_re_dbm
    if interfere:
        assert np.all(result.sinr[served] < snr - 1.0)  # the other site is well above the noise everywhere here
    else:
        np.testing.assert_allclose(result.sinr[served], snr, atol=1e-3)
        _, notes = diagnose(result)
        assert any("alone in their co-channel sets" in n for n in notes)


def test_a_work_cap_shortens_the_radius_to_fit():
    config = CoverageConfig(eirp_dbm=43.0, max_radius_m=100.0)
    cells = _street_cells(config, 10)
    grid = Grid.covering((0.0, 0.0, SIZE, SIZE), RES)
    full = interference_plan(cells, config, grid)
    limit = 0.5 * far_links(cells, grid, full.radius_m, config.max_radius_m)
    capped = interference_plan(cells, config, grid, max_far_links=limit)
    assert capped.capped_m is not None and config.max_radius_m < capped.capped_m < full.radius_m.max()
    assert far_links(cells, grid, capped.radius_m, config.max_radius_m) <= limit
