"""Lazy greedy site selection with the bounds that say how far from optimal its answer can be.

Covered demand is a monotone submodular function of the chosen set, so the greedy that always adds the site
with the largest marginal gain is within (1 - 1/e) = 63.2% of the optimum for k sites (Nemhauser, Wolsey and
Fisher 1978), and usually much closer. This module also proves *how much* closer for the instance at hand:
with ``g*`` an upper bound on any site's marginal gain given the chosen set S, no plan of k sites covers more
than ``f(S) + k * g*`` (and, summing the k largest gains instead, ``f(S) + sum of top-k gains``; Leskovec et al.
2007). Both are computed from numbers the greedy has anyway.

Example::

    run = lazy_greedy(coverage, weights, max_sites=50)
    run.order, run.values[-1], run.upper_bound(50)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from plugins.api import Feedback
from plugins.siting import kernels
from plugins.siting.matrix import CoverageMatrix

#: Seconds of compiled work between two polls of the feedback.
POLL_SECONDS = 0.1


@dataclass
class GreedyRun:
    """Sites in the order chosen, each one's marginal gain and the value after it, plus what the bounds need."""

    order: np.ndarray
    gains: np.ndarray
    values: np.ndarray
    max_key: np.ndarray
    counts: np.ndarray
    start_value: float
    dropped_max_key: float

    def __len__(self) -> int:
        return int(self.order.size)

    @property
    def value(self) -> float:
        return float(self.values[-1]) if self.values.size else self.start_value

    def values_before(self) -> np.ndarray:
        """Value before each choice."""
        return np.concatenate([[self.start_value], self.values[:-1]]) if self.values.size else np.zeros(0)

    def upper_bound(self, capacity: float) -> float:
        """Best proven bound on any plan of total cost ``capacity`` (k with unit costs) built on the start set.

        For every step t: OPT <= f(S_t) + capacity * (largest key at S_t); the keys are gains per unit of cost,
        and every candidate's key is bounded by ``max_key[t]``. Past the last step the bound is
        ``f(S) + capacity * dropped_max_key`` (every remaining candidate had no gain or was dropped).
        """
        candidates = [self.value + capacity * self.dropped_max_key]
        if self.values.size:
            candidates.append(float(np.min(self.values_before() + capacity * self.max_key)))
        return float(min(candidates))

    def upper_bounds(self, capacities: np.ndarray, *, sample: int = 2048) -> np.ndarray:
        """``upper_bound`` for many capacities at once (the curve), using up to ``sample`` steps."""
        capacities = np.asarray(capacities, float)
        before = self.values_before()
        keys = self.max_key
        if before.size > sample:
            pick = np.unique(np.linspace(0, before.size - 1, sample).astype(np.int64))
            before, keys = before[pick], keys[pick]
        best = self.value + capacities * self.dropped_max_key
        for start in range(0, before.size, 256):
            block = before[start:start + 256, None] + keys[start:start + 256, None] * capacities[None, :]
            best = np.minimum(best, block.min(axis=0))
        return best


def lazy_greedy(coverage: CoverageMatrix, weights: np.ndarray, *, costs: np.ndarray | None = None,
                beta: float = 0.0, max_sites: int | None = None, budget: float = np.inf,
                target_value: float = np.inf, use_ratio: bool = False, start: np.ndarray | None = None,
                available: np.ndarray | None = None, feedback: Feedback | None = None) -> GreedyRun:
    """Greedily add sites until ``max_sites``, the ``budget`` or ``target_value`` is reached or nothing gains.

    ``use_ratio`` ranks by gain per cost (budgeted and cost-minimising covering); ``start`` holds sites already
    built (their coverage counts from the start; they are not chosen again); ``available`` (boolean mask)
    limits the candidates that may be chosen.
    """
    n = coverage.n_candidates
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    costs = np.ones(n) if costs is None else np.ascontiguousarray(costs, dtype=np.float64)
    start = np.zeros(0, np.int64) if start is None else np.asarray(start, np.int64)
    counts = kernels.counts_of(start, coverage.indptr, coverage.indices, coverage.n_demand)
    start_value = float(kernels.value_of(counts, weights, beta))
    allowed = np.ones(n, bool) if available is None else np.asarray(available, bool).copy()
    allowed[start] = False
    gains = kernels.all_gains(coverage.indptr, coverage.indices, weights, counts, beta)
    ids = np.flatnonzero(allowed & (gains > 0)).astype(np.int64)
    keys = gains[ids] / costs[ids] if use_ratio else gains[ids].copy()
    kernels.heapify(keys, ids, ids.size)
    limit = int(min(ids.size, n if max_sites is None else max_sites))
    out = [np.zeros(limit, np.int64), np.zeros(limit), np.zeros(limit), np.zeros(limit)]
    fstate = np.array([start_value, budget, 0.0, target_value], float)
    istate = np.array([ids.size, 0], np.int64)
    steps = 16
    while True:
        began = time.perf_counter()
        made = kernels.greedy_steps(coverage.indptr, coverage.indices, weights, costs, float(beta), use_ratio,
                                    limit, steps, counts, keys, ids, fstate, istate, *out)
        if feedback is not None:
            feedback.set_progress(100.0 * istate[kernels.CHOSEN] / max(limit, 1))
            feedback.raise_if_cancelled()
        if made < steps:
            break
        elapsed = time.perf_counter() - began
        steps = max(1, int(steps * min(4.0, POLL_SECONDS / max(elapsed, 1e-6))))
    chosen = int(istate[kernels.CHOSEN])
    # Candidates still in the heap were never proven to gain less than their key: they bound the rest.
    rest = float(keys[: istate[kernels.SIZE]].max()) if istate[kernels.SIZE] else 0.0
    return GreedyRun(order=out[0][:chosen], gains=out[1][:chosen], values=out[2][:chosen], max_key=out[3][:chosen],
                     counts=counts, start_value=start_value,
                     dropped_max_key=max(float(fstate[kernels.DROPPED_MAX_KEY]), rest))


