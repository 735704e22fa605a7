"""Small random instances and a brute-force optimum to check the siting solvers against."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from plugins.siting.matrix import CoverageMatrix
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage


def poles_and_points() -> SitingProblem:
    """400 poles and 4,000 weighted points in 2.5 km x 2.5 km, 150 m (seeded): a model whose HiGHS runs take
    seconds, for the safety-limit and solver-process tests."""
    rng = np.random.default_rng(20240601)
    demand = rng.uniform(0, 2500, (4_000, 2))
    weights = rng.integers(1, 101, 4_000).astype(float)
    return SitingProblem(radius_coverage(rng.uniform(0, 2500, (400, 2)), demand, 150.0), weights)


def random_problem(rng: np.random.Generator, *, beta: float = 0.0, candidates: tuple[int, int] = (3, 9),
                   demand: tuple[int, int] = (5, 25)) -> SitingProblem:
    """A dense random coverage relation with integer weights (some zero) and integer costs."""
    nc, nd = int(rng.integers(*candidates)), int(rng.integers(*demand))
    dense = rng.random((nc, nd)) < rng.uniform(0.1, 0.5)
    weights = rng.integers(0, 50, nd).astype(float)
    costs = rng.integers(1, 5, nc).astype(float)
    return SitingProblem(CoverageMatrix.from_dense(dense), weights, costs, beta)


def plans(n: int, max_size: int):
    for size in range(max_size + 1):
        yield from itertools.combinations(range(n), size)


def best_value(problem: SitingProblem, k: int) -> float:
    """Brute-force optimum of the k-site model."""
    return max(problem.value(np.array(s, np.int64)) for s in plans(problem.n_candidates, k))


def best_within_budget(problem: SitingProblem, budget: float) -> float:
    return max(problem.value(np.array(s, np.int64)) for s in plans(problem.n_candidates, problem.n_candidates)
               if problem.costs[list(s)].sum() <= budget)


def cheapest_cover(problem: SitingProblem, share: float, costs: np.ndarray) -> float:
    goal = share * problem.coverable_weight - 1e-9
    return min(costs[list(s)].sum() for s in plans(problem.n_candidates, problem.n_candidates)
               if s and problem.covered_weight(np.array(s, np.int64)) >= goal)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)
