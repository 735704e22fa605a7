"""The outer safety time limit: whichever phase it runs out in, that phase stops, the run says the safety stopped
it (status "time limit", a note naming the phase; never "work limit"), and the plan is still a valid plan under
a valid bound. Left at 0, the limit is automatic and stated, and a default run ends by its work.

The limit is made to run out exactly as the phase starts (its deadline is set to that moment), so each case
reaches its phase on any machine; nothing here measures time."""

from __future__ import annotations

import time

import numpy as np
import pytest

import plugins.siting.exact as exact
import plugins.siting.lagrange as lagrange
import plugins.siting.milp as milp
import plugins.siting.solve as solve
from plugins.siting import SitingProblem, radius_coverage, solve_lscp, solve_mclp
from plugins.siting.effort import MIN_SAFETY_SECONDS, SAFETY_FACTOR, SAFETY_TOLERANCE, Effort
from plugins.siting.reduce import reduce_model
from tests.siting.conftest import poles_and_points

#: A limit a planner typed, far above what these runs take: only the deadline set at a phase's start stops them.
TYPED_SECONDS = 600.0
#: 40 sites go through the root LP and the LP-guided MILP; 150 sites saturate the LP (saturation test, window search).
FEW, MANY = 40, 150


@pytest.fixture(scope="module")
def problem() -> SitingProblem:
    return poles_and_points()


@pytest.fixture(scope="module")
def optima(problem) -> dict[int, float]:
    """The proven optimum of each k, by an exact run the safety limit does not touch."""
    out = {}
    for k in (FEW, MANY):
        plan = solve_mclp(problem, k, time_limit=TYPED_SECONDS)
        assert plan.status == "optimal"
        out[k] = plan.objective
    return out


@pytest.fixture
def runs_out_at(monkeypatch):
    """``runs_out_at(module, name)``: the run's safety deadline passes as ``module.name`` is entered. Returns the
    list the run's effort is appended to."""
    efforts: list[Effort] = []
    made = solve._effort

    def recorded(*args):
        efforts.append(made(*args))
        return efforts[-1]

    monkeypatch.setattr(solve, "_effort", recorded)

    def at(module, name: str) -> list[Effort]:
        phase = getattr(module, name)

        def entered(*args, **kwargs):
            efforts[-1].deadline = time.perf_counter()
            return phase(*args, **kwargs)

        monkeypatch.setattr(module, name, entered)
        return efforts

    return at


def _valid(plan, problem: SitingProblem, k: int, optimum: float) -> None:
    """At most k sites, the objective is the plan's value, and the bound is at or above the true optimum."""
    assert plan.sites <= k
    assert plan.objective == pytest.approx(problem.value(plan.selected), rel=1e-12)
    assert plan.objective <= optimum + 1e-9 <= plan.bound + 2e-9


@pytest.mark.parametrize(("method", "k", "module", "name", "phase"), [
    ("exact", FEW, solve, "swap_improve", "swaps"),
    ("exact", FEW, solve, "reduce_model", "reduction"),
    ("exact", FEW, exact, "root_relaxation", "root LP"),
    ("exact", FEW, exact, "solve_reduced", "MILP"),
    ("exact", MANY, solve, "first_order_lp", "saturation test"),
    ("exact", MANY, solve, "window_search", "window search"),
    ("greedy", FEW, lagrange, "max_coverage_relaxation", "Lagrangian bound"),
    ("greedy", FEW, solve, "block_search", "block search"),
])
def test_the_safety_limit_stops_each_phase_and_says_so(problem, optima, runs_out_at, method, k, module, name, phase):
    efforts = runs_out_at(module, name)
    plan = solve_mclp(problem, k, method=method, time_limit=TYPED_SECONDS)
    assert efforts[-1].stopped[0] == phase
    assert plan.status == "time limit"
    assert any("safety time limit" in note and phase in note for note in plan.notes)
    assert "safety time limit 600 s" in plan.work and "automatic" not in plan.work
    _valid(plan, problem, k, optima[k])


def test_the_safety_limit_stops_the_first_order_bound_of_a_large_model(problem, optima, runs_out_at, monkeypatch):
    monkeypatch.setattr(solve, "LARGE_NONZEROS", 0)
    efforts = runs_out_at(solve, "first_order_lp")
    plan = solve_mclp(problem, FEW, method="exact", time_limit=TYPED_SECONDS)
    assert efforts[-1].stopped[0] == "LP bound" and plan.status == "time limit"
    _valid(plan, problem, FEW, optima[FEW])


@pytest.mark.parametrize(("method", "name", "phase"), [("greedy", "cover_descent", "window search"),
                                                        ("exact", "solve_reduced", "MILP")])
