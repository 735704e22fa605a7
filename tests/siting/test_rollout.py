"""Build order, phases and the coverage curve, checked against direct recomputation and brute force."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.siting.rollout import build_order, coverage_curve
from plugins.siting.solve import solve_mclp
from tests.siting.conftest import best_value, random_problem


def test_build_order_adds_what_it_says(rng):
    for _ in range(30):
        problem = random_problem(rng, candidates=(4, 9))
        plan = solve_mclp(problem, int(rng.integers(1, problem.n_candidates + 1)))
        rollout = build_order(problem, plan.selected, phases=3)
        assert sorted(rollout.order.tolist()) == plan.selected.tolist()
        for t in range(len(rollout)):
            assert rollout.cumulative_demand[t] == pytest.approx(problem.covered_weight(rollout.order[: t + 1]))
        assert np.all(np.diff(rollout.new_value) <= 1e-9)   # greedy order: gains never grow
        assert rollout.phase[0] == 1 and np.all(np.diff(rollout.phase) >= 0)
        assert rollout.phase[-1] == min(3, len(rollout))


def test_phases_split_the_plan_evenly(rng):
    problem = random_problem(rng, candidates=(8, 9), demand=(40, 41))
    rollout = build_order(problem, np.arange(8), phases=4)
    assert np.bincount(rollout.phase)[1:].tolist() == [2, 2, 2, 2]


def test_curve_follows_the_plan_then_the_best_next_site_and_its_ceiling_holds(rng):
    for _ in range(15):
        problem = random_problem(rng, candidates=(5, 9))
        k = int(rng.integers(1, problem.n_candidates))
        plan = solve_mclp(problem, k)
        rollout = build_order(problem, plan.selected)
        curve = coverage_curve(problem, rollout, max_sites=problem.n_candidates, known_ceiling=plan.bound)
        assert curve["in_plan"].sum() == len(rollout)
        assert curve["covered_demand"].iloc[len(rollout) - 1] == pytest.approx(plan.covered_weight)
        assert np.all(np.diff(curve["covered_demand"]) >= -1e-9)
        assert np.all(np.diff(curve["best_possible_at_most"]) >= -1e-9)
        for row in curve.itertuples():
            assert row.best_possible_at_most >= best_value(problem, row.sites) - 1e-6
            assert row.covered_demand == pytest.approx(problem.covered_weight(curve["candidate"][: row.sites]))
