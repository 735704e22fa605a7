"""Root relaxation of the maximising models: the LP on HiGHS, tightened by rounds of odd-cycle cuts, with a bound
proven from the duals and the reduced costs that fix sites before any branching.

Why not leave all this to HiGHS's MILP: on the 2,000 x 20,000 benchmark its root spends ~3 s in generic cut
separators and sub-MIP heuristics to find the same {0,1/2}-cuts that ``cuts.odd_cycle_cuts`` finds in
milliseconds; each round here is a warm-started dual simplex re-solve of a few dozen pivots.

The bound is not the LP objective HiGHS reports but the Lagrangian value at its duals, recomputed here::

    B = lambda * cap + sum_c pi_c b_c + sum_j (d_j)^+ + sum_r (e_r)^+
    d_j = p_j + sum_{r covered by j} mu_r - lambda c_j + sum_c pi_c a_cj        (site j)
    e_r = w_r - mu_r - sum_{c containing r} pi_c                                 (demand row r)

which bounds every plan for ANY multipliers mu, lambda, pi >= 0, so solver tolerances cannot make it wrong.
Forcing site j against the sign of d_j lowers the bound by |d_j|, and likewise for a row: that is what
``fixings`` uses to drop sites that cannot be part of any plan better than the incumbent.

Example::

    root = root_relaxation(reduced, k=20, deadline=time.perf_counter() + 30)
    fixed = fixings(root, threshold=incumbent + 1, rows=reduced.rows)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.api import Feedback
from plugins.siting.cuts import Cut, cut_matrix, odd_cycle_cuts
from plugins.siting.effort import (
    GRACE_SECONDS,
    IPM_ITERATIONS,
    MAX_WORK,
    PDLP_ITERATIONS,
    SECONDS_PER_NONZERO_PASS,
    Effort,
    HighsOptions,
    highs_seconds,
)
from plugins.siting.highs_process import run_lp_in_child
from plugins.siting.milp import (
    COVER_ALL,
    COVER_TARGET,
    MAXIMISE_BUDGET,
    MAXIMISE_COUNT,
    child_model,
    load_model,
    model_arrays,
    model_state,
    new_highs,
    watch,
)
from plugins.siting.reduce import Reduced

#: The phase a stop by the safety limit names by default (translated where it is recorded).
SATURATION_TEST = QT_TRANSLATE_NOOP("Relaxation", "saturation test")
#: Seconds the HiGHS child takes to answer a tiny LP: writing the model, starting Python with numpy and highspy,
#: loading (0.21-0.27 s measured on a two-core machine at load 0.9, against 4-40 ms for the same LPs here). A
#: first-order LP whose iteration cap could keep it longer than that (iterations x nonzeros x
#: SECONDS_PER_NONZERO_PASS) runs in the child, where Cancel and the safety limit end it at once; a smaller one
#: ends here sooner than the child would start (at the default PDLP_ITERATIONS: below ~3,000 nonzeros).
CHILD_START_SECONDS = 0.25
#: Cut rounds at most; the loop also stops when a round lowers the LP value by less than STALL of its distance
#: to the target (the incumbent).
MAX_ROUNDS = 60
STALL = 1e-3


@dataclass
class RootRelaxation:
    """The strengthened LP at the root: proven ``bound``, the LP's site values ``x``, reduced costs of sites and
    rows, and the cuts (valid for every plan, so they can be handed on to the MILP)."""

    bound: float
    x: np.ndarray
    site_cost: np.ndarray
    row_cost: np.ndarray
    cuts: list[Cut]
    rounds: int
    seconds: float


@dataclass
class Fixings:
    """Consequences of the reduced costs for every plan worth at least the threshold: sites that must stay out
    and sites that must be in."""

    site_out: np.ndarray
    site_in: np.ndarray

    @property
    def free_sites(self) -> int:
        return int((~self.site_out & ~self.site_in).sum())


def proven_bound(reduced: Reduced, cuts: list[Cut], mu: np.ndarray, lam: float, pi: np.ndarray,
                 capacity: float, site_costs: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The Lagrangian bound B at multipliers (mu, lambda, pi), clipped to >= 0, and the reduced costs d, e."""
    mu, pi = np.maximum(mu, 0.0), np.maximum(pi, 0.0)
    lam = max(float(lam), 0.0)
    rows = reduced.rows.tocsr().astype(np.float64)
    site = reduced.private + rows.T @ mu - lam * site_costs
    row = reduced.row_weight - mu
    constant = lam * capacity
    for weight, cut in zip(pi, cuts, strict=True):
        if weight > 0:
            site[cut.columns] += weight * cut.coefficients
            row[cut.rows] -= weight * cut.row_coefficients
            constant += weight * cut.rhs
    bound = constant + float(np.maximum(site, 0.0).sum()) + float(np.maximum(row, 0.0).sum())
    return bound, site, row


