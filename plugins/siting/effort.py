"""Work budgets: what decides a siting run's answer is counted work, never seconds, so the same inputs and options
give the same plan and bound on an idle or a busy machine and with any number of cores. A wall-clock limit stays
only as an outer safety; when it stops a phase, the run says so (the result may then differ on another machine).

The unit of ``work`` is one simplex iteration, the unit HiGHS counts. What each phase may spend follows from it:

- a HiGHS LP: ``simplex_iteration_limit`` = the work left (interior point and PDLP: fixed iteration caps);
- a HiGHS MILP: ``mip_max_nodes`` = the work left / ITERATIONS_PER_NODE (and as many leaves);
- window search: the work left / ITERATIONS_PER_WINDOW windows, each at most WINDOW_NODES nodes;
- the Lagrangian bound: LAGRANGE_ITERATIONS subgradient steps (sparse products, not simplex iterations);
- swaps: whole passes, at most ``swap.swap_improve``'s ``max_passes``;
- block search (large k-site models): whole sweeps, each counted as ITERATIONS_PER_SWEEP.

Phases run in a fixed order and each deducts what it spent (iterations, nodes x ITERATIONS_PER_NODE, windows x
ITERATIONS_PER_WINDOW), so the budget left for the next phase is the same on every run. The default work is
WORK_PER_PAIR per pole-point pair of the coverage relation, within [MIN_WORK, MAX_WORK]: on the 2,000 x 20,000
benchmark (~330,000 pairs) that is 6.6 million iterations, far more than its proof takes.

Example::

    effort = Effort(work=auto_work(coverage.nnz), safety_seconds=60.0)
    options = effort.milp_options()
    effort.spend(iterations=..., nodes=...)
    effort.note()          # None, or what the safety limit stopped
"""

from __future__ import annotations

import time

from layers.i18n import translate

#: HiGHS option values (``Highs.setOptionValue`` takes these).
HighsOptions = dict[str, bool | int | float | str]

#: Default work per pole-point pair, and its floor and ceiling (simplex iterations).
WORK_PER_PAIR, MIN_WORK, MAX_WORK = 20, 1_000_000, 200_000_000
#: Simplex iterations one branch-and-bound node is counted as, and one window of window search.
ITERATIONS_PER_NODE, ITERATIONS_PER_WINDOW = 200, 2_000
#: Simplex iterations one sweep of block search is counted as (a sweep of the 69,500-pole city re-plans ~290
#: blocks from 20 starts each in about 1.4 s of CPU, as long as ~40 windows of window search).
ITERATIONS_PER_SWEEP = 80_000
#: Nodes HiGHS may spend on one window of window search (a window of 60-240 binaries usually needs a few dozen).
WINDOW_NODES = 500
#: Subgradient steps of one Lagrangian bound (the step size also halves to nothing after ~700 steps without gain).
LAGRANGE_ITERATIONS = 3000
#: Interior-point and PDLP iteration caps of one LP (interior point converges in tens of iterations).
IPM_ITERATIONS, PDLP_ITERATIONS = 500, 20_000
#: Nodes of each restricted MILP tried for the LP-guided plan.
LP_PLAN_NODES = 200


def auto_work(pairs: int) -> int:
    """The default work budget for a coverage relation of ``pairs`` pole-point pairs."""
    return int(min(max(WORK_PER_PAIR * int(pairs), MIN_WORK), MAX_WORK))


class Effort:
    """The work left to spend, the outer safety deadline, and the phases the safety limit stopped."""

    def __init__(self, work: int, safety_seconds: float) -> None:
        if work < 1:
            raise ValueError(translate("Effort", "the work limit must be at least 1, got {work}").format(work=work))
        self.work, self.left = int(work), int(work)
        self.safety_seconds = float(safety_seconds)
        self.started = time.perf_counter()
        self.deadline = self.started + self.safety_seconds
        self.stopped: list[str] = []
        self.stopped_after = 0.0

    def seconds_left(self) -> float:
        """Seconds until the safety deadline (never below zero)."""
        return max(self.deadline - time.perf_counter(), 0.0)

    def expired(self) -> bool:
        return time.perf_counter() >= self.deadline

    def spend(self, *, iterations: int = 0, nodes: int = 0, windows: int = 0, sweeps: int = 0) -> None:
        self.left = max(self.left - int(iterations) - ITERATIONS_PER_NODE * int(nodes)
                        - ITERATIONS_PER_WINDOW * int(windows) - ITERATIONS_PER_SWEEP * int(sweeps), 0)

    def stop(self, phase: str) -> None:
        """Record that the safety limit cut ``phase`` short."""
        if not self.stopped:
            self.stopped_after = time.perf_counter() - self.started
        if phase not in self.stopped:
            self.stopped.append(phase)

    @property
    def spent(self) -> int:
        return self.work - self.left

    def nodes(self) -> int:
        return max(self.left // ITERATIONS_PER_NODE, 1)

    def windows(self) -> int:
        return max(self.left // ITERATIONS_PER_WINDOW, 1)

    def sweeps(self) -> int:
        return max(self.left // ITERATIONS_PER_SWEEP, 1)

    def lp_options(self) -> HighsOptions:
        """Deterministic limits of one HiGHS LP (with the safety deadline as HiGHS's own time limit)."""
        return {"simplex_iteration_limit": max(self.left, 1), "ipm_iteration_limit": IPM_ITERATIONS,
                "pdlp_iteration_limit": PDLP_ITERATIONS, "random_seed": 0,
                "time_limit": max(self.seconds_left(), 0.01)}

    def milp_options(self, nodes: int | None = None) -> HighsOptions:
        """Deterministic limits of one HiGHS MILP: nodes and leaves from the work left (or ``nodes``)."""
        limit = self.nodes() if nodes is None else max(min(nodes, self.nodes()), 1)
        return {"mip_max_nodes": limit, "mip_max_leaves": limit, "ipm_iteration_limit": IPM_ITERATIONS,
                "random_seed": 0, "time_limit": max(self.seconds_left(), 0.01)}

    def summary(self) -> str:
        """The budget in words, for the run's provenance."""
        return translate("Effort", "work limit {work:,} simplex iterations ({spent:,} spent; a node counts {node}, "
                         "a window {window}); safety time limit {seconds:g} s").format(
            work=self.work, spent=self.spent, node=ITERATIONS_PER_NODE, window=ITERATIONS_PER_WINDOW,
            seconds=self.safety_seconds)

    def note(self) -> str | None:
        """What to tell the planner when the safety limit stopped a phase, else None."""
        if not self.stopped:
            return None
        return translate("Effort", "stopped by the safety time limit after {seconds:.3g} s ({phases}): the result "
                         "may differ on another machine").format(seconds=self.stopped_after,
                                                                  phases=", ".join(self.stopped))


__all__ = ["Effort", "auto_work"]
