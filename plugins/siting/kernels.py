"""Compiled inner loops of the greedy: marginal gains, applying a site, and a max-heap of upper bounds.

The value of a plan is ``sum_i w_i * (min(c_i, 1) + beta * min(max(c_i - 1, 0), 1))`` where ``c_i`` counts the
chosen sites covering demand point ``i`` (``beta`` > 0 rewards a second, back-up coverage). It is monotone and
submodular, which is what makes lazy evaluation exact and the greedy's bounds valid.
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True, inline="always")
def _increment(count: int, beta: float) -> float:
    if count == 0:
        return 1.0
    if count == 1:
        return beta
    return 0.0


@nb.njit(cache=True)
def gain_of(j: int, indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, counts: np.ndarray,
            beta: float) -> float:
    """What adding candidate ``j`` would add to the value, given the current cover counts."""
    total = 0.0
    for p in range(indptr[j], indptr[j + 1]):
        i = indices[p]
        c = counts[i]
        if c < 2:
            total += weights[i] * _increment(c, beta)
    return total


@nb.njit(parallel=True, cache=True)
def all_gains(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, counts: np.ndarray,
              beta: float) -> np.ndarray:
    """Marginal gain of every candidate at once."""
    n = indptr.shape[0] - 1
    out = np.empty(n)
    for j in nb.prange(n):
        out[j] = gain_of(j, indptr, indices, weights, counts, beta)
    return out


@nb.njit(cache=True)
def add_site(j: int, indptr: np.ndarray, indices: np.ndarray, counts: np.ndarray) -> None:
    for p in range(indptr[j], indptr[j + 1]):
        counts[indices[p]] += 1


@nb.njit(cache=True)
def remove_site(j: int, indptr: np.ndarray, indices: np.ndarray, counts: np.ndarray) -> None:
    for p in range(indptr[j], indptr[j + 1]):
        counts[indices[p]] -= 1


@nb.njit(cache=True)
def loss_of(j: int, indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, counts: np.ndarray,
            beta: float) -> float:
    """What removing chosen candidate ``j`` would take away from the value."""
    total = 0.0
    for p in range(indptr[j], indptr[j + 1]):
        i = indices[p]
        c = counts[i]
        if c <= 2:
            total += weights[i] * _increment(c - 1, beta)
    return total


@nb.njit(cache=True)
def counts_of(selected: np.ndarray, indptr: np.ndarray, indices: np.ndarray, n_demand: int) -> np.ndarray:
    counts = np.zeros(n_demand, np.int32)
    for s in range(selected.shape[0]):
        add_site(selected[s], indptr, indices, counts)
    return counts


@nb.njit(cache=True)
def value_of(counts: np.ndarray, weights: np.ndarray, beta: float) -> float:
    total = 0.0
    for i in range(counts.shape[0]):
        c = counts[i]
        if c >= 1:
            total += weights[i]
            if c >= 2:
                total += beta * weights[i]
    return total


# -- max-heap on (key desc, id asc) ------------------------------------------------------------------------


@nb.njit(cache=True, inline="always")
def _before(keys: np.ndarray, ids: np.ndarray, a: int, b: int) -> bool:
    return keys[a] > keys[b] or (keys[a] == keys[b] and ids[a] < ids[b])


@nb.njit(cache=True)
def _swap(keys: np.ndarray, ids: np.ndarray, a: int, b: int) -> None:
    keys[a], keys[b] = keys[b], keys[a]
    ids[a], ids[b] = ids[b], ids[a]


@nb.njit(cache=True)
def sift_down(keys: np.ndarray, ids: np.ndarray, size: int, pos: int) -> None:
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        best = left
        right = left + 1
        if right < size and _before(keys, ids, right, left):
            best = right
        if not _before(keys, ids, best, pos):
            return
        _swap(keys, ids, best, pos)
        pos = best


@nb.njit(cache=True)
def heapify(keys: np.ndarray, ids: np.ndarray, size: int) -> None:
    for pos in range(size // 2 - 1, -1, -1):
        sift_down(keys, ids, size, pos)


@nb.njit(cache=True)
def pop_top(keys: np.ndarray, ids: np.ndarray, size: int) -> int:
    """Remove the top entry; returns the new size."""
    size -= 1
    if size > 0:
        keys[0], ids[0] = keys[size], ids[size]
        sift_down(keys, ids, size, 0)
    return size


# -- lazy greedy ---------------------------------------------------------------------------------------------

#: Indices into the float state vector of ``greedy_steps``.
VALUE, BUDGET_LEFT, DROPPED_MAX_KEY, TARGET = 0, 1, 2, 3
#: Indices into the int state vector.
SIZE, CHOSEN = 0, 1


@nb.njit(cache=True)
def greedy_steps(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, costs: np.ndarray, beta: float,
                 use_ratio: bool, max_sites: int, max_steps: int, counts: np.ndarray, keys: np.ndarray,
                 ids: np.ndarray, fstate: np.ndarray, istate: np.ndarray, out_site: np.ndarray,
                 out_gain: np.ndarray, out_value: np.ndarray, out_max_key: np.ndarray) -> int:
    """Run the lazy greedy for at most ``max_steps`` choices; returns how many it made.

    The heap holds upper bounds of each candidate's key (gain, or gain per cost with ``use_ratio``); by
    submodularity a stale key never underestimates, so re-evaluating only the top is exact (Minoux's lazy
    greedy). A candidate dearer than the budget left is dropped for good (the budget only shrinks) but its
    key is remembered in ``DROPPED_MAX_KEY`` because it still bounds what an optimal plan might gain.
    ``out_max_key[t]`` is an upper bound on every candidate's key just before choice ``t``: the basis of the
    online optimality bounds. Stops at ``max_sites`` choices, at value ``TARGET``, or when no key is positive.
    """
    size = istate[SIZE]
    chosen = istate[CHOSEN]
    made = 0
    while made < max_steps and chosen < max_sites and size > 0 and fstate[VALUE] < fstate[TARGET]:
        j = ids[0]
        gain = gain_of(j, indptr, indices, weights, counts, beta)
        key = gain / costs[j] if use_ratio else gain
        if gain <= 0.0:
            size = pop_top(keys, ids, size)
            continue
        if costs[j] > fstate[BUDGET_LEFT] * (1.0 + 1e-12):
            fstate[DROPPED_MAX_KEY] = max(fstate[DROPPED_MAX_KEY], key)
            size = pop_top(keys, ids, size)
            continue
        keys[0] = key
        sift_down(keys, ids, size, 0)
        if ids[0] != j:
            continue
        out_site[chosen] = j
        out_gain[chosen] = gain
        out_max_key[chosen] = max(key, fstate[DROPPED_MAX_KEY])
        size = pop_top(keys, ids, size)
        add_site(j, indptr, indices, counts)
        fstate[VALUE] += gain
        fstate[BUDGET_LEFT] -= costs[j]
        out_value[chosen] = fstate[VALUE]
        chosen += 1
        made += 1
    istate[SIZE] = size
    istate[CHOSEN] = chosen
    return made


@nb.njit(cache=True)
def prune_redundant(order: np.ndarray, indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray,
                    counts: np.ndarray, beta: float, value: float, target: float) -> np.ndarray:
    """Drop chosen sites, last chosen first, whose removal keeps the value at or above ``target``.

    Greedy covering often leaves early sites made redundant by later ones; this never increases cost.
    Returns a keep-mask over ``order`` and updates ``counts``.
    """
    keep = np.ones(order.shape[0], np.bool_)
    for t in range(order.shape[0] - 1, -1, -1):
        j = order[t]
        loss = loss_of(j, indptr, indices, weights, counts, beta)
        if value - loss >= target - 1e-9 * max(1.0, abs(target)):
            remove_site(j, indptr, indices, counts)
            value -= loss
            keep[t] = False
    return keep
