"""Counted work inside one HiGHS MILP, so that a work budget (not the clock) ends its root.

HiGHS 1.16 limits nodes, leaves and LP iterations, but nothing bounds its root: presolve, root heuristics and
rounds of cut separation. On a 2,780 x 19,200 tile of the city (13,753 rows, 2,652 open sites) one cut round
took 17 s and moved the bound by 0.001 %; the root ran 498 s. HiGHS calls its MIP interrupt callback after every
cut round, heuristic step and node, in the same sequence on every run (one thread), so this meter counts each
call at the root as ``root_check`` units of work and each node as ``node_work``, and interrupts HiGHS at the
first call where the budget is spent. A cut round computes tableau rows for fractional sites, so its cost follows
rows x open sites (``milp.root_check``): 17 s for 36 million on that tile, 0.08 s for 216,000 on a 1,194-row
model with 181 open sites.

It imports nothing: ``highs_child.py`` loads it as a sibling script.

Example::

    meter = WorkMeter(budget=400_000, root_check=60_000, node_work=200)
    solver.cbMipInterrupt += meter.check
"""

from __future__ import annotations


class WorkMeter:
    """Work a HiGHS MILP spent so far, and whether the budget stopped it."""

    def __init__(self, budget: int, root_check: int, node_work: int) -> None:
        self.budget, self.root_check, self.node_work = int(budget), int(root_check), int(node_work)
        self.root_checks = 0
        self.nodes = 0
        self.stopped = False

    @property
    def spent(self) -> int:
        return self.root_checks * self.root_check + self.nodes * self.node_work

    def check(self, event) -> None:
        """One MIP interrupt callback: count it and interrupt HiGHS once the budget is spent."""
        self.nodes = int(event.data_out.mip_node_count)
        if self.nodes == 0:
            self.root_checks += 1
        if self.spent >= self.budget:
            self.stopped = True
            event.interrupt()


__all__ = ["WorkMeter"]
