"""MILPs in a child process: the same optimum as in this process, Cancel ends the child at once, and a child
that dies says so."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.api import Cancelled, Feedback
from plugins.siting import highs_process, milp
from plugins.siting.effort import Effort
from plugins.siting.highs_process import SolverProcessError
from plugins.siting.milp import MAXIMISE_COUNT, solve_reduced
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model


def _reduced(seed: int, n_candidates: int, side: float):
    rng = np.random.default_rng(seed)
    coverage = radius_coverage(rng.uniform(0, side, (n_candidates, 2)),
                               rng.uniform(0, side, (10 * n_candidates, 2)), 150.0)
    problem = SitingProblem(coverage, rng.integers(1, 101, 10 * n_candidates).astype(float))
    return reduce_model(problem.coverage, problem.weights)


def test_the_child_process_finds_the_same_optimum(monkeypatch):
    reduced = _reduced(3, 400, 2240.0)
    here = solve_reduced(reduced, MAXIMISE_COUNT, k=40, time_limit=60.0)
    monkeypatch.setattr(milp, "CHILD_MIN_NONZEROS", 0)
    seed = here.selected[:20]
    there = solve_reduced(reduced, MAXIMISE_COUNT, k=40, time_limit=60.0, seed=seed)
    assert here.status == there.status == "optimal"
    assert there.objective == pytest.approx(here.objective, rel=1e-12)
    assert there.bound == pytest.approx(here.bound, rel=1e-9)


class _CancelOnceSolving(Feedback):
    """Cancels at the first progress the child reports from inside HiGHS (progress above 0)."""

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        if percent > 0:
            self.cancel()


def test_cancel_ends_the_child_process(monkeypatch):
    """A dense instance that HiGHS needs tens of seconds for; Cancel while it solves raises Cancelled."""
    monkeypatch.setattr(milp, "CHILD_MIN_NONZEROS", 0)
    reduced = _reduced(5, 300, 1500.0)
    feedback = _CancelOnceSolving()
    with pytest.raises(Cancelled):
        solve_reduced(reduced, MAXIMISE_COUNT, k=30, time_limit=600.0, feedback=feedback)
    assert feedback.progress > 0


def test_a_child_that_dies_is_reported_not_taken_for_a_time_limit(monkeypatch, tmp_path):
    """A child that cannot run (here: its script is missing) raises with its exit code and error output."""
    monkeypatch.setattr(milp, "CHILD_MIN_NONZEROS", 0)
    monkeypatch.setattr(highs_process, "CHILD", tmp_path / "missing_child.py")
    with pytest.raises(SolverProcessError, match=r"exit code 2\).*missing_child\.py"):
        solve_reduced(_reduced(3, 60, 600.0), MAXIMISE_COUNT, k=6, time_limit=60.0)


def test_a_child_past_its_time_limit_is_ended_and_the_safety_says_so(monkeypatch, tmp_path):
    """HiGHS may overrun its time limit inside a root cut round; a child that never stops (here: one that only
    sleeps) is ended at the safety deadline plus the effort's grace, and the MILP reports the safety limit, not a
    failure and not the work limit."""
    monkeypatch.setattr(milp, "CHILD_MIN_NONZEROS", 0)
    stuck = tmp_path / "stuck_child.py"
    stuck.write_text("import time\ntime.sleep(3600)\n")
    monkeypatch.setattr(highs_process, "CHILD", stuck)
    effort = Effort(10_000_000, 0.5)
    result = solve_reduced(_reduced(3, 60, 600.0), MAXIMISE_COUNT, k=6, effort=effort)
    assert result.status == "time limit" and effort.stopped == ["MILP"] and effort.note() is not None
    assert result.selected.size == 0          # it saved no plan: none is made up
