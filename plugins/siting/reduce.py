"""Exact reductions that shrink a covering model before the MILP without changing its optimum.

1. Demand nobody can cover, or with zero weight, is dropped (it cannot change any plan's value).
2. Demand points covered by exactly the same candidates become one row carrying their summed weight.
3. A row covered by a single candidate is folded into that candidate: its weight becomes the candidate's
   *private* value (maximising models) or forces the candidate into every cover (full-cover LSCP).
4. Candidate j is dropped when another candidate j' covers every row j covers, costs no more and j has no
   private value (equal twins: the lower index stays). Any plan using j does at least as well with j' instead,
   or without j when j' is in it already, so the optimum is unchanged for every k and budget. This is only
   done without the double-coverage reward, for which a twin site is worth something.
The steps repeat until nothing changes, since dropping candidates can create new twins and singletons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numba as nb
import numpy as np
import scipy.sparse as sp

from layers.i18n import translate
from plugins.api import Cancelled
from plugins.siting.cuts import Cut
from plugins.siting.matrix import CoverageMatrix

MAX_ROUNDS = 6
#: Overlap entries (candidate pairs sharing a row, counted with multiplicity) formed per block of the dominance
#: test: it bounds the block's memory and time, and Cancel (and the safety limit) is asked between blocks. On
#: bench_city's 888,000 pairs, blocks of 2 million leave at most 0.07 s between two questions and take 1.3 s in all;
#: blocks of 20 million left 1.6 s and took 2.6 s (the smaller products stay in cache). The dominators are the same.
OVERLAP_BLOCK = 2_000_000


@dataclass
class Reduced:
    """The reduced model: ``rows`` (rows x kept candidates, 0/1) with ``row_weight``; ``candidates`` maps a kept
    column to the original candidate, ``private`` is each kept candidate's folded value, ``forced`` the
    original candidates every full cover must use. ``dominator[j]`` names a candidate that dominates dropped
    candidate j (-1: kept, or useless on its own)."""

    rows: sp.csr_matrix
    row_weight: np.ndarray
    candidates: np.ndarray
    private: np.ndarray
    forced: np.ndarray
    dominator: np.ndarray
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return int(self.rows.shape[0])

    @property
    def n_candidates(self) -> int:
        return int(self.candidates.size)

    def local(self, original: np.ndarray) -> np.ndarray:
        """Kept-column positions of original candidates; a dropped one is replaced by its kept dominator."""
        position = np.full(self.dominator.size, -1, np.int64)
        position[self.candidates] = np.arange(self.candidates.size)
        out = []
        for j in np.asarray(original, np.int64):
            seen = 0
            while position[j] < 0 and self.dominator[j] >= 0 and seen < self.dominator.size:
                j, seen = self.dominator[j], seen + 1
            if position[j] >= 0:
                out.append(position[j])
        return np.unique(np.asarray(out, np.int64))


@nb.njit(cache=True)
def _row_hashes(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    out = np.empty(indptr.size - 1, np.uint64)
    for r in range(indptr.size - 1):
        h = np.uint64(1469598103934665603)
        for p in range(indptr[r], indptr[r + 1]):
            h = (h ^ np.uint64(indices[p] + 1)) * np.uint64(1099511628211)
            h ^= h >> np.uint64(29)
        out[r] = h
    return out


@nb.njit(cache=True)
def _group_sorted(order: np.ndarray, hashes: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Group id of each row, rows taken in ``order`` (sorted by hash): equal rows share a group."""
    group = np.empty(order.size, np.int64)
    current, leader = -1, -1
    for t in range(order.size):
        r = order[t]
        same = False
        if leader >= 0 and hashes[r] == hashes[leader]:
            a0, a1, b0, b1 = indptr[leader], indptr[leader + 1], indptr[r], indptr[r + 1]
            if a1 - a0 == b1 - b0:
                same = True
                for p in range(a1 - a0):
                    if indices[a0 + p] != indices[b0 + p]:
                        same = False
                        break
        if not same:
            current += 1
            leader = r
        group[r] = current
    return group


def merge_identical_rows(rows: sp.csr_matrix, weight: np.ndarray, *, with_groups: bool = False):
    """One row per distinct coverer set, carrying the summed weight (rows must have sorted indices); with
    ``with_groups`` also each input row's merged row."""
    if rows.shape[0] == 0:
        return (rows, weight, np.zeros(0, np.int64)) if with_groups else (rows, weight)
    indptr, indices = rows.indptr.astype(np.int64), rows.indices.astype(np.int64)
    hashes = _row_hashes(indptr, indices)
    order = np.argsort(hashes, kind="stable")
    group = _group_sorted(order, hashes, indptr, indices)
    n_groups = int(group.max()) + 1
    first = np.full(n_groups, rows.shape[0], np.int64)
    np.minimum.at(first, group, np.arange(rows.shape[0]))
    merged_weight = np.bincount(group, weights=weight, minlength=n_groups)
    keep = np.sort(first)
    remap = np.empty(n_groups, np.int64)
    remap[group[keep]] = np.arange(n_groups)
    out_weight = np.empty(n_groups)
    out_weight[remap] = merged_weight
    return (rows[keep], out_weight, remap[group]) if with_groups else (rows[keep], out_weight)


