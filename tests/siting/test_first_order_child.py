"""The first-order LP (PDLP: the saturation test, a large model's bound) runs in the HiGHS child process, because
PDLP calls no interrupt callback: the same answer to the last bit as in this process, Cancel ends the child at
once and leaves no process or thread behind, and the safety deadline ends it too, the run going on with the
answer of an iterate that gave nothing and saying the safety limit stopped it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

import plugins.siting.milp as milp
import plugins.siting.relaxation as relaxation
import plugins.siting.solve as solve
from plugins.api import Cancelled, Feedback
from plugins.siting import SitingProblem, lagrange, solve_mclp
from plugins.siting.effort import Effort
from plugins.siting.reduce import reduce_model
from plugins.siting.relaxation import first_order_lp
from tests.fresh_process import ROOT
from tests.siting.conftest import poles_and_points

#: 150 of 400 poles saturate the LP over 4,000 points (the exact run goes through the saturation test).
K_SATURATED = 150


@pytest.fixture(scope="module")
def problem() -> SitingProblem:
    return poles_and_points()


def _solver_children() -> list[psutil.Process]:
    """This process's HiGHS child processes still running."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if any(part.endswith("highs_child.py") for part in child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


class _ChildWatch(threading.Event):
    """A cancel flag that records the HiGHS child processes it sees running at each poll, and with ``cancel``
    turns itself on at the first poll that sees one."""

    def __init__(self, cancel: bool) -> None:
        super().__init__()
        self.cancel, self.seen = cancel, set()

    def is_set(self) -> bool:
        running = _solver_children()
        self.seen.update(child.pid for child in running)
        if running and self.cancel:
            self.set()
        return super().is_set()


def _feedback(cancel: bool) -> tuple[Feedback, _ChildWatch]:
    feedback = Feedback()
    feedback._cancel = flag = _ChildWatch(cancel)
    return feedback, flag


def _gone(pids: set[int]) -> bool:
    """Whether none of ``pids`` is a live process (a zombie nobody has reaped yet counts as ended)."""
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            continue
    return True


@pytest.mark.parametrize("iterations", [40, 20_000])
def test_the_child_gives_the_same_answer_to_the_last_bit(problem, monkeypatch, iterations):
    """40 iterations: an iterate cut off by its limit (the large models' case); 20,000: the saturation test's."""
    reduced = reduce_model(problem.coverage, problem.weights)
    answers = []
    for start_seconds in (np.inf, 0.0):                     # never the child, always the child
        monkeypatch.setattr(relaxation, "CHILD_START_SECONDS", start_seconds)
        feedback, watch = _feedback(cancel=False)
        answers.append((first_order_lp(reduced, K_SATURATED, iterations=iterations, feedback=feedback), watch.seen))
    (here, none), (there, child) = answers
    assert not none and len(child) == 1                     # it did run in a child, and only there
    assert here.reached == there.reached > 0
    assert here.x is not None and there.x is not None and np.array_equal(here.x, there.x)
    assert np.array_equal(here.duals, there.duals)
    bound = lagrange.max_coverage_relaxation(reduced.rows, reduced.row_weight, reduced.private, K_SATURATED,
                                             iterations=1, start=there.duals).bound
    assert bound >= there.reached - 1e-6 * there.reached     # the duals bound what the LP reaches (weak duality)


def test_cancel_during_the_saturation_test_ends_the_child_and_leaves_nothing_running(problem, monkeypatch):
    """The run is cancelled at its first poll that sees the HiGHS child running: the MILPs of this size run in
    this process, so that child is the saturation test's PDLP."""
    monkeypatch.setattr(relaxation, "CHILD_START_SECONDS", 0.0)
    monkeypatch.setattr(milp, "CHILD_MIN_NONZEROS", 10**12)
    threads = set(threading.enumerate())
    feedback, watch = _feedback(cancel=True)
    with pytest.raises(Cancelled):
        solve_mclp(problem, K_SATURATED, method="exact", time_limit=600.0, feedback=feedback)
    assert len(watch.seen) == 1 and watch.is_set()
    assert _gone(watch.seen) and not _solver_children()
    assert set(threading.enumerate()) <= threads            # no solver thread left behind


def test_the_safety_deadline_ends_the_child_and_the_answer_is_still_valid(problem, monkeypatch):
    """A safety limit far shorter than starting the child: the child is ended at its first poll; the LP's answer
    is then that of an iterate that gave nothing (half of each row's weight as duals, a valid bound), and the
    effort records the phase the safety limit stopped."""
    monkeypatch.setattr(relaxation, "CHILD_START_SECONDS", 0.0)
    reduced = reduce_model(problem.coverage, problem.weights)
    effort = Effort(10**6, 1e-9)                            # its grace (a share of the limit) is as short
    feedback, watch = _feedback(cancel=False)
    lp = first_order_lp(reduced, K_SATURATED, effort=effort, feedback=feedback)
    assert effort.stopped == ["saturation test"] and effort.note() is not None
    assert lp.reached == 0.0 and lp.x is None and np.array_equal(lp.duals, 0.5 * reduced.row_weight)
    assert len(watch.seen) == 1 and _gone(watch.seen) and not _solver_children()


