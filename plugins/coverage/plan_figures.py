"""A plan's covered figures as the coverage prediction gives them: the people a ``coverage.rsrp`` run of the plan's
sites reads, and the same after each of the first n sites of its build order.

Site selection decides with a quick model (demand sampled at points, a point covered when any chosen pole clears
its margin, single links without the street-canyon walk): it picks the poles. The plan's "People covered" is,
as in RF planning tools, the coverage prediction's: best server, street-canyon walk and facade reflections,
people spread over the grid cells, demand beyond every transmitter's reach counted as not covered. It is
computed here by the coverage algorithm's own set-up, prediction and statistics, so a ``coverage.rsrp`` run on
the same sites with the same inputs reads the same figure.

The figure after the first n sites: each site is predicted alone on its window of the plan's grid (its reach),
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
from plugins.coverage.grid import Grid
from plugins.coverage.outputs import covered_mask
from plugins.coverage.statistics import coverage_people, covered_sum
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
    setup = algorithm.setup(params, context, feedback.step(0, 5), announce=False)
    whole = algorithm.predict(params, setup, context, feedback.step(5, 50))
    weights = algorithm.demand_weights(params, whole)
    summary, _ = algorithm.statistics(params, whole, weights)
    people = coverage_people(summary)
    total = sum(total for _, total in weights.values())
    per_cell = np.sum([values for values, _ in weights.values()], axis=0)
    best = np.full(whole.rsrp.shape, -np.inf, np.float32)
    margin = np.zeros(whole.rsrp.shape, np.float32)
    covered = np.zeros(whole.rsrp.shape, bool)
    served = 0.0
    cells, count = setup.cells, len(sites.gdf)
    cumulative = np.zeros(count)
    for site in range(count):
        feedback.raise_if_cancelled()
        own = np.flatnonzero(cells.feature_index == site)
        window = _reach_window(setup.grid, cells.x[own], cells.y[own], setup.config.max_radius_m)
        if window is not None:  # a site left out of the run (no location, another band) or off the grid adds nothing
            grid, rows, cols = window
            alone = algorithm.predict(params, replace(setup, grid=grid), context,
                                      feedback.step(50 + 50 * site / count, 50 + 50 * (site + 1) / count),
                                      cells=cells.subset(own))
            better = alone.rsrp > best[rows, cols]  # strictly: on a tie the earlier site keeps the cell
            best[rows, cols] = np.where(better, alone.rsrp, best[rows, cols])
            margin[rows, cols] = np.where(better, alone.margin_db if alone.margin_db is not None else 0.0,
                                          margin[rows, cols])
            now = covered_mask(replace(whole, grid=grid, rsrp=best[rows, cols], margin_db=margin[rows, cols]))
            served += covered_sum(per_cell[rows, cols], now) - covered_sum(per_cell[rows, cols], covered[rows, cols])
            covered[rows, cols] = now
        cumulative[site] = people_figures(served, total)["people_covered_pct"] or 0.0
    return PlanFigures(people, cumulative)


def _reach_window(grid: Grid, xs: np.ndarray, ys: np.ndarray, radius_m: float
                  ) -> tuple[Grid, slice, slice] | None:
    """The part of ``grid`` within ``radius_m`` of the cells at ``xs, ys`` (a grid on the same lattice, and its rows
    and columns in ``grid``), where a prediction of those cells alone can differ from nothing; None when empty."""
    if xs.size == 0:
        return None
    col0 = max(int(np.floor((xs.min() - radius_m - grid.x0) / grid.res)), 0)
    col1 = min(int(np.ceil((xs.max() + radius_m - grid.x0) / grid.res)), grid.cols)
    row0 = max(int(np.floor((grid.y0 - ys.max() - radius_m) / grid.res)), 0)
    row1 = min(int(np.ceil((grid.y0 - ys.min() + radius_m) / grid.res)), grid.rows)
    if col0 >= col1 or row0 >= row1:
        return None
    window = replace(grid, x0=grid.x0 + col0 * grid.res, y0=grid.y0 - row0 * grid.res, rows=row1 - row0,
                     cols=col1 - col0)
    return window, slice(row0, row1), slice(col0, col1)


__all__ = ["PlanFigures", "plan_figures"]
