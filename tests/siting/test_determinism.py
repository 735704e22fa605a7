"""Same inputs, same plan: a siting run gives the identical plan and bound on an idle machine and beside
CPU-burning processes, because every limit that decides the answer counts work, not seconds (``effort``)."""

from __future__ import annotations

import subprocess
import sys
from unittest.mock import patch

import numpy as np
import pytest

import plugins.siting.solve as solve
from plugins.siting import SitingProblem, radius_coverage, solve_lscp, solve_mclp
from plugins.siting.effort import Effort

BURNERS = 3


def _instance() -> SitingProblem:
    """1,500 candidate poles and 15,000 weighted demand points in 5 km x 5 km, 150 m coverage (seeded)."""
    rng = np.random.default_rng(20240601)
    demand = rng.uniform(0, 5000, (15_000, 2))
    weights = rng.integers(1, 101, 15_000).astype(float)
    candidates = rng.uniform(0, 5000, (1_500, 2))
    return SitingProblem(radius_coverage(candidates, demand, 150.0), weights)


def _runs(problem: SitingProblem) -> list:
    """Both methods, a tight work limit, a covering model, and the path of models too large for one LP (its
    first-order LP bound and window search), forced by lowering the size that counts as large. All with the
    default, automatic safety time limit: on a busy machine too, only the work limits decide."""
    runs = [solve_mclp(problem, 150, method="greedy"),
            solve_mclp(problem, 150, method="exact"),
            solve_mclp(problem, 150, method="exact", work_limit=2_000),
            solve_lscp(problem, target_share=0.9, method="greedy")]
    with patch.object(solve, "LARGE_NONZEROS", 0):
        runs += [solve_mclp(problem, 150, method=method, work_limit=200_000) for method in ("greedy", "exact")]
    return runs


def _burning() -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(BURNERS)]


@pytest.fixture(scope="module")
def problem() -> SitingProblem:
    return _instance()


def test_same_plan_and_bound_idle_and_beside_busy_processes(problem):
    idle = _runs(problem)
    burners = _burning()
    try:
        loaded = _runs(problem)
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()
    for quiet, busy in zip(idle, loaded, strict=True):
        assert quiet.status != "time limit" and busy.status != "time limit"   # only work limits decided
        np.testing.assert_array_equal(quiet.selected, busy.selected)
        assert quiet.objective == busy.objective
        assert quiet.bound == busy.bound
        assert "work limit" in quiet.work and quiet.work == busy.work     # the budget, what was spent, the safety
        assert "automatic safety time limit" in quiet.work
        assert quiet.bound_from == busy.bound_from
    exact, limited = idle[1], idle[2]
    assert exact.status == "optimal"
    assert limited.objective <= exact.objective <= limited.bound          # a proven bound, whatever the budget
    for large in idle[4:]:
        assert "PDLP" in large.bound_from and large.objective <= exact.objective <= large.bound


def test_the_safety_limit_is_reported_as_such(problem):
    plan = solve_mclp(problem, 150, method="exact", time_limit=1e-3)
    assert plan.status == "time limit"
    assert any("safety time limit" in note and "may differ on another machine" in note for note in plan.notes)
    assert plan.objective <= plan.bound


def test_the_work_budget_is_stated():
    effort = Effort(12_345, 60.0)
    effort.spend(iterations=100, nodes=2)
    assert effort.left == 12_345 - 100 - 2 * 200
    assert "12,345" in effort.summary() and "60 s" in effort.summary()
    with pytest.raises(ValueError, match="work limit"):
        Effort(0, 60.0)