def test_the_safety_limit_stops_a_covering_run_and_says_so(problem, runs_out_at, method, name, phase):
    efforts = runs_out_at(solve, name)
    plan = solve_lscp(problem, method=method, time_limit=TYPED_SECONDS)
    assert efforts[-1].stopped[0] == phase and plan.status == "time limit"
    goal = problem.coverable_weight * (1 - 1e-9)
    assert problem.covered_weight(plan.selected) >= goal and plan.objective == plan.sites >= plan.bound


def test_a_default_run_has_an_automatic_safety_limit_and_ends_by_its_work(problem, optima):
    plan = solve_mclp(problem, FEW)
    assert plan.status == "optimal" and plan.objective == optima[FEW]
    assert "automatic safety time limit" in plan.work and not any("safety" in note for note in plan.notes)


def test_the_automatic_limit_is_a_multiple_of_the_estimate_with_a_floor():
    assert Effort(1_000, 0.0, estimate=100.0).safety_seconds == SAFETY_FACTOR * 100.0
    assert Effort(1_000, 0.0, estimate=1.0).safety_seconds == MIN_SAFETY_SECONDS
    typed = Effort(1_000, 7.5, estimate=100.0)
    assert typed.safety_seconds == 7.5 and not typed.automatic
    assert typed.grace() < SAFETY_TOLERANCE * typed.safety_seconds      # a stopped run's last step stays within it
    with pytest.raises(ValueError, match="safety time limit"):
        solve_mclp(SitingProblem(radius_coverage(np.zeros((1, 2)), np.zeros((1, 2)), 1.0), np.ones(1)), 1,
                   time_limit=-1.0)


def test_a_milp_whose_root_no_count_bounds_is_not_run(problem, optima, monkeypatch):
    """Above MILP_MAX_SITES open sites HiGHS's root would be stopped only by the safety limit; the exact run skips
    that MILP, says so, gives the work to block and window search, and stays a work-limited, repeatable run."""
    monkeypatch.setattr(milp, "MILP_MAX_SITES", 10)
    first, again = (solve_mclp(problem, FEW, time_limit=TYPED_SECONDS) for _ in range(2))
    assert any("MILP was not run" in note for note in first.notes)
    assert first.status in ("work limit", "optimal") and "window search" in first.solver
    _valid(first, problem, FEW, optima[FEW])
    np.testing.assert_array_equal(first.selected, again.selected)
    assert (first.objective, first.bound) == (again.objective, again.bound)
    cover = solve_lscp(problem, time_limit=TYPED_SECONDS)
    assert any("MILP was not run" in note for note in cover.notes) and cover.status == "work limit"
    assert problem.covered_weight(cover.selected) >= problem.coverable_weight * (1 - 1e-9)
    assert cover.bound <= cover.objective == cover.sites


def test_a_milp_root_ends_by_its_counted_work(problem, optima, monkeypatch):
    """HiGHS counts no work at a MILP's root (cut rounds, root heuristics: 498 s on a 2,780 x 19,200 tile of the
    city, ended only by the safety limit). Its work meter counts each of HiGHS's callbacks there, so a budget of
    a few ends the MILP at its root by "work limit" with a valid plan and bound, in this process and in the child
    process alike, while the same MILP with work to spare proves the optimum."""
    reduced = reduce_model(problem.coverage, problem.weights)
    check = milp.root_check(reduced.n_rows + 1, reduced.n_candidates)        # + the row of k
    full = milp.solve_reduced(reduced, milp.MAXIMISE_COUNT, k=FEW, effort=Effort(10**9, TYPED_SECONDS))
    assert full.status == "optimal"
    assert problem.value(reduced.candidates[full.selected]) == pytest.approx(optima[FEW])
    checks = 5
    assert full.spent > checks * check                  # the budget below is short of what the proof needs
    outcomes = []
    for child in (False, True):
        if child:
            monkeypatch.setattr(milp, "CHILD_MIN_NONZEROS", 0)
        effort = Effort(checks * check, TYPED_SECONDS)
        result = milp.solve_reduced(reduced, milp.MAXIMISE_COUNT, k=FEW, effort=effort)
        assert result.status == "work limit" and result.nodes == 0 and not effort.stopped
        assert result.spent == effort.spent == checks * check
        value = problem.value(reduced.candidates[result.selected])
        assert result.selected.size <= FEW and value <= optima[FEW] <= result.bound < problem.max_value
        outcomes.append((result.selected.tolist(), result.bound, value))
    assert outcomes[0] == outcomes[1]