def _dominated(rows: sp.csr_matrix, alive: np.ndarray, private: np.ndarray, costs: np.ndarray | None,
               use_private: bool, cancelled: Callable[[], bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mask of alive candidates dominated by another alive candidate, and one dominator for each.

    The candidate overlap (rows.T @ rows) is formed for blocks of candidates of about ``OVERLAP_BLOCK`` entries
    each; a candidate's dominator is the same as from the whole product, since each block holds whole columns."""
    n = alive.size
    degree = np.asarray(rows.getnnz(axis=0)).astype(np.int64)
    by_candidate = rows.tocsc()
    row_degree = np.diff(rows.indptr).astype(np.int64)
    work = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows.indices, weights=np.repeat(row_degree, row_degree), minlength=n).astype(np.int64),
              out=work[1:])
    cost = np.zeros(n) if costs is None else costs
    dominated = np.zeros(n, bool)
    dominator = np.full(n, -1, np.int64)
    start = 0
    while start < n:
        _stop_if(cancelled)
        stop = max(int(np.searchsorted(work, work[start] + OVERLAP_BLOCK, side="right")) - 1, start + 1)
        overlap = (by_candidate[:, start:stop].T @ rows).tocoo()
        j, other, shared = overlap.row.astype(np.int64) + start, overlap.col, overlap.data
        ok = (j != other) & alive[j] & alive[other] & (shared == degree[j]) & (cost[other] <= cost[j])
        if use_private:
            ok &= private[j] == 0
        twin = (degree[other] == degree[j]) & (cost[other] == cost[j])
        if use_private:
            twin &= private[other] == 0
        ok &= ~twin | (other < j)
        dominated[j[ok]] = True
        dominator[j[ok]] = other[ok]
        start = stop
    return dominated, dominator


def _stop_if(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled(translate("Run", "the run was cancelled"))


def reduce_model(coverage: CoverageMatrix, weights: np.ndarray, *, costs: np.ndarray | None = None,
                 beta: float = 0.0, full_cover: bool = False, dominance: bool = True,
                 cancelled: Callable[[], bool] | None = None) -> Reduced:
    """Reduce a covering model (see the module docstring); ``costs`` None means costs do not matter
    (cardinality MCLP, fewest-sites LSCP). ``full_cover`` is the LSCP that must cover every coverable row.
    ``cancelled`` is asked between the steps of every round (``plugins.api.Cancelled``)."""
    n = coverage.n_candidates
    weights = np.asarray(weights, float)
    rows = coverage.by_demand().astype(np.int32)
    degree = np.diff(rows.indptr)
    stats = {"demand_points": int(coverage.n_demand), "candidates": int(n)}
    useful = (degree > 0) & (weights > 0)
    stats["uncoverable_points"] = int(((degree == 0) & (weights > 0)).sum())
    rows, row_weight = rows[useful], weights[useful]
    alive = np.ones(n, bool)
    private = np.zeros(n)
    forced = np.zeros(n, bool)
    dominator = np.full(n, -1, np.int64)
    use_dominance = dominance and beta == 0.0
    stats.update(merged_rows=0, singleton_rows=0, dominated_candidates=0, useless_candidates=0)
    for _ in range(MAX_ROUNDS):
        _stop_if(cancelled)
        before = (rows.shape[0], int(alive.sum()))
        rows.eliminate_zeros()
        rows.sort_indices()
        count = rows.shape[0]
        rows, row_weight = merge_identical_rows(rows, row_weight)
        _stop_if(cancelled)
        stats["merged_rows"] += count - rows.shape[0]
        degree = np.diff(rows.indptr)
        single = degree == 1
        stats["singleton_rows"] += int(single.sum())
        owner = rows.indices[rows.indptr[:-1][single]]
        if full_cover:
            forced[owner] = True
            satisfied = np.asarray(rows[:, np.flatnonzero(forced)].getnnz(axis=1)).ravel() > 0
            rows, row_weight = rows[~satisfied], row_weight[~satisfied]
            alive &= ~forced
        else:
            np.add.at(private, owner, row_weight[single])
            rows, row_weight = rows[~single], row_weight[~single]
        rows = rows @ sp.diags(alive.astype(np.int32), dtype=np.int32)
        rows.eliminate_zeros()
        if use_dominance and rows.shape[0]:
            _stop_if(cancelled)
            dominated, by = _dominated(rows, alive, private, costs, use_private=not full_cover, cancelled=cancelled)
            alive &= ~dominated
            dominator[dominated] = by[dominated]
            stats["dominated_candidates"] += int(dominated.sum())
            rows = rows @ sp.diags(alive.astype(np.int32), dtype=np.int32)
        covering = np.asarray(rows.getnnz(axis=0)).ravel() > 0
        useless = alive & ~covering & ~(private > 0)
        stats["useless_candidates"] += int(useless.sum())
        alive &= ~useless
        if (rows.shape[0], int(alive.sum())) == before:
            break
    rows.eliminate_zeros()
    kept = np.flatnonzero(alive)
    reduced_rows = rows[:, kept].tocsr()
    reduced_rows.sort_indices()
    stats.update(rows=int(reduced_rows.shape[0]), kept_candidates=int(kept.size), forced_candidates=int(forced.sum()),
                 nonzeros=int(reduced_rows.nnz))
    return Reduced(rows=reduced_rows, row_weight=row_weight, candidates=kept, private=private[kept],
                   forced=np.flatnonzero(forced), dominator=dominator, stats=stats)


@dataclass
class Restricted:
    """A reduced model with some sites settled: ``model`` is over the open sites only (its column i is column
    ``columns[i]`` of the model it came from), ``built`` are the columns fixed in and ``offset`` the value they
    bring, which every plan of the restricted model adds to its own; ``cuts`` are the given cuts rewritten
    for the restricted model."""

    model: Reduced
    columns: np.ndarray
    built: np.ndarray
    offset: float
    cuts: list[Cut]
    _position: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))

    def open_plan(self, plan: np.ndarray) -> np.ndarray | None:
        """A plan (columns of the original model) as columns of the restricted model, or None when it breaks
        the settlement (leaves a built site out or uses a settled-out one)."""
        plan = np.asarray(plan, np.int64)
        if not np.isin(self.built, plan).all():
            return None
        rest = plan[~np.isin(plan, self.built)]
        if (self._position[rest] < 0).any():
            return None
        return self._position[rest]