def lp_solver(reduced: Reduced, model: str, site_costs: np.ndarray, method: str, *, k: int = 0,
              capacity: float = 0.0, target: float = 0.0) -> highspy.Highs:
    """The LP relaxation of one model loaded into HiGHS, to be solved by ``method``."""
    cost, lower, upper, row_lower, row_upper, matrix, _, sense = model_arrays(
        reduced, model, k=k, budget=capacity, target=target, costs=site_costs, beta=0.0)
    solver = new_highs()
    solver.setOptionValue("solver", method)
    load_model(solver, cost, lower, upper, row_lower, row_upper, matrix, np.zeros(matrix.shape[1]), sense,
               what="siting LP")
    return solver


def root_relaxation(reduced: Reduced, *, k: int | None = None, budget: float | None = None,
                    costs: np.ndarray | None = None, deadline: float | None = None, feedback: Feedback | None = None,
                    target: float = -np.inf, effort: Effort | None = None) -> RootRelaxation | None:
    """Solve the LP relaxation (interior point, then crossover for a basis), then add odd-cycle cuts and re-solve
    by dual simplex until none is violated, the bound stalls or the ``effort``'s work is spent (its safety
    deadline, or ``deadline`` without one, also stops it). ``k`` for the k-site model, else ``budget`` with
    ``costs`` (the kept sites' costs). The loop also ends once the LP value is down to ``target`` (e.g. the
    incumbent's value: nothing better exists). None when even the first LP did not finish."""
    started = time.perf_counter()
    feedback = feedback or Feedback()
    if effort is None:
        effort = Effort(MAX_WORK, max((deadline if deadline is not None else np.inf) - started, 1e-9))
    n_x, n_r = reduced.n_candidates, reduced.n_rows
    if k is not None:
        model, site_costs, capacity = MAXIMISE_COUNT, np.ones(n_x), float(k)
    elif budget is not None:
        model, site_costs, capacity = MAXIMISE_BUDGET, np.asarray(costs, float), float(budget)
    else:
        raise ValueError("root_relaxation needs k or a budget")
    solver = lp_solver(reduced, model, site_costs, "ipm", k=k or 0, capacity=capacity)
    watch(solver, feedback, effort.seconds_left())

    def solve() -> tuple[np.ndarray, np.ndarray] | None:
        for name, value in effort.lp_options().items():
            solver.setOptionValue(name, value)
        solver.run()
        feedback.raise_if_cancelled()
        effort.spend(iterations=solver.getInfo().simplex_iteration_count)
        status = solver.getModelStatus()
        if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
            effort.stop(translate("Relaxation", "root LP"))
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        solution = solver.getSolution()
        return np.asarray(solution.col_value), np.asarray(solution.row_dual)

    last = solve()
    if last is None:
        return None
    solver.setOptionValue("solver", "simplex")
    cuts: list[Cut] = []
    rounds = 0
    previous = np.inf
    while rounds < MAX_ROUNDS and effort.left > 0:
        if effort.expired():
            effort.stop(translate("Relaxation", "cut rounds"))
            break
        objective = solver.getInfo().objective_function_value
        scale = objective - target if np.isfinite(target) else abs(objective)
        if objective <= target or (rounds and previous - objective <= STALL * max(scale, 1e-9 * abs(objective))):
            break
        previous = objective
        found = odd_cycle_cuts(reduced.rows, last[0][:n_x], last[0][n_x:n_x + n_r], seconds=effort.seconds_left())
        if not found:
            break
        block = cut_matrix(found, n_x)
        solver.addRows(len(found), np.full(len(found), -np.inf), np.array([c.rhs for c in found]), int(block.nnz),
                       block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32), block.data)
        rounds += 1
        solved = solve()
        if solved is None:      # the work or safety limit interrupted the re-solve: keep the last LP that finished
            break
        last, cuts = solved, cuts + found
    values, duals = last
    bound, site, row = proven_bound(reduced, cuts, duals[:n_r], duals[n_r], duals[n_r + 1:n_r + 1 + len(cuts)],
                                    capacity, site_costs)
    return RootRelaxation(bound=bound, x=values[:n_x], site_cost=site, row_cost=row, cuts=cuts, rounds=rounds,
                          seconds=time.perf_counter() - started)


