"""Large HiGHS MILPs, and the first-order LP, in a child process, so that the time limit and Cancel are hard.

HiGHS checks its time limit between phases and calls its interrupt callbacks from the simplex, the interior
point method and the branch-and-bound loop, but not from inside some cut separators: on the 5,000 x 50,000
benchmark one root separation round ran 115 s without a single callback, and a 63 s limit became 149 s. A
process can be ended at any moment; the child (``highs_child.py``, numpy and highspy only, ~0.3 s to start)
saves every improving plan as it goes, so ending it still leaves the best plan and the last proven bound. A
child that dies on its own (killed for lack of memory, say) raises ``SolverProcessError`` naming how it ended.

HiGHS's first-order LP (PDLP) calls none of the interrupt callbacks at all and looks at its time limit only now
and then, so once started in this process it ran to its iteration limit whatever Cancel or the safety limit said
(up to 30 s on a loaded two-core machine for a 27,000-row model, burning a core, and quitting the app waited for
it). ``run_lp_in_child`` runs it in the same child, ended at once on Cancel or at the deadline.

Example::

    outcome = run_in_child(model, {"mip_rel_gap": 0.0}, start=None, time_limit=60.0, feedback=feedback)
    lp = run_lp_in_child(model, {"solver": "pdlp", "pdlp_iteration_limit": 1000}, 60.0, feedback)  # None: ended
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from layers.errors import LamplightError
from layers.i18n import translate
from plugins.api import Cancelled, Feedback
from plugins.siting.effort import GRACE_SECONDS

CHILD = Path(__file__).with_name("highs_child.py")
POLL_SECONDS = 0.05
#: Characters of the child's error output quoted when it fails.
ERROR_TAIL = 600


class SolverProcessError(LamplightError, RuntimeError):
    """The child process ended without an answer, and not because it was ended here."""


@dataclass
class ChildOutcome:
    """How the child's MILP ended: HiGHS's model status name (or "time limit" when it had to be ended), dual
    bound in the model's own sense, nodes, the column values of the best plan (None: no plan), the work its meter
    counted (``highs_meter``) and whether that meter's budget stopped it."""

    status: str
    bound: float
    nodes: int
    solution: np.ndarray | None
    spent: int = 0
    work_stopped: bool = False


class _Progress:
    """The child's latest progress line, read on a thread so the parent never blocks on the pipe."""

    def __init__(self, stream) -> None:
        self.gap, self.bound, self.running, self.spent, self.lines = math.inf, math.nan, 0.0, 0, 0
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            parts = line.split()
            if len(parts) == 5 and parts[0] == "progress":
                self.running, self.gap, self.bound = float(parts[1]), float(parts[2]), float(parts[3])
                self.spent = int(parts[4])
                self.lines += 1

    def join(self) -> None:
        self._thread.join(timeout=1.0)


@dataclass
class LpOutcome:
    """How the child's LP ended: HiGHS's model status name, and the column values and row duals it stopped at."""

    status: str
    x: np.ndarray
    duals: np.ndarray


@dataclass
class _Ended:
    """What a child left: its ``result.npz`` members (None: it was ended at its deadline), the last improving plan
    it saved (a MILP's) and its last progress line."""

    result: dict[str, np.ndarray] | None
    plan: np.ndarray | None
    progress: _Progress


def run_in_child(model: dict[str, np.ndarray | int], options: dict, start: np.ndarray | None, time_limit: float,
                 feedback: Feedback, grace: float = GRACE_SECONDS) -> ChildOutcome:
    """Solve the MILP given as ``passModel`` arrays (keys: n_cols, n_rows, sense, cost, lower, upper, row_lower,
    row_upper, indptr, indices, values, integrality; and the work meter's budget, root_check, node_work) with HiGHS
    ``options`` in a child process, ended ``grace``
    seconds after ``time_limit`` (counted from this call, so writing the model and starting the child count too);
    it normally stops by itself, but a root cut round or heuristic may not."""
    members: dict[str, Any] = dict(model)
    if start is not None:
        members["start"] = np.asarray(start, float)
    ended = _run_child(members, options, time_limit, feedback, grace)
    if ended.result is None:
        return ChildOutcome("time limit", ended.progress.bound, 0, ended.plan, ended.progress.spent)
    result = ended.result
    nodes = int(result["nodes"])
    spent = int(result["root_checks"]) * int(model["root_check"]) + nodes * int(model["node_work"])
    return ChildOutcome(str(result["status"]), float(result["bound"]), nodes,
                        result["solution"] if bool(result["has_plan"]) else None, spent, bool(result["work_stopped"]))


