"""The RF profile drives coverage and rf-mode siting alike: one plan, one covered share (the coverage prediction's,
beside the siting model's own count); the location-probability margin against the textbook formula; validity
refusals and notes."""

from __future__ import annotations

import math
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.layer import VectorLayer
from layers.project import Project
from layers.rf_profile import RfProfile
from plugins.api import Context
from plugins.coverage import CoverageConfig, CoverageConfigError, Obstruction, Transmitters
from plugins.coverage.config import config_from_profile, shadow_margin_db
from plugins.coverage.diagnostics import diagnose
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.margin import pair_covered
from plugins.coverage.pairs import rsrp_at_points
from plugins.coverage.pathloss import UMA, UMI, wall_loss_db
from plugins.coverage.validity import apply_load, validity_notes
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y

#: Φ⁻¹(0.9) and Φ⁻¹(0.95) to 10 digits (standard normal tables).
Z90, Z95 = 1.2815515655, 1.6448536270
RES = 5.0


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(15)


def test_margin_is_sigma_times_the_normal_quantile():
    assert shadow_margin_db(7.82, 0.9) == pytest.approx(7.82 * Z90, abs=1e-8)
    assert round(shadow_margin_db(7.82, 0.9), 2) == 10.02
    assert shadow_margin_db(4.0, 0.95) == pytest.approx(4.0 * Z95, abs=1e-8)
    assert shadow_margin_db(6.0, 0.5) == 0.0
    config = config_from_profile(RfProfile())
    models = np.array([UMI, UMI, UMA, UMA, 0])
    los = np.array([True, False, True, False, True])
    np.testing.assert_allclose(config.margin_db(models, los), np.array([4.0, 7.82, 4.0, 6.0, 0.0]) * Z90, atol=1e-8)


def test_profile_values_reach_the_configuration_and_parameters_override_them():
    profile = RfProfile(micro_tx_power_dbm=30.0, micro_antenna_gain_dbi=3.0, cell_edge_probability=0.95)
    micro = config_from_profile(profile, "micro")
    assert micro.total_eirp_dbm(None) == 33.0 and micro.location_probability == 0.95
    assert micro.indoor_loss == "mix" and micro.sector_azimuths == ()
    macro = config_from_profile(profile, "macro")
    assert macro.total_eirp_dbm(None) == 63.0 and len(macro.sector_azimuths) == 3 and macro.tilt_deg == 6.0
    assert config_from_profile(profile, "micro", eirp_dbm=40.0, rsrp_threshold_dbm=-95.0).total_eirp_dbm(None) == 40
    # O2I mix: the mean in dB of TR 38.901's low- and high-loss walls (12.7 and 26.9 dB at 3.5 GHz)
    low = 5 - 10 * math.log10(0.3 * 10 ** (-(2 + 0.7) / 10) + 0.7 * 10 ** (-(5 + 14) / 10))
    high = 5 - 10 * math.log10(0.7 * 10 ** (-(23 + 1.05) / 10) + 0.3 * 10 ** (-(5 + 14) / 10))
    assert wall_loss_db("mix", 3.5) == pytest.approx((low + high) / 2, abs=1e-9)


def test_receivers_below_one_and_a_half_metres_are_refused():
    with pytest.raises(CoverageConfigError, match=r"rx_height_m: 1.2 m is outside 1.5-22.5 m.*TR 38.901"):
        CoverageConfig(rx_height_m=1.2)
    with pytest.raises(ValueError, match="receiver height 1 m is outside 1.5-22.5 m"):
        RfProfile(rx_height_m=1.0)


def test_long_links_and_far_antenna_heights_are_noted():
    config = CoverageConfig(max_radius_m=8000.0)
    cells = Transmitters.from_arrays([0.0, 10.0, 20.0], [0.0, 0.0, 0.0], [4.0, 10.0, 45.0], config)
    notes = validity_notes(cells, config)
    assert any("beyond the 5 km" in n for n in notes)
    assert any(n.startswith("1 of 2 UMI cells have antennas at 4-4 m") and "10 m" in n for n in notes)
    assert any(n.startswith("1 of 1 UMA cells have antennas at 45-45 m") and "25 m" in n for n in notes)
    assert validity_notes(Transmitters.from_arrays([0.0], [0.0], [10.0], CoverageConfig()), CoverageConfig()) == []


def _scene(rng, buildings: bool):
    """Poles on a 120 m lattice, demand points at the centres of the 5 m coverage cells, optional boxes."""
    xs, ys = np.meshgrid(ORIGIN_X + np.arange(4) * 120.0 + 2.5, ORIGIN_Y + np.arange(4) * 120.0 + 2.5)
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i:02d}" for i in range(16)], "height_m": 10.0, "status": "active"},
                             geometry=shapely.points(xs.ravel(), ys.ravel()), crs=CRS)
    cells = rng.integers(-10, 82, (600, 2))
    points = np.column_stack([ORIGIN_X + (cells[:, 0] + 0.5) * RES, ORIGIN_Y + (cells[:, 1] + 0.5) * RES])
    points = np.unique(points, axis=0)
    demand = gpd.GeoDataFrame({"residents": rng.integers(1, 40, len(points)).astype(float),
                               "workers": rng.integers(0, 10, len(points)).astype(float)},
                              geometry=shapely.points(points), crs=CRS)
    blocks = None
    if buildings:
        boxes = [shapely.box(ORIGIN_X + x, ORIGIN_Y + y, ORIGIN_X + x + 30, ORIGIN_Y + y + 24)
                 for x in (30, 150, 270) for y in (40, 160, 280)]
        blocks = VectorLayer(gpd.GeoDataFrame({"height_m": rng.uniform(12, 40, len(boxes))}, geometry=boxes,
                                              crs=CRS), "blocks", kind="buildings")
    return (VectorLayer(poles, "poles", kind="lamp_poles"), VectorLayer(demand, "demand", kind="demand"), blocks,
            points)


