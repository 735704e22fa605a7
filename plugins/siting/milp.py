"""Exact covering models on HiGHS, built in bulk from the reduced sparse rows (one ``passModel`` call).

Maximising models (MCLP, budgeted MCLP), over binary sites x_j and continuous y_r in [0, 1]::

    max  sum_j p_j x_j + sum_r w_r y_r (+ beta * sum_r w_r z_r)
    s.t. y_r (+ z_r) - sum_{j covers r} x_j <= 0      for every row r
         sum_j x_j <= k      or      sum_j c_j x_j <= B

y (and z) need not be integer: for integer x the best y_r is min(1, sum x_j), which is 0 or 1, so the
relaxation is exact and HiGHS branches on the sites only. p_j is the private value folded in by the
reductions. Covering models (LSCP)::

    min  sum_j c_j x_j   s.t.  sum_{j covers r} x_j >= 1  for every row r          (full cover)
    min  sum_j c_j x_j   s.t.  y_r - sum x_j <= 0,  sum_j p_j x_j + sum_r w_r y_r >= T     (target share)

The greedy plan is handed to HiGHS as a starting solution, so a time-limited run never returns less. The
maximising models also take valid cuts as rows and sites kept out as bounds (see ``exact``). MILPs of
CHILD_MIN_NONZEROS or more nonzeros run in a child process that is ended at the time limit (see
``highs_process``).

HiGHS 1.16 counts nodes and leaves but no work at the root (presolve, cut rounds, root heuristics), and that root
grows steeply and unevenly: on bench_city's model (22,375 rows) 1,600 open sites take 0.8 s, 3,100 take 11 s; on a
2,780 x 19,200 tile of the city 480 open sites spend 5 s per cut round and 2,652 sites 17 s, each round moving the
bound by about 0.001 %. So every MILP carries a work meter (``highs_meter``): each of HiGHS's interrupt callbacks
at the root counts ``root_check`` (rows x open sites), each node ITERATIONS_PER_NODE, and the first callback past
the MILP's budget interrupts it ("work limit", with HiGHS's best plan and bound so far). Before its first callback
HiGHS presolves and solves the root LP, bounded by its own iteration caps; MILPs of more than MILP_MAX_SITES open
sites, whose presolve and first LP alone grow long, are not run (``MilpResult.skipped``, status "work limit") and
their caller gives the work to heuristics that count it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from layers.i18n import translate
from plugins.api import Feedback
from plugins.siting.cuts import Cut, cut_matrix
from plugins.siting.effort import (
    GRACE_SECONDS,
    ITERATIONS_PER_NODE,
    ROW_SITES_PER_WORK,
    Effort,
    HighsOptions,
    highs_seconds,
)
from plugins.siting.highs_meter import WorkMeter
from plugins.siting.highs_process import ChildOutcome, run_in_child
from plugins.siting.reduce import Reduced

MAXIMISE_COUNT, MAXIMISE_BUDGET, COVER_ALL, COVER_TARGET = "max_count", "max_budget", "cover_all", "cover_target"
#: HiGHS model statuses by name. An interrupt is the deadline's: a Cancel by the user raises ``Cancelled``.
#: A node or iteration limit is the work limit's (deterministic); a time limit is the outer safety's.
_STATUS_NAMES = {"kOptimal": "optimal", "kModelEmpty": "optimal", "kTimeLimit": "time limit",
                 "kInterrupt": "time limit", "kHighsInterrupt": "time limit", "kInfeasible": "infeasible",
                 "kSolutionLimit": "work limit", "kIterationLimit": "work limit"}
#: MILPs with at least this many nonzeros run in a child process that can be ended (see ``highs_process``);
#: smaller ones run here, where starting a process would cost more than the solve.
CHILD_MIN_NONZEROS = 100_000
#: The most open sites (integer columns not fixed by ``site_out``) a MILP handed to HiGHS may have (see above).
MILP_MAX_SITES = 3_200
_banner_lock = threading.Lock()
_banner_shown = False


@dataclass
class MilpResult:
    """Chosen kept-candidate positions, objective and best bound of the reduced model, and how it ended."""

    selected: np.ndarray
    objective: float
    bound: float
    status: str
    seconds: float
    nodes: int
    columns: int
    rows: int
    nonzeros: int
    skipped: bool = False
    spent: int = 0


def highs_version() -> str:
    return f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"


def skipped_note(sites: int) -> str:
    """What to tell the planner when a MILP of ``sites`` open sites was too large to hand to HiGHS."""
    return translate("SitingSolver", "HiGHS's MILP was not run on {sites:,} open sites: above {limit:,}, no count "
                                     "bounds its root, so only the safety time limit could stop it").format(
        sites=sites, limit=MILP_MAX_SITES)


def open_sites(n_sites: int, site_out: np.ndarray | None) -> int:
    """Sites a MILP may still build: all but those ``site_out`` keeps out."""
    return int(n_sites - (np.count_nonzero(site_out) if site_out is not None else 0))


def model_state(status_name: str) -> str:
    """Our name of a HiGHS model status given as ``HighsModelStatus.kOptimal`` or ``kOptimal``."""
    name = status_name.rsplit(".", 1)[-1]
    return _STATUS_NAMES.get(name, name)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. HiGHS writes a banner to the process's stdout (fd 1) the first time one is
    created, which would corrupt the command line's JSON output, so that one construction is muted."""
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            solver = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    solver = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_shown = True
    solver.setOptionValue("output_flag", False)
    return solver


