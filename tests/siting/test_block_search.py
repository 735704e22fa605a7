"""Block search (re-placing each block's sites from random starts, everything outside fixed) against brute force,
an independent recount of the plan, the connected components of the site graph, a pure-Python splitmix64, and the
large-model path of solve_mclp that uses it (its gap must stay honest: plan <= optimum <= bound)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse.csgraph as csgraph

import plugins.siting.solve as solve
from plugins.siting import solve_mclp
from plugins.siting.block_search import _next, block_search, partition
from plugins.siting.effort import ITERATIONS_PER_SWEEP, Effort
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.swap import swap_improve
from tests.siting.conftest import best_value, random_problem

MASK = (1 << 64) - 1


def _splitmix64(state: int) -> tuple[int, int]:
    """The reference generator (Steele, Lea and Flood 2014), in plain Python integers."""
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def _city_like(seed: int, candidates: int = 400, demand: int = 4000, side: float = 2000.0) -> SitingProblem:
    rng = np.random.default_rng(seed)
    coverage = radius_coverage(rng.uniform(0, side, (candidates, 2)), rng.uniform(0, side, (demand, 2)), 150.0)
    return SitingProblem(coverage, rng.integers(0, 101, demand).astype(float))


def _site_graph(problem: SitingProblem) -> np.ndarray:
    a = problem.coverage.to_scipy().astype(np.int32)
    return (a @ a.T).tocsr()


def test_the_random_numbers_are_splitmix64():
    state = np.array([np.uint64(20240601)], np.uint64)
    reference = 20240601
    for _ in range(5):
        reference, expected = _splitmix64(reference)
        assert int(_next(state)) == expected


def test_one_block_holding_every_site_finds_the_brute_force_optimum(rng):
    checked = 0
    while checked < 30:
        problem = random_problem(rng, candidates=(4, 10), demand=(8, 30))
        if csgraph.connected_components(_site_graph(problem), directed=False)[0] > 1:
            continue                    # a block never spans two pieces: sites do not move between them
        checked += 1
        k = int(rng.integers(1, problem.n_candidates))
        start = rng.choice(problem.n_candidates, k, replace=False)
        result = block_search(problem.coverage, problem.weights, start, sweeps=1, block_sites=problem.n_candidates,
                              starts=200)
        assert result.selected.size == k
        assert result.value == pytest.approx(problem.value(result.selected))
        assert result.value == pytest.approx(best_value(problem, k))


def test_blocks_partition_the_sites_into_connected_pieces_of_at_most_the_size():
    problem = _city_like(3)
    graph = _site_graph(problem)
    by_demand = problem.coverage.by_demand()
    for size, seed in ((1, 0), (25, 1), (60, 2), (10_000, 3)):
        label = partition(problem.coverage.indptr, problem.coverage.indices.astype(np.int64),
                          by_demand.indptr.astype(np.int64), by_demand.indices.astype(np.int64), size, seed)
        assert label.min() == 0 and np.all(np.bincount(label) <= size)
        for b in range(int(label.max()) + 1):
            members = np.flatnonzero(label == b)
            pieces = csgraph.connected_components(graph[members][:, members], directed=False)[0]
            assert pieces == 1
        if size >= problem.n_candidates:       # one block per connected component of the site graph
            assert label.max() + 1 == csgraph.connected_components(graph, directed=False)[0]


def test_many_blocks_keep_k_recount_right_and_never_lose_value():
    for seed in range(4):
        problem = _city_like(seed)
        k = 40
        start, start_value = swap_improve(problem.coverage, problem.weights, np.arange(k), seconds=60.0)
        result = block_search(problem.coverage, problem.weights, start, sweeps=3, block_sites=50, starts=10)
        assert np.unique(result.selected).size == k
        assert result.value == pytest.approx(problem.value(result.selected))     # recounted from scratch
        assert result.value >= start_value
        assert result.blocks > 3 and result.starts == 10 * result.blocks


def test_it_goes_past_the_swap_local_optimum():
    gains = 0
    for seed in range(4):
        problem = _city_like(seed)
        start, start_value = swap_improve(problem.coverage, problem.weights, np.arange(40), seconds=60.0)
        gains += block_search(problem.coverage, problem.weights, start, sweeps=3, block_sites=50,
                              starts=10).value > start_value
    assert gains >= 3


def test_same_inputs_same_plan():
    problem = _city_like(7)
    start = np.arange(40)
    first = block_search(problem.coverage, problem.weights, start, sweeps=2, block_sites=50, starts=10)
    again = block_search(problem.coverage, problem.weights, start, sweeps=2, block_sites=50, starts=10)
    np.testing.assert_array_equal(first.selected, again.selected)


def test_the_safety_limit_stops_it_and_says_so():
    problem = _city_like(2)
    start = np.arange(40)
    effort = Effort(10_000_000, 1e-9)           # expired at once (0 would be automatic)
    result = block_search(problem.coverage, problem.weights, start, sweeps=5, block_sites=50, starts=10, effort=effort)
    np.testing.assert_array_equal(result.selected, start)
    assert result.sweeps == 0 and effort.stopped == ["block search"] and effort.note() is not None
    counted = Effort(10_000_000, 600.0)
    block_search(problem.coverage, problem.weights, start, sweeps=3, block_sites=50, starts=10, effort=counted)
    assert counted.spent == 3 * ITERATIONS_PER_SWEEP and not counted.stopped


def test_bad_counts_are_refused():
    problem = _city_like(1, 20, 100)
    with pytest.raises(ValueError, match="sweeps"):
        block_search(problem.coverage, problem.weights, np.arange(3), sweeps=-1)


def test_the_large_model_path_reports_an_honest_gap(monkeypatch):
    problem = _city_like(11, 300, 3000, side=1500.0)    # dense: the bound stays above the optimum
    k = 20
    exact = solve_mclp(problem, k, method="exact")
    assert exact.status == "optimal"
    monkeypatch.setattr(solve, "LARGE_NONZEROS", 0)       # this instance counts as too large for one LP
    for method in ("greedy", "exact"):
        plan = solve_mclp(problem, k, method=method, work_limit=400_000)
        assert "block search" in plan.solver
        assert plan.objective == pytest.approx(problem.value(plan.selected))
        assert plan.objective <= exact.objective + 1e-6 <= plan.bound + 2e-6
        assert plan.gap == pytest.approx((plan.bound - plan.objective) / plan.bound)
