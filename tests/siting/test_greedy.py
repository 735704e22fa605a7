"""Lazy greedy against a plain (non-lazy) greedy, and its bounds against the brute-force optimum."""

from __future__ import annotations

import math

import numpy as np

from plugins.siting.greedy import curve_bounds, lazy_greedy, topk_bound
from plugins.siting.swap import swap_improve
from tests.siting.conftest import best_value, random_problem


def plain_greedy(problem, k):
    chosen: list[int] = []
    for _ in range(k):
        base = problem.value(np.array(chosen, np.int64))
        gains = [(problem.value(np.array(chosen + [j], np.int64)) - base, -j)
                 for j in range(problem.n_candidates) if j not in chosen]
        if not gains or max(gains)[0] <= 0:
            break
        chosen.append(-max(gains)[1])
    return chosen


def test_lazy_greedy_makes_the_same_choices_as_plain_greedy(rng):
    for trial in range(60):
        problem = random_problem(rng, beta=0.4 if trial % 2 else 0.0)
        k = int(rng.integers(1, problem.n_candidates + 1))
        run = lazy_greedy(problem.coverage, problem.weights, beta=problem.beta, max_sites=k)
        assert run.order.tolist() == plain_greedy(problem, k)
        assert math.isclose(run.value, problem.value(run.order), abs_tol=1e-9)


def test_bounds_hold_and_the_stated_gap_bounds_the_true_gap(rng):
    for trial in range(80):
        problem = random_problem(rng, beta=0.5 if trial % 3 == 0 else 0.0)
        k = int(rng.integers(1, problem.n_candidates))
        optimum = best_value(problem, k)
        run = lazy_greedy(problem.coverage, problem.weights, beta=problem.beta, max_sites=k)
        online = run.upper_bound(k)
        top = topk_bound(problem.coverage, problem.weights, run.counts, run.value, k, beta=problem.beta,
                         exclude=run.order)
        bound = min(online, top)
        assert bound >= optimum - 1e-9
        assert run.value >= (1 - 1 / math.e) * optimum - 1e-9
        if optimum > 0:
            assert (optimum - run.value) / optimum <= (bound - run.value) / bound + 1e-12


def test_budget_greedy_respects_the_budget_and_its_bound(rng):
    from tests.siting.conftest import best_within_budget

    for _ in range(60):
        problem = random_problem(rng)
        budget = float(rng.integers(int(problem.costs.min()), 12))
        run = lazy_greedy(problem.coverage, problem.weights, costs=problem.costs, budget=budget, use_ratio=True)
        assert problem.costs[run.order].sum() <= budget
        assert run.upper_bound(budget) >= best_within_budget(problem, budget) - 1e-9


def test_swaps_never_lose_value_and_keep_the_plan_size(rng):
    for _ in range(40):
        problem = random_problem(rng, candidates=(5, 10))
        k = int(rng.integers(1, problem.n_candidates))
        run = lazy_greedy(problem.coverage, problem.weights, max_sites=k)
        order, value = swap_improve(problem.coverage, problem.weights, run.order)
        assert value >= run.value - 1e-9 and order.size == run.order.size == len(set(order.tolist()))
        assert math.isclose(value, problem.value(order), abs_tol=1e-9)
        assert value <= best_value(problem, k) + 1e-9


def test_curve_bounds_cap_every_size(rng):
    for _ in range(30):
        problem = random_problem(rng)
        n = problem.n_candidates
        run = lazy_greedy(problem.coverage, problem.weights, max_sites=n)
        ceilings = curve_bounds(problem.coverage, problem.weights, run.order, n)
        for size in range(1, n + 1):
            assert ceilings[size - 1] >= best_value(problem, size) - 1e-9
