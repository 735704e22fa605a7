"""One plan, one coverage figure: rf-mode siting reports as "People covered" (and after each of its sites) what a
``coverage.rsrp`` run of its selected sites with default parameters reads, on a street grid with outdoor demand
where the siting model's own count (sampled points, any server, no street-canyon walk) differs; and with the
default extent, demand beyond the transmitters' reach counts in the totals."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.layer import VectorLayer
from layers.project import Project
from layers.rf_profile import RfProfile
from plugins.api import Cancelled, Context, Feedback
from plugins.coverage.algorithm import site_class
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y

PITCH, BLOCK = 90.0, 60.0  # 60 m blocks, 30 m streets


def _street_grid() -> tuple[VectorLayer, VectorLayer, VectorLayer]:
    """Poles along the streets of a 4 x 4 block grid, 50 m demand squares over blocks and streets alike."""
    rng = np.random.default_rng(151)
    blocks = [shapely.box(ORIGIN_X + i * PITCH, ORIGIN_Y + j * PITCH, ORIGIN_X + i * PITCH + BLOCK,
                          ORIGIN_Y + j * PITCH + BLOCK) for i in range(4) for j in range(4)]
    buildings = VectorLayer(gpd.GeoDataFrame({"height_m": rng.uniform(15.0, 40.0, len(blocks))}, geometry=blocks,
                                             crs=CRS), "blocks", kind="buildings")
    street = BLOCK + 15.0 + PITCH * np.arange(-1, 4)  # street centre lines, both directions
    along = np.arange(-15.0, 4 * PITCH, 45.0)
    xy = np.vstack([np.column_stack([np.full(along.size, s), along]) for s in street]
                   + [np.column_stack([along, np.full(along.size, s)]) for s in street]) + (ORIGIN_X, ORIGIN_Y)
    xy = np.unique(np.round(xy, 3), axis=0)
    poles = VectorLayer(gpd.GeoDataFrame({"pole_id": [f"P{i:03d}" for i in range(len(xy))], "height_m": 10.0,
                                          "status": "active"}, geometry=shapely.points(xy), crs=CRS),
                        "poles", kind="lamp_poles")
    corners = np.arange(-40.0, 4 * PITCH, 50.0)
    squares = [shapely.box(ORIGIN_X + x, ORIGIN_Y + y, ORIGIN_X + x + 50.0, ORIGIN_Y + y + 50.0)
               for x in corners for y in corners]
    demand = VectorLayer(gpd.GeoDataFrame({"residents": rng.integers(0, 400, len(squares)).astype(float),
                                           "workers": rng.integers(0, 300, len(squares)).astype(float)},
                                          geometry=squares, crs=CRS), "demand", kind="demand")
    return poles, demand, buildings


@pytest.fixture(scope="module")
def planned():
    poles, demand, buildings = _street_grid()
    project = Project(CRS)
    # a weak micro cell, so the plan leaves demand uncovered and the street-canyon walk and margins matter
    project.rf_profile = RfProfile(micro_tx_power_dbm=20.0, micro_antenna_gain_dbi=3.0, max_radius_m=200.0)
    context = Context(project=project)
    siting = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "buildings": buildings, "sites": 5,
                                           "coverage_mode": "rf", "method": "greedy"}, context)
    return siting, demand, buildings, context


def _coverage(sites: VectorLayer, demand: VectorLayer, buildings: VectorLayer, context: Context):
    return run_algorithm("coverage.rsrp", {"transmitters": sites, "demand": demand, "buildings": buildings}, context)


def test_siting_reports_the_coverage_run_of_its_selected_sites(planned):
    siting, demand, buildings, context = planned
    selected = siting.outputs["selected_sites"]
    assert site_class(selected) == "micro"  # as siting models its candidates
    coverage = _coverage(selected, demand, buildings, context)
    share = siting.summary["people_covered_pct"]
    assert 5.0 < share < 95.0
    for key in ("people_covered_pct", "people_covered", "people_total"):
        assert siting.summary[key] == coverage.summary[key], key
    # the siting model's own count (its objective; school and office weights are 1) reads otherwise here: the
    # headline is not the model's figure relabelled
    assert abs(siting.summary["covered_share_pct"] - share) > 0.1
    assert siting.summary["people_covered_by"] == "coverage.rsrp"
    log = "\n".join(siting.record["log"])
    assert "siting model's count" in log and "People covered (coverage prediction" in log
    # the profile is stated once, by siting; coverage's interference notes (advice on a parameter siting does
    # not have) stay out of the siting log
    assert log.count("RF profile '") == 1
    assert "interference" not in log


def test_after_n_sites_the_figure_is_the_coverage_run_of_the_first_n(planned):
    siting, demand, buildings, context = planned
    selected = siting.outputs["selected_sites"]
    cumulative = selected.gdf["cumulative_people_pct"].to_numpy()
    assert np.all(np.diff(cumulative) >= 0)
    assert cumulative[-1] == siting.summary["people_covered_pct"]
    for n in (1, 3):
        first = VectorLayer(selected.gdf.iloc[:n].copy(), f"first {n}")
        assert cumulative[n - 1] == _coverage(first, demand, buildings, context).summary["people_covered_pct"], n


def test_default_extent_counts_demand_beyond_the_reach_as_not_covered():
    # one strong free-space cell at the origin reaching 100 m: the grid is [-100, 100]² at 5 m
    x0, y0 = ORIGIN_X + 1000.0, ORIGIN_Y + 1000.0
    cell = VectorLayer(gpd.GeoDataFrame({"height_m": [10.0]}, geometry=shapely.points([(x0, y0)]), crs=CRS), "cell")
    features = [shapely.Point(x0 + 12.0, y0 + 12.0),                 # inside, 30 m away: covered
                shapely.box(x0 + 80.0, y0 - 10.0, x0 + 140.0, y0 + 10.0),  # 12 x 4 cells, 4 x 4 inside the grid
                shapely.Point(x0 + 600.0, y0)]                        # beyond the grid
    residents = np.array([100.0, 480.0, 250.0])
    demand = VectorLayer(gpd.GeoDataFrame({"residents": residents, "workers": 0.0}, geometry=features, crs=CRS),
                         "demand", kind="demand")
    params = {"transmitters": cell, "demand": demand, "model": "free_space", "eirp_dbm": 60.0, "max_radius": 100.0}
    reach = run_algorithm("coverage.rsrp", params)
    assert reach.outputs["rsrp"].extent == pytest.approx((x0 - 100.0, y0 - 100.0, x0 + 100.0, y0 + 100.0))
    # by hand: the point, and the square's 16 of 48 cells inside the grid (all within 98 m), of all residents
    covered = 100.0 + 480.0 * 16 / 48
    assert reach.summary["people_total"] == residents.sum()
    assert reach.summary["people_covered"] == pytest.approx(covered)
    assert reach.summary["people_covered_pct"] == pytest.approx(100.0 * covered / residents.sum(), abs=1e-3)
    # an explicit extent is the study area: only what lies in it counts, the square all in its cells inside
    study = run_algorithm("coverage.rsrp", {**params, "extent": (x0 - 100.0, y0 - 100.0, x0 + 100.0, y0 + 100.0)})
    assert study.summary["people_total"] == 100.0 + 480.0
    assert study.summary["people_covered_pct"] == pytest.approx(100.0)


def test_the_report_and_the_dashboard_show_the_coverage_figure_of_the_plan(planned):
    from workbench.docks.dashboard import dashboard_numbers
    from workbench.export.report_data import collect_report_data, figure_values

    siting, demand, buildings, context = planned
    coverage = _coverage(siting.outputs["selected_sites"], demand, buildings, context)
    expected = f"{coverage.summary['people_covered_pct']:,.1f} %"
    project = Project(CRS)
    for layer in (demand, buildings):
        project.add_layer(layer)
    project.record_run(siting.record)
    project.add_layer(siting.outputs["selected_sites"])
    data = collect_report_data(project)
    assert figure_values(data.figures)["people_covered"] == expected
    assert data.curve["covered_pct"].iloc[-1] == coverage.summary["people_covered_pct"]
    assert dashboard_numbers(project).people_covered[0] == expected


class _CancelInThePrediction(Feedback):
    """Cancel pressed once the run's progress reaches the per-site predictions of the plan's figures."""

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        if percent >= 93.0:
            self.cancel()


def test_cancel_stops_the_prediction_of_the_plan(planned):
    _siting, demand, buildings, context = planned
    poles = _street_grid()[0]
    feedback = _CancelInThePrediction()
    with pytest.raises(Cancelled):
        run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "buildings": buildings, "sites": 5,
                                      "coverage_mode": "rf", "method": "greedy"}, context, feedback)
    assert any("siting model's count" in line for line in feedback.messages)
    assert not any(line.startswith("People covered (coverage prediction") for line in feedback.messages)
