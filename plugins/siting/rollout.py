"""Phased rollout: in what order to build the chosen sites, and what each number of sites can buy.

The build order is the greedy order *within* the chosen plan: phase 1 gets the sites that add the most demand
first, so if the programme stops early the city has the best partial network the plan allows. The coverage
curve follows that order up to the plan's size and then keeps adding the best remaining candidate, and beside
each point it gives a proven ceiling for any plan with that many sites, so the planner sees where returns
fall off and that the fall is real, not an artefact of the ordering. Locked sites (the planner's decisions)
come first; the sites of frozen phases of an earlier plan keep their phase, and the rest fill the phases after.

Example::

    rollout = build_order(problem, plan.selected, phases=3)
    curve = coverage_curve(problem, rollout, max_sites=60)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from plugins.api import Feedback
from plugins.siting import lagrange
from plugins.siting.greedy import curve_bounds, lazy_greedy
from plugins.siting.problem import SitingProblem
from plugins.siting.reduce import reduce_model

#: Sizes at which the Lagrangian multipliers of the curve's ceiling are tuned.
CEILING_SIZES = 12


@dataclass
class Rollout:
    """Chosen sites in build order with what each adds. ``new_demand`` is the demand it covers first;
    ``new_value`` adds the double-coverage reward when that is on."""

    order: np.ndarray
    phase: np.ndarray
    new_demand: np.ndarray
    new_value: np.ndarray
    cumulative_demand: np.ndarray
    total_weight: float

    def __len__(self) -> int:
        return int(self.order.size)

    @property
    def cumulative_share(self) -> np.ndarray:
        return self.cumulative_demand / self.total_weight if self.total_weight > 0 else np.zeros(self.order.size)


def _newly_covered(problem: SitingProblem, order: np.ndarray) -> np.ndarray:
    """Demand each site covers that no earlier site in ``order`` covers."""
    counts = np.zeros(problem.n_demand, np.int32)
    out = np.zeros(order.size)
    for t, j in enumerate(order):
        points = problem.coverage.covers(int(j))
        fresh = points[counts[points] == 0]
        out[t] = problem.weights[fresh].sum()
        counts[points] += 1
    return out


def _greedy_order(problem: SitingProblem, sites: np.ndarray, start: np.ndarray,
                  feedback: Feedback | None) -> tuple[np.ndarray, np.ndarray]:
    """``sites`` in greedy order after ``start`` is built, and what each adds (sites adding nothing last)."""
    available = np.zeros(problem.n_candidates, bool)
    available[sites] = True
    run = lazy_greedy(problem.coverage, problem.weights, beta=problem.beta, available=available, start=start,
                      max_sites=sites.size, feedback=feedback)
    idle = np.setdiff1d(sites, run.order)
    return np.concatenate([run.order, idle]), np.concatenate([run.gains, np.zeros(idle.size)])


def _split(count: int, phases: int, first: int = 1) -> np.ndarray:
    """Phases ``first``, ``first + 1``, ... for ``count`` sites in order, ``phases`` about equal phases."""
    phases = min(phases, max(count, 1))
    return (np.arange(count) * phases // max(count, 1) + first).astype(np.int64)


def build_order(problem: SitingProblem, selected: np.ndarray, *, phases: int = 3, first: np.ndarray | None = None,
                first_phase: np.ndarray | None = None, feedback: Feedback | None = None) -> Rollout:
    """Greedy order of ``selected`` (largest marginal value first), split into ``phases`` equal phases.

    ``first`` (locked sites, part of ``selected``) are built before the others. ``first_phase`` gives each of
    them its phase in a frozen earlier plan (0: not frozen): frozen sites keep their phase and come first, phase
    by phase; the other sites are split over the phases after the last frozen one, up to ``phases`` (at least
    one more)."""
    selected = np.unique(np.asarray(selected, np.int64))
    if phases < 1:
        raise ValueError(f"phases must be at least 1, got {phases}")
    first = np.zeros(0, np.int64) if first is None else np.asarray(first, np.int64)
    frozen = np.zeros(first.size, np.int64) if first_phase is None else np.asarray(first_phase, np.int64)
    kept = np.unique(frozen[frozen > 0])
    stages = [first[frozen == p] for p in kept] + [first[frozen == 0], np.setdiff1d(selected, first)]
    orders, values = [], []
    built = np.zeros(0, np.int64)
    for sites in stages:
        order, value = _greedy_order(problem, sites, built, feedback)
        orders.append(order)
        values.append(value)
        built = np.concatenate([built, order])
    order = np.concatenate(orders)
    if kept.size:
        last = int(kept[-1])
        held = np.concatenate([np.full(o.size, p, np.int64) for o, p in zip(orders, kept, strict=False)])
        phase = np.concatenate([held, _split(order.size - held.size, max(phases - last, 1), last + 1)])
    else:
        phase = _split(order.size, phases)
    new_demand = _newly_covered(problem, order)
    return Rollout(order=order, phase=phase, new_demand=new_demand, new_value=np.concatenate(values),
                   cumulative_demand=np.cumsum(new_demand), total_weight=problem.total_weight)


def coverage_curve(problem: SitingProblem, rollout: Rollout, *, max_sites: int | None = None,
                   known_ceiling: float | None = None, available: np.ndarray | None = None,
                   feedback: Feedback | None = None) -> pd.DataFrame:
    """Covered demand for 1..N sites: the rollout order, then the best next candidate each time.

    Columns: sites, candidate, covered_demand, covered_share, marginal_demand, in_plan, best_possible_at_most
    (a proven ceiling on the demand any plan with that many sites covers) and best_possible_share. N defaults
    to twice the plan (at least 10) and stops early once no candidate adds demand. ``known_ceiling`` is a
    proven bound for the plan's own size (the exact solver's), used at that point of the curve. ``available``
    (boolean mask) limits the candidates the curve adds after the plan (excluded poles are never added); the
    ceilings hold for any plan, so they hold for those too.
    """
    planned = len(rollout)
    n_max = max_sites if max_sites is not None else max(2 * planned, 10)
    n_max = int(min(max(n_max, planned), problem.n_candidates))
    extra = lazy_greedy(problem.coverage, problem.weights, start=rollout.order, max_sites=n_max - planned,
                        available=available, feedback=feedback.step(0, 50) if feedback else None)
    order = np.concatenate([rollout.order, extra.order])
    marginal = np.concatenate([rollout.new_demand, extra.gains])
    covered = np.cumsum(marginal)
    scratch = lazy_greedy(problem.coverage, problem.weights, max_sites=order.size,
                          feedback=feedback.step(50, 60) if feedback else None)
    sites = np.arange(1, order.size + 1)
    ceiling = np.minimum(scratch.upper_bounds(sites.astype(float)), problem.coverable_weight)
    ceiling = np.minimum(ceiling, curve_bounds(problem.coverage, problem.weights, scratch.order, order.size,
                                               feedback=feedback.step(60, 70) if feedback else None))
    if order.size and problem.coverage.nnz <= lagrange.MAX_PAIRS:
        reduced = reduce_model(problem.coverage, problem.weights)
        sizes = np.unique(np.concatenate([np.round(np.geomspace(1, order.size, CEILING_SIZES)), [max(planned, 1)]]))
        sizes = sizes.astype(np.int64)
        ceiling = np.minimum(ceiling, lagrange.max_coverage_curve(
            reduced.rows, reduced.row_weight, reduced.private, sizes, covered[sizes - 1], order.size,
            feedback=feedback.step(70, 100) if feedback else None))
    if known_ceiling is not None and 0 < planned <= order.size:
        ceiling[planned - 1] = min(ceiling[planned - 1], known_ceiling)
    ceiling = np.minimum.accumulate(ceiling[::-1])[::-1]
    ceiling = np.maximum(ceiling, covered)
    total = problem.total_weight if problem.total_weight > 0 else 1.0
    return pd.DataFrame({
        "sites": sites,
        "candidate": order,
        "covered_demand": covered,
        "covered_share": covered / total,
        "marginal_demand": marginal,
        "in_plan": sites <= planned,
        "best_possible_at_most": ceiling,
        "best_possible_share": ceiling / total,
    })


__all__ = ["Rollout", "build_order", "coverage_curve"]