def model_arrays(reduced: Reduced, model: str, *, k: int, budget: float, target: float, costs: np.ndarray,
                 beta: float, cuts: Sequence[Cut] = ()):
    """Objective, bounds and row-wise constraint matrix of one model (maximising models: cuts appended as rows)."""
    a = reduced.rows
    n_x, n_r = reduced.n_candidates, reduced.n_rows
    if model == COVER_ALL:
        matrix = a.tocsr()
        row_lower, row_upper = np.ones(n_r), np.full(n_r, np.inf)
        cost = costs.astype(float)
        integer = np.ones(n_x, np.int32)
        return cost, np.zeros(n_x), np.ones(n_x), row_lower, row_upper, matrix, integer, highspy.ObjSense.kMinimize
    with_z = beta > 0 and model in (MAXIMISE_COUNT, MAXIMISE_BUDGET)
    eye = sp.identity(n_r, format="csr", dtype=np.float64)
    blocks = [-a.astype(np.float64), eye] + ([eye] if with_z else [])
    matrix = sp.hstack(blocks, format="csr")
    n_cols = matrix.shape[1]
    weight = reduced.row_weight
    if model == COVER_TARGET:
        cost = np.concatenate([costs.astype(float), np.zeros(n_r)])
        extra = sp.csr_matrix(np.concatenate([reduced.private, weight])[None, :])
        extra_bounds = (target, np.inf)
        sense = highspy.ObjSense.kMinimize
    else:
        cost = np.concatenate([reduced.private, weight] + ([beta * weight] if with_z else []))
        coefficients = np.ones(n_x) if model == MAXIMISE_COUNT else costs.astype(float)
        extra = sp.csr_matrix(np.concatenate([coefficients, np.zeros(n_cols - n_x)])[None, :])
        extra_bounds = (-np.inf, float(k) if model == MAXIMISE_COUNT else float(budget))
        sense = highspy.ObjSense.kMaximize
    blocks = [matrix, extra]
    cut_lower, cut_upper = np.zeros(0), np.zeros(0)
    if cuts:
        block = cut_matrix(list(cuts), n_x)
        blocks.append(sp.csr_matrix((block.data, block.indices, block.indptr), shape=(len(cuts), n_cols)))
        cut_lower, cut_upper = np.full(len(cuts), -np.inf), np.array([cut.rhs for cut in cuts])
    matrix = sp.vstack(blocks, format="csr")
    row_lower = np.concatenate([np.full(n_r, -np.inf), [extra_bounds[0]], cut_lower])
    row_upper = np.concatenate([np.zeros(n_r), [extra_bounds[1]], cut_upper])
    integer = np.concatenate([np.ones(n_x, np.int32), np.zeros(n_cols - n_x, np.int32)])
    return cost, np.zeros(n_cols), np.ones(n_cols), row_lower, row_upper, matrix, integer, sense


