"""Lagrangian bounds: how good can any plan possibly be (maximising) or how cheap (covering)?

Relaxing the coupling rows ``y_r <= sum_{j covers r} x_j`` with multipliers mu_r >= 0 splits the model into a
trivial part per demand row and a knapsack over sites, so for ANY mu the value

    L(mu) = sum_r (w_r - mu_r)^+  [+ (beta w_r - mu_r)^+]  +  max { sum_j v_j x_j : x in [0,1], cost <= cap },
    v_j = p_j + sum_{r covered by j} mu_r

is an upper bound on every plan (Lagrangian duality); its minimum over mu equals the LP-relaxation bound.
Subgradient steps (Polyak's rule towards the best known plan) get within a few hundredths of a percent of it
in milliseconds on the reduced model, and every intermediate value is itself a valid bound, so stopping early
is always safe. The covering models use the matching lower bounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numba as nb
import numpy as np
import scipy.sparse as sp

from layers.i18n import translate
from plugins.api import Feedback
from plugins.siting.effort import LAGRANGE_ITERATIONS, Effort

#: Halve the step after this many iterations without a better bound.
PATIENCE = 30
#: Above this many pairs the Lagrangian bounds are skipped (the reduction alone would take a while); the
#: greedy's own bounds remain.
MAX_PAIRS = 30_000_000


def knapsack(values: np.ndarray, capacity: float, costs: np.ndarray | None) -> tuple[float, np.ndarray]:
    """max sum v_j x_j over x in [0,1]^n with sum c_j x_j <= capacity (unit costs if None): greedy by ratio."""
    x = np.zeros(values.size)
    positive = np.flatnonzero(values > 0)
    if positive.size == 0 or capacity <= 0:
        return 0.0, x
    if costs is None:
        take = int(min(np.floor(capacity + 1e-9), positive.size))
        if take < positive.size:
            positive = positive[np.argpartition(-values[positive], take - 1)[:take]] if take > 0 else positive[:0]
        x[positive] = 1.0
        return float(values[positive].sum()), x
    order = positive[np.argsort(-(values[positive] / costs[positive]), kind="stable")]
    spent = np.cumsum(costs[order])
    full = order[spent <= capacity]
    x[full] = 1.0
    total = float(values[full].sum())
    if full.size < order.size:
        nxt = order[full.size]
        room = capacity - (spent[full.size - 1] if full.size else 0.0)
        x[nxt] = max(room, 0.0) / costs[nxt]
        total += values[nxt] * x[nxt]
    return total, x


def _subgradient(evaluate: Callable[[np.ndarray], tuple[float, np.ndarray]], start: np.ndarray, target: float,
                 minimise_bound: bool, iterations: int, seconds: float, feedback: Feedback | None,
                 effort: Effort | None = None, theta: float = 2.0) -> tuple[float, np.ndarray]:
    """Polyak subgradient method on multipliers >= 0; the best bound found (min or max of L) and its multipliers.
    ``iterations`` decides the answer; ``seconds`` and the ``effort``'s deadline are only a safety (a stop by them
    is recorded in the effort)."""
    mu = start.copy()
    best_mu = mu
    best = np.inf if minimise_bound else -np.inf
    stall = 0
    deadline = time.perf_counter() + seconds
    if effort is not None:
        deadline = min(deadline, effort.deadline)
    for it in range(iterations):
        value, g = evaluate(mu)
        margin = 1e-12 * abs(value)
        better = value < best - margin if minimise_bound else value > best + margin
        if better:
            best, best_mu, stall = value, mu, 0
        else:
            stall += 1
            if stall >= PATIENCE:
                theta, stall = theta / 2.0, 0
        gap = (value - target) if minimise_bound else (target - value)
        norm = float(g @ g)
        if norm == 0.0 or theta < 1e-6 or abs(best - target) <= 1e-9 * max(1.0, abs(target)):
            break
        step = theta * max(abs(gap), 1e-9 * max(1.0, abs(target))) / norm
        mu = np.maximum(0.0, mu - step * g) if minimise_bound else np.maximum(0.0, mu + step * g)
        if it % 50 == 0 and feedback is not None:
            feedback.raise_if_cancelled()
        if time.perf_counter() > deadline:
            if effort is not None:
                effort.stop(translate("Lagrange", "Lagrangian bound"))
            break
    return float(best), best_mu


@dataclass
class Relaxation:
    """A Lagrangian bound and, at its multipliers, each site's Lagrangian value v_j: the sites with the largest
    v_j make a good plan (the Lagrangian heuristic), since v_j prices the demand a site would serve."""

    bound: float
    site_value: np.ndarray


def max_coverage_relaxation(rows: sp.csr_matrix, weight: np.ndarray, private: np.ndarray, capacity: float, *,
                            costs: np.ndarray | None = None, beta: float = 0.0, incumbent: float = 0.0,
                            iterations: int = LAGRANGE_ITERATIONS, seconds: float = math.inf,
                            start: np.ndarray | None = None, theta: float = 2.0, feedback: Feedback | None = None,
                            effort: Effort | None = None) -> Relaxation:
    """Upper bound on the best plan of a maximising model (k sites: unit costs and capacity k), from the row
    multipliers ``start`` (e.g. LP duals; default half the row weights) with Polyak steps of ``theta`` (smaller
    from a good start, which large steps would leave)."""
    a = rows.tocsr().astype(np.float64)
    at = a.T.tocsr()
    w = np.asarray(weight, float)

    def evaluate(mu: np.ndarray) -> tuple[float, np.ndarray]:
        v = private + at @ mu
        total, x = knapsack(v, capacity, costs)
        y = (w > mu).astype(float)
        value = float(np.maximum(w - mu, 0).sum()) + total
        if beta > 0:
            z = (beta * w > mu).astype(float)
            value += float(np.maximum(beta * w - mu, 0).sum())
            y += z
        return value, a @ x - y

    trivial = float(w.sum() * (1 + beta) + private.sum())
    if a.shape[0] == 0:
        return Relaxation(min(trivial, knapsack(private.astype(float), capacity, costs)[0]), private.copy())
    first = 0.5 * w if start is None else np.maximum(np.asarray(start, float), 0.0)
    found, mu = _subgradient(evaluate, first, incumbent, True, iterations, seconds, feedback, effort, theta)
    return Relaxation(min(found, trivial), private + at @ mu)


@nb.njit(cache=True)
def _descend(indptr: np.ndarray, indices: np.ndarray, weight: np.ndarray, mu: np.ndarray, v: np.ndarray,
             price: float, passes: int) -> None:
    """Coordinate descent on B_price(mu) = price k + sum_r (w_r - mu_r)^+ + sum_j (v_j - price)^+, row by row, in
    place (``v`` = p + A^T mu is kept up to date). Duals of neighbouring districts disagree where they meet; this
    settles each row against its coverers: lower mu_r while more than one coverer is above the price (each pays
    it), raise it while none is at the price. Every step lowers B_price, and any mu >= 0 gives a valid bound."""
    for _ in range(passes):
        for r in range(indptr.size - 1):
            start, stop = indptr[r], indptr[r + 1]
            while True:
                above, slack, room = 0, np.inf, np.inf
                for p in range(start, stop):
                    gap = v[indices[p]] - price
                    if gap > 0.0:
                        above += 1
                        slack = min(slack, gap)
                    else:
                        room = min(room, -gap)
                below_weight = 1 if mu[r] <= weight[r] else 0
                if mu[r] > 0.0 and above > below_weight:
                    step = min(slack, mu[r])
                    if mu[r] > weight[r]:
                        step = min(step, mu[r] - weight[r])
                    step = -step
                elif mu[r] < weight[r] and above == 0 and room > 0.0:
                    step = min(room, weight[r] - mu[r])
                else:
                    break
                if step == 0.0:
                    break
                mu[r] += step
                for p in range(start, stop):
                    v[indices[p]] += step


def settled(rows: sp.csr_matrix, weight: np.ndarray, private: np.ndarray, mu: np.ndarray, k: int,
            rounds: int = 3) -> np.ndarray:
    """``mu`` after ``rounds`` of coordinate descent (``_descend``), each at the price that is best for the last:
    the k-th largest site value."""
    mu = np.maximum(np.asarray(mu, float), 0.0).copy()
    for _ in range(rounds):
        v = private + rows.T @ mu
        price = float(np.partition(v, v.size - k)[v.size - k]) if 0 < k <= v.size else 0.0
        _descend(rows.indptr.astype(np.int64), rows.indices.astype(np.int64), weight, mu, v, max(price, 0.0), 1)
    return mu


def max_coverage_bound(rows: sp.csr_matrix, weight: np.ndarray, private: np.ndarray, capacity: float,
                       **options) -> float:
    """The bound of ``max_coverage_relaxation`` alone."""
    return max_coverage_relaxation(rows, weight, private, capacity, **options).bound


def max_coverage_curve(rows: sp.csr_matrix, weight: np.ndarray, private: np.ndarray, sizes: np.ndarray,
                       incumbents: np.ndarray, max_n: int, *, iterations: int = 400, seconds: float = math.inf,
                       feedback: Feedback | None = None) -> np.ndarray:
    """Upper bounds on the best plan of n sites for every n = 1..max_n (plain coverage, unit costs).

    The multipliers are tuned at a few ``sizes`` (each warm-started from the last, with ``incumbents`` the
    best known value at that size), and every tuned mu bounds all n at once: sum (w - mu)^+ + top-n of v.
    """
    a = rows.tocsr().astype(np.float64)
    at = a.T.tocsr()
    w = np.asarray(weight, float)
    best = np.full(max_n, float(w.sum() + private.sum()))
    if a.shape[0] == 0:
        top = np.cumsum(np.sort(private)[::-1][:max_n])
        return np.concatenate([top, np.full(max_n - top.size, top[-1] if top.size else 0.0)])
    mu = 0.5 * w
    for size, incumbent in zip(sizes, incumbents, strict=True):

        def evaluate(m: np.ndarray, size: int = int(size)) -> tuple[float, np.ndarray]:
            v = private + at @ m
            total, x = knapsack(v, size, None)
            return float(np.maximum(w - m, 0).sum()) + total, a @ x - (w > m)

        _, mu = _subgradient(evaluate, mu, float(incumbent), True, iterations, seconds, feedback)
        v = np.sort(private + at @ mu)[::-1]
        prefix = np.cumsum(np.maximum(v[:max_n], 0.0))
        if prefix.size < max_n:
            prefix = np.concatenate([prefix, np.full(max_n - prefix.size, prefix[-1] if prefix.size else 0.0)])
        best = np.minimum(best, float(np.maximum(w - mu, 0).sum()) + prefix)
    return best


def cover_cost_bound(rows: sp.csr_matrix, costs: np.ndarray, *, incumbent: float,
                     iterations: int = LAGRANGE_ITERATIONS, seconds: float = math.inf, start: np.ndarray | None = None,
                     feedback: Feedback | None = None, effort: Effort | None = None) -> float:
    """Lower bound on the cost of covering every row: L(u) = sum u_r + sum_j min(0, c_j - sum_{r in j} u_r), from
    ``start`` (e.g. the LP's row duals) or a uniform u."""
    a = rows.tocsr().astype(np.float64)
    at = a.T.tocsr()
    costs = np.asarray(costs, float)
    if a.shape[0] == 0:
        return 0.0

    def evaluate(u: np.ndarray) -> tuple[float, np.ndarray]:
        reduced = costs - at @ u
        x = (reduced < 0).astype(float)
        return float(u.sum() + np.minimum(reduced, 0).sum()), 1.0 - a @ x

    if start is None:
        start = np.full(a.shape[0], float(costs.min()) / max(float(np.asarray(a.sum(axis=1)).max()), 1.0))
    return max(0.0, _subgradient(evaluate, np.maximum(start, 0.0), incumbent, False, iterations, seconds,
                                 feedback, effort)[0])


def cover_target_bound(rows: sp.csr_matrix, weight: np.ndarray, private: np.ndarray, costs: np.ndarray,
                       target: float, *, incumbent: float, iterations: int = LAGRANGE_ITERATIONS,
                       seconds: float = math.inf, start: np.ndarray | None = None, feedback: Feedback | None = None,
                       effort: Effort | None = None) -> float:
    """Lower bound on the cost of reaching covered value ``target``, from multipliers (lambda, mu) >= 0 (``start``:
    lambda first, e.g. from the LP's duals):
    L = lambda T + sum_j min(0, c_j - lambda p_j - sum_{r in j} mu_r) + sum_r min(0, mu_r - lambda w_r)."""
    a = rows.tocsr().astype(np.float64)
    at = a.T.tocsr()
    w, p, costs = np.asarray(weight, float), np.asarray(private, float), np.asarray(costs, float)
    n_r = a.shape[0]

    def evaluate(m: np.ndarray) -> tuple[float, np.ndarray]:
        lam, mu = m[0], m[1:]
        reduced = costs - lam * p - at @ mu
        x = (reduced < 0).astype(float)
        row_part = mu - lam * w
        y = (row_part < 0).astype(float)
        value = lam * target + float(np.minimum(reduced, 0).sum() + np.minimum(row_part, 0).sum())
        g = np.concatenate([[target - p @ x - w @ y], y - a @ x])
        return value, g

    if start is None:
        start = np.zeros(n_r + 1)
        best_ratio = np.max(np.concatenate([p, np.asarray(a.T @ w).ravel() + p]) / np.concatenate([costs, costs]))
        start[0] = 1.0 / max(best_ratio, 1e-12)
    return max(0.0, _subgradient(evaluate, np.maximum(start, 0.0), incumbent, False, iterations, seconds,
                                 feedback, effort)[0])


__all__ = ["MAX_PAIRS", "Relaxation", "cover_cost_bound", "cover_target_bound", "knapsack", "max_coverage_bound",
           "max_coverage_curve", "max_coverage_relaxation", "settled"]