@dataclass
class FirstOrderLp:
    """Where HiGHS's first-order LP method (PDLP) stopped on the k-site model: ``reached``, a value the LP
    relaxation certainly reaches, and the row multipliers ``duals`` (>= 0) of its last iterate. Any multipliers
    give a valid Lagrangian bound (``lagrange.max_coverage_relaxation``), so an iterate cut off by its iteration
    limit still bounds every plan, only less tightly."""

    reached: float
    duals: np.ndarray
    x: np.ndarray | None = None


def first_order_lp(reduced: Reduced, k: int, *, seconds: float = np.inf, iterations: int = PDLP_ITERATIONS,
                   feedback: Feedback | None = None, effort: Effort | None = None,
                   phase: str = SATURATION_TEST) -> FirstOrderLp:
    """The LP relaxation of the k-site model by PDLP for at most ``iterations`` iterations (the budget that decides
    the answer); ``reached``: its site values clipped to [0, 1] and scaled to k, each row counted as covered to
    min(1, sum of its sites).

    Why: when ``reached`` is all but a sliver of the coverable demand, the root LP bound (and every bound HiGHS
    derives from it) is no better than "everything covered", so the time is better spent on the plan. PDLP answers
    in 0.7 s on the 5,000 x 50,000 benchmark, where interior point with crossover takes 17-21 s. Its duals bound
    models too large for one simplex or interior-point LP: on 2,000 x 20,000, 500 iterations give a Lagrangian
    bound 0.04 % above the LP optimum, 2,000 iterations 0.0004 %. ``seconds``, and the ``effort``'s deadline, are
    only a safety (a stop by them is recorded in the effort as ``phase``).

    PDLP calls no interrupt callback, so unless it certainly ends within CHILD_START_SECONDS it runs in the HiGHS
    child process (``highs_process.run_lp_in_child``): Cancel ends it at once (``Cancelled``), and so does the
    safety deadline (plus the effort's grace), after which the answer is that of an iterate that gave nothing.
    The answer is the same, to the last bit, in either process."""
    n_x, n_r = reduced.n_candidates, reduced.n_rows
    if effort is not None:
        seconds = min(seconds, effort.seconds_left())
    # building the model counts too (0.5 s on the city): what is left of the limit once it is built
    ends = time.perf_counter() + seconds
    feedback = feedback or Feedback()
    options: HighsOptions = {"solver": "pdlp", "pdlp_iteration_limit": int(iterations), "random_seed": 0}
    arrays = model_arrays(reduced, MAXIMISE_COUNT, k=k, budget=float(k), target=0.0, costs=np.ones(n_x), beta=0.0)
    cost, lower, upper, row_lower, row_upper, matrix, _, sense = arrays
    if iterations * matrix.nnz * SECONDS_PER_NONZERO_PASS > CHILD_START_SECONDS:
        model = child_model(cost, lower, upper, row_lower, row_upper, matrix, np.zeros(matrix.shape[1]), sense)
        outcome = run_lp_in_child(model, options, max(ends - time.perf_counter(), 0.0), feedback,
                                  effort.grace() if effort else GRACE_SECONDS)
        status = "time limit" if outcome is None else model_state(outcome.status)
        x, duals = (np.zeros(0), np.zeros(0)) if outcome is None else (outcome.x, outcome.duals)
    else:
        solver = new_highs()
        for name, value in options.items():
            solver.setOptionValue(name, value)
        load_model(solver, cost, lower, upper, row_lower, row_upper, matrix, np.zeros(matrix.shape[1]), sense,
                   what="siting LP")
        seconds = max(ends - time.perf_counter(), 0.0)
        solver.setOptionValue("time_limit", highs_seconds(seconds))
        watch(solver, feedback, seconds)        # PDLP calls none of them, presolve and a cleanup might
        solver.run()
        feedback.raise_if_cancelled()
        status = model_state(str(solver.getModelStatus()))
        solution = solver.getSolution()
        x, duals = np.asarray(solution.col_value), np.asarray(solution.row_dual)
    if effort is not None and status == "time limit":
        effort.stop(translate("Relaxation", phase))
    x, duals = x[:n_x], duals[:n_r]
    duals = np.maximum(duals, 0.0) if duals.size == n_r and np.all(np.isfinite(duals)) else 0.5 * reduced.row_weight
    if x.size != n_x or not np.all(np.isfinite(x)):
        return FirstOrderLp(0.0, duals)
    x = np.clip(x, 0.0, 1.0)
    if x.sum() > k:
        x *= k / x.sum()
    return FirstOrderLp(float(reduced.private @ x + reduced.row_weight @ np.minimum(reduced.rows @ x, 1.0)), duals, x)