def child_model(cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray,
                matrix: sp.csr_matrix, integrality: np.ndarray, sense) -> dict[str, np.ndarray | int]:
    """One model (as ``model_arrays`` builds it) as the ``passModel`` arrays the HiGHS child process loads
    (``highs_process``), in the same order and types ``load_model`` hands HiGHS here."""
    return {"n_cols": matrix.shape[1], "n_rows": matrix.shape[0], "sense": int(sense), "cost": cost, "lower": lower,
            "upper": upper, "row_lower": row_lower, "row_upper": row_upper, "indptr": matrix.indptr,
            "indices": matrix.indices, "values": matrix.data.astype(np.float64),
            "integrality": np.asarray(integrality, np.int32)}


def start_values(reduced: Reduced, seed: np.ndarray, n_cols: int, beta: float, model: str) -> np.ndarray:
    """Column values of a seed plan: x from the plan, y (and z) the coverage it gives each row."""
    values = np.zeros(n_cols)
    x = np.zeros(reduced.n_candidates)
    x[seed] = 1.0
    values[: x.size] = x
    if model != COVER_ALL and reduced.n_rows:
        count = reduced.rows @ x
        values[x.size: x.size + reduced.n_rows] = np.minimum(count, 1.0)
        if n_cols > x.size + reduced.n_rows:
            values[x.size + reduced.n_rows:] = np.clip(count - 1.0, 0.0, 1.0) if beta > 0 else 0.0
    return values


def load_model(solver: highspy.Highs, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               row_lower: np.ndarray, row_upper: np.ndarray, matrix: sp.csr_matrix, integrality: np.ndarray,
               sense, what: str = "siting model") -> None:
    """Hand one model (row-wise matrix, as ``model_arrays`` builds it) to HiGHS in a single ``passModel`` call;
    raises naming ``what`` if HiGHS refuses it."""
    status = solver.passModel(matrix.shape[1], matrix.shape[0], int(matrix.nnz), int(highspy.MatrixFormat.kRowwise),
                              int(sense), 0.0, cost, lower, upper, row_lower, row_upper,
                              matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32),
                              matrix.data.astype(np.float64), np.asarray(integrality, np.int32))
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refused the {what} ({status})")


