"""Window search (exact re-solves of neighbourhoods of a k-site plan) against brute force and plain HiGHS, and the
saturated path of the exact k-site model that uses it."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse.csgraph as csgraph

from plugins.api import Cancelled, Feedback
from plugins.siting.greedy import lazy_greedy
from plugins.siting.milp import MAXIMISE_COUNT, solve_reduced
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model
from plugins.siting.relaxation import first_order_lp
from plugins.siting.solve import solve_mclp
from plugins.siting.swap import swap_improve
from plugins.siting.window_search import window_search
from tests.siting.conftest import best_value, random_problem


def _connected(problem: SitingProblem) -> bool:
    """Every candidate linked to every other through shared demand points (so one window holds them all)."""
    a = problem.coverage.to_scipy().astype(np.int32)
    return csgraph.connected_components(a @ a.T, directed=False)[0] == 1


def _saturated_problem(seed: int) -> SitingProblem:
    """120 candidates and 1,500 points in 800 m x 800 m at 150 m (14 sites could cover the square 1.5 times, 16
    sites 1.8 times)."""
    rng = np.random.default_rng(seed)
    coverage = radius_coverage(rng.uniform(0, 800, (120, 2)), rng.uniform(0, 800, (1500, 2)), 150.0)
    return SitingProblem(coverage, rng.integers(1, 101, 1500).astype(float))


def test_one_window_holding_every_site_finds_the_brute_force_optimum(rng):
    checked = 0
    while checked < 25:
        problem = random_problem(rng, candidates=(5, 10), demand=(8, 25))
        k = int(rng.integers(1, problem.n_candidates))
        if not _connected(problem):
            continue
        start = rng.choice(problem.n_candidates, k, replace=False)
        result = window_search(problem.coverage, problem.weights, start, seconds=10.0)
        assert result.selected.size == k
        assert result.value == problem.value(result.selected)
        assert result.value == best_value(problem, k)
        checked += 1


def test_window_search_goes_past_the_swap_local_optimum_and_stays_below_the_optimum():
    problem = _saturated_problem(11)
    k = 14
    swapped, swapped_value = swap_improve(problem.coverage, problem.weights, np.arange(k), seconds=10.0)
    result = window_search(problem.coverage, problem.weights, swapped, seconds=2.0)
    optimum = solve_reduced(reduce_model(problem.coverage, problem.weights), MAXIMISE_COUNT, k=k, time_limit=120.0)
    assert optimum.status == "optimal"
    assert np.unique(result.selected).size == k
    assert result.value == problem.value(result.selected)
    assert swapped_value < result.value <= optimum.objective + 1e-6
    assert result.windows >= result.improved >= 1


def test_saturated_k_site_model_spends_its_time_on_the_plan_and_proves_full_coverage():
    """16 sites: the LP covers everything, and so does the optimum (plain HiGHS: 75,147), which the greedy and
    swaps miss; window search finds it, in exact mode (where the trivial bound proves it) and in fast mode."""
    problem = _saturated_problem(11)
    k = 16
    greedy = lazy_greedy(problem.coverage, problem.weights, max_sites=k)
    _, swapped_value = swap_improve(problem.coverage, problem.weights, greedy.order, seconds=10.0)
    optimum = solve_reduced(reduce_model(problem.coverage, problem.weights), MAXIMISE_COUNT, k=k, time_limit=120.0)
    assert optimum.status == "optimal" and swapped_value < optimum.objective == problem.coverable_weight
    plan = solve_mclp(problem, k, time_limit=20.0)
    assert any("LP relaxation covers" in note for note in plan.notes)
    assert "window search" in plan.solver
    assert plan.objective == optimum.objective == plan.bound
    assert plan.status == "optimal" and plan.sites == k
    fast = solve_mclp(problem, k, method="greedy")
    assert "window search" in fast.solver and fast.status == "greedy"
    assert fast.objective == optimum.objective and fast.bound >= optimum.objective


def test_the_saturation_test_never_claims_more_than_the_lp_optimum(rng):
    for _ in range(15):
        problem = random_problem(rng, candidates=(5, 30), demand=(10, 200))
        reduced = reduce_model(problem.coverage, problem.weights)
        if reduced.n_rows == 0:
            continue
        k = int(rng.integers(1, reduced.n_candidates + 1))
        lp = solve_reduced(reduced, MAXIMISE_COUNT, k=k, relax=True).objective
        reached = first_order_lp(reduced, k, seconds=10.0).reached
        assert reached <= lp + 1e-6 * max(1.0, lp)
        assert reached >= 0.999 * lp


def test_an_unsaturated_model_keeps_the_root_relaxation_path(rng):
    coverage = radius_coverage(rng.uniform(0, 3000, (200, 2)), rng.uniform(0, 3000, (2000, 2)), 150.0)
    problem = SitingProblem(coverage, rng.integers(1, 101, 2000).astype(float))
    plan = solve_mclp(problem, 20, time_limit=30.0)
    assert plan.status == "optimal"
    assert "window search" not in plan.solver
    assert not any("LP relaxation covers" in note for note in plan.notes)


def test_cancel_stops_window_search():
    problem = _saturated_problem(7)
    feedback = Feedback()
    feedback.cancel()
    with pytest.raises(Cancelled):
        window_search(problem.coverage, problem.weights, np.arange(12), seconds=30.0, feedback=feedback)
