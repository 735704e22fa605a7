"""Site selection refuses, before building the relation, what cannot fit in memory; the estimate is close."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

from layers.project_file import read_project
from plugins.api import AlgorithmError, Context
from plugins.resources import check_memory
from plugins.runner import run_algorithm
from plugins.siting.budget import pair_counts, siting_need
from plugins.siting.demand import vector_demand
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.solve import solve_mclp

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.lamp"


@pytest.fixture(scope="module")
def sample():
    return {layer.name: layer for layer in read_project(SAMPLE).layers}


def _xy(layer) -> np.ndarray:
    geoms = layer.gdf.geometry.to_numpy()
    return np.column_stack([shapely.get_x(geoms), shapely.get_y(geoms)])


def test_hostile_sample_parameters_are_refused_with_the_estimate(sample):
    """Every pole reaching every one of 5 million demand points: 14 billion pairs, hundreds of GB."""
    with pytest.raises(AlgorithmError) as caught:
        run_algorithm("siting.mclp", {"candidates": sample["lamp_poles"], "demand": sample["demand"],
                                      "radius": 20000, "sample_spacing": 1}, Context(workers=2))
    message = str(caught.value)
    # the sample is 4 km wide: every eligible pole (2,780 of 3,101) reaches every one of the ~5 million points
    assert message.startswith("needs about ") and " GB of memory for 2,780 poles x 4,996,816 demand points" in message
    assert f"within 20,000 m ({2780 * 4_996_816 / 1e9:.0f} billion pole-point pairs)" in message
    assert "To run it, use a smaller radius" in message


@pytest.mark.parametrize(("radius", "spacing"), [(150.0, 25.0), (400.0, 10.0), (2000.0, 50.0)])
def test_pair_estimate_matches_a_kd_tree_count(sample, radius, spacing):
    poles = _xy(sample["lamp_poles"])
    points = vector_demand(sample["demand"], spacing_m=spacing).xy
    counted = cKDTree(points).query_ball_point(poles, r=radius, return_length=True).sum()
    estimated, _ = pair_counts(poles, points, radius)
    assert estimated == pytest.approx(counted, rel=0.05)


def test_normal_sample_runs_pass_the_check(sample):
    poles = _xy(sample["lamp_poles"])
    points = vector_demand(sample["demand"], spacing_m=25.0).xy
    for method in ("exact", "greedy"):
        check_memory(siting_need(poles, points, 150.0, method=method))


def test_estimate_is_within_a_factor_two_of_what_building_and_solving_allocate(sample):
    """The relation, the problem and an exact solve of the sample (40 sites at 150 m) under tracemalloc."""
    poles, points = _xy(sample["lamp_poles"]), vector_demand(sample["demand"], spacing_m=25.0).xy
    weights = np.ones(len(points))
    solve_mclp(SitingProblem(radius_coverage(poles[:50], points, 150.0), weights), 3, method="exact")  # compiled
    need = siting_need(poles, points, 150.0, method="exact")
    tracemalloc.start()
    try:
        solve_mclp(SitingProblem(radius_coverage(poles, points, 150.0), weights), 40, method="exact", time_limit=5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert need.bytes / 2 <= peak <= need.bytes * 2