def test_a_run_whose_safety_limit_ends_the_saturation_test_returns_a_plan_saying_so(problem, monkeypatch):
    """The safety limit passes as the saturation test starts (its deadline is set to that moment, its grace to
    nothing): the child is ended at its first poll, the plan is the greedy one improved by swaps, status "time
    limit", and no child is left."""
    monkeypatch.setattr(relaxation, "CHILD_START_SECONDS", 0.0)
    efforts: list[Effort] = []
    made, lp = solve._effort, solve.first_order_lp

    def recorded(*args):
        efforts.append(made(*args))
        return efforts[-1]

    def entered(*args, **kwargs):
        efforts[-1].deadline, efforts[-1].safety_seconds = efforts[-1].started, 1e-9        # passed, no grace
        return lp(*args, **kwargs)

    monkeypatch.setattr(solve, "_effort", recorded)
    monkeypatch.setattr(solve, "first_order_lp", entered)
    feedback, watch = _feedback(cancel=False)
    plan = solve_mclp(problem, K_SATURATED, method="exact", time_limit=600.0, feedback=feedback)
    assert efforts[-1].stopped[0] == "saturation test" and plan.status == "time limit"
    assert any("safety time limit" in note and "saturation test" in note for note in plan.notes)
    assert plan.sites == K_SATURATED and plan.objective == pytest.approx(problem.value(plan.selected), rel=1e-12)
    assert plan.objective <= plan.bound
    assert len(watch.seen) == 1 and _gone(watch.seen) and not _solver_children()


#: A probe process that starts the HiGHS child on a first-order LP made to run to its 120 s limit (fixed step, no
#: restarts, the tightest tolerance), prints the child's pid once it runs, and waits to be killed.
ORPHAN_PROBE = """
import json, threading, time
import numpy as np, psutil, scipy.sparse as sp
from plugins.api import Feedback
from plugins.siting.highs_process import run_lp_in_child
rng = np.random.default_rng(0)
n, m = 3000, 60000
cover = sp.random(m, n, density=0.003, random_state=1, format="csr")
cover.data[:] = 1.0
matrix = sp.vstack([sp.hstack([-cover, sp.identity(m)]),
                    sp.hstack([sp.csr_matrix(np.ones((1, n))), sp.csr_matrix((1, m))])]).tocsr()
model = {"n_cols": n + m, "n_rows": m + 1, "sense": -1, "cost": np.r_[np.zeros(n), rng.random(m)],
         "lower": np.zeros(n + m), "upper": np.ones(n + m), "row_lower": np.full(m + 1, -np.inf),
         "row_upper": np.r_[np.zeros(m), 60.0], "indptr": matrix.indptr, "indices": matrix.indices,
         "values": matrix.data.astype(float), "integrality": np.zeros(n + m, np.int32)}
options = {"solver": "pdlp", "presolve": "off", "pdlp_optimality_tolerance": 1e-10, "pdlp_restart_strategy": 0,
           "pdlp_step_size_strategy": 0}
threading.Thread(target=run_lp_in_child, args=(model, options, 120.0, Feedback()), daemon=True).start()
me = psutil.Process()
waited = time.monotonic()
line = []
while not line or line[-1] != str(me.pid):   # forked but not yet exec'd, a child still shows this command line
    assert time.monotonic() - waited < 120, "the solver child never started"
    time.sleep(0.05)
    kids = me.children()
    try:
        line = kids[0].cmdline() if kids else []
    except psutil.Error:
        line = []
print(json.dumps({"child": kids[0].pid, "folder": line[-2]}), flush=True)
time.sleep(600)
"""


def test_child_ends_when_the_app_is_killed():
    """An app killed outright (or crashed) while the first-order LP runs leaves no solver process behind burning a
    core until its time limit, nor the model in the temporary folder: the child sees its parent gone, removes the
    folder and exits."""
    app = subprocess.Popen([sys.executable, "-c", ORPHAN_PROBE], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout is not None
        started = json.loads(app.stdout.readline())
        child, folder = started["child"], Path(started["folder"])
        assert not _gone({child}) and (folder / "model.npz").is_file()
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()
    waited = 0.0
    while not _gone({child}) and waited < 30.0:     # the LP alone would run 120 s
        time.sleep(0.1)
        waited += 0.1
    alive = not _gone({child})
    if alive:
        psutil.Process(child).kill()
    assert not alive and not folder.exists()
