"""Work budgets: what decides a siting run's answer is counted work, never seconds, so the same inputs and options
give the same plan and bound on an idle or a busy machine and with any number of cores. A wall-clock limit stays
only as an outer safety; when it stops a phase, the run says so (the result may then differ on another machine).

The unit of ``work`` is one simplex iteration, the unit HiGHS counts. What each phase may spend follows from it:

- a HiGHS LP: ``simplex_iteration_limit`` = the work left (interior point and PDLP: fixed iteration caps);
- a HiGHS MILP: a work meter (``highs_meter``) counts each of HiGHS's callbacks at the root as its rows x open
  sites / ROW_SITES_PER_WORK and each node as ITERATIONS_PER_NODE, and interrupts it when its budget is spent (the
  work left, or what its caller gives it: ``milp_work``); ``mip_max_nodes`` = that budget / ITERATIONS_PER_NODE;
  only with at most ``milp.MILP_MAX_SITES`` open sites;
- window search: at most the work left / ITERATIONS_PER_WINDOW windows and that share of the work, each window's
  MILP metered like any MILP (root callbacks and nodes), at most WINDOW_NODES nodes' worth;
- the Lagrangian bound: LAGRANGE_ITERATIONS subgradient steps (sparse products, not simplex iterations);
- swaps: whole passes, at most ``swap.swap_improve``'s ``max_passes``;
- block search (large k-site models): whole sweeps, each counted as ITERATIONS_PER_SWEEP.

Phases run in a fixed order and each deducts what it spent (iterations, metered MILP work, sweeps x
ITERATIONS_PER_SWEEP), so the budget left for the next phase is the same on every run. The default work is
WORK_PER_PAIR per pole-point pair of the coverage relation, within [MIN_WORK, MAX_WORK]: on the 2,000 x 20,000
benchmark (~330,000 pairs) that is 6.6 million iterations, far more than its proof takes.

The safety limit a planner types is honoured by every phase within SAFETY_TOLERANCE (the greedy plan, the first
plan every run needs, is the only floor). Left at 0 it is automatic: SAFETY_FACTOR x the seconds the run's counted
work is estimated to take on an idle machine (``estimated_seconds``), at least MIN_SAFETY_SECONDS, so that a
default run ends by its work on a loaded machine too, and the safety only catches a phase that hangs. The
run's provenance states it either way.

Example::

    effort = Effort(work=auto_work(coverage.nnz), safety_seconds=60.0)   # 0.0: automatic, with estimate=...
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
#: Simplex iterations one branch-and-bound node is counted as, and the share of the work one window of window
#: search brings to its search (each window spends what its MILP's meter counts).
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
#: Rows x open sites one unit of work of a callback at a MILP's root stands for (a cut round of 13,753 rows x 2,652
#: sites took 17 s, ~365,000 units at SECONDS_PER_WORK).
ROW_SITES_PER_WORK = 100
#: Nodes of each restricted MILP tried for the LP-guided plan, and the work all of them may spend together (on a
#: 2,780 x 19,200 tile of the city, 240 sites in play prove their optimum with 482,000 counted, in 1.5 s).
LP_PLAN_NODES, LP_PLAN_WORK = 200, 600_000
#: What exact mode's last MILP may spend: this share of the work left, at most MILP_MAX_WORK (about 50 s at
#: SECONDS_PER_WORK: on a tile of the city, 1,000,000 are three callbacks, the third after the root LP, 10 s idle;
#: each further cut round there, 17 s, moves the bound by 0.001 %). What it leaves goes to block and window search.
MILP_SHARE, MILP_MAX_WORK = 0.5, 1_000_000
#: The automatic safety limit: this many times the run's estimated seconds, and never below the floor.
SAFETY_FACTOR, MIN_SAFETY_SECONDS = 5.0, 60.0
#: Idle-machine seconds of one sparse pass over one nonzero of the relation (a PDLP iteration costs ~4 ns per
#: nonzero: 20,000 iterations over bench_city's 528,000 took 44 s) and of one unit of work (a block-search sweep of
#: the city, 80,000 units, takes ~1.4 s; a node of a mid-size MILP, 200 units, ~10 ms).
SECONDS_PER_NONZERO_PASS, SECONDS_PER_WORK = 4e-9, 5e-5
#: How far past the safety limit a phase may end (a share of the limit): the checks between steps, the last
#: bound after a stop (GRACE_SHARE of the limit, at most GRACE_SECONDS) and ending the HiGHS child process.
SAFETY_TOLERANCE, GRACE_SHARE, GRACE_SECONDS = 0.10, 0.02, 0.5
#: The least ``time_limit`` handed to HiGHS: a limit already passed stops it at once (0 would mean none to PDLP).
HIGHS_MIN_SECONDS = 1e-6


def auto_work(pairs: int) -> int:
    """The default work budget for a coverage relation of ``pairs`` pole-point pairs."""
    return int(min(max(WORK_PER_PAIR * int(pairs), MIN_WORK), MAX_WORK))


def highs_seconds(seconds: float) -> float:
    """``seconds`` as HiGHS's ``time_limit``: at least HIGHS_MIN_SECONDS (0 would mean no limit to PDLP)."""
    return max(float(seconds), HIGHS_MIN_SECONDS)


