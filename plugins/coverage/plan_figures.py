"""A plan's covered figures as the coverage prediction gives them: the people a ``coverage.rsrp`` run of the plan's
sites reads, and the same after each of the first n sites of its build order.

Site selection decides with a quick model (demand sampled at points, a point covered when any chosen pole clears
its margin, single links without the street-canyon walk): it picks the poles. The plan's "People covered" is,
as in RF planning tools, the coverage prediction's: best server, street-canyon walk and facade reflections,
people spread over the grid cells, demand beyond every transmitter's reach counted as not covered. It is
computed here by the coverage algorithm's own set-up, prediction and statistics, so a ``coverage.rsrp`` run on
the same sites with the same inputs reads the same figure.

The figure after the first n sites: each site is predicted alone on the plan's grid (only the tiles it reaches),
then a running best server in build order gives the cells covered after n sites, as a run of those n sites finds
them (on a tie the earlier site keeps the cell, as within one run). Cells beyond the n sites' reach are not
covered by them, and demand is spread over the same lattice whatever the grid's size, so the n-site figure does
not depend on the plan's larger grid. After the last site it is the whole plan's.

Example::

    figures = plan_figures(selected_sites, demand, context, feedback, buildings=buildings)
    figures.people["people_covered_pct"], figures.cumulative_pct
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from layers.layer import VectorLayer
from plugins.api import Context, Feedback
from plugins.coverage.algorithm import CoverageRsrp
from plugins.coverage.outputs import covered_mask
from plugins.coverage.statistics import coverage_people, covered_sum, demand_weights
from plugins.figures import people_figures


@dataclass(frozen=True)
class PlanFigures:
    """``people``: the ``people_figures`` keys and ``demand_measure`` of the whole plan; ``cumulative_pct``: the
    share of people covered after each site of the layer, in its row order (the build order)."""

    people: dict[str, Any]
    cumulative_pct: np.ndarray


def plan_figures(sites: VectorLayer, demand: VectorLayer, context: Context, feedback: Feedback,
                 **inputs: Any) -> PlanFigures:
    """The covered figures of ``sites`` (rows in build order) over ``demand`` (residents / workers), as a
    ``coverage.rsrp`` run gives them with ``inputs`` (buildings, surface, terrain, threshold_dbm, ...: its
    parameters) and every other parameter at its default. Raises ``ParameterError`` for inputs the coverage
    algorithm refuses, ``AlgorithmError`` / ``Cancelled`` as its run does."""
    algorithm = CoverageRsrp()
    params = algorithm.validate_parameters({"transmitters": sites, "demand": demand, **inputs}, context)
    setup = algorithm.setup(params, context, feedback.step(0, 5))
    whole = algorithm.predict(params, setup, context, feedback.step(5, 50))
    summary, _ = algorithm.statistics(params, whole)
    people = coverage_people(summary)
    weights = demand_weights(whole, params["demand"], beyond_grid=params["extent"] is None)
    total = sum(total for _, total in weights.values())
    best = np.full(whole.rsrp.shape, -np.inf, np.float32)
    margin = np.zeros(whole.rsrp.shape, np.float32)
    cells, count = setup.cells, len(sites.gdf)
    cumulative = np.zeros(count)
    for site in range(count):
        feedback.raise_if_cancelled()
        own = np.flatnonzero(cells.feature_index == site)
        if own.size:  # a site left out of the run (no location, another band) adds nothing
            alone = algorithm.predict(params, setup, context,
                                      feedback.step(50 + 50 * site / count, 50 + 50 * (site + 1) / count),
                                      cells=cells.subset(own))
            better = alone.rsrp > best  # strictly: on a tie the earlier site keeps the cell
            best = np.where(better, alone.rsrp, best)
            margin = np.where(better, alone.margin_db if alone.margin_db is not None else 0.0, margin)
        covered = covered_mask(replace(whole, rsrp=best, margin_db=margin))
        served = sum(covered_sum(per_cell, covered) for per_cell, _ in weights.values())
        cumulative[site] = people_figures(served, total)["people_covered_pct"] or 0.0
    return PlanFigures(people, cumulative)


__all__ = ["PlanFigures", "plan_figures"]
