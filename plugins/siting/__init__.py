"""Site selection: which lamp poles should carry micro-stations, and in what order to build them.

Location models from the literature (names as in PySAL spopt): MCLP (k sites, most demand covered), budgeted
MCLP and LSCP (fewest sites covering all or a share of the demand), solved exactly on HiGHS after exact
reductions (maximal covering: LP with odd-cycle cuts at the root, reduced-cost fixing, then the MILP on what is
left; see ``exact``; window search on the plan when the LP covers everything, see ``window_search``), or by
lazy greedy with proven bounds; fewest-sites covers also go through ``cover_descent``, and the plans of k-site
models too large for one LP through ``block_search``. The numeric core
(``matrix``, ``radius``, ``greedy``, ``solve``, ``rollout``) works on plain arrays; ``algorithm`` wraps it for the
toolbox and the command line.

Example::

    from plugins.siting import CoverageMatrix, SitingProblem, solve_mclp, radius_coverage
    problem = SitingProblem(radius_coverage(poles_xy, people_xy, 150.0), people_weight)
    plan = solve_mclp(problem, k=20)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plugins.lazy import lazy_exports

if TYPE_CHECKING:
    from plugins.siting.matrix import CoverageMatrix
    from plugins.siting.problem import SitingProblem
    from plugins.siting.radius import radius_coverage
    from plugins.siting.solve import Plan, solve_budget_mclp, solve_lscp, solve_mclp

__all__ = ["CoverageMatrix", "Plan", "SitingProblem", "radius_coverage", "solve_budget_mclp", "solve_lscp",
           "solve_mclp"]

#: Loaded on first use: their modules import numba, which the workbench and ``lamplight list`` never need.
__getattr__, __dir__ = lazy_exports(__name__, {
    "CoverageMatrix": "matrix", "Plan": "solve", "SitingProblem": "problem", "radius_coverage": "radius",
    "solve_budget_mclp": "solve", "solve_lscp": "solve", "solve_mclp": "solve"})


def algorithms() -> list:
    """The site-selection algorithms for the registry."""
    from plugins.siting.algorithm import BudgetCovering, MaximalCovering, SetCovering

    return [MaximalCovering(), BudgetCovering(), SetCovering()]
