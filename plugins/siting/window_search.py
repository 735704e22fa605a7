"""Window search for the k-site model: re-solve small neighbourhoods of a plan exactly, one at a time.

Why: when k sites can nearly cover every point (the 5,000 x 50,000 benchmark: 500 sites of 150 m in 5 km x 5 km),
the LP relaxation covers all reachable demand, so no LP-based bound or branching closes the gap in useful time;
what is left to gain is in the plan. Single swaps (``swap``) stall at a local optimum where an uncovered point
could only be reached by moving two or three neighbouring sites together. Here a window is the few dozen sites
around an uncovered point; every site outside it stays as it is, and HiGHS finds the best placement of the
window's share of the k sites inside it (a MILP of 60 to 240 binaries: 15 ms to 1.5 s). A better placement is
taken at once. Windows grow when every uncovered point has been tried at the current size without a gain.
This is large neighbourhood search (Shaw 1998) with an exact sub-solver.

Example::

    result = window_search(coverage, weights, plan, max_windows=500)
    result.selected, result.value
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numba as nb
import numpy as np
import scipy.sparse as sp

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.api import Feedback
from plugins.siting import kernels
from plugins.siting.effort import ITERATIONS_PER_NODE, ITERATIONS_PER_WINDOW, WINDOW_NODES, Effort
from plugins.siting.highs_meter import WorkMeter
from plugins.siting.matrix import CoverageMatrix
from plugins.siting.milp import (
    MAXIMISE_COUNT,
    load_model,
    model_arrays,
    model_state,
    new_highs,
    offer_start,
    root_check,
    start_values,
    watch,
)
from plugins.siting.reduce import Reduced, merge_identical_rows

#: Sites in the first windows, the growth factor once every uncovered point was tried, and the largest size.
FIRST_SIZE, GROWTH, LARGEST_SIZE = 60, 1.5, 240
#: Windows solved per batch: the same on every machine, so that the plan does not depend on the number of cores
#: (the batch is solved on at most this many threads, never more than the machine's cores).
WORKERS = 4
#: The most work one window's MILP may spend (its root's callbacks and nodes, counted by ``highs_meter``).
WINDOW_WORK = WINDOW_NODES * ITERATIONS_PER_NODE
#: The phase's name where the safety time limit stops it (the plan's notes).
WINDOW_SEARCH = QT_TRANSLATE_NOOP("WindowSearch", "window search")


@nb.njit(cache=True)
def _window(seed: int, size: int, indptr: np.ndarray, indices: np.ndarray, dptr: np.ndarray, dind: np.ndarray,
            stamp: np.ndarray, touch: np.ndarray, mark: int) -> np.ndarray:
    """Up to ``size`` sites around demand point ``seed``: the sites covering it, then ring by ring the sites
    sharing points with the ring before, the most-connected first when a ring does not fit."""
    window = np.empty(size, np.int64)
    n = 0
    for p in range(dptr[seed], dptr[seed + 1]):
        if n < size:
            window[n] = dind[p]
            stamp[dind[p]] = mark
            n += 1
    ring_start = 0
    while n < size and ring_start < n:
        ring_end = n
        buffer = []
        for t in range(ring_start, ring_end):
            j = window[t]
            for p in range(indptr[j], indptr[j + 1]):
                i = indices[p]
                for q in range(dptr[i], dptr[i + 1]):
                    other = dind[q]
                    if stamp[other] != mark:
                        if stamp[other] != -mark:
                            stamp[other] = -mark
                            touch[other] = 0
                            buffer.append(other)
                        touch[other] += 1
        if len(buffer) == 0:
            break
        found = np.array(buffer, np.int64)
        strength = np.empty(found.size, np.int64)
        for t in range(found.size):
            strength[t] = touch[found[t]]
        order = np.argsort(-strength, kind="mergesort")
        for t in range(found.size):
            other = found[order[t]]
            if n < size:
                window[n] = other
                stamp[other] = mark
                n += 1
            else:
                stamp[other] = 0
        ring_start = ring_end
    return window[:n]


class _Plan:
    """The plan being improved: chosen flags and per-point cover counts, kept current as windows change it."""

    def __init__(self, coverage: CoverageMatrix, weights: np.ndarray, selected: np.ndarray) -> None:
        self.coverage, self.weights = coverage, weights
        self.chosen = np.zeros(coverage.n_candidates, bool)
        self.chosen[selected] = True
        self.counts = kernels.counts_of(np.asarray(selected, np.int64), coverage.indptr, coverage.indices,
                                        coverage.n_demand)

    @property
    def value(self) -> float:
        return float(kernels.value_of(self.counts, self.weights, 0.0))

    def replace(self, leaving: np.ndarray, entering: np.ndarray) -> None:
        for j in leaving:
            kernels.remove_site(int(j), self.coverage.indptr, self.coverage.indices, self.counts)
        for j in entering:
            kernels.add_site(int(j), self.coverage.indptr, self.coverage.indices, self.counts)
        self.chosen[leaving] = False
        self.chosen[entering] = True


@dataclass
class _WindowModel:
    """One window's sub-problem, built from the plan as it stands: its sites, every point they cover (the points
    a change can touch), which of its sites are chosen, the open rows (points no site outside covers, merged)
    as a k-site model over the window's sites, and the value the window gives now."""

    window: np.ndarray
    points: np.ndarray
    in_window: np.ndarray
    model: Reduced

    def value(self, x: np.ndarray) -> float:
        """The open demand that window sites ``x`` (a mask) cover."""
        return float(self.model.row_weight[(self.model.rows @ x.astype(float)) > 0].sum())

    @cached_property
    def now(self) -> float:
        return self.value(self.in_window)