def topk_bound(coverage: CoverageMatrix, weights: np.ndarray, counts: np.ndarray, value: float, capacity: float,
               *, costs: np.ndarray | None = None, beta: float = 0.0, exclude: np.ndarray | None = None) -> float:
    """``f(S) + max sum of marginal gains of a plan within capacity`` at the cover ``counts`` of S.

    The inner maximum is a fractional knapsack over the exact marginal gains (unit costs: the k largest),
    so the bound is valid for any plan of cost at most ``capacity``, whether or not it contains S.
    """
    gains = kernels.all_gains(coverage.indptr, coverage.indices, np.ascontiguousarray(weights, np.float64),
                              counts, float(beta))
    if exclude is not None:
        gains[exclude] = 0.0
    costs = np.ones(gains.size) if costs is None else np.asarray(costs, float)
    positive = gains > 0
    gains, costs = gains[positive], costs[positive]
    order = np.argsort(-(gains / costs), kind="stable")
    gains, costs = gains[order], costs[order]
    spent = np.cumsum(costs)
    full = spent <= capacity
    extra = float(gains[full].sum())
    partial = np.flatnonzero(~full)
    if partial.size:
        first = partial[0]
        room = capacity - (spent[first - 1] if first > 0 else 0.0)
        extra += gains[first] * max(room, 0.0) / costs[first]
    return value + extra


def curve_bounds(coverage: CoverageMatrix, weights: np.ndarray, order: np.ndarray, max_sites: int, *,
                 checkpoints: int = 24, feedback: Feedback | None = None) -> np.ndarray:
    """Ceiling on the demand any plan of n sites covers, for n = 1..max_sites at once.

    At a set S (the first t sites of ``order``), OPT_n <= f(S) + (sum of the n largest marginal gains at S);
    one pass over the relation gives every gain, and a prefix sum gives the bound for every n. Taking the best
    over a few S along the greedy order gives a ceiling close to the curve itself.
    """
    weights = np.ascontiguousarray(weights, np.float64)
    order = np.asarray(order, np.int64)
    steps = np.unique(np.linspace(0, order.size, max(2, checkpoints)).astype(np.int64))
    best = np.full(max_sites, np.inf)
    for count, t in enumerate(steps):
        counts = kernels.counts_of(order[:t], coverage.indptr, coverage.indices, coverage.n_demand)
        value = float(kernels.value_of(counts, weights, 0.0))
        gains = kernels.all_gains(coverage.indptr, coverage.indices, weights, counts, 0.0)
        top = -np.sort(-gains[gains > 0])[:max_sites]
        prefix = np.cumsum(top)
        if prefix.size < max_sites:
            prefix = np.concatenate([prefix, np.full(max_sites - prefix.size, prefix[-1] if prefix.size else 0.0)])
        best = np.minimum(best, value + prefix)
        if feedback is not None:
            feedback.set_progress(100.0 * (count + 1) / steps.size)
            feedback.raise_if_cancelled()
    return best


__all__ = ["GreedyRun", "curve_bounds", "lazy_greedy", "topk_bound"]
