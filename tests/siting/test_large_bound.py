"""The bound of k-site models too large for one simplex or interior-point LP: the Lagrangian bound at the duals of
a first-order LP (PDLP), settled row by row. Checked against brute force on small random instances and against
the LP relaxation built independently with scipy.optimize.linprog."""

from __future__ import annotations

import numpy as np
import pytest

import plugins.siting.solve as solve
from plugins.siting import lagrange, solve_mclp
from plugins.siting.effort import Effort
from plugins.siting.milp import MAXIMISE_COUNT, solve_reduced
from plugins.siting.reduce import reduce_model
from plugins.siting.relaxation import first_order_lp
from tests.siting.conftest import best_value, random_problem
from tests.siting.test_lagrange import _instance, lp_mclp


def _bound_at(reduced, k: int, multipliers: np.ndarray) -> float:
    """B(mu) itself: one evaluation of the Lagrangian function, no step taken."""
    return lagrange.max_coverage_relaxation(reduced.rows, reduced.row_weight, reduced.private, k, iterations=1,
                                            start=multipliers).bound


@pytest.mark.parametrize("iterations", [1, 10, 100, 5000])
def test_duals_of_any_pdlp_iterate_bound_every_plan(rng, iterations):
    for _ in range(12):
        problem = random_problem(rng, candidates=(4, 9), demand=(8, 30))
        reduced = reduce_model(problem.coverage, problem.weights)
        if reduced.n_rows == 0:
            continue
        k = int(rng.integers(1, problem.n_candidates))
        duals = first_order_lp(reduced, k, iterations=iterations).duals
        optimum = best_value(problem, k)
        for multipliers in (duals, lagrange.settled(reduced.rows, reduced.row_weight, reduced.private, duals, k)):
            assert _bound_at(reduced, k, multipliers) >= optimum - 1e-6 * max(1.0, optimum)


def test_settling_never_raises_the_bound_and_keeps_it_valid(rng):
    for _ in range(20):
        problem = random_problem(rng, candidates=(4, 9), demand=(8, 30))
        reduced = reduce_model(problem.coverage, problem.weights)
        if reduced.n_rows == 0:
            continue
        k = int(rng.integers(1, problem.n_candidates))
        start = rng.uniform(0.0, 2.0, reduced.n_rows) * reduced.row_weight      # anything >= 0
        settled = lagrange.settled(reduced.rows, reduced.row_weight, reduced.private, start, k)
        assert np.all(settled >= 0)
        before, after = _bound_at(reduced, k, start), _bound_at(reduced, k, settled)
        assert after <= before + 1e-9 * max(1.0, before)
        optimum = best_value(problem, k)
        assert after >= optimum - 1e-6 * max(1.0, optimum)


def test_converged_duals_give_the_lp_bound(rng):
    problem = _instance(rng, 150, 1500)
    reduced = reduce_model(problem.coverage, problem.weights)
    k = 20
    lp = lp_mclp(problem, k)
    duals = first_order_lp(reduced, k, iterations=20_000).duals
    bound = _bound_at(reduced, k, lagrange.settled(reduced.rows, reduced.row_weight, reduced.private, duals, k))
    assert lp - 1e-6 * lp <= bound <= lp * (1 + 1e-4)


def test_a_large_model_gets_a_valid_first_order_bound_and_names_it(rng, monkeypatch):
    problem = _instance(rng, 300, 3000, side=2500.0)
    k = 30
    exact = solve_mclp(problem, k, method="exact")
    assert exact.status == "optimal" and "PDLP" not in exact.bound_from
    lp = lp_mclp(problem, k)
    monkeypatch.setattr(solve, "LARGE_NONZEROS", 0)       # this instance counts as too large for one LP
    for method in ("greedy", "exact"):
        plan = solve_mclp(problem, k, method=method, work_limit=100_000)
        assert "PDLP" in plan.bound_from
        assert plan.objective <= exact.objective <= plan.bound
        assert lp - 1e-6 * lp <= plan.bound <= lp * 1.002    # the LP bound, to within 0.2 %
        assert plan.gap < 0.01


def test_highs_stops_at_its_iteration_count_not_at_a_time(rng):
    problem = _instance(rng, 150, 1500)
    reduced = reduce_model(problem.coverage, problem.weights)
    effort = Effort(25, 600.0)
    result = solve_reduced(reduced, MAXIMISE_COUNT, k=20, relax=True, effort=effort)
    assert result.status == "work limit" and effort.left == 0 and effort.spent == 25 and not effort.stopped
    full = solve_reduced(reduced, MAXIMISE_COUNT, k=20, relax=True, effort=Effort(10_000_000, 600.0))
    assert full.status == "optimal"
    few, again = first_order_lp(reduced, 20, iterations=3), first_order_lp(reduced, 20, iterations=3)
    np.testing.assert_array_equal(few.duals, again.duals)          # the count decides where it stopped
    many = first_order_lp(reduced, 20, iterations=20_000)
    assert _bound_at(reduced, 20, many.duals) < _bound_at(reduced, 20, few.duals)
