"""Calibration to measurements: synthetic drive tests from a known model, offset, slope and noise."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.errors import LayerError
from layers.layer import VectorLayer
from layers.project import Project
from layers.rf_profile import RfProfile
from plugins.api import AlgorithmError, Context
from plugins.coverage.calibration import calibrate, read_measurements
from plugins.coverage.config import CoverageConfig, config_from_profile
from plugins.coverage.margin import links_los
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.pairs import rsrp_of_pairs
from plugins.coverage.transmitters import Transmitters
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y

SIZE, SIGMA = 800.0, 3.0
TRUTH = (4.0, -0.3, -6.0, 0.4)   # LOS offset, LOS slope, NLOS offset, NLOS slope


def _heights() -> np.ndarray:
    """Blocks of 60 m with random heights between 20 m streets, on a 2 m grid (top-left at ORIGIN_Y + SIZE)."""
    rng = np.random.default_rng(5)
    n = int(SIZE / 2.0)
    heights = np.zeros((n, n), np.float32)
    for r0 in range(10, n, 40):
        for c0 in range(10, n, 40):
            heights[r0:r0 + 30, c0:c0 + 30] = rng.uniform(8.0, 40.0)
    return heights


def _scene():
    obstruction = Obstruction(_heights(), ORIGIN_X, ORIGIN_Y + SIZE, 2.0, CRS)
    config = CoverageConfig(eirp_dbm=43.0)
    xs = ORIGIN_X + np.array([10.0, 250.0, 490.0, 730.0, 170.0, 570.0])
    ys = ORIGIN_Y + np.array([170.0, 730.0, 410.0, 90.0, 490.0, 250.0])
    cells = Transmitters.from_arrays(xs, ys, 10.0, config, site_id=[f"P{k}" for k in range(1, 7)], crs=CRS)
    return cells, obstruction, config


def _drive_test(cells, obstruction, config, count: int, seed: int = 1):
    """Points along the streets, each served by its nearest cell, with RSRP from the model moved by TRUTH plus
    Gaussian noise; also the noise-free truth and each point's distance to its cell."""
    rng = np.random.default_rng(seed)
    along = rng.uniform(5.0, SIZE - 5.0, count)
    street = rng.integers(0, int(SIZE // 80.0), count) * 80.0 + rng.uniform(2.0, 18.0, count)
    vertical = rng.random(count) < 0.5   # streets run x in [80k, 80k + 20] and y in [80k + 60, 80k + 80]
    xy = np.column_stack([ORIGIN_X + np.where(vertical, street, along),
                          ORIGIN_Y + np.where(vertical, along, street + 60.0)])
    outdoors = obstruction.height_at(xy[:, 0], xy[:, 1]) == 0
    assert outdoors.all()
    distance = np.hypot(xy[:, None, 0] - cells.x[None], xy[:, None, 1] - cells.y[None])
    cell = distance.argmin(axis=1)
    keep = distance.min(axis=1) >= 20.0
    xy, cell = xy[keep], cell[keep]
    truth = rsrp_of_pairs(cells, cell, xy, np.arange(cell.size), CoverageConfig(eirp_dbm=43.0, calibration=TRUTH),
                          obstruction)
    return xy, cell, truth, truth + rng.normal(0.0, SIGMA, truth.size)


def _layer(xy, ids, rsrp, name="drive") -> VectorLayer:
    gdf = gpd.GeoDataFrame({"rsrp_dbm": rsrp, "cell": ids}, geometry=shapely.points(xy), crs=CRS)
    return VectorLayer(gdf, name)


def test_the_calibration_moves_rsrp_by_offset_plus_slope_times_log_distance():
    cells, obstruction, config = _scene()
    xy, cell, truth, _ = _drive_test(cells, obstruction, config, 400)
    model = rsrp_of_pairs(cells, cell, xy, np.arange(cell.size), config, obstruction)
    los = links_los(cells, cell, xy[:, 0], xy[:, 1], config, obstruction)
    d3d = np.hypot(np.hypot(xy[:, 0] - cells.x[cell], xy[:, 1] - cells.y[cell]), 10.0 - 1.5)
    formula = np.where(los, TRUTH[0] + TRUTH[1] * 10 * np.log10(d3d / 100.0),
                       TRUTH[2] + TRUTH[3] * 10 * np.log10(d3d / 100.0))
    assert los.mean() > 0.1 and (~los).mean() > 0.5
    np.testing.assert_allclose((truth - model)[los], formula[los], atol=1e-6)
    # NLOS: exact wherever TR 38.901's max() takes the NLOS formula, i.e. almost everywhere beyond a few metres
    assert np.mean(np.abs(truth - model - formula)[~los] < 1e-6) > 0.95


@pytest.mark.parametrize("outliers", [0.0, 0.05])
def test_the_fit_recovers_the_offsets_and_slopes_and_outliers_do_not_move_it(outliers):
    cells, obstruction, config = _scene()
    xy, cell, truth, measured = _drive_test(cells, obstruction, config, 20000)
    wrong = np.random.default_rng(9).random(measured.size) < outliers
    measured = np.where(wrong, measured + 30.0, measured)
    data = read_measurements(_layer(xy, cells.cell_id[cell], measured), "rsrp_dbm", "cell", cells)
    fit = calibrate(cells, data, config, obstruction)
    for got, want, tolerance in zip(fit.calibration, TRUTH, (0.5, 0.05, 0.5, 0.05), strict=True):
        assert got == pytest.approx(want, abs=tolerance)
    clean = ~wrong
    rmse_after = math.sqrt(np.mean((measured - fit.after)[clean] ** 2))
    rmse_before = math.sqrt(np.mean((measured - fit.before)[clean] ** 2))
    assert rmse_after == pytest.approx(SIGMA, abs=0.25) and rmse_before > SIGMA + 2.0
    summary = fit.summary.set_index("scope")
    assert summary.loc["all", "n"] == measured.size
    error = measured - fit.after
    assert summary.loc["all", "rmse_db_after"] == pytest.approx(math.sqrt(np.mean(error**2)), abs=1e-3)
    assert summary.loc["LOS", "me_db_before"] == pytest.approx(np.mean((measured - fit.before)[fit.los]), abs=1e-3)
    assert set(fit.per_site["site_id"]) <= set(cells.site_id) and fit.per_site["n"].sum() == measured.size


def test_unknown_cell_ids_and_text_rsrp_are_refused_naming_the_field():
    cells, obstruction, config = _scene()
    xy = np.array([[ORIGIN_X + 100.0, ORIGIN_Y + 10.0], [ORIGIN_X + 200.0, ORIGIN_Y + 10.0]])
    with pytest.raises(LayerError, match="field 'cell'.*X9"):
        read_measurements(_layer(xy, ["P1", "X9"], [-80.0, -90.0]), "rsrp_dbm", "cell", cells)
    with pytest.raises(LayerError, match="field 'rsrp_dbm' holds text"):
        read_measurements(_layer(xy, ["P1", "P2"], ["-80 dBm", "-90 dBm"]), "rsrp_dbm", "cell", cells)
    with pytest.raises(LayerError, match="no field 'rsrp'"):
        read_measurements(_layer(xy, ["P1", "P2"], [-80.0, -90.0]), "rsrp", "cell", cells)


def test_the_algorithm_saves_the_fit_in_the_profile_and_coverage_then_uses_it(tmp_path):
    cells, obstruction, config = _scene()
    xy, cell, truth, measured = _drive_test(cells, obstruction, config, 20000, seed=4)
    poles = gpd.GeoDataFrame({"pole_id": list(cells.site_id), "height_m": 10.0},
                             geometry=shapely.points(cells.xy), crs=CRS)
    n = obstruction.heights.shape[0]
    rows, cols = np.nonzero(obstruction.heights > 0)
    boxes = [shapely.box(ORIGIN_X + c * 2.0, ORIGIN_Y + SIZE - (r + 1) * 2.0, ORIGIN_X + (c + 1) * 2.0,
                         ORIGIN_Y + SIZE - r * 2.0) for r, c in zip(rows, cols, strict=True)]
    buildings = gpd.GeoDataFrame({"height_m": obstruction.heights[rows, cols].astype(float)},
                                 geometry=boxes, crs=CRS).dissolve(by="height_m", as_index=False).explode()
    assert n == 400
    project = Project()
    project.rf_profile = RfProfile(micro_tx_power_dbm=38.0, micro_antenna_gain_dbi=5.0)   # 43 dBm EIRP
    target = tmp_path / "calibration.json"
    result = run_algorithm("coverage.calibrate", {
        "transmitters": VectorLayer(poles, "poles", kind="lamp_poles"),
        "measurements": _layer(xy, cells.cell_id[cell], measured),
        "rsrp_field": "rsrp_dbm", "cell_field": "cell", "model": "umi",
        "buildings": VectorLayer(buildings.reset_index(drop=True), "buildings", kind="buildings"),
        "json_file": str(target)}, Context(project=project, crs=CRS, workers=1))
    saved = project.rf_profile
    assert saved.calibration_los_offset_db == pytest.approx(TRUTH[0], abs=0.5)
    assert saved.calibration_nlos_slope == pytest.approx(TRUTH[3], abs=0.05)
    assert json.loads(target.read_text())["rf_profile"] == saved.to_dict()
    assert result.outputs["rmse_after_db"] < result.outputs["rmse_before_db"] - 2.0
    # a later run with the project's profile predicts with the calibration
    later = config_from_profile(saved, "micro", model="umi")
    assert later.calibration == (saved.calibration_los_offset_db, saved.calibration_los_slope,
                                 saved.calibration_nlos_offset_db, saved.calibration_nlos_slope)
    again = calibrate(cells, read_measurements(_layer(xy, cells.cell_id[cell], measured), "rsrp_dbm", "cell",
                                               cells), later, obstruction)
    overall = again.summary.set_index("scope").loc["all"]
    assert overall["rmse_db_before"] == pytest.approx(SIGMA, abs=0.3)   # already calibrated: little left to fit
    assert abs(overall["me_db_before"]) < 0.3


def test_a_calibration_outside_the_profile_bounds_is_refused():
    cells, obstruction, config = _scene()
    xy, cell, _, measured = _drive_test(cells, obstruction, config, 300)
    poles = gpd.GeoDataFrame({"pole_id": list(cells.site_id), "height_m": 10.0},
                             geometry=shapely.points(cells.xy), crs=CRS)
    with pytest.raises(AlgorithmError, match="outside the RF profile's bounds"):
        run_algorithm("coverage.calibrate", {
            "transmitters": VectorLayer(poles, "poles", kind="lamp_poles"),
            "measurements": _layer(xy, cells.cell_id[cell], measured + 80.0),   # mW read as dBm, say
            "rsrp_field": "rsrp_dbm", "cell_field": "cell", "model": "umi", "save_to_profile": False},
            Context(crs=CRS, workers=1))