def _plan_then_coverage(rng, buildings: bool):
    poles, demand, blocks, points = _scene(rng, buildings)
    project = Project(CRS)
    # a weak micro cell, so the plan leaves demand uncovered and the margin matters
    project.rf_profile = RfProfile(micro_tx_power_dbm=20.0, micro_antenna_gain_dbi=3.0, max_radius_m=250.0)
    context = Context(project=project)
    siting = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 3, "coverage_mode": "rf",
                                           "buildings": blocks, "school_weight": 1.0, "office_weight": 1.0},
                           context)
    selected = siting.outputs["selected_sites"]
    # default parameters (5 m grid over the sites' reach): the run siting's "People covered" stands for
    coverage = run_algorithm("coverage.rsrp", {"transmitters": selected, "demand": demand, "buildings": blocks},
                             context)
    return siting, coverage, selected, demand, blocks, points, project.rf_profile


def test_one_plan_reads_the_same_share_in_siting_and_in_coverage(rng):
    siting, coverage, *_ = _plan_then_coverage(rng, buildings=False)
    share = siting.summary["people_covered_pct"]
    assert 5.0 < share < 95.0
    assert coverage.summary["people_covered_pct"] == share
    # every link is LOS with the same σ and the demand points are the grid's cell centres, so here the siting
    # model's own count (any selected pole clears its margin) agrees with the best server's too
    assert siting.summary["covered_share_pct"] == pytest.approx(share, abs=6e-4)
    assert "weighted_demand_covered_pct" not in siting.summary   # weights are plain people here


def test_with_buildings_the_model_counts_any_pole_and_the_plan_reads_the_best_server(rng):
    siting, coverage, selected, demand, blocks, points, profile = _plan_then_coverage(rng, buildings=True)
    # The siting model counts a point when any selected pole clears its margin (its objective, covered_share_pct:
    # weights are plain people here); the plan's People covered is the coverage run's, which judges the best
    # server only. They differ exactly where the strongest pole is NLOS (10.0 dB margin) and misses while a weaker
    # LOS one (5.1 dB) clears it: recount both from the pairs.
    config = config_from_profile(profile, "micro")
    cells = Transmitters.from_layer(selected, config)
    obstruction = Obstruction.from_buildings(blocks, 2.0)
    tx, pt, rsrp = rsrp_at_points(cells, points, config, obstruction, config.max_radius_m)
    passes = pair_covered(cells, tx, pt, points, rsrp, config, obstruction)
    best = np.full(len(points), -np.inf)
    np.maximum.at(best, pt, rsrp)
    best_pair = rsrp == best[pt]
    any_pass = np.zeros(len(points), bool)
    any_pass[pt[passes]] = True
    best_pass = np.zeros(len(points), bool)
    best_pass[pt[passes & best_pair]] = True
    people = demand.gdf["residents"].to_numpy() + demand.gdf["workers"].to_numpy()
    gap = 100.0 * people[any_pass & ~best_pass].sum() / people.sum()
    # the summaries round shares to 0.001 %
    assert siting.summary["covered_share_pct"] == pytest.approx(100.0 * people[any_pass].sum() / people.sum(),
                                                                abs=6e-4)
    assert coverage.summary["people_covered_pct"] == pytest.approx(100.0 * people[best_pass].sum() / people.sum(),
                                                                   abs=6e-4)
    assert siting.summary["people_covered_pct"] == coverage.summary["people_covered_pct"]
    assert siting.summary["covered_share_pct"] - siting.summary["people_covered_pct"] == pytest.approx(gap, abs=2e-3)


def test_a_run_states_the_profile_it_used(rng):
    siting, coverage, *_ = _plan_then_coverage(rng, buildings=False)
    for run in (siting, coverage):
        assert any("RF profile 'Lamplight defaults" in line and "23 dBm EIRP" in line for line in run.record["log"])
    assert coverage.summary["rf_profile"]["micro_tx_power_dbm"] == 20.0
    assert coverage.summary["location_probability"] == 0.9


def test_load_factor_scales_the_interference_and_one_cell_is_called_noise_limited():
    config = CoverageConfig(model="free_space", eirp_dbm=40.0, max_radius_m=300.0)
    cells = Transmitters.from_arrays([0.0, 60.0], [0.0, 0.0], 8.0, config)
    grid = Grid.covering((-50.0, -50.0, 110.0, 50.0), 5.0)
    full = compute_coverage(cells, config, None, grid, workers=1)
    half = apply_load(compute_coverage(cells, replace(config, load_factor=0.5), None, grid, workers=1))
    # by hand: S / (0.5·I + N) with I the other cell's power, from the full-load rasters' own S and N
    signal = 10 ** (full.rsrp.astype(float) / 10)
    noise = 10 ** (config.noise_re_dbm / 10)
    interference = signal / 10 ** (full.sinr.astype(float) / 10) - noise
    np.testing.assert_allclose(half.sinr, 10 * np.log10(signal / (0.5 * interference + noise)), atol=1e-3)
    figures, notes = diagnose(half)
    assert figures["sinr_above_threshold_pct"] == pytest.approx(100 * np.mean(half.sinr >= -5.0), abs=0.01)
    assert any(n.startswith("SINR at 50 % load") for n in notes)
    lone = compute_coverage(cells.subset(np.array([0])), config, None, grid, workers=1)
    _, notes = diagnose(lone)
    assert any(n.startswith("SINR of a single cell: nothing interferes") for n in notes)
    assert not any("co-channel" in n for n in notes)