def _window_model(plan: _Plan, window: np.ndarray) -> _WindowModel | None:
    """The sub-problem of a window, or None when nothing in it can change (no chosen site or no open point)."""
    cov = plan.coverage
    starts, ends = cov.indptr[window], cov.indptr[window + 1]
    site_of_pair = np.repeat(np.arange(window.size), ends - starts)
    points = cov.indices[np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])]
    in_window = plan.chosen[window]
    if not in_window.any() or points.size == 0:
        return None
    from_window = np.bincount(points, weights=in_window[site_of_pair], minlength=cov.n_demand)[points]
    open_pair = plan.counts[points] - from_window.astype(np.int64) == 0
    if not open_pair.any():
        return None
    rows, row_of_pair = np.unique(points[open_pair], return_inverse=True)
    cover = sp.csr_matrix((np.ones(row_of_pair.size), (row_of_pair, site_of_pair[open_pair])),
                          shape=(rows.size, window.size))
    cover.sort_indices()
    cover, weight = merge_identical_rows(cover, plan.weights[rows])    # about 40% fewer rows
    n_x = window.size
    model = Reduced(rows=cover, row_weight=weight, candidates=np.arange(n_x), private=np.zeros(n_x),
                    forced=np.zeros(0, np.int64), dominator=np.full(n_x, -1))
    return _WindowModel(window, np.unique(points), in_window, model)


@dataclass
class _Solved:
    """One window's MILP: sites leaving and entering the plan, the value gained, how HiGHS ended ("optimal",
    "work limit" or "time limit"), its bound on the window's open demand, and the work its meter counted."""

    leaving: np.ndarray
    entering: np.ndarray
    gain: float
    status: str
    bound: float
    spent: int


def _solve_window(sub: _WindowModel, work: int, seconds: float, feedback: Feedback) -> _Solved:
    """The best placement of the window's chosen-site count inside it, every other site fixed, within ``work``
    counted by a work meter (root callbacks and nodes, see ``highs_meter``) and WINDOW_NODES nodes (``seconds``
    is only a safety). Runs in a worker thread (HiGHS releases the GIL)."""
    in_window, t = sub.in_window, int(sub.in_window.sum())
    cost, lower, upper, row_lower, row_upper, matrix, integrality, sense = model_arrays(
        sub.model, MAXIMISE_COUNT, k=t, budget=0.0, target=0.0, costs=np.ones(in_window.size), beta=0.0)
    row_lower[sub.model.n_rows] = t                 # exactly t sites, so the plan keeps k
    meter = WorkMeter(work, root_check(matrix.shape[0], in_window.size), ITERATIONS_PER_NODE)
    solver = new_highs()
    solver.setOptionValue("time_limit", float(max(seconds, 0.01)))
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("random_seed", 0)
    solver.setOptionValue("mip_max_nodes", WINDOW_NODES)
    solver.setOptionValue("presolve", "off")        # 4x faster on these small models, same answers
    load_model(solver, cost, lower, upper, row_lower, row_upper, matrix, integrality, sense)
    offer_start(solver, start_values(sub.model, np.flatnonzero(in_window), matrix.shape[1], 0.0, MAXIMISE_COUNT))
    watch(solver, feedback, seconds, meter)
    solver.run()
    info = solver.getInfo()
    meter.nodes = int(info.mip_node_count)
    status = "work limit" if meter.stopped else model_state(str(solver.getModelStatus()))
    x = np.asarray(solver.getSolution().col_value)[:in_window.size] > 0.5
    none = np.zeros(0, np.int64)
    if x.size != in_window.size or x.sum() != t:
        return _Solved(none, none, 0.0, status, float("nan"), meter.spent)
    better = sub.value(x)                           # recounted: HiGHS's value is not trusted
    return _Solved(sub.window[in_window & ~x], sub.window[x & ~in_window], better - sub.now, status,
                   float(info.mip_dual_bound), meter.spent)


@dataclass
class WindowSearch:
    """The improved plan (same number of sites), its value, windows solved and improved, the window size reached,
    and the work the windows' meters counted."""

    selected: np.ndarray
    value: float
    windows: int
    improved: int
    largest: int
    spent: int = 0


