"""Cover descent (drop a site, win its demand back by window search) against brute force and plain HiGHS."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.siting.cover_descent import cover_descent
from plugins.siting.milp import COVER_ALL, solve_reduced
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model
from plugins.siting.solve import solve_lscp
from tests.siting.conftest import cheapest_cover, random_problem


@pytest.mark.parametrize("share", [1.0, 0.8])
def test_descent_keeps_the_target_and_never_beats_the_brute_force_minimum(rng, share):
    for _ in range(20):
        problem = random_problem(rng, candidates=(4, 9), demand=(6, 20))
        if problem.coverable_weight <= 0:
            continue
        goal = share * problem.coverable_weight - 1e-9
        start = np.arange(problem.n_candidates)
        result = cover_descent(problem.coverage, problem.weights, start, goal=goal, seconds=10.0)
        fewest = cheapest_cover(problem, share, np.ones(problem.n_candidates))
        assert problem.covered_weight(result.selected) >= goal
        assert fewest <= result.selected.size == start.size - result.dropped
        assert np.unique(result.selected).size == result.selected.size


def test_descent_improves_on_the_greedy_cover_of_a_dense_instance():
    """250 candidates and 2,500 points in 1 km x 1 km at 150 m: the greedy cover keeps sites that later ones
    made nearly redundant; the descent drops some and stays above the optimum HiGHS proves."""
    rng = np.random.default_rng(5)
    coverage = radius_coverage(rng.uniform(0, 1000, (250, 2)), rng.uniform(0, 1000, (2500, 2)), 150.0)
    problem = SitingProblem(coverage, rng.integers(1, 101, 2500).astype(float))
    greedy = solve_lscp(problem, method="greedy", minimise="sites")
    reduced = reduce_model(problem.coverage, problem.weights, full_cover=True)
    optimum = solve_reduced(reduced, COVER_ALL, costs=np.ones(reduced.n_candidates), time_limit=120.0)
    assert optimum.status == "optimal"
    fewest = reduced.forced.size + round(optimum.objective)
    from_scratch = solve_lscp(problem, method="greedy", minimise="cost")      # costs all 1: no descent there
    result = cover_descent(problem.coverage, problem.weights, from_scratch.selected,
                           goal=problem.coverable_weight - 1e-9, seconds=3.0)
    assert problem.covered_weight(result.selected) >= problem.coverable_weight - 1e-9
    assert fewest <= result.selected.size < from_scratch.selected.size
    assert greedy.objective <= from_scratch.objective and greedy.bound <= fewest
    assert any("cover descent" in note for note in greedy.notes) == (greedy.objective < from_scratch.objective)