def solve_reduced(reduced: Reduced, model: str, *, k: int = 0, budget: float = np.inf, target: float = 0.0,
                  costs: np.ndarray | None = None, beta: float = 0.0, seed: np.ndarray | None = None,
                  time_limit: float = 60.0, mip_gap: float = 0.0, relax: bool = False,
                  cuts: Sequence[Cut] = (), site_out: np.ndarray | None = None,
                  feedback: Feedback | None = None, effort: Effort | None = None,
                  nodes: int | None = None, work: int | None = None) -> MilpResult:
    """Solve (or with ``relax`` only bound, as an LP) one model of the reduced problem on HiGHS.

    ``costs`` are the kept candidates' costs; ``seed`` kept-candidate positions of a feasible plan. The
    maximising models take valid ``cuts`` as extra rows; ``site_out`` (boolean mask) keeps sites out. The
    thread count is left to HiGHS: its scheduler is global to the process and refuses a second, different
    setting (the child process runs on one thread). Progress reports the MIP gap closing. With an ``effort``, a
    MILP may spend ``work`` (else ``nodes`` nodes' worth, else all the work left; never more than is left) in at
    most ``nodes`` nodes, counted by its work meter (see the module docstring): that decides where HiGHS stops
    ("work limit"), and what it spent is deducted; ``time_limit`` is then the effort's safety deadline. At either
    limit HiGHS returns its best plan so far; Cancel stops it (or ends the child process) and raises
    ``Cancelled``. A MILP of more than MILP_MAX_SITES open sites is not run: no plan, no bound, status "work
    limit", ``skipped``.
    """
    started = time.perf_counter()
    n_x = reduced.n_candidates
    if not relax and open_sites(n_x, site_out) > MILP_MAX_SITES:
        return MilpResult(np.zeros(0, np.int64), float("nan"), float("nan"), "work limit", 0.0, 0, 0, 0, 0,
                          skipped=True)
    costs = np.ones(n_x) if costs is None else np.asarray(costs, float)
    cost, lower, upper, row_lower, row_upper, matrix, integer, sense = model_arrays(
        reduced, model, k=k, budget=budget, target=target, costs=costs, beta=beta, cuts=cuts)
    n_cols, n_rows = matrix.shape[1], matrix.shape[0]
    if site_out is not None:
        upper[:n_x][site_out] = 0.0
    # The root LP of a covering model is highly degenerate: dual simplex from the slack basis needs about two
    # pivots per row (20,000 pivots, 8 s on 2,000 x 20,000), the interior point method 1 s.
    options: HighsOptions = {"mip_rel_gap": float(mip_gap), "random_seed": 0, "mip_lp_solver": "ipm"}
    budget = np.iinfo(np.int64).max
    if effort is not None:
        budget = effort.milp_work(nodes, work)
        node_limit = budget // ITERATIONS_PER_NODE
        options.update(effort.lp_options() if relax else effort.milp_options(min(node_limit, nodes or node_limit)))
        time_limit = float(options.pop("time_limit"))
    meter = WorkMeter(budget, root_check(n_rows, open_sites(n_x, site_out)), ITERATIONS_PER_NODE)
    start = None
    if seed is not None and not relax and seed.size:
        start = start_values(reduced, seed, n_cols, beta, model)
        if not (np.all(start >= lower) and np.all(start <= upper)):
            start = None
    if not relax and matrix.nnz >= CHILD_MIN_NONZEROS:
        arrays = {**child_model(cost, lower, upper, row_lower, row_upper, matrix, integer, sense),
                  "budget": meter.budget, "root_check": meter.root_check, "node_work": meter.node_work}
        grace = effort.grace() if effort is not None else GRACE_SECONDS
        outcome = run_in_child(arrays, {**options, "threads": 1}, start, time_limit, feedback or Feedback(), grace)
        result = _child_result(outcome, cost, n_x, started, n_cols, n_rows, int(matrix.nnz))
        _account(effort, result.status, iterations=result.spent)
        return result
    solver = new_highs()
    solver.setOptionValue("time_limit", highs_seconds(time_limit))
    for name, value in options.items():
        solver.setOptionValue(name, value)
    load_model(solver, cost, lower, upper, row_lower, row_upper, matrix, np.zeros(n_cols) if relax else integer,
               sense)
    if start is not None:
        offer_start(solver, start)
    watch(solver, feedback or Feedback(), time_limit, None if relax else meter)
    if solver.run() == highspy.HighsStatus.kError:
        raise RuntimeError(translate("SitingSolver", "HiGHS failed on the siting model ({status})").format(
            status=solver.getModelStatus()))
    model_status = solver.getModelStatus()
    info = solver.getInfo()
    if feedback is not None:
        feedback.raise_if_cancelled()
    state = "work limit" if meter.stopped else model_state(str(model_status))
    if not relax:
        meter.nodes = int(info.mip_node_count)
    _account(effort, state, iterations=int(info.simplex_iteration_count) if relax else meter.spent)
    solution = np.asarray(solver.getSolution().col_value)
    no_plan = state != "optimal" and info.primal_solution_status == 0     # e.g. stopped before finding any
    if state == "infeasible" or solution.size < n_cols or no_plan:
        return MilpResult(np.zeros(0, np.int64), float("nan"), float("nan"), state, time.perf_counter() - started,
                          0, n_cols, n_rows, int(matrix.nnz))
    objective = float(info.objective_function_value)
    bound = objective if relax or model_status == highspy.HighsModelStatus.kModelEmpty else float(info.mip_dual_bound)
    selected = np.flatnonzero(solution[: reduced.n_candidates] > 0.5) if not relax else np.zeros(0, np.int64)
    return MilpResult(selected, objective, bound, state, time.perf_counter() - started,
                      int(info.mip_node_count) if not relax else 0, n_cols, n_rows, int(matrix.nnz),
                      spent=0 if relax else meter.spent)


