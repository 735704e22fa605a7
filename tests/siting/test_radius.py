"""The quick-mode coverage relation against a KD-tree ball query (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from plugins.api import Cancelled, Feedback
from plugins.siting.matrix import CoverageMatrix
from plugins.siting.radius import radius_coverage


@pytest.mark.parametrize("radius", [0.5, 40.0, 150.0, 3000.0])
def test_pairs_equal_a_kdtree_ball_query(rng, radius):
    candidates = rng.uniform(0, 1000, (200, 2))
    demand = rng.uniform(-100, 1100, (2000, 2))
    coverage = radius_coverage(candidates, demand, radius)
    expected = cKDTree(demand).query_ball_point(candidates, radius)
    for j in range(len(candidates)):
        assert sorted(coverage.covers(j).tolist()) == sorted(expected[j])
    assert coverage.nnz == sum(len(e) for e in expected)


def test_a_point_exactly_on_the_radius_is_covered():
    coverage = radius_coverage(np.array([[0.0, 0.0]]), np.array([[150.0, 0.0], [0.0, 150.0001]]), 150.0)
    assert coverage.covers(0).tolist() == [0]


def test_tiny_radius_over_a_wide_area_still_finds_every_pair(rng):
    demand = rng.uniform(0, 1e6, (5000, 2))
    candidates = demand[:50] + 0.4
    coverage = radius_coverage(candidates, demand, 1.0)
    assert all(j in coverage.covers(j) for j in range(50))


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="radius"):
        radius_coverage(np.zeros((1, 2)), np.zeros((1, 2)), 0.0)
    with pytest.raises(ValueError, match="demand coordinates"):
        radius_coverage(np.zeros((1, 2)), np.array([[np.nan, 0.0]]), 10.0)


def test_cancel_stops_the_search(rng):
    feedback = Feedback()
    feedback.cancel()
    with pytest.raises(Cancelled):
        radius_coverage(rng.uniform(0, 10, (10, 2)), rng.uniform(0, 10, (10, 2)), 5.0, feedback=feedback)


def test_matrix_round_trips_and_subsets():
    dense = np.array([[1, 0, 1, 0], [0, 0, 0, 0], [1, 1, 0, 1]], bool)
    matrix = CoverageMatrix.from_dense(dense)
    assert matrix.n_candidates == 3 and matrix.n_demand == 4 and matrix.nnz == 5
    assert matrix.demand_degree().tolist() == [2, 1, 1, 1]
    assert np.array_equal(matrix.by_demand().toarray().T.astype(bool), dense)
    assert np.array_equal(matrix.to_scipy().toarray().astype(bool), dense)
    pairs = CoverageMatrix.from_pairs(np.array([2, 0, 2, 2]), np.array([3, 2, 3, 0]), 3, 4)
    assert pairs.covers(2).tolist() == [0, 3] and pairs.covers(0).tolist() == [2]
    with pytest.raises(ValueError, match="demand indices"):
        CoverageMatrix(np.array([0, 1]), np.array([7]), 4)