def window_search(coverage: CoverageMatrix, weights: np.ndarray, selected: np.ndarray, *,
                  max_windows: int | None = None, seconds: float = math.inf, stop_at: float = np.inf, seed: int = 0,
                  feedback: Feedback | None = None, effort: Effort | None = None) -> WindowSearch:
    """Improve a k-site plan (plain coverage) by exact re-solves of windows around uncovered points: at most
    ``max_windows`` of them (the budget that decides the plan), until the plan is worth ``stop_at``, or until
    every window size was tried everywhere. ``seconds`` and the ``effort``'s deadline are only a safety (a stop
    by them is recorded in the effort). Every change strictly raises the value.

    The work is what the windows' work meters count (root callbacks and nodes), at most WINDOW_WORK a window;
    the search's share is ``max_windows`` x ITERATIONS_PER_WINDOW and never more than the ``effort`` has left,
    and each window of a batch gets at most an equal part of the share left, so the plan is the same on every
    run. What was spent is deducted from the ``effort``.

    Windows that share no demand point are independent, so WORKERS of them are solved as one batch; a window
    touching a point of one in the batch waits for a later batch. Batches are taken and applied in a fixed
    order, so the plan does not depend on which window finishes first."""
    feedback = feedback or Feedback()
    weights = np.ascontiguousarray(weights, np.float64)
    plan = _Plan(coverage, weights, np.asarray(selected, np.int64))
    by_demand = coverage.by_demand()
    dptr, dind = by_demand.indptr.astype(np.int64), by_demand.indices.astype(np.int64)
    reachable = (np.diff(dptr) > 0) & (weights > 0)        # seeds worth covering
    stamp = np.zeros(coverage.n_candidates, np.int64)
    touch = np.zeros(coverage.n_candidates, np.int64)
    tried = np.zeros(coverage.n_demand, np.int64)       # the window size a point was last tried at
    busy = np.zeros(coverage.n_demand, bool)            # points of the windows in the batch
    rng = np.random.default_rng(seed)
    largest = min(LARGEST_SIZE, coverage.n_candidates)     # a window of every site is the whole problem
    size, mark, windows, improved = min(FIRST_SIZE, largest), 0, 0, 0
    limit = math.inf if max_windows is None else int(max_windows)
    share = limit * ITERATIONS_PER_WINDOW if effort is None else min(limit * ITERATIONS_PER_WINDOW, effort.left)
    spent = 0
    queue: list[int] = []
    started = time.perf_counter()
    deadline = started + seconds if effort is None else min(started + seconds, effort.deadline)

    with ThreadPoolExecutor(max(1, min(WORKERS, os.cpu_count() or 1))) as pool:
        while windows < limit and spent < share and plan.value < stop_at:
            if time.perf_counter() >= deadline:
                if effort is not None:
                    effort.stop(translate("WindowSearch", WINDOW_SEARCH))
                break
            if not queue:
                seeds = np.flatnonzero((plan.counts == 0) & reachable & (tried < size))
                if seeds.size:
                    queue = rng.permutation(seeds).tolist()
                else:
                    if size >= largest or not ((plan.counts == 0) & reachable).any():
                        break
                    size = min(int(size * GROWTH), largest)
                    continue
            batch: list[_WindowModel] = []
            while queue and len(batch) < min(WORKERS, limit - windows):
                point = queue.pop()
                if plan.counts[point] > 0 or busy[point] or tried[point] >= size:
                    continue
                mark += 1
                window = _window(point, size, coverage.indptr, coverage.indices, dptr, dind, stamp, touch, mark)
                model = _window_model(plan, window)
                if model is not None and busy[model.points].any():
                    queue.insert(0, point)              # overlaps a window of this batch: try it in a later one
                    break
                tried[point] = size
                if model is not None:
                    busy[model.points] = True
                    batch.append(model)
            if not batch:
                continue
            left = max(deadline - time.perf_counter(), 0.0)
            work = int(min(WINDOW_WORK, (share - spent) // len(batch)))
            futures = [pool.submit(_solve_window, model, work, left, feedback) for model in batch]
            for model, future in zip(batch, futures, strict=True):     # in the order taken, whatever ends first
                solved = future.result()
                busy[model.points] = False
                windows += 1
                spent += solved.spent
                if solved.status == "time limit" and effort is not None:
                    effort.stop(translate("WindowSearch", WINDOW_SEARCH))
                if solved.gain > 1e-9 * max(1.0, plan.value):
                    plan.replace(solved.leaving, solved.entering)
                    improved += 1
                    tried[model.points] = 0
            feedback.raise_if_cancelled()
            done = windows / limit if math.isfinite(limit) else (time.perf_counter() - started) / max(seconds, 1e-9)
            feedback.set_progress(100.0 * min(done, 1.0))
    if effort is not None:
        effort.spend(iterations=spent)
    return WindowSearch(np.flatnonzero(plan.chosen), plan.value, windows, improved, size, spent)


__all__ = ["WindowSearch", "window_search"]
