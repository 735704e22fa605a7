"""The three location models, solved exactly (HiGHS MILP) or fast (lazy greedy), always with a proven bound.

- ``solve_mclp``: k sites covering the most demand (maximal covering location problem, Church and ReVelle).
- ``solve_budget_mclp``: the most demand for a total site cost within a budget.
- ``solve_lscp``: the fewest sites (or least cost) covering all reachable demand, or a target share of it
  (location set covering problem, Toregas et al.).

Every ``Plan`` states its objective, a bound on the optimum and the relative gap between them, so a fast
answer says how far from optimal it can be at most, and an exact one that stops at its work limit says the
same. Exact runs first build the greedy plan (improved by swaps); see ``exact`` for what follows.

Every limit that decides a plan counts work (``effort``: simplex iterations, nodes, windows, subgradient steps),
so the same inputs and options give the same plan and bound on any machine, load or core count; ``work_limit``
sets the budget (0: ``effort.auto_work`` of the relation's size). ``time_limit`` is only an outer safety, honoured
by every phase within ``effort.SAFETY_TOLERANCE``: when it stops a phase, the plan says so in its notes and status
("time limit"), and may then differ on another machine. 0 (the default) makes it automatic: a generous multiple of
the seconds the run's counted work is estimated to take (``_effort``), stated in the plan's ``work``.

Example::

    plan = solve_mclp(problem, k=20)                       # exact
    plan = solve_mclp(problem, k=20, method="greedy")      # fast, with its bound
    plan.objective, plan.bound, plan.gap, plan.status
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.api import Cancelled, Feedback
from plugins.siting import kernels, lagrange
from plugins.siting.block_search import BLOCK_SEARCH, BLOCK_SITES, STARTS, block_search
from plugins.siting.cover_descent import cover_descent
from plugins.siting.effort import (
    ITERATIONS_PER_NODE,
    ITERATIONS_PER_SWEEP,
    ITERATIONS_PER_WINDOW,
    LAGRANGE_ITERATIONS,
    PDLP_ITERATIONS,
    Effort,
    auto_work,
    estimated_seconds,
)
from plugins.siting.exact import checked_plan, solve_maximising
from plugins.siting.greedy import GreedyRun, lazy_greedy, topk_bound
from plugins.siting.methods import METHODS
from plugins.siting.milp import (
    COVER_ALL,
    COVER_TARGET,
    MAXIMISE_BUDGET,
    MAXIMISE_COUNT,
    MilpResult,
    highs_version,
    skipped_note,
    solve_reduced,
)
from plugins.siting.problem import SitingProblem
from plugins.siting.reduce import Reduced, reduce_model
from plugins.siting.relaxation import CoverLp, cover_lp, first_order_lp
from plugins.siting.swap import swap_improve
from plugins.siting.window_search import WINDOW_SEARCH, window_search
from plugins.siting.wording import amount

#: The budgeted greedy's name in a run's provenance (translated where shown).
BUDGET_GREEDY = QT_TRANSLATE_NOOP("SitingSolver", "lazy greedy (gain per cost, and gain)")
#: The share of the gap between the plan and all coverable demand the LP must leave open to count as saturated.
SATURATION_SHARE = 0.01
#: Windows of window search in fast mode: cover descent (fewest-sites covering model), or the k-site plan when
#: its bound is no better than covering everything (in place of the former 3 s). An exact covering run keeps
#: DESCENT_SHARE of its work for it after a MILP that stopped at its limit (on 2,000 x 20,000 the MILP proves
#: the optimum in 31 s and a descent first only delays it; on 5,000 x 50,000 it finds no node).
FAST_SEARCH_WINDOWS, DESCENT_SHARE = 300, 0.25
#: Covering models up to this many nonzeros get their lower bound from the LP relaxation on HiGHS.
LP_BOUND_MAX_NONZEROS = 2_000_000
#: k-site models (plain coverage) of more reduced nonzeros than this are "large": no root LP, saturation test or
#: MILP over all of it (HiGHS's root alone outlasts any budget: > 20 min on 69,500 x 480,000, 7 million
#: nonzeros); their bound comes from LARGE_LP_ITERATIONS iterations of PDLP, whose duals are settled by coordinate
#: descent and polished by LARGE_POLISH_STEPS subgradient steps of size LARGE_POLISH_THETA.
LARGE_NONZEROS = 1_500_000
LARGE_LP_ITERATIONS, LARGE_POLISH_STEPS, LARGE_POLISH_THETA = 1_000, 60, 0.1
#: Sweeps of block search on every fast plan (plain coverage) and, at most and within its work, on the exact plan
#: of a large model, which gives the work left to window search (it found nothing in 200 windows on the city after
#: 25 sweeps). On 25,020 x 172,800 of the city (k = 1,080) 8 sweeps take the plan from 2.28 % to 1.4 % below the
#: bound in about 4 s of CPU, 25 sweeps to 1.3 % in 12 s; on the whole city 25 sweeps take 34 s.
FAST_BLOCK_SWEEPS, EXACT_BLOCK_SWEEPS = 8, 25
#: For the automatic safety limit only (``effort.estimated_seconds``): sparse passes over the relation of the
#: greedy, swaps, reductions and bounds (bench_city's 888,000 pairs: 1.7 s, ~500 passes), and of one root or
#: covering LP by interior point (its 528,000 reduced nonzeros: 15 s, ~7,000 passes).
BASE_PASSES, LP_PASSES = 500, 10_000
LP_BOUND = QT_TRANSLATE_NOOP("Relaxation", "LP bound")


@dataclass
class Plan:
    """A chosen set of sites and what is proven about it.

    ``objective``: covered value (maximising models) or number of sites / total cost (LSCP). ``bound``: the
    optimum is at most this (maximising) or at least this (LSCP). ``gap``: relative distance to the bound,
    so the plan is within ``gap`` of optimal. ``status``: "optimal", "work limit", "time limit" (the outer safety
    limit stopped a phase, in either method: the plan may differ on another machine), "greedy" (fast mode), or
    "unverified" (HiGHS's answer did not check out against the full problem, so its bound is not used). ``work``:
    the work budget and the safety limit, and ``bound_from`` what the bound came from, as provenance.
    """

    model: str
    method: str
    selected: np.ndarray
    objective: float
    bound: float
    status: str
    solver: str
    seconds: float
    covered_weight: float
    total_weight: float
    coverable_weight: float
    cost: float
    maximise: bool = True
    reductions: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    work: str = ""
    bound_from: str = ""

    @property
    def gap(self) -> float:
        if self.maximise:
            return max(0.0, (self.bound - self.objective) / self.bound) if self.bound > 0 else 0.0
        return max(0.0, (self.objective - self.bound) / self.objective) if self.objective > 0 else 0.0

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else 0.0

    @property
    def sites(self) -> int:
        return int(self.selected.size)


class _Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.mark = self.started
        self.timings: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(self.timings.get(name, 0.0) + now - self.mark, 4)
        self.mark = now

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")


def _effort(problem: SitingProblem, work_limit: int, time_limit: float, method: str, lp_passes: int) -> Effort:
    """The run's work budget (``work_limit``, or the default for the relation's size) and safety time limit (0:
    automatic). The estimate behind an automatic limit counts the passes over the whole relation of the phases of a
    fixed count (``lp_passes``: the model's LPs in this method; the Lagrangian steps also stand for a large model's
    fewer first-order iterations) and the work the method may spend: all of it in exact mode, fast mode's sweeps
    and windows. On the city (7.8 million pairs, fast) that is 170 s for a 53 s run; on bench_city's exact run
    (888,000 pairs, 2 million work) 219 s for 81 s."""
    if work_limit < 0:
        raise ValueError(f"the work limit must be 0 (automatic) or positive, got {work_limit}")
    if time_limit < 0:
        raise ValueError(translate("SitingSolver", "the safety time limit must be 0 (automatic) or positive, got "
                                                   "{seconds:g} s").format(seconds=time_limit))
    work = work_limit or auto_work(problem.coverage.nnz)
    passes = BASE_PASSES + LAGRANGE_ITERATIONS + lp_passes
    spendable = work if method == "exact" else min(work, FAST_BLOCK_SWEEPS * ITERATIONS_PER_SWEEP
                                                   + FAST_SEARCH_WINDOWS * ITERATIONS_PER_WINDOW)
    return Effort(work, time_limit, estimate=estimated_seconds(problem.coverage.nnz, passes, spendable))


def _reduce(problem: SitingProblem, effort: Effort, feedback: Feedback, **options) -> Reduced | None:
    """The reduced model, or None when the safety time limit stopped the reduction (recorded in the effort; the
    reduction is asked between its steps and blocks, like Cancel)."""
    try:
        return reduce_model(problem.coverage, problem.weights, **options,
                            cancelled=lambda: feedback.is_cancelled() or effort.expired())
    except Cancelled:
        if feedback.is_cancelled():
            raise
        effort.stop("reduction")
        return None


def _plan(problem: SitingProblem, model: str, method: str, selected: np.ndarray, objective: float, bound: float,
          status: str, solver: str, clock: _Clock, reduced: Reduced | None, notes: list[str], effort: Effort,
          maximise: bool = True, bound_from: str = "") -> Plan:
    selected = np.sort(np.asarray(selected, np.int64))
    stopped = effort.note()
    if stopped is not None:
        notes = [*notes, stopped]
        status = "time limit" if status in ("work limit", "greedy") else status
    return Plan(model=model, method=method, selected=selected, objective=float(objective), bound=float(bound),
                status=status, solver=solver, seconds=clock.elapsed, covered_weight=problem.covered_weight(selected),
                total_weight=problem.total_weight, coverable_weight=problem.coverable_weight,
                cost=problem.cost(selected), maximise=maximise,
                reductions=dict(reduced.stats) if reduced is not None else {}, timings=dict(clock.timings),
                notes=notes, work=effort.summary(), bound_from=bound_from)


class _Bounds:
    """Upper bounds on the optimum of a maximising model, each with what it came from (the plan's provenance)."""

    def __init__(self) -> None:
        self.found: list[tuple[float, str]] = []

    def add(self, value: float, source: str) -> None:
        self.found.append((float(value), source))

    def best(self) -> float:
        return min(value for value, _ in self.found)

    def source(self) -> str:
        return min(self.found, key=lambda found: found[0])[1]


def _milp_solver_name(result: MilpResult, reduced: Reduced, heuristic: str, notes: list[str]) -> str:
    """HiGHS's MILP in words; when it was not run (too many open sites, ``milp.MILP_MAX_SITES``), the ``heuristic``
    that made the plan, and a note saying why."""
    if result.skipped:
        notes.append(skipped_note(reduced.n_candidates))
        return heuristic
    return translate("SitingSolver", "HiGHS {version} MILP ({columns:,} columns, {rows:,} rows, {nodes:,} "
                                     "nodes)").format(version=highs_version(), columns=result.columns,
                                                      rows=result.rows, nodes=result.nodes)


def _best_maximising(problem: SitingProblem, incumbent: np.ndarray, value: float, reduced: Reduced,
                     result: MilpResult, notes: list[str]) -> tuple[np.ndarray, float, bool]:
    """The MILP plan mapped back to candidates unless the start plan is better, and whether HiGHS's own
    objective matches the plan's value recomputed on the full problem (if not, its bound is not trusted)."""
    checked = checked_plan(problem, reduced, result, notes)
    if checked is None:
        return incumbent, value, True
    candidate, candidate_value, verified = checked
    if candidate_value >= value - 1e-9 * max(1.0, abs(value)):
        return candidate, candidate_value, verified
    return incumbent, value, verified


def solve_mclp(problem: SitingProblem, k: int, *, method: str = "exact", time_limit: float = 0.0,
               work_limit: int = 0, mip_gap: float = 0.0, local_search: bool = True,
               feedback: Feedback | None = None) -> Plan:
    """Choose at most ``k`` sites maximising covered demand (plus ``beta`` x demand covered twice).

    Both methods start with the lazy greedy and swaps. The fast method then computes the Lagrangian bound,
    whose multipliers also rank the sites for a second plan (improved by swaps too), re-plans the best by block
    search (FAST_BLOCK_SWEEPS sweeps, plain coverage), and when that bound is no better than covering everything,
    spends FAST_SEARCH_WINDOWS windows on window search. The exact method (plain
    coverage) runs ``exact.solve_maximising``: root LP with odd-cycle cuts, LP-guided plan, reduced-cost fixing,
    then HiGHS on the sites left open (more than ``milp.MILP_MAX_SITES`` of them: block and window search with the
    work instead, as on large models); with the double-coverage reward it hands the whole model to HiGHS. The
    Lagrangian bound and heuristic follow when the work limit stops it. When no cheap bound is below all
    coverable demand and the LP relaxation covers it all too, the exact method spends its work on window search
    instead (``_saturated_search``). Models of more than LARGE_NONZEROS reduced nonzeros skip the LP, the saturation
    test and the MILP in both methods: their bound is ``first_order_relaxation``'s, and the exact method gives
    their plan up to EXACT_BLOCK_SWEEPS sweeps of block search within its work, the rest to window search.
    ``work_limit`` decides where it stops; ``time_limit`` is a safety only.
    """
    _check_method(method)
    if k < 1:
        raise ValueError(f"the number of sites k must be at least 1, got {k}")
    feedback = feedback or Feedback()
    clock = _Clock()
    notes: list[str] = []
    effort = _effort(problem, work_limit, time_limit, method,
                     LP_PASSES + PDLP_ITERATIONS if method == "exact" else 0)      # root LP, saturation test
    cov, w, beta = problem.coverage, problem.weights, problem.beta
    run = lazy_greedy(cov, w, beta=beta, max_sites=k, feedback=feedback.step(0, 10))
    incumbent, value = run.order, run.value
    clock.lap("greedy")
    swaps = local_search and 0 < incumbent.size < problem.n_candidates and cov.nnz <= lagrange.MAX_PAIRS
    if swaps:
        improved, improved_value = _swaps(problem, incumbent, effort, feedback.step(10, 15))
        if improved_value > value:
            notes.append(translate("Siting", "swaps raised the greedy plan from {old} to {new}").format(
                old=amount(value), new=amount(improved_value)))
            incumbent, value = improved, improved_value
        clock.lap("local_search")
    if incumbent.size < k:
        notes.append(translate("Siting", "only {count} sites add coverage; more than that cannot cover more "
                                         "demand").format(count=incumbent.size))
    counts = problem.counts(incumbent)
    bounds = _Bounds()
    bounds.add(problem.max_value, translate("Siting", "all coverable demand"))
    bounds.add(run.upper_bound(k), translate("Siting", "greedy bound"))
    bounds.add(topk_bound(cov, w, counts, value, k, beta=beta, exclude=incumbent), translate("Siting", "top-k bound"))
    clock.lap("bounds")
    feedback.set_progress(15)
    solver = translate("SitingSolver", "lazy greedy") + (translate("SitingSolver", " + swaps") if swaps else "")
    reduced = None
    if method == "exact" or cov.nnz <= lagrange.MAX_PAIRS:
        # the fast mode only needs the reduction for its bound: skip the (costlier) dominance test there
        reduced = _reduce(problem, effort, feedback, beta=beta, dominance=method == "exact")
        clock.lap("reduction")
    feedback.set_progress(20)
    # one simplex or interior-point LP over everything is out of budget: the bound comes from a first-order LP
    large = reduced is not None and beta == 0.0 and reduced.rows.nnz > LARGE_NONZEROS

    def lagrangian_step(reduced: Reduced) -> None:
        nonlocal incumbent, value, solver
        # past the safety limit (the run is already reported as such), the last step gets the effort's grace
        step = Effort(max(effort.left, 1), effort.grace()) if effort.expired() else effort
        lp_x = None
        if large:
            relaxation, lp_x = first_order_relaxation(reduced, k, value, step, feedback)
            bounds.add(relaxation.bound, translate("Siting", "Lagrangian bound at the duals of {iterations:,} PDLP "
                                                   "iterations").format(iterations=LARGE_LP_ITERATIONS))
            clock.lap("lp_bound")
        else:
            relaxation = lagrange.max_coverage_relaxation(reduced.rows, reduced.row_weight, reduced.private, k,
                                                          beta=beta, incumbent=value, iterations=LAGRANGE_ITERATIONS,
                                                          feedback=feedback, effort=step)
            bounds.add(relaxation.bound, translate("Siting", "Lagrangian bound ({steps:,} subgradient steps)").format(
                steps=LAGRANGE_ITERATIONS))
            clock.lap("lagrangian_bound")
        starts = [reduced.candidates[np.argsort(-relaxation.site_value, kind="stable")[:k]]]
        if lp_x is not None:            # the LP's own order too: 0.3 % better on a tile of the city (2,780 x 19,200)
            starts.append(_lp_order(problem, reduced, lp_x, np.inf, max_sites=k))
        for ranked in starts if swaps and incumbent.size == k else ():
            if step.out_of_time(translate("Exact", "swaps")):
                break
            candidate, candidate_value = _swaps(problem, ranked, step, feedback)
            if candidate_value > value:
                notes.append(translate("Siting", "the Lagrangian ranking with swaps found a better plan "
                                                 "({value})").format(value=amount(candidate_value)))
                incumbent, value = candidate, candidate_value
                suffix = translate("SitingSolver", " + Lagrangian heuristic")
                solver += "" if solver.endswith(suffix) else suffix
            clock.lap("lagrangian_heuristic")
        for phase in step.stopped if step is not effort else ():
            effort.stop(phase)

    def searched(windows: int, share: tuple[float, float]) -> None:
        nonlocal incumbent, value, solver
        result = window_search(cov, w, incumbent, max_windows=windows, effort=effort, feedback=feedback.step(*share))
        if result.value > value:
            notes.append(translate("Siting", "window search raised the plan from {old} to {new} ({windows:,} "
                                             "windows)").format(old=amount(value), new=amount(result.value),
                                                                windows=result.windows))
            incumbent, value = result.selected, result.value
        solver += translate("SitingSolver", " + window search")
        clock.lap("window_search")

    def block_searched(sweeps: int, share: tuple[float, float]) -> None:
        nonlocal incumbent, value, solver
        result = block_search(cov, w, incumbent, sweeps=sweeps, effort=effort, feedback=feedback.step(*share))
        notes.append(translate("Siting", "block search re-planned {blocks:,} blocks of up to {sites} sites from "
                                         "{starts} random starts each ({sweeps} sweeps, {improved:,} blocks better): "
                                         "{old} -> {new}").format(
            blocks=result.blocks, sites=BLOCK_SITES, starts=STARTS, sweeps=result.sweeps, improved=result.improved,
            old=amount(value), new=amount(max(result.value, value))))
        if result.value > value:
            incumbent, value = result.selected, result.value
        solver += translate("SitingSolver", " + block search")
        clock.lap("block_search")

    if method == "greedy":
        if reduced is not None:
            lagrangian_step(reduced)
        if reduced is not None and beta == 0.0 and incumbent.size == k and value < bounds.best():
            block_searched(FAST_BLOCK_SWEEPS, (80, 90))
        if reduced is not None and beta == 0.0 and incumbent.size == k and value < bounds.best() and \
                _saturated(bounds.best(), problem, value):
            # the bound is no better than covering everything: as in exact mode, what is left is in the plan
            searched(min(FAST_SEARCH_WINDOWS, effort.windows()), (90, 100))
        feedback.set_progress(100)
        return _plan(problem, "mclp", method, incumbent, value, max(bounds.best(), value), "greedy", solver, clock,
                     reduced, notes, effort, bound_from=bounds.source())
    if reduced is None:  # exact mode, and the safety time limit stopped the reduction
        return _plan(problem, "mclp", method, incumbent, value, max(bounds.best(), value), "time limit", solver,
                     clock, None, notes, effort, bound_from=bounds.source())
    if value >= bounds.best() - 1e-9 * max(1.0, abs(value)):         # e.g. every coverable point is covered
        return _plan(problem, "mclp", method, incumbent, value, value, "optimal",
                     solver + translate("SitingSolver", "; the plan meets a bound"),
                     clock, reduced, notes, effort, bound_from=bounds.source())
    def searched_rest() -> str:
        """Block search (the fast mode's FAST_BLOCK_SWEEPS sweeps, up to EXACT_BLOCK_SWEEPS within the work), then
        the work left to window search; the status the plan then has."""
        if incumbent.size == k and value < bounds.best() and \
                not effort.out_of_time(translate("BlockSearch", BLOCK_SEARCH)):
            block_searched(max(FAST_BLOCK_SWEEPS, min(EXACT_BLOCK_SWEEPS, effort.sweeps())), (30, 60))
        if incumbent.size == k and value < bounds.best() and effort.left > 0 and \
                not effort.out_of_time(translate("WindowSearch", WINDOW_SEARCH)):
            searched(effort.windows(), (60, 100))
        proven = value >= bounds.best() - 1e-9 * max(1.0, abs(value))
        return "optimal" if proven else "time limit" if effort.stopped else "work limit"

    if large:
        # the first-order bound, its Lagrangian heuristic, block search, then the work left to window search
        lagrangian_step(reduced)
        status = searched_rest()
        return _plan(problem, "mclp", method, incumbent, value, max(bounds.best(), value), status, solver, clock,
                     reduced, notes, effort, bound_from=bounds.source())
    if beta == 0.0 and incumbent.size == k and value < problem.max_value <= bounds.best():
        searched_plan = _saturated_search(problem, reduced, k, incumbent, value, effort, feedback.step(20, 100), clock)
        if searched_plan is not None:
            notes.extend(searched_plan.notes)
            return _plan(problem, "mclp", method, searched_plan.selected, searched_plan.objective, problem.max_value,
                         searched_plan.status, searched_plan.solver, clock, reduced, notes, effort,
                         bound_from=bounds.source())
    if beta == 0.0:
        outcome = solve_maximising(problem, reduced, k=k, incumbent=incumbent, value=value, effort=effort,
                                   mip_gap=mip_gap, feedback=feedback.step(20, 100), lap=clock.lap)
        notes.extend(outcome.notes)
        incumbent, value, status = outcome.selected, outcome.value, outcome.status
        bounds.add(outcome.bound, translate("Siting", "root LP with odd-cycle cuts and MILP"))
        solver = outcome.solver
        if status != "optimal":
            lagrangian_step(reduced)
        if outcome.searched:            # the MILP proved nothing (or was too large to run): the work left to searches
            status = searched_rest()
        return _plan(problem, "mclp", method, incumbent, value, max(bounds.best(), value), status, solver,
                     clock, reduced, notes, effort, bound_from=bounds.source())
    result = solve_reduced(reduced, MAXIMISE_COUNT, k=k, beta=beta, seed=reduced.local(incumbent), effort=effort,
                           mip_gap=mip_gap, feedback=feedback.step(20, 100))
    clock.lap("milp")
    selected, objective, verified = _best_maximising(problem, incumbent, value, reduced, result, notes)
    if verified and np.isfinite(result.bound):
        bounds.add(result.bound, translate("Siting", "MILP bound"))
    if result.status != "optimal" or not verified:
        incumbent, value = selected, objective
        lagrangian_step(reduced)
        selected, objective = incumbent, value
    bound = max(bounds.best(), objective)
    status = result.status if verified else "unverified"
    return _plan(problem, "mclp", method, selected, objective, bound, status,
                 _milp_solver_name(result, reduced, solver, notes), clock, reduced, notes, effort,
                 bound_from=bounds.source())


def first_order_relaxation(reduced: Reduced, k: int, incumbent: float, effort: Effort,
                           feedback: Feedback) -> tuple[lagrange.Relaxation, np.ndarray | None]:
    """The Lagrangian bound of a large k-site model at the duals of a first-order LP (``first_order_lp``), settled
    row by row (``lagrange.settled``: where the iterate left a row paid twice or not at all) and polished by a few
    short subgradient steps; valid whatever the iterate (any multipliers bound every plan). Also the LP's site
    values (None if it gave none)."""
    lp = first_order_lp(reduced, k, iterations=LARGE_LP_ITERATIONS, effort=effort, feedback=feedback, phase=LP_BOUND)
    start = lagrange.settled(reduced.rows, reduced.row_weight, reduced.private, lp.duals, k)
    return lagrange.max_coverage_relaxation(reduced.rows, reduced.row_weight, reduced.private, k, incumbent=incumbent,
                                            iterations=LARGE_POLISH_STEPS, start=start, theta=LARGE_POLISH_THETA,
                                            feedback=feedback, effort=effort), lp.x


def _swaps(problem: SitingProblem, plan: np.ndarray, effort: Effort, feedback: Feedback) -> tuple[np.ndarray, float]:
    """Swaps until none helps (at most ``swap_improve``'s passes); the effort's deadline is only a safety."""
    improved = swap_improve(problem.coverage, problem.weights, plan, beta=problem.beta,
                            seconds=effort.seconds_left(), feedback=feedback)
    effort.out_of_time(translate("Exact", "swaps"))
    return improved


@dataclass
class _Searched:
    """What the saturated path found: the plan, its value, how it ended, and what to tell the planner."""

    selected: np.ndarray
    objective: float
    status: str
    solver: str
    notes: list[str]


def _saturated(reached: float, problem: SitingProblem, value: float) -> bool:
    """Whether a relaxation value (a bound, or what the LP certainly reaches) leaves less than SATURATION_SHARE of
    the gap between the plan's ``value`` and all coverable demand open: then it is "everything covered"."""
    return reached >= problem.max_value - SATURATION_SHARE * (problem.max_value - value)


def _saturated_search(problem: SitingProblem, reduced: Reduced, k: int, incumbent: np.ndarray, value: float,
                      effort: Effort, feedback: Feedback, clock: _Clock) -> _Searched | None:
    """When k sites can fractionally cover all coverable demand, no LP-based bound or branching proves more than
    "everything covered" in useful time (HiGHS spent 573 s on the root of the 5,000 x 50,000 benchmark without a
    single node); the work then goes to window search on the plan. None when the LP is not saturated."""
    reached = first_order_lp(reduced, k, effort=effort, feedback=feedback.step(0, 5)).reached
    clock.lap("saturation_test")
    if not _saturated(reached, problem, value):
        return None
    notes = [translate("Siting", "the LP relaxation covers {share:.4%} of the coverable demand with {k} fractional "
                                 "sites, so no LP bound can prove more than covering all of it; the work went to the "
                                 "plan").format(share=reached / problem.max_value, k=k)]
    result = window_search(problem.coverage, problem.weights, incumbent, max_windows=effort.windows(), effort=effort,
                           feedback=feedback.step(5, 100))
    clock.lap("window_search")
    notes.append(translate("Siting", "window search re-solved {windows:,} windows of up to {largest} sites, "
                                     "{improved:,} of them better: {old} -> {new}").format(
        windows=result.windows, largest=result.largest, improved=result.improved, old=amount(value),
        new=amount(result.value)))
    status = "optimal" if result.value >= problem.max_value - 1e-9 * problem.max_value else \
        "time limit" if effort.stopped else "work limit"
    solver = translate("SitingSolver", "lazy greedy + swaps + window search (HiGHS {version} on windows around "
                                       "uncovered points)").format(version=highs_version())
    return _Searched(result.selected, result.value, status, solver, notes)


def solve_budget_mclp(problem: SitingProblem, budget: float, *, method: str = "exact", time_limit: float = 0.0,
                      work_limit: int = 0, mip_gap: float = 0.0, feedback: Feedback | None = None) -> Plan:
    """Choose sites of total cost at most ``budget`` maximising covered demand (``work_limit`` decides where the
    exact solver stops; ``time_limit`` is a safety only)."""
    _check_method(method)
    if not budget > 0:
        raise ValueError(f"the budget must be positive, got {budget}")
    feedback = feedback or Feedback()
    clock = _Clock()
    notes: list[str] = []
    effort = _effort(problem, work_limit, time_limit, method, LP_PASSES if method == "exact" else 0)   # root LP
    cov, w, beta, costs = problem.coverage, problem.weights, problem.beta, problem.costs
    if costs.min() > budget:
        refusal = translate("SitingSolver", "the budget {budget:g} is below the cheapest site ({cheapest:g})")
        raise ValueError(refusal.format(budget=budget, cheapest=costs.min()))
    by_ratio = lazy_greedy(cov, w, costs=costs, beta=beta, budget=budget, use_ratio=True,
                           feedback=feedback.step(0, 8))
    by_gain = lazy_greedy(cov, w, costs=costs, beta=beta, budget=budget, feedback=feedback.step(8, 16))
    incumbent, value = (by_ratio.order, by_ratio.value) if by_ratio.value >= by_gain.value else \
        (by_gain.order, by_gain.value)
    clock.lap("greedy")
    counts = problem.counts(incumbent)
    bounds = [problem.max_value, by_ratio.upper_bound(budget),
              topk_bound(cov, w, counts, value, budget, costs=costs, beta=beta, exclude=incumbent)]
    clock.lap("bounds")
    reduced = None
    if method == "exact" or cov.nnz <= lagrange.MAX_PAIRS:
        reduced = _reduce(problem, effort, feedback, costs=costs, beta=beta, dominance=method == "exact")
        clock.lap("reduction")
    feedback.set_progress(20)
    if method == "greedy":
        if reduced is not None:
            bounds.append(lagrange.max_coverage_bound(reduced.rows, reduced.row_weight, reduced.private, budget,
                                                      costs=costs[reduced.candidates], beta=beta, incumbent=value,
                                                      feedback=feedback, effort=effort))
            clock.lap("lagrangian_bound")
        feedback.set_progress(100)
        return _plan(problem, "budget_mclp", method, incumbent, value, max(min(bounds), value), "greedy",
                     translate("SitingSolver", BUDGET_GREEDY), clock, reduced, notes, effort)
    if reduced is None:  # exact mode, and the safety time limit stopped the reduction
        return _plan(problem, "budget_mclp", method, incumbent, value, max(min(bounds), value), "time limit",
                     translate("SitingSolver", BUDGET_GREEDY), clock, None, notes, effort)
    if value >= min(bounds) - 1e-9 * max(1.0, abs(value)):
        return _plan(problem, "budget_mclp", method, incumbent, value, value, "optimal",
                     translate("SitingSolver", BUDGET_GREEDY) + translate("SitingSolver", "; the plan meets a bound"),
                     clock, reduced, notes, effort)
    if beta == 0.0:
        outcome = solve_maximising(problem, reduced, budget=budget, incumbent=incumbent, value=value,
                                   effort=effort, mip_gap=mip_gap, feedback=feedback.step(20, 100), lap=clock.lap)
        notes.extend(outcome.notes)
        return _plan(problem, "budget_mclp", method, outcome.selected, outcome.value,
                     max(min(min(bounds), outcome.bound), outcome.value), outcome.status, outcome.solver, clock,
                     reduced, notes, effort)
    result = solve_reduced(reduced, MAXIMISE_BUDGET, budget=budget, costs=costs[reduced.candidates], beta=beta,
                           seed=reduced.local(incumbent), effort=effort, mip_gap=mip_gap,
                           feedback=feedback.step(20, 100))
    clock.lap("milp")
    selected, objective, verified = _best_maximising(problem, incumbent, value, reduced, result, notes)
    if verified and np.isfinite(result.bound):
        bounds.append(result.bound)
    if result.status != "optimal" or not verified:
        bounds.append(lagrange.max_coverage_bound(reduced.rows, reduced.row_weight, reduced.private, budget,
                                                  costs=costs[reduced.candidates], beta=beta, incumbent=objective,
                                                  feedback=feedback, effort=effort))
        clock.lap("lagrangian_bound")
    status = result.status if verified else "unverified"
    return _plan(problem, "budget_mclp", method, selected, objective, max(min(bounds), objective), status,
                 _milp_solver_name(result, reduced, translate("SitingSolver", BUDGET_GREEDY), notes), clock, reduced,
                 notes, effort)


def _cover_greedy(problem: SitingProblem, costs: np.ndarray, target: float,
                  feedback: Feedback) -> tuple[np.ndarray, GreedyRun]:
    """Cheapest-per-covered-demand greedy up to ``target``, then drop sites made redundant by later ones."""
    cov, w = problem.coverage, problem.weights
    run = lazy_greedy(cov, w, costs=costs, use_ratio=True, target_value=target, feedback=feedback)
    counts = run.counts.copy()
    keep = kernels.prune_redundant(run.order, cov.indptr, cov.indices, w, counts, 0.0, run.value, target)
    return run.order[keep], run


def _ratio_lower_bound(run: GreedyRun, target: float) -> float:
    """Any plan reaching ``target`` costs at least (target - f(S_t)) / (best gain per cost at S_t), for all t."""
    if not run.values.size:
        return 0.0
    need = target - run.values_before()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(run.max_key > 0, need / run.max_key, 0.0)
    return float(max(0.0, ratios.max()))


def solve_lscp(problem: SitingProblem, *, target_share: float = 1.0, minimise: str = "sites",
               method: str = "exact", time_limit: float = 0.0, work_limit: int = 0, mip_gap: float = 0.0,
               feedback: Feedback | None = None) -> Plan:
    """Fewest sites (``minimise="sites"``) or least total cost (``"cost"``) covering ``target_share`` of the
    demand that any candidate can reach (1.0: all of it). Demand no candidate reaches is reported, not required.
    The double-coverage weight does not apply to this model. Fast mode also takes sites in the order of the LP
    relaxation it solves for its bound, and keeps the smaller cover. With the fewest sites as the aim, the cover
    then goes through cover descent (fast mode: FAST_SEARCH_WINDOWS windows; exact mode: after a MILP that stopped
    at its work limit, which leaves it DESCENT_SHARE of the work). ``time_limit`` is a safety only."""
    _check_method(method)
    if minimise not in ("sites", "cost"):
        raise ValueError(f"minimise must be 'sites' or 'cost', got {minimise!r}")
    if not 0.0 < target_share <= 1.0:
        raise ValueError(f"the target share must lie in (0, 1], got {target_share}")
    feedback = feedback or Feedback()
    clock = _Clock()
    notes: list[str] = []
    effort = _effort(problem, work_limit, time_limit, method, LP_PASSES)       # the covering LP, in both methods
    cov = problem.coverage
    unit = minimise == "sites"
    costs = np.ones(problem.n_candidates) if unit else problem.costs
    reachable = problem.coverable_weight
    if reachable <= 0:
        raise ValueError(translate("SitingSolver", "no candidate covers any demand: nothing to cover"))
    full = target_share >= 1.0
    target = reachable if full else target_share * reachable
    goal = target - 1e-9 * max(1.0, target)
    if reachable < problem.total_weight:
        notes.append(translate("Siting", "{out} of {total} demand is out of reach of every candidate and is not "
                                         "counted in the target").format(out=amount(problem.total_weight - reachable),
                                                                          total=amount(problem.total_weight)))
    incumbent, run = _cover_greedy(problem, costs, goal, feedback.step(0, 15))
    objective = float(costs[incumbent].sum())
    clock.lap("greedy")
    heuristic = translate("SitingSolver", "greedy cover (cost per covered demand) + redundancy pruning")
    descend = unit               # window search keeps the number of sites, not their cost
    bounds = [_ratio_lower_bound(run, goal)]
    reduced = None
    if method == "exact" or cov.nnz <= lagrange.MAX_PAIRS:
        reduced = _reduce(problem, effort, feedback, costs=None if unit else costs, full_cover=full,
                          dominance=method == "exact")
        clock.lap("reduction")
    feedback.set_progress(20)
    forced_cost = float(costs[reduced.forced].sum()) if reduced is not None else 0.0
    kept_costs = costs[reduced.candidates] if reduced is not None else costs  # of the candidates left in play
    if method == "greedy":
        if reduced is not None:
            relaxed = cover_lp(reduced, kept_costs, full=full, target=goal, effort=effort,
                               feedback=feedback) if reduced.rows.nnz <= LP_BOUND_MAX_NONZEROS else None
            if relaxed is not None:
                guided = _lp_order(problem, reduced, relaxed.x, goal)
                if costs[guided].sum() < objective:
                    notes.append(translate("Siting", "taking sites in the order of the LP relaxation gives a cover "
                                                     "of {cost} (greedy: {greedy})").format(
                        cost=amount(costs[guided].sum()), greedy=amount(objective)))
                    incumbent, objective = guided, float(costs[guided].sum())
                    heuristic = translate("SitingSolver", "LP-ordered cover + redundancy pruning")
            bounds.append(forced_cost + _cover_lagrangian(reduced, kept_costs, full, goal, objective - forced_cost,
                                                          feedback, effort, lp=relaxed))
            clock.lap("lagrangian_bound")
        if descend:
            incumbent, objective = _descend(problem, incumbent, goal, min(FAST_SEARCH_WINDOWS, effort.windows()),
                                            effort, feedback.step(80, 100), notes)
            heuristic += translate("SitingSolver", " + cover descent")
            clock.lap("cover_descent")
        bound = _integral(max(bounds), unit)
        feedback.set_progress(100)
        return _plan(problem, "lscp", method, incumbent, objective, min(bound, objective), "greedy", heuristic,
                     clock, reduced, notes, effort, maximise=False)
    if reduced is None:  # exact mode, and the safety time limit stopped the reduction
        return _plan(problem, "lscp", method, incumbent, objective, min(_integral(max(bounds), unit), objective),
                     "time limit", heuristic, clock, None, notes, effort, maximise=False)
    seed = reduced.local(incumbent)
    reserve = int(DESCENT_SHARE * effort.left) if descend else 0
    milp_nodes = max((effort.left - reserve) // ITERATIONS_PER_NODE, 1)
    milp_feedback = feedback.step(20, 95 if descend else 100)
    if full:
        result = solve_reduced(reduced, COVER_ALL, costs=kept_costs, seed=seed, effort=effort, nodes=milp_nodes,
                               mip_gap=mip_gap, feedback=milp_feedback)
    else:
        result = solve_reduced(reduced, COVER_TARGET, target=goal, costs=kept_costs, seed=seed, effort=effort,
                               nodes=milp_nodes, mip_gap=mip_gap, feedback=milp_feedback)
    clock.lap("milp")
    selected, found, verified = incumbent, objective, True
    if result.selected.size or result.status == "optimal":
        candidate = np.concatenate([reduced.forced, reduced.candidates[result.selected]])
        candidate_cost = float(costs[candidate].sum())
        reaches = problem.covered_weight(candidate) >= goal - 1e-9 * max(1.0, goal)
        verified = reaches and candidate_cost <= forced_cost + result.objective + 1e-6 * max(1.0, candidate_cost)
        if not verified:
            notes.append(translate("Siting", "HiGHS's plan did not check out against the full problem; its bound is "
                                             "not used"))
        if reaches and candidate_cost <= objective + 1e-9:
            selected, found = candidate, candidate_cost
    if verified and np.isfinite(result.bound):
        bounds.append(forced_cost + result.bound)
    solver = _milp_solver_name(result, reduced, heuristic, notes)
    if result.status != "optimal" and descend:
        descended, found = _descend(problem, selected, goal, effort.windows(), effort, feedback.step(95, 100), notes)
        if descended.size < selected.size:
            solver += translate("SitingSolver", " + cover descent")
        selected = descended
        clock.lap("cover_descent")
    if result.status != "optimal" or not verified:
        bounds.append(forced_cost + _cover_lagrangian(reduced, kept_costs, full, goal, found - forced_cost, feedback,
                                                      effort))
        clock.lap("lagrangian_bound")
    bound = min(_integral(max(bounds), unit), found)
    status = result.status if verified else "unverified"
    return _plan(problem, "lscp", method, selected, found, bound, status, solver, clock, reduced, notes, effort,
                 maximise=False)


def _descend(problem: SitingProblem, cover: np.ndarray, goal: float, windows: int, effort: Effort,
             feedback: Feedback, notes: list[str]) -> tuple[np.ndarray, float]:
    """The cover after cover descent (fewest-sites model) of at most ``windows`` window solves, and its number of
    sites."""
    descent = cover_descent(problem.coverage, problem.weights, cover, goal=goal, max_windows=windows, effort=effort,
                            feedback=feedback)
    if descent.dropped:
        notes.append(translate("Siting", "cover descent took the cover from {old:,} to {new:,} sites ({windows:,} "
                                         "window solves)").format(old=cover.size, new=descent.selected.size,
                                                                  windows=descent.windows))
    return descent.selected, float(descent.selected.size)


def _cover_lagrangian(reduced: Reduced, costs: np.ndarray, full: bool, goal: float, incumbent: float,
                      feedback: Feedback, effort: Effort, *, lp: CoverLp | None = None) -> float:
    """Lower bound on the cost of the sites beyond the forced ones: the Lagrangian bound at the duals of the LP
    relaxation (``lp``, or solved here while small enough to solve in a moment: the subgradient method converges
    slowly on covering models, which have no cardinality row to steer it), else, or when the LP gives no duals
    within its iteration cap, after LAGRANGE_ITERATIONS subgradient steps."""
    if lp is None and reduced.rows.nnz <= LP_BOUND_MAX_NONZEROS:
        lp = cover_lp(reduced, costs, full=full, target=goal, effort=effort, feedback=feedback)
    start = lp.multipliers if lp is not None else None
    iterations = 1 if start is not None else LAGRANGE_ITERATIONS
    if full:
        return lagrange.cover_cost_bound(reduced.rows, costs, incumbent=incumbent, iterations=iterations,
                                         start=start, feedback=feedback, effort=effort)
    return lagrange.cover_target_bound(reduced.rows, reduced.row_weight, reduced.private, costs, goal,
                                       incumbent=incumbent, iterations=iterations, start=start, feedback=feedback,
                                       effort=effort)


def _lp_order(problem: SitingProblem, reduced: Reduced, x: np.ndarray, goal: float,
              max_sites: int | None = None) -> np.ndarray:
    """Sites taken in decreasing LP value (forced ones first) while they add coverage, until ``goal`` or
    ``max_sites``; at ``goal``, the ones made redundant are then dropped, lowest LP value first. As a cover,
    smaller than the greedy one on every benchmark instance (Tianhe 229 against 246 sites, 2,000 x 20,000 573
    against 632, 5,000 x 50,000 644 against 666)."""
    cov, w = problem.coverage, problem.weights
    priority = np.full(problem.n_candidates, -1.0)
    priority[reduced.candidates] = x
    priority[reduced.forced] = 2.0
    counts = np.zeros(problem.n_demand, np.int32)
    value, chosen = 0.0, []
    for j in np.argsort(-priority, kind="stable"):
        gain = kernels.gain_of(int(j), cov.indptr, cov.indices, w, counts, 0.0)
        if gain > 0:
            kernels.add_site(int(j), cov.indptr, cov.indices, counts)
            value += gain
            chosen.append(j)
            if value >= goal or len(chosen) == max_sites:
                break
    order = np.asarray(chosen, np.int64)
    if value < goal:
        return order
    return order[kernels.prune_redundant(order, cov.indptr, cov.indices, w, counts, 0.0, value, goal)]


def _integral(bound: float, unit: bool) -> float:
    """With unit costs the optimum is a whole number of sites, so a lower bound rounds up."""
    return float(math.ceil(bound - 1e-6)) if unit else bound


__all__ = ["METHODS", "Plan", "solve_budget_mclp", "solve_lscp", "solve_mclp"]
