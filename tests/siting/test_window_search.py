"""Window search (exact re-solves of neighbourhoods of a k-site plan) against brute force and plain HiGHS, and the
saturated path of the exact k-site model that uses it."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse.csgraph as csgraph

from plugins.api import Cancelled, Feedback
from plugins.siting import window_search as window_search_module
from plugins.siting.effort import ITERATIONS_PER_WINDOW, Effort
from plugins.siting.greedy import lazy_greedy
from plugins.siting.milp import MAXIMISE_COUNT, root_check, solve_reduced
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model
from plugins.siting.relaxation import first_order_lp
from plugins.siting.solve import solve_mclp
from plugins.siting.swap import swap_improve
from plugins.siting.window_search import LARGEST_SIZE, WORKERS, window_search
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


def _dense_window(seed: int, k: int) -> window_search_module._WindowModel:
    """The 120-site window holding every site of a saturated problem around its greedy plan: its MILP needs
    ~40,000-150,000 counted work (dozens of root callbacks and nodes) to prove its optimum."""
    problem = _saturated_problem(seed)
    greedy = lazy_greedy(problem.coverage, problem.weights, max_sites=k).order
    plan = window_search_module._Plan(problem.coverage, problem.weights, np.asarray(greedy, np.int64))
    sub = window_search_module._window_model(plan, np.arange(problem.n_candidates))
    assert sub is not None
    return sub


def test_a_window_past_its_root_work_budget_ends_by_work_limit_with_a_valid_plan_and_bound():
    """Three root callbacks' worth of work: HiGHS is interrupted at its root (cut rounds, heuristics), by the
    work meter, not the clock; the plan keeps the window's site count and the bound is at least the window's
    optimum (the same MILP with the full budget); two runs give the same plan, bound and work."""
    sub = _dense_window(11, 12)
    sites = int(sub.in_window.sum())
    budget = 3 * root_check(sub.model.n_rows + 1, sub.window.size)
    full = window_search_module._solve_window(sub, 10**9, 600.0, Feedback())
    assert full.status == "optimal" and full.spent > budget
    optimum = sub.now + full.gain
    runs = [window_search_module._solve_window(sub, budget, 600.0, Feedback()) for _ in range(2)]
    for run in runs:
        assert run.status == "work limit"
        assert budget <= run.spent <= budget + root_check(sub.model.n_rows + 1, sub.window.size)
        assert run.leaving.size == run.entering.size
        assert sub.in_window[np.isin(sub.window, run.leaving)].all()
        assert not sub.in_window[np.isin(sub.window, run.entering)].any()
        after = sub.in_window & ~np.isin(sub.window, run.leaving) | np.isin(sub.window, run.entering)
        assert after.sum() == sites
        assert 0.0 <= run.gain <= full.gain
        assert run.gain == sub.value(after) - sub.now
        assert run.bound >= optimum - 1e-6 * optimum
    assert np.array_equal(runs[0].entering, runs[1].entering) and np.array_equal(runs[0].leaving, runs[1].leaving)
    assert runs[0].bound == runs[1].bound and runs[0].spent == runs[1].spent


def test_window_search_spends_the_work_its_meters_count_within_its_share():
    """30 windows' share (60,000 work) of a larger effort: window search deducts exactly what the windows'
    meters counted, which stays within the share (each window may end one callback past its part), and the same
    plan comes out twice."""
    problem = _saturated_problem(11)
    start, _ = swap_improve(problem.coverage, problem.weights, np.arange(14), seconds=10.0)
    results = []
    for _ in range(2):
        effort = Effort(1_000_000, 600.0)
        result = window_search(problem.coverage, problem.weights, start, max_windows=30, effort=effort)
        assert result.spent == effort.spent > 0
        assert result.windows <= 30
        assert result.spent <= 30 * ITERATIONS_PER_WINDOW + WORKERS * root_check(problem.n_demand + 1, LARGEST_SIZE)
        assert result.value == problem.value(result.selected) and np.unique(result.selected).size == 14
        assert not effort.stopped
        results.append(result)
    assert np.array_equal(results[0].selected, results[1].selected)
    assert results[0].spent == results[1].spent and results[0].windows == results[1].windows
