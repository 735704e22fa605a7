"""What a coverage run tells its reader beside the shares: SINR at full load against a brute-force hand
computation, the maximum radius cutting the map, building data that does not cover the grid, and sites left out."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from layers import RasterLayer, VectorLayer
from plugins.api import Context
from plugins.coverage import CoverageConfig, Transmitters
from plugins.coverage.diagnostics import diagnose
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y

C = 299_792_458.0


def _hand_rsrp(config: CoverageConfig, eirp: float, h_tx: float, d2d: np.ndarray) -> np.ndarray:
    """Free space with the 3GPP vertical element pattern (omni, no tilt), per resource element, by hand."""
    d3d = np.maximum(np.hypot(d2d, h_tx - config.rx_height_m), 1.0)
    loss = 20 * np.log10(4 * math.pi * d3d * config.frequency_mhz * 1e6 / C)
    depression = np.degrees(np.arctan2(h_tx - config.rx_height_m, np.maximum(d2d, 1e-9)))
    pattern = -np.minimum(12 * (depression / 65.0) ** 2, 30.0)
    return eirp - 10 * math.log10(12 * 273) + pattern - loss


def test_dense_co_channel_cells_give_the_hand_computed_low_sinr_and_say_why():
    # 16 omni cells 20 m apart on one carrier, all within reach of every receiver: interference-limited.
    config = CoverageConfig(model="free_space", eirp_dbm=40.0, max_radius_m=500.0)
    xs, ys = np.meshgrid(np.arange(4) * 20.0, np.arange(4) * 20.0)
    cells = Transmitters.from_arrays(xs.ravel(), ys.ravel(), 8.0, config)
    grid = Grid.covering((-30.0, -30.0, 90.0, 90.0), 5.0)
    result = compute_coverage(cells, config, None, grid, workers=1)
    figures, notes = diagnose(result)

    cx, cy = grid.centres()
    gx, gy = np.meshgrid(cx, cy)
    d = np.hypot(gx[..., None] - cells.x, gy[..., None] - cells.y)
    mw = 10 ** (_hand_rsrp(config, 40.0, 8.0, d) / 10)
    best = mw.max(axis=-1)
    noise = 10 ** ((-174 + 10 * math.log10(30e3) + 9.0) / 10)
    sinr = 10 * np.log10(best / (mw.sum(axis=-1) - best + noise))
    assert figures["sinr_median_db"] == pytest.approx(np.median(sinr), abs=0.01)
    assert figures["sinr_below_0db_pct"] == pytest.approx(100 * np.mean(sinr < 0), abs=0.01)
    assert figures["sinr_median_db"] < 0
    assert any("SINR at full load" in n and "16 cells" in n and "worst case" in n for n in notes)


def test_a_lone_cell_is_noise_limited_and_not_called_a_worst_case():
    config = CoverageConfig(model="free_space", eirp_dbm=40.0, max_radius_m=200.0)
    cells = Transmitters.from_arrays([0.0], [0.0], 10.0, config)
    result = compute_coverage(cells, config, None, Grid.covering((-100.0, -100.0, 100.0, 100.0), 10.0), workers=1)
    figures, notes = diagnose(result)
    assert figures["sinr_below_0db_pct"] == 0.0 and figures["sinr_median_db"] > 20
    assert not any("worst case" in n for n in notes)


@pytest.mark.parametrize("threshold, cut", [(-100.0, True), (-20.0, False)])
def test_the_run_says_when_the_maximum_radius_and_not_the_link_budget_ends_the_map(threshold, cut):
    # Free space at 150 m is far above -100 dBm: the radius cuts the service area; at -20 dBm it does not.
    config = CoverageConfig(model="free_space", eirp_dbm=40.0, max_radius_m=150.0, rsrp_threshold_dbm=threshold)
    cells = Transmitters.from_arrays([0.0], [0.0], 10.0, config)
    grid = Grid.covering((-200.0, -200.0, 200.0, 200.0), 5.0)
    result = compute_coverage(cells, config, None, grid, workers=1)
    figures, notes = diagnose(result)
    cx, cy = grid.centres()
    d = np.hypot(*np.meshgrid(cx, cy))
    ring = (d <= 150.0) & (d >= 150.0 - 10.0)  # the last 10 m (2 cells) inside the radius
    assert figures["radius_edge_best_rsrp_dbm"] == pytest.approx(_hand_rsrp(config, 40.0, 10.0, d[ring]).max(),
                                                                 abs=0.01)
    assert figures["radius_edge_covered_pct"] == (100.0 if cut else 0.0)
    assert any("maximum radius cuts the map" in n for n in notes) is cut


def _poles(n: int, spacing: float) -> VectorLayer:
    xs = ORIGIN_X + 50.0 + spacing * np.arange(n)
    frame = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(n)], "height_m": 10.0},
                             geometry=shapely.points(xs, np.full(n, ORIGIN_Y + 50.0)), crs=CRS)
    return VectorLayer(frame, "poles", kind="lamp_poles")


@pytest.mark.parametrize("raster_width_m, warned", [(80.0, True), (400.0, False)])
def test_building_data_smaller_than_the_grid_is_reported(raster_width_m, warned):
    # Grid: the pole +- 60 m, a 120 m square from x0 - 10 m; the raster starts there too and spans the grid's
    # height, so it covers min(width, 120) / 120 of it.
    surface = RasterLayer(np.zeros((70, int(raster_width_m / 2)), np.float32),
                          Affine(2, 0, ORIGIN_X - 10.0, 0, -2, ORIGIN_Y + 120.0), CRS, name="heights")
    reach = (ORIGIN_X - 10.0, ORIGIN_Y - 10.0, ORIGIN_X + 110.0, ORIGIN_Y + 110.0)  # asked for explicitly:
    run = run_algorithm("coverage.rsrp", {"transmitters": _poles(1, 0.0), "surface": surface, "max_radius": 60,
                                          "resolution": 5, "extent": reach}, Context(workers=1))
    assert run.summary["obstruction_cover_pct"] == pytest.approx(100.0 * min(raster_width_m, 120.0) / 120.0,
                                                                 abs=0.01)
    assert any("building heights cover only" in line for line in run.record["log"]) is warned


def test_default_extent_stops_at_the_edge_of_the_height_raster():
    """Past the raster every path would be line of sight: by default the map is not drawn there."""
    surface = RasterLayer(np.zeros((70, 40), np.float32), Affine(2, 0, ORIGIN_X - 10.0, 0, -2, ORIGIN_Y + 120.0),
                          CRS, name="heights")  # 80 m wide, the pole's reach is 120 m
    run = run_algorithm("coverage.rsrp", {"transmitters": _poles(1, 0.0), "surface": surface, "max_radius": 60,
                                          "resolution": 5}, Context(workers=1))
    minx, miny, maxx, maxy = run.outputs["rsrp"].extent
    assert minx >= ORIGIN_X - 10.0 and maxx <= ORIGIN_X + 70.0 + 5.0
    assert run.summary["obstruction_cover_pct"] == pytest.approx(100.0, abs=7.0)


def test_summary_counts_the_sites_used_and_names_those_left_out():
    frame = gpd.GeoDataFrame({"site_id": ["A", "B", "C", "D"], "height_m": 30.0,
                              "band_mhz": [3500.0, 3500.0, 2600.0, 3500.0], "azimuths": ["0,120,240", "", "", ""],
                              "status": ["active", "active", "active", "removed"]},
                             geometry=shapely.points(ORIGIN_X + np.array([0, 100, 200, 300.0]), np.full(4, ORIGIN_Y)),
                             crs=CRS)
    run = run_algorithm("coverage.rsrp", {"transmitters": VectorLayer(frame, "sites", kind="sites_5g"),
                                          "max_radius": 60, "resolution": 10}, Context(workers=1))
    assert (run.summary["sites"], run.summary["sites_left_out"], run.summary["cells"]) == (2, 2, 4)
    log = "\n".join(run.record["log"])
    assert "2 of 4 sites, 4 cells" in log
    assert "1 sites on other bands (2600 MHz) left out of the 3500 MHz carrier" in log
    assert "run the coverage again at their frequency" in log and "1 removed sites left out" in log
