"""The reductions keep the optimum: same best value on the reduced model as on the original, for every k."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from plugins.siting.matrix import CoverageMatrix
from plugins.siting.reduce import merge_identical_rows, reduce_model
from tests.siting.conftest import best_value, best_within_budget, random_problem


def reduced_value(reduced, chosen) -> float:
    x = np.zeros(reduced.n_candidates)
    x[list(chosen)] = 1
    return float(reduced.private @ x + reduced.row_weight @ np.minimum(reduced.rows @ x, 1))


def test_identical_rows_merge_with_summed_weight():
    import scipy.sparse as sp

    rows = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 1, 1]]))
    merged, weight = merge_identical_rows(rows, np.array([1.0, 2.0, 3.0, 4.0]))
    assert merged.toarray().tolist() == [[1, 0, 1], [0, 1, 0], [1, 1, 1]]
    assert weight.tolist() == [4.0, 2.0, 4.0]


@pytest.mark.parametrize("with_costs", [False, True])
def test_reduced_optimum_equals_the_original_for_every_k_and_budget(rng, with_costs):
    for _ in range(60):
        problem = random_problem(rng, candidates=(3, 8), demand=(4, 20))
        costs = problem.costs if with_costs else None
        reduced = reduce_model(problem.coverage, problem.weights, costs=costs)
        n = reduced.n_candidates
        subsets = [s for size in range(n + 1) for s in itertools.combinations(range(n), size)]
        if with_costs:
            kept_costs = problem.costs[reduced.candidates]
            for budget in range(int(problem.costs.min()), 10):
                best = max(reduced_value(reduced, s) for s in subsets if kept_costs[list(s)].sum() <= budget)
                assert best == pytest.approx(best_within_budget(problem, budget))
        else:
            for k in range(1, problem.n_candidates + 1):
                best = max(reduced_value(reduced, s) for s in subsets if len(s) <= k)
                assert best == pytest.approx(best_value(problem, k))
        for s in subsets[:20]:
            assert reduced_value(reduced, s) == pytest.approx(problem.value(reduced.candidates[list(s)]))


def test_dominated_and_twin_candidates_go_and_map_to_a_dominator():
    dense = np.array([[1, 1, 0, 0],     # 0: covers what 1 covers and more
                      [1, 0, 0, 0],     # 1: dominated by 0
                      [0, 0, 1, 1],     # 2
                      [0, 0, 1, 1],     # 3: twin of 2, the lower index stays
                      [0, 0, 0, 0]], bool)   # 4: covers nothing
    reduced = reduce_model(CoverageMatrix.from_dense(dense), np.ones(4))
    assert reduced.candidates.tolist() == [0, 2]
    assert reduced.local(np.array([1, 3])).tolist() == [0, 1]
    assert reduced.stats["dominated_candidates"] + reduced.stats["useless_candidates"] == 3


def test_double_coverage_keeps_twins(rng):
    dense = np.array([[1, 1], [1, 1]], bool)
    reduced = reduce_model(CoverageMatrix.from_dense(dense), np.ones(2), beta=0.5)
    assert reduced.n_candidates == 2


def test_full_cover_forces_the_only_coverer():
    dense = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]], bool)   # point 0 is reached by candidate 0 alone
    reduced = reduce_model(CoverageMatrix.from_dense(dense), np.ones(3), full_cover=True)
    # then 1 and 2 are twins for point 2: 2 goes, which leaves 1 as the only coverer of point 2
    assert reduced.forced.tolist() == [0, 1]
    assert reduced.n_candidates == 0 and reduced.n_rows == 0