def estimated_seconds(nonzeros: int, passes: int, work: int) -> float:
    """Idle-machine seconds of a run making ``passes`` sparse passes over ``nonzeros`` and spending ``work``
    (an estimate from counts, for the automatic safety limit only: it decides no answer)."""
    return SECONDS_PER_NONZERO_PASS * float(nonzeros) * float(passes) + SECONDS_PER_WORK * float(work)


class Effort:
    """The work left to spend, the outer safety deadline, and the phases the safety limit stopped."""

    def __init__(self, work: int, safety_seconds: float, *, estimate: float = 0.0) -> None:
        """``safety_seconds`` <= 0: automatic, from ``estimate`` (idle-machine seconds, ``estimated_seconds``)."""
        if work < 1:
            raise ValueError(translate("Effort", "the work limit must be at least 1, got {work}").format(work=work))
        self.work, self.left = int(work), int(work)
        self.automatic = not safety_seconds > 0
        self.estimate = float(estimate)
        self.safety_seconds = max(SAFETY_FACTOR * self.estimate, MIN_SAFETY_SECONDS) if self.automatic \
            else float(safety_seconds)
        self.started = time.perf_counter()
        self.deadline = self.started + self.safety_seconds
        self.stopped: list[str] = []
        self.stopped_after = 0.0

    def seconds_left(self) -> float:
        """Seconds until the safety deadline (never below zero)."""
        return max(self.deadline - time.perf_counter(), 0.0)

    def highs_seconds(self) -> float:
        """``seconds_left`` as HiGHS's ``time_limit``: never 0, which HiGHS 1.16's PDLP reads as no limit at all."""
        return highs_seconds(self.seconds_left())

    def expired(self) -> bool:
        return time.perf_counter() >= self.deadline

    def out_of_time(self, phase: str) -> bool:
        """Whether the safety deadline has passed, recording that it stopped (or skipped) ``phase`` if so."""
        if self.expired():
            self.stop(phase)
            return True
        return False

    def grace(self) -> float:
        """Seconds a last step may take after the deadline, or the HiGHS child past it before it is ended."""
        return min(GRACE_SHARE * self.safety_seconds, GRACE_SECONDS)

    def spend(self, *, iterations: int = 0, nodes: int = 0, sweeps: int = 0) -> None:
        self.left = max(self.left - int(iterations) - ITERATIONS_PER_NODE * int(nodes)
                        - ITERATIONS_PER_SWEEP * int(sweeps), 0)

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
                "time_limit": self.highs_seconds()}

    def milp_work(self, nodes: int | None = None, work: int | None = None) -> int:
        """The work one MILP may spend: ``work``, else ``nodes`` nodes' worth, else all the work left; never more
        than is left, and at least one node's worth."""
        if work is not None:
            wanted = int(work)
        elif nodes is not None:
            wanted = int(nodes) * ITERATIONS_PER_NODE
        else:
            wanted = self.left
        return max(min(wanted, self.left), ITERATIONS_PER_NODE)

    def milp_options(self, nodes: int | None = None) -> HighsOptions:
        """Deterministic limits of one HiGHS MILP: nodes and leaves from the work left (or ``nodes``)."""
        limit = self.nodes() if nodes is None else max(min(nodes, self.nodes()), 1)
        return {"mip_max_nodes": limit, "mip_max_leaves": limit, "ipm_iteration_limit": IPM_ITERATIONS,
                "random_seed": 0, "time_limit": self.highs_seconds()}

    def summary(self) -> str:
        """The budget in words, for the run's provenance."""
        counts = {"work": self.work, "spent": self.spent, "node": ITERATIONS_PER_NODE, "per": ROW_SITES_PER_WORK,
                  "seconds": self.safety_seconds}
        if not self.automatic:
            return translate("Effort", "work limit {work:,} simplex iterations ({spent:,} spent; a MILP node counts "
                             "{node}, a root round rows x open sites / {per}); safety time limit {seconds:g} "
                             "s").format(**counts)
        return translate("Effort", "work limit {work:,} simplex iterations ({spent:,} spent; a MILP node counts "
                         "{node}, a root round rows x open sites / {per}); automatic safety time limit "
                         "{seconds:.0f} s ({factor:g} x the "
                         "{estimate:.0f} s this work is estimated to take on an idle machine, at least {floor:g} "
                         "s)").format(**counts, factor=SAFETY_FACTOR, estimate=self.estimate,
                                      floor=MIN_SAFETY_SECONDS)

    def note(self) -> str | None:
        """What to tell the planner when the safety limit stopped a phase, else None."""
        if not self.stopped:
            return None
        return translate("Effort", "stopped by the safety time limit after {seconds:.3g} s ({phases}): the result "
                         "may differ on another machine").format(seconds=self.stopped_after,
                                                                  phases=", ".join(self.stopped))


__all__ = ["Effort", "auto_work", "estimated_seconds", "highs_seconds"]
