"""Exact solvers equal the brute-force optimum; fast ones stay within the gap they state."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.siting.greedy import lazy_greedy
from plugins.siting.matrix import CoverageMatrix
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.solve import solve_budget_mclp, solve_lscp, solve_mclp
from tests.siting.conftest import best_value, best_within_budget, cheapest_cover, random_problem


def _check_max(plan, optimum, method):
    assert plan.bound >= optimum - 1e-9
    assert plan.objective <= optimum + 1e-9
    if method == "exact":
        assert plan.objective == pytest.approx(optimum, abs=1e-9) and plan.status == "optimal"
    elif optimum > 0:
        assert (optimum - plan.objective) / optimum <= plan.gap + 1e-12


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_mclp_matches_brute_force(rng, method):
    for trial in range(40):
        problem = random_problem(rng, beta=0.5 if trial % 2 else 0.0)
        k = int(rng.integers(1, problem.n_candidates + 1))
        plan = solve_mclp(problem, k, method=method)
        assert plan.sites <= k
        assert plan.objective == pytest.approx(problem.value(plan.selected), abs=1e-9)
        _check_max(plan, best_value(problem, k), method)


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_budget_mclp_matches_brute_force(rng, method):
    for _ in range(40):
        problem = random_problem(rng)
        budget = float(rng.integers(int(problem.costs.min()), 12))
        plan = solve_budget_mclp(problem, budget, method=method)
        assert plan.cost <= budget + 1e-9
        _check_max(plan, best_within_budget(problem, budget), method)


@pytest.mark.parametrize("method", ["exact", "greedy"])
@pytest.mark.parametrize("share", [1.0, 0.7])
@pytest.mark.parametrize("minimise", ["sites", "cost"])
def test_lscp_matches_brute_force(rng, method, share, minimise):
    for _ in range(25):
        problem = random_problem(rng)
        if problem.coverable_weight <= 0:
            continue
        costs = np.ones(problem.n_candidates) if minimise == "sites" else problem.costs
        optimum = cheapest_cover(problem, share, costs)
        plan = solve_lscp(problem, target_share=share, minimise=minimise, method=method)
        assert problem.covered_weight(plan.selected) >= share * problem.coverable_weight - 1e-6
        assert plan.bound <= optimum + 1e-9 <= plan.objective + 2e-9
        if method == "exact":
            assert plan.objective == pytest.approx(optimum) and plan.status == "optimal"
        else:
            assert (plan.objective - optimum) / plan.objective <= plan.gap + 1e-12


def test_a_start_plan_is_not_mistaken_for_a_better_one():
    """HiGHS 1.16 maps a setSolution start wrongly on this instance and calls a 393 plan optimal; the start now
    goes through the user-solution callback and every MILP answer is re-evaluated on the full problem."""
    dense = np.array([[1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0],
                      [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0],
                      [1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0],
                      [1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0],
                      [0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0],
                      [0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0]], bool)
    weights = np.array([43, 23, 25, 40, 38, 30, 12, 45, 36, 0, 39, 19, 10, 15, 47, 13, 28, 1, 14, 32], float)
    problem = SitingProblem(CoverageMatrix.from_dense(dense), weights, np.array([1, 4, 1, 4, 3, 1], float))
    plan = solve_budget_mclp(problem, 5.0)
    assert plan.objective == 438.0 and plan.selected.tolist() == [3, 5]


def test_limited_exact_run_still_returns_a_plan_with_a_valid_bound(rng):
    from plugins.siting.radius import radius_coverage

    demand = rng.uniform(0, 2000, (3000, 2))
    problem = SitingProblem(radius_coverage(rng.uniform(0, 2000, (400, 2)), demand, 150.0),
                            rng.integers(1, 101, 3000).astype(float))
    greedy = solve_mclp(problem, 40, method="greedy")
    exact = solve_mclp(problem, 40)                         # with its default work: never worse than fast mode
    assert exact.status == "optimal" and exact.objective >= greedy.objective - 1e-9
    plan = solve_mclp(problem, 40, work_limit=1)            # the work limit decides: HiGHS's root is counted too
    assert plan.status == "work limit"
    assert plan.sites <= 40 and plan.bound >= exact.objective >= plan.objective
    assert plan.objective >= lazy_greedy(problem.coverage, problem.weights, max_sites=40).value
    safety = solve_mclp(problem, 40, time_limit=0.05)       # the outer safety stops it, and says so
    assert safety.status in ("time limit", "optimal")
    assert safety.sites <= 40 and safety.bound >= safety.objective >= problem.value(safety.selected) - 1e-9


def test_bad_requests_name_the_problem():
    problem = SitingProblem(CoverageMatrix.from_dense(np.eye(3, dtype=bool)), np.ones(3), np.array([2.0, 3, 4]))
    with pytest.raises(ValueError, match="at least 1"):
        solve_mclp(problem, 0)
    with pytest.raises(ValueError, match="cheapest site"):
        solve_budget_mclp(problem, 1.0)
    with pytest.raises(ValueError, match="method"):
        solve_mclp(problem, 1, method="fast")
    with pytest.raises(ValueError, match="target share"):
        solve_lscp(problem, target_share=1.5)
    with pytest.raises(ValueError, match="demand weights"):
        SitingProblem(CoverageMatrix.from_dense(np.eye(3, dtype=bool)), -np.ones(3))


def test_a_plan_that_meets_a_cheap_bound_is_reported_optimal_at_once():
    """Demand weighing nothing (or all of it covered by the greedy) needs no LP: the plan meets a bound."""
    rng = np.random.default_rng(3)
    coverage = radius_coverage(rng.uniform(0, 800, (60, 2)), rng.uniform(0, 800, (600, 2)), 150.0)
    for weights in (np.zeros(600), np.where(rng.random(600) < 0.01, 5.0, 0.0)):
        for plan in (solve_mclp(SitingProblem(coverage, weights), 16, time_limit=30.0),
                     solve_budget_mclp(SitingProblem(coverage, weights), 16.0, time_limit=30.0)):
            assert plan.status == "optimal" and plan.gap == 0.0
            assert plan.objective == SitingProblem(coverage, weights).coverable_weight


def test_notes_write_large_demand_as_whole_numbers_not_exponents():
    from plugins.siting.wording import amount

    assert amount(9366470.4) == "9,366,470" and amount(1000.0) == "1,000"
    assert amount(447.25) == "447.25" and amount(0.125) == "0.125"