def root_check(rows: int, sites: int) -> int:
    """Work one of HiGHS's callbacks at a MILP's root counts: rows x open sites / ROW_SITES_PER_WORK (a cut round
    computes tableau rows for fractional sites), at least a node's."""
    return max(int(rows) * int(sites) // ROW_SITES_PER_WORK, ITERATIONS_PER_NODE)


def _account(effort: Effort | None, state: str, *, iterations: int) -> None:
    """Deduct one solve's work from the effort, and record a stop by its safety time limit."""
    if effort is None:
        return
    effort.spend(iterations=iterations)
    if state == "time limit":
        effort.stop("MILP")


def _child_result(outcome: ChildOutcome, cost: np.ndarray, n_x: int, started: float, n_cols: int, n_rows: int,
                  nonzeros: int) -> MilpResult:
    """A MilpResult from the child's outcome; a plan's objective is recomputed from its columns."""
    state = "work limit" if outcome.work_stopped else model_state(outcome.status)
    seconds = time.perf_counter() - started
    if state == "infeasible" or outcome.solution is None or outcome.solution.size < n_cols:
        return MilpResult(np.zeros(0, np.int64), float("nan"), outcome.bound if state != "infeasible" else float("nan"),
                          state, seconds, outcome.nodes, n_cols, n_rows, nonzeros, spent=outcome.spent)
    objective = float(cost @ outcome.solution)
    bound = objective if outcome.status.endswith("kModelEmpty") else outcome.bound
    return MilpResult(np.flatnonzero(outcome.solution[:n_x] > 0.5), objective, bound, state, seconds, outcome.nodes,
                      n_cols, n_rows, nonzeros, spent=outcome.spent)


def offer_start(solver: highspy.Highs, values: np.ndarray) -> None:
    """Give HiGHS the start plan through its user-solution callback, once.

    ``setSolution`` is not used: in HiGHS 1.16 a start solution passed that way can be mapped wrongly into the
    presolved model, after which HiGHS reports a wrong plan as optimal (seen on a 6-site instance).
    """
    offered = [False]

    def offer(event) -> None:
        if not offered[0]:
            offered[0] = True
            event.data_in.setSolution(values.astype(np.float64))
            event.data_in.user_has_solution = True

    solver.cbMipUserSolution += offer


def watch(solver: highspy.Highs, feedback: Feedback, time_limit: float, meter: WorkMeter | None = None) -> None:
    """Cancel, progress and a hard deadline through HiGHS's interrupt callbacks (called often during simplex,
    interior point and branching): HiGHS checks its own time limit only between phases, and was seen to
    overrun it by 15 s in one cut round of a 35,000-row model. A MILP's ``meter`` counts its work there too."""
    deadline = time.perf_counter() + time_limit

    def poll(event) -> None:
        if feedback.is_cancelled() or time.perf_counter() > deadline:
            event.interrupt()
            return
        if event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt:
            if meter is not None:
                meter.check(event)
            elapsed = float(event.data_out.running_time)
            gap = float(event.data_out.mip_gap)
            by_time = elapsed / max(time_limit, 1e-9)
            by_gap = 1.0 - min(gap, 1.0) if np.isfinite(gap) else 0.0
            feedback.set_progress(100.0 * min(max(by_time, by_gap * 0.95), 1.0))

    solver.cbMipInterrupt += poll
    solver.cbSimplexInterrupt += poll
    solver.cbIpmInterrupt += poll


__all__ = ["COVER_ALL", "COVER_TARGET", "MAXIMISE_BUDGET", "MAXIMISE_COUNT", "MILP_MAX_SITES", "MilpResult",
           "child_model", "highs_version", "load_model", "model_arrays", "model_state", "new_highs", "offer_start",
           "open_sites", "root_check", "skipped_note", "solve_reduced", "start_values", "watch"]
