"""One plan, one set of covered figures: the siting summary, the report and the dashboard show the same "People
covered" (residents + workers) and name weighted demand as such, recounted here from the covered-demand layer."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.layer import VectorLayer
from layers.project import Project
from plugins.runner import run_algorithm
from workbench.docks.dashboard import dashboard_numbers
from workbench.export.report_data import collect_report_data, figure_values

CRS = "EPSG:32649"
X0, Y0 = 500_000.0, 2_560_000.0


def _planned_project(school_weight: float) -> tuple[Project, dict, VectorLayer]:
    rng = np.random.default_rng(13)
    xs, ys = np.meshgrid(X0 + np.arange(5) * 200.0, Y0 + np.arange(4) * 200.0)
    poles = VectorLayer(gpd.GeoDataFrame(
        {"pole_id": [f"P{i:02d}" for i in range(20)], "height_m": 10.0, "status": "active"},
        geometry=shapely.points(xs.ravel(), ys.ravel()), crs=CRS), "poles", kind="lamp_poles")
    points = rng.uniform(-100, 900, (300, 2)) + (X0, Y0)
    demand = VectorLayer(gpd.GeoDataFrame(
        {"residents": rng.integers(1, 50, 300).astype(float), "workers": rng.integers(0, 20, 300).astype(float)},
        geometry=shapely.points(points), crs=CRS), "demand", kind="demand")
    schools = VectorLayer(gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=shapely.points(
        [(X0 + 50, Y0 + 50), (X0 + 650, Y0 + 450)]), crs=CRS), "schools", kind="schools")
    project = Project(CRS)
    for layer in (poles, demand, schools):
        project.add_layer(layer)
    result = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "schools": schools,
                                           "school_weight": school_weight, "sites": 4, "radius": 150.0,
                                           "method": "greedy"})
    project.record_run(result.record)
    for output in result.outputs.values():
        if isinstance(output, VectorLayer):
            project.add_layer(output)
    return project, result.summary, result.outputs["covered"]


@pytest.mark.parametrize("school_weight", [1.0, 3.0])
def test_report_dashboard_and_siting_summary_show_the_same_covered_figures(school_weight):
    project, summary, covered = _planned_project(school_weight)
    # independent recount: people of the demand features the plan covers, of all people
    demand = project.layer("demand").gdf
    people = demand["residents"].sum() + demand["workers"].sum()
    share = 100.0 * covered.gdf["people"].sum() / people
    assert summary["people_covered_pct"] == pytest.approx(share, abs=1e-3)
    expected = f"{share:,.1f} %"
    data = collect_report_data(project)
    report = figure_values(data.figures)
    # the report's coverage curve (and the sites' popup in the web map) ends at the same people share
    assert data.curve["covered_pct"].iloc[-1] == pytest.approx(share, abs=1e-3)
    assert data.sites["cumulative_people_pct"].iloc[-1] == pytest.approx(share, abs=1e-3)
    numbers = dashboard_numbers(project)
    assert report["people_covered"] == expected
    assert figure_values(numbers.run_figures)["people_covered"] == expected
    assert numbers.people_covered[0] == expected
    assert [f.label for f in data.figures if f.key == "people_covered"] == ["People covered"]
    if school_weight == 1.0:
        assert "weighted_demand_covered" not in report and "weighted_demand_covered_pct" not in summary
    else:
        weighted = f"{summary['weighted_demand_covered_pct']:,.1f} %"
        assert summary["weighted_demand_covered_pct"] == pytest.approx(summary["covered_share_pct"], abs=1e-3)
        assert report["weighted_demand_covered"] == weighted == figure_values(numbers.run_figures)[
            "weighted_demand_covered"]
