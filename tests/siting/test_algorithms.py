"""The siting algorithms end to end through the runner, on small synthetic layers and on the Tianhe sample."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.io import open_layers
from layers.layer import VectorLayer
from plugins.api import AlgorithmError, ParameterError
from plugins.runner import run_algorithm

CRS = "EPSG:32649"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.gpkg"


@pytest.fixture
def city(rng):
    xs, ys = np.meshgrid(np.arange(5) * 200.0, np.arange(4) * 200.0)
    poles = gpd.GeoDataFrame({
        "pole_id": [f"P{i:02d}" for i in range(20)], "height_m": 10.0, "has_power": [i % 4 != 0 for i in range(20)],
        "attachments": "", "capacity": 4, "status": "active"},
        geometry=shapely.points(xs.ravel(), ys.ravel()), crs=CRS)
    people = rng.uniform(-100, 900, (400, 2))
    demand = gpd.GeoDataFrame({"residents": rng.integers(1, 50, 400).astype(float), "workers": 0.0},
                              geometry=shapely.points(people), crs=CRS)
    return VectorLayer(poles, "poles", kind="lamp_poles"), VectorLayer(demand, "demand", kind="demand")


def _best_by_brute_force(poles, demand, k, radius):
    pole_xy = shapely.get_coordinates(poles.gdf.geometry.to_numpy())
    people_xy = shapely.get_coordinates(demand.gdf.geometry.to_numpy())
    weight = demand.gdf["residents"].to_numpy() + demand.gdf["workers"].to_numpy()
    covers = np.linalg.norm(pole_xy[:, None] - people_xy[None], axis=2) <= radius
    return max(weight[covers[list(s)].any(axis=0)].sum() for s in itertools.combinations(range(len(pole_xy)), k))


def test_mclp_run_gives_the_optimum_and_consistent_outputs(city):
    poles, demand = city
    result = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 3, "radius": 150,
                                           "phases": 2, "curve_sites": 8})
    s = result.summary
    assert s["status"] == "optimal" and s["gap_pct"] == 0 and s["sites"] == 3
    assert s["covered_demand"] == pytest.approx(_best_by_brute_force(poles, demand, 3, 150.0))
    sites = result.outputs["selected_sites"].gdf
    assert sites["rank"].tolist() == [1, 2, 3] and sites["phase"].tolist() == [1, 1, 2]
    assert sites["new_demand"].sum() == pytest.approx(s["covered_demand"], abs=1e-2)
    assert sites["cumulative_share_pct"].iloc[-1] == pytest.approx(s["covered_share_pct"], abs=1e-2)
    covered, uncovered = result.outputs["covered"].gdf, result.outputs["uncovered"].gdf
    assert covered["covered_weight"].sum() == pytest.approx(s["covered_demand"], abs=0.1)
    assert covered["covered_weight"].sum() + uncovered["uncovered_weight"].sum() == pytest.approx(s["total_demand"],
                                                                                                  abs=0.1)
    assert set(covered["first_site"]) <= set(sites["pole_id"])
    curve = result.outputs["curve"]
    assert curve["sites"].tolist() == list(range(1, 9)) and curve["in_plan"].sum() == 3
    assert curve["best_possible_at_most"].iloc[2] == pytest.approx(s["covered_demand"])
    assert result.outputs["selected_sites"].metadata["provenance"]["algorithm"] == "siting.mclp"


def test_greedy_mode_states_a_gap_that_holds(city):
    poles, demand = city
    result = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 3, "method": "greedy"})
    s = result.summary
    best = _best_by_brute_force(poles, demand, 3, 150.0)
    assert s["status"] == "greedy"
    assert (best - s["objective"]) / best <= s["gap_pct"] / 100 + 1e-9


def test_budget_and_lscp_runs(city):
    poles, demand = city
    budget = run_algorithm("siting.budget_mclp", {"candidates": poles, "demand": demand, "budget": 3.0})
    assert budget.summary["total_cost"] <= 3.0 and budget.summary["status"] == "optimal"
    assert budget.outputs["selected_sites"].gdf["cost"].isin([1.0, 1.5]).all()
    cover = run_algorithm("siting.lscp", {"candidates": poles, "demand": demand, "target_pct": 90})
    s = cover.summary
    assert s["covered_share_pct"] >= 0.9 * s["reachable_share_pct"] - 1e-6
    assert s["status"] == "optimal" and s["objective"] == s["sites"]


def test_existing_sites_take_their_demand_out(city):
    poles, demand = city
    site = gpd.GeoDataFrame({"site_id": ["M1"]}, geometry=[shapely.Point(400.0, 300.0)], crs=CRS)
    existing = VectorLayer(site, "macro", kind="sites_5g")
    plain = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 2})
    result = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 2,
                                           "existing_sites": existing, "existing_radius": 250})
    people = shapely.get_coordinates(demand.gdf.geometry.to_numpy())
    served = np.linalg.norm(people - [400.0, 300.0], axis=1) <= 250
    total = (demand.gdf["residents"] + demand.gdf["workers"]).to_numpy()
    assert result.summary["total_demand"] == pytest.approx(total[~served].sum())
    assert plain.summary["total_demand"] == pytest.approx(total.sum())


def test_rf_mode_uses_the_coverage_model_and_buildings_block(city):
    poles, demand = city
    # a 200 m high ring wall around the poles: demand outside it can no longer be seen
    wall = gpd.GeoDataFrame({"height_m": [200.0]}, geometry=[shapely.box(-60, -60, 900, 860).difference(
        shapely.box(-40, -40, 880, 840))], crs=CRS)
    params = {"candidates": poles, "demand": demand, "sites": 2, "coverage_mode": "rf", "max_radius": 300,
              "threshold_dbm": -95}
    open_air = run_algorithm("siting.mclp", params)
    walled = run_algorithm("siting.mclp", {**params, "buildings": VectorLayer(wall, "walls", kind="buildings")})
    assert open_air.summary["coverage_pairs"] > 0
    assert walled.summary["coverage_pairs"] < open_air.summary["coverage_pairs"]
    assert walled.summary["covered_demand"] <= open_air.summary["covered_demand"]


def test_problems_a_planner_can_fix_are_reported_clearly(city):
    poles, demand = city
    with pytest.raises(AlgorithmError, match="no lamp pole of 'poles' is eligible"):
        run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "min_height": 20})
    with pytest.raises(ParameterError, match="demand"):
        run_algorithm("siting.mclp", {"candidates": poles})
    with pytest.raises(ParameterError, match="min_height"):
        run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "min_height": 20, "max_height": 10})


@pytest.mark.skipif(not SAMPLE.exists(), reason="the Tianhe sample has not been generated")
def test_tianhe_sample_plan_is_sane():
    layer = f"{SAMPLE}|"
    result = run_algorithm("siting.mclp", {
        "candidates": layer + "lamp_poles", "demand": layer + "demand", "sites": 12, "schools": layer + "schools",
        "keepout": layer + "schools", "keepout_distance": 50, "existing_sites": layer + "sites_5g"})
    s = result.summary
    assert s["status"] == "optimal" and s["sites"] == 12
    sites = result.outputs["selected_sites"].gdf
    assert (sites["status"] == "active").all() and not sites["attachments"].str.contains("5g").any()
    schools = shapely.get_coordinates(open_layers(SAMPLE, layer="schools")[0].gdf.geometry.to_numpy())
    pole_xy = shapely.get_coordinates(sites.geometry.to_numpy())
    assert np.linalg.norm(pole_xy[:, None] - schools[None], axis=2).min() > 50
    assert np.all(np.diff(sites["new_demand"]) <= 1e-6)
    assert 0 < s["covered_share_pct"] < 100


@pytest.mark.parametrize("at_percent", [10.0, 50.0])
def test_cancel_stops_the_run_without_outputs(city, at_percent):
    from plugins.api import Cancelled, Feedback

    class CancelAt(Feedback):
        def set_progress(self, percent: float) -> None:
            super().set_progress(percent)
            if percent >= at_percent:
                self.cancel()

    poles, demand = city
    feedback = CancelAt()
    with pytest.raises(Cancelled):
        run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 3}, feedback=feedback)


def test_a_plan_that_reaches_no_demand_reports_it_uncovered():
    """Poles 2 km from the demand with a 50 m radius: an empty plan, every demand feature listed as out of reach."""
    poles = VectorLayer(gpd.GeoDataFrame({"pole_id": ["P1", "P2"], "height_m": 10.0, "status": "active"},
                                         geometry=shapely.points([(500000, 2500000), (500010, 2500000)]), crs=CRS),
                        "poles", kind="lamp_poles")
    demand = VectorLayer(gpd.GeoDataFrame({"residents": [10.0, 20.0]},
                                          geometry=shapely.points([(502000, 2500000), (502010, 2500000)]), crs=CRS),
                         "demand", kind="demand")
    result = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 1, "radius": 50.0,
                                           "method": "greedy"})
    assert result.summary["sites"] == 0 and result.summary["people_covered_pct"] == 0.0
    assert len(result.outputs["covered"].gdf) == 0
    uncovered = result.outputs["uncovered"].gdf
    assert uncovered["uncovered_weight"].tolist() == [10.0, 20.0]
    assert set(uncovered["reason"]) == {"no eligible pole in reach"}