def run_lp_in_child(model: dict[str, np.ndarray | int], options: dict, time_limit: float, feedback: Feedback,
                    grace: float = GRACE_SECONDS) -> LpOutcome | None:
    """Solve the LP given as ``passModel`` arrays (as ``run_in_child``'s, all columns continuous, no work meter)
    with HiGHS ``options`` in a child process, ended ``grace`` seconds after ``time_limit``; None when it had to
    be ended (the first-order LP looks at its own time limit only now and then). Cancel ends it at once."""
    ended = _run_child(dict(model), options, time_limit, feedback, grace)
    if ended.result is None:
        return None
    return LpOutcome(str(ended.result["status"]), ended.result["x"], ended.result["duals"])


def _run_child(members: dict[str, Any], options: dict, time_limit: float, feedback: Feedback,
               grace: float) -> _Ended:
    """Start the child on ``members`` (written to a model file with the options and the deadline), poll Cancel
    and the deadline while it runs, and end it at Cancel (raising ``Cancelled``) or ``grace`` seconds past
    ``time_limit``. The child is always gone when this returns or raises."""
    called = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lamplight-highs-") as folder:
        model_path = os.path.join(folder, "model.npz")
        # the child's own limit ends where this call's does: starting it and loading the model count too
        np.savez(model_path, **members, options=json.dumps(options), deadline=time.monotonic() + time_limit)
        error_path = os.path.join(folder, "stderr.txt")
        with open(error_path, "w") as errors:
            child = subprocess.Popen([sys.executable, str(CHILD), model_path, folder, str(os.getpid())],
                                     stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL, text=True)
        assert child.stdout is not None  # stdout=PIPE
        progress = _Progress(child.stdout)
        deadline = called + time_limit + grace
        cancelled = ended = False
        try:
            while child.poll() is None:
                if feedback.is_cancelled():
                    cancelled = True
                    break
                if time.perf_counter() > deadline:
                    ended = True
                    break
                if progress.lines:          # a MILP's; an LP reports none, and the caller's progress stays
                    by_time = progress.running / max(time_limit, 1e-9)
                    by_gap = 1.0 - min(progress.gap, 1.0) if math.isfinite(progress.gap) else 0.0
                    feedback.set_progress(100.0 * min(max(by_time, by_gap * 0.95), 1.0))
                time.sleep(POLL_SECONDS)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            progress.join()
            child.stdout.close()
        if cancelled:
            raise Cancelled(translate("Run", "the run was cancelled"))
        result_path = os.path.join(folder, "result.npz")
        if ended:
            plan_path = os.path.join(folder, "plan.npy")
            return _Ended(None, np.load(plan_path) if os.path.exists(plan_path) else None, progress)
        if not os.path.exists(result_path):
            raise SolverProcessError(_failure(child.returncode, error_path))
        with np.load(result_path) as result:
            return _Ended({name: result[name] for name in result.files}, None, progress)


def _failure(code: int, error_path: str) -> str:
    """How the child ended, with the end of its error output."""
    how = translate("SitingSolver", "exit code {code}").format(code=code)
    if code < 0:
        how = translate("SitingSolver", "signal {signal}").format(signal=-code) + (translate(
            "SitingSolver", ", which usually means the machine ran out of memory") if -code == 9 else "")
    with open(error_path, errors="replace") as errors:
        tail = errors.read()[-ERROR_TAIL:].strip()
    return translate("SitingSolver", "the HiGHS solver process stopped without an answer ({how})").format(
        how=how) + (f": {tail}" if tail else "")


__all__ = ["ChildOutcome", "LpOutcome", "SolverProcessError", "run_in_child", "run_lp_in_child"]
