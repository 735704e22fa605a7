"""Run one HiGHS MILP or LP in this process and report on stdout; started by ``highs_process`` as a plain script.

It imports only numpy, highspy and its sibling ``highs_meter`` (not the plugin packages) so that it starts in a
fraction of a second. A MILP's model file holds ``budget``, ``root_check`` and ``node_work``, which set the work
meter that ends it by its work (see ``highs_meter``); a model without them is an LP (all columns continuous,
e.g. the first-order LP, which no interrupt callback reaches: ending this process is the only way to stop it).

    python highs_child.py <model.npz> <folder> <parent pid>

Lines on stdout (MILP): ``progress <seconds> <gap> <dual bound> <work spent>`` while running. Each improving plan is
written to ``<folder>/plan.npy`` (atomically) and the final answer to ``<folder>/result.npz`` (an LP's: its model
status, column values and row duals), so the parent can end this process at any moment and still have the best
plan found. It exits as soon as its parent is gone (the app killed or crashed), removing the folder: nobody is left
to read the answer or to clean up, and an LP would otherwise run on to its time limit.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time

import highspy
import numpy as np
from highs_meter import WorkMeter  # a sibling script: this file runs as a script, its folder on sys.path

#: Seconds between two progress lines.
PROGRESS_SECONDS = 0.2
#: Seconds between two looks at whether the parent process still lives.
PARENT_CHECK_SECONDS = 0.2


def _save_atomic(path: str, array: np.ndarray) -> None:
    partial = path + ".partial.npy"
    np.save(partial, array)
    os.replace(partial, path)


def _end_with(parent: int, folder: str) -> None:
    """Exit once this process's parent is no longer ``parent`` (it ended and this one was handed to another),
    removing the parent's temporary ``folder`` first: nobody else is left to (it holds the model, hundreds of MB
    for a city)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    shutil.rmtree(folder, ignore_errors=True)
    os._exit(1)


def main(model_path: str, folder: str, parent: int) -> None:
    threading.Thread(target=_end_with, args=(parent, folder), name="end-with-parent", daemon=True).start()
    data = np.load(model_path)
    options = json.loads(str(data["options"]))
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    for name, value in options.items():
        solver.setOptionValue(name, value)
    # the parent's deadline on the shared monotonic clock: starting this process and loading came out of it
    solver.setOptionValue("time_limit", max(float(data["deadline"]) - time.monotonic(), 1e-6))   # 0: no limit
    n_cols, n_rows = int(data["n_cols"]), int(data["n_rows"])
    indptr, indices, values = data["indptr"], data["indices"], data["values"]
    status = solver.passModel(n_cols, n_rows, int(values.size), int(highspy.MatrixFormat.kRowwise),
                              int(data["sense"]), 0.0, data["cost"], data["lower"], data["upper"], data["row_lower"],
                              data["row_upper"], indptr.astype(np.int32), indices.astype(np.int32), values,
                              data["integrality"].astype(np.int32))
    if status != highspy.HighsStatus.kOk:
        sys.exit(f"HiGHS refused the siting model ({status})")
    if "budget" not in data.files:
        solver.run()
        lp = solver.getSolution()
        _save_result(folder, status=str(solver.getModelStatus()), x=np.asarray(lp.col_value, float),
                     duals=np.asarray(lp.row_dual, float))
        return
    if "start" in data.files:
        start = data["start"]
        offered = [False]

        def offer(event) -> None:
            if not offered[0]:
                offered[0] = True
                event.data_in.setSolution(start)
                event.data_in.user_has_solution = True

        solver.cbMipUserSolution += offer
    plan_path = os.path.join(folder, "plan.npy")
    last = [0.0]

    def improving(event) -> None:
        _save_atomic(plan_path, np.asarray(event.data_out.mip_solution, float))

    meter = WorkMeter(int(data["budget"]), int(data["root_check"]), int(data["node_work"]))

    def progress(event) -> None:
        meter.check(event)
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            out = event.data_out
            print(f"progress {out.running_time:.3f} {out.mip_gap:.9g} {out.mip_dual_bound:.17g} {meter.spent}",
                  flush=True)

    solver.cbMipImprovingSolution += improving
    solver.cbMipInterrupt += progress
    solver.run()
    info = solver.getInfo()
    solution = np.asarray(solver.getSolution().col_value, float)
    _save_result(folder, status=str(solver.getModelStatus()), bound=float(info.mip_dual_bound),
                 nodes=int(info.mip_node_count), root_checks=meter.root_checks, work_stopped=meter.stopped,
                 has_plan=int(info.primal_solution_status) != 0, solution=solution)


def _save_result(folder: str, **members) -> None:
    """The final answer, written atomically: the parent reads it only once this process has ended."""
    np.savez(os.path.join(folder, "result.partial.npz"), **members)
    os.replace(os.path.join(folder, "result.partial.npz"), os.path.join(folder, "result.npz"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