@dataclass
class CoverLp:
    """The LP relaxation of a covering model: the kept sites' values ``x`` and the multipliers for its Lagrangian
    bound (``lagrange.cover_cost_bound``: u per row; ``cover_target_bound``: lambda, then mu per row)."""

    x: np.ndarray
    multipliers: np.ndarray


def cover_lp(reduced: Reduced, costs: np.ndarray, *, full: bool, target: float, seconds: float = np.inf,
             feedback: Feedback | None = None, effort: Effort | None = None) -> CoverLp | None:
    """The covering models' LP relaxation by interior point without crossover: 5 s on the 5,000 x 50,000 set
    cover, where dual simplex takes minutes. The bound is then evaluated at the multipliers taken from its duals,
    so solver tolerances cannot make it wrong. None unless the LP finished within IPM_ITERATIONS (the budget
    that decides); ``seconds`` and the ``effort``'s deadline are only a safety."""
    if effort is not None:
        seconds = min(seconds, effort.seconds_left())
    solver = lp_solver(reduced, COVER_ALL if full else COVER_TARGET, np.asarray(costs, float), "ipm", target=target)
    solver.setOptionValue("run_crossover", "off")
    solver.setOptionValue("ipm_iteration_limit", IPM_ITERATIONS)
    watch(solver, feedback or Feedback(), max(seconds, 0.0))
    solver.run()
    if feedback is not None:
        feedback.raise_if_cancelled()
    if effort is not None and solver.getModelStatus() in (highspy.HighsModelStatus.kTimeLimit,
                                                          highspy.HighsModelStatus.kInterrupt):
        effort.stop(translate("Relaxation", "covering LP"))
    solution = solver.getSolution()
    duals, x = np.asarray(solution.row_dual), np.asarray(solution.col_value)[:reduced.n_candidates]
    finished = solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if not finished or duals.size != reduced.n_rows + (0 if full else 1) or not np.all(np.isfinite(duals)):
        return None
    if full:
        return CoverLp(x, np.maximum(duals, 0.0))                        # rows sum x >= 1
    n_r = reduced.n_rows
    return CoverLp(x, np.concatenate([[max(duals[n_r], 0.0)], np.maximum(-duals[:n_r], 0.0)]))  # T; y - sum x <= 0


def fixings(root: RootRelaxation, threshold: float, rows: sp.csr_matrix) -> Fixings:
    """What every plan worth at least ``threshold`` must look like, from the reduced costs at the root.

    A row whose reduced cost says it stays uncovered in every such plan takes all its sites out with it: a
    plan that builds one of them covers the row, and the reduced cost says no plan covering it reaches the
    threshold."""
    margin = 1e-7 * max(1.0, abs(root.bound))
    limit = threshold - root.bound - margin        # < 0: how far the bound may drop before the plan is excluded
    site_out = root.site_cost < limit
    site_in = -root.site_cost < limit
    row_uncovered = root.row_cost < limit
    if row_uncovered.any():
        site_out |= np.asarray(rows[row_uncovered].sum(axis=0)).ravel() > 0
    site_in &= ~site_out
    return Fixings(site_out=site_out, site_in=site_in)


__all__ = ["CoverLp", "FirstOrderLp", "Fixings", "RootRelaxation", "cover_lp", "fixings", "first_order_lp", "lp_solver",
           "proven_bound", "root_relaxation"]
