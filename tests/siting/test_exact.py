"""The exact pipeline (root cuts, proven bound, fixing, MILP on the rest) against brute force on small instances and
against one plain HiGHS MILP of the whole model on medium random ones."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from plugins.siting.exact import value_step
from plugins.siting.milp import MAXIMISE_BUDGET, MAXIMISE_COUNT, solve_reduced
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model, restrict
from plugins.siting.relaxation import fixings, root_relaxation
from plugins.siting.solve import solve_budget_mclp, solve_mclp
from tests.siting.conftest import random_problem


def _radius_problem(rng, n_candidates: int, n_demand: int, side: float, integral: bool = True) -> SitingProblem:
    coverage = radius_coverage(rng.uniform(0, side, (n_candidates, 2)), rng.uniform(0, side, (n_demand, 2)), 150.0)
    weights = rng.integers(1, 101, n_demand).astype(float) if integral else rng.uniform(0.5, 100.0, n_demand)
    return SitingProblem(coverage, weights, costs=rng.integers(1, 4, n_candidates).astype(float))


def _plans(problem: SitingProblem, fits):
    for size in range(problem.n_candidates + 1):
        for plan in itertools.combinations(range(problem.n_candidates), size):
            if fits(plan):
                yield np.array(plan, np.int64)


def test_value_step_is_the_granularity_of_plan_values():
    assert value_step(np.array([3.0, 17.0, 100.0])) == 1.0
    assert value_step(np.array([0.0625, 3.5, 12.25])) == 0.0625
    assert value_step(np.array([1.0, np.pi])) == 0.0


@pytest.mark.parametrize("budgeted", [False, True])
def test_root_bound_and_fixings_never_exclude_a_best_plan(rng, budgeted):
    for _ in range(30):
        problem = random_problem(rng, candidates=(4, 9), demand=(6, 25))
        reduced = reduce_model(problem.coverage, problem.weights, costs=problem.costs if budgeted else None)
        if reduced.n_rows == 0:
            continue
        if budgeted:
            budget = float(rng.integers(2, 8))
            fits = lambda plan, b=budget, c=problem.costs: c[list(plan)].sum() <= b    # noqa: E731
            root = root_relaxation(reduced, budget=budget, costs=problem.costs[reduced.candidates],
                                   deadline=time.perf_counter() + 30)
        else:
            k = int(rng.integers(1, problem.n_candidates))
            fits = lambda plan, k=k: len(plan) <= k    # noqa: E731
            root = root_relaxation(reduced, k=k, deadline=time.perf_counter() + 30)
        plans = list(_plans(problem, fits))
        values = np.array([problem.value(p) for p in plans])
        best = values.max()
        assert root.bound >= best - 1e-7
        fixed = fixings(root, best, reduced.rows)
        position = {c: i for i, c in enumerate(reduced.candidates.tolist())}
        for plan in (p for p, v in zip(plans, values, strict=True) if v >= best - 1e-9):
            # a best plan using a dropped (dominated) site has a twin of equal value among the kept ones
            if not all(j in position for j in plan.tolist()):
                continue
            local = np.array([position[j] for j in plan.tolist()], np.int64)
            chosen = np.zeros(reduced.n_candidates, bool)
            chosen[local] = True
            assert not (chosen & fixed.site_out).any()
            assert not (fixed.site_in & ~chosen).any()


@pytest.mark.parametrize("integral", [True, False])
def test_exact_mclp_equals_one_plain_milp_of_the_whole_model(rng, integral):
    for _ in range(2):
        problem = _radius_problem(rng, 400, 4000, 2240.0, integral)   # the benchmark's density: an LP gap
        reduced = reduce_model(problem.coverage, problem.weights)
        for k in (20, 40):
            plain = solve_reduced(reduced, MAXIMISE_COUNT, k=k, time_limit=60.0)
            plan = solve_mclp(problem, k)
            assert plain.status == "optimal" and plan.status == "optimal"
            assert plan.sites <= k
            assert plan.objective == pytest.approx(plain.objective, rel=1e-9)
            assert plan.objective == pytest.approx(problem.value(plan.selected), rel=1e-12)
            assert plan.bound == plan.objective and plan.gap == 0.0     # proven: no rounding noise in the gap


def test_exact_budget_mclp_equals_one_plain_milp_of_the_whole_model(rng):
    for _ in range(3):
        problem = _radius_problem(rng, 300, 3000, 1940.0)
        reduced = reduce_model(problem.coverage, problem.weights, costs=problem.costs)
        for budget in (20.0, 45.0):
            plain = solve_reduced(reduced, MAXIMISE_BUDGET, budget=budget, costs=problem.costs[reduced.candidates],
                                  time_limit=60.0)
            plan = solve_budget_mclp(problem, budget)
            assert plain.status == "optimal" and plan.status == "optimal"
            assert plan.cost <= budget + 1e-9
            assert plan.objective == pytest.approx(plain.objective, rel=1e-9)
            assert plan.bound == plan.objective and plan.gap == 0.0


def test_the_cuts_tighten_the_lp_bound_and_stay_above_the_optimum():
    problem = _radius_problem(np.random.default_rng(3), 400, 4000, 2240.0)
    reduced = reduce_model(problem.coverage, problem.weights)
    k = 40
    plain = solve_reduced(reduced, MAXIMISE_COUNT, k=k, relax=True)
    root = root_relaxation(reduced, k=k, deadline=time.perf_counter() + 60)
    optimum = solve_mclp(problem, k).objective
    assert root.cuts and root.bound < plain.objective - 1e-6
    assert optimum <= root.bound + 1e-7


@pytest.mark.parametrize("short_of_optimum", [0.0, 150.0])
def test_the_milp_on_the_fixed_model_finds_the_plain_optimum(short_of_optimum):
    """Fixing against a plan worth a little less than the optimum and restricting the model to the sites left
    open, with the cuts carried over as rows, leaves a model whose optimum is the whole model's."""
    problem = _radius_problem(np.random.default_rng(3), 400, 4000, 2240.0)
    reduced = reduce_model(problem.coverage, problem.weights)
    k = 40
    plain = solve_reduced(reduced, MAXIMISE_COUNT, k=k, time_limit=60.0)
    root = root_relaxation(reduced, k=k, deadline=time.perf_counter() + 60)
    fixed = fixings(root, plain.objective - short_of_optimum, reduced.rows)
    assert fixed.free_sites < reduced.n_candidates
    restricted = restrict(reduced, fixed.site_out, fixed.site_in, cuts=root.cuts)
    sub = restricted.model
    assert sub.n_candidates == fixed.free_sites
    result = solve_reduced(sub, MAXIMISE_COUNT, k=k - restricted.built.size, cuts=restricted.cuts, time_limit=60.0)
    assert plain.status == "optimal" and result.status == "optimal"
    assert restricted.offset + result.objective == pytest.approx(plain.objective, rel=1e-12)
    columns = np.concatenate([restricted.built, restricted.columns[sub.candidates[result.selected]]])
    assert problem.value(reduced.candidates[columns]) == pytest.approx(plain.objective, rel=1e-12)