def restrict(reduced: Reduced, site_out: np.ndarray, site_in: np.ndarray, *, cuts: Sequence[Cut] = ()) -> Restricted:
    """Settle sites (boolean masks over ``reduced``'s columns) and shrink what is left.

    Rows a built site covers are done (their weight joins the offset), rows no open site covers drop out, rows
    left with one open coverer fold into it, and rows that now have the same open coverers merge. Cuts follow
    by substitution (a done row is y = 1, a dropped one y = 0, a folded one y = x of its coverer, merged rows
    share one y), which keeps them valid for every plan of the restricted model."""
    rows = reduced.rows.tocsr()
    n_rows, n_columns = rows.shape
    built = np.flatnonzero(site_in)
    done = np.asarray(rows[:, built].sum(axis=1)).ravel() > 0 if built.size else np.zeros(n_rows, bool)
    offset = float(reduced.private[built].sum() + reduced.row_weight[done].sum())
    columns = np.flatnonzero(~site_out & ~site_in)
    open_rows = rows[:, columns].tocsr()
    open_rows.sort_indices()
    degree = np.diff(open_rows.indptr)
    private = reduced.private[columns].copy()
    single = ~done & (degree == 1)
    sole = np.full(n_rows, -1, np.int64)
    sole[single] = open_rows.indices[open_rows.indptr[:-1][single]]
    np.add.at(private, sole[single], reduced.row_weight[single])
    live = np.flatnonzero(~done & (degree >= 2))
    merged, weight, group = merge_identical_rows(open_rows[live], reduced.row_weight[live], with_groups=True)
    new_row = np.full(n_rows, -1, np.int64)
    new_row[live] = group
    position = np.full(n_columns, -1, np.int64)
    position[columns] = np.arange(columns.size)
    model = Reduced(rows=merged, row_weight=weight, candidates=np.arange(columns.size), private=private,
                    forced=np.zeros(0, np.int64), dominator=np.full(columns.size, -1, np.int64),
                    stats={"rows": int(merged.shape[0]), "kept_candidates": int(columns.size)})
    moved = []
    for cut in cuts:
        rhs = cut.rhs - float(cut.row_coefficients[done[cut.rows]].sum()) + float(
            cut.coefficients[site_in[cut.columns]].sum())
        y = np.zeros(merged.shape[0])
        x = np.zeros(columns.size)
        kept = new_row[cut.rows] >= 0
        np.add.at(y, new_row[cut.rows][kept], cut.row_coefficients[kept])
        folded = sole[cut.rows] >= 0
        np.add.at(x, sole[cut.rows][folded], -cut.row_coefficients[folded])
        still = position[cut.columns] >= 0
        np.add.at(x, position[cut.columns][still], cut.coefficients[still])
        on_rows, on_columns = np.flatnonzero(y), np.flatnonzero(x)
        if on_rows.size:
            moved.append(Cut(on_rows, y[on_rows], on_columns, x[on_columns], rhs))
    return Restricted(model=model, columns=columns, built=built, offset=offset, cuts=moved, _position=position)


__all__ = ["Reduced", "Restricted", "merge_identical_rows", "reduce_model", "restrict"]
