"""Swap local search for the k-site model: replace a chosen site by the best unchosen one while that helps.

The greedy's early choices are made before later sites exist, so a site chosen third may be mostly covered
by sites chosen later. Removing one chosen site and adding the best unchosen one (Teitz and Bart's
interchange) repairs that; gains are kept current incrementally (only the neighbours of the points whose
cover count changed are touched) and the best unchosen site is read from a max segment tree, so one swap
costs about (points of the site) x (sites per point) x log(n), not n.

Example::

    order, value = swap_improve(coverage, weights, order, beta=0.0)
"""

from __future__ import annotations

import time

import numba as nb
import numpy as np

from plugins.api import Feedback
from plugins.siting import kernels
from plugins.siting.matrix import CoverageMatrix

POLL_SECONDS = 0.1


@nb.njit(cache=True)
def _tree_set(tree: np.ndarray, leaves: int, j: int, value: float) -> None:
    pos = leaves + j
    tree[pos] = value
    pos //= 2
    while pos >= 1:
        tree[pos] = max(tree[2 * pos], tree[2 * pos + 1])
        pos //= 2


@nb.njit(cache=True)
def _tree_argmax(tree: np.ndarray, leaves: int) -> int:
    pos = 1
    while pos < leaves:
        pos = 2 * pos if tree[2 * pos] >= tree[2 * pos + 1] else 2 * pos + 1
    return pos - leaves


@nb.njit(cache=True)
def _change_count(i: int, delta: int, counts: np.ndarray, weights: np.ndarray, beta: float, dptr: np.ndarray,
                  dind: np.ndarray, gains: np.ndarray, chosen: np.ndarray, tree: np.ndarray, leaves: int) -> None:
    before = kernels._increment(counts[i], beta) if counts[i] < 2 else 0.0
    counts[i] += delta
    after = kernels._increment(counts[i], beta) if counts[i] < 2 else 0.0
    change = weights[i] * (after - before)
    if change != 0.0:
        for p in range(dptr[i], dptr[i + 1]):
            j = dind[p]
            gains[j] += change
            if not chosen[j]:
                _tree_set(tree, leaves, j, gains[j])


@nb.njit(cache=True)
def _swap_pass(indptr, indices, dptr, dind, weights, beta, counts, gains, chosen, order, tree, leaves, start,
               deadline_steps) -> tuple[int, int]:
    """Try to swap out each chosen site from ``start``; returns (next start, swaps made)."""
    swaps = 0
    t = start
    steps = 0
    while t < order.shape[0] and steps < deadline_steps:
        s = order[t]
        loss = kernels.loss_of(s, indptr, indices, weights, counts, beta)
        chosen[s] = False
        for p in range(indptr[s], indptr[s + 1]):
            _change_count(indices[p], -1, counts, weights, beta, dptr, dind, gains, chosen, tree, leaves)
        _tree_set(tree, leaves, s, gains[s])
        best = _tree_argmax(tree, leaves)
        if best != s and gains[best] > loss * (1.0 + 1e-12) + 1e-9:
            incoming = best
            swaps += 1
        else:
            incoming = s
        chosen[incoming] = True
        _tree_set(tree, leaves, incoming, -np.inf)
        for p in range(indptr[incoming], indptr[incoming + 1]):
            _change_count(indices[p], 1, counts, weights, beta, dptr, dind, gains, chosen, tree, leaves)
        order[t] = incoming
        t += 1
        steps += 1
    return t, swaps


def swap_improve(coverage: CoverageMatrix, weights: np.ndarray, selected: np.ndarray, *, beta: float = 0.0,
                 max_passes: int = 20, seconds: float = 5.0,
                 feedback: Feedback | None = None) -> tuple[np.ndarray, float]:
    """Improve a k-site plan by single swaps until no swap helps, ``max_passes`` passes or ``seconds`` are
    spent; returns the plan (same size) and its value. Every accepted swap strictly raises the value."""
    weights = np.ascontiguousarray(weights, np.float64)
    order = np.asarray(selected, np.int64).copy()
    n = coverage.n_candidates
    if order.size == 0 or order.size >= n:
        counts = kernels.counts_of(order, coverage.indptr, coverage.indices, coverage.n_demand)
        return order, float(kernels.value_of(counts, weights, beta))
    by_demand = coverage.by_demand()
    dptr, dind = by_demand.indptr.astype(np.int64), by_demand.indices.astype(np.int64)
    counts = kernels.counts_of(order, coverage.indptr, coverage.indices, coverage.n_demand)
    gains = kernels.all_gains(coverage.indptr, coverage.indices, weights, counts, float(beta))
    chosen = np.zeros(n, bool)
    chosen[order] = True
    leaves = 1 << int(np.ceil(np.log2(max(n, 2))))
    tree = np.full(2 * leaves, -np.inf)
    tree[leaves:leaves + n] = np.where(chosen, -np.inf, gains)
    for pos in range(leaves - 1, 0, -1):
        tree[pos] = max(tree[2 * pos], tree[2 * pos + 1])
    steps = 64
    started = time.perf_counter()
    for _ in range(max_passes):
        start, swaps = 0, 0
        while start < order.size:
            began = time.perf_counter()
            start, made = _swap_pass(coverage.indptr, coverage.indices, dptr, dind, weights, float(beta), counts,
                                     gains, chosen, order, tree, leaves, start, steps)
            swaps += made
            if feedback is not None:
                feedback.raise_if_cancelled()
            elapsed = time.perf_counter() - began
            steps = max(1, int(steps * min(4.0, POLL_SECONDS / max(elapsed, 1e-6))))
            if time.perf_counter() - started > seconds:
                break
        if swaps == 0 or time.perf_counter() - started > seconds:
            break
    return order, float(kernels.value_of(counts, weights, beta))


__all__ = ["swap_improve"]
