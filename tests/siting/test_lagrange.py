"""Lagrangian bounds against the LP relaxation built independently with scipy.optimize.linprog."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from plugins.siting import lagrange
from plugins.siting.greedy import lazy_greedy
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model
from plugins.siting.relaxation import cover_lp


def _instance(rng, n_candidates=150, n_demand=1500, side=1500.0):
    coverage = radius_coverage(rng.uniform(0, side, (n_candidates, 2)), rng.uniform(0, side, (n_demand, 2)), 150.0)
    return SitingProblem(coverage, rng.integers(1, 101, n_demand).astype(float))


def lp_mclp(problem: SitingProblem, k: int) -> float:
    """max w.y  s.t.  y_i <= sum_{j covers i} x_j,  sum x <= k,  0 <= x, y <= 1 (on the original points)."""
    a = problem.coverage.by_demand().astype(float)
    nd, nc = a.shape
    rows = sp.vstack([sp.hstack([-a, sp.identity(nd)]), sp.hstack([sp.csr_matrix(np.ones((1, nc))),
                                                                    sp.csr_matrix((1, nd))])]).tocsr()
    result = linprog(np.concatenate([np.zeros(nc), -problem.weights]), A_ub=rows,
                     b_ub=np.concatenate([np.zeros(nd), [k]]), bounds=(0, 1), method="highs")
    return -result.fun


def lp_cover(problem: SitingProblem) -> float:
    a = problem.coverage.by_demand().astype(float)
    reachable = problem.demand_degree > 0
    result = linprog(np.ones(a.shape[1]), A_ub=-a[reachable], b_ub=-np.ones(reachable.sum()), bounds=(0, 1),
                     method="highs")
    return result.fun


@pytest.mark.parametrize("k", [5, 20, 60])
def test_mclp_bound_is_valid_and_close_to_the_lp_bound(rng, k):
    problem = _instance(rng)
    reduced = reduce_model(problem.coverage, problem.weights)
    greedy = lazy_greedy(problem.coverage, problem.weights, max_sites=k)
    bound = lagrange.max_coverage_bound(reduced.rows, reduced.row_weight, reduced.private, k,
                                        incumbent=greedy.value, seconds=10.0)
    lp = lp_mclp(problem, k)
    assert bound >= lp - 1e-6 * lp
    assert bound <= lp * 1.01


def test_curve_bounds_are_valid_for_every_size(rng):
    problem = _instance(rng, 80, 800)
    reduced = reduce_model(problem.coverage, problem.weights)
    sizes = np.array([1, 5, 20])
    values = np.array([lazy_greedy(problem.coverage, problem.weights, max_sites=s).value for s in sizes])
    ceilings = lagrange.max_coverage_curve(reduced.rows, reduced.row_weight, reduced.private, sizes, values, 25)
    for k in (1, 3, 5, 12, 20, 25):
        assert ceilings[k - 1] >= lp_mclp(problem, k) - 1e-6 * ceilings[k - 1]
    assert ceilings[19] <= lp_mclp(problem, 20) * 1.02


def test_cover_bound_is_valid_and_close_to_the_lp_bound(rng):
    problem = _instance(rng, 300, 1200)
    reduced = reduce_model(problem.coverage, problem.weights, full_cover=True)
    lp = lp_cover(problem)
    bound = len(reduced.forced) + lagrange.cover_cost_bound(reduced.rows, np.ones(reduced.n_candidates),
                                                            incumbent=lp * 1.2, seconds=10.0)
    assert bound <= lp + 1e-6
    assert bound >= lp * 0.97


def lp_cover_target(problem: SitingProblem, target: float) -> float:
    """min sum x  s.t.  w.y >= target,  y_i <= sum_{j covers i} x_j,  0 <= x, y <= 1 (on the original points)."""
    a = problem.coverage.by_demand().astype(float)
    nd, nc = a.shape
    rows = sp.vstack([sp.hstack([-a, sp.identity(nd)]),
                      sp.hstack([sp.csr_matrix((1, nc)), sp.csr_matrix(-problem.weights[None, :])])]).tocsr()
    result = linprog(np.concatenate([np.ones(nc), np.zeros(nd)]), A_ub=rows,
                     b_ub=np.concatenate([np.zeros(nd), [-target]]), bounds=(0, 1), method="highs")
    return result.fun


@pytest.mark.parametrize("share", [1.0, 0.8])
def test_cover_bounds_at_the_lp_duals_equal_the_lp_bound(rng, share):
    """The fast covering bound: one evaluation of the Lagrangian at the LP's duals (interior point, no crossover)."""
    for _ in range(5):
        problem = _instance(rng, 200, 2000)
        full = share >= 1.0
        reduced = reduce_model(problem.coverage, problem.weights, full_cover=full)
        costs = np.ones(reduced.n_candidates)
        target = share * problem.coverable_weight
        start = cover_lp(reduced, costs, full=full, target=target, seconds=30.0).multipliers
        if full:
            lp = lp_cover(problem)
            bound = len(reduced.forced) + lagrange.cover_cost_bound(reduced.rows, costs, incumbent=lp, iterations=1,
                                                                    start=start)
        else:
            lp = lp_cover_target(problem, target)
            bound = lagrange.cover_target_bound(reduced.rows, reduced.row_weight, reduced.private, costs, target,
                                                incumbent=lp, iterations=1, start=start)
        assert bound <= lp + 1e-6
        assert bound >= lp * (1 - 1e-6)


def test_knapsack_takes_the_best_ratio_first():
    total, x = lagrange.knapsack(np.array([6.0, 5.0, 4.0, -1.0]), 3.0, np.array([3.0, 1.0, 1.0, 1.0]))
    assert total == pytest.approx(5.0 + 4.0 + 6.0 / 3) and x == pytest.approx([1 / 3, 1.0, 1.0, 0.0])
    total, x = lagrange.knapsack(np.array([6.0, 5.0, 4.0]), 2.0, None)
    assert total == 11.0 and x.tolist() == [1.0, 1.0, 0.0]
